/**
 * CloudWatch Logs subscription target: kernel OOM lines in, OomEvents out to the enrich queue.
 * Wiring only; the steps are in parse-batch.ts.
 */
import { ENV } from '../../shared/runtime-config.ts';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { CLUSTER_DIMENSION, METRIC_NAMESPACE, METRIC_SERVICES } from '../../shared/metric-names.ts';
import { recordBatchOutcome } from './batch-telemetry.ts';
import { parseSubscriptionBatch } from './parse-batch.ts';
import { parseStageFromEnv } from './parse-stage.ts';

const logger = new Logger({ serviceName: METRIC_SERVICES.parse });
const metrics = new Metrics({
  namespace: METRIC_NAMESPACE,
  serviceName: METRIC_SERVICES.parse,
  defaultDimensions: { [CLUSTER_DIMENSION]: process.env[ENV.clusterName] ?? 'unknown' },
});

const dependencies = parseStageFromEnv(process.env, logger);

async function parseSubscription(event: unknown): Promise<void> {
  const outcome = await parseSubscriptionBatch(event, dependencies);
  recordBatchOutcome(outcome, logger, metrics);
  // CloudWatch invokes asynchronously: failing here makes Lambda retry the batch (then its failure destination).
  if (outcome.kind === 'retry') throw new Error(outcome.reason);
}

export const handler = middy(parseSubscription).use(injectLambdaContext(logger)).use(logMetrics(metrics));
