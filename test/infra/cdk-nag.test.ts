import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations, aws_ec2 as ec2, aws_lambda as lambda } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { readAppConfig, type ContextKey } from '../../infra/app-config.ts';
import { OomAlerts } from '../../infra/oom-alerts.ts';
import { OomAlertsStack } from '../../infra/stack.ts';
import { ENV } from './stack-fixture.ts';

// cdk-nag 3 runs as a CDK validation plugin: synth throws with every unacknowledged finding in the message.
function appWithNag(): App {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'oom-alerts-nag-')),
    context: { 'aws:cdk:bundling-stacks': [] },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

function standaloneApp(context: Partial<Record<ContextKey, string>>): App {
  const result = readAppConfig((key) => context[key]);
  if (!result.ok) throw new Error(result.errors.join('; '));
  const app = appWithNag();
  new OomAlertsStack(app, 'EksOomAlerts-demo', { config: result.config, env: ENV });
  return app;
}

describe('cdk-nag AwsSolutions: no unacknowledged finding', () => {
  it('in the standalone app: ship mode, public endpoint, e-mail and SMS', () => {
    const app = standaloneApp({
      clusterName: 'demo',
      alertEmail: 'ops@example.com',
      alertPhone: '+4915112345678',
    });
    expect(() => app.synth()).not.toThrow();
  });

  it('in the standalone app subscribing to the Container Insights group', () => {
    const app = standaloneApp({
      clusterName: 'demo',
      logGroupMode: 'existing',
      existingLogGroupName: '/aws/containerinsights/demo/host',
    });
    expect(() => app.synth()).not.toThrow();
  });

  it('with a private endpoint and kubectl applying the Fluent Bit manifests', () => {
    const app = appWithNag();
    const stack = new Stack(app, 'Private', { env: ENV });
    // Real-looking ids: a lookup's dummy VPC fails CloudFormation's own id patterns.
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    });
    new OomAlerts(stack, 'OomAlerts', {
      clusterName: 'demo',
      alertEmails: ['ops@example.com'],
      network: { vpc, clusterSecurityGroupId: 'sg-0123456789abcdef0' },
      kubectl: {
        roleArn: 'arn:aws:iam::123456789012:role/eks-admin',
        layer: lambda.LayerVersion.fromLayerVersionArn(
          stack,
          'Kubectl',
          'arn:aws:lambda:eu-west-1:123456789012:layer:kubectl:1',
        ),
      },
    });
    expect(() => app.synth()).not.toThrow();
  });
});
