import {
  Duration,
  aws_cloudwatch as cloudwatch,
  aws_lambda as lambda,
  aws_logs as logs,
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

export function oldestMessageAge(queue: sqs.IQueue): cloudwatch.Metric {
  return queue.metricApproximateAgeOfOldestMessage({
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
