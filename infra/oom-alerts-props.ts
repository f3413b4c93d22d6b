import {
  Annotations,
  type SecretValue,
  Duration,
  aws_ec2 as ec2,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_logs as logs,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ChatChannels } from './chat-channels.ts';
import { PIPELINE_WAITS } from '../shared/pipeline-waits.ts';
import { NODE_GRACE_MS } from '../shared/node-shipping.ts';
import { DEFAULT_WINDOW_MINUTES } from '../shared/storm-window.ts';
import { runbookTemplateProblems } from '../shared/alert-format/next-steps.ts';
import { DEFAULT_SMS_FOR, SMS_FOR_VALUES, type SmsFor } from '../shared/alert-format/sms-policy.ts';

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
   * E.164 numbers (`+4915112345678`) that receive a short SMS per OOM alert; without `alertEmails`, the
   * pipeline's own alarms too (as do the chat channels and PagerDuty).
   * @default none
   */
  readonly alertPhoneNumbers?: readonly string[];
  /** @default { mode: 'ship' } */
  readonly kernelLogs?: KernelLogSource;
  /**
   * Ship mode: apply the Fluent Bit manifests through a kubectl custom resource.
   * Apply the Kubernetes objects through a kubectl custom resource: the reader RBAC, and in ship mode Fluent Bit.
   * @default none: they are written to `<outdir>/<stack>.kubernetes.yaml` for `kubectl apply -f`
   */
  readonly kubectl?: KubectlAccess;
  /**
   * Ship mode: the Fluent Bit image, e.g. a mirror in ECR for a cluster without internet access.
   * @default the image pinned by digest in infra/fluent-bit/
   */
  readonly fluentBitImage?: string;
  /**
   * The organization's KMS key: it then encrypts both topics, the log groups and the state table. Its key
   * policy must let CloudWatch Logs and CloudWatch alarms use it (docs/deploy.md).
   * @default the AWS-managed encryption each service offers, and no key to pay for
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * A CloudWatch dashboard of the pipeline ($3 a month beyond the three free per account).
   * @default false
   */
  readonly dashboard?: boolean;
  /**
   * A node whose kernel stream has had no line for this long counts as not shipping (NodesNotShipping), and
   * the kernel log group going this long without a line raises an alarm.
   * @default 30 minutes in ship mode (Fluent Bit writes a heartbeat every 5 minutes); 6 hours in existing mode
   */
  readonly silentNodeAfter?: Duration;
  /**
   * With alert phone numbers: alarm when the account's SMS spend this month reaches this many US dollars.
   * @default 0.8: 80% of the $1.00 monthly SMS quota of a new account
   */
  readonly smsSpendAlarmUsd?: number;
  /**
   * Slack and Microsoft Teams channels, through AWS Chatbot: a chat topic, the channel configurations on it,
   * and a chat message from notify per alert and digest. Each workspace or team is authorised once in the
   * AWS Chatbot console first.
   * @default none
   */
  readonly chatChannels?: ChatChannels;
  /**
   * The integration key of a PagerDuty service (Events API v2): each kill on the bus goes to PagerDuty through
   * an EventBridge API destination, severity by impact. Use `SecretValue.secretsManager(…)`: it is resolved
   * at deploy time and stays out of the template.
   * @default none
   */
  readonly pagerDutyRoutingKey?: SecretValue;
  /**
   * A Kubernetes Event (`kubectl describe pod`) on the pod of each child process killed in a container that
   * kept running, a kill Kubernetes never reports. The enrich role then also may create Events.
   * @default false
   */
  readonly kubernetesEvents?: boolean;
  /**
   * The team's runbook, linked from every alert: an http(s) link template in which `{cluster}`, `{namespace}`,
   * `{workload}` and `{container}` are filled in (URL-encoded; empty when the kill does not say).
   * @default none
   */
  readonly runbookUrl?: string;
  /**
   * Which alerts go to `alertPhoneNumbers`: `all`, or `restarts-and-node` (kills that restarted a container,
   * node-wide OOMs, processes of the node itself). E-mail and chat get every alert either way.
   * @default 'all'
   */
  readonly smsFor?: SmsFor;
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
   * How long SQS holds a parsed kill before enrichment. None is needed: enrichment waits for the kubelet
   * itself, listing the pod again until the restart shows or 10 s have passed since the kill
   * (adapters/kubernetes/pod-resolver.ts); a delay only makes alerts later.
   * @default Duration.seconds(0)
   */
  readonly enrichDelay?: Duration;
}

/** The props with every default filled in, resolved once in the constructor. */
export interface ResolvedProps {
  readonly clusterName: string;
  readonly alertEmails: readonly string[];
  readonly alertPhoneNumbers: readonly string[];
  readonly kernelLogs: KernelLogSource;
  readonly kubectl: KubectlAccess | undefined;
  readonly network: ClusterNetwork | undefined;
  readonly retention: logs.RetentionDays;
  readonly groupingWindow: Duration;
  readonly enrichDelay: Duration;
  readonly fluentBitImage: string | undefined;
  readonly encryptionKey: kms.IKey | undefined;
  readonly dashboard: boolean;
  readonly silentNodeAfter: Duration;
  /** How long a new node has to send its first kernel line; without heartbeats (existing mode), the silence. */
  readonly nodeGrace: Duration;
  readonly smsSpendAlarmUsd: number;
  readonly chatChannels: ChatChannels | undefined;
  readonly pagerDutyRoutingKey: SecretValue | undefined;
  readonly kubernetesEvents: boolean;
  readonly runbookUrl: string | undefined;
  readonly smsFor: SmsFor;
}

