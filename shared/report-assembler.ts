/**
 * Assembles the ~80 lines of a kernel OOM report, line by line, into OomEvents: a small explicit state machine
 * whose whole state is a plain JSON value, so that a caller can carry it between batches (a CloudWatch
 * subscription may split one report across two Lambda invocations) and store it between processes.
 *
 * States: no report open → report open (header or body lines seen) → kill seen → closed. A report closes on
 * the next header, on a body line after its kill, on a kill line after its kill (storms: the kernel
 * rate-limits headers but not kill lines), on a gap in time, or at the end of input once it has a kill.
 */
import { completeContainerId, containerFromCgroupName, decodeCgroupPath } from './cgroup-path.ts';
import type { CounterName, KernelLine } from './kernel-line.ts';
import { parseKernelLine } from './kernel-line.ts';
import type { LogEntry } from './log-record.ts';
import { isoFromMs } from './log-record.ts';
import { stableEventId } from './event-id.ts';
import type { Constraint, LimitScope, MemoryFigures, OomEvent, TaskRow, Trigger } from './oom-event.ts';
import { SCHEMA_VERSION } from './oom-event.ts';

/** Lines of one report are printed within milliseconds; a larger gap means the open report was cut off. */
const REPORT_SPAN_SECONDS = 10;
/** The same pid and comm killed again this soon is the same kill printed twice (the group re-kills its victim). */
const DUPLICATE_KILL_SECONDS = 2;
/** memory.oom.group kills its members in one loop: their kill lines follow within microseconds. */
const GROUP_KILL_SECONDS = 1;
/** A kill line with no header is attributed to a recent task table that lists its pid and name. */
const ATTRIBUTION_WINDOW_SECONDS = 120;
const MAX_EVENT_LINES = 40;
const MAX_TASKS = 10;
const MAX_TABLE_PIDS = 512;
const RECENT_KILLS_KEPT = 128;
const RECENT_TABLES_KEPT = 4;
/** PAGE_COUNTER_MAX in kB: the kernel's way of printing "no limit". */
const UNLIMITED_KB = 2 ** 52;
/** Task-table memory columns are in pages; EKS nodes (x86_64 and Graviton AL2/AL2023) use 4 KiB pages. */
const PAGE_KB = 4;

export type SourceContext = { logGroup: string | null; logStream: string | null } | { file: string };

export interface AssemblerContext {
  /** Node name from the log stream; when null, the host of the line's envelope (syslog, record `host`). */
  node: string | null;
  source: SourceContext;
  /** Wall-clock boot time in ms, to turn kernel time into `observedAt` (live `/dev/kmsg`). */
  bootTimeMs?: number | null;
}

export interface InputLine {
  entry: LogEntry;
  /** CloudWatch event id, or 1-based line number in a file. */
  ref: string | number;
}

export interface DriftLine {
  text: string;
  reason: string;
  ref: string | number;
}

interface KillRecord {
  pid: number;
  name: string;
  message: string | null;
  fields: Record<string, number>;
  kernelTime: number | null;
  wallTime: string | null;
  stamp: string | null;
  host: string | null;
  /**
   * The kill line itself was not seen: only the reaper's confirmation, or only the `oom-kill:` summary that
   * names the victim (the kill line was lost or the text ends before it).
   */
  fromReaper: boolean;
}

interface Counter {
  usageKb: number;
  limitKb: number;
  failcnt: number;
}

interface OpenReport {
  time: number | null;
  trigger: { name: string; gfpMask: string | null; order: number | null; oomScoreAdj: number | null } | null;
  invokerPid: number | null;
  invokerCpuset: string | null;
  constraint: string | null;
  oomMemcg: string | null;
  taskMemcg: string | null;
  taskMemcgTruncated: boolean;
  summaryPid: number | null;
  summaryUid: number | null;
  statsPath: string | null;
  statsPathTruncated: boolean;
  counters: Partial<Record<CounterName, Counter>>;
  taskColumns: string[] | null;
  tasks: TaskRow[];
  tablePids: Array<[number, string]>;
  groupCgroup: string | null;
  summaryTask: string | null;
  summaryTime: Pick<KillRecord, 'kernelTime' | 'wallTime' | 'stamp' | 'host'>;
  exitingPids: number[];
  kills: KillRecord[];
  lines: string[];
  refs: Array<string | number>;
}

interface RecentKill {
  id: string;
  pid: number;
  name: string;
  time: number | null;
}

