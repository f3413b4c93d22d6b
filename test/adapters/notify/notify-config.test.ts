import { describe, expect, it } from 'vitest';
import { readNotifyConfig } from '../../../adapters/notify/notify-config.ts';
import { DEFAULT_WINDOW_MINUTES } from '../../../shared/storm-window.ts';

const env = {
  TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:alerts',
  STATE_TABLE_NAME: 'state',
  EVENTS_LOG_GROUP_NAME: '/eks-oom-alerts/prod-eu/events',
  GROUPING_WINDOW_MINUTES: '15',
};

describe('readNotifyConfig', () => {
  it('reads what the stack sets', () => {
    expect(readNotifyConfig(env)).toEqual({
      ok: true,
      config: {
        topicArn: env.TOPIC_ARN,
        stateTableName: 'state',
        eventsLogGroupName: '/eks-oom-alerts/prod-eu/events',
        windowMinutes: 15,
        chatTopicArn: null,
        region: null,
        kernelLogGroupName: null,
        dashboardName: null,
        runbookUrl: null,
        smsFor: 'all',
        chatIsOnlyChannel: 'false',
      },
    });
  });

  it('reads whether chat is the only channel, and refuses a value that is not true or false', () => {
    expect(readNotifyConfig({ ...env, CHAT_IS_ONLY_CHANNEL: 'true' })).toMatchObject({
      ok: true,
      config: { chatIsOnlyChannel: 'true' },
    });
    const read = readNotifyConfig({ ...env, CHAT_IS_ONLY_CHANNEL: 'yes' });
    expect(read.ok).toBe(false);
    expect(JSON.stringify(read)).toContain('CHAT_IS_ONLY_CHANNEL');
  });

  it('reads the chat topic, the links and smsFor, and the region Lambda sets', () => {
    expect(
      readNotifyConfig({
        ...env,
        AWS_REGION: 'eu-west-1',
        CHAT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:chat',
        KERNEL_LOG_GROUP_NAME: '/eks-oom-alerts/prod-eu/kernel',
        DASHBOARD_NAME: 'eks-oom-alerts-prod-eu',
        RUNBOOK_URL: 'https://wiki.example.com/oom/{namespace}/{workload}',
        SMS_FOR: 'restarts-and-node',
      }),
    ).toMatchObject({
      ok: true,
      config: {
        chatTopicArn: 'arn:aws:sns:eu-west-1:123456789012:chat',
        region: 'eu-west-1',
        kernelLogGroupName: '/eks-oom-alerts/prod-eu/kernel',
        dashboardName: 'eks-oom-alerts-prod-eu',
        runbookUrl: 'https://wiki.example.com/oom/{namespace}/{workload}',
        smsFor: 'restarts-and-node',
      },
    });
  });

  it('refuses a runbook that is not a link and an smsFor it does not know', () => {
    expect(readNotifyConfig({ ...env, RUNBOOK_URL: 'wiki/oom', SMS_FOR: 'some' })).toEqual({
      ok: false,
      problems: [
        'RUNBOOK_URL "wiki/oom" must be an http:// or https:// link without spaces',
        'SMS_FOR must be one of all, restarts-and-node, not "some"',
      ],
    });
  });

  it('refuses a runbook template with a placeholder it cannot fill, as the stack does at synth', () => {
    expect(readNotifyConfig({ ...env, RUNBOOK_URL: 'https://wiki.example.com/{team}/{workload}' })).toEqual({
      ok: false,
      problems: [
        'RUNBOOK_URL "https://wiki.example.com/{team}/{workload}" names {team}: the placeholders are ' +
          '{cluster}, {namespace}, {workload} and {container}',
      ],
    });
  });

  it("defaults the window to the stack's 10 minutes", () => {
    expect(readNotifyConfig({ ...env, GROUPING_WINDOW_MINUTES: undefined })).toMatchObject({
      config: { windowMinutes: 10 },
    });
    expect(DEFAULT_WINDOW_MINUTES).toBe(10);
  });

  it('lists every problem', () => {
    expect(readNotifyConfig({ GROUPING_WINDOW_MINUTES: '2.5' })).toEqual({
      ok: false,
      problems: [
        'TOPIC_ARN is not set',
        'STATE_TABLE_NAME is not set',
        'EVENTS_LOG_GROUP_NAME is not set',
        'GROUPING_WINDOW_MINUTES must be a whole number of minutes from 1 to 1440, not "2.5"',
      ],
    });
  });
});
