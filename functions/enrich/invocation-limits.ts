/**
 * The time limits of one invocation: enrichment stops asking the API in time to publish and settle its
 * claims, and a claim outlives the invocation that took it, then another attempt may take it over.
 */
import type { EnrichLimits } from '../../adapters/enrich/enrich-stage.ts';

/** What a claim's lease adds to the invocation's remaining time. */
export const LEASE_MARGIN_MS = 10_000;

/**
 * What the invocation keeps after the API deadline: PutEvents and the claim writes end inside it
 * (AFTER_DEADLINE in adapters/enrich/enrich-events.ts), so the batch returns before the Lambda times out.
 */
export const API_RESERVE_MS = 5_000;

/** The time the Lambda may spend on the API: its remaining time, less a reserve to publish and settle claims. */
export function enrichDeadline(now: number, remainingMs: number, reserveMs = API_RESERVE_MS): number {
  return now + Math.max(0, remainingMs - reserveMs);
}

export function invocationLimits(now: number, remainingMs: number): EnrichLimits {
  return { deadline: enrichDeadline(now, remainingMs), leaseMs: remainingMs + LEASE_MARGIN_MS };
}
