import {
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
  aws_cloudwatch as cloudwatch,
  aws_dynamodb as dynamodb,
  aws_events as events,
  aws_events_targets as targets,
  aws_iam as iam,
  aws_kms as kms,
  aws_lambda_destinations as lambdaDestinations,
  aws_lambda_event_sources as eventSources,
  aws_lambda_nodejs as nodejs,
  aws_logs as logs,
  aws_logs_destinations as logDestinations,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PIPELINE_WAITS } from '../shared/pipeline-waits.ts';
import { INSIGHTS_QUERIES } from '../shared/insights-queries.ts';
import { METRIC_NAMESPACE } from '../shared/metric-names.ts';
import { EVENT_SOURCE } from '../shared/oom-event.ts';
import { ENV } from '../shared/runtime-config.ts';
import { SMS_FILTER, type SmsFor } from '../shared/alert-format/sms-policy.ts';
import { STATE_TABLE } from '../shared/state-table-keys.ts';
import { KERNEL_OOM_FILTER_PATTERN } from '../shared/subscription-pattern.ts';
import {
  type FluentBitRelease,
  applyKubernetesObjects,
  fluentBitIdentity,
  subscriptionFilterQuotaErrors,
} from './kernel-log-source.ts';
import { ChatDelivery } from './chat-channels.ts';
import { grantClusterRead } from './kubernetes-access.ts';
import { alarmNamePrefix, createPipelineAlarms } from './monitoring/pipeline-alarms.ts';
import { createPipelineDashboard, dashboardNameOf } from './monitoring/pipeline-dashboard.ts';
import type { MonitoredPipeline } from './monitoring/pipeline-metrics.ts';
import { acknowledgeUnencryptedAlarmTopic, nagText } from './nag-acknowledgements.ts';
import { type OomAlertsProps, resolveProps } from './oom-alerts-props.ts';
import { PagerDutyRoute } from './pagerduty-route.ts';
import {
  type FunctionName,
  clusterClientSecurityGroup,
  functionRole,
  nodeFunction,
} from './pipeline-function.ts';
import { STATE_TABLE_ACCESS, grantStateTable } from './state-table-access.ts';

export type { ClusterNetwork, KernelLogSource, KubectlAccess, OomAlertsProps } from './oom-alerts-props.ts';
export type { ChatChannels, SlackChannel, TeamsChannel } from './chat-channels.ts';

/** Receives of an events queue message before SQS moves it to the dead-letter queue. */
const EVENTS_MAX_RECEIVES = 5;

/** At most this many enrich invocations at once: a storm of kills must not flood the API server. */
const ENRICH_MAX_CONCURRENCY = 5;

/**
 * Every kernel OOM kill on the cluster's nodes becomes one alert naming the pod, namespace, container and
 * workload. Reads top to bottom like the pipeline: kernel log group → subscription → parse → SQS → enrich →
 * EventBridge → notify → SNS + events log group, then saved queries, the shipping check (watch), alarms and an
 * optional dashboard (infra/monitoring/).
 */
export class OomAlerts extends Construct {
  readonly kernelLogGroup: logs.ILogGroup;
  readonly stateTable: dynamodb.Table;
  readonly eventsQueue: sqs.Queue;
  readonly eventBus: events.EventBus;
  /** Alerts per OOM kill (email, SMS); add your own subscriptions here. */
  readonly alertTopic: sns.Topic;
  /**
   * The pipeline's own alarms (dead letters, blind nodes, silent kernel log, format drift …): to the e-mail
   * addresses, or without one to the SMS numbers and chat channels (PagerDuty reads the alarms' state changes).
   */
  readonly alarmTopic: sns.Topic;
  /** With `chatChannels`: AWS Chatbot's custom notifications, one per alert and digest. */
  readonly chatTopic: sns.Topic | undefined;
  readonly eventsLogGroup: logs.LogGroup;
  readonly functions: Readonly<Record<FunctionName, nodejs.NodejsFunction>>;
  readonly alarms: readonly cloudwatch.Alarm[];
  /** What notify alerts with, as resolved from the props; the standalone stack outputs them for backfill. */
  readonly alertSettings: {
    readonly groupingWindowMinutes: number;
    readonly smsFor: SmsFor;
    readonly runbookUrl: string | undefined;
  };
  /** With `dashboard: true` only. */
  readonly dashboard: cloudwatch.Dashboard | undefined;
  /** Without kubectl access: the file to `kubectl apply -f` (reader RBAC, and Fluent Bit in ship mode). */
  readonly kubernetesManifestFile: string | undefined;