/** Ship mode's heartbeats make half an hour of silence telling; a collector we do not run needs longer. */
const SILENT_NODE_DEFAULT = { ship: Duration.minutes(30), existing: Duration.hours(6) } as const;

/** Anyone gets the alerts and, with them, the pipeline's alarms: e-mail, SMS, a chat channel or PagerDuty. */
function hasAlertChannel(props: OomAlertsProps): boolean {
  const chat = props.chatChannels;
  return (
    (props.alertEmails ?? []).length > 0 ||
    (props.alertPhoneNumbers ?? []).length > 0 ||
    chat?.slack !== undefined ||
    chat?.teams !== undefined ||
    props.pagerDutyRoutingKey !== undefined
  );
}

/** Fills in the defaults; a missing cluster or group name throws, settings that do nothing warn. */
export function resolveProps(scope: Construct, props: OomAlertsProps): ResolvedProps {
  if (!props.clusterName) {
    throw new Error(`${scope.node.path}: clusterName is required: the name of the existing EKS cluster.`);
  }
  const kernelLogs = props.kernelLogs ?? { mode: 'ship' };
  if (kernelLogs.mode === 'existing' && !kernelLogs.logGroupName) {
    throw new Error(
      `${scope.node.path}: kernelLogs mode "existing" needs logGroupName, e.g. /aws/containerinsights/${props.clusterName}/host.`,
    );
  }
  if (kernelLogs.mode === 'existing' && props.fluentBitImage !== undefined) {
    Annotations.of(scope).addWarningV2(
      'eks-oom-alerts:fluent-bit-image-unused',
      'fluentBitImage is only used in ship mode: existing mode runs no Fluent Bit of ours.',
    );
  }
  if (!hasAlertChannel(props)) {
    Annotations.of(scope).addWarningV2(
      'eks-oom-alerts:no-recipients',
      "No alert e-mail, phone number, chat channel or PagerDuty key: the OOM alerts reach only the EventBridge bus and the events log group, and the pipeline's own alarms (dead letters, nodes not shipping, a silent kernel log) reach no one. Subscribe to the alarm topic (stack output AlarmTopicArn, or the construct's alarmTopic) to hear them.",
    );
  }
  const silentNodeAfter = props.silentNodeAfter ?? SILENT_NODE_DEFAULT[kernelLogs.mode];
  const silentMinutes = silentNodeAfter.toSeconds() / 60;
  // The watch function reads whole minutes from 10; an alarm period is at most a day.
  if (!Number.isInteger(silentMinutes) || silentMinutes < 10 || silentMinutes > 24 * 60) {
    throw new Error(`${scope.node.path}: silentNodeAfter must be whole minutes, from 10 minutes to 1 day.`);
  }
  const groupingWindow = props.groupingWindow ?? Duration.minutes(DEFAULT_WINDOW_MINUTES);
  const groupingMinutes = groupingWindow.toSeconds() / 60;
  // notify reads whole minutes up to a day (adapters/notify/notify-config.ts) and throws on anything else.
  if (!Number.isInteger(groupingMinutes) || groupingMinutes < 1 || groupingMinutes > 24 * 60) {
    throw new Error(`${scope.node.path}: groupingWindow must be whole minutes, from 1 minute to 1 day.`);
  }
  const runbookProblems = props.runbookUrl === undefined ? [] : runbookTemplateProblems(props.runbookUrl);
  if (runbookProblems.length > 0) {
    throw new Error(`${scope.node.path}: runbookUrl ${runbookProblems.join('; ')}.`);
  }
  const smsFor = props.smsFor ?? DEFAULT_SMS_FOR;
  if (!SMS_FOR_VALUES.includes(smsFor)) {
    throw new Error(`${scope.node.path}: smsFor must be ${SMS_FOR_VALUES.join(' or ')}.`);
  }
  return {
    clusterName: props.clusterName,
    alertEmails: props.alertEmails ?? [],
    alertPhoneNumbers: props.alertPhoneNumbers ?? [],
    kernelLogs,
    kubectl: props.kubectl,
    network: props.network,
    retention: props.retention ?? logs.RetentionDays.ONE_MONTH,
    groupingWindow,
    enrichDelay: props.enrichDelay ?? Duration.seconds(PIPELINE_WAITS.enrichDelaySeconds),
    fluentBitImage: props.fluentBitImage,
    encryptionKey: props.encryptionKey,
    dashboard: props.dashboard ?? false,
    silentNodeAfter,
    nodeGrace: kernelLogs.mode === 'ship' ? Duration.millis(NODE_GRACE_MS) : silentNodeAfter,
    smsSpendAlarmUsd: props.smsSpendAlarmUsd ?? 0.8,
    chatChannels: props.chatChannels,
    pagerDutyRoutingKey: props.pagerDutyRoutingKey,
    kubernetesEvents: props.kubernetesEvents ?? false,
    runbookUrl: props.runbookUrl,
    smsFor,
  };
}
