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
import { readerRbacObjects, readerRbacText } from './kubernetes-access.ts';
import { acknowledgeKubectlProvider } from './nag-acknowledgements.ts';
import type { KernelLogSource, ResolvedProps } from './oom-alerts-props.ts';
import { clusterClientSecurityGroup } from './pipeline-function.ts';

/** CloudWatch Logs allows two subscription filters per log group (PutSubscriptionFilter API reference). */
const SUBSCRIPTION_FILTERS_PER_LOG_GROUP = 2;

/**
 * The kernel log group's writer for ship mode's Fluent Bit: a role for EKS Pod Identity that only that
 * service account of that cluster, in this account, may assume, and its association.
 */
export function fluentBitIdentity(
  scope: Construct,
  config: ResolvedProps,
  clusterArn: string,
  logGroup: logs.ILogGroup,
): { association: eks.CfnPodIdentityAssociation; role: iam.IRole } {
  // The session tags EKS documents for Pod Identity trust policies; aws:SourceArn would break the flow.
  const podIdentity = new iam.PrincipalWithConditions(
    new iam.SessionTagsPrincipal(new iam.ServicePrincipal('pods.eks.amazonaws.com')),
    {
      StringEquals: {
        'aws:SourceAccount': Stack.of(scope).account,
        'aws:RequestTag/eks-cluster-arn': clusterArn,
        'aws:RequestTag/kubernetes-namespace': FLUENT_BIT_NAMESPACE,
        'aws:RequestTag/kubernetes-service-account': FLUENT_BIT_SERVICE_ACCOUNT,
      },
    },
  );
  const role = new iam.Role(scope, 'FluentBitRole', {
    assumedBy: podIdentity,
    description: `Fluent Bit in ${FLUENT_BIT_NAMESPACE}/${FLUENT_BIT_SERVICE_ACCOUNT} writes kernel lines of ${clusterArn}`,
  });
  logGroup.grantWrite(role);
  const association = new eks.CfnPodIdentityAssociation(scope, 'FluentBitPodIdentity', {
    clusterName: config.clusterName,
    namespace: FLUENT_BIT_NAMESPACE,
    serviceAccount: FLUENT_BIT_SERVICE_ACCOUNT,
    roleArn: role.roleArn,
  });
  return { association, role };
}

/** Ship mode's Fluent Bit: where it writes, and the identity its pods take their credentials from. */
export interface FluentBitRelease {
  readonly logGroup: logs.ILogGroup;
  /** The kernel log group's name as text: it is explicit, so known at synth (for the written manifest). */
  readonly logGroupName: string;
  readonly association: eks.CfnPodIdentityAssociation;
  /** The writer role, with its policy on the group. */
  readonly role: iam.IRole;
}

/**
 * The cluster side of a deployment: the reader RBAC the functions' access entries rely on, in both modes, and
 * Fluent Bit in ship mode. With kubectl access the construct applies them, Fluent Bit only once its Pod
 * Identity association exists, so that no pod starts without credentials. Without, they are written to
 * `<outdir>/<stack>.kubernetes.yaml`, an output names the command, and the file is returned.
 */
export function applyKubernetesObjects(
  scope: Construct,
  config: ResolvedProps,
  fluentBit: FluentBitRelease | undefined,
): string | undefined {
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
    new eks.KubernetesManifest(scope, 'KubernetesReaderAccess', {
      cluster,
      manifest: readerRbacObjects({ createEvents: config.kubernetesEvents }),
      overwrite: true,
    });
    if (fluentBit) {
      const manifest = new eks.KubernetesManifest(scope, 'FluentBit', {
        cluster,
        manifest: fluentBitObjects(
          { region, logGroupName: fluentBit.logGroup.logGroupName },
          config.fluentBitImage,
        ),
        overwrite: true,
      });
      manifest.node.addDependency(fluentBit.association, fluentBit.role);
    }
    acknowledgeKubectlProvider(eks.KubectlProvider.getOrCreate(scope, cluster));
    return undefined;
  }

  if (fluentBit && Token.isUnresolved(region)) {
    throw new Error(
      'Ship mode without kubectl access writes the Fluent Bit manifest at synth and needs the region: give the stack env.region (or pass kubectl access).',
    );
  }
  const file = join(Stage.of(scope)?.outdir ?? '.', `${Stack.of(scope).artifactId}.kubernetes.yaml`);
  const documents = [readerRbacText({ createEvents: config.kubernetesEvents })];
  if (fluentBit) {
    documents.push(
      fluentBitManifestText({ region, logGroupName: fluentBit.logGroupName }, config.fluentBitImage),
    );
  }
  writeFileSync(file, documents.join('---\n'));
  new CfnOutput(scope, 'KubernetesApplyCommand', {
    description:
      "What the functions may read (and ship mode's Fluent Bit): run once per cluster after deploying",
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
