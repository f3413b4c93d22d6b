import {
  Duration,
  aws_cloudwatch as cloudwatch,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_sns as sns,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { CLUSTER_DIMENSION, METRICS, METRIC_NAMESPACE, METRIC_SERVICES } from '../../shared/metric-names.ts';
import type { FunctionName } from '../pipeline-function.ts';

/** What the alarms and the dashboard watch: the resources the construct made for one cluster. */
export interface MonitoredPipeline {
  readonly clusterName: string;
  readonly functions: Readonly<Record<FunctionName, lambda.IFunction>>;
  readonly eventsQueue: sqs.IQueue;
  /** By the stage whose failures each holds: events, parse, notify. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /**
   * The dead-letter queues that SQS fills itself (a redrive policy's maxReceiveCount): NumberOfMessagesSent does
   * not count what it moves there. Lambda and EventBridge send to the others with SendMessage, which it counts.
   */
  readonly redriveDeadLetterQueues: readonly string[];
  /** With PagerDuty receiving the alarms: where the alarm state changes go that PagerDuty did not take. */
  readonly alarmPagesDeadLetterQueue: sqs.IQueue | undefined;
  /**
   * How old the oldest event in the events queue may grow while enrich still tries it (the delay, then five
   * receives a visibility timeout apart); twice that is a stalled queue.
   */
  readonly eventsQueueRetriedFor: Duration;
  /** The functions whose asynchronous failures go to a dead-letter queue (DeadLetterErrors when that fails). */
  readonly functionsWithDeadLetterQueue: readonly FunctionName[];
  /** The functions whose asynchronous failures go to an on-failure destination (DestinationDeliveryFailures). */
  readonly functionsWithFailureDestination: readonly FunctionName[];
  readonly eventsLogGroup: logs.ILogGroup;
  readonly kernelLogGroupName: string;
  /** Our subscription filter on the kernel log group. */
  readonly subscriptionFilterName: string;
  readonly alertTopic: sns.ITopic;
  /** With chat channels: the topic AWS Chatbot reads. */
  readonly chatTopic: sns.ITopic | undefined;
  /** How long the kernel log group may go without a line (the shipping check's silence). */
  readonly silentNodeAfter: Duration;
  /** With SMS recipients: the month's SMS spend, in US dollars, to alarm at. */
  readonly smsSpendAlarmUsd: number | undefined;
}

/** How often the alarms look: one evaluation period. */
const ALARM_PERIOD = Duration.minutes(5);

/** A metric a function emits through Powertools Metrics, for its service and this cluster. */
export function pipelineMetric(
  clusterName: string,
  fn: FunctionName,
  metricName: string,
  period: Duration,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap: { service: METRIC_SERVICES[fn], [CLUSTER_DIMENSION]: clusterName },
    statistic: cloudwatch.Stats.SUM,
    period,
  });
}

/** notify counts kills by cluster and namespace: one line per namespace of this cluster. */
export function oomKillsByNamespace(clusterName: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${METRIC_NAMESPACE},cluster,namespace} MetricName="${METRICS.oomKills}" cluster="${clusterName}"', 'Sum', 300)`,
    label: '',
    period: Duration.minutes(5),
  });
}

export function deadLetterQueueDepth(queue: sqs.IQueue): cloudwatch.Metric {
  return queue.metricApproximateNumberOfMessagesVisible({
    period: ALARM_PERIOD,
    statistic: cloudwatch.Stats.MAXIMUM,
  });
}

/**
 * Messages sent to a dead-letter queue by Lambda (function DLQ, on-failure destination) or EventBridge (a target's
 * DLQ): a datapoint for each period with a new one, none without, so an alarm on it fires again at each loss.
 */
export function deadLettersSent(queue: sqs.IQueue): cloudwatch.Metric {
  return queue.metricNumberOfMessagesSent({ period: ALARM_PERIOD, statistic: cloudwatch.Stats.SUM });
}

