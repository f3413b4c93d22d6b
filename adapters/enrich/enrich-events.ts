/**
 * The enrich stage without SQS: claim each event, resolve its pod, publish it, then settle the claim.
 * adapters/enrich/enrich-stage.ts builds what it runs with: for the Lambda, the DynamoDB claim store and the
 * EventBridge bus; for `backfill --deliver`, notify as the publish step; for `replay`, claims in memory.
 */
import { randomUUID } from 'node:crypto';
import type { EnrichedOomEvent, OomEvent } from '../../shared/oom-event.ts';
import { killFingerprint } from '../state/claim-store.ts';
import type { ClaimStore } from '../state/claim-store.ts';
import type { Enrichment, PodResolver } from '../kubernetes/pod-resolver.ts';
import type { ContextResult } from '../logs/report-context-fetch.ts';
import { errorMessage } from '../../shared/error-text.ts';

export type PublishResult = { ok: true } | { ok: false; reason: string };

/** Hands enriched events on (to the bus, or straight to notify); one result per event, in order. */
export type Publish = (events: readonly EnrichedOomEvent[]) => Promise<PublishResult[]>;

export type EventOutcome =
  | {
      status: 'published';
      eventId: string;
      event: EnrichedOomEvent;
      /** What completing the report from the node's log stream did, for events that needed it. */
      contextNote?: string;
    }
  /** Already published (as this id, or as the other stream's copy of the same kill), or a stale replay. */
  | { status: 'duplicate'; eventId: string; reason: string }
  /** Not published; the caller retries it later (SQS does, through partial batch failure). */
  | { status: 'failed'; eventId: string; reason: string };

export interface EnrichDeps {
  cluster: string;
  resolver: PodResolver;
  claims: ClaimStore;
  /**
   * Fills what the forwarded lines lacked (the task table, a suppressed header) from the node's log stream,
   * within the deadline; adapters/logs/report-context-fetch.ts. Absent where there is no stream to read.
   */
  completeReports?: (events: readonly OomEvent[], deadline: number) => Promise<ContextResult>;
  publish: Publish;
  now: () => number;
  /** Epoch ms by which enrichment must give up on the API and publish what it has. */
  deadline: number;
  /** How long a claim stays "in progress" before another attempt may take it over. */
  leaseMs: number;
  /** How long claims are remembered; a kill observed longer ago than this is a replay of an old report. */
  claimTtlMs: number;
  newToken?: () => string;
  concurrency?: number;
}

export const ENRICH_DEFAULTS = {
  /** Longer than the kmsg ring buffer is likely to hold a report on a busy node. */
  claimTtlMs: 30 * 24 * 3_600_000,
  concurrency: 16,
} as const;

/** The time the Lambda may spend on the API: its remaining time, less a reserve to publish and settle claims. */
export function enrichDeadline(now: number, remainingMs: number, reserveMs = 5_000): number {
  return now + Math.max(0, remainingMs - reserveMs);
}

async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

type Claimed =
  | { kind: 'enrich'; event: OomEvent; token: string; fingerprint: string | null }
  | { kind: 'settled'; outcome: EventOutcome };

async function claim(event: OomEvent, deps: EnrichDeps, token: string): Promise<Claimed> {
  const now = deps.now();
  const observedAt = event.observedAt === null ? Number.NaN : Date.parse(event.observedAt);
  if (observedAt < now - deps.claimTtlMs) {
    // Claims of that age have expired: the only way such a report comes back is a replay of an old ring buffer.
    const reason = `observed at ${event.observedAt}, before anything the claim table still remembers: a replayed old report`;
    return { kind: 'settled', outcome: { status: 'duplicate', eventId: event.id, reason } };
  }
  const expiresAt = Math.ceil((now + deps.claimTtlMs) / 1000);
  const claimed = await deps.claims.claimEvent(event.id, {
    token,
    now,
    leaseUntil: now + deps.leaseMs,
    expiresAt,
  });
  if (claimed.outcome === 'done') {
    return {
      kind: 'settled',
      outcome: { status: 'duplicate', eventId: event.id, reason: 'already delivered' },
    };
  }
  if (claimed.outcome === 'in-progress') {
    const reason = `another attempt holds it until ${new Date(claimed.leaseUntil).toISOString()}`;
    return { kind: 'settled', outcome: { status: 'failed', eventId: event.id, reason } };
  }
  try {
    return await claimKill(event, deps, token, observedAt, expiresAt);
  } catch (error) {
    await deps.claims.releaseEvent(event.id, token).catch(() => undefined);
    throw error;
  }
}

async function claimKill(
  event: OomEvent,
  deps: EnrichDeps,
  token: string,
  observedAt: number,
  expiresAt: number,
): Promise<Claimed> {
  const fingerprint = killFingerprint(event);
  if (fingerprint === null) return { kind: 'enrich', event, token, fingerprint };
  const kill = await deps.claims.claimKill(fingerprint, { eventId: event.id, observedAt, expiresAt });
  if (kill.outcome === 'claimed') return { kind: 'enrich', event, token, fingerprint };
  await deps.claims.completeEvent(event.id, token, expiresAt);
  const reason = `same kill as event ${kill.byEventId} (the kernel line arrived in two streams)`;
  return { kind: 'settled', outcome: { status: 'duplicate', eventId: event.id, reason } };
}

