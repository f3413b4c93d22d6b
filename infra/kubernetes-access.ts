import { aws_eks as eks, type aws_iam as iam } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { KubernetesObject } from './fluent-bit-manifests.ts';
import { capitalised } from './pipeline-function.ts';

/**
 * The Kubernetes group the access entries of the functions name, and that the ClusterRoleBinding below binds.
 * EKS refuses groups that start with `system:`, `eks:`, `amazon:`, `aws:` or `iam:`.
 */
export const READER_GROUP = 'eks-oom-alerts-readers';
const READER_CLUSTER_ROLE = 'eks-oom-alerts-reader';
/** With `kubernetesEvents`: the group of the enrich role alone, which may create Events and nothing more. */
export const EVENT_WRITER_GROUP = 'eks-oom-alerts-event-writers';
const EVENT_WRITER_CLUSTER_ROLE = 'eks-oom-alerts-event-writer';

const LABELS = { 'app.kubernetes.io/part-of': 'eks-oom-alerts' };

export interface ReaderRbacOptions {
  /**
   * The `kubernetesEvents` option: a second ClusterRole, for EVENT_WRITER_GROUP only, that may create Events
   * (core and events.k8s.io, the same objects), with no get, update or delete.
   */
  readonly createEvents?: boolean;
}

/** A ClusterRole and its binding to one group. */
function boundClusterRole(name: string, group: string, rules: object[]): KubernetesObject[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name, labels: LABELS },
      rules,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels: LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
    },
  ];
}

/**
 * What the functions read, and nothing else: pods by node and the Events that name a pod (enrich), the owners
 * of a pod (ReplicaSets, Jobs: enrich), the nodes (watch). No ConfigMaps, no Secrets, no writes but the
 * Events of `createEvents`, for the enrich role only.
 */
export function readerRbacObjects(options: ReaderRbacOptions = {}): KubernetesObject[] {
  const read = ['get', 'list'];
  const rules = [
    { apiGroups: [''], resources: ['pods', 'nodes'], verbs: read },
    { apiGroups: [''], resources: ['events'], verbs: read },
    { apiGroups: ['apps'], resources: ['replicasets'], verbs: read },
    { apiGroups: ['batch'], resources: ['jobs'], verbs: read },
  ];
  const writeEvents = [{ apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create'] }];
  return [
    ...boundClusterRole(READER_CLUSTER_ROLE, READER_GROUP, rules),
    ...(options.createEvents === true
      ? boundClusterRole(EVENT_WRITER_CLUSTER_ROLE, EVENT_WRITER_GROUP, writeEvents)
      : []),
  ];
}

/** The same objects as one multi-document YAML for `kubectl apply -f`. */
export function readerRbacText(options: ReaderRbacOptions = {}): string {
  const writers =
    options.createEvents === true ? `; enrich's also ${EVENT_WRITER_GROUP}, which may create Events` : '';
  const header = `# What the eks-oom-alerts functions may read: the access entries of their roles name group ${READER_GROUP}${writers}.\n`;
  return (
    header +
    readerRbacObjects(options)
      .map((object) => stringify(object, { aliasDuplicateObjects: false }).trimEnd())
      .join('\n---\n') +
    '\n'
  );
}

/**
 * An access entry per function role, in the reader group and with no EKS access policy: what the role may do
 * is the ClusterRole above, once the manifests are applied. Until then the API server answers 403. The roles
 * named in `eventWriters` are in the event-writer group as well.
 */
export function grantClusterRead(
  scope: Construct,
  clusterName: string,
  roles: Record<string, iam.IRole>,
  eventWriters: readonly string[] = [],
): void {
  for (const [name, role] of Object.entries(roles)) {
    new eks.CfnAccessEntry(scope, `${capitalised(name)}AccessEntry`, {
      clusterName,
      principalArn: role.roleArn,
      type: 'STANDARD',
      kubernetesGroups: eventWriters.includes(name) ? [READER_GROUP, EVENT_WRITER_GROUP] : [READER_GROUP],
    });
  }
}
