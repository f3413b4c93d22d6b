import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryClaimStore, killFingerprint } from '../../../adapters/state/claim-store.ts';
import type { ClaimStore } from '../../../adapters/state/claim-store.ts';
import { createDynamoDbClaimStore } from '../../../adapters/state/dynamodb-claim-store.ts';
import { lostAnswerClient, startStateTable } from '../../integration/local-dynamo.ts';
import type { StateTable } from '../../integration/local-dynamo.ts';
import { enrichEvents } from '../../../adapters/enrich/enrich-events.ts';
import type { PublishResult, EnrichDeps } from '../../../adapters/enrich/enrich-events.ts';
import type { Enrichment, PodResolver } from '../../../adapters/kubernetes/pod-resolver.ts';
import type { EnrichedOomEvent, OomEvent } from '../../../shared/oom-event.ts';
import { KILL_TIME, NODE, oomEvent } from '../../fixtures/kubernetes-objects.ts';
import { mergeReportContext } from '../../../shared/report-context.ts';
import { killSeenRank } from '../../../shared/event-copies.ts';

const NOW = Date.parse(KILL_TIME) + 60_000;
// Attempt tokens are unique across runs, as randomUUID makes them.
let tokens = 0;
const RESOLVED: Enrichment = {
  kubernetes: null,
  impact: 'process-killed-container-running',
  enrichment: { status: 'resolved', detail: null },
};

function harness(
  options: {
    claims?: ClaimStore;
    resolve?: PodResolver['resolve'];
    publish?: (events: readonly EnrichedOomEvent[]) => PublishResult[] | Promise<PublishResult[]>;
    /** The run's clock; NOW when absent. */
    now?: number;
    completeReports?: EnrichDeps['completeReports'];
  } = {},
) {
  const published: EnrichedOomEvent[] = [];
  const sleeps: number[] = [];
  const now = options.now ?? NOW;
  const deps: EnrichDeps = {
    cluster: 'prod-eu',
    resolver: { resolve: options.resolve ?? (() => Promise.resolve(RESOLVED)) },
    claims: options.claims ?? createMemoryClaimStore(),
    publish: async (events) => {
      const results = (await options.publish?.(events)) ?? events.map(() => ({ ok: true as const }));
      events.forEach((e, i) => {
        if (results[i]?.ok === true) published.push(e);
      });
      return results;
    },
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    deadline: now + 20_000,
    leaseMs: 40_000,
    claimTtlMs: 30 * 86_400_000,
    newToken: () => `token-${++tokens}`,
    ...(options.completeReports === undefined ? {} : { completeReports: options.completeReports }),
  };
  return { deps, published, sleeps };
}

/** The copy of a kill line that Container Insights also ships in `<node>.host.dmesg`, stamped 1.2 s apart. */
function dmesgCopy(event: OomEvent): OomEvent {
  return {
    ...event,
    id: `${event.id}-dmesg`,
    observedAt: new Date(Date.parse(event.observedAt ?? KILL_TIME) + 1_200).toISOString(),
    source: {
      logGroup: '/aws/containerinsights/prod/host',
      logStream: `${NODE}.host.dmesg`,
      eventIds: ['9001'],
    },
  };
}