/** The claimed events completed where their report allows; the originals, with the reason, if that fails. */
async function completeClaimed(
  events: readonly OomEvent[],
  deps: EnrichDeps,
): Promise<{ events: OomEvent[]; notes: Map<string, string> }> {
  if (deps.completeReports === undefined || events.length === 0)
    return { events: [...events], notes: new Map() };
  try {
    const result = await deps.completeReports(events, deps.deadline);
    return { events: result.events, notes: new Map(result.notes.map((n) => [n.eventId, n.detail])) };
  } catch (error) {
    const detail = `report context not fetched: ${errorMessage(error)}`;
    return { events: [...events], notes: new Map(events.map((e) => [e.id, detail])) };
  }
}

/** An event the report context could not complete says why, beside what enrichment said. */
function withContextNote(enrichment: Enrichment, note: string | undefined): Enrichment {
  if (note === undefined) return enrichment;
  const detail = [enrichment.enrichment.detail, note].filter((d) => d !== null).join('; ');
  return { ...enrichment, enrichment: { ...enrichment.enrichment, detail } };
}

async function enrichmentOf(event: OomEvent, deps: EnrichDeps): Promise<Enrichment> {
  try {
    return await deps.resolver.resolve(event, deps.deadline);
  } catch (error) {
    // The resolver turns API trouble into values; anything else still must not cost the alert.
    const detail = `enrichment failed unexpectedly: ${errorMessage(error)}`;
    return { kubernetes: null, impact: 'unknown', enrichment: { status: 'unavailable', detail } };
  }
}

async function settle(
  claimed: Extract<Claimed, { kind: 'enrich' }>,
  published: PublishResult,
  deps: EnrichDeps,
): Promise<void> {
  const { event, token, fingerprint } = claimed;
  if (published.ok) {
    await deps.claims.completeEvent(event.id, token, Math.ceil((deps.now() + deps.claimTtlMs) / 1000));
    return;
  }
  await deps.claims.releaseEvent(event.id, token);
  if (fingerprint !== null) await deps.claims.releaseKill(fingerprint, event.id);
}

/**
 * One outcome per input event, in order. Nothing here throws for a single event's trouble: a claim store
 * or publish error fails that event (to be retried), an API error publishes it as "unavailable".
 */
export async function enrichEvents(events: readonly OomEvent[], deps: EnrichDeps): Promise<EventOutcome[]> {
  const newToken = deps.newToken ?? randomUUID;
  // An id twice in one batch (the parser sent it twice) is claimed once; the copy shares the first's fate.
  const firstIndex = new Map<string, number>();
  events.forEach((event, index) => {
    if (!firstIndex.has(event.id)) firstIndex.set(event.id, index);
  });
  const unique = [...firstIndex.values()].map((index) => events[index] as OomEvent);

  const claims = await mapWithConcurrency(
    unique,
    deps.concurrency ?? ENRICH_DEFAULTS.concurrency,
    async (event) => {
      try {
        return await claim(event, deps, newToken());
      } catch (error) {
        const outcome: EventOutcome = {
          status: 'failed',
          eventId: event.id,
          reason: `claim failed: ${errorMessage(error)}`,
        };
        return { kind: 'settled', outcome } as Claimed;
      }
    },
  );
  const toEnrich = claims.filter((c): c is Extract<Claimed, { kind: 'enrich' }> => c.kind === 'enrich');
  const completed = await completeClaimed(
    toEnrich.map((c) => c.event),
    deps,
  );
  const enriched = await mapWithConcurrency(
    completed.events,
    deps.concurrency ?? ENRICH_DEFAULTS.concurrency,
    async (event) => {
      const enrichment = withContextNote(await enrichmentOf(event, deps), completed.notes.get(event.id));
      return { ...event, cluster: deps.cluster, ...enrichment } satisfies EnrichedOomEvent;
    },
  );

  let results: PublishResult[];
  try {
    results = enriched.length === 0 ? [] : await deps.publish(enriched);
  } catch (error) {
    results = enriched.map(() => ({ ok: false, reason: `delivery failed: ${errorMessage(error)}` }));
  }

  const byId = new Map<string, EventOutcome>();
  for (const c of claims) if (c.kind === 'settled') byId.set(c.outcome.eventId, c.outcome);
  await Promise.all(
    toEnrich.map(async (c, index) => {
      const event = enriched[index] as EnrichedOomEvent;
      const published = results[index] ?? { ok: false, reason: 'delivery gave no result for this event' };
      const contextNote = completed.notes.get(event.id);
      byId.set(
        event.id,
        published.ok
          ? {
              status: 'published',
              eventId: event.id,
              event,
              ...(contextNote === undefined ? {} : { contextNote }),
            }
          : { status: 'failed', eventId: event.id, reason: published.reason },
      );
      try {
        await settle(c, published, deps);
      } catch {
        // Published but not marked done: the lease runs out and only a redelivery could repeat it, and the
        // record is acknowledged. Not published and not released: the lease runs out before SQS retries.
      }
    }),
  );
  return events.map((event, index) => {
    const outcome = byId.get(event.id) as EventOutcome;
    if (firstIndex.get(event.id) === index || outcome.status === 'failed') return outcome;
    return { status: 'duplicate', eventId: event.id, reason: 'the same event appeared earlier in the batch' };
  });
}
