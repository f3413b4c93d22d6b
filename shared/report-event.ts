/**
 * Turns a collected report (open-report.ts) into its OomEvent, one per invocation of the OOM killer: the
 * victim's fields, a stable id, the cgroup it lived in and the pod and container that names, the constraint,
 * the limit scope, and the others a memory.oom.group kill took with it.
 */
import {
  completeContainerId,
  completedCutPath,
  containerFromCgroupName,
  decodeCgroupPath,
  isElidedPath,
} from './cgroup-path.ts';
import { stableEventId } from './event-id.ts';
import type { CounterName } from './kernel-lines/counter.ts';
import { constraintOfMessage } from './kernel-lines/kill.ts';
import { finiteOrNull, isoFromMs } from './log-record.ts';
import type { Constraint, LimitScope, MemoryFigures, OomEvent, Trigger } from './oom-event.ts';
import { SCHEMA_VERSION } from './oom-event.ts';
import type { Counter, KillRecord, OpenReport, RecentTable } from './open-report.ts';
import {
  ATTRIBUTION_WINDOW_SECONDS,
  killTime,
  MAX_EVENT_LINES,
  reportSummaryNamesPid,
  tableEntryOf,
  wholePathsOf,
  withinSeconds,
} from './open-report.ts';

/** PAGE_COUNTER_MAX in kB: the kernel's way of printing "no limit". */
const UNLIMITED_KB = 2 ** 52;

/**
 * The least of a cut container id that the invoker's cpuset may complete: a short id as docker prints one. Fewer
 * digits tell no container from its neighbours (one digit matches one id in sixteen).
 */
const SHORT_ID_LENGTH = 12;

export type SourceContext = { logGroup: string | null; logStream: string | null } | { file: string };

/** What the caller knows of the stream the report came from. */
export interface EventContext {
  /** Node name from the log stream; when null, the host of the line's envelope (syslog, record `host`). */
  node: string | null;
  source: SourceContext;
  /** Wall-clock boot time in ms, to turn kernel time into `observedAt` (live `/dev/kmsg`). */
  bootTimeMs?: number | null;
}

const CONSTRAINTS: Record<string, Constraint> = {
  CONSTRAINT_MEMCG: 'memcg',
  CONSTRAINT_NONE: 'system',
  CONSTRAINT_CPUSET: 'cpuset',
  CONSTRAINT_MEMORY_POLICY: 'mempolicy',
};

/**
 * The kill line's `Out of Memory: Killed process N (comm).`: 2.4 to 2.6.1x printed it as fixed text until the
 * kernel told constraints apart (then `%s: Killed process`, the message naming the constraint), so it is a
 * system OOM. The same words before a 2.6.1x choice of victim name none (KILL_MESSAGES).
 */
const FIXED_KILL_MESSAGE = 'Out of Memory';

function constraintOfKillMessage(message: string | null): Constraint | null {
  return message?.endsWith(FIXED_KILL_MESSAGE) === true ? 'system' : constraintOfMessage(message);
}

/**
 * The summary line's constraint when it names one the parser knows (4.19+); else the kill's or the selection's
 * message; else a memcg sign (a memcg OOM prints its cgroup and counters): before 4.19 a global OOM names no
 * constraint at all, a backport may print no `constraint=`, and a mangled one (`=3DCONSTRAINT_MEMCG`) says nothing.
 */
function constraintOf(report: OpenReport, kill: KillRecord): Constraint | null {
  // Some kernels print CONSTRAINT_NONE together with oom_memcg=: that is a memcg OOM.
  if (report.oomMemcg !== null) return 'memcg';
  const named = report.constraint === null ? undefined : CONSTRAINTS[report.constraint];
  // The kill message says memcg only for a memcg OOM: it outweighs a CONSTRAINT_NONE whose oom_memcg was cut off.
  if (named === 'system' && constraintOfMessage(kill.message) === 'memcg') return 'memcg';
  if (named !== undefined) return named;
  // The message is the kernel's word on this kill; a memcg sign may be an earlier report's whose kill came
  // without a header (a storm), so it only decides when no message does.
  const ofKill = kill.killLineSeen
    ? constraintOfKillMessage(kill.message)
    : constraintOfMessage(kill.message);
  const said = ofKill ?? constraintOfMessage(report.selection?.message ?? null);
  if (said !== null) return said;
  // `Task in` with a cgroup for its limit, the stats line and the counters (`memory: usage …`) come with a memcg
  // OOM only; a summary's task_memcg comes with any. A vendor's `Task in … limit of host` (Alibaba Cloud Linux
  // 4.19) is a memory node's OOM, whether the whole node's or a cpuset's: not a memcg's, and no more is told.
  const taskInMemcg = report.taskInSeen && report.limitNotCgroup === undefined;
  return taskInMemcg || report.statsPath !== null || hasCounters(report) ? 'memcg' : null;
}

