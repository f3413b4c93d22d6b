import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  CfnOutput,
  Stack,
  Stage,
  Token,
  aws_eks as eks,
  aws_iam as iam,
  aws_logs as logs,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  FLUENT_BIT_NAMESPACE,
  FLUENT_BIT_SERVICE_ACCOUNT,
  fluentBitManifestText,
  fluentBitObjects,
} from './fluent-bit-manifests.ts';
import { acknowledgeKubectlProvider } from './nag-acknowledgements.ts';
import type { KernelLogSource, ResolvedProps } from './oom-alerts-props.ts';
import { clusterClientSecurityGroup } from './pipeline-function.ts';

/** CloudWatch Logs allows two subscription filters per log group (PutSubscriptionFilter API reference). */
const SUBSCRIPTION_FILTERS_PER_LOG_GROUP = 2;

/** Kernel log group writer role (EKS Pod Identity), and the Fluent Bit manifests: applied or written out. */
export function shipKernelLogs(
  scope: Construct,
  config: ResolvedProps,
  clusterArn: string,
  logGroup: logs.LogGroup,
): string | undefined {
  const role = new iam.Role(scope, 'FluentBitRole', {
    assumedBy: new iam.SessionTagsPrincipal(new iam.ServicePrincipal('pods.eks.amazonaws.com')),
    description: `Fluent Bit in ${FLUENT_BIT_NAMESPACE}/${FLUENT_BIT_SERVICE_ACCOUNT} writes kernel lines of ${clusterArn}`,
  });
  logGroup.grantWrite(role);
  new eks.CfnPodIdentityAssociation(scope, 'FluentBitPodIdentity', {
    clusterName: config.clusterName,
    namespace: FLUENT_BIT_NAMESPACE,
    serviceAccount: FLUENT_BIT_SERVICE_ACCOUNT,
    roleArn: role.roleArn,
  });

  const region = Stack.of(scope).region;
  if (config.kubectl) {
    const cluster = eks.Cluster.fromClusterAttributes(scope, 'Cluster', {
      clusterName: config.clusterName,
      kubectlRoleArn: config.kubectl.roleArn,
      kubectlLayer: config.kubectl.layer,
      ...(config.network && {
        vpc: config.network.vpc,
        kubectlPrivateSubnetIds: config.network.vpc.selectSubnets(config.network.subnets).subnetIds,
        kubectlSecurityGroupId: clusterClientSecurityGroup(scope, config.network).securityGroupId,
      }),
    });
    new eks.KubernetesManifest(scope, 'FluentBit', {
      cluster,
      manifest: fluentBitObjects({ region, logGroupName: logGroup.logGroupName }),
      overwrite: true,
    });
    acknowledgeKubectlProvider(eks.KubectlProvider.getOrCreate(scope, cluster));
    return undefined;
  }

  if (Token.isUnresolved(region)) {
    throw new Error(
      'Ship mode without kubectl access writes the Fluent Bit manifest at synth and needs the region: give the stack env.region (or pass kubectl access).',
    );
  }
  const file = join(Stage.of(scope)?.outdir ?? '.', `${Stack.of(scope).artifactId}.fluent-bit.yaml`);
  // The group has an explicit name, so it is known at synth.
  writeFileSync(
    file,
    fluentBitManifestText({ region, logGroupName: `/eks-oom-alerts/${config.clusterName}/kernel` }),
  );
  new CfnOutput(scope, 'FluentBitApplyCommand', {
    description: 'Ship the kernel log: run once per cluster after deploying',
    value: `kubectl apply -f ${relative(process.cwd(), file)}`,
  });
  return file;
}

/** Subscription filters on our kernel group in this app, plus the ones the user says already exist. */
export function subscriptionFilterQuotaErrors(scope: Construct, source: KernelLogSource): string[] {
  if (source.mode !== 'existing') return [];
  const ours = scope.node.root.node
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