interface RecentTable {
  oomMemcg: string;
  constraint: string | null;
  time: number | null;
  pids: Array<[number, string]>;
}

/** Everything the assembler remembers between calls; plain JSON. */
export interface AssemblerState {
  version: 1;
  open: OpenReport | null;
  recentKills: RecentKill[];
  recentTables: RecentTable[];
}

export interface AssemblyResult {
  events: OomEvent[];
  drift: DriftLine[];
  state: AssemblerState;
}

export interface AssembleOptions {
  /**
   * True when no more lines will come (a file read to its end): a report still waiting for its kill line is
   * dropped rather than kept. False for a stream (a Lambda batch, `--follow`): it is kept in the state.
   */
  final: boolean;
}

export function emptyAssemblerState(): AssemblerState {
  return { version: 1, open: null, recentKills: [], recentTables: [] };
}

function newReport(time: number | null): OpenReport {
  return {
    time,
    trigger: null,
    invokerPid: null,
    invokerCpuset: null,
    constraint: null,
    oomMemcg: null,
    taskMemcg: null,
    taskMemcgTruncated: false,
    summaryPid: null,
    summaryUid: null,
    statsPath: null,
    statsPathTruncated: false,
    counters: {},
    taskColumns: null,
    tasks: [],
    tablePids: [],
    groupCgroup: null,
    summaryTask: null,
    summaryTime: { kernelTime: null, wallTime: null, stamp: null, host: null },
    exitingPids: [],
    kills: [],
    lines: [],
    refs: [],
  };
}

function timeOf(entry: LogEntry): number | null {
  if (entry.kernelTime !== null) return entry.kernelTime;
  if (entry.wallTime !== null) return Date.parse(entry.wallTime) / 1000;
  return null;
}

function withinSeconds(a: number | null, b: number | null, seconds: number): boolean {
  return a === null || b === null || Math.abs(a - b) <= seconds;
}

const CONSTRAINTS: Record<string, Constraint> = {
  CONSTRAINT_MEMCG: 'memcg',
  CONSTRAINT_NONE: 'system',
  CONSTRAINT_CPUSET: 'cpuset',
  CONSTRAINT_MEMORY_POLICY: 'mempolicy',
};

function constraintOf(report: OpenReport, kill: KillRecord): Constraint | null {
  // Some kernels print CONSTRAINT_NONE together with oom_memcg=: that is a memcg OOM.
  if (report.oomMemcg !== null) return 'memcg';
  if (report.constraint !== null) return CONSTRAINTS[report.constraint] ?? null;
  if (report.taskMemcg !== null || report.statsPath !== null) return 'memcg';
  if (kill.message === 'Memory cgroup out of memory') return 'memcg';
  if (kill.message !== null && kill.message.startsWith('Out of memory')) return 'system';
  return null;
}

function memoryOf(counters: Partial<Record<CounterName, Counter>>): MemoryFigures | null {
  const memory = counters.memory;
  const swap = counters.swap;
  const memsw = counters['memory+swap'];
  if (memory === undefined && swap === undefined && memsw === undefined) return null;
  const limit = (c: Counter | undefined): number | null =>
    c === undefined || c.limitKb >= UNLIMITED_KB ? null : c.limitKb;
  let swapUsageKb: number | null = swap?.usageKb ?? null;
  let swapLimitKb: number | null = limit(swap);
  // cgroup v1 prints memory+swap; its swap share is the difference.
  if (swap === undefined && memsw !== undefined && memory !== undefined) {
    swapUsageKb = Math.max(0, memsw.usageKb - memory.usageKb);
    const memswLimit = limit(memsw);
    const memoryLimit = limit(memory);
    swapLimitKb = memswLimit === null || memoryLimit === null ? null : Math.max(0, memswLimit - memoryLimit);
  }
  return {
    usageKb: memory?.usageKb ?? null,
    limitKb: limit(memory),
    failcnt: memory?.failcnt ?? null,
    swapUsageKb,
    swapLimitKb,
  };
}

