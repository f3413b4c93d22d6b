import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Annotations,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  Stage,
  Token,
  Validations,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  aws_dynamodb as dynamodb,
  aws_ec2 as ec2,
  aws_eks as eks,
  aws_events as events,
  aws_events_targets as targets,
  aws_iam as iam,
  aws_kms as kms,
  aws_lambda as lambda,
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
import { CLUSTER_DIMENSION, METRICS, METRIC_NAMESPACE, METRIC_SERVICES } from '../shared/metric-names.ts';
import { EVENT_SOURCE } from '../shared/oom-event.ts';
import { ENV, STATE_TABLE } from '../shared/runtime-config.ts';
import { KERNEL_OOM_FILTER_PATTERN } from '../shared/subscription-pattern.ts';
import {
  FLUENT_BIT_NAMESPACE,
  FLUENT_BIT_SERVICE_ACCOUNT,
  fluentBitManifestText,
  fluentBitObjects,
} from './fluent-bit-manifests.ts';

/** CloudWatch Logs allows two subscription filters per log group (PutSubscriptionFilter API reference). */
export const SUBSCRIPTION_FILTERS_PER_LOG_GROUP = 2;

/**
 * Where the kernel lines come from.
 * - `ship`: the construct creates the kernel log group and the Fluent Bit DaemonSets that fill it.
 * - `existing`: subscribe to a group something else fills, e.g. Container Insights'
 *   `/aws/containerinsights/<cluster>/host`.
 */
export type KernelLogSource =
  | { readonly mode: 'ship' }
  | {
      readonly mode: 'existing';
      readonly logGroupName: string;
      /**
       * Subscription filters the group already has (`aws logs describe-subscription-filters`): synth
       * fails when ours would exceed the quota. CloudFormation cannot see them before deploying.
       * @default 0
       */
      readonly existingSubscriptionFilters?: number;
    };

/** Lets the construct apply the Fluent Bit manifests itself (ship mode). */
export interface KubectlAccess {
  /** An IAM role that is a cluster administrator (access entry or aws-auth) for kubectl to assume. */
  readonly roleArn: string;
  /** A kubectl layer, e.g. `KubectlV33Layer` from `@aws-cdk/lambda-layer-kubectl-v33`, matching the cluster. */
  readonly layer: lambda.ILayerVersion;
}

/** Private cluster endpoint: where the functions that call the Kubernetes API run. */
export interface ClusterNetwork {
  readonly vpc: ec2.IVpc;
  /** @default the VPC's private subnets */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * The cluster security group: when given, the construct allows HTTPS from its functions to it.
   * @default none: allow port 443 from the `ClusterClientSecurityGroup` yourself
   */
  readonly clusterSecurityGroupId?: string;
}

export interface OomAlertsProps {
  /** Name of the existing EKS cluster. Its authentication mode must be API or API_AND_CONFIG_MAP. */
  readonly clusterName: string;
  /**
   * Addresses that receive each OOM alert and the pipeline's own alarms.
   * @default none
   */
  readonly alertEmails?: readonly string[];
  /**
   * E.164 numbers (`+4915112345678`) that receive a short SMS per OOM alert.
   * @default none
   */
  readonly alertPhoneNumbers?: readonly string[];
  /** @default { mode: 'ship' } */
  readonly kernelLogs?: KernelLogSource;
  /**
   * Ship mode: apply the Fluent Bit manifests through a kubectl custom resource.
   * @default none: the manifests are written to `<outdir>/<stack>.fluent-bit.yaml` for `kubectl apply -f`
   */
  readonly kubectl?: KubectlAccess;
  /** @default the public cluster endpoint: functions run outside any VPC */
  readonly network?: ClusterNetwork;
  /**
   * Retention of the kernel, events and function log groups.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly retention?: logs.RetentionDays;
  /**
   * Kills of one workload within this window become one grouped alert.
   * @default Duration.minutes(10)
   */
  readonly groupingWindow?: Duration;
  /**
   * How long SQS holds a parsed kill before enrichment, so the kubelet can record the restart first.
   * @default Duration.seconds(30)
   */
  readonly enrichDelay?: Duration;
}

