/**
 * An assembler state's recent kills (assembler-state.ts), the last ones sent in the order sent, with what finds
 * one at once: counts by id, and the kills of each pid by time. In a storm every kill is new, and a walk over the
 * whole list for each was a fifth of the assembler's time (docs/benchmarks.md).
 */
import type { RecentKill } from './assembler-state.ts';
import { withinSeconds } from './open-report.ts';

export class RecentKills {
  /** The state's list. Its first `gone` kills have left the window; `settle` removes them all at once. */
  private readonly list: RecentKill[];
  private readonly kept: number;
  private gone = 0;
  private readonly ids = new Map<string, number>();
  /** The kills that name a pid, by pid. */
  private readonly byPid = new Map<number, PidKills>();

  /** Keeps the last `kept` kills of `list`, which it changes in place. */
  constructor(list: RecentKill[], kept: number) {
    this.list = list;
    this.kept = kept;
    for (const kill of list) this.index(kill);
  }

  hasId(id: string): boolean {
    return this.ids.has(id);
  }

  /** Whether a kept kill has this pid and comm, at most `seconds` from `time` (an unknown time is near any). */
  hasVictim(pid: number, name: string | null, time: number | null, seconds: number): boolean {
    return this.byPid.get(pid)?.has(name, time, seconds) ?? false;
  }

  /** Adds the kills in order, then lets the oldest go beyond the number kept. */
  add(kills: readonly RecentKill[]): void {
    for (const kill of kills) {
      this.list.push(kill);
      this.index(kill);
    }
    while (this.list.length - this.gone > this.kept) this.unindex(this.list[this.gone++] as RecentKill);
  }

  /** Removes the kills that left from the list, which is then the state's again. */
  settle(): void {
    this.list.splice(0, this.gone);
    this.gone = 0;
  }

  private index(kill: RecentKill): void {
    this.ids.set(kill.id, (this.ids.get(kill.id) ?? 0) + 1);
    if (kill.pid === null) return;
    const kills = this.byPid.get(kill.pid);
    if (kills === undefined) this.byPid.set(kill.pid, new PidKills(kill));
    else kills.push(kill);
  }

  /** Kills leave in the order they came, so each is the first of its pid's list. */
  private unindex(kill: RecentKill): void {
    const count = this.ids.get(kill.id) ?? 0;
    if (count <= 1) this.ids.delete(kill.id);
    else this.ids.set(kill.id, count - 1);
    if (kill.pid === null) return;
    const kills = this.byPid.get(kill.pid);
    if (kills?.shift() === 0) this.byPid.delete(kill.pid);
  }
}

/**
 * The kept kills of one pid, oldest first. The kernel prints kills in time order, so a search from the newest
 * stops at the first one too old, unless a kill of unknown time or a step back in time (a log read twice) is
 * among them.
 */
class PidKills {
  private readonly kills: RecentKill[];
  /** Kills of unknown time, and neighbours whose times step back. */
  private disorder = 0;

  constructor(kill: RecentKill) {
    this.kills = [];
    this.push(kill);
  }

  push(kill: RecentKill): void {
    const last = this.kills.at(-1);
    if (!timed(kill) || (last !== undefined && stepsBack(last, kill))) this.disorder++;
    this.kills.push(kill);
  }

  /** Drops the oldest; returns how many are left. */
  shift(): number {
    const [first, second] = this.kills;
    if (first !== undefined && (!timed(first) || (second !== undefined && stepsBack(first, second))))
      this.disorder--;
    this.kills.shift();
    return this.kills.length;
  }

  has(name: string | null, time: number | null, seconds: number): boolean {
    const ascending = this.disorder === 0 && time !== null;
    for (let i = this.kills.length - 1; i >= 0; i--) {
      const kill = this.kills[i] as RecentKill;
      // Times ascend: this kill and all before it are too long before `time`.
      if (ascending && time - (kill.time as number) > seconds) return false;
      if (withinSeconds(kill.time, time, seconds) && kill.name === name) return true;
    }
    return false;
  }
}

function timed(kill: RecentKill): boolean {
  return kill.time !== null && Number.isFinite(kill.time);
}

/** Whether `later`, pushed after `earlier`, has an earlier time (both known). */
function stepsBack(earlier: RecentKill, later: RecentKill): boolean {
  return timed(earlier) && timed(later) && (later.time as number) < (earlier.time as number);
}
