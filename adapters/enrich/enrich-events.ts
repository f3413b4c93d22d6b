/**
 * The enrich stage without SQS: claim each event (adapters/enrich/event-claim.ts), resolve its pod, mark it
 * publishing, publish it, then settle the claim (adapters/state/claim-store.ts says what each claim state means).
 * adapters/enrich/enrich-stage.ts builds what it runs with: for the Lambda, the DynamoDB claim store and the
 * EventBridge bus; for `backfill --deliver`, notify as the publish step; for `replay`, claims in memory.
 */
import { randomUUID } from 'node:crypto';
import type { EnrichedOomEvent, OomEvent } from '../../shared/oom-event.ts';
import type { ClaimStore, PublishingMark } from '../state/claim-store.ts';
import type { Enrichment, PodResolver } from '../kubernetes/pod-resolver.ts';
import type { ContextResult } from '../logs/report-context-fetch.ts';
import { attemptCall, realTiming, retryWithBackoff } from '../retry.ts';
import { errorMessage } from '../../shared/error-text.ts';
import { killSeenRank, showsMoreOfKill, withLaterCopy } from '../../shared/event-copies.ts';
import { readOomEventBody } from '../../shared/oom-event-body.ts';
import { claim, claimExpiresAt, failed, sameKill } from './event-claim.ts';
import type { Claimed, RunAttempts, ToEnrich } from './event-claim.ts';

export type PublishResult = { ok: true } | { ok: false; reason: string };

/**
 * Hands enriched events on (to the bus, or straight to notify), one result per event, in order. Calls end by
 * `deadline` (epoch ms) where one is given; enrichEvents always gives one.
 */
export type Publish = (events: readonly EnrichedOomEvent[], deadline?: number) => Promise<PublishResult[]>;

/** Why this attempt's claim was left as it was after publishing (the table unreachable): for an error log. */
type Unsettled = { unsettled?: string };

export type EventOutcome =
  | ({
      status: 'published';
      eventId: string;
      event: EnrichedOomEvent;
      /** What completing the report from the node's log stream did, for events that needed it. */
      contextNote?: string;
    } & Unsettled)
  /**
   * Already published (as this id, or as the other stream's copy of the same kill), or a stale replay.
   * `unverified`: taken as one without a record of its delivery (a "publishing" claim whose lease ran out, or
   * a date older than the claims), the only trace of a possible loss.
   */
  | {
      status: 'duplicate';
      eventId: string;
      reason: string;
      unverified?: true;
      /** This copy says more of the kill than its alert did (more co-victims, or as many and the cgroup line). */
      showedMore?: true;
    }
  /**
   * Not published; the caller retries it later (SQS does, through partial batch failure). `inFlight`: another
   * attempt, or the other copy of the kill, is being delivered right now, which is no error.
   */
  | ({ status: 'failed'; eventId: string; reason: string; inFlight?: true } & Unsettled);

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
  /** Waits between retries of a claim write; a real wait when absent. */
  sleep?: (ms: number) => Promise<void>;
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

/**
 * What a run may spend past the API deadline (the Lambda keeps 5 s of its time for it,
 * functions/enrich/invocation-limits.ts): PutEvents calls end 2.5 s past it, and claim writes start until 3 s
 * past it, each ending within 1.5 s (adapters/state/dynamodb-claim-store.ts).
 */
export const AFTER_DEADLINE = { publishMs: 2_500, settleMs: 3_000 } as const;

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

/**
 * The event to alert with: the enriched one, merged with the copy handed over to its attempt when that copy
 * shows more than the attempt's own (the one it claimed with, before its report context).
 */
function alertOf(enriched: EnrichedOomEvent, own: OomEvent, laterCopy: string | null): EnrichedOomEvent {
  if (laterCopy === null) return enriched;
  const read = readOomEventBody(laterCopy);
  if (!read.ok || read.event.id !== enriched.id || !showsMoreOfKill(read.event, own)) return enriched;
  return withLaterCopy(enriched, read.event);
}

/**
 * Marks each event publishing, then publishes those still this run's: with the later copy handed over to the
 * attempt, where there is one. One result and one event (as published, or as enriched) per event, in order.
 */
