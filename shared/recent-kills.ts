/**
 * An assembler state's recent kills (assembler-state.ts), the last ones sent in the order sent, with what finds
 * one at once: the kills of each id, and the kills of each pid by time. In a storm every kill is new, and a walk
 * over the whole list for each was a fifth of the assembler's time (docs/benchmarks.md).
 *
 * A kill is a copy of a kept one (a report printed twice, a line quoted before its report) when it has its id, or
 * its pid and comm near its time, and nothing the two events show tells them apart: pid and comm alone are no key
 * in text without times, where the same pid and comm can die on two boots.
 */
import { hash } from 'node:crypto';
import type { KillEvidence, RecentKill } from './assembler-state.ts';
import { killSeenRank } from './event-copies.ts';
import type { OomEvent } from './oom-event.ts';
import { withinSeconds } from './open-report.ts';

/**
 * What two copies of one kill share and two kills differ in. Not file-rss or shmem-rss: a group kill prints its
 * victim twice, and those change in between (AKS, red team B 10: file-rss 956kB, then 44kB). Last, whether a memory
 * cgroup's limit was hit (limitKind), kept after the figures so that a state stored before it was kept compares as it
 * did.
 */
export function killEvidence(event: OomEvent): KillEvidence {
  const { trigger, memory, victim } = event;
  return [
    trigger?.gfpMask ?? null,
    trigger?.pid ?? null,
    memory?.usageKb ?? null,
    memory?.limitKb ?? null,
    memory?.failcnt ?? null,
    ...VICTIM_EVIDENCE.map((key) => victim[key]),
    limitKind(event.constraint),
  ];
}

/**
 * A memory cgroup's limit (`memcg`) or the whole node's memory (`global`: `system`, a cpuset, a mempolicy), or null
 * where the text does not tell. One kill's copies agree on it: the kernel prints one message before its kill line
 * (`Memory cgroup out of memory: Killed process …` or `Out of memory: Killed process …`), so two such lines of one pid
 * and comm are two kills (a Go test's two strings, seventy-seventh red team B/02), unless they show an own figure alike
 * (differ: an author quoting the kill line again under the other message). Not the constraint itself: a quoted kill
 * line of a cpuset report says only `Out of memory`, where its summary says CONSTRAINT_CPUSET.
 */
function limitKind(constraint: OomEvent['constraint']): 'memcg' | 'global' | null {
  if (constraint === null) return null;
  return constraint === 'memcg' ? 'memcg' : 'global';
}

/** The victim's figures at the end of a kill's evidence (killEvidence), in that order, after its first five. */
const VICTIM_EVIDENCE = ['totalVmKb', 'anonRssKb', 'pgtablesKb', 'uid', 'oomScoreAdj'] as const;
const VICTIM_EVIDENCE_AT = 5;
/** Where killEvidence keeps limitKind: after the victim's figures. */
const LIMIT_KIND_AT = VICTIM_EVIDENCE_AT + VICTIM_EVIDENCE.length;

/** The victim's file-rss and shmem-rss, which killEvidence leaves out, for RecentKill.rss; null when it shows neither. */
export function keptRss(event: OomEvent): [number | null, number | null] | null {
  const { fileRssKb, shmemRssKb } = event.victim;
  return fileRssKb === null && shmemRssKb === null ? null : [fileRssKb, shmemRssKb];
}

/**
 * The event, each victim figure it lacks taken from the copies of its kill sent before that showed it (their evidence
 * and RecentKill.rss) and one of its own figures alike (showsOwnFigureAlike): a kill line quoted whole before its
 * report, whose own copy a pager or an author cut, gives the report's event its figures, in one batch or across two.
 */
export function withKeptFigures(event: OomEvent, copies: readonly RecentKill[]): OomEvent {
  if (copies.length === 0) return event;
  const evidence = killEvidence(event);
  const victim = { ...event.victim };
  for (const kill of copies) {
    // Only a copy that shows one of the kill's own figures alike: the same pid and comm without a clock may be
    // another boot's kill, which the matcher takes for this one.
    if (!showsOwnFigureAlike(kill.evidence, evidence)) continue;
    VICTIM_EVIDENCE.forEach((key, i) => {
      const kept = kill.evidence?.[VICTIM_EVIDENCE_AT + i];
      if (victim[key] === null && typeof kept === 'number') victim[key] = kept;
    });
    victim.fileRssKb ??= kill.rss?.[0] ?? null;
    victim.shmemRssKb ??= kill.rss?.[1] ?? null;
  }
  return { ...event, victim };
}

