/**
 * One OOM report as the assembler collects it, line by line: plain JSON, so that an open report can wait in the
 * assembler's state between batches. The state machine (report-assembler.ts) fills it; event building
 * (report-event.ts) reads it.
 */
import type { CounterName } from './kernel-lines/counter.ts';
import type { TaskRowLine } from './kernel-lines/task-row.ts';
import type { LogEntry } from './log-record.ts';
import type { CoVictim, TaskRow } from './oom-event.ts';

/** A kill line with no header is attributed to a recent task table that lists its pid and name. */
export const ATTRIBUTION_WINDOW_SECONDS = 120;
/** Lines kept of a report, and so of its events. */
export const MAX_EVENT_LINES = 40;
/**
 * Characters kept of each: a printk record holds at most 1,024 bytes of text, and four times that leaves room
 * for `\xNN` escapes. A longer line is glued or garbled paste, kept cut.
 */
export const MAX_LINE_CHARS = 4096;
/** Source refs kept of a report: the first half and the latest half (a report can run to thousands of lines). */
const MAX_REFS = 200;
/** Rows of the task table an event keeps: the largest by rss. */
export const MAX_TASKS = 10;
/** memory.oom.group kills can take thousands: an event lists the first ones and counts all (coVictimCount). */
export const MAX_CO_VICTIMS = 100;
const MAX_TABLE_PIDS = 512;
/** Task-table memory columns are in pages; EKS nodes (x86_64 and Graviton AL2/AL2023) use 4 KiB pages. */
const PAGE_KB = 4;

/** When a line was printed, as its envelope told. */
export interface LineTime {
  kernelTime: number | null;
  wallTime: string | null;
  stamp: string | null;
  host: string | null;
}

export interface KillRecord extends LineTime {
  /** Null only when the kill is known by the victim's cgroup alone (a `Task in` line). */
  pid: number | null;
  name: string | null;
  message: string | null;
  fields: Record<string, number>;
  /**
   * False when the kill line itself was not seen (lost, or the text ends before it): the kill is known by the
   * reaper's confirmation, the `oom-kill:` summary, the kernel's selection (`Kill process … or sacrifice
   * child`: the victim may have been a child of it) or a `Task in` line.
   */
  killLineSeen: boolean;
}

/** `Kill process A (comm) score S or sacrifice child`: the kernel's choice, before it may pick a child of A. */
export interface Selection extends LineTime {
  pid: number;
  name: string;
  message: string | null;
}

export interface Counter {
  usageKb: number;
  limitKb: number;
  failcnt: number;
}

export interface OpenReport {
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
  /** When the line that named the victim's cgroup (`oom-kill:`, `Task in`) was printed. */
  cgroupLineTime: LineTime;
  /** The cgroup line is `Task in …` (a kill is printed after it), not `Memory limit reached …` (none is). */
  taskInSeen: boolean;
  selection: Selection | null;
  exitingPids: number[];
  /** The victim: the first process killed. */
  kill: KillRecord | null;
  /** Time of the report's last kill line, to tell a memory.oom.group member from a later kill. */
  lastKillTime: number | null;
  /** The others killed with it (memory.oom.group), in kernel order: the first MAX_CO_VICTIMS, and how many. */
  coVictims: CoVictim[];
  coVictimCount: number;
  /** Task-table rows read; more than `tablePids` holds when the table was longer than it keeps. */
  tableRows: number;
  lines: string[];
  refs: Array<string | number>;
  /** Lines that joined it; its event was last sent when it had `sentAt` (null: not sent) under id `sentId`. */
  changes: number;
  sentAt: number | null;
  sentId: string | null;
}

/** The task table of a closed report, kept to place later kill lines whose header was rate-limited away. */
export interface RecentTable {
  oomMemcg: string;
  constraint: string | null;
  time: number | null;
  pids: Array<[number, string]>;
}

export function newReport(time: number | null): OpenReport {
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
    cgroupLineTime: { kernelTime: null, wallTime: null, stamp: null, host: null },
    taskInSeen: false,
    selection: null,
    exitingPids: [],
    kill: null,
    lastKillTime: null,
    coVictims: [],
    coVictimCount: 0,
    tableRows: 0,
    lines: [],
    refs: [],
    changes: 0,
    sentAt: null,
    sentId: null,
  };
}

export function withinSeconds(a: number | null, b: number | null, seconds: number): boolean {
  return a === null || b === null || Math.abs(a - b) <= seconds;
}

/** The last wall clock read, and its seconds: lines of one report share their wall clock, so it is read once. */
const lastWall = { text: '', seconds: Number.NaN };

/** Seconds of a line's time: kernel time, else its wall clock; null when the envelope gave neither. */
export function timeOf(entry: LogEntry): number | null {
  if (entry.kernelTime !== null) return entry.kernelTime;
  if (entry.wallTime === null) return null;
  if (entry.wallTime !== lastWall.text) {
    lastWall.text = entry.wallTime;
    lastWall.seconds = Date.parse(entry.wallTime) / 1000;
  }
  return lastWall.seconds;
}

export function lineTimeOf(entry: LogEntry): LineTime {
  return { kernelTime: entry.kernelTime, wallTime: entry.wallTime, stamp: entry.stamp, host: entry.host };
}

/**
 * Whether a `Task in` line after the report's kill belongs to it (`journalctl -k` may print it late): the
 * report has no cgroup line yet, and its stats line names the same limit cgroup, or it has a header but no
 * stats line. A headerless kill (a storm) has neither, and the line starts the next report.
 */
export function takesLateTaskIn(report: OpenReport, oom: string | null): boolean {
  if (report.kill === null || report.taskMemcg !== null || report.summaryPid !== null) return false;
  if (report.oomMemcg !== null) return false;
  return report.statsPath !== null ? report.statsPath === oom : report.trigger !== null;
}

export function killTime(time: LineTime): number | null {
  return time.kernelTime ?? (time.wallTime === null ? null : Date.parse(time.wallTime) / 1000);
}

/** Reads a task-table row with the report's header, or by shape when the header was not seen. */
export function taskRowOf(line: TaskRowLine, columns: string[] | null): TaskRow | null {
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

/** Records the source ref of a line of the report, within MAX_REFS: the head and the latest lines. */
export function addRef(report: OpenReport, ref: string | number): void {
  if (report.refs.length >= MAX_REFS) report.refs.splice(MAX_REFS / 2, 1);
  report.refs.push(ref);
}

export function addTask(report: OpenReport, row: TaskRow): void {
  report.tableRows++;
  if (report.tablePids.length < MAX_TABLE_PIDS) report.tablePids.push([row.pid, row.name]);
  report.tasks.push(row);
  report.tasks.sort((a, b) => b.rssKb - a.rssKb);
  if (report.tasks.length > MAX_TASKS) report.tasks.length = MAX_TASKS;
}
