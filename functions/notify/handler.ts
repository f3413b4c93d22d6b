/**
 * notify: invoked by the bus rule with one enriched OOM event, and every 5 minutes by a schedule
 * that sends the digests of closed storm windows. Wiring only; the work is in deliver.ts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { METRIC_NAMESPACE, METRIC_SERVICES } from '../../shared/metric-names.ts';
import { SnsAlertSink } from '../../adapters/sinks/alert-sink.ts';
import {
  deliver,
  deliverUnreadable,
  sendDueDigests,
  type DeliveryDeps,
  type DeliveryReport,
} from '../../adapters/notify/deliver.ts';
import { DynamoStormStore } from '../../adapters/state/dynamo-storm-store.ts';
import { CloudWatchHistoryWriter } from '../../adapters/sinks/history-writer.ts';
import { PowertoolsKillMetrics } from '../../adapters/sinks/kill-metrics.ts';
import { readNotifyConfig } from '../../adapters/notify/notify-config.ts';
import { readEnrichedEvent } from './read-event.ts';

const SERVICE = METRIC_SERVICES.notify;

const settings = readNotifyConfig(process.env);
if (!settings.ok) throw new Error(`notify is misconfigured: ${settings.problems.join('; ')}`);
const config = settings.config;

const logger = new Logger({ serviceName: SERVICE });

const deps: DeliveryDeps = {
  alerts: new SnsAlertSink(new SNSClient({}), config.topicArn),
  history: new CloudWatchHistoryWriter(new CloudWatchLogsClient({}), config.eventsLogGroupName),
  storms: new DynamoStormStore(
    DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
    config.stateTableName,
  ),
  metrics: new PowertoolsKillMetrics(new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE })),
  windowMinutes: config.windowMinutes,
  eventsLogGroupName: config.eventsLogGroupName,
  now: () => new Date(),
};

/** The 5-minute schedule's event, as EventBridge Scheduler-less rules send it. */
export function isScheduledTick(event: EventBridgeEvent<string, unknown>): boolean {
  return event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event';
}

async function notify(event: EventBridgeEvent<string, unknown>): Promise<DeliveryReport> {
  let report: DeliveryReport;
  if (isScheduledTick(event)) {
    report = await sendDueDigests(deps);
  } else {
    const read = readEnrichedEvent(event.detail);
    if (!read.ok)
      logger.error('OOM event could not be read; alerting with what arrived', { problem: read.problem });
    report = read.ok
      ? await deliver([read.event], deps)
      : await deliverUnreadable(event.detail, read.problem, deps);
  }
  if (report.digestsAbandonedBefore !== null) {
    logger.error('digest sweep fell behind: windows closed before this time got no digest', {
      before: report.digestsAbandonedBefore,
    });
  }
  for (const failure of report.failures) logger.error('delivery step failed', { ...failure });
  logger.info('delivered', { outcomes: report.outcomes, digestsSent: report.digestsSent });
  const retry = report.failures.filter((f) => f.retry);
  // Failing the invocation makes Lambda retry it; the storm store makes the retry send only what is missing.
  if (retry.length > 0)
    throw new Error(`delivery incomplete: ${retry.map((f) => `${f.step} (${f.subject})`).join(', ')}`);
  return report;
}

export const handler = middy(notify).use(injectLambdaContext(logger));
