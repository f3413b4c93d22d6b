import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { publishEvents } from '../../../adapters/sinks/publish-events.ts';
import type { EnrichedOomEvent } from '../../../shared/oom-event.ts';
import { fakeTiming } from '../fake-timing.ts';
import { oomEvent } from '../../fixtures/kubernetes-objects.ts';

const eventBridge = mockClient(EventBridgeClient);
const client = new EventBridgeClient({});

function enriched(id: string): EnrichedOomEvent {
  return {
    ...oomEvent({ id }),
    cluster: 'prod-eu',
    kubernetes: null,
    impact: 'unknown',
    enrichment: { status: 'unavailable', detail: 'the API server did not answer in time' },
  };
}

function sentEntries(call: number): PutEventsRequestEntry[] {
  return (eventBridge.commandCalls(PutEventsCommand)[call]?.args[0].input.Entries ??
    []) as PutEventsRequestEntry[];
}

const accepted = (entries: PutEventsRequestEntry[] | undefined) => ({
  FailedEntryCount: 0,
  Entries: (entries ?? []).map((_, i) => ({ EventId: `eb-${i}` })),
});

beforeEach(() => {
  eventBridge.reset();
});

describe('publishEvents', () => {
  it('sends batches of at most 10 entries, each the event as Detail with source and detail-type', async () => {
    eventBridge
      .on(PutEventsCommand)
      .callsFake((input: { Entries?: PutEventsRequestEntry[] }) => accepted(input.Entries));
    const events = Array.from({ length: 23 }, (_, i) => enriched(`ev-${i}`));
    const results = await publishEvents(events, { client, busName: 'oom-bus', timing: fakeTiming() });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([
      10, 10, 3,
    ]);
    expect(sentEntries(0)[0]).toEqual({
      Source: 'eks-oom-alerts',
      DetailType: 'Pod OOM Killed',
      Detail: JSON.stringify(events[0]),
      EventBusName: 'oom-bus',
      Resources: [],
      Time: new Date('2025-03-14T09:26:53.000Z'),
    });
    const allIds = [0, 1, 2].flatMap((c) =>
      sentEntries(c).map((e) => (JSON.parse(e.Detail ?? '{}') as { id: string }).id),
    );
    expect(allIds).toEqual(events.map((e) => e.id));
  });

  it('resends only the entries PutEvents rejected', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [
          { EventId: 'eb-0' },
          { EventId: 'eb-1' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
        ],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-2' }] });
    const timing = fakeTiming();
    const results = await publishEvents([enriched('a'), enriched('b'), enriched('c')], {
      client,
      busName: 'oom-bus',
      timing,
    });
    expect(results).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(sentEntries(1).map((e) => (JSON.parse(e.Detail ?? '{}') as { id: string }).id)).toEqual(['c']);
    expect(timing.sleeps).toEqual([75]);
  });

  it('reports an entry that keeps failing, so its record is retried, and the others as sent', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries?: PutEventsRequestEntry[] }) => ({
      FailedEntryCount: 1,
      Entries: (input.Entries ?? []).map((e, i) =>
        (JSON.parse(e.Detail ?? '{}') as { id: string }).id === 'b'
          ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }
          : { EventId: `eb-${i}` },
      ),
    }));
    const results = await publishEvents([enriched('a'), enriched('b')], {
      client,
      busName: 'oom-bus',
      timing: fakeTiming(),
      maxAttempts: 3,
    });
    expect(results).toEqual([
      { ok: true },
      { ok: false, reason: 'PutEvents rejected the entry 3 times; last: InternalFailure: try again' },
    ]);
    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([
      2, 1, 1,
    ]);
  });

  it('retries a whole call that errored', async () => {
    eventBridge
      .on(PutEventsCommand)
      .rejectsOnce(Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' }))
      .callsFake((input: { Entries?: PutEventsRequestEntry[] }) => accepted(input.Entries));
    const results = await publishEvents([enriched('a'), enriched('b')], {
      client,
      busName: 'oom-bus',
      timing: fakeTiming(),
    });
    expect(results).toEqual([{ ok: true }, { ok: true }]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
  });

  it('reports every event failed, none sent, when the deadline has passed before the first call', async () => {
    eventBridge
      .on(PutEventsCommand)
      .callsFake((input: { Entries?: PutEventsRequestEntry[] }) => accepted(input.Entries));
    const timing = fakeTiming();
    const results = await publishEvents([enriched('a'), enriched('b')], {
      client,
      busName: 'oom-bus',
      timing,
      deadline: timing.now() - 1,
    });
    expect(results).toEqual([
      { ok: false, reason: 'no time was left to call PutEvents' },
      { ok: false, reason: 'no time was left to call PutEvents' },
    ]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('does not send an event that cannot fit an entry, and says why', async () => {
    eventBridge
      .on(PutEventsCommand)
      .callsFake((input: { Entries?: PutEventsRequestEntry[] }) => accepted(input.Entries));
    const huge = enriched('huge');
    // An image name no entry can hold: identity is never cut, so the event is not sent and says why.
    huge.kubernetes = {
      namespace: 'shop',
      pod: 'p',
      container: null,
      containerType: null,
      workload: null,
      qosClass: null,
      image: `registry.example/${'x'.repeat(300_000)}`,
      labels: {},
      memoryRequest: null,
      memoryLimit: null,
      restartCount: null,
      lastTermination: null,
    };
    const results = await publishEvents([huge, enriched('small')], {
      client,
      busName: 'oom-bus',
      timing: fakeTiming(),
    });
    expect(results[0]).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /^event huge is \d+ bytes without its kernel lines, source ids, task table, co-victims and labels/,
      ),
    });
    expect(results[1]).toEqual({ ok: true });
    expect(sentEntries(0)).toHaveLength(1);
  });
});
