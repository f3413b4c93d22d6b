/**
 * Claiming one event for a run of enrichEvents (adapters/enrich/enrich-events.ts): its event claim, then its
 * kill claim, with what each answer means for the run: enrich it, follow the copy of the kill that this run
 * delivers, or settle it now (a duplicate, or a failure to retry). adapters/state/claim-store.ts says what each
 * claim state means.
 */
import type { OomEvent } from '../../shared/oom-event.ts';
import { killSeenRank, saysMoreThanAlert } from '../../shared/event-copies.ts';
import { decideOtherCopy, killFingerprint } from '../state/claim-store.ts';
import type { EnrichDeps, EventOutcome } from './enrich-events.ts';

export type Claimed =
  | { kind: 'enrich'; event: OomEvent; token: string; fingerprint: string | null }
  /** The other copy of a kill whose first copy this run delivers: it shares that copy's fate. */
  | { kind: 'follow'; event: OomEvent; token: string; ownerId: string }
  | { kind: 'settled'; outcome: EventOutcome };
export type ToEnrich = Extract<Claimed, { kind: 'enrich' }>;
/** This run's attempts: token → event id, to know a kill claim held by this very run. */
export type RunAttempts = ReadonlyMap<string, string>;

export const sameKill = (ownerId: string) => `same kill as event ${ownerId}`;
const UNRECORDED = 'an earlier attempt handed it to the bus and could not record the answer';

function duplicate(eventId: string, reason: string, unverified = false): Claimed {
  const outcome: EventOutcome = {
    status: 'duplicate',
    eventId,
    reason,
    ...(unverified ? { unverified } : {}),
  };
  return { kind: 'settled', outcome };
}

export function failed(eventId: string, reason: string, inFlight = false): Claimed {
  const outcome: EventOutcome = { status: 'failed', eventId, reason, ...(inFlight ? { inFlight } : {}) };
  return { kind: 'settled', outcome };
}

/**
 * A copy of an event that was delivered already. One that says more of the kill than the alert did (parse sent
 * it again when the next delivery brought more of a group kill, after the alert went out) is a duplicate
 * still, not a second alert, but one that says the alert showed less.
 */
function deliveredAlready(event: OomEvent, seenRank: number, deliveredRank: number | undefined): Claimed {
  if (deliveredRank === undefined || !saysMoreThanAlert(seenRank, deliveredRank))
    return duplicate(event.id, 'already delivered');
  const outcome: EventOutcome = {
    status: 'duplicate',
    eventId: event.id,
    reason: `already delivered, but this copy says more of the kill (${event.coVictimCount} other processes killed with it, the report ${event.complete ? 'complete' : 'incomplete'}): the alert says less`,
    showedMore: true,
  };
  return { kind: 'settled', outcome };
}

/**
 * A copy of an event whose claim another attempt holds: it is handed to that attempt, which alerts with it if
 * it shows more of the kill and the attempt has not started publishing. Either way it is retried until the
 * event is delivered: if that attempt fails, the next copy to claim the event delivers the kill.
 */
async function handOver(
  event: OomEvent,
  seenRank: number,
  leaseUntil: number,
  deps: EnrichDeps,
): Promise<Claimed> {
  const until = new Date(leaseUntil).toISOString();
  const handed = await deps.claims
    .offerLaterCopy(event.id, { body: JSON.stringify(event), seenRank })
    .catch(() => false);
  const reason = handed
    ? `another attempt holds it until ${until}; handed this copy to it, as it shows more of the kill`
    : `another attempt holds it until ${until}`;
  return failed(event.id, reason, true);
}

/** When a claim taken or completed at `now` expires from the table, in epoch seconds (its TTL). */
export function claimExpiresAt(deps: EnrichDeps, now: number): number {
  return Math.ceil((now + deps.claimTtlMs) / 1000);
}

export async function claim(
  event: OomEvent,
  deps: EnrichDeps,
  token: string,
  attempts: RunAttempts,
): Promise<Claimed> {
  const now = deps.now();
  const observedAt = event.observedAt === null ? Number.NaN : Date.parse(event.observedAt);
  if (observedAt < now - deps.claimTtlMs) {
    // Claims of that age have expired: the only way such a report comes back is a replay of an old ring buffer.
    const reason = `observed at ${event.observedAt}, before anything the claim table still remembers: a replayed old report, or a kill stamped with a wrong date`;
    return duplicate(event.id, reason, true);
  }
  const expiresAt = claimExpiresAt(deps, now);
  const seenRank = killSeenRank(event);
  const claimed = await deps.claims.claimEvent(event.id, {
    token,
    now,
    leaseUntil: now + deps.leaseMs,
    expiresAt,
    seenRank,
  });
  if (claimed.outcome === 'done') return deliveredAlready(event, seenRank, claimed.deliveredRank);
  if (claimed.outcome === 'unrecorded') return duplicate(event.id, UNRECORDED, true);
  if (claimed.outcome === 'in-progress') return handOver(event, seenRank, claimed.leaseUntil, deps);
  try {
    return await claimKill(event, deps, { token, observedAt, expiresAt }, attempts);
  } catch (error) {
    await deps.claims.releaseEvent(event.id, token).catch(() => undefined);
    throw error;
  }
}

/**
 * The kill's claim. Another copy of the kill holding it settles this one only once that copy is delivered;
 * while it is in flight this one is retried, and when its attempt died or gave up this one takes the kill over.
 */
async function claimKill(
  event: OomEvent,
  deps: EnrichDeps,
  attempt: { token: string; observedAt: number; expiresAt: number },
  attempts: RunAttempts,
): Promise<Claimed> {
  const { token, expiresAt } = attempt;
  const fingerprint = killFingerprint(event);
  if (fingerprint === null) return { kind: 'enrich', event, token, fingerprint };
  const request = { eventId: event.id, ...attempt };
  const kill = await deps.claims.claimKill(fingerprint, request);
  if (kill.outcome === 'claimed') return { kind: 'enrich', event, token, fingerprint };
  const { owner } = kill;
  if (owner.token !== null && attempts.get(owner.token) === owner.eventId)
    return { kind: 'follow', event, token, ownerId: owner.eventId };
  const ownerClaim = await deps.claims.readEvent(owner.eventId);
  const decision = decideOtherCopy(ownerClaim, deps.now());
  if (decision === 'settle') {
    // The alert is the first copy's: a later copy of this one is told whether it says more than that alert.
    const alerted = ownerClaim?.state === 'done' ? ownerClaim.deliveredRank : undefined;
    await deps.claims.completeEvent(event.id, token, expiresAt, alerted);
    const reason = `${sameKill(owner.eventId)} (the kernel line arrived in two streams)`;
    const unrecorded = ownerClaim?.state === 'publishing';
    return duplicate(event.id, unrecorded ? `${reason}; ${UNRECORDED}` : reason, unrecorded);
  }
  if (decision === 'take-over' && (await deps.claims.takeOverKill(fingerprint, owner, request)))
    return { kind: 'enrich', event, token, fingerprint };
  await deps.claims.releaseEvent(event.id, token);
  return decision === 'wait'
    ? failed(
        event.id,
        `${sameKill(owner.eventId)}, which is still being delivered: retried until it is`,
        true,
      )
    : failed(event.id, `${sameKill(owner.eventId)}, whose claim changed meanwhile: retried`);
}
