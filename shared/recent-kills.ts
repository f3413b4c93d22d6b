/**
 * How many of an assembler state's recent kills (assembler-state.ts) have each id and each pid, kept beside the
 * list: a kill that matches neither is told new at once, without a walk over the list. In a storm every kill
 * is new, and that walk was a fifth of the assembler's time (docs/benchmarks.md).
 */
import type { RecentKill } from './assembler-state.ts';

export class RecentKillCounts {
  private readonly ids = new Map<string, number>();
  private readonly pids = new Map<number | null, number>();

  constructor(recent: readonly RecentKill[]) {
    for (const kill of recent) this.add(kill);
  }

  hasId(id: string): boolean {
    return this.ids.has(id);
  }

  hasPid(pid: number): boolean {
    return this.pids.has(pid);
  }

  add(kill: RecentKill): void {
    this.ids.set(kill.id, (this.ids.get(kill.id) ?? 0) + 1);
    this.pids.set(kill.pid, (this.pids.get(kill.pid) ?? 0) + 1);
  }

  remove(kill: RecentKill): void {
    countDown(this.ids, kill.id);
    countDown(this.pids, kill.pid);
  }
}

function countDown<K>(counts: Map<K, number>, key: K): void {
  const count = counts.get(key) ?? 0;
  if (count <= 1) counts.delete(key);
  else counts.set(key, count - 1);
}
