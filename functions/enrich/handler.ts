/**
 * SQS → (report completed from the node's stream) → enrich → EventBridge. Middy wiring only: Powertools logger and metrics, and partial batch failure
 * so that only the records that could not be delivered come back.
 */
import { ENV } from '../../shared/runtime-config.ts';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { CLUSTER_DIMENSION, METRICS, METRIC_NAMESPACE, METRIC_SERVICES } from '../../shared/metric-names.ts';
import { enrichDeadline } from '../../adapters/enrich/enrich-events.ts';
import { runtimeFromEnv } from '../../adapters/enrich/enrich-stage.ts';
import type { EnrichRuntime } from '../../adapters/enrich/enrich-stage.ts';
import { enrichSqsRecords, needsRetry } from './sqs-batch.ts';
import type { RecordResult } from './sqs-batch.ts';

// A claim outlives the invocation that took it by this much, then another attempt may take it over.
const LEASE_MARGIN_MS = 10_000;

function report(results: Map<string, RecordResult>, logger: Logger, metrics: Metrics): void {
  let duplicates = 0;
  let unavailable = 0;
  for (const [messageId, result] of results) {
    if (result.status === 'delivered') {
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
      logger.info('duplicate skipped', { messageId, eventId: result.eventId, reason: result.reason });
    } else {
      logger.error('record will be retried', { messageId, ...result });
    }
  }
  metrics.addMetric(METRICS.duplicatesSkipped, MetricUnit.Count, duplicates);
  metrics.addMetric(METRICS.enrichmentUnavailable, MetricUnit.Count, unavailable);
}

export function createEnrichHandler(runtime: () => EnrichRuntime, logger: Logger, metrics: Metrics) {
  const processor = new BatchProcessor(EventType.SQS);
  return middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const deps = runtime();
    const remainingMs = context.getRemainingTimeInMillis();
    const results = await enrichSqsRecords(event.Records, {
      ...deps,
      deadline: enrichDeadline(deps.now(), remainingMs),
      leaseMs: remainingMs + LEASE_MARGIN_MS,
    });
    report(results, logger, metrics);
    return processPartialResponse(
      event,
      (record: SQSRecord) => {
        const result = results.get(record.messageId);
        if (result === undefined || needsRetry(result)) {
          throw new Error(
            result !== undefined && 'reason' in result ? result.reason : 'record was not processed',
          );
        }
      },
      processor,
      { context },
    );
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

const logger = new Logger({ serviceName: METRIC_SERVICES.enrich });
const metrics = new Metrics({
  namespace: METRIC_NAMESPACE,
  serviceName: METRIC_SERVICES.enrich,
  defaultDimensions: { [CLUSTER_DIMENSION]: process.env[ENV.clusterName] ?? 'unknown' },
});
let built: EnrichRuntime | null = null;

export const handler = createEnrichHandler(() => (built ??= runtimeFromEnv(process.env)), logger, metrics);
