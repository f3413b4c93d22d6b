/**
 * Where storm windows live between invocations. Two implementations with the same behaviour:
 * DynamoDB (the deployed function) and memory (tests and `replay --dry-run`); what a window holds and what
 * a kill does to it are decided once for both, in ./storm-window-item.ts.
 */
import type { StormDigest, StormGroup } from '../../shared/storm-window.ts';

/** One kill, as the storm store sees it. */
export interface KillSighting {
  /** The storm it belongs to. */
  group: StormGroup;
  eventId: string;
  /** When the kill happened (`observedAt`, else the time notify received it), epoch ms: windows follow it. */
  atMs: number;
}

/** A window: its group and the slot it opened in (shared/storm-window.ts). */
export interface WindowRef {
  groupKey: string;
  slot: number;
}

export type KillDecision =
  /**
   * First kill of a window: alert now. `window` is null when no window could be kept (alert on its
   * own); `seenBefore` when this is a retried delivery whose alert did not go out.
   */
  | { kind: 'alert'; window: WindowRef | null; seenBefore: boolean }
  /** A later kill of an open window: counted for its digest. */
  | { kind: 'counted'; window: WindowRef; kills: number }
  /** This very event was handled before (a retried delivery): nothing more to send. */
  | { kind: 'repeat'; window: WindowRef };

/** What earlier runs did with a digest they released. */
export interface DigestProgress {
  /** When the alert topic took it (its chat copy then failed): a later run posts only the chat copy. */
  publishedAt: number | null;
  /** Runs whose chat copy failed after the alert topic had taken it. */
  chatAttempts: number;
}

export type DigestClaim =
  /** This run holds the digest: send it, then mark it sent or release it. */
  | { kind: 'claimed'; digest: StormDigest; claimedAt: number; progress: DigestProgress }
  /** No digest is owed: it was sent, or the window had no later kills. */
  | { kind: 'settled' }
  /** Another run holds the claim, or the window is not closed yet: look again next time. */
  | { kind: 'busy' };

export interface StormStore {
  /**
   * Counts a kill in the window of its group open at the kill's own time, opening a window when none is.
   * `now` only dates the bookkeeping: when the digest falls due, and when the items expire. Read it just before
   * recording this kill, so the due bucket is one the scheduled run has not passed (shared/storm-window.ts).
   */
  recordKill(kill: KillSighting, now: Date, windowMinutes: number): Promise<KillDecision>;
  /** After the first kill's alert went out, so a retried delivery does not alert twice. */
  markAlertSent(window: WindowRef, now: Date): Promise<void>;
  /** The last close-time bucket whose digests were all dealt with, or null before the first run. */
  readSweepCursor(): Promise<number | null>;
  /** Windows with later kills that close in this bucket. */
  windowsDueIn(bucket: number): Promise<WindowRef[]>;
  claimDigest(window: WindowRef, now: Date): Promise<DigestClaim>;
  markDigestSent(window: WindowRef, now: Date): Promise<void>;
  /**
   * Gives a claimed digest back after its send failed, so the next run sends it. With `publishedAt`, the alert
   * topic took it and only its chat copy failed: kept (the first time wins), and one more chat attempt counted.
   */
  releaseDigest(window: WindowRef, claimedAt: number, publishedAt?: Date): Promise<void>;
  /** Moves the cursor forward; never back. */
  advanceSweepCursor(bucket: number): Promise<void>;
}

/** A claim older than this belongs to a run that died: another run may take it over. */
export const DIGEST_CLAIM_STALE_MS = 10 * 60_000;
