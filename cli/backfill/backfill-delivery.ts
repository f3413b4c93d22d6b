/**
 * `backfill --deliver`: the kills found in history go through the same two steps as live ones, in process:
 * enrich (claims in the state table: an event or kill already delivered is a duplicate) and notify (storm
 * grouping, SNS, the events history). A re-run over the same range therefore sends nothing new.
 */
import { enrichEvents } from '../../adapters/enrich/enrich-events.ts';
import type { EnrichLimits, EnrichStage } from '../../adapters/enrich/enrich-stage.ts';
import type { NotifyDeps } from '../../adapters/notify/notify-kills.ts';
import { notifyAsPublish } from '../../adapters/notify/notify-stage.ts';
import type { DeliverKills } from './history-backfill.ts';

/** What one page's kills may spend on the Kubernetes API before they are delivered with what the kernel gave. */
export const PAGE_ENRICH_BUDGET_MS = 60_000;
/** A claim outlives the page that took it by this much, then a re-run may take it over. */
const LEASE_MARGIN_MS = 30_000;

export function pageLimits(now: number): EnrichLimits {
  return { deadline: now + PAGE_ENRICH_BUDGET_MS, leaseMs: PAGE_ENRICH_BUDGET_MS + LEASE_MARGIN_MS };
}

export function enrichThenDeliver(enrich: EnrichStage, notify: NotifyDeps): DeliverKills {
  const publish = notifyAsPublish(notify);
  return (events) => enrichEvents(events, { ...enrich, publish, ...pageLimits(enrich.now()) });
}
