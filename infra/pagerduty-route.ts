import {
  Duration,
  type SecretValue,
  aws_events as events,
  aws_events_targets as targets,
  type aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EVENT_SOURCE, type Impact } from '../shared/oom-event.ts';

/** PagerDuty Events API v2 (developer.pagerduty.com, "Send an Alert Event"). */
export const PAGERDUTY_ENQUEUE_URL = 'https://events.pagerduty.com/v2/enqueue';

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

/**
 * How bad a kill is, as PagerDuty ranks it. A host process is the node itself out of memory; a container that
 * restarted, a pod that is gone, and a kill nobody could place are outages until shown otherwise; a child
 * process killed in a container that kept running is a warning.
 */
export const PAGERDUTY_SEVERITY: Readonly<Record<Impact, PagerDutySeverity>> = {
  'host-process': 'critical',
  'container-restarted': 'error',
  'pod-deleted': 'error',
  unknown: 'error',
  'process-killed-container-running': 'warning',
};

/** PagerDuty takes about 120 events a minute per routing key, and refuses the rest with 429. */
const RATE_LIMIT_PER_SECOND = 2;

export interface PagerDutyRouteProps {
  readonly eventBus: events.IEventBus;
  /** The integration key of a PagerDuty service's Events API v2 integration, resolved at deploy time. */
  readonly routingKey: SecretValue;
  /** Where a kill lands that PagerDuty did not take after EventBridge's retries. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * The pipeline's alarms to PagerDuty as well. An alarm going to ALARM triggers an incident, going back to OK
   * resolves it.
   * @default none
   */
  readonly alarms?: AlarmsToPagerDuty;
}

export interface AlarmsToPagerDuty {
  /** The alarms whose name starts with this. */
  readonly namePrefix: string;
  /**
   * Where a state change lands that PagerDuty did not take. Not the kills' queue: an alarm on that one is named
   * with the prefix, so each failed page would raise it and page again. The alarm on this queue must be named
   * outside the prefix.
   */
  readonly deadLetterQueue: sqs.IQueue;
}

/** EventBridge's most; its default is 185 as well. */
const RETRY_ATTEMPTS = 185;
/**
 * An alarm's state change is worth paging for within the hour: a day-old trigger is noise, and a resolve sent
 * after a later trigger of the same alarm would close that live incident.
 */
const ALARM_EVENT_MAX_AGE = Duration.hours(1);

/**
 * The Events API v2 body for one event of the bus; `routing_key` is added by the connection. Values that may be
 * absent (an unresolved pod has no `kubernetes`) appear only inside the summary text, never as a field of
 * their own.
 */
function alertEvent(severity: PagerDutySeverity): events.RuleTargetInput {
  const field = (path: string): string => events.EventField.fromPath(path);
  return events.RuleTargetInput.fromObject({
    event_action: 'trigger',
    // One PagerDuty alert per kill: a re-delivery of the same event joins it.
    dedup_key: field('$.detail.id'),
    payload: {
      summary: `OOM kill of process ${field('$.detail.victim.name')} (${field('$.detail.impact')}) in ${field('$.detail.kubernetes.namespace')}/${field('$.detail.kubernetes.pod')} on ${field('$.detail.node')}, cluster ${field('$.detail.cluster')}`,
      source: `${field('$.detail.cluster')}/${field('$.detail.node')}`,
      severity,
      // The kill's own time when the kernel gave one (shared/event-bus-entry.ts), else when it was published.
      timestamp: field('$.time'),
      class: field('$.detail-type'),
      custom_details: field('$.detail'),
    },
  });
}

/**
 * An alarm's state change (the default bus's `CloudWatch Alarm State Change`) as an Events API v2 body: one
 * PagerDuty alert per alarm, keyed by its name, so that its next ALARM after an OK opens a new incident. Only the
 * name goes into the summary text; the reason and description, which may hold quotes, stay in the details.
 */
