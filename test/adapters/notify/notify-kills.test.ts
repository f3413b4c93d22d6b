import { CloudWatchLogsClient, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SnsAlertSink, type AlertSink } from '../../../adapters/sinks/alert-sink.ts';
import {
  notifyKills,
  notifyUnreadable,
  sendDueDigests,
  type NotifyDeps,
} from '../../../adapters/notify/notify-kills.ts';
import { DynamoStormStore } from '../../../adapters/state/dynamo-storm-store.ts';
import { CloudWatchHistoryWriter, type HistoryWriter } from '../../../adapters/sinks/history-writer.ts';
import type { KillMetrics } from '../../../adapters/sinks/kill-metrics.ts';
import { MemoryStormStore } from '../../../adapters/state/memory-storm-store.ts';
import type { StormStore } from '../../../adapters/state/storm-store.ts';
import type { AlertMessage } from '../../../shared/alert-format/alert-message.ts';
import type { EnrichedOomEvent } from '../../../shared/oom-event.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';
import { startLocalDynamo, type LocalDynamo } from '../../integration/local-dynamo.ts';

const T0 = Date.parse('2025-11-20T10:02:11.117Z');
const LOG_GROUP = '/eks-oom-alerts/prod-eu/events';

/** Kill n of a storm of the checkout-api container: a new pod id and time each. */
function checkoutKill(n: number, minute: number): EnrichedOomEvent {
  const base = exampleEvent('container-limit');
  return {
    ...base,
    id: `ip-10-0-1-23/${81234 + n}.0/${41872 + n}/node`,
    observedAt: new Date(T0 + minute * 60_000).toISOString(),
    victim: { ...base.victim, pid: 41872 + n },
  };
}

class RecordingSink implements AlertSink {
  readonly sent: AlertMessage[] = [];
  failNext = 0;
  async publish(message: AlertMessage): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('SNS is down');
    }
    this.sent.push(message);
  }
}

class RecordingHistory implements HistoryWriter {
  readonly written: string[] = [];
  failNext = 0;
  async write(events: readonly EnrichedOomEvent[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('CloudWatch Logs is down');
    }
    this.written.push(...events.map((e) => e.id));
  }
}

class RecordingMetrics implements KillMetrics {
  readonly counted: string[] = [];
  countKill(event: EnrichedOomEvent): void {
    this.counted.push(event.id);
  }
}

function memoryDeps(clock: { now: number }, storms: StormStore = new MemoryStormStore()) {
  const alerts = new RecordingSink();
  const history = new RecordingHistory();
  const metrics = new RecordingMetrics();
  const deps: NotifyDeps = {
    alerts,
    history,
    storms,
    metrics,
    windowMinutes: 30,
    eventsLogGroupName: LOG_GROUP,
    now: () => new Date(clock.now),
  };
  return { deps, alerts, history, metrics };
}

