/**
 * One OOM report as the assembler collects it, line by line: plain JSON, so that an open report can wait in the
 * assembler's state between batches. The state machine (report-assembler.ts) fills it; event building
 * (report-event.ts) reads it.
 */
import type { CounterName } from './kernel-lines/counter.ts';
import type { TaskRowLine } from './kernel-lines/task-row.ts';
import type { TaskRow } from './oom-event.ts';

/** A kill line with no header is attributed to a recent task table that lists its pid and name. */
export const ATTRIBUTION_WINDOW_SECONDS = 120;
/** Lines kept of a report, and so of its events. */
export const MAX_EVENT_LINES = 40;
const MAX_TASKS = 10;
const MAX_TABLE_PIDS = 512;
/** Task-table memory columns are in pages; EKS nodes (x86_64 and Graviton AL2/AL2023) use 4 KiB pages. */
const PAGE_KB = 4;

export interface KillRecord {
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
  summaryTime: Pick<KillRecord, 'kernelTime' | 'wallTime' | 'stamp' | 'host'>;
  exitingPids: number[];
  kills: KillRecord[];
  lines: string[];
  refs: Array<string | number>;
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
    summaryTime: { kernelTime: null, wallTime: null, stamp: null, host: null },
    exitingPids: [],
    kills: [],
    lines: [],
    refs: [],
  };
}

export function withinSeconds(a: number | null, b: number | null, seconds: number): boolean {
  return a === null || b === null || Math.abs(a - b) <= seconds;
}

export function killTime(kill: KillRecord): number | null {
  return kill.kernelTime ?? (kill.wallTime === null ? null : Date.parse(kill.wallTime) / 1000);
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

export function addTask(report: OpenReport, row: TaskRow): void {
  if (report.tablePids.length < MAX_TABLE_PIDS) report.tablePids.push([row.pid, row.name]);
  report.tasks.push(row);
  report.tasks.sort((a, b) => b.rssKb - a.rssKb);
  if (report.tasks.length > MAX_TASKS) report.tasks.length = MAX_TASKS;
}
