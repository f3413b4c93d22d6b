import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  FLUENT_BIT_DESTINATION_CONFIG_MAP,
  FLUENT_BIT_NAMESPACE,
  FLUENT_BIT_SERVICE_ACCOUNT,
  fluentBitManifestText,
  fluentBitObjects,
  type KubernetesObject,
} from '../../infra/fluent-bit-manifests.ts';
import { nodeFromStreamName } from '../../shared/stream-name.ts';

const destination = { region: 'eu-west-1', logGroupName: '/eks-oom-alerts/demo/kernel' };

type Container = {
  command: string[];
  env: { name: string; valueFrom: Record<string, Record<string, string>> }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  volumeMounts: { name: string; mountPath: string }[];
  securityContext: Record<string, unknown>;
};
type PodSpec = {
  serviceAccountName: string;
  priorityClassName: string;
  tolerations: unknown[];
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: { matchExpressions: unknown[] }[];
      };
    };
  };
  containers: Container[];
  volumes: { name: string; hostPath?: { path: string } }[];
};

const objects = fluentBitObjects(destination);
const named = (kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && (o.metadata as { name: string }).name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const podSpec = (name: string) =>
  (named('DaemonSet', name).spec as { template: { spec: PodSpec } }).template.spec;
const fluentBitConfig = (file: string) =>
  parse((named('ConfigMap', 'fluent-bit-kernel-config').data as Record<string, string>)[file] as string);

describe('Fluent Bit manifests', () => {
  it('are, in apply order, namespace, service account, config, destination and the two DaemonSets', () => {
    expect(objects.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`)).toEqual([
      `Namespace/${FLUENT_BIT_NAMESPACE}`,
      `ServiceAccount/${FLUENT_BIT_SERVICE_ACCOUNT}`,
      'ConfigMap/fluent-bit-kernel-config',
      `ConfigMap/${FLUENT_BIT_DESTINATION_CONFIG_MAP}`,
      'DaemonSet/fluent-bit-kernel-journald',
      'DaemonSet/fluent-bit-kernel-kmsg',
    ]);
    for (const object of objects.slice(1))
      expect((object.metadata as { namespace: string }).namespace).toBe(FLUENT_BIT_NAMESPACE);
  });

  it('carry the deployment region and log group in the generated ConfigMap', () => {
    expect(named('ConfigMap', FLUENT_BIT_DESTINATION_CONFIG_MAP).data).toEqual({
      region: 'eu-west-1',
      logGroupName: '/eks-oom-alerts/demo/kernel',
    });
  });

  it('need no ClusterRole: kernel messages come from the node', () => {
    expect(objects.filter((o) => String(o.kind).includes('Role'))).toEqual([]);
  });

  describe.each(['fluent-bit-kernel-journald', 'fluent-bit-kernel-kmsg'])('DaemonSet %s', (name) => {
    it('runs on every node, whatever its taints, except Fargate', () => {
      const spec = podSpec(name);
      expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
      expect(
        spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
          ?.matchExpressions,
      ).toContainEqual({
        key: 'eks.amazonaws.com/compute-type',
        operator: 'NotIn',
        values: ['fargate'],
      });
      expect(spec.serviceAccountName).toBe(FLUENT_BIT_SERVICE_ACCOUNT);
      expect(spec.priorityClassName).toBe('system-node-critical');
    });

    it('asks for little and names its stream after the node from the downward API', () => {
      const [container] = podSpec(name).containers as [Container];
      expect(container.resources).toEqual({
        requests: { cpu: '10m', memory: '32Mi' },
        limits: { memory: '128Mi' },
      });
      expect(container.env).toContainEqual({
        name: 'NODE_NAME',
        valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } },
      });
      expect(container.env).toContainEqual({
        name: 'LOG_GROUP_NAME',
        valueFrom: { configMapKeyRef: { name: FLUENT_BIT_DESTINATION_CONFIG_MAP, key: 'logGroupName' } },
      });
      expect(container.env).toContainEqual({
        name: 'AWS_REGION',
        valueFrom: { configMapKeyRef: { name: FLUENT_BIT_DESTINATION_CONFIG_MAP, key: 'region' } },
      });
    });

    it('keeps its cursor and buffer on the node', () => {
      const spec = podSpec(name);
      expect(spec.volumes).toContainEqual({
        name: 'state',
        hostPath: { path: '/var/fluent-bit/eks-oom-alerts', type: 'DirectoryOrCreate' },
      });
    });
  });

  it('split nodes between journald and kmsg by one label, so no node ships twice', () => {
    const sourceRule = (name: string) =>
      podSpec(
        name,
      ).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]?.matchExpressions.find(
        (expression) => (expression as { key: string }).key === 'eks-oom-alerts/kernel-source',
      );
    expect(sourceRule('fluent-bit-kernel-journald')).toEqual({
      key: 'eks-oom-alerts/kernel-source',
      operator: 'NotIn',
      values: ['kmsg'],
    });
    expect(sourceRule('fluent-bit-kernel-kmsg')).toEqual({
      key: 'eks-oom-alerts/kernel-source',
      operator: 'In',
      values: ['kmsg'],
    });
  });

  it('mount the journal read-only for journald and /dev/kmsg for kmsg', () => {
    const mounts = (name: string) =>
      (podSpec(name).containers[0] as Container).volumeMounts.map((mount) => mount.mountPath);
    expect(mounts('fluent-bit-kernel-journald')).toContain('/var/log/journal');
    expect(mounts('fluent-bit-kernel-kmsg')).toContain('/dev/kmsg');
    expect((podSpec('fluent-bit-kernel-journald').containers[0] as Container).securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });
});

describe('Fluent Bit pipelines', () => {
  it.each(['journald.yaml', 'kmsg.yaml'])(
    '%s sends whole records to one stream per node, never creating the group',
    (file) => {
      const config = fluentBitConfig(file) as { pipeline: { outputs: Record<string, unknown>[] } };
      expect(config.pipeline.outputs).toEqual([
        {
          name: 'cloudwatch_logs',
          match: 'kernel',
          region: '${AWS_REGION}',
          log_group_name: '${LOG_GROUP_NAME}',
          log_stream_name: '${NODE_NAME}.kernel',
          auto_create_group: false,
        },
      ]);
    },
  );

  it('names streams so that the parser reads the node back', () => {
    const config = fluentBitConfig('journald.yaml') as {
      pipeline: { outputs: { log_stream_name: string }[] };
    };
    const node = 'ip-10-0-1-23.eu-west-1.compute.internal';
    const stream = config.pipeline.outputs[0]?.log_stream_name.replace('${NODE_NAME}', node) as string;
    expect(nodeFromStreamName(stream)).toBe(node);
  });

  it('journald reads kernel transport only, resumes from a cursor DB, and keeps the fields the parser reads', () => {
    const config = fluentBitConfig('journald.yaml') as {
      pipeline: { inputs: Record<string, unknown>[]; filters: Record<string, unknown>[] };
    };
    expect(config.pipeline.inputs[0]).toMatchObject({
      name: 'systemd',
      path: '/var/log/journal',
      systemd_filter: '_TRANSPORT=kernel',
      db: '/var/fluent-bit/eks-oom-alerts/journald.db',
    });
    expect(config.pipeline.filters[0]?.allowlist_key).toEqual(
      expect.arrayContaining(['MESSAGE', '_TRANSPORT', '_SOURCE_MONOTONIC_TIMESTAMP', '_BOOT_ID']),
    );
  });

  it('kmsg reads the kernel ring buffer', () => {
    const config = fluentBitConfig('kmsg.yaml') as { pipeline: { inputs: Record<string, unknown>[] } };
    expect(config.pipeline.inputs[0]).toMatchObject({ name: 'kmsg', tag: 'kernel' });
  });

  it('each DaemonSet starts the pipeline file meant for it', () => {
    expect((podSpec('fluent-bit-kernel-journald').containers[0] as Container).command).toContain(
      '/fluent-bit/etc/kernel/journald.yaml',
    );
    expect((podSpec('fluent-bit-kernel-kmsg').containers[0] as Container).command).toContain(
      '/fluent-bit/etc/kernel/kmsg.yaml',
    );
  });
});

describe('the manifest file for kubectl apply', () => {
  it('parses back to the same objects', () => {
    const documents = parseAllDocuments(fluentBitManifestText(destination));
    expect(documents.flatMap((document) => document.errors)).toEqual([]);
    expect(documents.map((document) => document.toJSON() as KubernetesObject)).toEqual(objects);
  });
});
