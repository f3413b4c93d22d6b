/**
 * What each line of a report's body sets on the open report (report-assembler.ts picks the report, these fill
 * it): the header's trigger, the summary's cgroups and victim, the counters, the first stats line; and the kill
 * that a line other than the kill line tells of.
 */
import type { AssemblerState, ReapedMemory, RecentInvoker } from './assembler-state.ts';
import { completedCutPath, isElidedPath } from './cgroup-path.ts';
import { namesOomPath } from './kernel-lines/cpu.ts';
import type { CounterLine } from './kernel-lines/counter.ts';
import type { InvokedLine } from './kernel-lines/invoked.ts';
import type { ReapedExit } from './kernel-lines/reaped.ts';
import type { MemcgStatsLine } from './kernel-lines/memcg-stats.ts';
import type { SummaryLine } from './kernel-lines/summary.ts';
import type { TaskInLine } from './kernel-lines/task-in.ts';
import type { LogEntry } from './log-record.ts';
import {
  ATTRIBUTION_WINDOW_SECONDS,
  type KillRecord,
  lineTimeOf,
  newReport,
  type OpenReport,
  wholePathsOf,
  withinSeconds,
} from './open-report.ts';

/** A report opened by its header, `<comm> invoked oom-killer: …`: the trigger is known. */
export function reportOfHeader(line: InvokedLine, time: number | null): OpenReport {
  const report = newReport(time);
  report.trigger = {
    name: line.name,
    gfpMask: line.gfpMask,
    order: line.order,
    oomScoreAdj: line.oomScoreAdj,
  };
  return report;
}

/**
 * Every kernel warning prints a CPU line; it names the OOM killer's invoker right after the report's header,
 * or, when the header line is lost, right before the report's first lines (kept in the state until then).
 */
export function takeInvoker(
  state: AssemblerState,
  pid: number,
  name: string,
  time: number | null,
  stamp: string | null = null,
): OpenReport | null {
  const open = state.open;
  const afterHeader = open !== null && open.kill === null && open.invokerPid === null;
  // Before 4.19 the invoker's `cpuset=` line comes between the header and the CPU line.
  const onlyCpuset = open?.trigger === null && open.invokerCpuset !== null && open.lines.length === 1;
  if (afterHeader && (open.trigger !== null || onlyCpuset)) {
    open.invokerPid = pid;
    open.trigger ??= { name, gfpMask: null, order: null, oomScoreAdj: null };
    return open;
  }
  state.invoker = stamp === null ? { pid, name, time } : { pid, name, time, stamp };
  return null;
}

/**
 * Which CPU line a fresh report takes as its invoker's (takeLostHeader): the one just before it when the report's
 * first line is of the header's body, one that a frame of the OOM killer's path followed, or none.
 */
export type InvokerTaken = 'header-body' | 'after-oom-path' | 'none';

/**
 * A fresh report takes the invoker of the CPU line just before its first line: its header line was lost. A line
 * of the header's body follows only an OOM report's CPU line; any other report line (a kill line), only one that a
 * frame of the OOM killer's path proved an OOM report's: a warning's CPU line names no invoker.
 */
export function takeLostHeader(
  report: OpenReport,
  invoker: RecentInvoker | null,
  takes: InvokerTaken,
  seconds: number,
): void {
  if (invoker === null || takes === 'none' || (takes === 'after-oom-path' && invoker.oomPath !== true))
    return;
  if (!invokerBefore(invoker.time, report.time, seconds)) return;
  report.invokerPid = invoker.pid;
  report.trigger = { name: invoker.name, gfpMask: null, order: null, oomScoreAdj: null };
}

/** A call-trace frame after a CPU line: one of the OOM killer's path proves it an OOM report's (namesOomPath). */
export function takeFrame(state: AssemblerState, text: string): void {
  const invoker = state.invoker;
  // A new object: the caller's state shares the old one (copyOfState).
  if (invoker !== null && invoker.oomPath !== true && namesOomPath(text))
    state.invoker = { ...invoker, oomPath: true };
}