/** How much of the kill a copy shows, to choose among copies (event-copies.ts, killSeenRank). */
export function copyRank(event: OomEvent): number {
  return killSeenRank(event);
}

/** Whether the two show a different value of one thing; what only one shows tells nothing. */
function differ(a: KillEvidence | undefined, b: KillEvidence | null): boolean {
  if (a === undefined || b === null) return false;
  const shown = (value: string | number | null, i: number): boolean => value !== null && b[i] != null;
  if (a.some((value, i) => i !== LIMIT_KIND_AT && shown(value, i) && b[i] !== value)) return true;
  // Another message before the same figures is an author's quote under the wrong one: figures tell a kill.
  const kind = a[LIMIT_KIND_AT] ?? null;
  return shown(kind, LIMIT_KIND_AT) && b[LIMIT_KIND_AT] !== kind && !showsOwnFigureAlike(a, b);
}

/** What the copies of one kill showed together: each value from the copy that showed it. */
function mergedEvidence(copies: readonly RecentKill[]): KillEvidence | undefined {
  let merged: KillEvidence | undefined;
  for (const { evidence } of copies) {
    if (evidence === undefined) continue;
    merged = merged === undefined ? [...evidence] : merged.map((value, i) => value ?? evidence[i] ?? null);
  }
  return merged;
}

/**
 * What RecentKill keeps of a kill line with no clock: its stamp as printed and its host, or undefined (no stamp, or a
 * clock, which the kill's time is).
 */
export function stampedAt(line: {
  kernelTime: number | null;
  wallTime: string | null;
  stamp: string | null;
  host: string | null;
}): string | undefined {
  if (line.kernelTime !== null || line.wallTime !== null || line.stamp === null) return undefined;
  return `${line.host ?? ''}\u0000${line.stamp}`;
}

/**
 * Whether a kill at time `b` that shows `evidence` may be a copy of a kept one at time `a` that showed `kept`
 * (the same pid and comm, near in time). With both times known on one clock, the same pid and comm that close is
 * one kill whatever its figures (a group prints its victim twice, tearing down in between; a looping OOM killer
 * prints its choice again and again without a kill: corpus 259); so with neither, under
 * one stamp as printed (`sameStamp`: one second of one host's syslog; el6 printed an exiting child's kill three
 * times in one, anon-rss 4 kB apart). Else nothing the two show may tell them apart.
 */
function mayBeCopy(
  a: number | null,
  b: number | null,
  kept: KillEvidence | undefined,
  evidence: KillEvidence | null,
  sentLast: boolean,
  sameStamp: boolean,
): boolean {
  if (!isTime(a) || !isTime(b)) return (sameStamp && !isTime(a) && !isTime(b)) || !differ(kept, evidence);
  if (sameClock(a, b)) return true;
  // On two clocks the times tell nothing: a fragment of a kill without figures may be one of another boot, months
  // apart. It is a copy only of the kill sent last (one quoted again at once: dmesg, then syslog of the same), or of
  // one it shows a figure of alike. The state's list tells which was last, so a batch end changes nothing.
  return !differ(kept, evidence) && (sentLast || showsOwnFigureAlike(kept, evidence));
}

/**
 * Where killEvidence puts the kill's own figures: its cgroup's failcnt, its total-vm, anon-rss and pgtables. Not
 * the trigger's gfp mask and pid, the cgroup's usage and limit, the uid or oom_score_adj, which other kills share.
 */
const OWN_FIGURES = [4, 5, 6, 7];

/** Of a kill's evidence, its own figures (OWN_FIGURES), in that order. */
export function ownFiguresOf(evidence: KillEvidence): KillEvidence {
  return OWN_FIGURES.map((i) => evidence[i] ?? null);
}

function showsOwnFigureAlike(a: KillEvidence | undefined, b: KillEvidence | null): boolean {
  if (a === undefined || b === null) return false;
  const theirs = ownFiguresOf(b);
  return ownFiguresOf(a).some((value, i) => value !== null && value === theirs[i]);
}

