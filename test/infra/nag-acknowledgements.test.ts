import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  App,
  Stack,
  Validations,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readAppConfig, type ContextKey } from '../../infra/app-config.ts';
import { OomAlerts } from '../../infra/oom-alerts.ts';
import { OomAlertsStack } from '../../infra/stack.ts';
import { ENV, removeOutdirs, tempOutdir } from './stack-fixture.ts';

afterAll(removeOutdirs);

// cdk-nag 3 runs as a CDK validation plugin: synth throws with every unacknowledged finding, and the cloud
// assembly's validation-report.json lists them.
function appWithNag(): App {
  const app = new App({ outdir: tempOutdir('oom-alerts-nag-'), context: { 'aws:cdk:bundling-stacks': [] } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

/** Synthesizes the app and returns each unacknowledged cdk-nag finding as `rule at construct path`. */
function nagFindings(app: App): string[] {
  // The plugin also prints its report to the console: the report file says the same.
  const print = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    app.synth();
    return [];
  } catch (error) {
    const file = join(app.outdir, 'validation-report.json');
    if (!existsSync(file)) throw error;
    const report = JSON.parse(readFileSync(file, 'utf8')) as ValidationReport;
    return report.pluginReports
      .filter((plugin) => plugin.pluginName === 'AwsSolutions')
      .flatMap((plugin) => plugin.violations)
      .flatMap((violation) =>
        violation.violatingConstructs.map(
          (construct) => `${violation.ruleName} at ${construct.constructPath}`,
        ),
      )
      .sort();
  } finally {
    print.mockRestore();
  }
}

function standaloneApp(context: Partial<Record<ContextKey, string>>): { app: App; stack: OomAlertsStack } {
  const result = readAppConfig((key) => context[key]);
  if (!result.ok) throw new Error(result.errors.join('; '));
  const app = appWithNag();
  const stack = new OomAlertsStack(app, 'EksOomAlerts-demo', { config: result.config, env: ENV });
  return { app, stack };
}

describe('cdk-nag AwsSolutions: no unacknowledged finding', () => {
  it('in the standalone app: ship mode, public endpoint, e-mail and SMS', () => {
    const { app } = standaloneApp({
      clusterName: 'demo',
      alertEmail: 'ops@example.com',
      alertPhone: '+4915112345678',
    });
    expect(nagFindings(app)).toEqual([]);
  });

  it("in the standalone app with the organization's key and the dashboard", () => {
    const { app } = standaloneApp({
      clusterName: 'demo',
      alertEmail: 'ops@example.com',
      alertPhone: '+4915112345678',
      encryptionKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      dashboard: 'true',
    });
    expect(nagFindings(app)).toEqual([]);
  });

  it('in the standalone app with Slack and Teams, PagerDuty and Kubernetes Events', () => {
    const { app } = standaloneApp({
      clusterName: 'demo',
      slackWorkspaceId: 'T0123ABCD',
      slackChannelId: 'C0123ABCD',
      teamsTenantId: '11111111-2222-3333-4444-555555555555',
      teamsTeamId: '66666666-7777-8888-9999-000000000000',
      teamsChannelId: '19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2',
      pagerDutyRoutingKeySecretName: 'pagerduty/oom',
      kubernetesEvents: 'true',
    });
    expect(nagFindings(app)).toEqual([]);
  });

  it('in the standalone app subscribing to the Container Insights group', () => {
    const { app } = standaloneApp({
      clusterName: 'demo',
      logGroupMode: 'existing',
      existingLogGroupName: '/aws/containerinsights/demo/host',
    });
    expect(nagFindings(app)).toEqual([]);
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
    expect(nagFindings(app)).toEqual([]);
  });
});

// Without these, the tests above would pass with checks that never ran or never looked at our construct.
describe('cdk-nag AwsSolutions: the checks above can fail', () => {
  it('finds an unencrypted queue without a dead-letter queue or SSL', () => {
    const app = appWithNag();
    new sqs.Queue(new Stack(app, 'NonCompliant', { env: ENV }), 'Queue', {
      encryption: sqs.QueueEncryption.UNENCRYPTED,
    });
    expect(nagFindings(app)).toEqual([
      'AwsSolutions-SQS2 at NonCompliant/Queue/Resource',
      'AwsSolutions-SQS3 at NonCompliant/Queue/Resource',
      'AwsSolutions-SQS4 at NonCompliant/Queue/Resource',
    ]);
  });

  it('finds a wildcard grant added to a function of the standalone stack, and nothing else', () => {
    const { app, stack } = standaloneApp({ clusterName: 'demo', alertEmail: 'ops@example.com' });
    stack.alerts.functions.notify.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }),
    );
    expect(nagFindings(app)).toEqual([
      'AwsSolutions-IAM5[Resource::*] at EksOomAlerts-demo/OomAlerts/NotifyRole/DefaultPolicy/Resource',
    ]);
  });
});
