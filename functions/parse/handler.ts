/**
 * CloudWatch Logs subscription target: kernel OOM lines in, OomEvents out to the enrich queue.
 * Wiring only; the steps are in parse-delivery.ts.
 */
import { ENV } from '../../shared/runtime-config.ts';
import { setTimeout as pause } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { CLUSTER_DIMENSION, METRIC_NAMESPACE, METRIC_SERVICES } from '../../shared/metric-names.ts';
import { AssemblerStateStore } from './assembler-state-store.ts';
import { recordDeliveryOutcome } from './delivery-telemetry.ts';
import { DEFAULT_SEND_RETRY } from './event-queue.ts';
import { readParseConfig } from './parse-config.ts';
import type { ParseDependencies } from './parse-delivery.ts';
import { DEFAULT_STATE_ATTEMPTS, parseDelivery } from './parse-delivery.ts';

const logger = new Logger({ serviceName: METRIC_SERVICES.parse });
const metrics = new Metrics({
  namespace: METRIC_NAMESPACE,
  serviceName: METRIC_SERVICES.parse,
  defaultDimensions: { [CLUSTER_DIMENSION]: process.env[ENV.clusterName] ?? 'unknown' },
});

const configResult = readParseConfig(process.env);
if (!configResult.ok) throw new Error(`parse function misconfigured: ${configResult.problems.join('; ')}`);
const config = configResult.config;

const dependencies: ParseDependencies = {
  queueClient: new SQSClient({}),
  queue: { url: config.eventsQueueUrl, delaySeconds: config.enrichDelaySeconds },
  sendRetry: { ...DEFAULT_SEND_RETRY, pause: (ms) => pause(ms) },
  stateStore: new AssemblerStateStore(new DynamoDBClient({}), {
    tableName: config.stateTableName,
    now: () => Date.now(),
  }),
  logger,
  maxStateAttempts: DEFAULT_STATE_ATTEMPTS,
};

async function parseSubscription(event: unknown): Promise<void> {
  const outcome = await parseDelivery(event, dependencies);
  recordDeliveryOutcome(outcome, logger, metrics);
  // CloudWatch invokes asynchronously: failing here makes Lambda retry the delivery (then its failure destination).
  if (outcome.kind === 'retry') throw new Error(outcome.reason);
}

export const handler = middy(parseSubscription).use(injectLambdaContext(logger)).use(logMetrics(metrics));
