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
  alertDeliveryFailures,
  deadLetterQueueDepth,
  deadLetterQueueGrowth,
  deadLettersSent,
  failureHandOffErrors,
  kernelLogIncoming,
  oldestMessageAge,
  pipelineMetric,
  smsMonthToDateSpend,
  subscriptionDeliveryErrors,
} from './pipeline-metrics.ts';

/** What each dead-letter queue holds, for the alarm's text. */
const DEAD_LETTERS: Record<string, string> = {
  events:
    'OOM events enrich gave up on after five receives: their alerts were not sent. Inspect, then redrive.',
  parse:
    'subscription batches parse failed on after its retries: their kills were not parsed. Inspect, then replay.',
  notify:
    'alerts notify could not send after its retries, or shipping checks (watch) that kept failing: the message ' +
    'names the function and its error.',
};

/**
 * What every alarm of one cluster's pipeline is named with: `eks-oom-alerts/<cluster>/<alarm>`, readable in a
 * notification, and what PagerDuty's rule matches (a cluster name has no `/`, so no other cluster's alarm does).
 */
export function alarmNamePrefix(clusterName: string): string {
  return `eks-oom-alerts/${clusterName}/`;
}

/**
 * What the alarms are named with that PagerDuty's rules must never forward: `eks-oom-alerts-unpaged/<cluster>/`,
 * outside `alarmNamePrefix` (its first part differs). They reach the alarm topic only.
 */
export function unpagedAlarmNamePrefix(clusterName: string): string {
  return `eks-oom-alerts-unpaged/${clusterName}/`;
}

/**
 * The pipeline's own alarms, each sent to the alarm topic. Alarms are billed per metric they watch (metric math
 * and queries included): the default stack watches eighteen. Lambda Errors are left to the dead-letter queues
 * they end in; what Lambda cannot hand to a dead-letter queue or destination has alarms of its own.
 */
