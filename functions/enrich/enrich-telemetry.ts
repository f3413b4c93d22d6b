/**
 * What one SQS batch tells the operators: a log line per record and the counts of duplicates (those taken without
 * a record of delivery apart as well) and unnamed pods (names from shared/metric-names.ts). A warning when the pod
 * could not be named, when a duplicate was taken without a record of its delivery, or when it said more of the
 * kill than its alert; an error for a record that will be retried or a claim left unsettled.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS } from '../../shared/metric-names.ts';
import type { RecordResult } from './sqs-batch.ts';

/** Powertools Logger's calls with structured attributes; a test hands a recorder. */
export interface EnrichLog {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** Powertools Metrics' `addMetric`; a test hands a recorder. */
export interface MetricSink {
  addMetric(name: string, unit: typeof MetricUnit.Count, value: number): unknown;
}

/** Each batch adds the counts that are not zero: a zero costs a custom metric, and the alarms take no data as none. */
export function recordEnrichResults(
  results: ReadonlyMap<string, RecordResult>,
  logger: EnrichLog,
  metrics: MetricSink,
): void {
  let duplicates = 0;
  let unverified = 0;
  let unavailable = 0;
  for (const [messageId, result] of results) {
    if (result.status === 'published') {
      const { id, node, kubernetes, impact, enrichment } = result.event;
      if (enrichment.status === 'unavailable') unavailable++;
      const log = enrichment.status === 'unavailable' ? logger.warn.bind(logger) : logger.info.bind(logger);
      log('OOM kill delivered', {
        messageId,
        eventId: id,
        node,
        namespace: kubernetes?.namespace,
        pod: kubernetes?.pod,
        impact,
        enrichment,
        reportContext: result.contextNote,
      });
    } else if (result.status === 'duplicate') {
      duplicates++;
      if (result.unverified === true) unverified++;
      // Skipped on what its claim or date implies, not on a record of delivery: the trace of a possible loss.
      // Or it showed more of the kill than the alert did (a group kill's later members): the alert says less.
      const warn = result.unverified === true || result.showedMore === true;
      const log = warn ? logger.warn.bind(logger) : logger.info.bind(logger);
      log('duplicate skipped', { messageId, eventId: result.eventId, reason: result.reason });
    } else if (result.status === 'failed' && result.inFlight === true) {
      logger.info('record waits for a delivery in flight', {
        messageId,
        eventId: result.eventId,
        reason: result.reason,
      });
    } else {
      logger.error('record will be retried', { messageId, ...result });
    }
    if ((result.status === 'published' || result.status === 'failed') && result.unsettled !== undefined)
      logger.error('claim not settled', { messageId, eventId: result.eventId, reason: result.unsettled });
  }
  if (duplicates > 0) metrics.addMetric(METRICS.duplicatesSkipped, MetricUnit.Count, duplicates);
  if (unverified > 0) metrics.addMetric(METRICS.unverifiedDuplicates, MetricUnit.Count, unverified);
  if (unavailable > 0) metrics.addMetric(METRICS.enrichmentUnavailable, MetricUnit.Count, unavailable);
}