/**
 * How much a redrive dead-letter queue grew in a period: SQS's own moves are not in NumberOfMessagesSent. A gap in
 * SQS's reporting carries the last depth (REPEAT): filled with 0, the depth coming back after it would read as that
 * many new dead letters. Only the periods before the first datapoint in view count as an empty queue (an idle empty
 * queue sends none), so the first message counts too.
 */
export function deadLetterQueueGrowth(queue: sqs.IQueue): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: 'DIFF(FILL(FILL(depth, REPEAT), 0))',
    usingMetrics: { depth: deadLetterQueueDepth(queue) },
    label: 'new dead letters',
    period: ALARM_PERIOD,
  });
}

/** Age of the oldest message a queue holds; no datapoint while the queue is idle and empty. */
export function oldestMessageAge(queue: sqs.IQueue): cloudwatch.Metric {
  return queue.metricApproximateAgeOfOldestMessage({
    period: ALARM_PERIOD,
    statistic: cloudwatch.Stats.MAXIMUM,
  });
}

/**
 * Asynchronous failures Lambda could not hand on: `DeadLetterErrors` for a function's dead-letter queue,
 * `DestinationDeliveryFailures` for its on-failure destination. The failed event is then gone, with no message.
 */
export function failureHandOffErrors(
  fn: lambda.IFunction,
  metricName: 'DeadLetterErrors' | 'DestinationDeliveryFailures',
): cloudwatch.Metric {
  return fn.metric(metricName, { period: ALARM_PERIOD, statistic: cloudwatch.Stats.SUM });
}

export function functionErrors(fn: lambda.IFunction): cloudwatch.Metric {
  return fn.metricErrors({ period: ALARM_PERIOD, statistic: cloudwatch.Stats.SUM });
}

export function functionDurationP99(fn: lambda.IFunction): cloudwatch.Metric {
  return fn.metricDuration({ statistic: 'p99' });
}

/** Messages a queue holds, for a graph: the dashboard's default period and statistic. */
export function messagesVisible(queue: sqs.IQueue, label: string): cloudwatch.Metric {
  return queue.metricApproximateNumberOfMessagesVisible({ label });
}

/** Kernel lines the group received; no datapoint at all while nothing arrives. */
export function kernelLogIncoming(logGroupName: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Logs',
    metricName: 'IncomingLogEvents',
    dimensionsMap: { LogGroupName: logGroupName },
    statistic: cloudwatch.Stats.SUM,
    period,
  });
}

/**
 * Log events CloudWatch Logs failed to hand our subscription's destination (parse). The issue measured four
 * dimensions on it (LogGroupName, DestinationType, FilterName, PolicyLevel); aws-cdk-lib 2.276 lists only
 * LogGroupName, and no AWS text found gives the values of the other two. A Metrics Insights query matches
 * the metric whatever its dimension set, by the two values known here. It analyses one metric.
 */
export function subscriptionDeliveryErrors(
  logGroupName: string,
  filterName: string,
): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SELECT SUM(DeliveryErrors) FROM "AWS/Logs" WHERE LogGroupName = '${logGroupName}' AND FilterName = '${filterName}'`,
    label: 'DeliveryErrors',
    period: ALARM_PERIOD,
  });
}

/**
 * Messages SNS could not deliver (e-mail, SMS, or a subscriber's own): one per message SNS gave up on. For an HTTP(S)
 * subscriber (AWS Chatbot's endpoint) it counts every failed attempt instead, retries included, so a message
 * delivered on a retry counts too (SNS developer guide, Amazon SNS metrics). An idle topic has no datapoints.
 */
export function alertDeliveryFailures(topic: sns.ITopic): cloudwatch.Metric {
  return topic.metricNumberOfNotificationsFailed({ period: ALARM_PERIOD, statistic: cloudwatch.Stats.SUM });
}

/**
 * The account's SMS charges this month. SNS publishes it without dimensions: `topic.metricSMSMonthToDateSpentUSD()`
 * would add TopicName and watch a series that has no data.
 */
export function smsMonthToDateSpend(): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/SNS',
    metricName: 'SMSMonthToDateSpentUSD',
    statistic: cloudwatch.Stats.MAXIMUM,
    period: Duration.hours(1),
  });
}
