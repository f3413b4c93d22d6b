import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  EVENT_WRITER_GROUP,
  READER_GROUP,
  readerRbacObjects,
  readerRbacText,
} from '../../infra/kubernetes-access.ts';
import { ENV as RUNTIME_ENV } from '../../shared/runtime-config.ts';
import { removeOutdirs, synthOomAlerts } from './stack-fixture.ts';

afterAll(removeOutdirs);

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };

const rulesOf = (objects: Record<string, unknown>[]) =>
  (objects.find((object) => object.kind === 'ClusterRole') as { rules: Rule[] }).rules;

describe('reader RBAC', () => {
  it('reads pods, nodes, events, ReplicaSets and Jobs, and nothing else', () => {
    const granted = rulesOf(readerRbacObjects()).flatMap((rule) =>
      rule.resources.flatMap((resource) =>
        rule.verbs.map((verb) => `${rule.apiGroups.join()}/${resource}:${verb}`),
      ),
    );
    expect(granted.sort()).toEqual(
      [
        '/events:get',
        '/events:list',
        '/nodes:get',
        '/nodes:list',
        '/pods:get',
        '/pods:list',
        'apps/replicasets:get',
        'apps/replicasets:list',
        'batch/jobs:get',
        'batch/jobs:list',
      ].sort(),
    );
  });

  it('binds the ClusterRole to the group the access entries name', () => {
    const binding = readerRbacObjects().find((object) => object.kind === 'ClusterRoleBinding');
    expect(binding).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'eks-oom-alerts-reader' },
      subjects: [{ kind: 'Group', name: READER_GROUP }],
    });
    expect(READER_GROUP).not.toMatch(/^(system|eks|amazon|aws|iam):/);
  });

  it('writes the same objects as YAML for kubectl apply, without YAML anchors', () => {
    expect(readerRbacText()).not.toMatch(/[&*]a\d/);
    expect(parseAllDocuments(readerRbacText()).map((document) => document.toJSON())).toEqual(
      readerRbacObjects(),
    );
  });
});

describe('event writer RBAC (kubernetesEvents)', () => {
  it('adds a ClusterRole that may only create Events, core and events.k8s.io, bound to the writer group', () => {
    const objects = readerRbacObjects({ createEvents: true });
    const roles = objects.filter((object) => object.kind === 'ClusterRole') as Array<{
      metadata: { name: string };
      rules: Rule[];
    }>;
    expect(roles.map((role) => role.metadata.name)).toEqual([
      'eks-oom-alerts-reader',
      'eks-oom-alerts-event-writer',
    ]);
    expect(roles[1]?.rules).toEqual([
      { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create'] },
    ]);
    // The readers' role is unchanged: watch, in the reader group only, cannot write anything.
    expect(rulesOf(objects)).toEqual(rulesOf(readerRbacObjects()));
    expect(objects.filter((object) => object.kind === 'ClusterRoleBinding')[1]).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'eks-oom-alerts-event-writer' },
      subjects: [{ kind: 'Group', name: EVENT_WRITER_GROUP }],
    });
  });

  it('puts the enrich role alone in the writer group, tells enrich, and writes the role to the manifest', () => {
    const { template, alerts } = synthOomAlerts({ clusterName: 'demo', kubernetesEvents: true });
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OomAlertsEnrichRole'), 'Arn'] },
      KubernetesGroups: [READER_GROUP, EVENT_WRITER_GROUP],
    });
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OomAlertsWatchRole'), 'Arn'] },
      KubernetesGroups: [READER_GROUP],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [RUNTIME_ENV.kubernetesEvents]: 'true' }) },
    });
    const manifest = readFileSync(alerts.kubernetesManifestFile as string, 'utf8');
    expect(manifest).toContain(readerRbacText({ createEvents: true }));
  });

  it('is off by default: no writer role, no writer group, no variable', () => {
    const { template, alerts } = synthOomAlerts({ clusterName: 'demo' });
    expect(JSON.stringify(template.toJSON())).not.toContain(EVENT_WRITER_GROUP);
    expect(JSON.stringify(template.toJSON())).not.toContain(RUNTIME_ENV.kubernetesEvents);
    expect(readFileSync(alerts.kubernetesManifestFile as string, 'utf8')).not.toContain('event-writer');
  });
});