function hasCounters(report: OpenReport): boolean {
  return Object.keys(report.counters).length > 0;
}

/**
 * The kill line's pgtables in kB. 5.4 before its fix (941f762bcb27, "mm/oom: fix pgtables units mismatch in Killed
 * process message", 5.4.9 and 5.5; linux-next of 5.3-rc7 too) printed mm_pgtables_bytes() under `kB`: bytes
 * (`total-vm:869012kB, … pgtables:1269760kB`, the task table's pgtables_bytes 1269760: LKML 2019). Page tables are
 * whole pages, so such a figure is a multiple of 4096; and in kB they are a small part of the address space (a 4 KiB
 * table maps 2 MiB: total-vm / 512, with upper levels and a young process's few pages beside): a multiple of 4096
 * above total-vm / 256 + 64 kB is bytes (a JVM's `total-vm:20000000kB … pgtables:1269760kB` too). Without total-vm,
 * one of at least 1 GiB in kB is (a copy of the same line that lost its sizes reads as the line does). A process
 * tearing down may show more tables than mappings in kB (`total-vm:8kB, … pgtables:12kB`, corpus 140). Such bytes are
 * shifted by 10, as the fix prints them.
 */
const PAGE_BYTES = 4096;
const TABLES_PER_VM_KB = 1 / 256;
const TABLES_SLACK_KB = 64;
const BYTES_WITHOUT_TOTAL_VM = 1 << 20;

function pgtablesKbOf(fields: Record<string, number>): number | null {
  const printed = fields.pgtables;
  if (printed === undefined) return null;
  const totalVm = fields['total-vm'];
  const bound = totalVm === undefined ? BYTES_WITHOUT_TOTAL_VM : totalVm * TABLES_PER_VM_KB + TABLES_SLACK_KB;
  return printed % PAGE_BYTES === 0 && printed >= bound ? Math.floor(printed / 1024) : printed;
}

function memoryOf(counters: Partial<Record<CounterName, Counter>>): MemoryFigures | null {
  const memory = counters.memory;
  const swap = counters.swap;
  const memsw = counters['memory+swap'];
  if (memory === undefined && swap === undefined && memsw === undefined) return null;
  const limit = (c: Counter | undefined): number | null =>
    c === undefined || c.limitKb === null || c.limitKb >= UNLIMITED_KB ? null : c.limitKb;
  let swapUsageKb: number | null = swap?.usageKb ?? null;
  let swapLimitKb: number | null = limit(swap);
  // cgroup v1 prints memory+swap; its swap share is the difference. It holds memory, so less than memory means
  // swap accounting is off (`memory+swap: usage 0kB`, swapaccount=0): then there are no swap figures at all.
  if (swap === undefined && memsw !== undefined && memory !== undefined) {
    const memswLimit = limit(memsw);
    const memoryLimit = limit(memory);
    const [memswUsage, memoryUsage] = [memsw.usageKb, memory.usageKb];
    const accounted =
      memswUsage !== null &&
      memoryUsage !== null &&
      memswUsage >= memoryUsage &&
      (memswLimit === null || memoryLimit === null || memswLimit >= memoryLimit);
    swapUsageKb = accounted ? memswUsage - memoryUsage : null;
    swapLimitKb = accounted && memswLimit !== null && memoryLimit !== null ? memswLimit - memoryLimit : null;
  }
  const figures = {
    usageKb: memory?.usageKb ?? null,
    limitKb: limit(memory),
    failcnt: memory?.failcnt ?? null,
    swapUsageKb,
    swapLimitKb,
  };
  // Counters a cut left without a figure (a paste that kept only `memory+swap:`, an unlimited one) give none.
  return Object.values(figures).every((figure) => figure === null) ? null : figures;
}

interface VictimPlace {
  /** The limit's whole path (a path cut short is no path: the contract has no way to say "cut"). */
  oom: string | null;
  /** The victim's own whole path. */
  task: string | null;
  /** The victim's path as its line showed it, cut or not: what the id and the limit scope read, as before. */
  shownTask: string | null;
  /** The limit's path as shown where an author's ellipsis cut it: its whole segments may still tell its level. */
  elidedOom: string | null;
  cgroupLineSeen: boolean;
  podPath: string | null;
  podPathTruncated: boolean;
}