interface ResolvedProps {
  readonly clusterName: string;
  readonly alertEmails: readonly string[];
  readonly alertPhoneNumbers: readonly string[];
  readonly kernelLogs: KernelLogSource;
  readonly kubectl: KubectlAccess | undefined;
  readonly network: ClusterNetwork | undefined;
  readonly retention: logs.RetentionDays;
  readonly groupingWindow: Duration;
  readonly enrichDelay: Duration;
}

type FunctionName = 'parse' | 'enrich' | 'notify';

/**
 * Powertools `service` of each function: the one dimension of its pipeline metrics, which the alarms name.
 * Must equal the `serviceName` in functions/<name>/handler.ts (a test checks it).
 */

/** AWS managed EKS access policy equal to the Kubernetes `view` role: get/list pods, events, ReplicaSets, Jobs. */
const EKS_VIEW_POLICY = 'AmazonEKSViewPolicy';

function functionEntry(name: FunctionName): string {
  return fileURLToPath(new URL(`../functions/${name}/handler.ts`, import.meta.url));
}

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Every kernel OOM kill on the cluster's nodes becomes one alert naming the pod, namespace, container and
 * workload. Reads top to bottom like the pipeline: kernel log group → subscription → parse → SQS → enrich →
 * EventBridge → notify → SNS + events log group, then saved queries, alarms and a dashboard.
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
      this.fluentBitManifestFile = this.shipKernelLogs(config, clusterArn, kernelLogGroup);
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
    for (const index of STATE_TABLE_INDEXES) this.stateTable.addGlobalSecondaryIndex(index);

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
    this.node.addValidation({ validate: () => this.checkSubscriptionFilterQuota(config.kernelLogs) });

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

    const dlqs = { events: eventsDlq, parse: parseDlq, notify: notifyDlq };
    this.alarms = this.createAlarms(config.clusterName, dlqs);
    this.dashboard = this.createDashboard(config.clusterName, dlqs);
  }

  /** Kernel log group writer role (EKS Pod Identity), and the Fluent Bit manifests: applied or written out. */
  private shipKernelLogs(
    config: ResolvedProps,
    clusterArn: string,
    logGroup: logs.LogGroup,
  ): string | undefined {
    const role = new iam.Role(this, 'FluentBitRole', {
      assumedBy: new iam.SessionTagsPrincipal(new iam.ServicePrincipal('pods.eks.amazonaws.com')),
      description: `Fluent Bit in ${FLUENT_BIT_NAMESPACE}/${FLUENT_BIT_SERVICE_ACCOUNT} writes kernel lines of ${clusterArn}`,
    });
    logGroup.grantWrite(role);
    new eks.CfnPodIdentityAssociation(this, 'FluentBitPodIdentity', {
      clusterName: config.clusterName,
      namespace: FLUENT_BIT_NAMESPACE,
      serviceAccount: FLUENT_BIT_SERVICE_ACCOUNT,
      roleArn: role.roleArn,
    });

    const region = Stack.of(this).region;
    if (config.kubectl) {
      const cluster = eks.Cluster.fromClusterAttributes(this, 'Cluster', {
        clusterName: config.clusterName,
        kubectlRoleArn: config.kubectl.roleArn,
        kubectlLayer: config.kubectl.layer,
        ...(config.network && {
          vpc: config.network.vpc,
          kubectlPrivateSubnetIds: config.network.vpc.selectSubnets(config.network.subnets).subnetIds,
          kubectlSecurityGroupId: clusterClientSecurityGroup(this, config.network).securityGroupId,
        }),
      });
      new eks.KubernetesManifest(this, 'FluentBit', {
        cluster,
        manifest: fluentBitObjects({ region, logGroupName: logGroup.logGroupName }),
        overwrite: true,
      });
      acknowledgeKubectlProvider(eks.KubectlProvider.getOrCreate(this, cluster));
      return undefined;
    }

    if (Token.isUnresolved(region)) {
      throw new Error(
        'Ship mode without kubectl access writes the Fluent Bit manifest at synth and needs the region: give the stack env.region (or pass kubectl access).',
      );
    }
    const file = join(Stage.of(this)?.outdir ?? '.', `${Stack.of(this).artifactId}.fluent-bit.yaml`);
    // The group has an explicit name, so it is known at synth.
    writeFileSync(
      file,
      fluentBitManifestText({ region, logGroupName: `/eks-oom-alerts/${config.clusterName}/kernel` }),
    );
    new CfnOutput(this, 'FluentBitApplyCommand', {
      description: 'Ship the kernel log: run once per cluster after deploying',
      value: `kubectl apply -f ${relative(process.cwd(), file)}`,
    });
    return file;
  }

  /** Subscription filters on our kernel group in this app, plus the ones the user says already exist. */
  private checkSubscriptionFilterQuota(source: KernelLogSource): string[] {
    if (source.mode !== 'existing') return [];
    const ours = this.node.root.node
      .findAll()
      .filter(
        (construct): construct is logs.CfnSubscriptionFilter =>
          construct instanceof logs.CfnSubscriptionFilter && construct.logGroupName === source.logGroupName,
      );
    const total = ours.length + (source.existingSubscriptionFilters ?? 0);
    if (total <= SUBSCRIPTION_FILTERS_PER_LOG_GROUP) return [];
    return [
      `Log group ${source.logGroupName} would have ${total} subscription filters (${source.existingSubscriptionFilters ?? 0} existing, ` +
        `${ours.length} in this app); CloudWatch Logs allows ${SUBSCRIPTION_FILTERS_PER_LOG_GROUP}. ` +
        'Remove one, or use ship mode, which creates its own group.',
    ];
  }

  private createAlarms(clusterName: string, dlqs: Record<string, sqs.Queue>): cloudwatch.Alarm[] {
    const action = new cloudwatchActions.SnsAction(this.alarmTopic);
    const alarm = (id: string, description: string, metric: cloudwatch.IMetric, threshold: number) => {
      const created = new cloudwatch.Alarm(this, id, {
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
    return [
      ...Object.entries(dlqs).map(([name, queue]) =>
        alarm(
          `${capitalised(name)}DeadLetterQueueDepth`,
          `${name}: messages in the dead-letter queue are OOM events that were not delivered. Inspect, then redrive.`,
          queue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(5),
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
          1,
        ),
      ),
      alarm(
        'EventsQueueAge',
        'Parsed OOM events wait more than 15 minutes for enrichment: enrich is failing or throttled.',
        this.eventsQueue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(5),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        Duration.minutes(15).toSeconds(),
      ),
      ...Object.entries(this.functions).map(([name, fn]) =>
        alarm(
          `${capitalised(name)}Errors`,
          `${name}: the function failed; its invocations are retried, then go to a dead-letter queue.`,
          fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
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

  private createDashboard(clusterName: string, dlqs: Record<string, sqs.Queue>): cloudwatch.Dashboard {
    const period = Duration.minutes(5);
    const functions = Object.values(this.functions);
    const queryNamed = (name: string) => {
      const query = INSIGHTS_QUERIES.find((candidate) => candidate.name === name);
      if (!query) throw new Error(`no saved query named ${name}`);
      return query;
    };
    const logQuery = (name: string) =>
      new cloudwatch.LogQueryWidget({
        title: queryNamed(name).description,
        logGroupNames: [this.eventsLogGroup.logGroupName],
        queryString: queryNamed(name).queryString,
        width: 12,
        height: 8,
      });

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `eks-oom-alerts-${clusterName}`,
    });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'OOM kills',
        left: [
          new cloudwatch.MathExpression({
            // notify counts kills by cluster and namespace: one line per namespace of this cluster.
            expression: `SEARCH('{${METRIC_NAMESPACE},cluster,namespace} MetricName="${METRICS.oomKills}" cluster="${clusterName}"', 'Sum', 300)`,
            label: '',
            period: Duration.minutes(5),
          }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Parser',
        left: [METRICS.killsParsed, METRICS.incompleteReports, METRICS.malformedPayloads].map((name) =>
          pipelineMetric(clusterName, 'parse', name, period),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Format drift and enrichment',
        left: [
          pipelineMetric(clusterName, 'parse', METRICS.unrecognisedOomLines, period),
          pipelineMetric(clusterName, 'enrich', METRICS.enrichmentUnavailable, period),
          pipelineMetric(clusterName, 'enrich', METRICS.duplicatesSkipped, period),
        ],
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        left: functions.map((fn) => fn.metricErrors()),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function duration (p99)',
        left: functions.map((fn) => fn.metricDuration({ statistic: 'p99' })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Queues',
        left: [this.eventsQueue.metricApproximateNumberOfMessagesVisible({ label: 'events waiting' })],
        right: Object.entries(dlqs).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({ label: `${name} DLQ` }),
        ),
        width: 8,
      }),
    );
    dashboard.addWidgets(logQuery('top-workloads'), logQuery('kills-by-namespace'));
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...this.alarms], width: 24 }),
    );
    return dashboard;
  }
}