/** Reads a task-table row with the report's header, or by shape when the header was not seen. */
function taskRowOf(
  line: Extract<KernelLine, { kind: 'task-row' }>,
  columns: string[] | null,
): TaskRow | null {
  // Columns after `[ pid ]`, the last being `name`; rss is always the 4th and oom_score_adj the last number.
  const numeric = columns === null ? line.numbers.length : columns.length - 1;
  if (line.numbers.length < numeric || numeric < 5) return null;
  const rssIndex = columns === null ? 3 : columns.indexOf('rss');
  const adjIndex = columns === null ? numeric - 1 : columns.indexOf('oom_score_adj');
  const rss = line.numbers[rssIndex];
  const adj = line.numbers[adjIndex];
  if (rss === undefined || adj === undefined) return null;
  // Numbers beyond the header's count belong to a name that starts with digits: take the name as printed.
  const name = line.body.slice(line.starts[numeric]);
  return { pid: line.pid, name, rssKb: rss * PAGE_KB, oomScoreAdj: adj };
}

function addTask(report: OpenReport, row: TaskRow): void {
  if (report.tablePids.length < MAX_TABLE_PIDS) report.tablePids.push([row.pid, row.name]);
  report.tasks.push(row);
  report.tasks.sort((a, b) => b.rssKb - a.rssKb);
  if (report.tasks.length > MAX_TASKS) report.tasks.length = MAX_TASKS;
}

interface VictimPlace {
  oom: string | null;
  task: string | null;
  cgroupLineSeen: boolean;
  podPath: string | null;
  podPathTruncated: boolean;
}

/** Where the victim lived: its own cgroup when the kernel named it, else the cgroup whose limit it was inside. */
function victimPlace(
  report: OpenReport,
  kill: KillRecord,
  isPrimary: boolean,
  state: AssemblerState,
): VictimPlace {
  const summaryIsThisKill = report.summaryPid === null ? isPrimary : report.summaryPid === kill.pid;
  const task = summaryIsThisKill ? report.taskMemcg : null;
  const oom = report.oomMemcg ?? report.statsPath;
  if (task !== null) {
    return { oom, task, cgroupLineSeen: true, podPath: task, podPathTruncated: report.taskMemcgTruncated };
  }
  if (report.groupCgroup !== null) {
    return { oom, task: null, cgroupLineSeen: true, podPath: report.groupCgroup, podPathTruncated: false };
  }
  if (oom !== null) {
    return {
      oom,
      task: null,
      cgroupLineSeen: false,
      podPath: oom,
      podPathTruncated: report.statsPathTruncated,
    };
  }
  // A storm: the header was rate-limited away. A recent task table that listed this pid and name places it.
  const killTime = kill.kernelTime ?? (kill.wallTime === null ? null : Date.parse(kill.wallTime) / 1000);
  const table = state.recentTables.find(
    (t) =>
      withinSeconds(t.time, killTime, ATTRIBUTION_WINDOW_SECONDS) &&
      t.pids.some(([pid, name]) => pid === kill.pid && name === kill.name),
  );
  if (table !== undefined) {
    return {
      oom: table.oomMemcg,
      task: null,
      cgroupLineSeen: false,
      podPath: table.oomMemcg,
      podPathTruncated: false,
    };
  }
  return { oom: null, task: null, cgroupLineSeen: false, podPath: null, podPathTruncated: false };
}

function limitScopeOf(constraint: Constraint | null, oom: string | null): LimitScope | null {
  if (constraint === 'system') return 'node';
  if (oom === null) return null;
  return decodeCgroupPath(oom).level;
}

function triggerOf(report: OpenReport): Trigger | null {
  if (report.trigger === null) return null;
  return { ...report.trigger, pid: report.invokerPid };
}

