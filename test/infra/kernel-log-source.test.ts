import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, aws_ec2 as ec2, aws_lambda as lambda, aws_logs as logs } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { OomAlerts } from '../../infra/oom-alerts.ts';
import { ENV as RUNTIME_ENV } from '../../shared/runtime-config.ts';
import { KERNEL_OOM_FILTER_PATTERN } from '../../shared/subscription-pattern.ts';
import { ENV, removeOutdirs, synthOomAlerts, tempOutdir } from './stack-fixture.ts';

afterAll(removeOutdirs);

const CONTAINER_INSIGHTS_HOST = '/aws/containerinsights/demo/host';

function appWithoutBundling(): App {
  return new App({
    outdir: tempOutdir(),
    context: { 'aws:cdk:bundling-stacks': [] },
  });
}

describe('existing mode (Container Insights host group)', () => {
  const { template, alerts } = synthOomAlerts({
    clusterName: 'demo',
    kernelLogs: { mode: 'existing', logGroupName: CONTAINER_INSIGHTS_HOST },
  });

  it('subscribes to the named group and creates no kernel group, no Fluent Bit identity and no manifest', () => {
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: CONTAINER_INSIGHTS_HOST,
      FilterPattern: KERNEL_OOM_FILTER_PATTERN,
    });
    template.resourcePropertiesCountIs(
      'AWS::Logs::LogGroup',
      { LogGroupName: '/eks-oom-alerts/demo/kernel' },
      0,
    );
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    expect(alerts.fluentBitManifestFile).toBeUndefined();
  });

  it('points enrich at the existing group for report context', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ [RUNTIME_ENV.kernelLogGroupName]: CONTAINER_INSIGHTS_HOST }),
      },
    });
  });
});

describe('subscription filter quota (2 per log group)', () => {
  it('fails synth when the group already has two filters', () => {
    const app = appWithoutBundling();
    const stack = new Stack(app, 'Alerts', { env: ENV });
    new OomAlerts(stack, 'OomAlerts', {
      clusterName: 'demo',
      kernelLogs: { mode: 'existing', logGroupName: CONTAINER_INSIGHTS_HOST, existingSubscriptionFilters: 2 },
    });
    expect(() => app.synth()).toThrow(
      `Log group ${CONTAINER_INSIGHTS_HOST} would have 3 subscription filters (2 existing, 1 in this app); CloudWatch Logs allows 2.`,
    );
  });

  it('counts filters on the same group elsewhere in the app', () => {
    const app = appWithoutBundling();
    const other = new Stack(app, 'Forwarder', { env: ENV });
    new logs.CfnSubscriptionFilter(other, 'ToSplunk', {
      logGroupName: CONTAINER_INSIGHTS_HOST,
      filterPattern: '',
      destinationArn: 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/splunk',
    });
    const stack = new Stack(app, 'Alerts', { env: ENV });
    new OomAlerts(stack, 'OomAlerts', {
      clusterName: 'demo',
      kernelLogs: { mode: 'existing', logGroupName: CONTAINER_INSIGHTS_HOST, existingSubscriptionFilters: 1 },
    });
    expect(() => app.synth()).toThrow('would have 3 subscription filters (1 existing, 2 in this app)');
  });

  it('lets a group with one filter take ours as the second', () => {
    const app = appWithoutBundling();
    const stack = new Stack(app, 'Alerts', { env: ENV });
    new OomAlerts(stack, 'OomAlerts', {
      clusterName: 'demo',
      kernelLogs: { mode: 'existing', logGroupName: CONTAINER_INSIGHTS_HOST, existingSubscriptionFilters: 1 },
    });
    expect(() => app.synth()).not.toThrow();
  });
});

describe('ship mode with kubectl access', () => {
  const app = appWithoutBundling();
  const stack = new Stack(app, 'Alerts', { env: ENV });
  const alerts = new OomAlerts(stack, 'OomAlerts', {
    clusterName: 'demo',
    kubectl: {
      roleArn: 'arn:aws:iam::123456789012:role/eks-admin',
      layer: lambda.LayerVersion.fromLayerVersionArn(
        stack,
        'Kubectl',
        'arn:aws:lambda:eu-west-1:123456789012:layer:kubectl:1',
      ),
    },
  });
  const template = Template.fromStack(stack);

  it('applies the Fluent Bit objects through the kubectl custom resource instead of writing a file', () => {
    const [manifest] = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')) as [
      { Properties: { Manifest: unknown; Overwrite: boolean; RoleArn: string } },
    ];
    expect(manifest.Properties.RoleArn).toBe('arn:aws:iam::123456789012:role/eks-admin');
    const text = JSON.stringify(stack.resolve(manifest.Properties.Manifest));
    for (const kind of ['Namespace', 'ServiceAccount', 'ConfigMap', 'DaemonSet'])
      expect(text).toContain(`\\"kind\\":\\"${kind}\\"`);
    expect(text).toContain('\\"region\\":\\"eu-west-1\\"');
    expect(alerts.fluentBitManifestFile).toBeUndefined();
    expect(existsSync(join(app.outdir, 'Alerts.fluent-bit.yaml'))).toBe(false);
  });
});

describe('private cluster endpoint', () => {
  const app = appWithoutBundling();
  const stack = new Stack(app, 'Alerts', { env: ENV });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
  });
  new OomAlerts(stack, 'OomAlerts', {
    clusterName: 'demo',
    network: { vpc, clusterSecurityGroupId: 'sg-0123456789abcdef0' },
  });
  const template = Template.fromStack(stack);

  it('runs enrich in the private subnets and opens HTTPS from it to the cluster security group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: 'sg-0123456789abcdef0',
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      SourceSecurityGroupId: {
        'Fn::GetAtt': [Match.stringLikeRegexp('^OomAlertsClusterClientSecurityGroup'), 'GroupId'],
      },
    });
  });

  it('keeps parse and notify out of the VPC', () => {
    const inVpc = Object.values(template.findResources('AWS::Lambda::Function')).filter(
      (fn) => (fn as { Properties: { VpcConfig?: unknown } }).Properties.VpcConfig !== undefined,
    );
    expect(inVpc).toHaveLength(1);
  });
});

describe('configuration errors', () => {
  it('names the missing cluster', () => {
    const stack = new Stack(appWithoutBundling(), 'Alerts', { env: ENV });
    expect(() => new OomAlerts(stack, 'OomAlerts', { clusterName: '' })).toThrow(
      'Alerts/OomAlerts: clusterName is required: the name of the existing EKS cluster.',
    );
  });

  it('asks for a region when the manifest must be written at synth', () => {
    const stack = new Stack(appWithoutBundling(), 'Alerts');
    expect(() => new OomAlerts(stack, 'OomAlerts', { clusterName: 'demo' })).toThrow(
      /needs the region: give the stack env\.region/,
    );
  });
});
