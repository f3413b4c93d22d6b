/**
 * One OOM report as the assembler collects it, line by line: plain JSON, so that an open report can wait in the
 * assembler's state between batches. The state machine (report-assembler.ts) fills it; event building
 * (report-event.ts) reads it.
 */
import type { CounterName } from './kernel-lines/counter.ts';
import { constraintOfMessage } from './kernel-lines/kill.ts';
import { COMM_MAX } from './kernel-lines/message-fields.ts';
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
  /** Null when an author masked it. */
  pid: number | null;
  name: string | null;
  message: string | null;
}

/**
 * A task-table row as the report keeps it for its kill: pid and name, then the uid and oom_score_adj, which a kill
 * line before 5.x does not print (absent in a state saved before they were kept; null where the row showed none).
 */
export type TableEntry = [pid: number, name: string, uid?: number | null, oomScoreAdj?: number];

/** A counter line's figures; null where the line's number is beyond what a number holds exactly. */
export interface Counter {
  usageKb: number | null;
  limitKb: number | null;
  failcnt: number | null;
}

export interface OpenReport {
  time: number | null;
  trigger: {
    name: string | null;
    gfpMask: string | null;
    order: number | null;
    oomScoreAdj: number | null;
  } | null;
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
  /** Each row of the task table, within MAX_TABLE_PIDS: which pids the report listed, and what the kill line may not show. */
  tablePids: TableEntry[];
  groupCgroup: string | null;
  summaryTask: string | null;
  /** When the line that named the victim's cgroup (`oom-kill:`, `Task in`) was printed. */
  cgroupLineTime: LineTime;
  /** The cgroup line is `Task in …` (a kill is printed after it), not `Memory limit reached …` (none is). */
  taskInSeen: boolean;
  /**
   * The limit a `Task in` line named when it is no cgroup path: Alibaba Cloud Linux 4.19 prints `limit of host`
   * when a memory node runs out. Absent when it was a path (or in a state stored before it was kept).
   */
  limitNotCgroup?: string;
  selection: Selection | null;
  exitingPids: number[];
  /** The victim: the first process killed. */
  kill: KillRecord | null;
  /**
   * The report's first line was a task row: a paste that starts inside the table (`dmesg | tail`), so the table is
   * not known whole. Absent otherwise.
   */
  tableHeadCut?: boolean;
  /** Task-row lines that joined it, read or not (absent in a state stored before they were counted). */
  rowLines?: number;
  /**
   * Time of the last line that joined the report but for call-trace frames (whose times alone end it, and `scan`
   * hands a run of them over as its earliest and latest); absent in a state stored before it was kept, and before
   * a line with a time joined.
   */
  lastLineTime?: number;
  /**
   * The stamp as printed of the last line that joined it but for frames, when it had one: a report of lines with no
   * clock ends on a gap of stamps (stamp-clock.ts). Absent before such a line joined, and in a state stored before.
   */
  lastStamp?: string;
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

/** The time the next line's gap is measured from: the report's last line's, else its own. */
export function lastLineTime(report: OpenReport): number | null {
  return report.lastLineTime ?? report.time;
}

export function withinSeconds(a: number | null, b: number | null, seconds: number): boolean {
  return a === null || b === null || Math.abs(a - b) <= seconds;
}

/** Seconds of a line's time: kernel time, else its wall clock; null when the envelope gave neither. */
export function timeOf(entry: LogEntry): number | null {
  if (entry.kernelTime !== null) return entry.kernelTime;
  return entry.wallTime === null ? null : wallSeconds(entry.wallTime);
}

/** The last wall clock read, and its seconds: the lines of one report share their wall clock. */
const lastWall = { text: '', seconds: Number.NaN };

/** `Date.parse(wallTime) / 1000`, parsed once for the lines of a report. */
export function wallSeconds(wallTime: string): number {
  if (wallTime !== lastWall.text) {
    lastWall.text = wallTime;
    lastWall.seconds = parsedSeconds(wallTime);
  }
  return lastWall.seconds;
}

/** `YYYY-MM-DDT`: what the wall clocks of one day share, as toISOString writes them (log-record.ts does). */
const ISO_DAY = /^\d{4}-\d\d-\d\dT/;
const DAY_LENGTH = 11;
const ISO_LENGTH = 24;
/** The day of the last ISO wall clock parsed, and its ms: a batch's or a log's lines mostly share their day. */
const lastDay = { text: '', ms: Number.NaN };

/**
 * `Date.parse(wallTime) / 1000`. A time on the day parsed last is that day's ms plus its time of day, with no
 * parse: the sum the parse makes.
 */
function parsedSeconds(wallTime: string): number {
  const timeOfDay = wallTime.length === ISO_LENGTH ? msOfDay(wallTime) : null;
  if (timeOfDay !== null && lastDay.text !== '' && wallTime.startsWith(lastDay.text))
    return (lastDay.ms + timeOfDay) / 1000;
  const ms = Date.parse(wallTime);
  if (timeOfDay !== null && Number.isFinite(ms) && ISO_DAY.test(wallTime)) {
    lastDay.text = wallTime.slice(0, DAY_LENGTH);
    lastDay.ms = ms - timeOfDay;
  }
  return ms / 1000;
}

/** The ms since midnight that `HH:mm:ss.sssZ` after the day says, when each field is in its range; else null. */
function msOfDay(wallTime: string): number | null {
  if (!(wallTime.endsWith('Z') && wallTime[13] === ':' && wallTime[16] === ':' && wallTime[19] === '.'))
    return null;
  const hours = digitsAt(wallTime, 11, 2);
  const minutes = digitsAt(wallTime, 14, 2);
  const seconds = digitsAt(wallTime, 17, 2);
  const millis = digitsAt(wallTime, 20, 3);
  // `T24:00:00.000Z` is a time too, but the next millisecond is not: the parse reads that hour alone.
  if (!(hours <= 23 && minutes <= 59 && seconds <= 59 && millis >= 0)) return null;
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
}

const ZERO = 48;

/** The number that `count` digits from `at` spell; NaN when one is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (!(digit >= 0 && digit <= 9)) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

export function lineTimeOf(entry: LogEntry): LineTime {
  return { kernelTime: entry.kernelTime, wallTime: entry.wallTime, stamp: entry.stamp, host: entry.host };
}

/**
 * Whether a `Task in` line after the report's kill belongs to it (`journalctl -k` may print it late): the
 * report has no cgroup line yet, its messages name no other constraint than the memcg, and its stats line names
 * the same limit cgroup, or it has a header but no stats line. A headerless kill (a storm) has neither, and the
 * line starts the next report.
 */
export function takesLateTaskIn(report: OpenReport, oom: string | null): boolean {
  if (report.kill === null || report.taskMemcg !== null || report.summaryPid !== null) return false;
  if (report.oomMemcg !== null) return false;
  // Only a memcg OOM prints `Task in` with a cgroup for its limit: after a kill its message calls global (`Out of
  // memory: Kill process`), the line is the next OOM's. (Alibaba Cloud Linux 4.19 prints one for a node's OOM,
  // `limit of host`.)
  const said =
    constraintOfMessage(report.kill.message) ?? constraintOfMessage(report.selection?.message ?? null);
  if (said !== null && said !== 'memcg' && oom?.startsWith('/') === true) return false;
  return report.statsPath !== null ? report.statsPath === oom : report.trigger !== null;
}

/**
 * The victim an `oom-kill:` summary names: its pid, comm and uid (null where no `uid=` followed the pid, or a pager
 * cut it).
 */
export interface SummaryVictim {
  pid: number | null;
  task: string | null;
  uid: number | null;
}

/**
 * Whether the summary names the process of this pid and comm: its pid, or, where the summary stopped at its pid with
 * no `uid=` after it, one whose digits this pid's begin with. Every kernel prints the uid after the pid; a line
 * without it is an author's copy that stopped there, which the summary's reader takes whole, or one a terminal cut
 * at its width, which may have fallen inside the digits (`…,task=python,pid=5673` of 567337): the same comm tells
 * that cut from another process, and a child the kernel killed instead is the same only if its pid begins so too.
 */
export function summaryNamesPid(summary: SummaryVictim, pid: number | null, name: string | null): boolean {
  if (summary.pid === null || pid === null) return false;
  if (summary.pid === pid) return true;
  if (summary.uid !== null || summary.task === null || summary.task !== name) return false;
  return String(pid).startsWith(String(summary.pid));
}

/** Whether the report's own summary names the process of this pid and comm (summaryNamesPid). */
export function reportSummaryNamesPid(report: OpenReport, pid: number | null, name: string | null): boolean {
  return summaryNamesPid(
    { pid: report.summaryPid, task: report.summaryTask, uid: report.summaryUid },
    pid,
    name,
  );
}

/**
 * Whether an `oom-kill:` summary after the report's kill line belongs to it: it names the pid and the comm that
 * line killed, or was cut before them (it names no other victim) and the report has no summary yet, printed with
 * it on the same host (printedTogether), and the report has no cgroup line yet. A paste newest first prints it so (`journalctl -r`:
 * easydiffusion#759), and so does an author who quotes the kill line first. A log of several nodes (`aws logs
 * tail` of a group) may put another node's summary of the same pid there: its host tells it apart.
 */
export function takesLateSummary(report: OpenReport, summary: SummaryVictim, time: LineTime): boolean {
  const kill = report.kill;
  if (kill === null || !kill.killLineSeen) return false;
  if (
    summary.pid === null
      ? summary.task !== null || report.constraint !== null
      : !summaryNamesPid(summary, kill.pid, kill.name)
  )
    return false;
  if (summary.task !== null && kill.name !== null && summary.task !== kill.name) return false;
  if (kill.host !== time.host || !printedTogether(kill, time)) return false;
  return report.taskMemcg === null && report.summaryPid === null && report.oomMemcg === null;
}

/**
 * Whether two lines were printed together, as far as their times tell: kernel times, or wall clocks, at most a
 * second apart, or the same stamp as printed (or none on both).
 */
function printedTogether(a: LineTime, b: LineTime): boolean {
  if (a.kernelTime !== null || b.kernelTime !== null)
    return a.kernelTime !== null && b.kernelTime !== null && Math.abs(a.kernelTime - b.kernelTime) <= 1;
  if (a.wallTime !== null || b.wallTime !== null)
    return (
      a.wallTime !== null &&
      b.wallTime !== null &&
      Math.abs(wallSeconds(a.wallTime) - wallSeconds(b.wallTime)) <= 1
    );
  return a.stamp === b.stamp;
}

export function killTime(time: LineTime): number | null {
  return time.kernelTime ?? (time.wallTime === null ? null : wallSeconds(time.wallTime));
}

/** The range of oom_score_adj (include/uapi/linux/oom.h). */
const OOM_SCORE_ADJ_MIN = -1000;
const OOM_SCORE_ADJ_MAX = 1000;

/** A task-table row as read: what `tasks` lists, and the uid, which `tasks` does not. */
export interface TableRow {
  task: TaskRow;
  uid: number | null;
}

/**
 * Numbers a row read by shape must show: every layout with an oom_score_adj column has 7 or more (3.10 and 5.x 7,
 * 4.x 8, 6.x 10); 2.6.32 to 2.6.35 printed 6, the last being oom_adj, another scale.
 */
const ROW_NUMBERS_BY_SHAPE = 7;

/** A name of digits alone, in a row read by shape: more likely a number a wrap or a cut left last. */
const DIGITS_ONLY = /^-?\d+$/;

/** Blanks that set an author's mark apart from what a row printed (`palo_be  <============`). */
const MARK_GAP = /\s{2,}|\t/;

/**
 * A row's name less a mark an author put after it: the kernel prints the comm last, and a comm is at most COMM_MAX
 * characters, so a longer name whose text before a gap of blanks is one is that comm (fifty-sixth red team A/10).
 */
function withoutAuthorsMark(name: string): string {
  if (name.length <= COMM_MAX) return name;
  const gap = MARK_GAP.exec(name);
  return gap === null || gap.index === 0 || gap.index > COMM_MAX ? name : name.slice(0, gap.index);
}

/** Reads a task-table row with the report's header, or by shape when the header was not seen. */
export function taskRowOf(line: TaskRowLine, columns: string[] | null): TableRow | null {
  // Columns after `[ pid ]`, the last being `name`; uid is always the 1st, rss the 4th and oom_score_adj the last
  // number.
  const numeric = columns === null ? line.numbers.length : columns.length - 1;
  if (line.numbers.length < numeric || numeric < 5) return null;
  if (
    columns === null &&
    (numeric < ROW_NUMBERS_BY_SHAPE || DIGITS_ONLY.test(line.body.slice(line.starts[numeric])))
  )
    return null;
  const uidIndex = columns === null ? 0 : columns.indexOf('uid');
  const rssIndex = columns === null ? 3 : columns.indexOf('rss');
  const adjIndex = columns === null ? numeric - 1 : columns.indexOf('oom_score_adj');
  const uid = line.numbers[uidIndex];
  const rss = line.numbers[rssIndex];
  const adj = line.numbers[adjIndex];
  // A row cut short (an author's `...`, a pager) read by shape: its last number is another column.
  if (rss === undefined || adj === undefined || adj < OOM_SCORE_ADJ_MIN || adj > OOM_SCORE_ADJ_MAX)
    return null;
  // Numbers beyond the header's count belong to a name that starts with digits: take the name as printed.
  const name = withoutAuthorsMark(line.body.slice(line.starts[numeric]));
  return {
    task: { pid: line.pid, name, rssKb: rss * PAGE_KB, oomScoreAdj: adj },
    uid: uid === undefined || uid < 0 ? null : uid,
  };
}

/** Records the source ref of a line of the report, within MAX_REFS: the head and the latest lines. */
export function addRef(report: OpenReport, ref: string | number): void {
  if (report.refs.length >= MAX_REFS) report.refs.splice(MAX_REFS / 2, 1);
  report.refs.push(ref);
}

export function addTask(report: OpenReport, { task, uid }: TableRow): void {
  report.tableRows++;
  if (report.tablePids.length < MAX_TABLE_PIDS)
    report.tablePids.push([task.pid, task.name, uid, task.oomScoreAdj]);
  report.tasks.push(task);
  report.tasks.sort((a, b) => b.rssKb - a.rssKb);
  if (report.tasks.length > MAX_TASKS) report.tasks.length = MAX_TASKS;
}

/** The task-table entry of the pid, when the report's table listed it. */
export function tableEntryOf(report: OpenReport, pid: number | null): TableEntry | undefined {
  return pid === null ? undefined : report.tablePids.find(([listed]) => listed === pid);
}

/**
 * Lines after the task table that an event's `lines` keep room for: the selection, kill, reaper and summary
 * lines tell what died. A long table would otherwise fill every place before them.
 */
const LINES_AFTER_TABLE = 10;

/** Whether the report's `lines` keep room for one more: a task row, or any other line. */
export function keepsLine(report: OpenReport, taskRow: boolean): boolean {
  const room = taskRow ? MAX_EVENT_LINES - LINES_AFTER_TABLE : MAX_EVENT_LINES;
  return report.lines.length < room;
}

/** The paths of the report that a cut did not leave short, which may show the limit's whole (completedCutPath). */
export function wholePathsOf(report: OpenReport): Array<string | null> {
  return [
    report.statsPathTruncated ? null : report.statsPath,
    report.taskMemcgTruncated ? null : report.taskMemcg,
  ];
}
