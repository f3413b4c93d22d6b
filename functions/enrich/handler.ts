/**
 * SQS → (report completed from the node's stream) → enrich → EventBridge. Middy wiring only: Powertools logger
 * and metrics, and partial batch failure so that only the records that could not be published come back.
 */
import { ENV } from '../../shared/runtime-config.ts';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { CLUSTER_DIMENSION, METRIC_NAMESPACE, METRIC_SERVICES } from '../../shared/metric-names.ts';
import { runtimeFromEnv } from '../../adapters/enrich/enrich-stage.ts';
import type { EnrichRuntime } from '../../adapters/enrich/enrich-stage.ts';
import { recordEnrichResults } from './enrich-telemetry.ts';
import { invocationLimits } from './invocation-limits.ts';
import { batchResponse, enrichSqsRecords } from './sqs-batch.ts';

export function createEnrichHandler(runtime: () => EnrichRuntime, logger: Logger, metrics: Metrics) {
  return middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const deps = runtime();
    const limits = invocationLimits(deps.now(), context.getRemainingTimeInMillis());
    const results = await enrichSqsRecords(event.Records, { ...deps, ...limits });
    recordEnrichResults(results, logger, metrics);
    return batchResponse(event.Records, results);
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
