/**
 * `backfill --deliver`: the kills found in history go through the same two steps as live ones, in process:
 * enrich (claims in the state table: an event or kill already delivered is a duplicate) and delivery (storm
 * grouping, SNS, the events history). A re-run over the same range therefore sends nothing new.
 */
import { enrichEvents } from '../../adapters/enrich/enrich-events.ts';
import type { DeliveryResult, EnrichDeps } from '../../adapters/enrich/enrich-events.ts';
import { deliver } from '../../adapters/notify/deliver.ts';
import type { DeliveryDeps } from '../../adapters/notify/deliver.ts';
import type { EnrichedOomEvent } from '../../shared/oom-event.ts';
import type { DeliverKills } from './history-backfill.ts';

/** What one page's kills may spend on the Kubernetes API before they are delivered with what the kernel gave. */
export const PAGE_ENRICH_BUDGET_MS = 60_000;
/** A claim outlives the page that took it by this much, then a re-run may take it over. */
const LEASE_MARGIN_MS = 30_000;

export type PageEnrichDeps = Omit<EnrichDeps, 'deliver' | 'deadline' | 'leaseMs'>;

/**
 * notify's delivery as enrich's `deliver` step: an event is delivered unless a step that a re-run would
 * complete failed for it (its claim is then released, and the storm state keeps the re-run from alerting twice).
 */
export function deliverThroughNotify(deps: DeliveryDeps): EnrichDeps['deliver'] {
  return async (events: readonly EnrichedOomEvent[]): Promise<DeliveryResult[]> => {
    const report = await deliver(events, deps);
    const retry = report.failures.filter((f) => f.retry);
    return events.map((event) => {
      const failure = retry.find((f) => f.subject.split(', ').includes(event.id));
      return failure === undefined
        ? { ok: true }
        : { ok: false, reason: `${failure.step}: ${failure.error}` };
    });
  };
}

export function enrichThenDeliver(enrich: PageEnrichDeps, delivery: DeliveryDeps): DeliverKills {
  const deliverStep = deliverThroughNotify(delivery);
  return (events) => {
    const now = enrich.now();
    return enrichEvents(events, {
      ...enrich,
      deliver: deliverStep,
      deadline: now + PAGE_ENRICH_BUDGET_MS,
      leaseMs: PAGE_ENRICH_BUDGET_MS + LEASE_MARGIN_MS,
    });
  };
}
