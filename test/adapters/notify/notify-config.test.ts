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
      },
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
