/**
 * A later kill counted while the scheduled sweep runs: its window must not be filed under a bucket the sweep has
 * already read and moved its cursor past, or its digest is never sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertSink } from '../../../adapters/sinks/alert-sink.ts';
import { notifyKills, sendDueDigests, type NotifyDeps } from '../../../adapters/notify/notify-kills.ts';
import { DynamoStormStore } from '../../../adapters/state/dynamo-storm-store.ts';
import { MemoryStormStore } from '../../../adapters/state/memory-storm-store.ts';
import type { StormStore } from '../../../adapters/state/storm-store.ts';
import type { AlertMessage } from '../../../shared/alert-format/alert-message.ts';
import type { EnrichedOomEvent } from '../../../shared/oom-event.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';
import { startLocalDynamo, type LocalDynamo } from '../../integration/local-dynamo.ts';

const T0 = Date.parse('2025-11-20T10:02:11.117Z');
const at = (iso: string) => Date.parse(iso);

function checkoutKill(n: number, minute: number): EnrichedOomEvent {
  const base = exampleEvent('container-limit');
  return {
    ...base,
    id: `ip-10-0-1-23/${81234 + n}.0/${41872 + n}/node`,
    observedAt: new Date(T0 + minute * 60_000).toISOString(),
    victim: { ...base.victim, pid: 41872 + n },
  };
}

/** A kill of another storm group (a host process), alerted on its own. */
const hostKill: EnrichedOomEvent = { ...exampleEvent('child-process'), id: 'ip-10-0-1-23/99999.0/1/node' };

/** Records what it sends, and runs `during` (once) while the first message is being published. */
class SlowSink implements AlertSink {
  readonly sent: AlertMessage[] = [];
  during: (() => Promise<void>) | null = null;
  async publish(message: AlertMessage): Promise<void> {
    this.sent.push(message);
    const during = this.during;
    this.during = null;
    if (during !== null) await during();
  }
}

function deps(storms: StormStore, alerts: AlertSink, clock: { now: number }): NotifyDeps {
  return {
    alerts,
    history: { write: async () => undefined },
    storms,
    metrics: { countKill: () => undefined },
    windowMinutes: 30,
    eventsLogGroupName: null,
    now: () => new Date(clock.now),
  };
}

let dynamo: LocalDynamo;
let tables = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});

afterAll(async () => {
  await dynamo.close();
});

async function dynamoStore(documents?: DynamoDBDocumentClient): Promise<StormStore> {
  tables += 1;
  const table = await dynamo.createStateTable(`sweep-race-${tables}`);
  return new DynamoStormStore(documents ?? dynamo.documents, table);
}

const stores: [string, () => Promise<StormStore>][] = [
  ['DynamoDB', () => dynamoStore()],
  ['memory', async () => new MemoryStormStore()],
];

describe.each(stores)('a digest and a sweep during a notify run (%s)', (_name, makeStore) => {
  it('files a kill counted after a sweep moved on under a bucket the sweep has not read yet', async () => {
    const storms = await makeStore();
    const clock = { now: T0 };
    const notifyAlerts = new SlowSink();
    const notify = deps(storms, notifyAlerts, clock);
    const sweepAlerts = new SlowSink();
    const sweep = deps(storms, sweepAlerts, clock);
    // The window of the first kill closes at 10:32:11, in the 10:30 bucket.
    await notifyKills([checkoutKill(0, 0)], notify);

    // A run starts at 10:34:59 with a host kill and a late copy of a checkout kill of 10:03. While the host kill's
    // alert is being published, the scheduled sweep reads the 10:30 bucket (empty yet) and moves past it.
    clock.now = at('2025-11-20T10:34:59Z');
    notifyAlerts.during = async () => {
      clock.now = at('2025-11-20T10:36:30Z');
      expect((await sendDueDigests(sweep)).digestsSent).toBe(0);
    };
    const report = await notifyKills([hostKill, checkoutKill(1, 1)], notify);
    expect(report.outcomes.map((o) => o.result)).toEqual(['alerted', 'counted']);

    let digests = 0;
    for (const sweepAt of ['10:41:30', '10:46:30', '10:51:30']) {
      clock.now = at(`2025-11-20T${sweepAt}Z`);
      digests += (await sendDueDigests(sweep)).digestsSent;
    }
    expect(digests).toBe(1);
    expect(sweepAlerts.sent.map((m) => m.subject)).toEqual([
      'OOM storm: 1 more OOM kill of prod/checkout-api (api) in 1 min',
    ]);
  });
});

describe('a digest and a sweep during a notify run (DynamoDB, index write in flight)', () => {
  it('a sweep right after a bucket ends does not pass the bucket a write in flight is filing into', async () => {
    const clock = { now: T0 };
    const sweepAlerts = new SlowSink();
    let sweepStore: StormStore | null = null;
    let swept = false;
    // The sweep runs after the window's due bucket is chosen, before the write that files it there lands.
    const documents = {
      send: async (command: unknown) => {
        const key = command instanceof UpdateCommand ? String(command.input.Key?.['pk']) : '';
        if (key.startsWith('storm#due#') && !swept && sweepStore !== null) {
          swept = true;
          clock.now = at('2025-11-20T10:35:00.500Z');
          expect((await sendDueDigests(deps(sweepStore, sweepAlerts, clock))).digestsSent).toBe(0);
        }
        return dynamo.documents.send(command as UpdateCommand);
      },
    } as unknown as DynamoDBDocumentClient;
    const storms = await dynamoStore(documents);
    const notify = deps(storms, new SlowSink(), clock);
    await notifyKills([checkoutKill(0, 0)], notify);

    clock.now = at('2025-11-20T10:34:59.500Z');
    sweepStore = storms;
    await notifyKills([checkoutKill(1, 1)], notify);
    expect(swept).toBe(true);

    let digests = 0;
    for (const sweepAt of ['10:40:00.500', '10:45:00.500', '10:50:00.500']) {
      clock.now = at(`2025-11-20T${sweepAt}Z`);
      digests += (await sendDueDigests(deps(storms, sweepAlerts, clock))).digestsSent;
    }
    expect(digests).toBe(1);
    expect(sweepAlerts.sent).toHaveLength(1);
  });
});
