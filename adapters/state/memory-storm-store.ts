/**
 * Storm windows in memory, for tests and `replay --dry-run`: the same decisions as the DynamoDB
 * store, for one process.
 */
import { dueBucketOfWindow, isWindowOpen, windowOpenedBy } from '../../shared/storm-window.ts';
import { DIGEST_CLAIM_STALE_MS } from './storm-store.ts';
import type { DigestClaim, KillDecision, KillSighting, StormStore, WindowRef } from './storm-store.ts';
import {
  digestOf,
  digestProgressOf,
  isDigestOwed,
  isoTime,
  killStep,
  windowRefsOf,
  type WindowItem,
} from './storm-window-item.ts';

function windowId(ref: WindowRef): string {
  return `${ref.slot}#${ref.groupKey}`;
}

function openedWindow(kill: KillSighting, windowMinutes: number): WindowItem {
  const at = isoTime(kill.atMs);
  return {
    group: kill.group,
    ...windowOpenedBy(kill.atMs, windowMinutes),
    kills: 1,
    firstEventId: kill.eventId,
    lastEventId: kill.eventId,
    firstKillAt: at,
    lastKillAt: at,
    latestEventId: kill.eventId,
  };
}

/** Counts a later kill, widening the window's kill times when it lies outside them. */
function countKill(item: WindowItem, kill: KillSighting): void {
  const at = isoTime(kill.atMs);
  item.kills += 1;
  item.lastEventId = kill.eventId;
  if (item.firstKillAt !== undefined && at < item.firstKillAt) item.firstKillAt = at;
  if (at > item.lastKillAt) {
    item.lastKillAt = at;
    item.latestEventId = kill.eventId;
  }
}

export class MemoryStormStore implements StormStore {
  readonly #windows = new Map<string, WindowItem>();
  readonly #due = new Map<number, WindowRef[]>();
  #cursor: number | null = null;

  async recordKill(kill: KillSighting, now: Date, windowMinutes: number): Promise<KillDecision> {
    const refs = windowRefsOf(kill, windowMinutes);
    const read = (ref: WindowRef): WindowItem | undefined => this.#windows.get(windowId(ref));
    const step = killStep(kill, refs, read(refs.previous), read(refs.current));
    switch (step.kind) {
      case 'decided':
        return step.decision;
      case 'open':
        this.#windows.set(windowId(step.ref), openedWindow(kill, windowMinutes));
        return { kind: 'alert', window: step.ref, seenBefore: false };
      case 'recounted':
        return { kind: 'repeat', window: step.ref };
      case 'count':
        countKill(step.item, kill);
        this.#indexDue(step.ref, step.item, now.getTime());
        return { kind: 'counted', window: step.ref, kills: step.item.kills };
    }
  }

  /** Puts a window with later kills into the due list of the bucket it falls due in, once. */
  #indexDue(ref: WindowRef, item: WindowItem, nowMs: number): void {
    if (item.dueIndexed === true) return;
    const bucket = dueBucketOfWindow(item.closesAt, nowMs);
    this.#due.set(bucket, [...(this.#due.get(bucket) ?? []), ref]);
    item.dueIndexed = true;
  }

  async markAlertSent(window: WindowRef, now: Date): Promise<void> {
    const item = this.#windows.get(windowId(window));
    if (item !== undefined) item.alertSentAt = now.getTime();
  }

  async readSweepCursor(): Promise<number | null> {
    return this.#cursor;
  }

  async windowsDueIn(bucket: number): Promise<WindowRef[]> {
    return [...(this.#due.get(bucket) ?? [])];
  }

  async claimDigest(window: WindowRef, now: Date): Promise<DigestClaim> {
    const nowMs = now.getTime();
    const item = this.#windows.get(windowId(window));
    if (item === undefined || !isDigestOwed(item)) return { kind: 'settled' };
    const claimedElsewhere =
      item.digestClaimedAt !== undefined && item.digestClaimedAt >= nowMs - DIGEST_CLAIM_STALE_MS;
    if (claimedElsewhere || isWindowOpen(item, nowMs)) return { kind: 'busy' };
    item.digestClaimedAt = nowMs;
    return { kind: 'claimed', digest: digestOf(item), claimedAt: nowMs, progress: digestProgressOf(item) };
  }

  async markDigestSent(window: WindowRef, now: Date): Promise<void> {
    const item = this.#windows.get(windowId(window));
    if (item !== undefined) item.digestSentAt = now.getTime();
  }

  async releaseDigest(window: WindowRef, claimedAt: number, publishedAt?: Date): Promise<void> {
    const item = this.#windows.get(windowId(window));
    if (item === undefined || item.digestClaimedAt !== claimedAt) return;
    delete item.digestClaimedAt;
    if (publishedAt === undefined) return;
    item.digestPublishedAt ??= publishedAt.getTime();
    item.digestChatAttempts = (item.digestChatAttempts ?? 0) + 1;
  }

  async advanceSweepCursor(bucket: number): Promise<void> {
    if (this.#cursor === null || this.#cursor < bucket) this.#cursor = bucket;
  }
}
