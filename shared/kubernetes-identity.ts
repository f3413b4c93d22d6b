/**
 * Matching a kernel OOM kill to the Kubernetes objects the API server knows: which container of the pod
 * the kernel's container id names, which workload owns the pod, and what the kill did to it.
 * Pure: the shapes below are the few fields read from the API, so any client's objects (client-node's
 * V1Pod included) fit them, and tests can write them by hand.
 */
import type { Impact, KubernetesIdentity } from './oom-event.ts';

/** API timestamps arrive as Date (client-node deserializes them) or as RFC 3339 strings (raw JSON). */
export type ApiTime = Date | string;

export interface TerminatedStateView {
  containerID?: string;
  reason?: string;
  exitCode?: number;
  finishedAt?: ApiTime;
}

export interface ContainerStateView {
  running?: object;
  waiting?: object;
  terminated?: TerminatedStateView;
}

export interface ContainerStatusView {
  name: string;
  containerID?: string;
  image?: string;
  restartCount?: number;
  state?: ContainerStateView;
  lastState?: ContainerStateView;
}

export interface ContainerSpecView {
  name: string;
  image?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

export interface OwnerReferenceView {
  kind: string;
  name: string;
  controller?: boolean;
}

export interface PodView {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    /** Only `kubernetes.io/config.hash`, a static pod's mirror's: the uid its cgroup path shows (STATIC_POD_HASH). */
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReferenceView[];
  };
  spec?: {
    containers?: ContainerSpecView[];
    initContainers?: ContainerSpecView[];
    ephemeralContainers?: ContainerSpecView[];
  };
  status?: {
    qosClass?: string;
    containerStatuses?: ContainerStatusView[];
    initContainerStatuses?: ContainerStatusView[];
    ephemeralContainerStatuses?: ContainerStatusView[];
  };
}

export type ContainerType = 'regular' | 'init' | 'ephemeral';

export interface ContainerMatch {
  type: ContainerType;
  status: ContainerStatusView;
  spec: ContainerSpecView | null;
  /** The kernel's id names the instance running now, or the one before the last restart (`lastState`). */
  instance: 'current' | 'previous';
}

export interface Workload {
  kind: string;
  name: string;
}

/** Where the owner chain stands after reading the pod alone. */
export type WorkloadStep =
  | { next: 'done'; workload: Workload | null }
  | { next: 'read-replicaset'; namespace: string; name: string }
  | { next: 'read-job'; namespace: string; name: string };

// Runtimes prefix the id in pod status with their scheme; the kernel's cgroup path has the bare hex.
const RUNTIME_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//;

/** `containerd://0123…` → `0123…`; CRI-O (`cri-o://`) and dockershim (`docker://`) alike. */
export function bareContainerId(statusId: string): string {
  return statusId.replace(RUNTIME_SCHEME, '').toLowerCase();
}

const STATUS_LISTS = [
  ['regular', 'containerStatuses', 'containers'],
  ['init', 'initContainerStatuses', 'initContainers'],
  ['ephemeral', 'ephemeralContainerStatuses', 'ephemeralContainers'],
] as const;

/**
 * The container whose current or previous instance has the kernel's container id, across regular, init and
 * ephemeral containers. The current instance wins when both somehow match.
 */
export function findContainer(pod: PodView, containerId: string): ContainerMatch | null {
  const wanted = containerId.toLowerCase();
  let previous: ContainerMatch | null = null;
  for (const [type, statusKey, specKey] of STATUS_LISTS) {
    for (const status of pod.status?.[statusKey] ?? []) {
      const spec = pod.spec?.[specKey]?.find((c) => c.name === status.name) ?? null;
      if (status.containerID !== undefined && bareContainerId(status.containerID) === wanted) {
        return { type, status, spec, instance: 'current' };
      }
      const last = status.lastState?.terminated?.containerID;
      if (previous === null && last !== undefined && bareContainerId(last) === wanted) {
        previous = { type, status, spec, instance: 'previous' };
      }
    }
  }
  return previous;
}

function controllerOf(pod: PodView): OwnerReferenceView | null {
  const owners = pod.metadata?.ownerReferences ?? [];
  return owners.find((o) => o.controller === true) ?? (owners.length === 1 ? (owners[0] ?? null) : null);
}

// The CronJob controller names its Jobs `<cronjob>-<scheduled time in minutes>`.
const CRONJOB_JOB_NAME = /-\d+$/;

/**
 * The workload as far as the pod alone tells it. A ReplicaSet is a Deployment's only when the pod's
 * `pod-template-hash` label is the ReplicaSet's name suffix (the Deployment controller's naming); Argo
 * Rollouts and bare ReplicaSets do not carry that label, so those need the ReplicaSet read. A Job is read
 * only when its name looks like a CronJob's.
 */
