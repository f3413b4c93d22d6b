/**
 * Where each container's recent limit hits live between invocations, for the right-sizing hint
 * (shared/right-sizing.ts). Two implementations with the same behaviour: DynamoDB (the deployed function) and
 * memory (tests and `replay --dry-run`).
 */
import { keptKills, type ContainerKill } from '../../shared/right-sizing.ts';

export interface ContainerKillStore {
  /**
   * Adds a kill to the container's kept kills (a kill already there is not added twice) and returns them, oldest
   * first. `now` only dates the bookkeeping: when the item expires.
   */
  recordKill(containerKey: string, kill: ContainerKill, now: Date): Promise<ContainerKill[]>;
  /** The container's kept kills, oldest first; none when it has none. */
  recentKills(containerKey: string): Promise<ContainerKill[]>;
}

/** For one process (`replay --dry-run`) and for tests: the same kept kills, in memory. */
export class MemoryContainerKillStore implements ContainerKillStore {
  readonly #kills = new Map<string, ContainerKill[]>();

  async recordKill(containerKey: string, kill: ContainerKill): Promise<ContainerKill[]> {
    const kept = keptKills([...(this.#kills.get(containerKey) ?? []), kill]);
    this.#kills.set(containerKey, kept);
    return [...kept];
  }

  async recentKills(containerKey: string): Promise<ContainerKill[]> {
    return [...(this.#kills.get(containerKey) ?? [])];
  }
}