export function createPipelineAlarms(
  scope: Construct,
  pipeline: MonitoredPipeline,
  alarmTopic: sns.ITopic,
): cloudwatch.Alarm[] {
  const { clusterName } = pipeline;
  const alarm = alarmFactory(
    scope,
    new cloudwatchActions.SnsAction(alarmTopic),
    alarmNamePrefix(clusterName),
  );
  const silence = pipeline.silentNodeAfter.toMinutes();
  const alarms = [
    ...Object.entries(pipeline.deadLetterQueues).map(([name, queue]) =>
      alarm({
        id: `${capitalised(name)}DeadLetterQueueDepth`,
        description: `${name} dead-letter queue: ${DEAD_LETTERS[name] ?? 'messages that were not delivered.'}`,
        metric: deadLetterQueueDepth(queue),
        threshold: 1,
      }),
    ),
    // The depth alarm stays in ALARM while its first message is kept: these fire again at each new one.
    ...Object.entries(pipeline.deadLetterQueues).map(([name, queue]) =>
      alarm({
        id: `${capitalised(name)}NewDeadLetters`,
        description: `New messages in the ${name} dead-letter queue, whatever it held already: ${DEAD_LETTERS[name] ?? 'messages that were not delivered.'}`,
        metric: pipeline.redriveDeadLetterQueues.includes(name)
          ? deadLetterQueueGrowth(queue)
          : deadLettersSent(queue),
        threshold: 1,
      }),
    ),
    alarm({
      id: 'EventsQueueStalled',
      description: `The oldest OOM event in the events queue has waited ${pipeline.eventsQueueRetriedFor.toMinutes() * 2} minutes, twice as long as enrich's five receives take: enrich is not polling (event source mapping disabled, permissions, throttled to zero). SQS deletes unread events after 4 days without a dead letter.`,
      metric: oldestMessageAge(pipeline.eventsQueue),
      threshold: pipeline.eventsQueueRetriedFor.toSeconds() * 2,
    }),
    ...pipeline.functionsWithDeadLetterQueue.map((fn) =>
      alarm({
        id: `${capitalised(fn)}DeadLetterErrors`,
        description: `Lambda could not send failed ${fn} invocations to their dead-letter queue (queue policy, size, SQS or KMS errors): those events are lost without a dead letter.`,
        metric: failureHandOffErrors(pipeline.functions[fn], 'DeadLetterErrors'),
        threshold: 1,
      }),
    ),
    ...pipeline.functionsWithFailureDestination.map((fn) =>
      alarm({
        id: `${capitalised(fn)}DestinationDeliveryFailures`,
        description: `Lambda could not send failed ${fn} invocations to their on-failure destination (the notify dead-letter queue): those events are lost without a dead letter.`,
        metric: failureHandOffErrors(pipeline.functions[fn], 'DestinationDeliveryFailures'),
        threshold: 1,
      }),
    ),
    alarm({
      id: 'FormatDrift',
      description:
        'The kernel printed OOM lines no recognizer understands: a new kernel format. Run the unrecognised-lines check on the kernel log group.',
      metric: pipelineMetric(clusterName, 'parse', METRICS.unrecognisedOomLines, Duration.minutes(15)),
      threshold: 1,
    }),
    alarm({
      id: 'EnrichmentUnavailable',
      description:
        'Alerts went out without pod names because the EKS API could not be reached: check the access entry, the reader RBAC, network path and endpoint.',
      metric: pipelineMetric(clusterName, 'enrich', METRICS.enrichmentUnavailable, Duration.minutes(15)),
      threshold: 1,
    }),
    alarm({
      id: 'UnverifiedDuplicates',
      description:
        'enrich skipped kills as duplicates without a record of their delivery: a "publishing" claim whose lease ran out (the invocation died while handing it to the bus), or a kill dated more than 30 days back (a replay, or a wrong clock). Each may be a kill nobody was alerted to: the enrich log has "duplicate skipped" at warn with the event id.',
      metric: pipelineMetric(clusterName, 'enrich', METRICS.unverifiedDuplicates, Duration.minutes(15)),
      threshold: 1,
    }),
    alarm({
      id: 'MalformedPayloads',
      description:
        'parse dropped subscription payloads it could not decode: the kernel lines in them were not read. The parse log says why ("Malformed subscription payload dropped").',
      metric: pipelineMetric(clusterName, 'parse', METRICS.malformedPayloads, Duration.minutes(15)),
      threshold: 1,
    }),
    alarm({
      id: 'KernelLogSilent',
      description: `No kernel line reached ${pipeline.kernelLogGroupName} in ${silence} minutes: no node ships (shipper down, credentials, quota, group deleted). OOM kills go unseen.`,
      metric: kernelLogIncoming(pipeline.kernelLogGroupName, pipeline.silentNodeAfter),
      threshold: 1,
      comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      // IncomingLogEvents has no datapoint while nothing arrives: that silence is the alarm.
      missingData: cloudwatch.TreatMissingData.BREACHING,
    }),
    alarm({
      id: 'SubscriptionDeliveryErrors',
      description:
        'CloudWatch Logs could not hand kernel lines to parse (throttled, or its permission to invoke parse is gone): OOM reports may be lost.',
      metric: subscriptionDeliveryErrors(pipeline.kernelLogGroupName, pipeline.subscriptionFilterName),
      threshold: 1,
    }),
    alarm({
      id: 'NodesNotShipping',
      description: `Nodes have sent no kernel line for more than ${silence} minutes, for 15 minutes now: OOM kills on them go unseen. The watch function's log names them.`,
      metric: pipelineMetric(clusterName, 'watch', METRICS.nodesNotShipping, Duration.minutes(5)),
      threshold: 1,
      periods: 3,
    }),
    alarm({
      id: 'AlertDeliveryFailures',
      description:
        'SNS could not deliver OOM alerts to a subscriber (an e-mail address bounced, an SMS was refused or the SMS spend limit reached).',
      metric: alertDeliveryFailures(pipeline.alertTopic),
      threshold: 1,
    }),
  ];
  if (pipeline.chatTopic !== undefined) {
    alarms.push(
      alarm({
        id: 'ChatPublishFailures',
        description:
          'notify could not publish alerts or digests to the chat topic (throttled, KMS, permissions): with e-mail or SMS recipients as well they are not retried, so the chat channel missed them. The notify log says which ("delivery step failed", step chat).',
        metric: pipelineMetric(clusterName, 'notify', METRICS.chatPublishFailures, Duration.minutes(5)),
        threshold: 1,
      }),
      alarm({
        id: 'ChatDeliveryFailures',
        description:
          "SNS delivery attempts to AWS Chatbot failed (throttled, 5xx, timeout). Chatbot is an HTTPS subscriber, for which SNS's NumberOfNotificationsFailed counts every failed attempt, retries included: a message SNS delivered on a later retry counts too, so the channel may not have missed it. What Chatbot took and then dropped is not counted here: Chatbot's own log (us-east-1, /aws/chatbot/<configuration>) says why it dropped any it received.",
        metric: alertDeliveryFailures(pipeline.chatTopic),
        threshold: 1,
      }),
    );
  }
  const pagesDlq = pipeline.alarmPagesDeadLetterQueue;
  if (pagesDlq !== undefined) {
    alarms.push(
      alarm({
        id: 'PagerDutyAlarmDeadLetters',
        // Named outside the prefix PagerDuty's rules match: paged, a failed page would raise it and page again.
        name: `${unpagedAlarmNamePrefix(clusterName)}PagerDutyAlarmDeadLetters`,
        description:
          "PagerDuty did not take a pipeline alarm's state change within an hour of retries (routing key revoked or rotated, event refused, PagerDuty unreachable): that alarm paged no one, or its incident was not resolved. The message in the alarm-pages dead-letter queue holds the state change and the error. This alarm is never sent to PagerDuty.",
        metric: deadLettersSent(pagesDlq),
        threshold: 1,
      }),
    );
  }
  if (pipeline.smsSpendAlarmUsd !== undefined) {
    alarms.push(
      alarm({
        id: 'SmsSpend',
        description: `The account's SMS spend this month reached $${pipeline.smsSpendAlarmUsd}: at its SMS spending quota ($1.00 for a new account) SNS stops sending SMS.`,
        metric: smsMonthToDateSpend(),
        threshold: pipeline.smsSpendAlarmUsd,
      }),
    );
  }
  return alarms;
}

interface AlarmRule {
  id: string;
  /** @default the cluster's alarm name prefix, then the id */
  name?: string;
  description: string;
  metric: cloudwatch.IMetric;
  threshold: number;
  /** @default at or over the threshold */
  comparison?: cloudwatch.ComparisonOperator;
  /** Consecutive periods that must breach. @default 1 */
  periods?: number;
  /** @default missing data is fine: most of these metrics are only sent when not zero */
  missingData?: cloudwatch.TreatMissingData;
}

/** Every alarm alike but for its rule, named by its id, with the action on alarm. */
function alarmFactory(scope: Construct, action: cloudwatch.IAlarmAction, namePrefix: string) {
  return (rule: AlarmRule): cloudwatch.Alarm => {
    const created = new cloudwatch.Alarm(scope, rule.id, {
      alarmName: rule.name ?? `${namePrefix}${rule.id}`,
      alarmDescription: rule.description,
      metric: rule.metric,
      threshold: rule.threshold,
      evaluationPeriods: rule.periods ?? 1,
      datapointsToAlarm: rule.periods ?? 1,
      comparisonOperator: rule.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: rule.missingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    created.addAlarmAction(action);
    return created;
  };
}
