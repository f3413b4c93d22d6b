/**
 * What one shipping check tells the operators: the silent nodes by name in the log, and their count as the
 * NodesNotShipping metric, only when there is one: a zero costs a custom metric and tells no alarm anything.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS } from '../../shared/metric-names.ts';
import type { ShippingCheck } from '../../shared/node-shipping.ts';

/** Powertools Logger's calls with structured attributes; a test hands a recorder. */
export interface WatchLog {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** Powertools Metrics' `addMetric` and flush; a test hands a recorder. */
export interface MetricSink {
  addMetric(name: string, unit: typeof MetricUnit.Count, value: number): unknown;
  publishStoredMetrics(): unknown;
}

/** A log event holds 256 KB: a cluster gone blind at once is named in part, and counted in full. */
const NODES_NAMED = 200;

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function recordShippingCheck(check: ShippingCheck, logger: WatchLog, metrics: MetricSink): void {
  const counts = {
    notShipping: check.notShipping.length,
    shipping: check.shipping,
    inGrace: check.inGrace.length,
    skipped: check.skipped.length,
  };
  if (check.notShipping.length === 0) {
    logger.info('every node ships kernel lines', counts);
    return;
  }
  logger.warn('nodes ship no kernel lines: OOM kills on them go unseen', {
    ...counts,
    nodes: check.notShipping
      .slice(0, NODES_NAMED)
      .map(({ node, lastShippedAt }) => ({ node, lastShippedAt: isoOrNull(lastShippedAt) })),
  });
  metrics.addMetric(METRICS.nodesNotShipping, MetricUnit.Count, check.notShipping.length);
  metrics.publishStoredMetrics();
}