/**
 * Global secondary indexes on the state table. Adding one is one entry here; none is needed yet because
 * every reader knows its partition key.
 */
const STATE_TABLE_INDEXES: readonly dynamodb.GlobalSecondaryIndexProps[] = [];

function resolveProps(scope: Construct, props: OomAlertsProps): ResolvedProps {
  if (!props.clusterName) {
    throw new Error(`${scope.node.path}: clusterName is required: the name of the existing EKS cluster.`);
  }
  const kernelLogs = props.kernelLogs ?? { mode: 'ship' };
  if (kernelLogs.mode === 'existing' && !kernelLogs.logGroupName) {
    throw new Error(
      `${scope.node.path}: kernelLogs mode "existing" needs logGroupName, e.g. /aws/containerinsights/${props.clusterName}/host.`,
    );
  }
  if (kernelLogs.mode === 'existing' && props.kubectl) {
    Annotations.of(scope).addWarningV2(
      'eks-oom-alerts:kubectl-unused',
      'kubectl access is only used in ship mode.',
    );
  }
  if ((props.alertEmails ?? []).length === 0 && (props.alertPhoneNumbers ?? []).length === 0) {
    Annotations.of(scope).addWarningV2(
      'eks-oom-alerts:no-recipients',
      'No alert email or phone number: alerts reach only the EventBridge bus and the events log group.',
    );
  }
  return {
    clusterName: props.clusterName,
    alertEmails: props.alertEmails ?? [],
    alertPhoneNumbers: props.alertPhoneNumbers ?? [],
    kernelLogs,
    kubectl: props.kubectl,
    network: props.network,
    retention: props.retention ?? logs.RetentionDays.ONE_MONTH,
    groupingWindow: props.groupingWindow ?? Duration.minutes(10),
    enrichDelay: props.enrichDelay ?? Duration.seconds(30),
  };
}