async function publishClaimed(
  claimed: readonly ToEnrich[],
  enriched: readonly EnrichedOomEvent[],
  deps: EnrichDeps,
): Promise<{ results: PublishResult[]; events: EnrichedOomEvent[] }> {
  const marks = await Promise.all(
    claimed.map(async (c): Promise<PublishingMark | { marked: false; reason: string }> => {
      try {
        return await deps.claims.markPublishing(c.event.id, c.token);
      } catch (error) {
        return { marked: false, reason: `claim not marked before publishing: ${errorMessage(error)}` };
      }
    }),
  );
  const events = enriched.map((event, index) => {
    const mark = marks[index];
    const own = (claimed[index] as ToEnrich).event;
    return mark?.marked === true ? alertOf(event, own, mark.laterCopy) : event;
  });
  const ready = events.filter((_, index) => marks[index]?.marked === true);
  let results: PublishResult[];
  try {
    results = ready.length === 0 ? [] : await deps.publish(ready, deps.deadline + AFTER_DEADLINE.publishMs);
  } catch (error) {
    results = ready.map(() => ({ ok: false, reason: `delivery failed: ${errorMessage(error)}` }));
  }
  let next = 0;
  const noResult: PublishResult = { ok: false, reason: 'delivery gave no result for this event' };
  const unmarked = 'another attempt took the claim over (its lease ran out) before it was published';
  return {
    events,
    results: marks.map((mark) => {
      if (mark.marked) return results[next++] ?? noResult;
      return { ok: false, reason: 'reason' in mark ? mark.reason : unmarked };
    }),
  };
}

/** A claim write after publishing, retried with backoff while the invocation's reserve lasts (at least once). */
async function writeClaim(write: () => Promise<void>, deps: EnrichDeps): Promise<void> {
  const retried = await retryWithBackoff(() => attemptCall(write, () => true), {
    timing: { now: deps.now, sleep: deps.sleep ?? realTiming.sleep },
    deadline: Math.max(deps.deadline + AFTER_DEADLINE.settleMs, deps.now() + 1),
    maxAttempts: 4,
    baseDelayMs: 100,
    jitter: 'equal',
  });
  if (!retried.ok) throw retried.failure;
}

/**
 * Done once published (keeping how much of the kill the alert showed), released otherwise; what was left
 * unsettled when no write got through. A published event's claim then stays "publishing", and later copies
 * take it as delivered rather than send it again; a failed one's too, if it was marked, and its retry takes it
 * as delivered: the residual loss (docs/deploy.md).
 */
async function settle(
  claimed: ToEnrich,
  alert: EnrichedOomEvent,
  published: PublishResult,
  deps: EnrichDeps,
): Promise<Unsettled> {
  const { event, token, fingerprint } = claimed;
  if (published.ok) {
    const expiresAt = claimExpiresAt(deps, deps.now());
    const shown = killSeenRank(alert);
    try {
      await writeClaim(() => deps.claims.completeEvent(event.id, token, expiresAt, shown), deps);
      return {};
    } catch (error) {
      const unsettled = `claim not marked done: ${errorMessage(error)}; it stays "publishing", and later copies take it as delivered`;
      return { unsettled };
    }
  }
  try {
    await writeClaim(() => deps.claims.releaseEvent(event.id, token), deps);
  } catch (error) {
    const unsettled = `claim not released: ${errorMessage(error)}; if it was marked "publishing", a retry after its lease takes it as delivered and it is never alerted`;
    return { unsettled };
  }
  if (fingerprint !== null)
    // Left held, the kill goes to the other copy once this event's claim shows its attempt gave up.
    await writeClaim(() => deps.claims.releaseKill(fingerprint, event.id, token), deps).catch(
      () => undefined,
    );
  return {};
}

