import type { ContainerRef, ContainerRuntime, PodRef, QosClass } from './oom-event.ts';

/** How deep in the Kubernetes hierarchy a cgroup sits. */
export type CgroupLevel = 'container' | 'pod' | 'qos' | 'kubepods' | 'other';

export interface DecodedCgroup {
  level: CgroupLevel;
  pod: PodRef | null;
  container: ContainerRef | null;
  /**
   * Hex digits of a container id that a pager cut short (journalctl lines ending in `>`), so that a full id
   * seen elsewhere in the report (the invoker's `cpuset=`) can complete it when the prefix matches.
   */
  partialContainerId: string | null;
}

const NOT_KUBERNETES: DecodedCgroup = {
  level: 'other',
  pod: null,
  container: null,
  partialContainerId: null,
};

// A pod UID with dashes (cgroupfs driver) or underscores (systemd driver); any case, lowered on output.
const POD_SEGMENT =
  /pod([0-9a-fA-F]{8})[-_]([0-9a-fA-F]{4})[-_]([0-9a-fA-F]{4})[-_]([0-9a-fA-F]{4})[-_]([0-9a-fA-F]{12})(?:\.slice)?$/;
// A static pod's UID: the kubelet's hash of its manifest, 32 hex digits (its mirror pod in the API has another).
const STATIC_POD_SEGMENT = /pod([0-9a-fA-F]{32})(?:\.slice)?$/;
const QOS_WORD = /(?:^|[-/])(burstable|besteffort)(?:[-.]|$)/;
const HEX64 = /^[0-9a-f]{64}$/;
const HEX_RUN = /^[0-9a-f]+$/;

/**
 * Container scopes as runtimes name them: `cri-containerd-<id>.scope` (containerd, systemd driver),
 * `crio-<id>.scope` (CRI-O), `docker-<id>.scope` (dockershim), a bare `<id>` (cgroupfs driver), and the
 * `…slice:cri-containerd:<id>` form containerd writes when its cgroup driver disagrees with the kubelet's.
 */
const CONTAINER_PREFIXES: ReadonlyArray<readonly [string, ContainerRuntime | null]> = [
  ['cri-containerd-', 'containerd'],
  ['cri-containerd:', 'containerd'],
  ['crio-', 'crio'],
  ['cri-o-', 'crio'],
  ['docker-', 'docker'],
  ['docker:', 'docker'],
];

/** `<slice>:cri-containerd:<id>` (a systemd cgroup spec used as a path) reads as the slice, then the scope. */
function splitSystemdSpec(segment: string): string[] {
  const colon = segment.indexOf(':');
  return colon > 0 && segment.slice(0, colon).endsWith('.slice')
    ? [segment.slice(0, colon), segment.slice(colon + 1)]
    : [segment];
}

/**
 * Whether an author shortened the path with an ellipsis (`/docker/55c9ffc4...`, `docker-9751845b....scope`, `pod…`):
 * no path the kernel prints holds one, so it is a path cut short, wherever the ellipsis stands.
 */
export function isElidedPath(path: string): boolean {
  return path.includes('...') || path.includes('…');
}

function podUidOf(segment: string): string | null {
  if (!segment.includes('pod')) return null;
  const m = POD_SEGMENT.exec(segment);
  if (m !== null) return `${m[1]}-${m[2]}-${m[3]}-${m[4]}-${m[5]}`.toLowerCase();
  const hash = STATIC_POD_SEGMENT.exec(segment);
  return hash === null ? null : dashedUid(hash[1] as string);
}

/**
 * 32 hex digits in the contract's spelling of a pod uid, the dashed lowercase UUID's: a static pod's hash so
 * spelled is the key its mirror pod is found by (adapters/kubernetes/pod-resolver.ts).
 */