function buildEvent(
  report: OpenReport,
  kill: KillRecord,
  isPrimary: boolean,
  state: AssemblerState,
  context: AssemblerContext,
): OomEvent {
  const place = victimPlace(report, kill, isPrimary, state);
  const decoded = place.podPath === null ? null : decodeCgroupPath(place.podPath, place.podPathTruncated);
  // Decoded paths are cached and shared: every event gets its own copies.
  let container = decoded?.container == null ? null : { ...decoded.container };
  const cpuset = report.invokerCpuset;
  if (container === null && decoded?.partialContainerId != null && cpuset !== null) {
    // A pager cut the victim's path; the invoker's cpuset name completes it only when the prefix matches.
    container = completeContainerId(decoded.partialContainerId, cpuset);
  } else if (
    container === null &&
    decoded?.pod != null &&
    cpuset !== null &&
    report.invokerPid === kill.pid
  ) {
    // cpuset= names the invoker's cgroup; it is the victim's only when the invoker is the victim.
    container = containerFromCgroupName(cpuset);
  }
  const constraint = constraintOf(report, kill);
  const node = context.node ?? kill.host;
  const f = kill.fields;
  const row = report.tasks.find((t) => t.pid === kill.pid);
  const kernelTime = kill.kernelTime;
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
    }),
    node,
    observedAt,
    kernelTime,
    constraint,
    limitScope: limitScopeOf(constraint, place.oom),
    victim: {
      pid: kill.pid,
      name: kill.name,
      uid: f.UID ?? (report.summaryPid === kill.pid ? report.summaryUid : null),
      totalVmKb: f['total-vm'] ?? null,
      anonRssKb: kill.fromReaper ? null : (f['anon-rss'] ?? null),
      fileRssKb: kill.fromReaper ? null : (f['file-rss'] ?? null),
      shmemRssKb: kill.fromReaper ? null : (f['shmem-rss'] ?? null),
      pgtablesKb: f.pgtables ?? null,
      oomScoreAdj: f.oom_score_adj ?? row?.oomScoreAdj ?? null,
    },
    trigger: triggerOf(report),
    cgroup: { oom: place.oom, task: place.task },
    pod: decoded?.pod == null ? null : { ...decoded.pod },
    container,
    memory: memoryOf(report.counters),
    tasks: report.tasks.slice(),
    coVictims: report.kills
      .filter(
        (k, i, all) => k.pid !== kill.pid && !k.fromReaper && all.findIndex((o) => o.pid === k.pid) === i,
      )
      .map((k) => ({ pid: k.pid, name: k.name, anonRssKb: k.fields['anon-rss'] ?? null })),
    complete: !kill.fromReaper && place.cgroupLineSeen,
    source,
    lines: report.lines.slice(0, MAX_EVENT_LINES),
  };
}

/**
 * A report that ended without its kill line but whose summary named the victim (`task=…,pid=…`) still records
 * a kill, unless the kernel then said that victim was already exiting.
 */
function killNamedBySummary(report: OpenReport): KillRecord | null {
  const pid = report.summaryPid;
  if (pid === null || report.summaryTask === null || report.exitingPids.includes(pid)) return null;
  return {
    pid,
    name: report.summaryTask,
    message: null,
    fields: {},
    kernelTime: report.summaryTime.kernelTime,
    wallTime: report.summaryTime.wallTime,
    stamp: report.summaryTime.stamp,
    host: report.summaryTime.host,
    fromReaper: true,
  };
}

function killTime(kill: KillRecord): number | null {
  return kill.kernelTime ?? (kill.wallTime === null ? null : Date.parse(kill.wallTime) / 1000);
}

/**
 * Whether a kill line after a report's kill is another member of its memory.oom.group: right after the last
 * kill, and listed in the report's task table when the table was seen (the group lies inside the cgroup whose
 * tasks the table lists). Anything else is a later, headerless kill.
 */
function joinsGroup(report: OpenReport, kill: KillRecord): boolean {
  if (report.groupCgroup === null) return false;
  const last = report.kills.at(-1);
  if (last !== undefined && !withinSeconds(killTime(last), killTime(kill), GROUP_KILL_SECONDS)) return false;
  return report.tablePids.length === 0 || report.tablePids.some(([pid]) => pid === kill.pid);
}

/** Mutable working set of one `assembleReports` call. */
class Assembly {
  readonly events: OomEvent[] = [];
  readonly drift: DriftLine[] = [];
  readonly state: AssemblerState;
  readonly context: AssemblerContext;

  constructor(state: AssemblerState, context: AssemblerContext) {
    this.state = state;
    this.context = context;
  }

  close(): void {
    const report = this.state.open;
    this.state.open = null;
    if (report === null) return;
    if (report.kills.length === 0) {
      const named = killNamedBySummary(report);
      if (named === null) return;
      report.kills.push(named);
    }
    report.kills.forEach((kill, i) => this.emit(buildEvent(report, kill, i === 0, this.state, this.context)));
    const oom = report.oomMemcg ?? report.statsPath;
    if (oom !== null && report.tablePids.length > 0) {
      this.state.recentTables.push({
        oomMemcg: oom,
        constraint: report.constraint,
        time: report.time,
        pids: report.tablePids,
      });
      this.state.recentTables.splice(0, Math.max(0, this.state.recentTables.length - RECENT_TABLES_KEPT));
    }
  }