function alarmEvent(action: 'trigger' | 'resolve'): events.RuleTargetInput {
  const field = (path: string): string => events.EventField.fromPath(path);
  const dedup = field('$.detail.alarmName');
  if (action === 'resolve')
    return events.RuleTargetInput.fromObject({ event_action: action, dedup_key: dedup });
  return events.RuleTargetInput.fromObject({
    event_action: action,
    dedup_key: dedup,
    payload: {
      summary: `eks-oom-alerts pipeline alarm ${dedup} is in ALARM: OOM kills may go unseen or unalerted`,
      source: `CloudWatch alarms, ${field('$.account')} ${field('$.region')}`,
      severity: 'error',
      timestamp: field('$.time'),
      class: field('$.detail-type'),
      custom_details: field('$.detail'),
    },
  });
}

/**
 * Each kill on the bus to PagerDuty through an EventBridge API destination, one rule per severity (an input
 * transformer cannot choose a value). The connection needs an authorization although PagerDuty reads only the
 * body's `routing_key`: it sends the same key as a header, which PagerDuty ignores, rather than a made-up one.
 */
export class PagerDutyRoute extends Construct {
  readonly rules: readonly events.Rule[];
  /** With `alarms`: the rules of the pipeline's alarms, on the default bus. */
  readonly alarmRules: readonly events.Rule[];

  constructor(scope: Construct, id: string, props: PagerDutyRouteProps) {
    super(scope, id);
    const connection = new events.Connection(this, 'Connection', {
      description: 'PagerDuty Events API v2: the routing key goes in the body',
      authorization: events.Authorization.apiKey('X-Routing-Key', props.routingKey),
      bodyParameters: { routing_key: events.HttpParameter.fromSecret(props.routingKey) },
    });
    const destination = new events.ApiDestination(this, 'Destination', {
      connection,
      endpoint: PAGERDUTY_ENQUEUE_URL,
      httpMethod: events.HttpMethod.POST,
      rateLimitPerSecond: RATE_LIMIT_PER_SECOND,
    });
    const target = (event: events.RuleTargetInput) =>
      new targets.ApiDestination(destination, {
        event,
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: RETRY_ATTEMPTS,
        maxEventAge: Duration.hours(24),
      });
    const severities = [...new Set(Object.values(PAGERDUTY_SEVERITY))];
    this.rules = severities.map((severity) => {
      const impacts = (Object.keys(PAGERDUTY_SEVERITY) as Impact[]).filter(
        (impact) => PAGERDUTY_SEVERITY[impact] === severity,
      );
      return new events.Rule(this, `${severity.charAt(0).toUpperCase()}${severity.slice(1)}`, {
        eventBus: props.eventBus,
        description: `OOM kills of impact ${impacts.join(', ')} to PagerDuty as ${severity}`,
        eventPattern: { source: [EVENT_SOURCE], detail: { impact: impacts } },
        targets: [target(alertEvent(severity))],
      });
    });
    const alarms = props.alarms;
    const alarmTarget = (event: events.RuleTargetInput, queue: sqs.IQueue) =>
      new targets.ApiDestination(destination, {
        event,
        deadLetterQueue: queue,
        retryAttempts: RETRY_ATTEMPTS,
        maxEventAge: ALARM_EVENT_MAX_AGE,
      });
    this.alarmRules =
      alarms === undefined
        ? []
        : (['ALARM', 'OK'] as const).map(
            (state) =>
              // No eventBus: CloudWatch sends alarm state changes to the account's default bus.
              new events.Rule(this, state === 'ALARM' ? 'AlarmTrigger' : 'AlarmResolve', {
                description: `Pipeline alarms ${alarms.namePrefix}… going to ${state}, to PagerDuty`,
                eventPattern: {
                  source: ['aws.cloudwatch'],
                  detailType: ['CloudWatch Alarm State Change'],
                  detail: { alarmName: [{ prefix: alarms.namePrefix }], state: { value: [state] } },
                },
                targets: [
                  alarmTarget(alarmEvent(state === 'ALARM' ? 'trigger' : 'resolve'), alarms.deadLetterQueue),
                ],
              }),
          );
  }
}