/** The other copy of a kill this run delivered (a duplicate), or failed to (retried with it). */
async function settleFollower(
  follower: Extract<Claimed, { kind: 'follow' }>,
  owner: EventOutcome | undefined,
  deps: EnrichDeps,
): Promise<EventOutcome> {
  const { event, token, ownerId } = follower;
  if (owner?.status === 'published') {
    const expiresAt = claimExpiresAt(deps, deps.now());
    const shown = killSeenRank(owner.event);
    // Left in progress, the claim runs out and the next copy is settled the same way.
    await writeClaim(() => deps.claims.completeEvent(event.id, token, expiresAt, shown), deps).catch(
      () => undefined,
    );
    const reason = `${sameKill(ownerId)} (the kernel line arrived in two streams)`;
    return { status: 'duplicate', eventId: event.id, reason };
  }
  await writeClaim(() => deps.claims.releaseEvent(event.id, token), deps).catch(() => undefined);
  const why = owner !== undefined && 'reason' in owner ? owner.reason : 'it was not delivered';
  return {
    status: 'failed',
    eventId: event.id,
    reason: `${sameKill(ownerId)}, which could not be delivered: ${why}`,
  };
}

/**
 * One outcome per input event, in order. Nothing here throws for a single event's trouble: a claim store
 * or publish error fails that event (to be retried), an API error publishes it as "unavailable".
 */
export async function enrichEvents(events: readonly OomEvent[], deps: EnrichDeps): Promise<EventOutcome[]> {
  const newToken = deps.newToken ?? randomUUID;
  // An id twice in one batch (parse sent it again with more of the kill seen) is claimed once, as the copy
  // that shows the most of it (the first of equals); the other copies share its fate.
  const chosenIndex = new Map<string, number>();
  events.forEach((event, index) => {
    const chosen = chosenIndex.get(event.id);
    if (chosen === undefined || showsMoreOfKill(event, events[chosen] as OomEvent))
      chosenIndex.set(event.id, index);
  });
  const unique = [...chosenIndex.values()].map((index) => ({
    event: events[index] as OomEvent,
    token: newToken(),
  }));
  const attempts: RunAttempts = new Map(unique.map((u) => [u.token, u.event.id]));
  const concurrency = deps.concurrency ?? ENRICH_DEFAULTS.concurrency;

  const claims = await mapWithConcurrency(unique, concurrency, async ({ event, token }) => {
    try {
      return await claim(event, deps, token, attempts);
    } catch (error) {
      return failed(event.id, `claim failed: ${errorMessage(error)}`);
    }
  });
  const toEnrich = claims.filter((c): c is ToEnrich => c.kind === 'enrich');
  const completed = await completeClaimed(
    toEnrich.map((c) => c.event),
    deps,
  );
  const enriched = await mapWithConcurrency(completed.events, concurrency, async (event) => {
    const enrichment = withContextNote(await enrichmentOf(event, deps), completed.notes.get(event.id));
    return { ...event, cluster: deps.cluster, ...enrichment } satisfies EnrichedOomEvent;
  });
  const { results, events: alerts } = await publishClaimed(toEnrich, enriched, deps);

  const byId = new Map<string, EventOutcome>();
  for (const c of claims) if (c.kind === 'settled') byId.set(c.outcome.eventId, c.outcome);
  await Promise.all(
    toEnrich.map(async (c, index) => {
      const event = alerts[index] as EnrichedOomEvent;
      const published = results[index] as PublishResult;
      const contextNote = completed.notes.get(event.id);
      const unsettled = await settle(c, event, published, deps);
      byId.set(
        event.id,
        published.ok
          ? {
              status: 'published',
              eventId: event.id,
              event,
              ...(contextNote === undefined ? {} : { contextNote }),
              ...unsettled,
            }
          : { status: 'failed', eventId: event.id, reason: published.reason, ...unsettled },
      );
    }),
  );
  await Promise.all(
    claims.map(async (c) => {
      if (c.kind === 'follow') byId.set(c.event.id, await settleFollower(c, byId.get(c.ownerId), deps));
    }),
  );
  return events.map((event, index) => {
    const outcome = byId.get(event.id) as EventOutcome;
    const chosen = chosenIndex.get(event.id) as number;
    if (chosen === index || outcome.status === 'failed') return outcome;
    const reason = showsMoreOfKill(events[chosen] as OomEvent, event)
      ? 'another copy of the same event in the batch shows more of the kill'
      : 'the same event appeared earlier in the batch';
    return { status: 'duplicate', eventId: event.id, reason };
  });
}
