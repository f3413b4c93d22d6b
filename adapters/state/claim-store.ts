/**
 * Exactly one enriched event per kill, across SQS redelivery, Lambda retries, the Fluent Bit kmsg replay
 * and the same kernel line arriving in two streams. Two claims:
 * - `idem#<event id>`: the event itself. Held "in progress" under a lease while it is enriched, marked
 *   "publishing" just before it is handed to the bus, then "done"; a failure releases it, and a crash leaves
 *   a lease that runs out. A "publishing" claim is never taken over: once its lease has run out, the attempt
 *   that held it handed it to the bus and could not record the answer, and it is not sent again.
 * - `kill#<node>#<pid>#<comm>`: the kill, naming the event (and the attempt) that delivers it. Container
 *   Insights ships a kernel line in both `<node>.host.messages` and `<node>.host.dmesg`, one stamped with
 *   kernel time and one with the wall clock, so the two copies get different ids; the same node, pid and comm
 *   within a short window is the same kill. The other copy is settled only once the first is delivered:
 *   while the first is in flight it waits (its record is retried), and when the first's attempt died or gave
 *   up, the other copy takes the kill over.
 * An event claim also keeps how much of the kill its copy shows (shared/event-copies.ts). Parse sends a report
 * again, same id, when the next delivery brings more of it (memory.oom.group members): a copy that arrives
 * while the claim is held, before publishing, is handed to the holder, which alerts with it if it still shows
 * more than the holder's own, or by the next attempt if the holder fails and releases the claim; one that
 * arrives after learns what the alert showed (the rank completeEvent keeps).
 * The decisions are pure functions here; the DynamoDB store states the same ones as condition expressions.
 */
import type { OomEvent } from '../../shared/oom-event.ts';
import { STATE_KEY_PREFIX } from '../../shared/state-table-keys.ts';

/** Two copies of a kill line are stamped at most this far apart (wall clock vs boot time + ingestion). */
export const SAME_KILL_WINDOW_MS = 120_000;

export type EventClaimState =
  | { state: 'in-progress'; token: string; leaseUntil: number }
  | { state: 'publishing'; token: string; leaseUntil: number }
  /** `deliveredRank`: how much of the kill the alert showed, where completeEvent kept it. */
  | { state: 'done'; deliveredRank?: number };

/** The event and the attempt that hold a kill; `token` is null on claims written before attempts were kept. */
export interface KillOwner {
  eventId: string;
  token: string | null;
}

export interface KillClaimRecord extends KillOwner {
  observedAt: number;
}

export type EventClaim =
  | { outcome: 'claimed' }
  /** `deliveredRank`: how much of the kill the alert showed, where the claim kept it (completeEvent). */
  | { outcome: 'done'; deliveredRank?: number }
  | { outcome: 'in-progress'; leaseUntil: number }
  /** An attempt handed it to the bus and could not record the answer: taken as delivered. */
  | { outcome: 'unrecorded' };
export type KillClaim = { outcome: 'claimed' } | { outcome: 'taken'; owner: KillOwner };

/** What the other copy of a kill does about the copy that holds it. */
export type OtherCopyDecision = 'settle' | 'wait' | 'take-over';

export interface EventClaimRequest {
  /** Identifies this attempt, so that only it completes or releases the claim. */
  token: string;
  now: number;
  leaseUntil: number;
  /** Epoch seconds for the table's TTL. */
  expiresAt: number;
  /** How much of the kill the claiming copy shows (killSeenRank); copies that show more are handed over. */
  seenRank?: number;
}

/** A copy of a claimed event, handed to the attempt that holds the claim: its JSON and its killSeenRank. */
export interface LaterCopy {
  body: string;
  seenRank: number;
}

/** Whether the claim was marked for this attempt, and the copy handed to it meanwhile, if any. */
export type PublishingMark = { marked: false } | { marked: true; laterCopy: string | null };

export interface KillClaimRequest {
  eventId: string;
  /** The attempt's token, as in its event claim. */
  token: string;
  observedAt: number;
  expiresAt: number;
}

/**
 * Every write answers a repeat by the same attempt (the SDK retrying one whose answer was lost) as it
 * answered the first: the claim the attempt holds is its own, not another's.
 */