describe('enrichEvents', () => {
  it('publishes each event enriched with the cluster and the resolver’s answer, in order', async () => {
    const { deps, published } = harness();
    const events = [oomEvent({ id: 'a' }), oomEvent({ id: 'b', victim: { ...oomEvent().victim, pid: 7 } })];
    const outcomes = await enrichEvents(events, deps);
    expect(outcomes.map((o) => [o.status, o.eventId])).toEqual([
      ['published', 'a'],
      ['published', 'b'],
    ]);
    expect(published).toEqual([
      { ...events[0], cluster: 'prod-eu', ...RESOLVED },
      { ...events[1], cluster: 'prod-eu', ...RESOLVED },
    ]);
  });

  it('publishes a batch seen three times exactly once', async () => {
    const { deps, published } = harness();
    const batch = [oomEvent({ id: 'a' }), oomEvent({ id: 'b', victim: { ...oomEvent().victim, pid: 7 } })];
    await enrichEvents(batch, deps);
    const again = await enrichEvents(batch, deps);
    const third = await enrichEvents(batch, deps);
    expect(published.map((e) => e.id)).toEqual(['a', 'b']);
    expect([...again, ...third].map((o) => o.status)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
  });

  it('publishes one event for a kill line that arrived in two streams', async () => {
    const { deps, published } = harness();
    const messages = oomEvent({ id: 'messages-copy' });
    const outcomes = await enrichEvents([messages, dmesgCopy(messages)], deps);
    expect(published.map((e) => e.id)).toEqual(['messages-copy']);
    expect(outcomes[1]).toEqual({
      status: 'duplicate',
      eventId: 'messages-copy-dmesg',
      reason: 'same kill as event messages-copy (the kernel line arrived in two streams)',
    });
  });

  it('claims an id that appears twice in one batch once', async () => {
    const { deps, published } = harness();
    const outcomes = await enrichEvents([oomEvent(), oomEvent()], deps);
    expect(published).toHaveLength(1);
    expect(outcomes.map((o) => o.status)).toEqual(['published', 'duplicate']);
  });

  it('of two copies of one event in a batch, publishes the one that shows more of the kill', async () => {
    // Parse sent the group kill at the end of one delivery, then again with the members the next one brought.
    const members = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ pid: 50_000 + i, name: 'php-fpm', anonRssKb: 4_000 }));
    const first = oomEvent({ coVictims: members(20), coVictimCount: 20 });
    const later = oomEvent({ coVictims: members(100), coVictimCount: 299 });
    for (const batch of [
      [first, later],
      [later, first],
    ]) {
      const { deps, published } = harness();
      const outcomes = await enrichEvents(batch, deps);
      expect(published.map((e) => e.coVictimCount)).toEqual([299]);
      expect(outcomes.map((o) => o.status)).toEqual(
        batch[0] === later ? ['published', 'duplicate'] : ['duplicate', 'published'],
      );
      expect(outcomes.find((o) => o.status === 'duplicate')).toMatchObject({
        reason: 'another copy of the same event in the batch shows more of the kill',
      });
    }
  });

  it('fails an event whose publish failed, releases its claims, and publishes it on the retry', async () => {
    let refuse = true;
    const { deps, published } = harness({
      publish: (events) =>
        events.map(() => (refuse ? { ok: false, reason: 'ThrottlingException: slow down' } : { ok: true })),
    });
    const first = await enrichEvents([oomEvent()], deps);
    expect(first).toEqual([{ status: 'failed', eventId: 'ev-1', reason: 'ThrottlingException: slow down' }]);
    refuse = false;
    const retry = await enrichEvents([oomEvent()], deps);
    expect(retry.map((o) => o.status)).toEqual(['published']);
    expect(published).toHaveLength(1);
  });

  it('lets the other stream’s copy through when the first copy failed, and then only that one', async () => {
    let refuse = true;
    const { deps, published } = harness({
      publish: (events) =>
        events.map(() => (refuse ? { ok: false, reason: 'InternalFailure' } : { ok: true })),
    });
    const messages = oomEvent({ id: 'messages-copy' });
    await enrichEvents([messages], deps);
    refuse = false;
    await enrichEvents([dmesgCopy(messages)], deps);
    const retried = await enrichEvents([messages], deps);
    expect(published.map((e) => e.id)).toEqual(['messages-copy-dmesg']);
    expect(retried[0]).toMatchObject({
      status: 'duplicate',
      reason: 'same kill as event messages-copy-dmesg (the kernel line arrived in two streams)',
    });
  });

  it('fails every event when publishing throws, and keeps them retryable', async () => {
    const { deps } = harness({
      publish: () => {
        throw new Error('socket hang up');
      },
    });
    const outcomes = await enrichEvents([oomEvent()], deps);
    expect(outcomes).toEqual([
      { status: 'failed', eventId: 'ev-1', reason: 'delivery failed: socket hang up' },
    ]);
    const retry = harness({ claims: deps.claims });
    expect((await enrichEvents([oomEvent()], retry.deps)).map((o) => o.status)).toEqual(['published']);
  });

  it('still publishes when the resolver throws, as "unavailable" with the reason', async () => {
    const { deps, published } = harness({ resolve: () => Promise.reject(new Error('kaboom')) });
    await enrichEvents([oomEvent()], deps);
    expect(published[0]).toMatchObject({
      kubernetes: null,
      impact: 'unknown',
      enrichment: { status: 'unavailable', detail: 'enrichment failed unexpectedly: kaboom' },
    });
  });

  it('fails an event whose claim cannot be written, without publishing it', async () => {
    const claims = createMemoryClaimStore();
    const { deps, published } = harness({
      claims: {
        ...claims,
        claimEvent: () => Promise.reject(new Error('ProvisionedThroughputExceededException')),
      },
    });
    const outcomes = await enrichEvents([oomEvent()], deps);
    expect(outcomes).toEqual([
      { status: 'failed', eventId: 'ev-1', reason: 'claim failed: ProvisionedThroughputExceededException' },
    ]);
    expect(published).toEqual([]);
  });

  it('releases the event claim when the kill claim cannot be written', async () => {
    const claims = createMemoryClaimStore();
    const { deps } = harness({
      claims: { ...claims, claimKill: () => Promise.reject(new Error('network')) },
    });
    expect((await enrichEvents([oomEvent()], deps))[0]?.status).toBe('failed');
    expect((await enrichEvents([oomEvent()], harness({ claims }).deps))[0]?.status).toBe('published');
  });

  it('fails, for a later retry, an event another invocation is working on', async () => {
    const claims = createMemoryClaimStore();
    await claims.claimEvent('ev-1', { token: 'other', now: NOW, leaseUntil: NOW + 30_000, expiresAt: 0 });
    const outcomes = await enrichEvents([oomEvent()], harness({ claims }).deps);
    expect(outcomes).toEqual([
      {
        status: 'failed',
        eventId: 'ev-1',
        reason: 'another attempt holds it until 2025-03-14T09:28:23.000Z',
        inFlight: true,
      },
    ]);
  });

  it('skips a replay of a report older than the claims are remembered', async () => {
    const { deps, published } = harness();
    const outcomes = await enrichEvents([oomEvent({ observedAt: '2025-01-01T00:00:00.000Z' })], deps);
    expect(published).toEqual([]);
    // Without a claim: a warning, so that a kill stamped with a wrong date is seen.
    expect(outcomes[0]).toEqual({
      status: 'duplicate',
      eventId: 'ev-1',
      reason:
        'observed at 2025-01-01T00:00:00.000Z, before anything the claim table still remembers: a replayed old report, or a kill stamped with a wrong date',
      unverified: true,
    });
  });

  it('says so when a published event’s claim could not be marked done', async () => {
    const claims = createMemoryClaimStore();
    const { deps, published } = harness({
      claims: { ...claims, completeEvent: () => Promise.reject(new Error('ServiceUnavailable')) },
    });
    expect(await enrichEvents([oomEvent()], deps)).toEqual([
      {
        status: 'published',
        eventId: 'ev-1',
        event: published[0],
        unsettled:
          'claim not marked done: ServiceUnavailable; it stays "publishing", and later copies take it as delivered',
      },
    ]);
  });

  it('says so when a failed event’s claim could not be released, the loss that leaves', async () => {
    const claims = createMemoryClaimStore();
    const { deps } = harness({
      claims: { ...claims, releaseEvent: () => Promise.reject(new Error('ServiceUnavailable')) },
      publish: (events) => events.map(() => ({ ok: false, reason: 'InternalFailure' })),
    });
    expect(await enrichEvents([oomEvent()], deps)).toEqual([
      {
        status: 'failed',
        eventId: 'ev-1',
        reason: 'InternalFailure',
        unsettled:
          'claim not released: ServiceUnavailable; if it was marked "publishing", a retry after its lease takes it as delivered and it is never alerted',
      },
    ]);
  });

  it('completes only the claimed events before resolving them, and notes what it did', async () => {
    const seen: string[][] = [];
    const resolved: number[] = [];
    const { deps } = harness({
      resolve: (event) => {
        resolved.push(event.tasks.length);
        return Promise.resolve(RESOLVED);
      },
    });
    deps.completeReports = (events, deadline) => {
      seen.push(events.map((e) => e.id));
      expect(deadline).toBe(NOW + 20_000);
      return Promise.resolve({
        events: events.map((e) => ({
          ...e,
          tasks: [{ pid: 1, name: 'php-fpm', rssKb: 10, oomScoreAdj: 0 }],
        })),
        notes: events.map((e) => ({
          eventId: e.id,
          outcome: 'filled' as const,
          filled: ['tasks'],
          detail: 'report context filled tasks',
        })),
      });
    };
    await enrichEvents([oomEvent({ id: 'a', tasks: [] })], deps);
    const outcomes = await enrichEvents(
      [
        oomEvent({ id: 'a', tasks: [] }),
        oomEvent({ id: 'b', tasks: [], victim: { ...oomEvent().victim, pid: 9 } }),
      ],
      deps,
    );
    expect(seen).toEqual([['a'], ['b']]);
    expect(resolved).toEqual([1, 1]);
    expect(outcomes[1]).toMatchObject({
      status: 'published',
      contextNote: 'report context filled tasks',
      event: { id: 'b', tasks: [{ pid: 1 }] },
    });
  });

  it('enriches the events as they came when completing them throws', async () => {
    const { deps, published } = harness();
    deps.completeReports = () => Promise.reject(new Error('AccessDeniedException'));
    const outcomes = await enrichEvents([oomEvent({ tasks: [] })], deps);
    expect(published.map((e) => e.tasks)).toEqual([[]]);
    expect(outcomes[0]).toMatchObject({
      status: 'published',
      contextNote: 'report context not fetched: AccessDeniedException',
    });
    // The alert itself says why it is still incomplete.
    expect(published[0]?.enrichment.detail).toContain('report context not fetched: AccessDeniedException');
  });

  it('gives the resolver the deadline', async () => {
    const seen: number[] = [];
    const { deps } = harness({
      resolve: (_event, deadline) => {
        seen.push(deadline);
        return Promise.resolve(RESOLVED);
      },
    });
    await enrichEvents([oomEvent()], deps);
    expect(seen).toEqual([NOW + 20_000]);
  });
});