export function takeSummary(report: OpenReport, line: SummaryLine, entry: LogEntry): OpenReport {
  report.constraint = line.constraint;
  report.oomMemcg = line.oomMemcg;
  report.taskMemcg = line.taskMemcg;
  report.taskMemcgTruncated = line.taskMemcgTruncated;
  report.summaryPid = line.pid;
  report.summaryUid = line.uid;
  report.summaryTask = line.task;
  report.cgroupLineTime = lineTimeOf(entry);
  if (line.cpuset !== null && line.cpuset !== '/') report.invokerCpuset ??= line.cpuset;
  return report;
}

/**
 * `Task in X killed as a result of limit of Y`; `entry` null when it came late, after its report's kill
 * (`journalctl -k` may print it so): the report's cgroup line time stays its own.
 */
const BARE_WORD = /^[A-Za-z]+$/;

export function takeTaskIn(report: OpenReport, line: TaskInLine, entry: LogEntry | null): OpenReport {
  report.taskMemcg = line.task;
  report.taskMemcgTruncated = line.truncated;
  report.taskInSeen = true;
  if (entry !== null) report.cgroupLineTime = lineTimeOf(entry);
  // A bare word where the path goes (`host`: Alibaba Cloud Linux) names no cgroup; an elided path (`...`) still does.
  if (line.oom !== null && BARE_WORD.test(line.oom)) report.limitNotCgroup = line.oom;
  else if (line.oom !== null) report.oomMemcg = line.oom;
  return report;
}

export function takeCounter(report: OpenReport, line: CounterLine): OpenReport {
  report.counters[line.counter] = { usageKb: line.usageKb, limitKb: line.limitKb, failcnt: line.failcnt };
  return report;
}

/** The first stats line is the cgroup whose limit was hit; older kernels then print each child. */
export function takeStats(report: OpenReport, line: MemcgStatsLine): OpenReport {
  if (report.statsPath === null) {
    report.statsPath = line.path;
    // An author's ellipsis in it (`pod1234…`) cuts it as a pager does.
    report.statsPathTruncated = line.truncated || isElidedPath(line.path);
  }
  return report;
}

/** A kill known by another line than its kill line (a reaper line, a kill for sharing memory): no figures. */
export function unseenKill(pid: number, name: string, entry: LogEntry): KillRecord {
  return { pid, name, message: null, fields: {}, ...lineTimeOf(entry), killLineSeen: false };
}

/** The limit's path (oom_memcg, else the first stats line's): a whole one, where an author's ellipsis cut the other. */
export function limitPathOf(report: OpenReport): string | null {
  const whole = [report.oomMemcg, report.statsPath].find(
    (path): path is string => path !== null && !isElidedPath(path),
  );
  return whole === undefined ? (report.oomMemcg ?? report.statsPath) : completedLimitPath(whole, report);
}

/** The limit's path `path`, completed from the report's other paths (completedCutPath). */
function completedLimitPath(path: string, report: OpenReport): string | null {
  return completedCutPath(path, wholePathsOf(report));
}

/** Some figure that is not zero: memory left as it was by one process only, not by any. */
const NOT_ALL_ZERO = /:[1-9]/;

/**
 * Whether the reaper line reaps the memory the last one did: the same comm, the same figures left, not all
 * zero, near in time. 4.x marks a thread of a victim a victim too when it runs into the OOM killer while dying,
 * without a kill line, and the reaper prints it by its own pid: it is the kill already seen, not another one.
 */
export function reapsSameMemory(last: ReapedMemory | null, line: ReapedExit, time: number | null): boolean {
  if (last === null || line.left === null || last.name !== line.name || last.left !== line.left) return false;
  return NOT_ALL_ZERO.test(line.left) && withinSeconds(last.time, time, ATTRIBUTION_WINDOW_SECONDS);
}

/**
 * Whether a CPU line at `invokerTime` may be the invoker's of a report whose first body line is at `time`: within
 * `seconds`, and not after it (a later warning's, a kernel panic's, printed after the report a paste put below it).
 */
function invokerBefore(invokerTime: number | null, time: number | null, seconds: number): boolean {
  if (!withinSeconds(invokerTime, time, seconds)) return false;
  return invokerTime === null || time === null || invokerTime <= time;
}
