/**
 * Storm windows in memory, for tests and `replay --dry-run`: the same decisions as the DynamoDB
 * store, for one process.
 */
import {
  dueBucketOfWindow,
  isWindowOpen,
  placeKill,
  windowOpenedBy,
  windowSlotOf,
  type StormDigest,
  type StormGroup,
} from '../../shared/storm-window.ts';
import {
  DIGEST_CLAIM_STALE_MS,
  type DigestClaim,
  type KillDecision,
  type KillSighting,
  type StormStore,
  type WindowRef,
} from './storm-store.ts';

interface WindowState {
  group: StormGroup;
  openedAt: number;
  closesAt: number;
  kills: number;
  firstEventId: string;
  /** The kill counted last, so a retried delivery of it is recognised. */
  lastEventId: string;
  firstKillMs: number;
  lastKillMs: number;
  /** The kill at `lastKillMs`. */
  latestEventId: string;
  alertSent: boolean;
  digestClaimedAt: number | null;
  digestSent: boolean;
}

function windowId(ref: WindowRef): string {
  return `${ref.slot}#${ref.groupKey}`;
}

export class MemoryStormStore implements StormStore {
  readonly #windows = new Map<string, WindowState>();
  readonly #due = new Map<number, WindowRef[]>();
  #cursor: number | null = null;

  async recordKill(
    group: StormGroup,
    kill: KillSighting,
    now: Date,
    windowMinutes: number,
  ): Promise<KillDecision> {
    const slot = windowSlotOf(kill.atMs, windowMinutes);
    const previousRef = { groupKey: group.key, slot: slot - windowMinutes * 60_000 };
    const currentRef = { groupKey: group.key, slot };
    const previous = this.#windows.get(windowId(previousRef)) ?? null;
    const current = this.#windows.get(windowId(currentRef)) ?? null;
    const place = placeKill(kill.atMs, previous, current);
    if (place === 'apart') return { kind: 'alert', window: null, seenBefore: false };
    const ref = place === 'previous' ? previousRef : currentRef;
    const state = place === 'previous' ? previous : current;
    if (state === null) {
      this.#windows.set(windowId(ref), {
        group,
        ...windowOpenedBy(kill.atMs, windowMinutes),
        kills: 1,
        firstEventId: kill.eventId,
        lastEventId: kill.eventId,
        firstKillMs: kill.atMs,
        lastKillMs: kill.atMs,
        latestEventId: kill.eventId,
        alertSent: false,
        digestClaimedAt: null,
        digestSent: false,
      });
      return { kind: 'alert', window: ref, seenBefore: false };
    }
    if (state.firstEventId === kill.eventId) {
      return state.alertSent
        ? { kind: 'repeat', window: ref }
        : { kind: 'alert', window: ref, seenBefore: true };
    }
    if (state.lastEventId === kill.eventId) return { kind: 'repeat', window: ref };
    if (state.digestClaimedAt !== null) return { kind: 'alert', window: null, seenBefore: false };
    state.kills += 1;
    state.lastEventId = kill.eventId;
    state.firstKillMs = Math.min(state.firstKillMs, kill.atMs);
    if (kill.atMs > state.lastKillMs) {
      state.lastKillMs = kill.atMs;
      state.latestEventId = kill.eventId;
    }
    if (state.kills === 2) {
      const bucket = dueBucketOfWindow(state.closesAt, now.getTime());
      this.#due.set(bucket, [...(this.#due.get(bucket) ?? []), ref]);
    }
    return { kind: 'counted', window: ref, kills: state.kills };
  }

  async markAlertSent(window: WindowRef): Promise<void> {
    const state = this.#windows.get(windowId(window));
    if (state !== undefined) state.alertSent = true;
  }

  async readSweepCursor(): Promise<number | null> {
    return this.#cursor;
  }

  async windowsDueIn(bucket: number): Promise<WindowRef[]> {
    return [...(this.#due.get(bucket) ?? [])];
  }

  async claimDigest(window: WindowRef, now: Date): Promise<DigestClaim> {
    const nowMs = now.getTime();
    const state = this.#windows.get(windowId(window));
    if (state === undefined || state.kills < 2 || state.digestSent) return { kind: 'settled' };
    const claimedElsewhere =
      state.digestClaimedAt !== null && state.digestClaimedAt >= nowMs - DIGEST_CLAIM_STALE_MS;
    if (claimedElsewhere || isWindowOpen(state, nowMs)) return { kind: 'busy' };
    state.digestClaimedAt = nowMs;
    return { kind: 'claimed', digest: digestOf(state), claimedAt: nowMs };
  }

  async markDigestSent(window: WindowRef): Promise<void> {
    const state = this.#windows.get(windowId(window));
    if (state !== undefined) state.digestSent = true;
  }

  async releaseDigest(window: WindowRef, claimedAt: number): Promise<void> {
    const state = this.#windows.get(windowId(window));
    if (state !== undefined && state.digestClaimedAt === claimedAt) state.digestClaimedAt = null;
  }

  async advanceSweepCursor(bucket: number): Promise<void> {
    if (this.#cursor === null || this.#cursor < bucket) this.#cursor = bucket;
  }
}

function digestOf(state: WindowState): StormDigest {
  return {
    group: state.group,
    openedAt: state.openedAt,
    closesAt: state.closesAt,
    kills: state.kills,
    firstKillAt: new Date(state.firstKillMs).toISOString(),
    lastKillAt: new Date(state.lastKillMs).toISOString(),
    lastEventId: state.latestEventId,
  };
}
