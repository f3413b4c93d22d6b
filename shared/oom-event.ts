/**
 * The one event shape that leaves the parser (docs: ../shared/docs/oom-event.md, schema version 1).
 * Field names are fixed: `scan --json`, EventBridge and the events log group all use them.
 * A field the kernel text did not show is `null`, never guessed. Sizes are kB, as the kernel prints them.
 */

export const SCHEMA_VERSION = 1 as const;

export type Constraint = 'memcg' | 'system' | 'cpuset' | 'mempolicy';
export type LimitScope = 'container' | 'pod' | 'qos' | 'kubepods' | 'node' | 'other';
export type QosClass = 'guaranteed' | 'burstable' | 'besteffort';
export type ContainerRuntime = 'containerd' | 'crio' | 'docker';

export interface Victim {
  pid: number | null;
  /** The comm exactly as printed; may hold spaces, parentheses and brackets. */
  name: string | null;
  uid: number | null;
  totalVmKb: number | null;
  anonRssKb: number | null;
  fileRssKb: number | null;
  shmemRssKb: number | null;
  pgtablesKb: number | null;
  oomScoreAdj: number | null;
}

/** The task that invoked the OOM killer (often not the victim). */
export interface Trigger {
  name: string | null;
  pid: number | null;
  gfpMask: string | null;
  order: number | null;
  oomScoreAdj: number | null;
}

export interface CgroupPaths {
  /** `oom_memcg=`, or Y of `Task in X killed as a result of limit of Y`: the cgroup whose limit was hit. */
  oom: string | null;
  /** `task_memcg=`, or X of the legacy line: the victim's own cgroup. */
  task: string | null;
}

export interface PodRef {
  /** Dashed lowercase UUID whatever the path spelling. */
  uid: string;
  qos: QosClass | null;
}

export interface ContainerRef {
  /** 64-hex container id. */
  id: string;
  runtime: ContainerRuntime | null;
}

export interface MemoryFigures {
  usageKb: number | null;
  limitKb: number | null;
  failcnt: number | null;
  swapUsageKb: number | null;
  swapLimitKb: number | null;
}

export interface TaskRow {
  pid: number;
  name: string;
  rssKb: number;
  oomScoreAdj: number;
}

export interface CoVictim {
  pid: number;
  name: string;
  anonRssKb: number | null;
}

export type EventSource =
  | { logGroup: string | null; logStream: string | null; eventIds: string[] }
  | { file: string; lines: number[] };

export interface OomEvent {
  schemaVersion: typeof SCHEMA_VERSION;
  /** Stable across re-delivery and re-reads of the same kill; never random. */
  id: string;
  node: string | null;
  observedAt: string | null;
  kernelTime: number | null;
  constraint: Constraint | null;
  limitScope: LimitScope | null;
  victim: Victim;
  trigger: Trigger | null;
  cgroup: CgroupPaths;
  pod: PodRef | null;
  container: ContainerRef | null;
  memory: MemoryFigures | null;
  /** Top 10 by rss of the task dump table; empty when the table was not seen. */
  tasks: TaskRow[];
  /** Others killed by the same memory.oom.group kill, in kernel order; at most 100 (see coVictimCount). */
  coVictims: CoVictim[];
  /** How many others the same memory.oom.group kill took, all of them; 0 without a group. */
  coVictimCount: number;
  /** Whether the kill line and the cgroup line were both seen. */
  complete: boolean;
  source: EventSource;
  /** The kernel lines the event was built from (at most 40), without prefixes. */
  lines: string[];
}

export type Impact =
  'container-restarted' | 'process-killed-container-running' | 'pod-deleted' | 'host-process' | 'unknown';

export type EnrichmentStatus =
  'resolved' | 'resolved-from-events' | 'not-found' | 'unavailable' | 'not-a-pod';

export interface KubernetesIdentity {
  namespace: string;
  pod: string;
  container: string | null;
  containerType: 'regular' | 'init' | 'ephemeral' | null;
  workload: { kind: string; name: string } | null;
  qosClass: string | null;
  image: string | null;
  labels: Record<string, string>;
  /** As in the spec, for example "512Mi". */
  memoryRequest: string | null;
  memoryLimit: string | null;
  restartCount: number | null;
  lastTermination: { reason: string | null; exitCode: number | null; finishedAt: string | null } | null;
}

export interface EnrichedOomEvent extends OomEvent {
  cluster: string;
  kubernetes: KubernetesIdentity | null;
  impact: Impact;
  enrichment: { status: EnrichmentStatus; detail: string | null };
}

export const EVENT_SOURCE = 'eks-oom-alerts';
export const DETAIL_TYPE_POD = 'Pod OOM Killed';
export const DETAIL_TYPE_NODE = 'Node OOM Kill';

/** EventBridge detail-type: a pod was identified, or not. */
export function detailTypeOf(event: EnrichedOomEvent): typeof DETAIL_TYPE_POD | typeof DETAIL_TYPE_NODE {
  return event.kubernetes !== null || event.pod !== null ? DETAIL_TYPE_POD : DETAIL_TYPE_NODE;
}
