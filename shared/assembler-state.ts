/**
 * What the report assembler (report-assembler.ts) remembers of a stream between calls: plain JSON, so that the
 * parse function can keep it in DynamoDB between Lambda invocations and `backfill` in its checkpoint.
 */
import type { OpenReport, RecentTable } from './open-report.ts';

/** The shape of AssemblerState and of the reports in it: a stored state of another version is not read. */
export const ASSEMBLER_STATE_VERSION = 2;

/** A kill already sent: the same kill printed again (kmsg replay, a pager) and its reaper line are not new. */
export interface RecentKill {
  /** Empty for a co-victim, which has no event of its own. */
  id: string;
  pid: number | null;
  name: string | null;
  time: number | null;
  /**
   * Where `time` is null, the kill line's stamp as printed and its host, when it had a stamp (recent-kills.ts,
   * `stampedAt`): a syslog stamp gives no year, so no clock, yet two kills of one pid under one stamp are one kill
   * printed again. Absent: a clock, no stamp, or a state stored before it was kept.
   */
  stamp?: string;
  /**
   * What the event showed that two copies of one kill share and two kills differ in (recent-kills.ts,
   * `killEvidence`). Absent in a state stored before it was kept, and for a co-victim: nothing tells those apart.
   */
  evidence?: KillEvidence;
  /** How much of the kill its event showed (recent-kills.ts, `copyRank`). Absent: never sent again. */
  rank?: number;
  /**
   * The victim's file-rss and shmem-rss, which `evidence` leaves out, where the event showed one: a later copy that
   * shows more of the kill but not them takes them (recent-kills.ts, `withKeptFigures`). Absent: it showed neither.
   */
  rss?: [number | null, number | null];
}

/**
 * The trigger's gfp mask and pid, the `memory:` usage, limit and failcnt, and the victim's total-vm, anon-rss,
 * pgtables, uid and oom_score_adj, in that order; null where the event did not show one.
 */
export type KillEvidence = Array<string | number | null>;

/** The `CPU: N PID: M Comm: X` line of the last kernel warning: the invoker, if an OOM report follows it. */
export interface RecentInvoker {
  pid: number;
  name: string;
  time: number | null;
  /** The CPU line's stamp as printed, when it had one (stamp-clock.ts); absent in a state stored before it was kept. */
  stamp?: string;
  /**
   * A frame of the OOM killer's path followed it (cpu.ts, namesOomPath): it is an OOM report's, and names the
   * invoker of the next report line whatever that line is. Absent: not seen, or a state stored before it was kept.
   */
  oomPath?: true;
}

/** What the last reaper line left of a process's memory, its comm and time (report-lines.ts, reapsSameMemory). */
export interface ReapedMemory {
  name: string;
  left: string | null;
  time: number | null;
}

export interface AssemblerState {
  version: typeof ASSEMBLER_STATE_VERSION;
  /** The report being read; one that has its kill stays open after its event is sent at a batch end. */
  open: OpenReport | null;
  recentKills: RecentKill[];
  recentTables: RecentTable[];
  /** A CPU line seen outside a report: a report whose header line is lost takes its invoker from it. */
  invoker: RecentInvoker | null;
  /**
   * The last reaper line: a thread of its victim, reaped next (maybe in the next batch), leaves the same memory.
   * Absent in a state stored before it was kept.
   */
  lastReap?: ReapedMemory | null;
}

export function emptyAssemblerState(): AssemblerState {
  return {
    version: ASSEMBLER_STATE_VERSION,
    open: null,
    recentKills: [],
    recentTables: [],
    invoker: null,
    lastReap: null,
  };
}

/**
 * A copy of the state that an assembly may change while the caller's stays as it was. The open report is changed
 * in place, so it is copied whole; the lists gain and lose entries but never change one, so only they are copied
 * (a stream's state holds hundreds of them, and `scan` hands it over at every batch).
 */
export function copyOfState(state: AssemblerState): AssemblerState {
  return {
    ...state,
    open: state.open === null ? null : structuredClone(state.open),
    recentKills: [...state.recentKills],
    recentTables: [...state.recentTables],
  };
}
