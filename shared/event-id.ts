import { createHash } from 'node:crypto';

export interface KillIdentity {
  node: string | null;
  kernelTime: number | null;
  wallTime: string | null;
  stamp: string | null;
  pid: number | null;
  name: string | null;
  /** The victim's cgroup: it tells apart kills known by their `Task in` line alone, which name no pid. */
  cgroup: string | null;
}

/**
 * The stable event id: node + the kill line's time (boot-relative kernel time when known, else its wall
 * clock, else the stamp as printed) + victim pid + victim name, or the victim's cgroup when no pid is known.
 * Re-delivery and re-reads of the same kill give the same id; nothing random goes in.
 */
export function stableEventId(kill: KillIdentity): string {
  const time =
    kill.kernelTime !== null ? `k${kill.kernelTime.toFixed(6)}` : (kill.wallTime ?? kill.stamp ?? '');
  const victim = kill.pid === null ? ['', '', kill.cgroup ?? ''] : [String(kill.pid), kill.name ?? ''];
  const key = [kill.node ?? '', time, ...victim].join('\u0000');
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}
