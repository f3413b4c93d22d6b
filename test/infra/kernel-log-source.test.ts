import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, aws_ec2 as ec2, aws_lambda as lambda, aws_logs as logs } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
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
  const { template, alerts, outdir } = synthOomAlerts({
    clusterName: 'demo',
    kernelLogs: { mode: 'existing', logGroupName: CONTAINER_INSIGHTS_HOST },
  });

  it('subscribes to the named group and creates no kernel group, no Fluent Bit identity and no Fluent Bit', () => {
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
    // Only the reader RBAC is left to apply.
    expect(alerts.kubernetesManifestFile).toBe(join(outdir, 'Alerts.kubernetes.yaml'));
    const kinds = parseAllDocuments(readFileSync(alerts.kubernetesManifestFile as string, 'utf8')).map(
      (document) => (document.toJSON() as { kind: string }).kind,
    );
    expect(kinds).toEqual(['ClusterRole', 'ClusterRoleBinding']);
  });

  it('gives nodes six hours of silence, and new nodes as long, with no heartbeat to expect', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [RUNTIME_ENV.kernelLogGroupName]: CONTAINER_INSIGHTS_HOST,
          [RUNTIME_ENV.silentNodeMinutes]: '360',
          [RUNTIME_ENV.nodeGraceMinutes]: '360',
        }),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IncomingLogEvents',
      Dimensions: [{ Name: 'LogGroupName', Value: CONTAINER_INSIGHTS_HOST }],
      Period: 21600,
    });
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

  const manifests = template.findResources('Custom::AWSCDK-EKS-KubernetesResource') as Record<
    string,
    { Properties: { Manifest: unknown; Overwrite: boolean; RoleArn: string }; DependsOn?: string[] }
  >;
  const manifestNamed = (name: string) => {
    const found = Object.entries(manifests).find(([id]) => id.startsWith(`OomAlerts${name}`));
    if (!found) throw new Error(`no manifest ${name}`);
    return { id: found[0], ...found[1], text: JSON.stringify(stack.resolve(found[1].Properties.Manifest)) };
  };

  it('applies the reader RBAC and the Fluent Bit objects through the kubectl custom resource instead of writing a file', () => {
    expect(Object.keys(manifests)).toHaveLength(2);
    const rbac = manifestNamed('KubernetesReaderAccess');
    expect(rbac.Properties.RoleArn).toBe('arn:aws:iam::123456789012:role/eks-admin');
    for (const kind of ['ClusterRole', 'ClusterRoleBinding'])
      expect(rbac.text).toContain(`\\"kind\\":\\"${kind}\\"`);
    const fluentBit = manifestNamed('FluentBit');
    for (const kind of ['Namespace', 'ServiceAccount', 'ConfigMap', 'DaemonSet'])
      expect(fluentBit.text).toContain(`\\"kind\\":\\"${kind}\\"`);
    expect(fluentBit.text).toContain('\\"region\\":\\"eu-west-1\\"');
    expect(alerts.kubernetesManifestFile).toBeUndefined();
    expect(existsSync(join(app.outdir, 'Alerts.kubernetes.yaml'))).toBe(false);
  });

  it('starts no Fluent Bit pod before its Pod Identity association and writer policy exist', () => {
    const dependsOn = manifestNamed('FluentBit').DependsOn ?? [];
    const idOf = (type: string, prefix: string) =>
      Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
    expect(dependsOn).toEqual(
      expect.arrayContaining(idOf('AWS::EKS::PodIdentityAssociation', 'OomAlertsFluentBit')),
    );
    expect(dependsOn).toEqual(expect.arrayContaining(idOf('AWS::IAM::Policy', 'OomAlertsFluentBitRole')));
    expect(dependsOn).toHaveLength(3);
  });

  it('applies an image given for a private registry', () => {
    const mirrored = new Stack(appWithoutBundling(), 'Mirrored', { env: ENV });
    new OomAlerts(mirrored, 'OomAlerts', {
      clusterName: 'demo',
      fluentBitImage: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/fluent-bit:5.1.2',
      kubectl: {
        roleArn: 'arn:aws:iam::123456789012:role/eks-admin',
        layer: lambda.LayerVersion.fromLayerVersionArn(
          mirrored,
          'Kubectl',
          'arn:aws:lambda:eu-west-1:123456789012:layer:kubectl:1',
        ),
      },
    });
    const [fluentBit] = Object.entries(
      Template.fromStack(mirrored).findResources('Custom::AWSCDK-EKS-KubernetesResource'),
    ).filter(([id]) => id.startsWith('OomAlertsFluentBit'));
    const text = JSON.stringify(
      mirrored.resolve((fluentBit?.[1] as { Properties: { Manifest: unknown } }).Properties.Manifest),
    );
    expect(text.match(/\\"image\\":\\"([^\\]*)\\"/g)).toEqual([
      '\\"image\\":\\"123456789012.dkr.ecr.eu-west-1.amazonaws.com/fluent-bit:5.1.2\\"',
      '\\"image\\":\\"123456789012.dkr.ecr.eu-west-1.amazonaws.com/fluent-bit:5.1.2\\"',
    ]);
  });
});

describe('ship mode without kubectl access', () => {
  it('writes the image given for a private registry into both DaemonSets of the manifest file', () => {
    const image = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/fluent-bit:5.1.2';
    const { alerts } = synthOomAlerts({ clusterName: 'demo', fluentBitImage: image });
    const images = parseAllDocuments(readFileSync(alerts.kubernetesManifestFile as string, 'utf8'))
      .map(
        (document) =>
          document.toJSON() as {
            kind: string;
            spec?: { template: { spec: { containers: { image: string }[] } } };
          },
      )
      .filter((object) => object.kind === 'DaemonSet')
      .map((daemonSet) => daemonSet.spec?.template.spec.containers[0]?.image);
    expect(images).toEqual([image, image]);
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

  it('runs only enrich and watch, which call the Kubernetes API, in the VPC', () => {
    const inVpc = Object.entries(template.findResources('AWS::Lambda::Function'))
      .filter(([, fn]) => (fn as { Properties: { VpcConfig?: unknown } }).Properties.VpcConfig !== undefined)
      .map(([id]) => id.replace(/Function[0-9A-F]{8}$/, ''));
    expect(inVpc).toEqual(['OomAlertsEnrich', 'OomAlertsWatch']);
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