/** Where the victim lived: its own cgroup when the kernel named it, else the cgroup whose limit it was inside. */
function victimPlace(
  report: OpenReport,
  kill: KillRecord,
  recentTables: readonly RecentTable[],
): VictimPlace {
  // The summary (or `Task in`) names the victim's cgroup, unless the kernel then killed a child of its choice.
  const summaryIsThisKill = report.summaryPid === null || reportSummaryNamesPid(report, kill.pid, kill.name);
  const task = summaryIsThisKill ? report.taskMemcg : null;
  // An oom_memcg an author elided (`pod1234…`) is cut: a whole stats line's path of the limit comes first.
  const oomElided = report.oomMemcg !== null && isElidedPath(report.oomMemcg);
  const shownLimit = (oomElided ? null : report.oomMemcg) ?? report.statsPath ?? report.oomMemcg;
  const limitCut = shownLimit === report.oomMemcg ? oomElided : report.statsPathTruncated;
  const limitPath =
    limitCut || shownLimit === null ? shownLimit : completedCutPath(shownLimit, wholePathsOf(report));
  const oom = limitCut ? null : limitPath;
  const elidedOom = limitCut && limitPath !== null && isElidedPath(limitPath) ? limitPath : null;
  const place = {
    oom,
    task: null,
    shownTask: task,
    elidedOom,
    cgroupLineSeen: true,
    podPathTruncated: false,
  };
  if (task !== null && !report.taskMemcgTruncated) return { ...place, task, podPath: task };
  const group = report.groupCgroup;
  const groupElided = group !== null && isElidedPath(group);
  if (task !== null) {
    // A cut path: a whole path of the same place on another line wins when it begins with the part shown (the
    // group line's cgroup, inside which the victim is; the limit's, when the cut shows no more than it).
    const whole = [groupElided ? null : group, oom].find((path) => path?.startsWith(task) === true);
    return whole === undefined
      ? { ...place, podPath: task, podPathTruncated: true }
      : { ...place, podPath: whole ?? null };
  }
  if (group !== null) return { ...place, podPath: group, podPathTruncated: groupElided };
  if (limitPath !== null) {
    // A summary that names the process the kernel chose (its child died) is this report's cgroup line all the same.
    return {
      ...place,
      cgroupLineSeen: report.summaryPid !== null,
      podPath: limitPath,
      podPathTruncated: limitCut,
    };
  }
  // A storm: the header was rate-limited away. A recent task table that listed this pid and name places it.
  const time = killTime(kill);
  const table = recentTables.find(
    (t) =>
      withinSeconds(t.time, time, ATTRIBUTION_WINDOW_SECONDS) &&
      t.pids.some(([pid, name]) => pid === kill.pid && name === kill.name),
  );
  if (table !== undefined) {
    const cut = isElidedPath(table.oomMemcg);
    return {
      ...place,
      oom: cut ? null : table.oomMemcg,
      cgroupLineSeen: false,
      podPath: table.oomMemcg,
      podPathTruncated: cut,
    };
  }
  return { ...place, cgroupLineSeen: false, podPath: null };
}

/**
 * The level of a limit path an author elided: a pod's, or a container's below it, when the pod's segment and the
 * last are whole (`/lxc.payload....-lxc/kubepods.slice/…-pod<uid>.slice`); else unknown (`…/pod1234…`).
 */
function elidedLimitScope(path: string): LimitScope | null {
  const limit = decodeCgroupPath(path, true);
  const last = path.slice(path.lastIndexOf('/') + 1);
  return limit.pod !== null && (!isElidedPath(last) || ELIDED_CONTAINER_SCOPE.test(last))
    ? limit.level
    : null;
}

/**
 * A runtime's container scope whose id an author elided (`cri-containerd-7a982186b58c....scope`): its shape still
 * tells a container's cgroup, as a segment elided whole (`…`) does not.
 */
const ELIDED_CONTAINER_SCOPE =
  /^(?:cri-containerd|docker|crio|libpod)-[0-9a-f]{0,64}(?:\.\.\.|…)[0-9a-f]{0,64}\.scope$/;

function limitScopeOf(constraint: Constraint | null, place: VictimPlace): LimitScope | null {
  if (constraint === 'system') return 'node';
  const { oom, shownTask: task } = place;
  if (oom === null) return place.elidedOom === null ? null : elidedLimitScope(place.elidedOom);
  const limit = decodeCgroupPath(oom);
  // Outside Kubernetes a container's limit is the victim's container's only when it is that container: minikube
  // runs the node, pods and all, in a docker container of its own.
  if (limit.level === 'container' && limit.pod === null && task !== null) {
    const own = decodeCgroupPath(task).container;
    if (own?.id !== limit.container?.id) return 'other';
  }
  return limit.level;
}

function triggerOf(report: OpenReport): Trigger | null {
  if (report.trigger === null) return null;
  return { ...report.trigger, pid: report.invokerPid };
}

