import { CloudWatchLogsClient, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { snsAlertSink, type AlertSink } from '../../../adapters/sinks/alert-sink.ts';
import type { ChatSink } from '../../../adapters/sinks/chat-sink.ts';
import {
  DIGEST_CHAT_RUNS,
  notifyKills,
  notifyUnreadable,
  sendDueDigests,
  type NotifyDeps,
  type NotifyReport,
} from '../../../adapters/notify/notify-kills.ts';
import { retryReason } from '../../../functions/notify/notify-route.ts';
import { DynamoContainerKillStore } from '../../../adapters/state/dynamo-container-kill-store.ts';
import { DynamoStormStore } from '../../../adapters/state/dynamo-storm-store.ts';
import { CloudWatchHistoryWriter, type HistoryWriter } from '../../../adapters/sinks/history-writer.ts';
import type { KillMetrics } from '../../../adapters/sinks/kill-metrics.ts';
import { MemoryContainerKillStore } from '../../../adapters/state/container-kill-store.ts';
import { MemoryStormStore } from '../../../adapters/state/memory-storm-store.ts';
import type { StormStore } from '../../../adapters/state/storm-store.ts';
import type { AlertMessage, AlertSettings } from '../../../shared/alert-format/alert-message.ts';
import type { ChatNotification } from '../../../shared/alert-format/chat.ts';
import { historyRecordOf } from '../../../shared/history-record.ts';
import type { EnrichedOomEvent } from '../../../shared/oom-event.ts';
import { stormGroupOf } from '../../../shared/storm-window.ts';
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
    expect(alerts.sent[1]!.subject).toBe('OOM storm: 14 more OOM kills of prod/checkout-api (api) in 14 min');
    expect(alerts.sent[1]!.sms).toBe(
      'OOM prod-eu: 14 more OOM kills of prod/checkout-api (api) in 14 min, 10:02Z-10:16Z',
    );

    clock.now = T0 + 40 * 60_000;
    expect((await sendDueDigests(deps)).digestsSent).toBe(0);
    expect(alerts.sent).toHaveLength(2);
  });

  it('replayed hours later, four kills 45 min apart are four windows: four alerts, no digest', async () => {
    const clock = { now: T0 + 6 * 60 * 60_000 };
    const { deps, alerts } = memoryDeps(clock);
    const kills = [0, 45, 90, 135].map((minute, n) => checkoutKill(n, minute));
    const report = await notifyKills(kills, deps);
    expect(report.outcomes.map((o) => o.result)).toEqual(['alerted', 'alerted', 'alerted', 'alerted']);
    expect(alerts.sent).toHaveLength(4);
    clock.now += 60 * 60_000;
    expect((await sendDueDigests(deps)).digestsSent).toBe(0);
  });

  it('replayed hours later, kills 1 min apart are one window: one alert, a digest with their own times', async () => {
    const clock = { now: T0 + 6 * 60 * 60_000 };
    const { deps, alerts } = memoryDeps(clock);
    const report = await notifyKills(
      [0, 1, 2, 3].map((minute, n) => checkoutKill(n, minute)),
      deps,
    );
    expect(report.outcomes.map((o) => o.result)).toEqual(['alerted', 'counted', 'counted', 'counted']);
    clock.now += 10 * 60_000;
    expect((await sendDueDigests(deps)).digestsSent).toBe(1);
    expect(alerts.sent.map((a) => a.subject)).toEqual([
      'OOM: prod/checkout-api (api) 512Mi limit on ip-10-0-1-23',
      'OOM storm: 3 more OOM kills of prod/checkout-api (api) in 3 min',
    ]);
    const digest = alerts.sent[1]!;
    expect(digest.email).toContain('  First kill:  2025-11-20 10:02:11 UTC (alerted on its own)');
    expect(digest.email).toContain('  Last kill:   2025-11-20 10:05:11 UTC');
    expect(digest.sms).toBe(
      'OOM prod-eu: 3 more OOM kills of prod/checkout-api (api) in 3 min, 10:02Z-10:05Z',
    );
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
      'OOM: child process php-fpm in prod/web (php) 256Mi limit on ip-10-0-2-7',
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
    expect(alerts.sent[1]!.subject).toBe(
      'OOM storm: 1 more OOM kill of prod/checkout-api (api) in under 1 s',
    );
  });

  it('alerts an unreadable event with what arrived', async () => {
    const { deps, alerts } = memoryDeps({ now: T0 });
    await notifyUnreadable({ id: 'x' }, 'field "schemaVersion" is missing', deps);
    expect(alerts.sent.map((a) => a.subject)).toEqual(['OOM event could not be read']);
    expect(alerts.sent[0]!.email).toContain('"id": "x"');
  });
});

