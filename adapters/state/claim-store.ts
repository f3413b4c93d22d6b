/**
 * Exactly one enriched event per kill, across SQS redelivery, Lambda retries, the Fluent Bit kmsg replay
 * and the same kernel line arriving in two streams. Two claims:
 * - `idem#<event id>`: the event itself. Held "in progress" under a lease while it is enriched and
 *   published, then "done"; a failure releases it, and a crash leaves a lease that runs out.
 * - `kill#<node>#<pid>#<comm>`: the kill. Container Insights ships a kernel line in both
 *   `<node>.host.messages` and `<node>.host.dmesg`, one stamped with kernel time and one with the wall
 *   clock, so the two copies get different ids; the same node, pid and comm within a short window is
 *   the same kill.
 * The decisions are pure functions here; the DynamoDB store states the same ones as condition expressions.
 */
import type { OomEvent } from '../../shared/oom-event.ts';
import { STATE_KEY_PREFIX } from '../../shared/state-table-keys.ts';

/** Two copies of a kill line are stamped at most this far apart (wall clock vs boot time + ingestion). */
export const SAME_KILL_WINDOW_MS = 120_000;

export type EventClaimState = { state: 'in-progress'; token: string; leaseUntil: number } | { state: 'done' };

export interface KillClaimRecord {
  eventId: string;
  observedAt: number;
}

export type EventClaim =
  { outcome: 'claimed' } | { outcome: 'done' } | { outcome: 'in-progress'; leaseUntil: number };
export type KillClaim = { outcome: 'claimed' } | { outcome: 'taken'; byEventId: string };

export interface EventClaimRequest {
  /** Identifies this attempt, so that only it completes or releases the claim. */
  token: string;
  now: number;
  leaseUntil: number;
  /** Epoch seconds for the table's TTL. */
  expiresAt: number;
}

export interface KillClaimRequest {
  eventId: string;
  observedAt: number;
  expiresAt: number;
}

export interface ClaimStore {
  claimEvent(eventId: string, request: EventClaimRequest): Promise<EventClaim>;
  claimKill(fingerprint: string, request: KillClaimRequest): Promise<KillClaim>;
  /** Marks the event done; a no-op if the claim is no longer this attempt's. */
  completeEvent(eventId: string, token: string, expiresAt: number): Promise<void>;
  /** Gives the event back for a retry; a no-op if the claim is no longer this attempt's. */
  releaseEvent(eventId: string, token: string): Promise<void>;
  releaseKill(fingerprint: string, eventId: string): Promise<void>;
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
  return existing.leaseUntil > now
    ? { outcome: 'in-progress', leaseUntil: existing.leaseUntil }
    : { outcome: 'claimed' };
}

/** What an existing kill claim means: the same event again, an older kill of a reused pid, or the same kill. */
export function decideKillClaim(existing: KillClaimRecord | undefined, request: KillClaimRequest): KillClaim {
  if (existing === undefined || existing.eventId === request.eventId) return { outcome: 'claimed' };
  return Math.abs(existing.observedAt - request.observedAt) > SAME_KILL_WINDOW_MS
    ? { outcome: 'claimed' }
    : { outcome: 'taken', byEventId: existing.eventId };
}

/** For one process (`replay --dry-run`, `scan`) and for tests: the same decisions, held in memory. */
export function createMemoryClaimStore(): ClaimStore {
  const events = new Map<string, EventClaimState>();
  const kills = new Map<string, KillClaimRecord>();
  return {
    claimEvent(eventId, request) {
      const decision = decideEventClaim(events.get(eventId), request.now);
      if (decision.outcome === 'claimed') {
        events.set(eventId, { state: 'in-progress', token: request.token, leaseUntil: request.leaseUntil });
      }
      return Promise.resolve(decision);
    },
    claimKill(fingerprint, request) {
      const decision = decideKillClaim(kills.get(fingerprint), request);
      if (decision.outcome === 'claimed')
        kills.set(fingerprint, { eventId: request.eventId, observedAt: request.observedAt });
      return Promise.resolve(decision);
    },
    completeEvent(eventId, token) {
      const claim = events.get(eventId);
      if (claim?.state === 'in-progress' && claim.token === token) events.set(eventId, { state: 'done' });
      return Promise.resolve();
    },
    releaseEvent(eventId, token) {
      const claim = events.get(eventId);
      if (claim?.state === 'in-progress' && claim.token === token) events.delete(eventId);
      return Promise.resolve();
    },
    releaseKill(fingerprint, eventId) {
      if (kills.get(fingerprint)?.eventId === eventId) kills.delete(fingerprint);
      return Promise.resolve();
    },
  };
}
