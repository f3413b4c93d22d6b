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
import type { EnrichRuntime } from '../../adapters/enrich/enrich-stage.ts';
import { recordEnrichResults } from './enrich-telemetry.ts';
import { invocationLimits } from './invocation-limits.ts';
import { recordPodEvents } from './pod-events.ts';
import { batchResponse, enrichSqsRecords } from './sqs-batch.ts';

export function createEnrichHandler(
  runtime: () => EnrichRuntime | Promise<EnrichRuntime>,
  logger: Logger,
  metrics: Metrics,
) {
  return middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const deps = await runtime();
    const limits = invocationLimits(deps.now(), context.getRemainingTimeInMillis());
    const results = await enrichSqsRecords(event.Records, { ...deps, ...limits });
    recordEnrichResults(results, logger, metrics);
    if (deps.podEvents !== null) {
      await recordPodEvents(results, deps.podEvents, logger, context.getRemainingTimeInMillis() - 1_000);
    }
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
// The SDK clients and the Kubernetes client load with the first batch, not at cold start (docs/benchmarks.md).
let built: Promise<EnrichRuntime> | null = null;
const loadRuntime = () =>
  import('../../adapters/enrich/enrich-stage.ts').then((stage) => stage.runtimeFromEnv(process.env));

export const handler = createEnrichHandler(() => (built ??= loadRuntime()), logger, metrics);