describe('notifyKills: the right-sizing hint', () => {
  it('tells, in the alert of a container’s third limit hit in a day, how often and what limit to try', async () => {
    const clock = { now: T0 };
    const { deps, alerts } = memoryDeps(clock);
    const sized: NotifyDeps = { ...deps, containerKills: new MemoryContainerKillStore() };
    for (const [n, minute] of [0, 120, 240].entries()) {
      clock.now = T0 + minute * 60_000;
      await notifyKills([checkoutKill(n, minute)], sized);
    }
    expect(alerts.sent).toHaveLength(3);
    expect(alerts.sent[0]!.email).not.toContain('Right-sizing');
    expect(alerts.sent[2]!.email).toContain(
      'This container hit its memory limit 3 times in the 24 h up to this kill, the first at 2025-11-20 10:02:11 UTC: ' +
        'peak usage 512Mi, limit 512Mi.',
    );
    expect(alerts.sent[2]!.email).toContain('a limit of 640Mi (the peak × 1.25)');
  });

  it('tells it in the digest of a storm too, counted up to the storm’s last kill', async () => {
    const clock = { now: T0 };
    const { deps, alerts } = memoryDeps(clock);
    const sized: NotifyDeps = { ...deps, containerKills: new MemoryContainerKillStore() };
    await notifyKills(
      [0, 1, 2, 3].map((minute, n) => checkoutKill(n, minute)),
      sized,
    );
    clock.now = T0 + 40 * 60_000;
    expect((await sendDueDigests(sized)).digestsSent).toBe(1);
    expect(alerts.sent[1]!.email).toContain(
      "Right-sizing\n  This container hit its memory limit 4 times in the 24 h up to the storm's last kill, " +
        'the first at 2025-11-20 10:02:11 UTC: peak usage 512Mi, limit 512Mi.',
    );
  });

  it('alerts without the hint when the kills cannot be kept, and says so', async () => {
    const clock = { now: T0 };
    const { deps, alerts } = memoryDeps(clock);
    const broken: NotifyDeps = {
      ...deps,
      containerKills: {
        recordKill: () => Promise.reject(new Error('DynamoDB is down')),
        recentKills: () => Promise.reject(new Error('DynamoDB is down')),
      },
    };
    const report = await notifyKills([checkoutKill(0, 0)], broken);
    expect(alerts.sent).toHaveLength(1);
    expect(report.failures).toEqual([
      {
        step: 'right-sizing',
        subject: checkoutKill(0, 0).id,
        error: 'Error: DynamoDB is down',
        retry: false,
      },
    ]);
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
    const table = await dynamo.createStateTable('notify-e2e');
    const deps: NotifyDeps = {
      alerts: snsAlertSink(new SNSClient({}), topic),
      history: new CloudWatchHistoryWriter(new CloudWatchLogsClient({}), LOG_GROUP),
      storms: new DynamoStormStore(dynamo.documents, table),
      containerKills: new DynamoContainerKillStore(dynamo.documents, table),
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
      JSON.stringify(historyRecordOf(checkoutKill(14, 14))),
    );

    clock.now = T0 + 36 * 60_000;
    const report = await sendDueDigests(deps);
    expect(report.failures).toEqual([]);
    expect(report.digestsSent).toBe(1);
    const digest = sns.commandCalls(PublishCommand)[1]!.args[0].input;
    expect(digest.Subject).toBe('OOM storm: 14 more OOM kills of prod/checkout-api (api) in 14 min');
    expect(digest.MessageStructure).toBe('json');
    const message = JSON.parse(digest.Message!) as { default: string; email: string; sms: string };
    expect(message.default).toBe(
      '14 more OOM kills of prod/checkout-api (api) in 14 min (cluster prod-eu), from 2025-11-20 10:02:11 UTC to 2025-11-20 10:16:11 UTC.',
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
    const next = JSON.parse(sns.commandCalls(PublishCommand)[2]!.args[0].input.Message!) as { email: string };
    expect(next.email).toContain('This container hit its memory limit 16 times in the 24 h up to this kill');
  });
});

describe('notifyKills: the chat copy and the alert settings', () => {
  class RecordingChat implements ChatSink {
    readonly sent: ChatNotification[] = [];
    fail = false;
    async publish(message: ChatNotification): Promise<void> {
      if (this.fail) throw new Error('chat topic: KMS.AccessDeniedException');
      this.sent.push(message);
    }
  }

  it('posts each alert and digest to chat after the topic, in the same storm thread', async () => {
    const clock = { now: T0 };
    const { deps, alerts } = memoryDeps(clock);
    const chat = new RecordingChat();
    const withChat: NotifyDeps = { ...deps, chat };
    await notifyKills([checkoutKill(0, 0)], withChat);
    clock.now = T0 + 60_000;
    await notifyKills([checkoutKill(1, 1)], withChat);
    clock.now = T0 + 36 * 60_000;
    expect((await sendDueDigests(withChat)).digestsSent).toBe(1);
    expect(chat.sent.map((c) => c.content.title)).toEqual(alerts.sent.map((a) => a.subject));
    expect(chat.sent).toEqual(alerts.sent.map((a) => a.chat));
    expect(new Set(chat.sent.map((c) => c.metadata?.threadId)).size).toBe(1);
  });

  it('reports a chat failure without retry: a re-run would send the e-mail and SMS again', async () => {
    const { deps, alerts } = memoryDeps({ now: T0 });
    const chat = new RecordingChat();
    chat.fail = true;
    const report = await notifyKills([checkoutKill(0, 0)], { ...deps, chat });
    expect(alerts.sent).toHaveLength(1);
    expect(report.failures).toEqual([
      {
        step: 'chat',
        subject: checkoutKill(0, 0).id,
        error: 'Error: chat topic: KMS.AccessDeniedException',
        retry: false,
      },
    ]);
    expect(report.outcomes[0]).toMatchObject({ result: 'alerted' });
  });

  /** Lambda's asynchronous invoke of notify: runs again, twice at most, while a failure asks for a retry. */
  async function asLambdaWould(run: () => Promise<NotifyReport>): Promise<NotifyReport[]> {
    const reports: NotifyReport[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      reports.push(await run());
      if (retryReason(reports.at(-1) as NotifyReport) === null) break;
    }
    return reports;
  }

  it('with chat the only channel, a failed chat message fails the delivery, and the retry posts it', async () => {
    const { deps, alerts } = memoryDeps({ now: T0 });
    const chat = new RecordingChat();
    chat.fail = true;
    const chatOnly: NotifyDeps = { ...deps, chat, chatIsOnlyChannel: true };
    const first = await notifyKills([checkoutKill(0, 0)], chatOnly);
    expect(first.failures).toEqual([
      {
        step: 'chat',
        subject: checkoutKill(0, 0).id,
        error: 'Error: chat topic: KMS.AccessDeniedException',
        retry: true,
      },
    ]);
    chat.fail = false;
    const reports = await asLambdaWould(() => notifyKills([checkoutKill(0, 0)], chatOnly));
    expect(reports.map((r) => r.failures)).toEqual([[]]);
    expect(chat.sent.map((c) => c.content.title)).toEqual([alerts.sent[0]?.subject]);
    // The topic has no subscriber to send twice to: publishing again costs nothing.
    expect(alerts.sent).toHaveLength(2);
    // Once posted, a further re-delivery of the event sends nothing more.
    await notifyKills([checkoutKill(0, 0)], chatOnly);
    expect(chat.sent).toHaveLength(1);
  });

  it('with chat the only channel, a digest whose chat message failed is posted by a later run', async () => {
    const clock = { now: T0 };
    const { deps } = memoryDeps(clock);
    const chat = new RecordingChat();
    const chatOnly: NotifyDeps = { ...deps, chat, chatIsOnlyChannel: true };
    await notifyKills([checkoutKill(0, 0)], chatOnly);
    clock.now = T0 + 60_000;
    await notifyKills([checkoutKill(1, 1)], chatOnly);
    chat.fail = true;
    clock.now = T0 + 36 * 60_000;
    const failed = await sendDueDigests(chatOnly);
    expect(failed.digestsSent).toBe(0);
    expect(retryReason(failed)).toMatch(/^delivery incomplete: chat \(/);
    chat.fail = false;
    clock.now = T0 + 41 * 60_000;
    expect((await sendDueDigests(chatOnly)).digestsSent).toBe(1);
    expect(chat.sent).toHaveLength(2);
  });

  /** A storm of two checkout kills whose window closes at minute 30, with chat the only channel. */
  async function chatOnlyStorm(clock: { now: number }) {
    const { deps, alerts } = memoryDeps(clock);
    const chat = new RecordingChat();
    const chatOnly: NotifyDeps = { ...deps, chat, chatIsOnlyChannel: true };
    await notifyKills([checkoutKill(0, 0)], chatOnly);
    clock.now = T0 + 60_000;
    await notifyKills([checkoutKill(1, 1)], chatOnly);
    return { chatOnly, chat, alerts };
  }

  it('with chat the only channel, a digest the alert topic took is not published to it again by the runs that retry its chat message', async () => {
    const clock = { now: T0 };
    const { chatOnly, chat, alerts } = await chatOnlyStorm(clock);
    chat.fail = true;
    for (const minute of [36, 37, 39]) {
      clock.now = T0 + minute * 60_000;
      expect(retryReason(await sendDueDigests(chatOnly))).toMatch(/^delivery incomplete: chat \(/);
    }
    chat.fail = false;
    clock.now = T0 + 41 * 60_000;
    expect((await sendDueDigests(chatOnly)).digestsSent).toBe(1);
    expect(alerts.sent.map((a) => a.subject)).toEqual([
      chat.sent[0]?.content.title,
      chat.sent[1]?.content.title,
    ]);
    expect(chat.sent).toHaveLength(2);
  });

  it(`with chat the only channel, a digest whose chat message keeps failing is given up after ${DIGEST_CHAT_RUNS} runs, counted and logged, and not tried again`, async () => {
    const clock = { now: T0 };
    const { chatOnly, chat, alerts } = await chatOnlyStorm(clock);
    chat.fail = true;
    const reports: NotifyReport[] = [];
    for (let run = 0; run < DIGEST_CHAT_RUNS + 2; run += 1) {
      clock.now = T0 + (36 + run * 5) * 60_000;
      reports.push(await sendDueDigests(chatOnly));
    }
    const chatTries = reports.map((r) => r.failures.filter((f) => f.step === 'chat').length);
    expect(chatTries).toEqual([...Array<number>(DIGEST_CHAT_RUNS).fill(1), 0, 0]);
    expect(reports.map((r) => retryReason(r) !== null)).toEqual([
      ...Array<boolean>(DIGEST_CHAT_RUNS - 1).fill(true),
      false,
      false,
      false,
    ]);
    const last = reports[DIGEST_CHAT_RUNS - 1] as NotifyReport;
    expect(last.failures).toEqual([
      expect.objectContaining({ step: 'chat', retry: false }),
      {
        step: 'digest',
        subject: stormGroupOf(checkoutKill(0, 0)).key,
        error: `chat message not posted in ${DIGEST_CHAT_RUNS} runs: given up (ChatPublishFailures counts each)`,
        retry: false,
      },
    ]);
    // The alert, then the digest once.
    expect(alerts.sent).toHaveLength(2);
    expect(chat.sent).toHaveLength(1);
  });

  it('with e-mail or SMS as well, a failed chat message is not retried: the e-mail goes once', async () => {
    const { deps, alerts } = memoryDeps({ now: T0 });
    const chat = new RecordingChat();
    chat.fail = true;
    const reports = await asLambdaWould(() =>
      notifyKills([checkoutKill(0, 0)], { ...deps, chat, chatIsOnlyChannel: false }),
    );
    expect(reports).toHaveLength(1);
    expect(alerts.sent).toHaveLength(1);
  });

  it('posts nothing to chat when the topic publish failed: the retry will', async () => {
    const { deps, alerts } = memoryDeps({ now: T0 });
    const chat = new RecordingChat();
    alerts.failNext = 1;
    const report = await notifyKills([checkoutKill(0, 0)], { ...deps, chat });
    expect(report.failures.map((f) => f.step)).toEqual(['alert']);
    expect(chat.sent).toEqual([]);
  });

  it('gives the alerts the stack’s links and smsFor', async () => {
    const { deps, alerts } = memoryDeps({ now: T0 });
    const settings: AlertSettings = {
      region: 'eu-west-1',
      kernelLogGroupName: null,
      dashboardName: 'eks-oom-alerts-prod-eu',
      runbookUrl: null,
      smsFor: 'restarts-and-node',
    };
    const child = { ...exampleEvent('child-process'), observedAt: new Date(T0).toISOString() };
    await notifyKills([checkoutKill(0, 0), child], { ...deps, alertSettings: settings });
    expect(alerts.sent.map((a) => a.sendSms)).toEqual([true, false]);
    expect(alerts.sent[0]!.email).toContain(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/eks-oom-alerts-prod-eu',
    );
    const unreadable = await notifyUnreadable({ id: 'x' }, 'broken', { ...deps, alertSettings: settings });
    expect(unreadable.failures).toEqual([]);
    expect(alerts.sent[2]!.sendSms).toBe(false);
  });
});
