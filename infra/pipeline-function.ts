import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  RemovalPolicy,
  Validations,
  aws_ec2 as ec2,
  aws_iam as iam,
  type aws_kms as kms,
  aws_lambda as lambda,
  aws_lambda_nodejs as nodejs,
  aws_logs as logs,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { METRIC_SERVICES } from '../shared/metric-names.ts';
import { LAMBDA_BUNDLING } from './lambda-bundling.ts';
import type { ClusterNetwork } from './oom-alerts-props.ts';

export type FunctionName = 'parse' | 'enrich' | 'notify' | 'watch';

/** The handler file esbuild bundles for a stage. */
function functionEntry(name: FunctionName): string {
  return fileURLToPath(new URL(`../functions/${name}/handler.ts`, import.meta.url));
}

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The construct id stem of a stage or queue: `parse` → `Parse`. */
export function capitalised(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** A role without AWS managed policies: each grant in the construct names its resource. */
export function functionRole(scope: Construct, name: FunctionName): iam.Role {
  return new iam.Role(scope, `${capitalised(name)}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `eks-oom-alerts ${name} function`,
  });
}

/** One security group for everything that calls the private cluster endpoint (enrich, kubectl). */
export function clusterClientSecurityGroup(scope: Construct, network: ClusterNetwork): ec2.ISecurityGroup {
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

/** Where a function's log group goes, how long it keeps its lines, and the organization's key when one was given. */
export interface FunctionLogging {
  /** `/eks-oom-alerts/<cluster>`: each function logs to `<prefix>/functions/<name>`, beside the kernel and events groups. */
  readonly groupPrefix: string;
  readonly retention: logs.RetentionDays;
  readonly encryptionKey: kms.IKey | undefined;
}

/** One stage's function: bundled from functions/<name>/handler.ts, with its own log group and the given role. */
export function nodeFunction(
  scope: Construct,
  name: FunctionName,
  role: iam.Role,
  logging: FunctionLogging,
  props: Pick<
    nodejs.NodejsFunctionProps,
    'timeout' | 'memorySize' | 'environment' | 'deadLetterQueue' | 'vpc' | 'vpcSubnets' | 'securityGroups'
  >,
): nodejs.NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${capitalised(name)}LogGroup`, {
    logGroupName: `${logging.groupPrefix}/functions/${name}`,
    retention: logging.retention,
    encryptionKey: logging.encryptionKey,
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
      sourceMap: true,
      sourcesContent: false,
      format: nodejs.OutputFormat.CJS,
      minify: LAMBDA_BUNDLING.minify,
      target: LAMBDA_BUNDLING.target,
      mainFields: LAMBDA_BUNDLING.mainFields,
      externalModules: LAMBDA_BUNDLING.external,
      define: LAMBDA_BUNDLING.define,
      esbuildArgs: Object.fromEntries(
        Object.entries(LAMBDA_BUNDLING.alias).map(([path, file]) => [`--alias:${path}`, file]),
      ),
    },
  });
}
