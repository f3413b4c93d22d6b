import {
  Duration,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  aws_sns as sns,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { METRICS } from '../../shared/metric-names.ts';
import { capitalised } from '../pipeline-function.ts';
import {
  type MonitoredPipeline,
  deadLetterQueueDepth,
  functionErrors,
  oldestMessageAge,
  pipelineMetric,
} from './pipeline-metrics.ts';

/**
 * The pipeline's own alarms, each sent to the alarm topic: dead-letter queues holding a message, events waiting
 * too long, function errors, format drift and enrichment unavailable.
 */
export function createPipelineAlarms(
  scope: Construct,
  pipeline: MonitoredPipeline,
  alarmTopic: sns.ITopic,
): cloudwatch.Alarm[] {
  const alarm = alarmFactory(scope, new cloudwatchActions.SnsAction(alarmTopic));
  const { clusterName } = pipeline;
  return [
    ...Object.entries(pipeline.deadLetterQueues).map(([name, queue]) =>
      alarm(
        `${capitalised(name)}DeadLetterQueueDepth`,
        `${name}: messages in the dead-letter queue are OOM events that were not delivered. Inspect, then redrive.`,
        deadLetterQueueDepth(queue),
        1,
      ),
    ),
    alarm(
      'EventsQueueAge',
      'Parsed OOM events wait more than 15 minutes for enrichment: enrich is failing or throttled.',
      oldestMessageAge(pipeline.eventsQueue),
      Duration.minutes(15).toSeconds(),
    ),
    ...Object.entries(pipeline.functions).map(([name, fn]) =>
      alarm(
        `${capitalised(name)}Errors`,
        `${name}: the function failed; its invocations are retried, then go to a dead-letter queue.`,
        functionErrors(fn),
        1,
      ),
    ),
    alarm(
      'FormatDrift',
      'The kernel printed OOM lines no recognizer understands: a new kernel format. Run the unrecognised-lines check on the kernel log group.',
      pipelineMetric(clusterName, 'parse', METRICS.unrecognisedOomLines, Duration.minutes(15)),
      1,
    ),
    alarm(
      'EnrichmentUnavailable',
      'Alerts went out without pod names because the EKS API could not be reached: check the access entry, network path and endpoint.',
      pipelineMetric(clusterName, 'enrich', METRICS.enrichmentUnavailable, Duration.minutes(15)),
      1,
    ),
  ];
}

/** Every alarm alike: one period at or over the threshold, missing data is fine, the action on alarm. */
function alarmFactory(scope: Construct, action: cloudwatch.IAlarmAction) {
  return (
    id: string,
    description: string,
    metric: cloudwatch.IMetric,
    threshold: number,
  ): cloudwatch.Alarm => {
    const created = new cloudwatch.Alarm(scope, id, {
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    created.addAlarmAction(action);
    return created;
  };
}