describe('notifyKills', () => {
  it('alerts the first kill, counts the rest, and the scheduled run sends one digest', async () => {
    const clock = { now: T0 };
    const { deps, alerts, history, metrics } = memoryDeps(clock);
    for (let n = 0; n < 15; n += 1) {
      clock.now = T0 + n * 60_000;
      const report = await notifyKills([checkoutKill(n, n)], deps);
      expect(report.outcomes).toEqual([
        { eventId: checkoutKill(n, n).id, result: n === 0 ? 'alerted' : 'counted', ungrouped: false },
      ]);
      expect(report.failures).toEqual([]);
    }
    expect(alerts.sent.map((a) => a.subject)).toEqual([
      'OOM: prod/checkout-api (api) 512Mi limit on ip-10-0-1-23',
    ]);
    expect(history.written).toHaveLength(15);
    expect(metrics.counted).toHaveLength(15);

    clock.now = T0 + 29 * 60_000;
    expect((await sendDueDigests(deps)).digestsSent).toBe(0);

    clock.now = T0 + 35 * 60_000;
    const report = await sendDueDigests(deps);
    expect(report).toEqual({ outcomes: [], digestsSent: 1, failures: [], digestsAbandonedBefore: null });
    expect(alerts.sent[1]!.subject).toBe('OOM storm: 14 more OOM kills of prod/checkout-api (api) in 30 min');
    expect(alerts.sent[1]!.sms).toBe(
      'OOM prod-eu: 14 more OOM kills of prod/checkout-api (api) in 30 min, last at 10:16Z',
    );

    clock.now = T0 + 40 * 60_000;
    expect((await sendDueDigests(deps)).digestsSent).toBe(0);
    expect(alerts.sent).toHaveLength(2);
  });

  it('sends no digest for a storm of one', async () => {
    const clock = { now: T0 };
    const { deps, alerts } = memoryDeps(clock);
    await notifyKills([checkoutKill(0, 0)], deps);
    clock.now = T0 + 60 * 60_000;
    expect((await sendDueDigests(deps)).digestsSent).toBe(0);
    expect(alerts.sent).toHaveLength(1);
  });

  it('keeps different workloads and host kills in separate storms', async () => {
    const clock = { now: T0 };
    const { deps, alerts } = memoryDeps(clock);
    await notifyKills(
      [checkoutKill(0, 0), exampleEvent('child-process'), exampleEvent('host-process'), checkoutKill(1, 0)],
      deps,
    );
    expect(alerts.sent.map((a) => a.subject)).toEqual([
      'OOM: prod/checkout-api (api) 512Mi limit on ip-10-0-1-23',
      'OOM: php-fpm child in prod/web (php) 256Mi limit on ip-10-0-2-7',
      'Node OOM on ip-10-0-3-41: killed host process systemd-journal',
    ]);
  });

  it('asks for a retry when SNS fails, and the retry alerts once', async () => {
    const clock = { now: T0 };
    const { deps, alerts, metrics } = memoryDeps(clock);
    alerts.failNext = 1;
    const failed = await notifyKills([checkoutKill(0, 0)], deps);
    expect(failed.failures).toEqual([
      { step: 'alert', subject: checkoutKill(0, 0).id, error: 'Error: SNS is down', retry: true },
    ]);
    const retried = await notifyKills([checkoutKill(0, 0)], deps);
    expect(retried.failures).toEqual([]);
    expect(retried.outcomes[0]!.result).toBe('alerted');
    expect(alerts.sent).toHaveLength(1);
    const again = await notifyKills([checkoutKill(0, 0)], deps);
    expect(again.outcomes[0]!.result).toBe('repeat');
    expect(alerts.sent).toHaveLength(1);
    expect(metrics.counted).toEqual([checkoutKill(0, 0).id]);
  });

  it('asks for a retry when the history fails, and the retry does not alert again', async () => {
    const clock = { now: T0 };
    const { deps, alerts, history } = memoryDeps(clock);
    history.failNext = 1;
    const failed = await notifyKills([checkoutKill(0, 0)], deps);
    expect(failed.failures.map((f) => [f.step, f.retry])).toEqual([['history', true]]);
    await notifyKills([checkoutKill(0, 0)], deps);
    expect(alerts.sent).toHaveLength(1);
    expect(history.written).toEqual([checkoutKill(0, 0).id]);
  });

  it('alerts every kill on its own when the storm state is unavailable', async () => {
    const clock = { now: T0 };
    const broken = new MemoryStormStore();
    broken.recordKill = async () => {
      throw new Error('DynamoDB is down');
    };
    const { deps, alerts } = memoryDeps(clock, broken);
    const report = await notifyKills([checkoutKill(0, 0), checkoutKill(1, 0)], deps);
    expect(alerts.sent).toHaveLength(2);
    expect(report.outcomes.map((o) => [o.result, o.ungrouped])).toEqual([
      ['alerted', true],
      ['alerted', true],
    ]);
    expect(report.failures.map((f) => [f.step, f.retry])).toEqual([
      ['storm-state', false],
      ['storm-state', false],
    ]);
  });

  it('keeps an unsent digest for the next run', async () => {
    const clock = { now: T0 };
    const { deps, alerts } = memoryDeps(clock);
    await notifyKills([checkoutKill(0, 0), checkoutKill(1, 0)], deps);
    clock.now = T0 + 35 * 60_000;
    alerts.failNext = 1;
    const failed = await sendDueDigests(deps);
    expect(failed.digestsSent).toBe(0);
    expect(failed.failures.map((f) => [f.step, f.retry])).toEqual([['digest', true]]);
    clock.now = T0 + 40 * 60_000;
    expect((await sendDueDigests(deps)).digestsSent).toBe(1);
    expect(alerts.sent[1]!.subject).toBe('OOM storm: 1 more OOM kill of prod/checkout-api (api) in 30 min');
  });

  it('alerts an unreadable event with what arrived', async () => {
    const { deps, alerts } = memoryDeps({ now: T0 });
    await notifyUnreadable({ id: 'x' }, 'field "schemaVersion" is missing', deps);
    expect(alerts.sent.map((a) => a.subject)).toEqual(['OOM event could not be read']);
    expect(alerts.sent[0]!.email).toContain('"id": "x"');
  });
});