let table: StateTable;
beforeAll(async () => {
  table = await startStateTable();
});
afterAll(() => table.close());

const stores: [string, () => ClaimStore][] = [
  ['in memory', () => createMemoryClaimStore()],
  ['on DynamoDB (dynalite)', () => createDynamoDbClaimStore(table.documents, table.tableName)],
];

/** A promise the test settles, and one that says when the code under test has reached it. */
function gate<T>() {
  let open: (value: T) => void = () => undefined;
  let reached: () => void = () => undefined;
  const value = new Promise<T>((resolve) => (open = resolve));
  const arrived = new Promise<void>((resolve) => (reached = resolve));
  return { value, arrived, reached: () => reached(), open: (v: T) => open(v) };
}

describe.each(stores)('loss windows, claims %s', (name, makeStore) => {
  // One table serves every test: each kill gets its own event id and pid.
  let n = 0;
  const kill = () => {
    n += 1;
    return oomEvent({
      id: `${name.length}-kill-${n}`,
      victim: { ...oomEvent().victim, pid: 60_000 + name.length * 100 + n },
    });
  };

  /** A run of enrichEvents held while it resolves the pod: `release` lets it go on. */
  async function heldWhileResolving(
    events: OomEvent[],
    claims: ClaimStore,
    options: Parameters<typeof harness>[0] = {},
  ) {
    const resolving = gate<Enrichment>();
    const run = harness({
      ...options,
      claims,
      resolve: () => {
        resolving.reached();
        return resolving.value;
      },
    });
    const outcomes = enrichEvents(events, run.deps);
    await resolving.arrived;
    return { run, outcomes, release: () => resolving.open(RESOLVED) };
  }

  /** A run of enrichEvents held in its publish step, marked publishing: `answer` gives the bus's results. */
  async function heldWhilePublishing(events: OomEvent[], claims: ClaimStore) {
    const publishing = gate<PublishResult[]>();
    const run = harness({
      claims,
      publish: () => {
        publishing.reached();
        return publishing.value;
      },
    });
    const outcomes = enrichEvents(events, run.deps);
    await publishing.arrived;
    return { run, outcomes, answer: (results: PublishResult[]) => publishing.open(results) };
  }

  it('retries the other stream’s copy while the first is in flight, so the kill is alerted when the first fails', async () => {
    const claims = makeStore();
    const messages = kill();
    const { run: first, outcomes: firstRun, answer } = await heldWhilePublishing([messages], claims);

    const copy = harness({ claims });
    expect(await enrichEvents([dmesgCopy(messages)], copy.deps)).toEqual([
      {
        status: 'failed',
        eventId: `${messages.id}-dmesg`,
        reason: `same kill as event ${messages.id}, which is still being delivered: retried until it is`,
        inFlight: true,
      },
    ]);
    answer([{ ok: false, reason: 'InternalFailure: please retry' }]);
    expect((await firstRun).map((o) => o.status)).toEqual(['failed']);

    expect((await enrichEvents([dmesgCopy(messages)], copy.deps)).map((o) => o.status)).toEqual([
      'published',
    ]);
    // The first copy's own retry now finds the kill delivered.
    expect((await enrichEvents([messages], harness({ claims }).deps)).map((o) => o.status)).toEqual([
      'duplicate',
    ]);
    expect([...first.published, ...copy.published].map((e) => e.id)).toEqual([`${messages.id}-dmesg`]);
  });

  it('fails the other stream’s copy with its first copy when both are in one batch, and delivers one on the retry', async () => {
    const claims = makeStore();
    const messages = kill();
    let refuse = true;
    const { deps, published } = harness({
      claims,
      publish: (events) =>
        events.map(() => (refuse ? { ok: false, reason: 'ThrottlingException: slow down' } : { ok: true })),
    });
    const batch = [messages, dmesgCopy(messages)];
    expect(await enrichEvents(batch, deps)).toEqual([
      { status: 'failed', eventId: messages.id, reason: 'ThrottlingException: slow down' },
      {
        status: 'failed',
        eventId: `${messages.id}-dmesg`,
        reason: `same kill as event ${messages.id}, which could not be delivered: ThrottlingException: slow down`,
      },
    ]);
    refuse = false;
    expect((await enrichEvents(batch, deps)).map((o) => o.status)).toEqual(['published', 'duplicate']);
    expect(published.map((e) => e.id)).toEqual([messages.id]);
  });

  describe('a group kill sent again with the members of the next delivery', () => {
    const members = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ pid: 70_000 + i, name: 'php-fpm', anonRssKb: 4_000 }));
    /** The copy parse sent at the end of the first delivery, and the one it sent after the next. */
    const copies = () => {
      const first = { ...kill(), coVictims: members(20), coVictimCount: 20 };
      // The later copy refers to every line its report has by then: the first's, and the members'.
      const lineIds = Array.from({ length: 200 }, (_, i) => String(3811 + i));
      const source = { ...(first.source as { logGroup: string; logStream: string }), eventIds: lineIds };
      return { first, later: { ...first, coVictims: members(100), coVictimCount: 299, source } };
    };
    it('alerts with the later copy when it arrives while the first is being enriched', async () => {
      const claims = makeStore();
      const { first, later } = copies();
      const { run, outcomes: firstRun, release } = await heldWhileResolving([first], claims);

      const second = harness({ claims });
      expect(await enrichEvents([later], second.deps)).toEqual([
        {
          status: 'failed',
          eventId: first.id,
          reason: `another attempt holds it until ${new Date(NOW + 40_000).toISOString()}; handed this copy to it, as it shows more of the kill`,
          inFlight: true,
        },
      ]);
      release();
      expect((await firstRun).map((o) => o.status)).toEqual(['published']);
      expect(run.published).toEqual([{ ...later, cluster: 'prod-eu', ...RESOLVED }]);

      // Its retry finds the kill delivered with everything it showed.
      expect(await enrichEvents([later], second.deps)).toEqual([
        { status: 'duplicate', eventId: first.id, reason: 'already delivered' },
      ]);
      expect(second.published).toEqual([]);
    });

    it('keeps what enriching the first copy added (the report context) beside the later copy’s members', async () => {
      const claims = makeStore();
      const { first, later } = copies();
      const lacking = { ...first, tasks: [] };
      const {
        run,
        outcomes: firstRun,
        release,
      } = await heldWhileResolving([lacking], claims, {
        completeReports: (events) =>
          Promise.resolve({ events: events.map((e) => ({ ...e, tasks: first.tasks })), notes: [] }),
      });
      await enrichEvents([{ ...later, tasks: [] }], harness({ claims }).deps);
      release();
      await firstRun;
      expect(run.published).toHaveLength(1);
      expect(run.published[0]).toMatchObject({ coVictimCount: 299, tasks: first.tasks });
    });

    it('merges a handed copy with what the report context added, even when the context found more members', async () => {
      const claims = makeStore();
      const { first, later } = copies();
      const handed = { ...later, coVictims: members(100), coVictimCount: 150 };
      const stream = { ...later, source: first.source };
      const { run, outcomes, release } = await heldWhileResolving([first], claims, {
        // The stream read while enriching the first copy lists all 299 members; the event keeps its source.
        completeReports: (events) =>
          Promise.resolve({ events: events.map((e) => mergeReportContext(e, [stream]).event), notes: [] }),
      });
      await enrichEvents([handed], harness({ claims }).deps);
      release();
      await outcomes;
      expect(run.published).toHaveLength(1);
      expect(run.published[0]?.coVictimCount).toBe(299);
      expect(run.published[0]?.source).toEqual(handed.source);
    });

    it('says the alert showed less when the later copy arrives after it was published', async () => {
      const claims = makeStore();
      const { first, later } = copies();
      const { outcomes: firstRun, answer } = await heldWhilePublishing([first], claims);
      // Marked publishing already: too late to hand over, so it waits for the delivery.
      const second = harness({ claims });
      expect(await enrichEvents([later], second.deps)).toEqual([
        {
          status: 'failed',
          eventId: first.id,
          reason: `another attempt holds it until ${new Date(NOW + 40_000).toISOString()}`,
          inFlight: true,
        },
      ]);
      answer([{ ok: true }]);
      await firstRun;
      expect(await enrichEvents([later], second.deps)).toEqual([
        {
          status: 'duplicate',
          eventId: first.id,
          reason:
            'already delivered, but this copy says more of the kill (299 other processes killed with it, the report complete): the alert says less',
          showedMore: true,
        },
      ]);
      // The first copy again says nothing more than the alert: a plain duplicate.
      expect((await enrichEvents([first], harness({ claims }).deps))[0]).toMatchObject({
        reason: 'already delivered',
      });
      expect(second.published).toEqual([]);
    });

    it('takes the later copy as a plain duplicate when the report context had given the alert the whole group', async () => {
      const claims = makeStore();
      const { first, later } = copies();
      const run = harness({
        claims,
        // The stream read while enriching the first copy listed every member; the event keeps its own source.
        completeReports: (events) =>
          Promise.resolve({ events: events.map((e) => mergeReportContext(e, [later]).event), notes: [] }),
      });
      expect((await enrichEvents([first], run.deps)).map((o) => o.status)).toEqual(['published']);
      expect(run.published.map((e) => e.coVictimCount)).toEqual([299]);
      expect(await enrichEvents([later], harness({ claims }).deps)).toEqual([
        { status: 'duplicate', eventId: first.id, reason: 'already delivered' },
      ]);
    });

    it('alerts with a copy handed to an attempt that died, from the attempt that takes the claim over', async () => {
      const claims = makeStore();
      const { first, later } = copies();
      const expiresAt = Math.ceil(NOW / 1000) + 86_400;
      const died = { token: 'died', now: NOW - 60_000, leaseUntil: NOW - 1, expiresAt };
      await claims.claimEvent(first.id, { ...died, seenRank: killSeenRank(first) });
      await claims.offerLaterCopy(first.id, { body: JSON.stringify(later), seenRank: killSeenRank(later) });
      // The first copy's redelivery comes first.
      const retry = harness({ claims });
      expect((await enrichEvents([first], retry.deps)).map((o) => o.status)).toEqual(['published']);
      expect(retry.published.map((e) => e.coVictimCount)).toEqual([299]);
    });

    it('delivers the later copy itself when the attempt it was handed to fails', async () => {
      const claims = makeStore();
      const { first, later } = copies();
      const { outcomes: firstRun, release } = await heldWhileResolving([first], claims, {
        publish: (events) => events.map(() => ({ ok: false, reason: 'InternalFailure: please retry' })),
      });
      const second = harness({ claims });
      expect((await enrichEvents([later], second.deps))[0]).toMatchObject({
        status: 'failed',
        inFlight: true,
      });
      release();
      expect((await firstRun).map((o) => o.status)).toEqual(['failed']);

      expect((await enrichEvents([later], second.deps)).map((o) => o.status)).toEqual(['published']);
      expect(second.published.map((e) => e.coVictimCount)).toEqual([299]);
    });

    it('says the alert showed less when a later copy of the other stream’s copy arrives after the kill went out', async () => {
      const claims = makeStore();
      const { first, later } = copies();
      const showedLess = {
        status: 'duplicate',
        eventId: `${first.id}-dmesg`,
        reason:
          'already delivered, but this copy says more of the kill (299 other processes killed with it, the report complete): the alert says less',
        showedMore: true,
      };
      // The other stream's copy settled in a later run, against the delivered first copy.
      expect((await enrichEvents([first], harness({ claims }).deps)).map((o) => o.status)).toEqual([
        'published',
      ]);
      expect((await enrichEvents([dmesgCopy(first)], harness({ claims }).deps))[0]).toMatchObject({
        status: 'duplicate',
      });
      expect(await enrichEvents([dmesgCopy(later)], harness({ claims }).deps)).toEqual([showedLess]);

      // And in the run that delivered the first copy, as its follower.
      const again = copies();
      const both = [again.first, dmesgCopy(again.first)];
      expect((await enrichEvents(both, harness({ claims }).deps)).map((o) => o.status)).toEqual([
        'published',
        'duplicate',
      ]);
      expect(await enrichEvents([dmesgCopy(again.later)], harness({ claims }).deps)).toEqual([
        { ...showedLess, eventId: `${again.first.id}-dmesg` },
      ]);
    });

    it('alerts with the handed copy when the first copy’s own retry claims the event after the holder failed', async () => {
      const claims = makeStore();
      const { first, later } = copies();
      const { outcomes: firstRun, release } = await heldWhileResolving([first], claims, {
        publish: (events) => events.map(() => ({ ok: false, reason: 'InternalFailure: please retry' })),
      });
      await enrichEvents([later], harness({ claims }).deps);
      release();
      expect((await firstRun).map((o) => o.status)).toEqual(['failed']);

      // SQS gives the first copy back before the later one: its retry alerts with the members handed over.
      const retry = harness({ claims });
      expect((await enrichEvents([first], retry.deps)).map((o) => o.status)).toEqual(['published']);
      expect(retry.published.map((e) => e.coVictimCount)).toEqual([299]);
      expect(await enrichEvents([later], harness({ claims }).deps)).toEqual([
        { status: 'duplicate', eventId: first.id, reason: 'already delivered' },
      ]);
    });
  });

  it('takes over the kill from a first copy whose attempt died, and then only that copy counts', async () => {
    const claims = makeStore();
    const messages = kill();
    const observedAt = Date.parse(KILL_TIME);
    const expiresAt = Math.ceil(NOW / 1000) + 86_400;
    await claims.claimEvent(messages.id, {
      token: 'died',
      now: NOW - 60_000,
      leaseUntil: NOW - 1,
      expiresAt,
    });
    await claims.claimKill(killFingerprint(messages) ?? '', {
      eventId: messages.id,
      token: 'died',
      observedAt,
      expiresAt,
    });
    const copy = harness({ claims });
    expect((await enrichEvents([dmesgCopy(messages)], copy.deps)).map((o) => o.status)).toEqual([
      'published',
    ]);
    const retry = harness({ claims });
    expect((await enrichEvents([messages], retry.deps)).map((o) => o.status)).toEqual(['duplicate']);
    expect([...copy.published, ...retry.published].map((e) => e.id)).toEqual([`${messages.id}-dmesg`]);
  });

  it('publishes once when marking the claim done fails once', async () => {
    const store = makeStore();
    let failures = 1;
    const claims: ClaimStore = {
      ...store,
      completeEvent: (...args) =>
        failures-- > 0
          ? Promise.reject(new Error('ProvisionedThroughputExceededException'))
          : store.completeEvent(...args),
    };
    const event = kill();
    const first = harness({ claims });
    expect((await enrichEvents([event], first.deps)).map((o) => o.status)).toEqual(['published']);
    // Redelivered after the lease has run out.
    const later = harness({ claims, now: NOW + 120_000 });
    expect((await enrichEvents([event], later.deps)).map((o) => o.status)).toEqual(['duplicate']);
    expect([...first.published, ...later.published].map((e) => e.id)).toEqual([event.id]);
  });

  it('never publishes again an event whose attempt published it but could not record that', async () => {
    const store = makeStore();
    const claims: ClaimStore = {
      ...store,
      completeEvent: () => Promise.reject(new Error('ServiceUnavailable')),
    };
    const event = kill();
    const first = harness({ claims });
    expect((await enrichEvents([event], first.deps)).map((o) => o.status)).toEqual(['published']);
    const later = harness({ claims: store, now: NOW + 120_000 });
    expect(await enrichEvents([event, dmesgCopy(event)], later.deps)).toEqual([
      {
        status: 'duplicate',
        eventId: event.id,
        reason: 'an earlier attempt handed it to the bus and could not record the answer',
        unverified: true,
      },
      {
        status: 'duplicate',
        eventId: `${event.id}-dmesg`,
        reason: `same kill as event ${event.id} (the kernel line arrived in two streams); an earlier attempt handed it to the bus and could not record the answer`,
        unverified: true,
      },
    ]);
    expect([...first.published, ...later.published].map((e) => e.id)).toEqual([event.id]);
  });
});