/** How cdk-nag prints a resolved ARN in a finding id: `{ Ref: X }` becomes `<X>`. */
function nagText(resolved: unknown): string {
  if (typeof resolved === 'string') return resolved;
  if (typeof resolved === 'object' && resolved !== null) {
    const { Ref: ref, 'Fn::Join': join } = resolved as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
    if (ref !== undefined) return `<${ref}>`;
    if (join !== undefined) return join[1].map(nagText).join(join[0]);
  }
  return JSON.stringify(resolved);
}

// Managed policies aws-cdk-lib's kubectl provider attaches to its two roles.
const KUBECTL_PROVIDER_MANAGED_POLICIES = [
  'arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
  'arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
  'arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly',
  '{"Fn::If":["HandlerHasEcrPublic195AF58A",{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly"]]},{"Ref":"AWS::NoValue"}]}',
];

/** The kubectl provider is aws-cdk-lib's own nested stack: its roles, runtime and policies are not ours to set. */
function acknowledgeKubectlProvider(provider: Construct): void {
  const reason =
    'Part of the kubectl provider that aws-cdk-lib (aws-eks) builds, with no option to change it:';
  Validations.of(provider).acknowledge(
    ...KUBECTL_PROVIDER_MANAGED_POLICIES.map((policy) => ({
      id: `AwsSolutions::AwsSolutions-IAM4[Policy::${policy}]`,
      reason: `${reason} logs, VPC interfaces and image pulls for its handler.`,
    })),
    {
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::<Handler886CB40B.Arn>:*]',
      reason: `${reason} the provider framework may invoke any version of its own handler.`,
    },
    { id: 'AwsSolutions::AwsSolutions-L1', reason: `${reason} aws-cdk-lib pins the handler runtime.` },
  );
}

