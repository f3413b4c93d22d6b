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
  readonly eventsLogGroup: logs.ILogGroup;
  readonly kernelLogGroupName: string;
  /** Our subscription filter on the kernel log group. */
  readonly subscriptionFilterName: string;
  readonly alertTopic: sns.ITopic;
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

/** Alerts SNS could not deliver (e-mail, SMS, or a subscriber's endpoint). An idle topic has no datapoints. */
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