function isTime(time: number | null): time is number {
  return time !== null && Number.isFinite(time);
}

/**
 * Where the wall clock starts. A kill's time is its kernel time, else its wall clock (report-assembler.ts): seconds
 * since boot stay below it (31 years of uptime), and seconds since the epoch of any stamp that gives its year are
 * above it (September 2001; a stamp without its year gives no wall clock).
 */
const WALL_CLOCK_FROM = 1e9;

/**
 * Whether two times are on one clock, both seconds since boot or both wall clocks. A time on the other clock tells
 * nothing of how far apart two kills were: one kill quoted as dmesg printed it and again as syslog did.
 */
function sameClock(a: number, b: number): boolean {
  return a >= WALL_CLOCK_FROM === b >= WALL_CLOCK_FROM;
}

/** withinSeconds, where a time on the other clock is as unknown as a missing one: near any. */
function nearInTime(a: number | null, b: number | null, seconds: number): boolean {
  return (isTime(a) && isTime(b) && !sameClock(a, b)) || withinSeconds(a, b, seconds);
}

/** Whether a kept kill is the one sent last, or a copy sent under its id. */
function isSentLast(kill: RecentKill, last: RecentKill | null): boolean {
  return last !== null && (kill === last || (kill.id !== '' && kill.id === last.id));
}

/** The `n`th id of kills whose natural id is `id` (0: that id): each kill of a text without times keeps its own. */
export function nthId(id: string, n: number): string {
  return n === 0 ? id : hash('sha256', `${id}\u0000${n}`, 'hex').slice(0, 32);
}

/** A new kill: the kept one it is a copy of, or, when it is none, the id it is sent under. */
export type KillMatch = { copy: RecentKill; id: null } | { copy: null; id: string };

export class RecentKills {
  /** The state's list. Its first `gone` kills have left the window; `settle` removes them all at once. */
  private readonly list: RecentKill[];
  private readonly kept: number;
  private gone = 0;
  /** The kills of each id, oldest first: a co-victim's is empty, and a copy sent again has its kill's. */
  private readonly ids = new Map<string, RecentKill[]>();
  /** The kills that name a pid, by pid. */
  private readonly byPid = new Map<number, PidKills>();

  /** Keeps the last `kept` kills of `list`, which it changes in place. */
  constructor(list: RecentKill[], kept: number) {
    this.list = list;
    this.kept = kept;
    for (const kill of list) this.index(kill);
  }

  /** What a kept kill's event and the other copies sent under its id showed together; a co-victim's own. */
  private readonly evidenceOf = (kill: RecentKill): KillEvidence | undefined =>
    kill.id === '' ? kill.evidence : mergedEvidence(this.ids.get(kill.id) ?? [kill]);

  /** The kill sent last, its co-victims aside (they have no event of their own). */
  private sentLast(): RecentKill | null {
    for (let i = this.list.length - 1; i >= this.gone; i--) {
      const kill = this.list[i] as RecentKill;
      if (kill.id !== '') return kill;
    }
    return null;
  }

  /** The kills kept under `id`, oldest first: the copies of one kill sent so far. */
  copiesOf(id: string): readonly RecentKill[] {
    return this.ids.get(id) ?? [];
  }

  hasId(id: string): boolean {
    return this.ids.has(id);
  }

  /** Whether a kept kill has this pid and comm, at most `seconds` from `time` (an unknown time is near any). */
  hasVictim(pid: number, name: string | null, time: number | null, seconds: number): boolean {
    return (
      this.byPid.get(pid)?.find({ name, time }, seconds, null, undefined, false, this.sentLast()) != null
    );
  }