describe('notifyKills with DynamoDB (dynalite), SNS and CloudWatch Logs clients', () => {
  const sns = mockClient(SNSClient);
  const logs = mockClient(CloudWatchLogsClient);
  let dynamo: LocalDynamo;

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });

  afterAll(async () => {
    await dynamo.close();
  });

  afterEach(() => {
    sns.reset();
    logs.reset();
  });

  it('one alert for a storm of 15, the digest from the scheduled run, each kill in the history', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    logs.on(PutLogEventsCommand).resolves({});
    const clock = { now: T0 };
    const topic = 'arn:aws:sns:eu-west-1:123456789012:alerts';
    const deps: NotifyDeps = {
      alerts: new SnsAlertSink(new SNSClient({}), topic),
      history: new CloudWatchHistoryWriter(new CloudWatchLogsClient({}), LOG_GROUP),
      storms: new DynamoStormStore(dynamo.documents, await dynamo.createStateTable('notify-e2e')),
      metrics: new RecordingMetrics(),
      windowMinutes: 30,
      eventsLogGroupName: LOG_GROUP,
      now: () => new Date(clock.now),
    };
    for (let n = 0; n < 15; n += 1) {
      clock.now = T0 + n * 60_000;
      expect((await notifyKills([checkoutKill(n, n)], deps)).failures).toEqual([]);
    }
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(logs.commandCalls(PutLogEventsCommand)).toHaveLength(15);
    expect(logs.commandCalls(PutLogEventsCommand)[14]!.args[0].input.logEvents![0]!.message).toBe(
      JSON.stringify(checkoutKill(14, 14)),
    );

    clock.now = T0 + 36 * 60_000;
    const report = await sendDueDigests(deps);
    expect(report.failures).toEqual([]);
    expect(report.digestsSent).toBe(1);
    const digest = sns.commandCalls(PublishCommand)[1]!.args[0].input;
    expect(digest.Subject).toBe('OOM storm: 14 more OOM kills of prod/checkout-api (api) in 30 min');
    expect(digest.MessageStructure).toBe('json');
    const message = JSON.parse(digest.Message!) as { default: string; email: string; sms: string };
    expect(message.default).toBe(
      '14 more OOM kills of prod/checkout-api (api) in 30 min (cluster prod-eu), last at 2025-11-20 10:16:11 UTC.',
    );
    expect(message.email).toContain(`(event ${checkoutKill(14, 14).id})`);

    clock.now = T0 + 41 * 60_000;
    expect((await sendDueDigests(deps)).digestsSent).toBe(0);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);

    clock.now = T0 + 42 * 60_000;
    await notifyKills([checkoutKill(15, 42)], deps);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(3);
    expect(sns.commandCalls(PublishCommand)[2]!.args[0].input.Subject).toBe(
      'OOM: prod/checkout-api (api) 512Mi limit on ip-10-0-1-23',
    );
  });
});
