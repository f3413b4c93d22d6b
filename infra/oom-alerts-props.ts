import { Annotations, Duration, aws_ec2 as ec2, aws_lambda as lambda, aws_logs as logs } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEFAULT_WINDOW_MINUTES } from '../shared/storm-window.ts';

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
    groupingWindow: props.groupingWindow ?? Duration.minutes(DEFAULT_WINDOW_MINUTES),
    enrichDelay: props.enrichDelay ?? Duration.seconds(30),
  };
}