  constructor(scope: Construct, id: string, props: OomAlertsProps) {
    super(scope, id);
    const config = resolveProps(this, props);
    const stack = Stack.of(this);
    const prefix = `/eks-oom-alerts/${config.clusterName}`;
    const clusterArn = stack.formatArn({
      service: 'eks',
      resource: 'cluster',
      resourceName: config.clusterName,
    });

    // Node kernel → Fluent Bit → CloudWatch Logs, one stream per node.
    let fluentBit: FluentBitRelease | undefined;
    if (config.kernelLogs.mode === 'ship') {
      const kernelLogGroup = new logs.LogGroup(this, 'KernelLogGroup', {
        logGroupName: `${prefix}/kernel`,
        retention: config.retention,
        encryptionKey: config.encryptionKey,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      this.kernelLogGroup = kernelLogGroup;
      fluentBit = {
        logGroup: kernelLogGroup,
        logGroupName: `${prefix}/kernel`,
        ...fluentBitIdentity(this, config, clusterArn, kernelLogGroup),
      };
    } else {
      this.kernelLogGroup = logs.LogGroup.fromLogGroupName(
        this,
        'KernelLogGroup',
        config.kernelLogs.logGroupName,
      );
    }
    // What the functions may read in the cluster, and ship mode's Fluent Bit.
    this.kubernetesManifestFile = applyKubernetesObjects(this, config, fluentBit);

    // Shared state: parse's partial reports, enrich's dedupe, notify's storm groups.
    this.stateTable = new dynamodb.Table(this, 'StateTable', {
      partitionKey: { name: STATE_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: STATE_TABLE.ttlAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
      // Without the organization's key, DynamoDB's own (AWS owned) encryption.
      ...(config.encryptionKey && {
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: config.encryptionKey,
      }),
    });

    const roles = {
      parse: functionRole(this, 'parse'),
      enrich: functionRole(this, 'enrich'),
      notify: functionRole(this, 'notify'),
      watch: functionRole(this, 'watch'),
    };
    const logging = { groupPrefix: prefix, retention: config.retention, encryptionKey: config.encryptionKey };
    const common = {
      [ENV.clusterName]: config.clusterName,
      [ENV.stateTableName]: this.stateTable.tableName,
      POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
    };

    // parse → SQS (delayed so the kubelet can update pod status; DLQ) → enrich.
    const eventsDlq = encryptedQueue(this, 'EventsDeadLetterQueue', { retentionPeriod: Duration.days(14) });
    const enrichTimeout = Duration.seconds(60);
    // AWS guidance for SQS event sources: at least six times the function timeout.
    const eventsVisibility = Duration.seconds(enrichTimeout.toSeconds() * 6);
    this.eventsQueue = encryptedQueue(this, 'EventsQueue', {
      deliveryDelay: config.enrichDelay,
      visibilityTimeout: eventsVisibility,
      deadLetterQueue: { queue: eventsDlq, maxReceiveCount: EVENTS_MAX_RECEIVES },
    });

    // The subscription invokes parse asynchronously: what still fails after Lambda's retries lands here.
    const parseDlq = encryptedQueue(this, 'ParseDeadLetterQueue', { retentionPeriod: Duration.days(14) });
    const parse = nodeFunction(this, 'parse', roles.parse, logging, {
      timeout: Duration.seconds(30),
      deadLetterQueue: parseDlq,
      environment: {
        ...common,
        [ENV.eventsQueueUrl]: this.eventsQueue.queueUrl,
        [ENV.enrichDelaySeconds]: String(config.enrichDelay.toSeconds()),
      },
    });
    this.eventsQueue.grantSendMessages(parse);
    grantStateTable(this.stateTable, roles.parse, STATE_TABLE_ACCESS.parse);
    const subscription = new logs.SubscriptionFilter(this, 'KernelOomLines', {
      logGroup: this.kernelLogGroup,
      destination: new logDestinations.LambdaDestination(parse),
      filterPattern: logs.FilterPattern.literal(KERNEL_OOM_FILTER_PATTERN),
    });
    this.node.addValidation({ validate: () => subscriptionFilterQuotaErrors(this, config.kernelLogs) });

    // enrich → EventBridge bus (the source of truth for consumers).
    this.eventBus = new events.EventBus(this, 'EventBus', {
      eventBusName: `eks-oom-alerts-${config.clusterName}`,
    });
    const clusterClient = config.network ? clusterClientSecurityGroup(this, config.network) : undefined;
    const enrich = nodeFunction(this, 'enrich', roles.enrich, logging, {
      timeout: enrichTimeout,
      memorySize: 512,
      vpc: config.network?.vpc,
      vpcSubnets: config.network?.subnets,
      securityGroups: clusterClient ? [clusterClient] : undefined,
      environment: {
        ...common,
        [ENV.eventBusName]: this.eventBus.eventBusName,
        [ENV.kernelLogGroupName]: this.kernelLogGroup.logGroupName,
        ...(config.kubernetesEvents && { [ENV.kubernetesEvents]: 'true' }),
      },
    });
    enrich.addEventSource(
      new eventSources.SqsEventSource(this.eventsQueue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(PIPELINE_WAITS.enrichBatchWindowSeconds),
        reportBatchItemFailures: true,
        maxConcurrency: ENRICH_MAX_CONCURRENCY,
      }),
    );
    grantStateTable(this.stateTable, roles.enrich, STATE_TABLE_ACCESS.enrich);
    this.eventBus.grantPutEventsTo(enrich);
    // Report context: enrich reads the kernel lines around a kill in this one group, nothing else.
    this.kernelLogGroup.grant(enrich, 'logs:FilterLogEvents');
    if (config.kernelLogs.mode === 'existing') {
      for (const role of [roles.enrich, roles.watch]) {
        Validations.of(role).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagText(stack.resolve(this.kernelLogGroup.logGroupArn))}]`,
          reason:
            'An imported log group is named by its ARN with the ":*" suffix: it is this one group and its streams.',
        });
      }
    }
    for (const role of [roles.enrich, roles.watch]) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['eks:DescribeCluster'], resources: [clusterArn] }),
      );
    }
    // No EKS access policy: the group's ClusterRole (infra/kubernetes-access.ts) reads pods, events, owners, nodes.
    grantClusterRead(
      this,
      config.clusterName,
      { enrich: roles.enrich, watch: roles.watch },
      config.kubernetesEvents ? ['enrich'] : [],
    );

    // notify → SNS (email, SMS) + one JSON line per event in the events log group. No key to pay for by default:
    // alerts under SNS's AWS-managed key. CloudWatch alarms cannot publish to a topic under that key (its policy
    // cannot be changed), so the alarm topic is encrypted only with the organization's key.
    const alertKey = config.encryptionKey ?? kms.Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns');
    this.alertTopic = new sns.Topic(this, 'AlertTopic', {
      masterKey: alertKey,
      enforceSSL: true,
      displayName: 'EKS OOM alerts',
    });
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      masterKey: config.encryptionKey,
      enforceSSL: true,
    });
    if (config.encryptionKey === undefined) acknowledgeUnencryptedAlarmTopic(this.alarmTopic);
    // The alarms go to whoever gets the alerts: the e-mail addresses; without one, every other channel there is
    // (SMS, chat, PagerDuty), so that a pipeline gone blind does not alarm into a topic nobody reads.
    const alarmsByEmail = config.alertEmails.length > 0;
    for (const email of config.alertEmails) {
      this.alertTopic.addSubscription(new subscriptions.EmailSubscription(email));
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    // notify marks each alert `sms` = `send` or `skip` (context `smsFor`); e-mail has no filter: every alert.
    const smsFilterPolicy = {
      [SMS_FILTER.attribute]: sns.SubscriptionFilter.stringFilter({ allowlist: [SMS_FILTER.send] }),
    };
    for (const phone of config.alertPhoneNumbers) {
      this.alertTopic.addSubscription(
        new subscriptions.SmsSubscription(phone, { filterPolicy: smsFilterPolicy }),
      );
      if (!alarmsByEmail) this.alarmTopic.addSubscription(new subscriptions.SmsSubscription(phone));
    }

    this.eventsLogGroup = new logs.LogGroup(this, 'EventsLogGroup', {
      logGroupName: `${prefix}/events`,
      retention: config.retention,
      encryptionKey: config.encryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.alertSettings = {
      groupingWindowMinutes: config.groupingWindow.toMinutes(),
      smsFor: config.smsFor,
      runbookUrl: config.runbookUrl,
    };
    const notify = nodeFunction(this, 'notify', roles.notify, logging, {
      timeout: Duration.seconds(30),
      environment: {
        ...common,
        [ENV.topicArn]: this.alertTopic.topicArn,
        [ENV.groupingWindowMinutes]: String(this.alertSettings.groupingWindowMinutes),
        [ENV.eventsLogGroupName]: this.eventsLogGroup.logGroupName,
        // Only for links in the alerts: notify reads neither.
        [ENV.kernelLogGroupName]: this.kernelLogGroup.logGroupName,
        ...(config.dashboard && { [ENV.dashboardName]: dashboardNameOf(config.clusterName) }),
        ...(config.runbookUrl !== undefined && { [ENV.runbookUrl]: config.runbookUrl }),
        [ENV.smsFor]: config.smsFor,
      },
    });
    this.alertTopic.grantPublish(notify);
    Validations.of(roles.notify).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Publishing to a KMS-encrypted topic needs GenerateDataKey* (the SNS-documented action set), on this one key only.',
    });
    grantStateTable(this.stateTable, roles.notify, STATE_TABLE_ACCESS.notify);
    this.eventsLogGroup.grantWrite(notify);
    // Slack and Teams through AWS Chatbot: notify publishes a chat message per alert and digest.
    if (config.chatChannels !== undefined) {
      const chat = new ChatDelivery(this, 'Chat', {
        clusterName: config.clusterName,
        channels: config.chatChannels,
        encryptionKey: config.encryptionKey,
        alarmTopic: alarmsByEmail ? undefined : this.alarmTopic,
      });
      notify.addEnvironment(ENV.chatTopicArn, chat.topic.topicArn);
      // No e-mail or SMS to send twice: a failed chat message is then retried, not only counted.
      if (config.alertEmails.length === 0 && config.alertPhoneNumbers.length === 0) {
        notify.addEnvironment(ENV.chatIsOnlyChannel, 'true');
      }
      chat.topic.grantPublish(notify);
      this.chatTopic = chat.topic;
    } else {
      this.chatTopic = undefined;
    }
    const notifyDlq = encryptedQueue(this, 'NotifyDeadLetterQueue', { retentionPeriod: Duration.days(14) });
    Validations.of(notifyDlq).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the EventBridge targets below, which cdk-nag does not recognise as DLQ use.',
    });
    // notify throws on purpose when SNS or the history write fails, so Lambda retries it; what still fails after
    // the retries lands in the same queue as what EventBridge could not deliver.
    notify.configureAsyncInvoke({
      retryAttempts: 2,
      onFailure: new lambdaDestinations.SqsDestination(notifyDlq),
    });
    const notifyTarget = new targets.LambdaFunction(notify, {
      deadLetterQueue: notifyDlq,
      retryAttempts: 185,
      maxEventAge: Duration.hours(24),
    });
    new events.Rule(this, 'NotifyOnOomEvents', {
      eventBus: this.eventBus,
      eventPattern: { source: [EVENT_SOURCE] },
      targets: [notifyTarget],
    });
    // The alarms' pages that PagerDuty did not take land apart from the kills': an alarm on the notify queue is
    // itself paged, and would page again at each page that failed.
    const pagesDlq =
      config.pagerDutyRoutingKey !== undefined && !alarmsByEmail
        ? encryptedQueue(this, 'AlarmPagesDeadLetterQueue', { retentionPeriod: Duration.days(14) })
        : undefined;
    if (pagesDlq !== undefined) {
      Validations.of(pagesDlq).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SQS3',
        reason:
          'This queue is the dead-letter queue of the PagerDuty alarm rules, which cdk-nag does not recognise as DLQ use.',
      });
    }
    if (config.pagerDutyRoutingKey !== undefined) {
      new PagerDutyRoute(this, 'PagerDuty', {
        eventBus: this.eventBus,
        routingKey: config.pagerDutyRoutingKey,
        deadLetterQueue: notifyDlq,
        alarms:
          pagesDlq === undefined
            ? undefined
            : { namePrefix: alarmNamePrefix(config.clusterName), deadLetterQueue: pagesDlq },
      });
    }
    // Flushes storm groups whose window closed without a further kill.
    new events.Rule(this, 'NotifySchedule', {
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [notifyTarget],
    });

    // watch: every 5 minutes, the cluster's nodes against the newest lines of their kernel streams. A check that
    // still fails after Lambda's retries lands in notify's dead-letter queue, whose alarm is already paid for.
    const watch = nodeFunction(this, 'watch', roles.watch, logging, {
      timeout: Duration.seconds(60),
      vpc: config.network?.vpc,
      vpcSubnets: config.network?.subnets,
      securityGroups: clusterClient ? [clusterClient] : undefined,
      environment: {
        [ENV.clusterName]: config.clusterName,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
        [ENV.kernelLogGroupName]: this.kernelLogGroup.logGroupName,
        [ENV.silentNodeMinutes]: String(config.silentNodeAfter.toMinutes()),
        [ENV.nodeGraceMinutes]: String(config.nodeGrace.toMinutes()),
      },
    });
    this.kernelLogGroup.grant(watch, 'logs:DescribeLogStreams');
    watch.configureAsyncInvoke({
      retryAttempts: 2,
      onFailure: new lambdaDestinations.SqsDestination(notifyDlq),
    });
    // Minutes 2, 7, 12…: each datapoint lands mid-way in one 5-minute period of the NodesNotShipping alarm (3 in a
    // row). A rate rule fires at an offset set at creation: near a period's edge, jitter leaves periods empty.
    new events.Rule(this, 'WatchSchedule', {
      schedule: events.Schedule.cron({ minute: '2/5' }),
      targets: [new targets.LambdaFunction(watch)],
    });

    this.functions = { parse, enrich, notify, watch };

    for (const query of INSIGHTS_QUERIES) {
      new logs.CfnQueryDefinition(this, `Query-${query.name}`, {
        name: `eks-oom-alerts/${config.clusterName}/${query.name}`,
        queryString: query.queryString,
        logGroupNames: [this.eventsLogGroup.logGroupName],
      });
    }

    // The pipeline's own health: alarms to the alarm topic, and a dashboard when asked for.
    const monitored: MonitoredPipeline = {
      clusterName: config.clusterName,
      functions: this.functions,
      eventsQueue: this.eventsQueue,
      deadLetterQueues: { events: eventsDlq, parse: parseDlq, notify: notifyDlq },
      redriveDeadLetterQueues: ['events'],
      alarmPagesDeadLetterQueue: pagesDlq,
      eventsQueueRetriedFor: Duration.seconds(
        config.enrichDelay.toSeconds() + EVENTS_MAX_RECEIVES * eventsVisibility.toSeconds(),
      ),
      functionsWithDeadLetterQueue: ['parse'],
      functionsWithFailureDestination: ['notify', 'watch'],
      eventsLogGroup: this.eventsLogGroup,
      kernelLogGroupName: this.kernelLogGroup.logGroupName,
      // Ref of an AWS::Logs::SubscriptionFilter is its name (CloudFormation template reference, "Return
      // values"), the value of the DeliveryErrors metric's FilterName dimension.
      subscriptionFilterName: (subscription.node.defaultChild as logs.CfnSubscriptionFilter)
        .subscriptionFilterRef.filterName,
      alertTopic: this.alertTopic,
      chatTopic: this.chatTopic,
      silentNodeAfter: config.silentNodeAfter,
      smsSpendAlarmUsd: config.alertPhoneNumbers.length > 0 ? config.smsSpendAlarmUsd : undefined,
    };
    this.alarms = createPipelineAlarms(this, monitored, this.alarmTopic);
    this.dashboard = config.dashboard ? createPipelineDashboard(this, monitored, this.alarms) : undefined;
  }
}

/** Every queue of the pipeline: SQS-managed encryption, TLS only. */
function encryptedQueue(scope: Construct, id: string, props: sqs.QueueProps): sqs.Queue {
  return new sqs.Queue(scope, id, {
    ...props,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
}