  /** A report printed twice (journalctl pager, kmsg replay) has the same id: it becomes one event. */
  emit(event: OomEvent): void {
    const recent = this.state.recentKills;
    const time = event.kernelTime ?? (event.observedAt === null ? null : Date.parse(event.observedAt) / 1000);
    const pid = event.victim.pid;
    const name = event.victim.name;
    const duplicate = recent.some(
      (k) =>
        k.id === event.id ||
        (k.pid === pid && k.name === name && withinSeconds(k.time, time, DUPLICATE_KILL_SECONDS)),
    );
    if (duplicate) return;
    recent.push({ id: event.id, pid: event.victim.pid as number, name: event.victim.name as string, time });
    recent.splice(0, Math.max(0, recent.length - RECENT_KILLS_KEPT));
    this.events.push(event);
  }

  /**
   * The open report for a line that names the victim's cgroup, or a fresh one: a report has one such line,
   * so a second means the header of the next report was rate-limited away (or lines were pasted alone).
   */
  reportForCgroupLine(time: number | null): OpenReport {
    const open = this.state.open;
    if (open !== null && (open.taskMemcg !== null || open.summaryPid !== null || open.oomMemcg !== null))
      this.close();
    return this.reportForBody(time);
  }

  /** The open report, or a fresh one when none is open or the open one already ended in a kill. */
  reportForBody(time: number | null): OpenReport {
    const open = this.state.open;
    if (open !== null && open.kills.length === 0) return open;
    this.close();
    this.state.open = newReport(time);
    return this.state.open;
  }

  accept(input: InputLine): void {
    const { entry, ref } = input;
    if (!entry.fromKernel) return;
    const result = parseKernelLine(entry.text, entry.truncated);
    if (result.kind === 'not-oom') return;
    if (result.kind === 'unrecognised') {
      this.drift.push({ text: entry.text, reason: result.reason, ref });
      return;
    }
    const line = result.line;
    const time = timeOf(entry);
    const open = this.state.open;
    if (open !== null && !withinSeconds(open.time, time, REPORT_SPAN_SECONDS)) this.close();
    const report = this.apply(line, entry, time);
    if (report !== null && line.kind !== 'context') {
      if (report.lines.length < MAX_EVENT_LINES) report.lines.push(entry.text.trim());
      report.refs.push(ref);
      if (report !== this.state.open && report.kills.some((k) => k.fromReaper)) this.emitDetached(report);
    }
  }

  /** Applies one recognized line; returns the report it joined, if any. */
  apply(line: KernelLine, entry: LogEntry, time: number | null): OpenReport | null {
    switch (line.kind) {
      case 'invoked': {
        this.close();
        const report = newReport(time);
        report.trigger = {
          name: line.name,
          gfpMask: line.gfpMask,
          order: line.order,
          oomScoreAdj: line.oomScoreAdj,
        };
        this.state.open = report;
        return report;
      }
      case 'cpu': {
        // Every kernel warning prints this line; it names the invoker only right after an OOM header.
        const open = this.state.open;
        if (open === null || open.trigger === null || open.kills.length > 0 || open.invokerPid !== null)
          return null;
        open.invokerPid = line.pid;
        return open;
      }
      case 'context':
        return this.state.open;
      case 'cpuset': {
        const report = this.reportForBody(time);
        report.invokerCpuset = line.cpuset;
        return report;
      }
      case 'summary': {
        const report = this.reportForCgroupLine(time);
        report.constraint = line.constraint;
        report.oomMemcg = line.oomMemcg;
        report.taskMemcg = line.taskMemcg;
        report.taskMemcgTruncated = line.taskMemcgTruncated;
        report.summaryPid = line.pid;
        report.summaryUid = line.uid;
        report.summaryTask = line.task;
        report.summaryTime = {
          kernelTime: entry.kernelTime,
          wallTime: entry.wallTime,
          stamp: entry.stamp,
          host: entry.host,
        };
        if (line.cpuset !== null && line.cpuset !== '/') report.invokerCpuset ??= line.cpuset;
        return report;
      }
      case 'task-in': {
        const report = this.reportForCgroupLine(time);
        report.taskMemcg = line.task;
        report.taskMemcgTruncated = line.truncated;
        if (line.oom !== null) report.oomMemcg = line.oom;
        return report;
      }
      case 'limit-reached': {
        const report = this.reportForCgroupLine(time);
        report.oomMemcg = line.oom;
        return report;
      }
      case 'counter': {
        const report = this.reportForBody(time);
        report.counters[line.counter] = {
          usageKb: line.usageKb,
          limitKb: line.limitKb,
          failcnt: line.failcnt,
        };
        return report;
      }
      case 'memcg-stats': {
        const report = this.reportForBody(time);
        // The first stats line is the cgroup whose limit was hit; older kernels then print each child.
        if (report.statsPath === null) {
          report.statsPath = line.path;
          report.statsPathTruncated = line.truncated;
        }
        return report;
      }
      case 'task-header': {
        const report = this.reportForBody(time);
        report.taskColumns = line.columns;
        return report;
      }
      case 'task-row': {
        const open = this.state.open;
        if (open === null || open.kills.length > 0) return null;
        const row = taskRowOf(line, open.taskColumns);
        if (row !== null) addTask(open, row);
        return open;
      }
      case 'sacrifice':
        // `Kill process A … or sacrifice child`: A is only the candidate; the next `Killed process B` died.
        return this.reportForBody(time);
      case 'oom-group': {
        const open = this.state.open;
        const report = open !== null && open.groupCgroup === null ? open : this.reportForBody(time);
        report.groupCgroup = line.cgroup;
        return report;
      }
      case 'kill':
        return this.addKill(
          {
            pid: line.pid,
            name: line.name,
            message: line.message,
            fields: line.fields,
            kernelTime: entry.kernelTime,
            wallTime: entry.wallTime,
            stamp: entry.stamp,
            host: entry.host,
            fromReaper: false,
          },
          time,
        );
      case 'already-exiting': {
        const open = this.state.open;
        open?.exitingPids.push(line.pid);
        return open;
      }
      case 'reaped':
        return this.confirmReaped(line.pid, line.name, entry, time);
      case 'suppressed':
        // The kernel dropped lines here: whatever follows belongs to a later invocation.
        if (this.state.open !== null && this.state.open.kills.length > 0) this.close();
        return null;
    }
  }

