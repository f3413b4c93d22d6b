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
import type { BatchOutcome } from './parse-batch.ts';

const logger = new Logger({ serviceName: METRIC_SERVICES.parse });
const metrics = new Metrics({
  namespace: METRIC_NAMESPACE,
  serviceName: METRIC_SERVICES.parse,
  defaultDimensions: { [CLUSTER_DIMENSION]: process.env[ENV.clusterName] ?? 'unknown' },
});

// The parser and the SDK clients load with the first batch, not at cold start (docs/benchmarks.md).
let stage: Promise<(event: unknown) => Promise<BatchOutcome>> | null = null;
const loadStage = () =>
  Promise.all([import('./parse-batch.ts'), import('./parse-stage.ts')]).then(([batch, built]) => {
    const dependencies = built.parseStageFromEnv(process.env, logger);
    return (event: unknown) => batch.parseSubscriptionBatch(event, dependencies);
  });

async function parseSubscription(event: unknown): Promise<void> {
  const outcome = await (await (stage ??= loadStage()))(event);
  recordBatchOutcome(outcome, logger, metrics);
  // CloudWatch invokes asynchronously: failing here makes Lambda retry the batch (then its failure destination).
  if (outcome.kind === 'retry') throw new Error(outcome.reason);
}

export const handler = middy(parseSubscription).use(injectLambdaContext(logger)).use(logMetrics(metrics));