describe('a claim table whose first answers are lost (the SDK retries each write that already landed)', () => {
  const lossyStore = () => {
    const lossy = lostAnswerClient(table.endpoint);
    return { claims: createDynamoDbClaimStore(lossy.documents, table.tableName), retried: lossy.retried };
  };

  it('publishes the kill exactly once in that invocation, and records it done', async () => {
    const { claims, retried } = lossyStore();
    const event = oomEvent({ id: 'lost-answers-1', victim: { ...oomEvent().victim, pid: 70_001 } });
    const { deps, published } = harness({ claims });
    expect((await enrichEvents([event], deps)).map((o) => o.status)).toEqual(['published']);
    expect(published.map((e) => e.id)).toEqual([event.id]);
    expect(await claims.readEvent(event.id)).toEqual({ state: 'done', deliveredRank: killSeenRank(event) });
    // claimEvent, claimKill, markPublishing and completeEvent were each sent twice.
    expect(retried()).toBe(4);
    expect((await enrichEvents([event], harness({ claims }).deps)).map((o) => o.status)).toEqual([
      'duplicate',
    ]);
  });

  it('takes a kill over from a first copy whose attempt died, and publishes it once', async () => {
    const { claims } = lossyStore();
    const messages = oomEvent({ id: 'lost-answers-2', victim: { ...oomEvent().victim, pid: 70_002 } });
    const expiresAt = Math.ceil(NOW / 1000) + 86_400;
    await claims.claimEvent(messages.id, {
      token: 'died',
      now: NOW - 60_000,
      leaseUntil: NOW - 1,
      expiresAt,
    });
    await claims.claimKill(killFingerprint(messages) ?? '', {
      eventId: messages.id,
      token: 'died',
      observedAt: Date.parse(KILL_TIME),
      expiresAt,
    });
    const copy = harness({ claims });
    expect((await enrichEvents([dmesgCopy(messages)], copy.deps)).map((o) => o.status)).toEqual([
      'published',
    ]);
    expect(copy.published.map((e) => e.id)).toEqual([`${messages.id}-dmesg`]);
  });
});