export interface ClaimStore {
  claimEvent(eventId: string, request: EventClaimRequest): Promise<EventClaim>;
  /** The event claim as it stands (read consistently), or undefined when there is none. */
  readEvent(eventId: string): Promise<EventClaimState | undefined>;
  /**
   * Keeps a copy of the event for the attempt that holds the claim, while it is in progress and only if the
   * copy shows more of the kill than the holder's (a claim that kept no rank takes none) and any copy kept
   * before. Whether the claim holds it now, or a copy that shows as much: so a repeat answers as the first did
   * while the claim is not done. A copy kept for a holder that died stays for the attempt that takes over.
   */
  offerLaterCopy(eventId: string, copy: LaterCopy): Promise<boolean>;
  /**
   * In progress → publishing, with the copy kept for the attempt (none can be kept after); `marked: false`
   * (and nothing is written) when the claim is no longer this attempt's.
   */
  markPublishing(eventId: string, token: string): Promise<PublishingMark>;
  claimKill(fingerprint: string, request: KillClaimRequest): Promise<KillClaim>;
  /** Moves the kill from `owner` to the request's event; false when the claim is no longer `owner`'s. */
  takeOverKill(fingerprint: string, owner: KillOwner, request: KillClaimRequest): Promise<boolean>;
  /**
   * Marks the event done, keeping how much of the kill its alert showed (the published event's killSeenRank),
   * and dropping a kept copy; a no-op if the claim is no longer this attempt's.
   */
  completeEvent(eventId: string, token: string, expiresAt: number, deliveredRank?: number): Promise<void>;
  /**
   * Gives the event back for a retry; a no-op if the claim is no longer this attempt's. A copy handed to the
   * attempt is kept for the next one to claim the event (the first copy's retry may come back before the later
   * copy's): the claim then stays, its lease ended, and any attempt takes it over.
   */
  releaseEvent(eventId: string, token: string): Promise<void>;
  /** Gives the kill back; a no-op if the claim is no longer this attempt's (another copy took it over). */
  releaseKill(fingerprint: string, eventId: string, token: string): Promise<void>;
}

/** The kill's fingerprint, or null when the event lacks what it takes to recognise a second copy. */
export function killFingerprint(event: OomEvent): string | null {
  if (event.node === null || event.victim.pid === null || event.victim.name === null) return null;
  if (event.observedAt === null || Number.isNaN(Date.parse(event.observedAt))) return null;
  return `${STATE_KEY_PREFIX.killClaim}${event.node}#${event.victim.pid}#${event.victim.name}`;
}

/** What an existing event claim means for a new attempt. */
export function decideEventClaim(existing: EventClaimState | undefined, now: number): EventClaim {
  if (existing === undefined) return { outcome: 'claimed' };
  if (existing.state === 'done') return { outcome: 'done' };
  if (existing.leaseUntil > now) return { outcome: 'in-progress', leaseUntil: existing.leaseUntil };
  return existing.state === 'publishing' ? { outcome: 'unrecorded' } : { outcome: 'claimed' };
}

/** What an existing kill claim means: the same event again, an older kill of a reused pid, or the same kill. */
export function decideKillClaim(existing: KillClaimRecord | undefined, request: KillClaimRequest): KillClaim {
  if (existing === undefined || existing.eventId === request.eventId) return { outcome: 'claimed' };
  return Math.abs(existing.observedAt - request.observedAt) > SAME_KILL_WINDOW_MS
    ? { outcome: 'claimed' }
    : { outcome: 'taken', owner: { eventId: existing.eventId, token: existing.token } };
}

/**
 * The other copy of a kill, by the claim of the copy that holds it: settled once that one is delivered (or
 * handed to the bus unrecorded), retried while it is in flight, and delivering the kill itself when that
 * one's attempt died (lease run out) or gave its claim back (released after a failure).
 */
export function decideOtherCopy(owner: EventClaimState | undefined, now: number): OtherCopyDecision {
  if (owner === undefined) return 'take-over';
  if (owner.state === 'done') return 'settle';
  if (owner.leaseUntil > now) return 'wait';
  return owner.state === 'publishing' ? 'settle' : 'take-over';
}

