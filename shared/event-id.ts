import { hash } from 'node:crypto';

export interface KillIdentity {
  node: string | null;
  kernelTime: number | null;
  wallTime: string | null;
  stamp: string | null;
  pid: number | null;
  name: string | null;
  /** The victim's cgroup: it tells apart kills known by their `Task in` line alone, which name no pid or comm. */
  cgroup: string | null;
}

/**
 * The stable event id: node + the kill line's time (boot-relative kernel time when known, else its wall
 * clock, else the stamp as printed) + victim pid + victim name; with no pid known (a `Task in` line, a pid an
 * author masked), its name and cgroup. A kill known by its cgroup alone names no victim: its id is what it was.
 * Re-delivery and re-reads of the same kill give the same id; nothing random goes in.
 */
export function stableEventId(kill: KillIdentity): string {
  const time =
    kill.kernelTime !== null ? `k${kill.kernelTime.toFixed(6)}` : (kill.wallTime ?? kill.stamp ?? '');
  const victim =
    kill.pid === null
      ? `\u0000${kill.name ?? ''}\u0000${kill.cgroup ?? ''}`
      : `${kill.pid}\u0000${kill.name ?? ''}`;
  const key = `${kill.node ?? ''}\u0000${time}\u0000${victim}`;
  // The one-shot hash (Node 20.12+) costs half of a Hash object's update and digest.
  return hash('sha256', key, 'hex').slice(0, 32);
}
