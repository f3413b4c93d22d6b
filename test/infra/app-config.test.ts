import { Duration, aws_logs as logs } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readAppConfig, type ContextKey } from '../../infra/app-config.ts';

const read = (context: Partial<Record<ContextKey, unknown>>) => readAppConfig((key) => context[key]);

describe('readAppConfig (cdk -c context)', () => {
  it('npx cdk synth -c clusterName=demo -c alertEmail=ops@example.com: ship mode with defaults', () => {
    expect(read({ clusterName: 'demo', alertEmail: 'ops@example.com' })).toEqual({
      ok: true,
      config: {
        clusterName: 'demo',
        alertEmails: ['ops@example.com'],
        alertPhoneNumbers: [],
        kernelLogs: { mode: 'ship' },
        network: undefined,
        retention: undefined,
        groupingWindow: undefined,
        kubectl: undefined,
      },
    });
  });

  it('-c alertEmail=a@x.io,b@x.io -c alertPhone=+4915112345678: comma-separated lists', () => {
    const result = read({ clusterName: 'demo', alertEmail: 'a@x.io, b@x.io', alertPhone: '+4915112345678' });
    expect(result).toMatchObject({
      ok: true,
      config: { alertEmails: ['a@x.io', 'b@x.io'], alertPhoneNumbers: ['+4915112345678'] },
    });
  });

  it('cdk.json arrays work as well as comma-separated strings', () => {
    const result = read({
      clusterName: 'demo',
      alertEmail: ['a@x.io', 'b@x.io'],
      subnetIds: ['subnet-1', 'subnet-2'],
      vpcId: 'vpc-1',
    });
    expect(result).toMatchObject({
      ok: true,
      config: { alertEmails: ['a@x.io', 'b@x.io'], network: { subnetIds: ['subnet-1', 'subnet-2'] } },
    });
  });

  it('-c logGroupMode=existing -c existingLogGroupName=…: subscribes to that group', () => {
    const result = read({
      clusterName: 'demo',
      logGroupMode: 'existing',
      existingLogGroupName: '/aws/containerinsights/demo/host',
      existingSubscriptionFilters: '1',
    });
    expect(result).toMatchObject({
      ok: true,
      config: {
        kernelLogs: {
          mode: 'existing',
          logGroupName: '/aws/containerinsights/demo/host',
          existingSubscriptionFilters: 1,
        },
      },
    });
  });

  it('-c vpcId -c subnetIds -c clusterSecurityGroupId: private endpoint', () => {
    const result = read({
      clusterName: 'demo',
      vpcId: 'vpc-1',
      subnetIds: 'subnet-1,subnet-2',
      clusterSecurityGroupId: 'sg-1',
    });
    expect(result).toMatchObject({
      ok: true,
      config: {
        network: { vpcId: 'vpc-1', subnetIds: ['subnet-1', 'subnet-2'], clusterSecurityGroupId: 'sg-1' },
      },
    });
  });

  it('-c retentionDays=90 -c groupingWindowMinutes=15', () => {
    const result = read({ clusterName: 'demo', retentionDays: '90', groupingWindowMinutes: '15' });
    if (!result.ok) throw new Error(result.errors.join());
    expect(result.config.retention).toBe(logs.RetentionDays.THREE_MONTHS);
    expect(result.config.groupingWindow?.toMinutes()).toBe(Duration.minutes(15).toMinutes());
  });

  it('-c kubectlRoleArn -c kubectlLayerArn: deploy the manifests', () => {
    const result = read({
      clusterName: 'demo',
      kubectlRoleArn: 'arn:aws:iam::1:role/admin',
      kubectlLayerArn: 'arn:aws:lambda:eu-west-1:1:layer:kubectl:3',
    });
    expect(result).toMatchObject({
      ok: true,
      config: {
        kubectl: {
          roleArn: 'arn:aws:iam::1:role/admin',
          layerArn: 'arn:aws:lambda:eu-west-1:1:layer:kubectl:3',
        },
      },
    });
  });

  it('without clusterName: says how to pass it', () => {
    expect(read({})).toEqual({
      ok: false,
      errors: [
        'clusterName is required: npx cdk synth -c clusterName=<your EKS cluster> [-c alertEmail=ops@example.com]',
      ],
    });
  });

  it('reports every mistake at once', () => {
    const result = read({
      clusterName: 'demo',
      alertEmail: 'ops@example',
      alertPhone: '015112345678',
      logGroupMode: 'existing',
      retentionDays: '31',
      groupingWindowMinutes: '0',
      kubectlRoleArn: 'arn:aws:iam::1:role/admin',
      subnetIds: 'subnet-1',
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toEqual([
      'alertEmail "ops@example" is not an e-mail address',
      'alertPhone "015112345678" is not an E.164 number such as +4915112345678',
      'logGroupMode=existing needs existingLogGroupName, e.g. /aws/containerinsights/demo/host',
      'subnetIds needs vpcId',
      expect.stringMatching(
        /^retentionDays must be one of CloudWatch Logs' values: 1, 3, 5, 7, 14, 30, 60, 90/,
      ),
      'groupingWindowMinutes must be a whole number of minutes, at least 1',
      'kubectlRoleArn needs kubectlLayerArn: the ARN of a published kubectl Lambda layer for your cluster version',
    ]);
  });

  it('rejects an unknown log group mode', () => {
    expect(read({ clusterName: 'demo', logGroupMode: 'shipped' })).toEqual({
      ok: false,
      errors: ['logGroupMode must be "ship" or "existing", not "shipped"'],
    });
  });
});