export function dashedUid(hex: string): string {
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The pod's QoS class; unknown when an author's ellipsis may hide the segment that names it. */
function qosOf(segments: readonly string[]): QosClass | null {
  for (const segment of segments) {
    const m = QOS_WORD.exec(segment);
    if (m !== null) return m[1] as QosClass;
  }
  return segments.some(isElidedPath) ? null : 'guaranteed';
}

interface ContainerSegment {
  id: string;
  runtime: ContainerRuntime | null;
  complete: boolean;
}

/** Reads the container id from the segment below the pod; `conmon` scopes are CRI-O's monitor, not a container. */
function containerOf(segment: string, truncated: boolean): ContainerSegment | null {
  let rest = segment;
  if (rest.startsWith('crio-conmon-')) return null;
  let runtime: ContainerRuntime | null = null;
  for (const [prefix, name] of CONTAINER_PREFIXES) {
    if (rest.startsWith(prefix)) {
      rest = rest.slice(prefix.length);
      runtime = name;
      break;
    }
  }
  if (rest.endsWith('.scope')) rest = rest.slice(0, -'.scope'.length);
  if (HEX64.test(rest)) return { id: rest, runtime, complete: true };
  if (truncated && rest.length > 0 && rest.length < 64 && HEX_RUN.test(rest)) {
    return { id: rest, runtime, complete: false };
  }
  return null;
}

/**
 * Decodes a memory cgroup path as the kernel prints it (`task_memcg=`, `oom_memcg=`, `Task in …`,
 * `Memory cgroup stats for …`) into the pod and container it belongs to.
 *
 * Works on both cgroup drivers, every QoS class, every runtime's scope naming, and under any prefix
 * (kind `/docker/<id>/kubepods/…`, k3s, docker-in-docker, `/system.slice/containerd.service/…`).
 * `truncated` says the path was cut short by a pager, so a short trailing hex run is kept as a partial id.
 */
export function decodeCgroupPath(path: string, truncated = false): DecodedCgroup {
  const key = truncated ? `>${path}` : path;
  for (const [latestKey, result] of latest) if (sameText(latestKey, key)) return result;
  let result = decoded.get(key);
  if (result === undefined) {
    if (decoded.size >= DECODED_KEPT) decoded.clear();
    result = decodeUncached(path, truncated);
    decoded.set(key, result);
  }
  latest.unshift([key, result]);
  if (latest.length > LATEST_KEPT) latest.pop();
  return result;
}

// A report names the same paths several times, and a storm repeats them: decode each once.
const DECODED_KEPT = 1024;
const decoded = new Map<string, DecodedCgroup>();
/**
 * The last paths decoded, newest first, compared before the Map is asked: a path just read from a line has no
 * hash yet, and computing it costs more than comparing the paths (victim's and limit's) of a storm's pods.
 */
const LATEST_KEPT = 4;
const latest: Array<[string, DecodedCgroup]> = [];

/** `a === b`, told false at once for most paths of one node: they share a long head, and differ at the end. */
function sameText(a: string, b: string): boolean {
  const last = a.length - 1;
  return a.length === b.length && (last < 0 || a.charCodeAt(last) === b.charCodeAt(last)) && a === b;
}

function decodeUncached(path: string, truncated: boolean): DecodedCgroup {
  const segments = path
    .split('/')
    .filter((s) => s.length > 0)
    .flatMap(splitSystemdSpec);
  const podIndex = segments.findIndex((s) => podUidOf(s) !== null);
  if (podIndex < 0) return levelAbovePods(segments) ?? containerOutsidePods(segments) ?? NOT_KUBERNETES;
  const uid = podUidOf(segments[podIndex] as string) as string;
  const above = segments.slice(0, podIndex + 1);
  const pod: PodRef = { uid, qos: qosOf(above) };
  const below = segments[podIndex + 1];
  if (below === undefined) {
    return { level: 'pod', pod, container: null, partialContainerId: null };
  }
  const container = containerOf(below, truncated && podIndex + 2 === segments.length);
  if (container === null) return { level: 'container', pod, container: null, partialContainerId: null };
  if (!container.complete) {
    return { level: 'container', pod, container: null, partialContainerId: container.id };
  }
  return {
    level: 'container',
    pod,
    container: { id: container.id, runtime: container.runtime },
    partialContainerId: null,
  };
}

/**
 * Container scopes outside Kubernetes, under systemd (cgroup v1 and v2 alike): docker's
 * `/system.slice/docker-<id>.scope` and podman's `…/libpod-<id>.scope` (`libpod-<id>` with cgroupfs). The contract names no podman runtime, so
 * podman's is null.
 */
const RUNTIME_SCOPES: ReadonlyArray<readonly [string, ContainerRuntime | null]> = [
  ['docker-', 'docker'],
  ['libpod-', null],
];

/** Podman's cgroupfs manager names the same cgroup without the scope: `/libpod_parent/libpod-<id>`. */
const BARE_PREFIX = 'libpod-';

function scopeContainer(segment: string): ContainerRef | null {
  const scoped = segment.endsWith('.scope');
  for (const [prefix, runtime] of RUNTIME_SCOPES) {
    if (!segment.startsWith(prefix) || (!scoped && prefix !== BARE_PREFIX)) continue;
    const id = segment.slice(prefix.length, scoped ? -'.scope'.length : undefined);
    if (HEX64.test(id)) return { id, runtime };
  }
  return null;
}

/**
 * A container without a pod: a runtime's scope, or a bare id under its runtime's cgroup parent (docker's cgroupfs
 * driver, `/docker/<id>`; another's, `/ecs/<task>/<id>`, its runtime unknown), the innermost one when containers
 * nest. Its own cgroup is the `container` level; podman runs the container's processes in
 * the scope's `container` child, which is the same level. Deeper, the cgroup is only inside a container.
 */
function containerOutsidePods(segments: readonly string[]): DecodedCgroup | null {
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i] as string;
    const container =
      scopeContainer(segment) ??
      (HEX64.test(segment)
        ? { id: segment, runtime: segments[i - 1] === 'docker' ? ('docker' as const) : null }
        : null);
    if (container === null) continue;
    const below = segments.slice(i + 1);
    const own = below.length === 0 || (below.length === 1 && below[0] === 'container');
    return { level: own ? 'container' : 'other', pod: null, container, partialContainerId: null };
  }
  return null;
}