  addKill(kill: KillRecord, time: number | null): OpenReport {
    let report = this.state.open;
    // After a kill, another kill line starts a new (headerless) report unless memory.oom.group is killing a group.
    if (report === null || (report.kills.length > 0 && !joinsGroup(report, kill))) {
      this.close();
      report = newReport(time);
      this.state.open = report;
    }
    report.kills.push(kill);
    return report;
  }

  /** The reaper confirms a kill already seen; alone, it is the only evidence of one (an incomplete event). */
  confirmReaped(pid: number, name: string, entry: LogEntry, time: number | null): OpenReport | null {
    // A confirmation adds nothing to the event, so it is not attached: the event may already have left.
    const open = this.state.open;
    if (open !== null && open.kills.some((k) => k.pid === pid && k.name === name)) return null;
    const seen = this.state.recentKills.some(
      (k) => k.pid === pid && k.name === name && withinSeconds(k.time, time, ATTRIBUTION_WINDOW_SECONDS),
    );
    if (seen) return null;
    // An unmatched reaper line ends a report that already has its kill, as a batch end would.
    if (open !== null && open.kills.length > 0) this.close();
    // The reaper runs after the kill, possibly while the next report is already open: keep it apart.
    const solo = newReport(time);
    solo.kills.push({
      pid,
      name,
      message: null,
      fields: {},
      kernelTime: entry.kernelTime,
      wallTime: entry.wallTime,
      stamp: entry.stamp,
      host: entry.host,
      fromReaper: true,
    });
    return solo;
  }

  /** Emits a report that never becomes the open one (a lone reaper line), after its line is recorded. */
  emitDetached(report: OpenReport): void {
    report.kills.forEach((kill, i) => this.emit(buildEvent(report, kill, i === 0, this.state, this.context)));
  }
}

/**
 * Feeds lines of one node's kernel log through the assembler. Pass the returned state to the next call for
 * the same stream; pass `final: true` when the input has ended.
 */
export function assembleReports(
  lines: Iterable<InputLine>,
  state: AssemblerState | null,
  context: AssemblerContext,
  options: AssembleOptions,
): AssemblyResult {
  const assembly = new Assembly(structuredClone(state ?? emptyAssemblerState()), context);
  for (const line of lines) assembly.accept(line);
  const open = assembly.state.open;
  if (open !== null && (open.kills.length > 0 || options.final)) assembly.close();
  return { events: assembly.events, drift: assembly.drift, state: assembly.state };
}
