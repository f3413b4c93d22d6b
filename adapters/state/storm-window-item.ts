/**
 * A storm window as both storm stores keep it, and what a kill does to it: pure, so that the DynamoDB store
 * and the memory store decide alike and differ only in how they read and write.
 */
import { placeKill, windowSlotOf, type StormDigest, type StormGroup } from '../../shared/storm-window.ts';
import type { DigestProgress, KillDecision, KillSighting, WindowRef } from './storm-store.ts';

/**
 * A window as both stores keep it; the DynamoDB store writes these attributes. Kill times are ISO-8601 as
 * `toISOString` writes them, so that comparing the strings compares the times.
 */
export interface WindowItem {
  group: StormGroup;
  openedAt: number;
  closesAt: number;
  kills: number;
  firstEventId: string;
  /** The kill counted last, so a retried delivery of it is recognised. */
  lastEventId: string;
  /** Absent on windows written before kill times were kept; their opening kill's time stands in. */
  firstKillAt?: string;
  lastKillAt: string;
  /** The kill at `lastKillAt`. */
  latestEventId?: string;
  alertSentAt?: number;
  dueIndexed?: boolean;
  digestClaimedAt?: number;
  digestSentAt?: number;
  /** The alert topic took the digest, its chat copy failed (chat the only channel). */
  digestPublishedAt?: number;
  /** Runs whose chat copy of the digest failed after that. */
  digestChatAttempts?: number;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** The windows a kill may count in: the one opened in the slot before its own, and the one opened in its own. */
export function windowRefsOf(
  kill: KillSighting,
  windowMinutes: number,
): { previous: WindowRef; current: WindowRef } {
  const slot = windowSlotOf(kill.atMs, windowMinutes);
  return {
    previous: { groupKey: kill.group.key, slot: slot - windowMinutes * 60_000 },
    current: { groupKey: kill.group.key, slot },
  };
}

/** What recording a kill takes, once the windows of its two slots are read. */
export type KillStep =
  /** Nothing to write: the kill's fate is known already. */
  | { kind: 'decided'; decision: KillDecision }
  /** The kill opens the window of `ref`. */
  | { kind: 'open'; ref: WindowRef }
  /** A retried delivery of a later kill, counted before: nothing to send, but the window must be due. */
  | { kind: 'recounted'; ref: WindowRef; item: WindowItem }
  /** A later kill, new: count it in `item`. */
  | { kind: 'count'; ref: WindowRef; item: WindowItem };

const ALONE: KillDecision = { kind: 'alert', window: null, seenBefore: false };

/** The step for a kill, given the windows read at `refs` (undefined: none opened there). */
export function killStep(
  kill: KillSighting,
  refs: { previous: WindowRef; current: WindowRef },
  previous: WindowItem | undefined,
  current: WindowItem | undefined,
): KillStep {
  const place = placeKill(kill.atMs, previous ?? null, current ?? null);
  if (place === 'apart') return { kind: 'decided', decision: ALONE };
  const ref = place === 'previous' ? refs.previous : refs.current;
  const item = place === 'previous' ? previous : current;
  if (item === undefined) return { kind: 'open', ref };
  if (item.firstEventId === kill.eventId) {
    const decision: KillDecision =
      item.alertSentAt === undefined
        ? { kind: 'alert', window: ref, seenBefore: true }
        : { kind: 'repeat', window: ref };
    return { kind: 'decided', decision };
  }
  if (item.lastEventId === kill.eventId) return { kind: 'recounted', ref, item };
  // Its window is being digested (this kill came late): it alerts on its own.
  if (item.digestClaimedAt !== undefined) return { kind: 'decided', decision: ALONE };
  return { kind: 'count', ref, item };
}

/** The window had later kills, and their digest has not gone out. */
export function isDigestOwed(item: WindowItem): boolean {
  return item.kills > 1 && item.digestSentAt === undefined;
}

export function digestProgressOf(item: WindowItem): DigestProgress {
  return { publishedAt: item.digestPublishedAt ?? null, chatAttempts: item.digestChatAttempts ?? 0 };
}

export function digestOf(item: WindowItem): StormDigest {
  return {
    group: item.group,
    openedAt: item.openedAt,
    closesAt: item.closesAt,
    kills: item.kills,
    firstKillAt: item.firstKillAt ?? isoTime(item.openedAt),
    lastKillAt: item.lastKillAt,
    lastEventId: item.latestEventId ?? item.lastEventId,
  };
}