/** `kubepods` itself, or a QoS class cgroup under it: a limit there covers many pods. Null outside kubepods. */
function levelAbovePods(segments: readonly string[]): DecodedCgroup | null {
  // Under a kubelet cgroup root, systemd names the slice after it: `kubelet-kubepods.slice` (kind).
  const kubepods = segments.findIndex((s) => s === 'kubepods' || s.endsWith('kubepods.slice'));
  if (kubepods < 0) return null;
  const below = segments.slice(kubepods + 1);
  if (below.length === 0) return { ...NOT_KUBERNETES, level: 'kubepods' };
  if (below.length === 1 && QOS_WORD.test(below[0] as string)) return { ...NOT_KUBERNETES, level: 'qos' };
  return NOT_KUBERNETES;
}

/**
 * Completes a container id cut short by a pager with a full one seen elsewhere (the invoker's `cpuset=`
 * name), only when the visible prefix matches.
 */
export function completeContainerId(partial: string, candidateCgroupName: string): ContainerRef | null {
  const candidate = containerOf(candidateCgroupName, false);
  if (candidate === null || !candidate.id.startsWith(partial)) return null;
  return { id: candidate.id, runtime: candidate.runtime };
}

/** The container named by a bare cgroup name such as `cpuset=cri-containerd-<id>.scope`. */
export function containerFromCgroupName(name: string): ContainerRef | null {
  const c = containerOf(name, false);
  return c === null ? null : { id: c.id, runtime: c.runtime };
}

/** Whether `path` is the cgroup `cgroup` or one of its ancestors (the root `/` excepted: no path names it so). */
export function isCgroupOrAncestor(path: string, cgroup: string): boolean {
  return cgroup === path || (cgroup.startsWith(path) && cgroup.charAt(path.length) === '/');
}

/**
 * The cgroup path `path` whole, when a cut (a pager's, a terminal's width, unmarked) left it inside a segment of a
 * whole path another line shows (`limit of /docker/35f18c…a137` and `Memory cgroup stats for /docker/35f18c…bea6e0:`),
 * else null when the cut is plain but the whole is not. The kernel's limit holds the victim, and the stats lines
 * name the limit and cgroups under it: so the limit is each such path or one of its ancestors. A cut inside such a
 * path's last segment is that path cut; a cut inside an earlier segment may have stopped short of any level below
 * it (`limit of /kubepods/bu`: the QoS level, the pod or the container). A path that ends where another's segment
 * does, or that no other path goes on from, is its own.
 */
export function completedCutPath(path: string, others: ReadonlyArray<string | null>): string | null {
  if (path.endsWith('/')) return path;
  let cut = false;
  for (const other of others) {
    if (other === null || other.length <= path.length || !other.startsWith(path)) continue;
    if (other.charAt(path.length) === '/') continue;
    if (other.indexOf('/', path.length) < 0) return other;
    cut = true;
  }
  return cut ? null : path;
}
