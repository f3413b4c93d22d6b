/**
 * Assembles the ~80 lines of a kernel OOM report, line by line, into OomEvents: a small explicit state machine
 * whose whole state is a plain JSON value, so that a caller can carry it between batches (a CloudWatch
 * subscription may split one report across two Lambda invocations) and store it between processes.
 *
 * States: no report open → report open (header or body lines seen) → kill seen → closed. A report closes on
 * the next header, on a body line after its kill, on a kill line after its kill (storms: the kernel
 * rate-limits headers but not kill lines), on a gap in time, or at the end of input once it has a kill.
 *
 * Event building (report-event.ts) turns each closed report into its events.
 */
import type { KernelLine } from './kernel-line.ts';
import { parseKernelLine } from './kernel-line.ts';
import type { LogEntry } from './log-record.ts';
import type { OomEvent } from './oom-event.ts';
import type { KillRecord, OpenReport, RecentTable } from './open-report.ts';
import {
  addTask,
  ATTRIBUTION_WINDOW_SECONDS,
  killTime,
  MAX_EVENT_LINES,
  newReport,
  taskRowOf,
  withinSeconds,
} from './open-report.ts';
import type { EventContext } from './report-event.ts';
import { buildEvent } from './report-event.ts';

/** Lines of one report are printed within milliseconds; a larger gap means the open report was cut off. */
const REPORT_SPAN_SECONDS = 10;
/** The same pid and comm killed again this soon is the same kill printed twice (the group re-kills its victim). */
const DUPLICATE_KILL_SECONDS = 2;
/** memory.oom.group kills its members in one loop: their kill lines follow within microseconds. */
const GROUP_KILL_SECONDS = 1;
const RECENT_KILLS_KEPT = 128;
const RECENT_TABLES_KEPT = 4;

/** What the caller knows of the stream: node, source, boot time. The events of its reports carry it. */
export type AssemblerContext = EventContext;

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

interface RecentKill {
  id: string;
  pid: number;
  name: string;
  time: number | null;
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

function timeOf(entry: LogEntry): number | null {
  if (entry.kernelTime !== null) return entry.kernelTime;
  if (entry.wallTime !== null) return Date.parse(entry.wallTime) / 1000;
  return null;
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
    report.kills.forEach((kill, i) =>
      this.emit(buildEvent(report, kill, i === 0, this.state.recentTables, this.context)),
    );
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
    report.kills.forEach((kill, i) =>
      this.emit(buildEvent(report, kill, i === 0, this.state.recentTables, this.context)),
    );
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
