/**
 * watch: every 5 minutes, the cluster's nodes against the newest lines of their kernel streams. Logs the
 * nodes that ship nothing and counts them (NodesNotShipping). A check that cannot run throws: Lambda retries
 * it, then sends it to the dead-letter queue, whose alarm says so. Wiring only; the steps are in
 * adapters/watch/watch-stage.ts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { CLUSTER_DIMENSION, METRIC_NAMESPACE, METRIC_SERVICES } from '../../shared/metric-names.ts';
import { ENV } from '../../shared/runtime-config.ts';
import { checkShipping, watchStageFromEnv } from '../../adapters/watch/watch-stage.ts';
import type { WatchStage } from '../../adapters/watch/watch-stage.ts';
import { recordShippingCheck } from './watch-telemetry.ts';

/** Kept back from the invocation's time for the log line and the metric. */
const RESERVE_MS = 2_000;

export function createWatchHandler(stage: () => WatchStage, logger: Logger, metrics: Metrics) {
  return middy(async (_event: unknown, context: Context): Promise<void> => {
    const signal = AbortSignal.timeout(Math.max(1, context.getRemainingTimeInMillis() - RESERVE_MS));
    recordShippingCheck(await checkShipping(stage(), signal), logger, metrics);
  }).use(injectLambdaContext(logger));
}

const logger = new Logger({ serviceName: METRIC_SERVICES.watch });
const metrics = new Metrics({
  namespace: METRIC_NAMESPACE,
  serviceName: METRIC_SERVICES.watch,
  defaultDimensions: { [CLUSTER_DIMENSION]: process.env[ENV.clusterName] ?? 'unknown' },
});
let built: WatchStage | null = null;

export const handler = createWatchHandler(() => (built ??= watchStageFromEnv(process.env)), logger, metrics);
