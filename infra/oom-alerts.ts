import {
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
  aws_cloudwatch as cloudwatch,
  aws_dynamodb as dynamodb,
  aws_eks as eks,
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
import { INSIGHTS_QUERIES } from '../shared/insights-queries.ts';
import { METRIC_NAMESPACE } from '../shared/metric-names.ts';
import { EVENT_SOURCE } from '../shared/oom-event.ts';
import { ENV } from '../shared/runtime-config.ts';
import { STATE_TABLE } from '../shared/state-table-keys.ts';
import { KERNEL_OOM_FILTER_PATTERN } from '../shared/subscription-pattern.ts';
import { shipKernelLogs, subscriptionFilterQuotaErrors } from './kernel-log-source.ts';
import { createPipelineAlarms } from './monitoring/pipeline-alarms.ts';
import { createPipelineDashboard } from './monitoring/pipeline-dashboard.ts';
import type { MonitoredPipeline } from './monitoring/pipeline-metrics.ts';
import { nagText } from './nag-acknowledgements.ts';
import { type OomAlertsProps, resolveProps } from './oom-alerts-props.ts';
import {
  type FunctionName,
  clusterClientSecurityGroup,
  functionRole,
  nodeFunction,
} from './pipeline-function.ts';

export type { ClusterNetwork, KernelLogSource, KubectlAccess, OomAlertsProps } from './oom-alerts-props.ts';

/** AWS managed EKS access policy equal to the Kubernetes `view` role: get/list pods, events, ReplicaSets, Jobs. */
const EKS_VIEW_POLICY = 'AmazonEKSViewPolicy';

/**
 * Every kernel OOM kill on the cluster's nodes becomes one alert naming the pod, namespace, container and
 * workload. Reads top to bottom like the pipeline: kernel log group → subscription → parse → SQS → enrich →
 * EventBridge → notify → SNS + events log group, then saved queries, alarms and a dashboard (infra/monitoring/).
 */
export class OomAlerts extends Construct {
  readonly kernelLogGroup: logs.ILogGroup;
  readonly stateTable: dynamodb.Table;
  readonly eventsQueue: sqs.Queue;
  readonly eventBus: events.EventBus;
  /** Alerts per OOM kill (email, SMS); add your own subscriptions here. */
  readonly alertTopic: sns.Topic;
  /** The pipeline's own alarms (DLQ depth, errors, format drift, enrichment unavailable). */
  readonly alarmTopic: sns.Topic;
  readonly eventsLogGroup: logs.LogGroup;
  readonly functions: Readonly<Record<FunctionName, nodejs.NodejsFunction>>;
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly dashboard: cloudwatch.Dashboard;
  /** Ship mode without kubectl access: the file to `kubectl apply -f`. */
  readonly fluentBitManifestFile: string | undefined;

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
    if (config.kernelLogs.mode === 'ship') {
      const kernelLogGroup = new logs.LogGroup(this, 'KernelLogGroup', {
        logGroupName: `${prefix}/kernel`,
        retention: config.retention,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      this.kernelLogGroup = kernelLogGroup;
      this.fluentBitManifestFile = shipKernelLogs(this, config, clusterArn, kernelLogGroup);
    } else {
      this.kernelLogGroup = logs.LogGroup.fromLogGroupName(
        this,
        'KernelLogGroup',
        config.kernelLogs.logGroupName,
      );
      this.fluentBitManifestFile = undefined;
    }

    // Shared state: parse's partial reports, enrich's dedupe, notify's storm groups.
    this.stateTable = new dynamodb.Table(this, 'StateTable', {
      partitionKey: { name: STATE_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: STATE_TABLE.ttlAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const roles = {
      parse: functionRole(this, 'parse'),
      enrich: functionRole(this, 'enrich'),
      notify: functionRole(this, 'notify'),
    };
    const common = {
      [ENV.clusterName]: config.clusterName,
      [ENV.stateTableName]: this.stateTable.tableName,
      POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
    };

    // parse → SQS (delayed so the kubelet can update pod status; DLQ) → enrich.
    const eventsDlq = encryptedQueue(this, 'EventsDeadLetterQueue', { retentionPeriod: Duration.days(14) });
    const enrichTimeout = Duration.seconds(60);
    this.eventsQueue = encryptedQueue(this, 'EventsQueue', {
      deliveryDelay: config.enrichDelay,
      // AWS guidance for SQS event sources: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(enrichTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: eventsDlq, maxReceiveCount: 5 },
    });

    // The subscription invokes parse asynchronously: what still fails after Lambda's retries lands here.
    const parseDlq = encryptedQueue(this, 'ParseDeadLetterQueue', { retentionPeriod: Duration.days(14) });
    const parse = nodeFunction(this, 'parse', roles.parse, config.retention, {
      timeout: Duration.seconds(30),
      deadLetterQueue: parseDlq,
      environment: {
        ...common,
        [ENV.eventsQueueUrl]: this.eventsQueue.queueUrl,
        [ENV.enrichDelaySeconds]: String(config.enrichDelay.toSeconds()),
      },
    });
    this.eventsQueue.grantSendMessages(parse);
    this.stateTable.grantReadWriteData(parse);
    new logs.SubscriptionFilter(this, 'KernelOomLines', {
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
    const enrich = nodeFunction(this, 'enrich', roles.enrich, config.retention, {
      timeout: enrichTimeout,
      memorySize: 512,
      vpc: config.network?.vpc,
      vpcSubnets: config.network?.subnets,
      securityGroups: clusterClient ? [clusterClient] : undefined,
      environment: {
        ...common,
        [ENV.eventBusName]: this.eventBus.eventBusName,
        [ENV.kernelLogGroupName]: this.kernelLogGroup.logGroupName,
      },
    });
    enrich.addEventSource(
      new eventSources.SqsEventSource(this.eventsQueue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
      }),
    );
    this.stateTable.grantReadWriteData(enrich);
    this.eventBus.grantPutEventsTo(enrich);
    // Report context: enrich reads the kernel lines around a kill in this one group, nothing else.
    this.kernelLogGroup.grant(enrich, 'logs:FilterLogEvents');
    if (config.kernelLogs.mode === 'existing') {
      Validations.of(roles.enrich).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagText(stack.resolve(this.kernelLogGroup.logGroupArn))}]`,
        reason:
          'An imported log group is named by its ARN with the ":*" suffix: it is this one group and its streams.',
      });
    }
    roles.enrich.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['eks:DescribeCluster'], resources: [clusterArn] }),
    );
    new eks.CfnAccessEntry(this, 'EnrichAccessEntry', {
      clusterName: config.clusterName,
      principalArn: roles.enrich.roleArn,
      type: 'STANDARD',
      accessPolicies: [
        {
          policyArn: stack.formatArn({
            service: 'eks',
            region: '',
            account: 'aws',
            resource: 'cluster-access-policy',
            resourceName: EKS_VIEW_POLICY,
          }),
          accessScope: { type: 'cluster' },
        },
      ],
    });

    // notify → SNS (email, SMS) + one JSON line per event in the events log group.
    const key = new kms.Key(this, 'TopicKey', {
      description: `eks-oom-alerts ${config.clusterName}: SNS topics`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch alarms publish to the encrypted alarm topic.
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alertTopic = new sns.Topic(this, 'AlertTopic', {
      masterKey: key,
      enforceSSL: true,
      displayName: 'EKS OOM alerts',
    });
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
    for (const email of config.alertEmails) {
      this.alertTopic.addSubscription(new subscriptions.EmailSubscription(email));
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    for (const phone of config.alertPhoneNumbers)
      this.alertTopic.addSubscription(new subscriptions.SmsSubscription(phone));

    this.eventsLogGroup = new logs.LogGroup(this, 'EventsLogGroup', {
      logGroupName: `${prefix}/events`,
      retention: config.retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const notify = nodeFunction(this, 'notify', roles.notify, config.retention, {
      timeout: Duration.seconds(30),
      environment: {
        ...common,
        [ENV.topicArn]: this.alertTopic.topicArn,
        [ENV.groupingWindowMinutes]: String(config.groupingWindow.toMinutes()),
        [ENV.eventsLogGroupName]: this.eventsLogGroup.logGroupName,
      },
    });
    this.alertTopic.grantPublish(notify);
    Validations.of(roles.notify).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Publishing to a KMS-encrypted topic needs GenerateDataKey* (the SNS-documented action set), on this one key only.',
    });
    this.stateTable.grantReadWriteData(notify);
    this.eventsLogGroup.grantWrite(notify);
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
    // Flushes storm groups whose window closed without a further kill.
    new events.Rule(this, 'NotifySchedule', {
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [notifyTarget],
    });

    this.functions = { parse, enrich, notify };

    for (const query of INSIGHTS_QUERIES) {
      new logs.CfnQueryDefinition(this, `Query-${query.name}`, {
        name: `eks-oom-alerts/${config.clusterName}/${query.name}`,
        queryString: query.queryString,
        logGroupNames: [this.eventsLogGroup.logGroupName],
      });
    }

    // The pipeline's own health: alarms to the alarm topic, and one dashboard.
    const monitored: MonitoredPipeline = {
      clusterName: config.clusterName,
      functions: this.functions,
      eventsQueue: this.eventsQueue,
      deadLetterQueues: { events: eventsDlq, parse: parseDlq, notify: notifyDlq },
      eventsLogGroup: this.eventsLogGroup,
    };
    this.alarms = createPipelineAlarms(this, monitored, this.alarmTopic);
    this.dashboard = createPipelineDashboard(this, monitored, this.alarms);
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