export function workloadFromPod(pod: PodView): WorkloadStep {
  const owner = controllerOf(pod);
  if (owner === null) return { next: 'done', workload: null };
  const namespace = pod.metadata?.namespace ?? '';
  if (owner.kind === 'ReplicaSet') {
    const hash = pod.metadata?.labels?.['pod-template-hash'];
    const suffix = `-${hash}`;
    if (
      hash !== undefined &&
      hash !== '' &&
      owner.name.endsWith(suffix) &&
      owner.name.length > suffix.length
    ) {
      return { next: 'done', workload: { kind: 'Deployment', name: owner.name.slice(0, -suffix.length) } };
    }
    return { next: 'read-replicaset', namespace, name: owner.name };
  }
  if (owner.kind === 'Job' && CRONJOB_JOB_NAME.test(owner.name)) {
    return { next: 'read-job', namespace, name: owner.name };
  }
  return { next: 'done', workload: { kind: owner.kind, name: owner.name } };
}

/** The workload once the ReplicaSet or Job is read: its own controller, or itself when it has none. */
export function workloadAbove(child: Workload, childOwners: readonly OwnerReferenceView[]): Workload {
  const owner = childOwners.find((o) => o.controller === true);
  return owner === undefined ? child : { kind: owner.kind, name: owner.name };
}

/** ISO-8601, or null for a missing or unparseable time. */
export function isoTime(time: ApiTime | undefined): string | null {
  if (time === undefined) return null;
  const ms = (time instanceof Date ? time : new Date(time)).getTime();
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * How far the container's exit may lie from the kernel's kill for the two to be one event. The runtime
 * records the exit within moments of the kill; the slack covers `observedAt` taken from log ingestion time
 * and the memory reclaim of a large victim. A child killed more than this before PID 1 stays a child kill.
 */
export const KILL_TO_EXIT_TOLERANCE_MS = 30_000;

function oomExitNear(terminated: TerminatedStateView | undefined, observedAt: string | null): boolean {
  if (terminated?.reason !== 'OOMKilled') return false;
  // Without the kill's wall-clock time the matching container id is the only evidence, and it suffices:
  // an instance exits once.
  if (observedAt === null) return true;
  const finished = isoTime(terminated.finishedAt);
  if (finished === null) return false;
  return Math.abs(Date.parse(finished) - Date.parse(observedAt)) <= KILL_TO_EXIT_TOLERANCE_MS;
}

/**
 * What the kill did to a container still in the API. `container-restarted` also covers an instance that
 * died and is not restarted yet (back-off, or `restartPolicy: Never`): the container's main process is gone.
 */
export function impactOnContainer(match: ContainerMatch | null, observedAt: string | null): Impact {
  if (match === null) return 'unknown';
  if (match.instance === 'previous') {
    return oomExitNear(match.status.lastState?.terminated, observedAt) ? 'container-restarted' : 'unknown';
  }
  const state = match.status.state;
  if (state?.running !== undefined) return 'process-killed-container-running';
  return oomExitNear(state?.terminated, observedAt) ? 'container-restarted' : 'unknown';
}

function lastTerminationOf(status: ContainerStatusView): KubernetesIdentity['lastTermination'] {
  const terminated = status.state?.terminated ?? status.lastState?.terminated;
  if (terminated === undefined) return null;
  return {
    reason: terminated.reason ?? null,
    exitCode: terminated.exitCode ?? null,
    finishedAt: isoTime(terminated.finishedAt),
  };
}

/** The identity of a pod found in the API; container fields stay null when no container matched. */
export function identityOfPod(
  pod: PodView,
  match: ContainerMatch | null,
  workload: Workload | null,
): KubernetesIdentity {
  const spec = match?.spec ?? null;
  return {
    namespace: pod.metadata?.namespace ?? '',
    pod: pod.metadata?.name ?? '',
    container: match?.status.name ?? null,
    containerType: match?.type ?? null,
    workload,
    qosClass: pod.status?.qosClass ?? null,
    image: spec?.image ?? match?.status.image ?? null,
    labels: { ...pod.metadata?.labels },
    memoryRequest: spec?.resources?.requests?.['memory'] ?? null,
    memoryLimit: spec?.resources?.limits?.['memory'] ?? null,
    restartCount: match?.status.restartCount ?? null,
    lastTermination: match === null ? null : lastTerminationOf(match.status),
  };
}

/** The identity of a deleted pod, recovered from its Events: its name and namespace, nothing more. */
export function identityFromEvents(namespace: string, pod: string): KubernetesIdentity {
  return {
    namespace,
    pod,
    container: null,
    containerType: null,
    workload: null,
    qosClass: null,
    image: null,
    labels: {},
    memoryRequest: null,
    memoryLimit: null,
    restartCount: null,
    lastTermination: null,
  };
}

/**
 * The annotation a static pod's mirror pod carries: the kubelet's hash of the manifest, which is the pod's uid on
 * the node (its cgroup path) while the API gives the mirror another.
 */
export const STATIC_POD_HASH = 'kubernetes.io/config.hash';