/** Whether a task-table row's name is the victim's comm, or a start of it (a wrap cut the row). */
function namesVictim(rowName: string, victim: string | null): boolean {
  return victim !== null && rowName !== '' && victim.startsWith(rowName);
}

/**
 * The event of a report: one invocation of the OOM killer, however many processes it killed (memory.oom.group).
 * Its victim is the report's kill; recent tables place a kill whose report lost its header.
 */
export function buildEvent(
  report: OpenReport,
  kill: KillRecord,
  recentTables: readonly RecentTable[],
  context: EventContext,
): OomEvent {
  const place = victimPlace(report, kill, recentTables);
  const decoded = place.podPath === null ? null : decodeCgroupPath(place.podPath, place.podPathTruncated);
  // Decoded paths are cached and shared: every event gets its own copies.
  let container = decoded?.container == null ? null : { ...decoded.container };
  const cpuset = report.invokerCpuset;
  const partialId = decoded?.partialContainerId ?? null;
  if (container === null && partialId !== null && partialId.length >= SHORT_ID_LENGTH && cpuset !== null) {
    // A pager cut the victim's path; the invoker's cpuset name completes it only when the prefix matches.
    container = completeContainerId(partialId, cpuset);
  } else if (
    container === null &&
    (decoded === null || decoded.pod != null) &&
    cpuset !== null &&
    kill.pid !== null &&
    report.invokerPid === kill.pid
  ) {
    // cpuset= names the invoker's cgroup; it is the victim's only when the invoker is the victim: then it names the
    // victim's container, when no memory cgroup path of the victim says otherwise (a report before 4.19 with no
    // `Task in` line shows none). A kill whose pid is unknown is not shown to be the invoker.
    container = containerFromCgroupName(cpuset);
  }
  const constraint = constraintOf(report, kill);
  // A kill line a paste left without its envelope is on the node its report's cgroup line names.
  const node = context.node ?? kill.host ?? report.cgroupLineTime.host;
  const f = kill.fields;
  const row = report.tasks.find((t) => t.pid === kill.pid);
  // A kill line before 5.x shows neither the uid nor oom_score_adj: the victim's task-table row does, when it
  // names the victim's comm too, or a start of it that a wrap left (a row a wrap split inside a number reads one
  // number more, and that one as its name's start: `-998 java`, `0`).
  const [, rowName, rowUid, rowAdj] = tableEntryOf(report, kill.pid) ?? [];
  const ownRow = rowName !== undefined && namesVictim(rowName, kill.name);
  const kernelTime = finiteOrNull(kill.kernelTime);
  const bootTimeMs = context.bootTimeMs ?? null;
  const observedAt =
    kill.wallTime ??
    (bootTimeMs !== null && kernelTime !== null ? isoFromMs(bootTimeMs + kernelTime * 1000) : null);
  const source =
    'file' in context.source
      ? { file: context.source.file, lines: report.refs.filter((r): r is number => typeof r === 'number') }
      : {
          logGroup: context.source.logGroup,
          logStream: context.source.logStream,
          eventIds: report.refs.map(String),
        };
  return {
    schemaVersion: SCHEMA_VERSION,
    id: stableEventId({
      node,
      kernelTime,
      wallTime: kill.wallTime,
      stamp: kill.stamp,
      pid: kill.pid,
      name: kill.name,
      cgroup: place.shownTask ?? place.oom,
    }),
    node,
    observedAt,
    kernelTime,
    constraint,
    limitScope: limitScopeOf(constraint, place),
    victim: {
      pid: kill.pid,
      name: kill.name,
      uid:
        f.UID ??
        (kill.pid !== null && report.summaryPid === kill.pid ? report.summaryUid : null) ??
        (ownRow ? rowUid : null) ??
        null,
      totalVmKb: f['total-vm'] ?? null,
      anonRssKb: f['anon-rss'] ?? null,
      fileRssKb: f['file-rss'] ?? null,
      shmemRssKb: f['shmem-rss'] ?? null,
      pgtablesKb: pgtablesKbOf(f),
      oomScoreAdj: f.oom_score_adj ?? (ownRow ? rowAdj : undefined) ?? row?.oomScoreAdj ?? null,
    },
    trigger: triggerOf(report),
    cgroup: { oom: place.oom, task: place.task },
    pod: decoded?.pod == null ? null : { ...decoded.pod },
    container,
    memory: memoryOf(report.counters),
    tasks: report.tasks.slice(),
    coVictims: report.coVictims.slice(),
    coVictimCount: report.coVictimCount,
    complete: kill.killLineSeen && place.cgroupLineSeen,
    source,
    lines: report.lines.slice(0, MAX_EVENT_LINES),
  };
}
