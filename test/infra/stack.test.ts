import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { readAppConfig, type ContextKey } from '../../infra/app-config.ts';
import { OomAlertsStack } from '../../infra/stack.ts';
import { ENV as RUNTIME_ENV } from '../../shared/runtime-config.ts';
import { OPTIONAL_STACK_OUTPUTS, STACK_OUTPUTS } from '../../shared/stack-outputs.ts';
import { ENV, removeOutdirs, tempOutdir } from './stack-fixture.ts';

afterAll(removeOutdirs);

function standaloneTemplate(context: Partial<Record<ContextKey, string>>): Template {
  const result = readAppConfig((key) => context[key]);
  if (!result.ok) throw new Error(result.errors.join('; '));
  const app = new App({ outdir: tempOutdir(), context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new OomAlertsStack(app, 'EksOomAlerts-demo', { config: result.config, env: ENV });
  return Template.fromStack(stack);
}

describe('the standalone stack', () => {
  it('outputs the topic ARN, bus, state table and events log group under fixed names, not exported', () => {
    const outputs = standaloneTemplate({ clusterName: 'demo' }).toJSON().Outputs as Record<
      string,
      { Value: unknown; Export?: unknown }
    >;
    expect(Object.values(STACK_OUTPUTS).every((name) => name in outputs)).toBe(true);
    expect(outputs[STACK_OUTPUTS.alertTopicArn]?.Value).toEqual({
      Ref: expect.stringMatching(/^OomAlertsAlertTopic[0-9A-F]{8}$/),
    });
    expect(outputs[STACK_OUTPUTS.eventBusName]?.Value).toEqual({
      Ref: expect.stringMatching(/^OomAlertsEventBus[0-9A-F]{8}$/),
    });
    expect(outputs[STACK_OUTPUTS.stateTableName]?.Value).toEqual({
      Ref: expect.stringMatching(/^OomAlertsStateTable[0-9A-F]{8}$/),
    });
    expect(outputs[STACK_OUTPUTS.eventsLogGroupName]?.Value).toEqual({
      Ref: expect.stringMatching(/^OomAlertsEventsLogGroup[0-9A-F]{8}$/),
    });
    for (const name of Object.values(STACK_OUTPUTS)) expect(outputs[name]?.Export).toBeUndefined();
    expect(outputs[OPTIONAL_STACK_OUTPUTS.chatTopicArn]).toBeUndefined();
  });

  it('outputs what notify alerts with, for backfill --deliver: the storm window, smsFor, and a runbook link only when set', () => {
    const defaults = standaloneTemplate({ clusterName: 'demo' }).toJSON().Outputs as Record<
      string,
      { Value: unknown }
    >;
    expect(defaults[OPTIONAL_STACK_OUTPUTS.groupingWindowMinutes]?.Value).toBe('10');
    expect(defaults[OPTIONAL_STACK_OUTPUTS.smsFor]?.Value).toBe('all');
    expect(defaults[OPTIONAL_STACK_OUTPUTS.runbookUrl]).toBeUndefined();
    const runbookUrl = 'https://wiki.example.com/oom/{namespace}/{workload}';
    const set = standaloneTemplate({
      clusterName: 'demo',
      groupingWindowMinutes: '30',
      smsFor: 'restarts-and-node',
      runbookUrl,
    }).toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(set[OPTIONAL_STACK_OUTPUTS.groupingWindowMinutes]?.Value).toBe('30');
    expect(set[OPTIONAL_STACK_OUTPUTS.smsFor]?.Value).toBe('restarts-and-node');
    expect(set[OPTIONAL_STACK_OUTPUTS.runbookUrl]?.Value).toBe(runbookUrl);
  });

  it('outputs the alarm topic, to subscribe to the pipeline alarms', () => {
    const outputs = standaloneTemplate({ clusterName: 'demo' }).toJSON().Outputs as Record<
      string,
      { Value: unknown; Export?: unknown }
    >;
    expect(outputs[OPTIONAL_STACK_OUTPUTS.alarmTopicArn]).toEqual({
      Description: expect.stringContaining('alarms'),
      Value: { Ref: expect.stringMatching(/^OomAlertsAlarmTopic[0-9A-F]{8}$/) },
    });
  });

  it('outputs the chat topic too when there is a chat channel', () => {
    const outputs = standaloneTemplate({
      clusterName: 'demo',
      slackWorkspaceId: 'T0123ABCD',
      slackChannelId: 'C0123ABCD',
    }).toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs[OPTIONAL_STACK_OUTPUTS.chatTopicArn]?.Value).toEqual({
      Ref: expect.stringMatching(/^OomAlertsChatTopic[0-9A-F]{8}$/),
    });
  });

  it('-c dashboard=true -c runbookUrl=… -c smsFor=restarts-and-node reach the notify function', () => {
    const runbookUrl = 'https://wiki.example.com/oom/{namespace}/{workload}';
    standaloneTemplate({
      clusterName: 'demo',
      dashboard: 'true',
      runbookUrl,
      smsFor: 'restarts-and-node',
    }).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [RUNTIME_ENV.dashboardName]: 'eks-oom-alerts-demo',
          [RUNTIME_ENV.runbookUrl]: runbookUrl,
          [RUNTIME_ENV.smsFor]: 'restarts-and-node',
        }),
      },
    });
  });
});