function pipelineMetric(
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

function capitalised(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function encryptedQueue(scope: Construct, id: string, props: sqs.QueueProps): sqs.Queue {
  return new sqs.Queue(scope, id, {
    ...props,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
}

/** A role without AWS managed policies: each grant below names its resource. */
function functionRole(scope: Construct, name: FunctionName): iam.Role {
  return new iam.Role(scope, `${capitalised(name)}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `eks-oom-alerts ${name} function`,
  });
}

/** One security group for everything that calls the private cluster endpoint (enrich, kubectl). */
function clusterClientSecurityGroup(scope: Construct, network: ClusterNetwork): ec2.ISecurityGroup {
  const id = 'ClusterClientSecurityGroup';
  const existing = scope.node.tryFindChild(id);
  if (existing) return existing as ec2.SecurityGroup;
  const group = new ec2.SecurityGroup(scope, id, {
    vpc: network.vpc,
    description: 'eks-oom-alerts functions that call the Kubernetes API',
    allowAllOutbound: true,
  });
  if (network.clusterSecurityGroupId) {
    ec2.SecurityGroup.fromSecurityGroupId(
      scope,
      'ClusterSecurityGroup',
      network.clusterSecurityGroupId,
    ).addIngressRule(group, ec2.Port.tcp(443), 'eks-oom-alerts functions to the Kubernetes API');
  }
  return group;
}

function nodeFunction(
  scope: Construct,
  name: FunctionName,
  role: iam.Role,
  retention: logs.RetentionDays,
  props: Pick<
    nodejs.NodejsFunctionProps,
    'timeout' | 'memorySize' | 'environment' | 'deadLetterQueue' | 'vpc' | 'vpcSubnets' | 'securityGroups'
  >,
): nodejs.NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${capitalised(name)}LogGroup`, {
    retention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  logGroup.grantWrite(role);
  if (props.vpc) {
    role.addManagedPolicy(
      iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      reason:
        'A function in a VPC manages its network interfaces; AWS keeps this policy current and its EC2 actions only exist on "*".',
    });
  }
  return new nodejs.NodejsFunction(scope, `${capitalised(name)}Function`, {
    entry: functionEntry(name),
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    role,
    logGroup,
    ...props,
    environment: {
      ...props.environment,
      POWERTOOLS_SERVICE_NAME: METRIC_SERVICES[name],
      NODE_OPTIONS: '--enable-source-maps',
    },
    bundling: {
      forceDockerBundling: false,
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      format: nodejs.OutputFormat.ESM,
      target: 'node24',
      mainFields: ['module', 'main'],
      // Some CommonJS dependencies call require(); ESM output has no require of its own.
      banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      // The nodejs24.x runtime ships every `@aws-sdk/client-*` package of SDK v3, importable from ESM: using
      // them keeps parse and notify near 70 kB (cold start). Everything else is bundled, because the runtime
      // does not promise the SDK's helper packages (aws-sdk-js-v3#5122: `@aws-sdk/util-retry` was missing).
      externalModules: ['@aws-sdk/client-*'],
    },
  });
}