  /**
   * The kept kill that a new one (`id`, pid, comm, time, stamp and evidence) is a copy of: one with its id, else one
   * with its pid and comm at most `seconds` from its time (an unknown time is near any), and no evidence that
   * tells them apart. When there is none, the id it goes under: its own, or, while other kills hold that one,
   * the next one derived from it. `ownReport`: the kill came with its own header or choice of victim, so it is
   * no copy of a co-victim's kill (which had neither): a later OOM chose that process again.
   */
  match(
    id: string,
    victim: { pid: number | null; name: string | null; time: number | null; stamp?: string | undefined },
    seconds: number,
    evidence: KillEvidence,
    ownReport = false,
  ): KillMatch {
    let free = id;
    let kills = this.ids.get(id);
    for (let n = 1; kills !== undefined; n++) {
      // Compared with what all its copies showed: a fragment kept first tells no kill apart on its own.
      const last = kills.at(-1) as RecentKill;
      const sentLast = isSentLast(last, this.sentLast());
      if (
        mayBeCopy(last.time, victim.time, mergedEvidence(kills), evidence, sentLast, sameStamp(last, victim))
      )
        return { copy: last, id: null };
      free = nthId(id, n);
      kills = this.ids.get(free);
    }
    const { pid } = victim;
    const copy =
      pid === null
        ? null
        : this.byPid.get(pid)?.find(victim, seconds, evidence, this.evidenceOf, ownReport, this.sentLast());
    return copy == null ? { copy: null, id: free } : { copy, id: null };
  }

  /** The most of a kill that any copy sent under `id` showed; a kill kept with no rank is never sent again. */
  rankOf(id: string): number {
    let most = Number.NEGATIVE_INFINITY;
    for (const kill of this.ids.get(id) ?? []) most = Math.max(most, kill.rank ?? Number.POSITIVE_INFINITY);
    return most;
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
    const same = this.ids.get(kill.id);
    if (same === undefined) this.ids.set(kill.id, [kill]);
    else same.push(kill);
    if (kill.pid === null) return;
    const kills = this.byPid.get(kill.pid);
    if (kills === undefined) this.byPid.set(kill.pid, new PidKills(kill));
    else kills.push(kill);
  }

  /** Kills leave in the order they came, so each is the first of its id's list and of its pid's. */
  private unindex(kill: RecentKill): void {
    const same = this.ids.get(kill.id);
    same?.shift();
    if (same?.length === 0) this.ids.delete(kill.id);
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

  /** The newest kill with this comm at most `seconds` from `time` whose evidence does not tell it apart. */
  find(
    victim: { pid?: number | null; name: string | null; time: number | null; stamp?: string | undefined },
    seconds: number,
    evidence: KillEvidence | null,
    evidenceOf: (kill: RecentKill) => KillEvidence | undefined = (kill) => kill.evidence,
    skipCoVictims = false,
    sentLast: RecentKill | null = null,
  ): RecentKill | null {
    const { name, time } = victim;
    const newest = this.kills.at(-1)?.time ?? null;
    const ascending = this.disorder === 0 && isTime(time) && isTime(newest) && sameClock(newest, time);
    for (let i = this.kills.length - 1; i >= 0; i--) {
      const kill = this.kills[i] as RecentKill;
      if (skipCoVictims && kill.id === '') continue;
      // Times ascend: this kill and all before it are too long before `time`.
      if (ascending && time - (kill.time as number) > seconds) return null;
      if (!nearInTime(kill.time, time, seconds) || !sameComm(kill.name, name)) continue;
      const copy = mayBeCopy(
        kill.time,
        time,
        evidenceOf(kill),
        evidence,
        isSentLast(kill, sentLast),
        sameStamp(kill, victim),
      );
      if (copy) return kill;
    }
    return null;
  }
}

/**
 * Whether two kills of one pid with no clock were printed under one stamp by one host (stampedAt). Not two of no pid
 * (an author masked it): their ids are of comm and cgroup alone, which two kills in one second share.
 */
function sameStamp(kept: StampedKill, kill: StampedKill): boolean {
  return kept.stamp !== undefined && kept.stamp === kill.stamp && kept.pid != null && kept.pid === kill.pid;
}

/** What sameStamp compares. */
interface StampedKill {
  pid?: number | null;
  stamp?: string | undefined;
}

/** Whether two kills' comms may be the same: an unknown one (a kill line cut inside it) may be any. */
function sameComm(a: string | null, b: string | null): boolean {
  return a === b || a === null || b === null;
}

function timed(kill: RecentKill): boolean {
  return isTime(kill.time);
}

/** Whether `later`, pushed after `earlier`, has an earlier time, or one on the other clock (both known). */
function stepsBack(earlier: RecentKill, later: RecentKill): boolean {
  if (!timed(earlier) || !timed(later)) return false;
  const [a, b] = [earlier.time as number, later.time as number];
  return b < a || !sameClock(a, b);
}
