import { Metrics } from '@aws-lambda-powertools/metrics';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { NotifyDeps } from '../../../adapters/notify/notify-kills.ts';
import {
  createNotifyStage,
  inMemoryNotifyStage,
  notifyAsPublish,
  notifyStageFromEnv,
} from '../../../adapters/notify/notify-stage.ts';
import { PowertoolsKillMetrics } from '../../../adapters/sinks/kill-metrics.ts';
import { formatAlert } from '../../../shared/alert-format/format-alert.ts';
import type { EnrichedOomEvent } from '../../../shared/oom-event.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';

const T0 = Date.parse('2025-11-20T10:02:11.117Z');
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:eks-oom-alerts';
const CHAT_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:eks-oom-alerts-chat';
const sns = mockClient(SNSClient);

afterEach(() => sns.reset());

function kill(n: number, kind: 'container-limit' | 'pod-limit' = 'container-limit'): EnrichedOomEvent {
  const base = exampleEvent(kind);
  return { ...base, id: `${kind}-${n}`, victim: { ...base.victim, pid: 41872 + n } };
}

function printed(): { lines: string[]; deps: NotifyDeps } {
  const lines: string[] = [];
  return {
    lines,
    deps: inMemoryNotifyStage(
      (line) => lines.push(line),
      30,
      () => new Date(T0),
    ),
  };
}

describe('notifyAsPublish', () => {
  it('publishes each event that was notified', async () => {
    const { lines, deps } = printed();
    const results = await notifyAsPublish(deps)([kill(0), kill(1, 'pod-limit')]);
    expect(results).toEqual([{ ok: true }, { ok: true }]);
    expect(lines.map((l) => (JSON.parse(l) as { target: string }).target)).toEqual([
      'sns',
      'chat',
      'sns',
      'chat',
    ]);
  });

  it('fails the event whose alert failed, and every event of a history write that failed', async () => {
    const { deps } = printed();
    let alertsToFail = 1;
    const failing: NotifyDeps = {
      ...deps,
      alerts: {
        publish: () => (alertsToFail-- > 0 ? Promise.reject(new Error('SNS is down')) : Promise.resolve()),
      },
      history: { write: () => Promise.reject(new Error('Logs is down')) },
    };
    const [first, second] = [kill(0), kill(1, 'pod-limit')];
    expect(await notifyAsPublish(failing)([first, second])).toEqual([
      { ok: false, reason: 'alert: Error: SNS is down' },
      { ok: false, reason: 'history: Error: Logs is down' },
    ]);
  });

  it('publishes an event whose failed step a re-run would not complete', async () => {
    const { deps } = printed();
    const uncountable: NotifyDeps = {
      ...deps,
      metrics: {
        countKill: () => {
          throw new Error('EMF is down');
        },
      },
    };
    expect(await notifyAsPublish(uncountable)([kill(0)])).toEqual([{ ok: true }]);
  });
});

describe('inMemoryNotifyStage', () => {
  it('prints alerts and their chat messages, keeps storm windows in memory and names no events log group', async () => {
    const { lines, deps } = printed();
    await notifyAsPublish(deps)([kill(0), kill(1)]);
    expect(lines).toHaveLength(2);
    expect(deps).toMatchObject({ windowMinutes: 30, eventsLogGroupName: null });
    expect(deps.now().getTime()).toBe(T0);
  });
});

describe('createNotifyStage', () => {
  it('alerts on the target’s topic, with its window and events log group', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const metrics = { countKill: () => undefined };
    const deps = createNotifyStage(
      {
        region: 'eu-west-1',
        topicArn: TOPIC,
        stateTableName: 'oom-state',
        eventsLogGroupName: '/eks-oom-alerts/prod-eu/events',
        windowMinutes: 10,
      },
      metrics,
    );
    expect(deps).toMatchObject({ windowMinutes: 10, eventsLogGroupName: '/eks-oom-alerts/prod-eu/events' });
    expect(deps.metrics).toBe(metrics);
    await deps.alerts.publish(formatAlert(kill(0), { eventsLogGroupName: null }));
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input.TopicArn)).toEqual([TOPIC]);
    expect(deps.chat).toBeNull();
    expect(deps.chatIsOnlyChannel).toBe(false);
    expect(deps.alertSettings).toEqual({
      region: 'eu-west-1',
      kernelLogGroupName: null,
      dashboardName: null,
      runbookUrl: null,
      smsFor: 'all',
    });
  });

  it('posts each alert to the chat topic after the alert topic, when there is one', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const deps = createNotifyStage(
      {
        region: 'eu-west-1',
        topicArn: TOPIC,
        chatTopicArn: CHAT_TOPIC,
        stateTableName: 'oom-state',
        eventsLogGroupName: '/eks-oom-alerts/prod-eu/events',
        windowMinutes: 10,
        dashboardName: 'eks-oom-alerts-prod-eu',
        chatIsOnlyChannel: 'true',
      },
      { countKill: () => undefined },
    );
    expect(deps.chatIsOnlyChannel).toBe(true);
    const { chat } = formatAlert(kill(0), { eventsLogGroupName: null });
    await deps.chat?.publish(chat);
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input)).toEqual([
      { TopicArn: CHAT_TOPIC, Message: JSON.stringify(chat) },
    ]);
    expect(deps.alertSettings).toMatchObject({
      region: 'eu-west-1',
      dashboardName: 'eks-oom-alerts-prod-eu',
    });
  });
});

describe('notifyStageFromEnv', () => {
  const metrics = new Metrics({ namespace: 'EksOomAlertsTest', serviceName: 'notify' });

  it('reads the stack’s variables and counts kills in Powertools metrics', () => {
    const deps = notifyStageFromEnv(
      {
        TOPIC_ARN: TOPIC,
        STATE_TABLE_NAME: 'oom-state',
        EVENTS_LOG_GROUP_NAME: '/eks-oom-alerts/prod-eu/events',
        GROUPING_WINDOW_MINUTES: '15',
      },
      metrics,
    );
    expect(deps).toMatchObject({ windowMinutes: 15, eventsLogGroupName: '/eks-oom-alerts/prod-eu/events' });
    expect(deps.metrics).toBeInstanceOf(PowertoolsKillMetrics);
    expect(deps.chat).toBeNull();
  });

  it('refuses to start misconfigured, naming every problem', () => {
    expect(() => notifyStageFromEnv({ STATE_TABLE_NAME: 'oom-state' }, metrics)).toThrow(
      'notify is misconfigured: TOPIC_ARN is not set; EVENTS_LOG_GROUP_NAME is not set',
    );
  });
});
