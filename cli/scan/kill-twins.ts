/**
 * One kill in two logs that give it different ids. A node's own logs hold each kill several times, each on its
 * clock: `dmesg` in seconds since boot, `dmesg -T` as a local time without a zone, syslog on the wall clock
 * (eks-log-collector.sh's bundle holds all three). The id follows the time the line shows (docs/parser.md,
 * "Stable id"), so scan finds such copies by what the kernel printed of the kill instead.
 *
 * Two logs may come from two nodes whose kills share a pid and a comm, so more is asked than of two copies in one
 * log (shared/recent-kills.ts): at least two of the kill's own figures the same in both, and none that differs.
 */
import type { KillEvidence } from '../../shared/assembler-state.ts';
import { killEvidence, ownFiguresOf } from '../../shared/recent-kills.ts';
import type { OomEvent } from '../../shared/oom-event.ts';
import { DUPLICATE_KILL_SECONDS } from '../../shared/report-assembler.ts';

/** What of a printed kill the check needs, kept for each kill a run of several logs prints: not the whole event. */
export interface TwinKey {
  pid: number | null;
  name: string | null;
  node: string | null;
  /** The victim's cgroup and the limit's, as the report showed them: another pod's kill is another kill. */
  cgroups: [string | null, string | null];
  kernelTime: number | null;
  observedAt: string | null;
  evidence: KillEvidence;
  /** The kill's own figures (shared/recent-kills.ts, ownFiguresOf): failcnt, total-vm, anon-rss, pgtables. */
  own: KillEvidence;
}

/**
 * The kill's own figures printed alike in both, at the least (ownFiguresOf: not the trigger's gfp mask and pid, most
 * memcg kills sharing `0xcc0(GFP_KERNEL)` and the victim often its own trigger, nor the cgroup's usage and limit).
 */
const SHARED_FIGURES = 2;

export function twinKeyOf(event: OomEvent): TwinKey {
  const evidence = killEvidence(event);
  return {
    pid: event.victim.pid,
    name: event.victim.name,
    node: event.node,
    cgroups: [event.cgroup.task, event.cgroup.oom],
    kernelTime: event.kernelTime,
    observedAt: event.observedAt,
    evidence,
    own: ownFiguresOf(evidence),
  };
}

/** Whether the two times, where both logs show one on the same clock, are near; a time on one clock only is unknown. */
function nearInTime(a: TwinKey, b: TwinKey): boolean {
  if (a.kernelTime !== null && b.kernelTime !== null)
    return Math.abs(a.kernelTime - b.kernelTime) <= DUPLICATE_KILL_SECONDS;
  if (a.observedAt !== null && b.observedAt !== null)
    return Math.abs(Date.parse(a.observedAt) - Date.parse(b.observedAt)) <= DUPLICATE_KILL_SECONDS * 1000;
  return true;
}

/**
 * Whether `later`, from one log, is a copy of the kill `earlier` from another: the same victim (pid and comm), on no
 * other node and in no other cgroup as far as both name one, near in time as far as both tell it on one clock, at least SHARED_FIGURES of
 * the kill's own figures printed alike, and nothing the kernel printed of it (shared/recent-kills.ts) otherwise.
 */
export function isTwinKill(earlier: TwinKey, later: TwinKey): boolean {
  if (earlier.pid === null || earlier.pid !== later.pid) return false;
  if (earlier.name === null || earlier.name !== later.name) return false;
  if (earlier.node !== null && later.node !== null && earlier.node !== later.node) return false;
  if (
    earlier.cgroups.some((path, i) => path !== null && later.cgroups[i] != null && later.cgroups[i] !== path)
  )
    return false;
  if (!nearInTime(earlier, later)) return false;
  const [x, y] = [earlier.evidence, later.evidence];
  if (x.some((value, i) => value !== null && y[i] !== null && y[i] !== value)) return false;
  return earlier.own.filter((value, i) => value !== null && value === later.own[i]).length >= SHARED_FIGURES;
}
