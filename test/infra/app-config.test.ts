import { App, Duration, Stack, aws_logs as logs } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  readAppConfig,
  regionOf,
  stackNameOf,
  synthValidationProblems,
  unknownContextKeyProblems,
  type ContextKey,
} from '../../infra/app-config.ts';
import { OomAlerts } from '../../infra/oom-alerts.ts';
import { ENV, removeOutdirs, tempOutdir } from './stack-fixture.ts';

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
        fluentBitImage: undefined,
        encryptionKeyArn: undefined,
        dashboard: false,
        silentNodeAfter: undefined,
        smsSpendAlarmUsd: undefined,
        region: undefined,
        chatChannels: undefined,
        pagerDutyRoutingKeySecretName: undefined,
        kubernetesEvents: false,
        runbookUrl: undefined,
        smsFor: undefined,
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

  it('-c groupingWindowMinutes=1441: over a day, which notify would refuse at every alert', () => {
    expect(read({ clusterName: 'demo', groupingWindowMinutes: '1441' })).toEqual({
      ok: false,
      errors: ['groupingWindowMinutes must be at most 1440 (one day)'],
    });
    expect(read({ clusterName: 'demo', groupingWindowMinutes: '1440' }).ok).toBe(true);
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

  it('-c fluentBitImage -c encryptionKeyArn -c dashboard=true -c silentNodeMinutes=60 -c smsSpendAlarmUsd=20', () => {
    const result = read({
      clusterName: 'demo',
      fluentBitImage: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/fluent-bit:5.1.2',
      encryptionKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      dashboard: 'true',
      silentNodeMinutes: '60',
      smsSpendAlarmUsd: '20',
    });
    if (!result.ok) throw new Error(result.errors.join());
    expect(result.config).toMatchObject({
      fluentBitImage: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/fluent-bit:5.1.2',
      encryptionKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      dashboard: true,
      smsSpendAlarmUsd: 20,
    });
    expect(result.config.silentNodeAfter?.toMinutes()).toBe(60);
  });

  it('cdk.json booleans and numbers work as well as strings', () => {
    expect(read({ clusterName: 'demo', dashboard: true, silentNodeMinutes: 45 })).toMatchObject({
      ok: true,
      config: { dashboard: true },
    });
  });

  it('names what is wrong with the image, the key, the dashboard switch, the silence and the SMS amount', () => {
    expect(
      read({
        clusterName: 'demo',
        fluentBitImage: 'fluent bit',
        encryptionKeyArn: 'arn:aws:kms:eu-west-1:123456789012:alias/org',
        dashboard: 'yes',
        silentNodeMinutes: '5',
        smsSpendAlarmUsd: '$5',
      }),
    ).toEqual({
      ok: false,
      errors: [
        'fluentBitImage must be an image reference without spaces, e.g. <registry>/fluent-bit:5.1.2',
        'encryptionKeyArn must be the ARN of a KMS key (arn:aws:kms:<region>:<account>:key/<id>), not "arn:aws:kms:eu-west-1:123456789012:alias/org"',
        'dashboard must be true or false',
        'silentNodeMinutes must be a whole number of minutes from 10 to 1440',
        'smsSpendAlarmUsd must be an amount of US dollars, e.g. 0.8 or 25',
      ],
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

  it('accepts every EKS cluster name, _ included, and names the stack with - for _', () => {
    for (const clusterName of ['prod_eu', '0ops', 'a', 'x'.repeat(100), 'Prod-EU_2']) {
      expect(read({ clusterName })).toMatchObject({ ok: true, config: { clusterName } });
    }
    expect(stackNameOf('prod_eu_1')).toBe('EksOomAlerts-prod-eu-1');
    expect(stackNameOf('demo')).toBe('EksOomAlerts-demo');
    for (const clusterName of ['-prod', '_x', 'prod.eu', 'x'.repeat(101), 'prod eu']) {
      expect(read({ clusterName })).toEqual({
        ok: false,
        errors: [
          `clusterName "${clusterName}" is not an EKS cluster name: letters, digits, - and _, starting with a letter or digit, at most 100`,
        ],
      });
    }
  });

  it('-c slackWorkspaceId -c slackChannelId, -c teamsTenantId -c teamsTeamId -c teamsChannelId: the chat channels', () => {
    const teams = {
      teamsTenantId: '11111111-2222-3333-4444-555555555555',
      teamsTeamId: '66666666-7777-8888-9999-000000000000',
      teamsChannelId: '19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2',
    };
    expect(
      read({ clusterName: 'demo', slackWorkspaceId: 'T0123ABCD', slackChannelId: 'C0123ABCD', ...teams }),
    ).toMatchObject({
      ok: true,
      config: {
        chatChannels: {
          slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' },
          teams: {
            tenantId: teams.teamsTenantId,
            teamId: teams.teamsTeamId,
            channelId: teams.teamsChannelId,
          },
        },
      },
    });
    expect(
      read({ clusterName: 'demo', slackChannelId: 'C0123ABCD', teamsTenantId: teams.teamsTenantId }),
    ).toEqual({
      ok: false,
      errors: ['slackChannelId needs slackWorkspaceId', 'teamsTenantId needs teamsTeamId and teamsChannelId'],
    });
    expect(
      read({
        clusterName: 'demo',
        ...teams,
        teamsChannelId: '19:b6ef35dc342d56ba5654e6fc6d25a071@thread.tacv2',
      }),
    ).toEqual({
      ok: false,
      errors: ["teamsChannelId is the channel ID as the channel's link encodes it: 19%3a…%40thread.tacv2"],
    });
  });

  it('-c pagerDutyRoutingKeySecretName=pagerduty/oom -c kubernetesEvents=true -c region=eu-west-1', () => {
    expect(
      read({
        clusterName: 'demo',
        pagerDutyRoutingKeySecretName: 'pagerduty/oom',
        kubernetesEvents: 'true',
        region: 'eu-west-1',
      }),
    ).toMatchObject({
      ok: true,
      config: { pagerDutyRoutingKeySecretName: 'pagerduty/oom', kubernetesEvents: true, region: 'eu-west-1' },
    });
    expect(
      read({
        clusterName: 'demo',
        pagerDutyRoutingKeySecretName: 'my key',
        kubernetesEvents: 'yes',
        region: 'Frankfurt',
      }),
    ).toEqual({
      ok: false,
      errors: [
        'region "Frankfurt" is not an AWS region such as eu-west-1',
        'pagerDutyRoutingKeySecretName must be the name or ARN of a Secrets Manager secret',
        'kubernetesEvents must be true or false',
      ],
    });
  });

  it('says where the region comes from, and that none is a mistake', () => {
    expect(regionOf('eu-central-1', { CDK_DEFAULT_REGION: 'us-east-1' })).toEqual({
      ok: true,
      region: 'eu-central-1',
      source: 'context region',
    });
    expect(regionOf(undefined, { CDK_DEFAULT_REGION: 'eu-west-1', AWS_REGION: 'eu-west-1' })).toEqual({
      ok: true,
      region: 'eu-west-1',
      source: 'AWS_REGION',
    });
    expect(regionOf(undefined, { CDK_DEFAULT_REGION: 'eu-west-1' })).toMatchObject({
      source: 'the AWS profile or instance metadata',
    });
    // What the CDK CLI hands the app when it found no region anywhere: it cannot be told from a chosen us-east-1.
    expect(regionOf(undefined, { CDK_DEFAULT_REGION: 'us-east-1' })).toMatchObject({
      region: 'us-east-1',
      source: expect.stringContaining('fallback when no region is set anywhere: give -c region=<region>'),
    });
    expect(regionOf(undefined, {})).toEqual({
      ok: false,
      problem: 'no region: give -c region=<region>, or set AWS_REGION',
    });
  });

  it('-c runbookUrl=https://…/{namespace}/{workload} -c smsFor=restarts-and-node', () => {
    const runbookUrl = 'https://wiki.example.com/oom/{cluster}/{namespace}/{workload}?container={container}';
    expect(read({ clusterName: 'demo', runbookUrl, smsFor: 'restarts-and-node' })).toMatchObject({
      ok: true,
      config: { runbookUrl, smsFor: 'restarts-and-node' },
    });
    expect(
      read({ clusterName: 'demo', runbookUrl: 'http://runbooks.internal/oom', smsFor: 'all' }),
    ).toMatchObject({
      ok: true,
      config: { runbookUrl: 'http://runbooks.internal/oom', smsFor: 'all' },
    });
  });

  it('names what is wrong with the runbook link template and with smsFor', () => {
    const errorsOf = (context: Partial<Record<ContextKey, unknown>>): string[] => {
      const result = read({ clusterName: 'demo', ...context });
      return result.ok ? [] : result.errors;
    };
    const notALink = 'runbookUrl must be an http:// or https:// link without spaces';
    expect(errorsOf({ runbookUrl: 'wiki.example.com/oom' })).toEqual([notALink]);
    expect(errorsOf({ runbookUrl: 'ftp://wiki.example.com/oom' })).toEqual([notALink]);
    expect(errorsOf({ runbookUrl: 'https://wiki.example.com/oom runbook' })).toEqual([notALink]);
    expect(errorsOf({ runbookUrl: 'https://' })).toEqual([notALink]);
    expect(errorsOf({ runbookUrl: 'https://wiki.example.com/{pod}?ns={namespace}&c={Container}' })).toEqual([
      'runbookUrl names {pod}, {Container}: the placeholders are {cluster}, {namespace}, {workload} and {container}',
    ]);
    expect(errorsOf({ runbookUrl: 'https://wiki.example.com/{namespace' })).toEqual([
      'runbookUrl names {: the placeholders are {cluster}, {namespace}, {workload} and {container}',
    ]);
    expect(errorsOf({ smsFor: 'restarts' })).toEqual([
      'smsFor must be "all" or "restarts-and-node", not "restarts"',
    ]);
  });

  it('rejects an unknown log group mode', () => {
    expect(read({ clusterName: 'demo', logGroupMode: 'shipped' })).toEqual({
      ok: false,
      errors: ['logGroupMode must be "ship" or "existing", not "shipped"'],
    });
  });

  it("rejects the existing group's keys in ship mode, where they would be ignored", () => {
    expect(read({ clusterName: 'demo', existingLogGroupName: '/aws/containerinsights/demo/host' })).toEqual({
      ok: false,
      errors: ['existingLogGroupName needs logGroupMode=existing (ship mode makes its own group)'],
    });
    expect(read({ clusterName: 'demo', logGroupMode: 'ship', existingSubscriptionFilters: '1' })).toEqual({
      ok: false,
      errors: ['existingSubscriptionFilters needs logGroupMode=existing (ship mode makes its own group)'],
    });
  });
});

describe('unknownContextKeyProblems', () => {
  it('names a key the app does not read, and the key meant when it is a plural or a case away', () => {
    expect(unknownContextKeyProblems(['clusterName', 'alertEmails', 'AlertPhone', 'enrichDelay'])).toEqual([
      'unknown context key alertEmails: did you mean alertEmail? (the keys: docs/deploy.md, "Configuration")',
      'unknown context key AlertPhone: did you mean alertPhone? (the keys: docs/deploy.md, "Configuration")',
      'unknown context key enrichDelay (the keys: docs/deploy.md, "Configuration")',
    ]);
  });

  it('names a key with `-` or `_` spelt like one of its keys', () => {
    expect(unknownContextKeyProblems(['alert-email', 'cluster_name', 'sms-for'])).toEqual([
      'unknown context key alert-email: did you mean alertEmail? (the keys: docs/deploy.md, "Configuration")',
      'unknown context key cluster_name: did you mean clusterName? (the keys: docs/deploy.md, "Configuration")',
      'unknown context key sms-for: did you mean smsFor? (the keys: docs/deploy.md, "Configuration")',
    ]);
  });

  it("leaves CDK's own keys alone: feature flags, aws:cdk:…, cdk.json's cli-telemetry, lookups", () => {
    expect(
      unknownContextKeyProblems([
        '@aws-cdk/core:newStyleStackSynthesis',
        'aws:cdk:bundling-stacks',
        'aws:cdk:enable-path-metadata',
        'cli-telemetry',
        'acknowledged-issue-numbers',
        'aws-cdk:enableDiffNoFail',
        'vpc-provider:account=123456789012:filter.vpc-id=vpc-1:region=eu-west-1',
      ]),
    ).toEqual([]);
  });
});

describe('synthValidationProblems', () => {
  afterAll(removeOutdirs);

  it("lists the construct's own checks that failed at synth, without their construct paths", () => {
    const app = new App({ outdir: tempOutdir(), context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Alerts', { env: ENV });
    new OomAlerts(stack, 'OomAlerts', {
      clusterName: 'demo',
      kernelLogs: { mode: 'existing', logGroupName: '/aws/x', existingSubscriptionFilters: 2 },
    });
    let thrown: unknown;
    try {
      app.synth();
    } catch (error) {
      thrown = error;
    }
    expect(synthValidationProblems(thrown)).toEqual([
      'Log group /aws/x would have 3 subscription filters (2 existing, 1 in this app); CloudWatch Logs allows 2. ' +
        'Remove one, or use ship mode, which creates its own group.',
    ]);
  });

  it('is undefined for any other error, which the app rethrows', () => {
    expect(synthValidationProblems(new Error('ENOSPC: no space left on device'))).toBeUndefined();
    expect(synthValidationProblems('a string')).toBeUndefined();
  });
});