/** For one process (`replay --dry-run`, `scan`) and for tests: the same decisions, held in memory. */
export function createMemoryClaimStore(): ClaimStore {
  const events = new Map<string, EventClaimState>();
  const kills = new Map<string, KillClaimRecord>();
  /** Per claimed event: its claiming copy's rank and a copy kept for it; once done, the alert's rank only. */
  const copies = new Map<string, { seenRank?: number; later?: LaterCopy; deliveredRank?: number }>();
  const deliveredRank = (eventId: string): { deliveredRank?: number } => {
    const rank = copies.get(eventId)?.deliveredRank;
    return rank === undefined ? {} : { deliveredRank: rank };
  };
  const heldBy = (eventId: string, token: string): EventClaimState | undefined => {
    const claim = events.get(eventId);
    return claim !== undefined && claim.state !== 'done' && claim.token === token ? claim : undefined;
  };
  return {
    claimEvent(eventId, request) {
      if (heldBy(eventId, request.token)?.state === 'in-progress')
        return Promise.resolve({ outcome: 'claimed' });
      const decision = decideEventClaim(events.get(eventId), request.now);
      if (decision.outcome === 'claimed') {
        events.set(eventId, { state: 'in-progress', token: request.token, leaseUntil: request.leaseUntil });
        // A copy handed to a holder that died stays for this attempt, which takes its claim over.
        const later = copies.get(eventId)?.later;
        copies.set(eventId, {
          ...(request.seenRank === undefined ? {} : { seenRank: request.seenRank }),
          ...(later === undefined ? {} : { later }),
        });
      }
      if (decision.outcome === 'done') return Promise.resolve({ ...decision, ...deliveredRank(eventId) });
      return Promise.resolve(decision);
    },
    offerLaterCopy(eventId, copy) {
      const state = events.get(eventId)?.state;
      const kept = copies.get(eventId);
      // A claim that kept no rank (written before ranks were) cannot tell whether the copy shows more.
      if (state === undefined || state === 'done' || kept?.seenRank === undefined)
        return Promise.resolve(false);
      if (copy.seenRank <= kept.seenRank) return Promise.resolve(false);
      // Kept already (a repeat of this offer), or a fuller copy is: handed either way.
      if (kept.later !== undefined && kept.later.seenRank >= copy.seenRank) return Promise.resolve(true);
      if (state !== 'in-progress') return Promise.resolve(false);
      copies.set(eventId, { ...kept, later: copy });
      return Promise.resolve(true);
    },
    readEvent(eventId) {
      const claim = events.get(eventId);
      if (claim?.state === 'done') return Promise.resolve({ ...claim, ...deliveredRank(eventId) });
      return Promise.resolve(claim === undefined ? undefined : { ...claim });
    },
    markPublishing(eventId, token) {
      const claim = heldBy(eventId, token);
      if (claim === undefined) return Promise.resolve({ marked: false });
      if (claim.state === 'in-progress') events.set(eventId, { ...claim, state: 'publishing' });
      return Promise.resolve({ marked: true, laterCopy: copies.get(eventId)?.later?.body ?? null });
    },
    claimKill(fingerprint, request) {
      const decision = decideKillClaim(kills.get(fingerprint), request);
      if (decision.outcome === 'claimed') kills.set(fingerprint, recordOf(request));
      return Promise.resolve(decision);
    },
    takeOverKill(fingerprint, owner, request) {
      const held = kills.get(fingerprint);
      if (held?.eventId === request.eventId && held.token === request.token) return Promise.resolve(true);
      if (held?.eventId !== owner.eventId || held.token !== owner.token) return Promise.resolve(false);
      kills.set(fingerprint, recordOf(request));
      return Promise.resolve(true);
    },
    completeEvent(eventId, token, _expiresAt, delivered) {
      if (heldBy(eventId, token) === undefined) return Promise.resolve();
      events.set(eventId, { state: 'done' });
      copies.set(eventId, delivered === undefined ? {} : { deliveredRank: delivered });
      return Promise.resolve();
    },
    releaseEvent(eventId, token) {
      if (heldBy(eventId, token) === undefined) return Promise.resolve();
      // A copy handed to the attempt stays for the next one, which takes the claim over: its lease is ended.
      if (copies.get(eventId)?.later !== undefined)
        events.set(eventId, { state: 'in-progress', token, leaseUntil: 0 });
      else {
        events.delete(eventId);
        copies.delete(eventId);
      }
      return Promise.resolve();
    },
    releaseKill(fingerprint, eventId, token) {
      const held = kills.get(fingerprint);
      if (held?.eventId === eventId && held.token === token) kills.delete(fingerprint);
      return Promise.resolve();
    },
  };
}

function recordOf(request: KillClaimRequest): KillClaimRecord {
  return { eventId: request.eventId, token: request.token, observedAt: request.observedAt };
}
