import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryClaimStore,
  decideEventClaim,
  decideKillClaim,
  decideOtherCopy,
  killFingerprint,
} from '../../../adapters/state/claim-store.ts';
import type { ClaimStore } from '../../../adapters/state/claim-store.ts';
import { createDynamoDbClaimStore } from '../../../adapters/state/dynamodb-claim-store.ts';
import { lostAnswerClient, startStateTable } from '../../integration/local-dynamo.ts';
import { startStalledEndpoint } from '../../integration/stalled-endpoint.ts';
import { stateTableClient } from '../../../adapters/state/state-table-client.ts';
import type { StateTable } from '../../integration/local-dynamo.ts';
import { NODE, oomEvent } from '../../fixtures/kubernetes-objects.ts';

const T0 = Date.parse('2025-03-14T09:30:00Z');
const EXPIRES = Math.floor(T0 / 1000) + 86_400;
const claimAt = (token: string, now: number, leaseMs = 60_000) => ({
  token,
  now,
  leaseUntil: now + leaseMs,
  expiresAt: EXPIRES,
});

describe('killFingerprint', () => {
  it('is node, pid and comm, whatever the comm holds', () => {
    expect(killFingerprint(oomEvent({ victim: { ...oomEvent().victim, name: 'runc:[2:INIT]' } }))).toBe(
      `kill#${NODE}#48213#runc:[2:INIT]`,
    );
  });

  it('is absent when a part is missing, so such events are deduplicated by id only', () => {
    expect(killFingerprint(oomEvent({ node: null }))).toBeNull();
    expect(killFingerprint(oomEvent({ victim: { ...oomEvent().victim, pid: null } }))).toBeNull();
    expect(killFingerprint(oomEvent({ observedAt: null }))).toBeNull();
  });
});

describe('claim decisions', () => {
  it('event: free, done, held, or held with a lease that ran out', () => {
    expect(decideEventClaim(undefined, T0)).toEqual({ outcome: 'claimed' });
    expect(decideEventClaim({ state: 'done' }, T0)).toEqual({ outcome: 'done' });
    expect(decideEventClaim({ state: 'in-progress', token: 'a', leaseUntil: T0 + 1 }, T0)).toEqual({
      outcome: 'in-progress',
      leaseUntil: T0 + 1,
    });
    expect(decideEventClaim({ state: 'in-progress', token: 'a', leaseUntil: T0 }, T0)).toEqual({
      outcome: 'claimed',
    });
  });

  it('event: one being handed to the bus is held while its lease runs, and taken as delivered after', () => {
    const publishing = { state: 'publishing' as const, token: 'a', leaseUntil: T0 + 1 };
    expect(decideEventClaim(publishing, T0)).toEqual({ outcome: 'in-progress', leaseUntil: T0 + 1 });
    expect(decideEventClaim(publishing, T0 + 1)).toEqual({ outcome: 'unrecorded' });
  });

  it('the other copy of a kill: settled once its first copy is delivered, retried while it is in flight', () => {
    const held = { token: 'a', leaseUntil: T0 + 1 };
    expect(decideOtherCopy({ state: 'done' }, T0)).toBe('settle');
    expect(decideOtherCopy({ state: 'publishing', ...held }, T0 + 1)).toBe('settle');
    expect(decideOtherCopy({ state: 'publishing', ...held }, T0)).toBe('wait');
    expect(decideOtherCopy({ state: 'in-progress', ...held }, T0)).toBe('wait');
    // The first copy's attempt died or gave its claim back: this copy delivers the kill.
    expect(decideOtherCopy({ state: 'in-progress', ...held }, T0 + 1)).toBe('take-over');
    expect(decideOtherCopy(undefined, T0)).toBe('take-over');
  });

  it('kill: the same kill within 120 s, a reused pid after that', () => {
    const existing = { eventId: 'messages-copy', token: 'm', observedAt: T0 };
    expect(
      decideKillClaim(existing, {
        eventId: 'dmesg-copy',
        token: 'd',
        observedAt: T0 + 120_000,
        expiresAt: EXPIRES,
      }),
    ).toEqual({ outcome: 'taken', owner: { eventId: 'messages-copy', token: 'm' } });
    expect(
      decideKillClaim(existing, {
        eventId: 'dmesg-copy',
        token: 'd',
        observedAt: T0 - 120_000,
        expiresAt: EXPIRES,
      }),
    ).toEqual({ outcome: 'taken', owner: { eventId: 'messages-copy', token: 'm' } });
    expect(
      decideKillClaim(existing, {
        eventId: 'later-kill',
        token: 'l',
        observedAt: T0 + 120_001,
        expiresAt: EXPIRES,
      }),
    ).toEqual({ outcome: 'claimed' });
    expect(
      decideKillClaim(existing, {
        eventId: 'messages-copy',
        token: 'm2',
        observedAt: T0,
        expiresAt: EXPIRES,
      }),
    ).toEqual({ outcome: 'claimed' });
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

describe.each(stores)('claim store %s', (_name, makeStore) => {
  let n = 0;
  const fresh = () => `ev-${_name.length}-${++n}`;

  it('claims an event once; a second attempt sees it held, then done', async () => {
    const store = makeStore();
    const id = fresh();
    expect(await store.claimEvent(id, claimAt('first', T0))).toEqual({ outcome: 'claimed' });
    expect(await store.claimEvent(id, claimAt('second', T0 + 1_000))).toEqual({
      outcome: 'in-progress',
      leaseUntil: T0 + 60_000,
    });
    await store.completeEvent(id, 'first', EXPIRES);
    expect(await store.claimEvent(id, claimAt('third', T0 + 2_000))).toEqual({ outcome: 'done' });
  });

  it('lets another attempt take over a claim whose lease ran out (a crashed invocation)', async () => {
    const store = makeStore();
    const id = fresh();
    await store.claimEvent(id, claimAt('crashed', T0, 10_000));
    expect(await store.claimEvent(id, claimAt('retry', T0 + 10_000))).toEqual({ outcome: 'claimed' });
    // The crashed attempt's late completion must not count: the claim is no longer its.
    await store.completeEvent(id, 'crashed', EXPIRES);
    expect(await store.claimEvent(id, claimAt('third', T0 + 11_000))).toMatchObject({
      outcome: 'in-progress',
    });
  });

  it('frees a released claim at once, and ignores a release by someone else', async () => {
    const store = makeStore();
    const id = fresh();
    await store.claimEvent(id, claimAt('owner', T0));
    await store.releaseEvent(id, 'not-the-owner');
    expect(await store.claimEvent(id, claimAt('other', T0 + 1))).toMatchObject({ outcome: 'in-progress' });
    await store.releaseEvent(id, 'owner');
    expect(await store.claimEvent(id, claimAt('retry', T0 + 2))).toEqual({ outcome: 'claimed' });
  });

  it('recognises the other stream’s copy of a kill, and frees it when its owner releases it', async () => {
    const store = makeStore();
    const fingerprint = `kill#${fresh()}#48213#php-fpm`;
    expect(
      await store.claimKill(fingerprint, {
        eventId: 'messages',
        token: 'm',
        observedAt: T0,
        expiresAt: EXPIRES,
      }),
    ).toEqual({ outcome: 'claimed' });
    expect(
      await store.claimKill(fingerprint, {
        eventId: 'dmesg',
        token: 'd',
        observedAt: T0 + 1_500,
        expiresAt: EXPIRES,
      }),
    ).toEqual({ outcome: 'taken', owner: { eventId: 'messages', token: 'm' } });
    expect(
      await store.claimKill(fingerprint, {
        eventId: 'messages',
        token: 'm',
        observedAt: T0,
        expiresAt: EXPIRES,
      }),
    ).toEqual({ outcome: 'claimed' });
    await store.releaseKill(fingerprint, 'dmesg', 'd');
    expect(
      await store.claimKill(fingerprint, {
        eventId: 'dmesg',
        token: 'd',
        observedAt: T0,
        expiresAt: EXPIRES,
      }),
    ).toMatchObject({ outcome: 'taken' });
    // A late release by an attempt that no longer holds it changes nothing.
    await store.releaseKill(fingerprint, 'messages', 'stale');
    expect(
      await store.claimKill(fingerprint, {
        eventId: 'dmesg',
        token: 'd',
        observedAt: T0,
        expiresAt: EXPIRES,
      }),
    ).toMatchObject({ outcome: 'taken' });
    await store.releaseKill(fingerprint, 'messages', 'm');
    expect(
      await store.claimKill(fingerprint, {
        eventId: 'dmesg',
        token: 'd',
        observedAt: T0,
        expiresAt: EXPIRES,
      }),
    ).toEqual({ outcome: 'claimed' });
  });

  it('lets a later kill with a reused pid through', async () => {
    const store = makeStore();
    const fingerprint = `kill#${fresh()}#48213#php-fpm`;
    await store.claimKill(fingerprint, { eventId: 'old', token: 'o', observedAt: T0, expiresAt: EXPIRES });
    expect(
      await store.claimKill(fingerprint, {
        eventId: 'new',
        token: 'n',
        observedAt: T0 + 3_600_000,
        expiresAt: EXPIRES,
      }),
    ).toEqual({ outcome: 'claimed' });
  });

  it('hands an event to the bus only while the claim is the attempt’s own, and keeps it from others after', async () => {
    const store = makeStore();
    const id = fresh();
    await store.claimEvent(id, claimAt('first', T0, 10_000));
    expect(await store.markPublishing(id, 'other')).toEqual({ marked: false });
    expect(await store.markPublishing(id, 'first')).toEqual({ marked: true, laterCopy: null });
    expect(await store.readEvent(id)).toEqual({
      state: 'publishing',
      token: 'first',
      leaseUntil: T0 + 10_000,
    });
    expect(await store.claimEvent(id, claimAt('second', T0 + 1_000))).toEqual({
      outcome: 'in-progress',
      leaseUntil: T0 + 10_000,
    });
    // Its attempt never recorded the answer: later attempts take it as delivered, never send it again.
    expect(await store.claimEvent(id, claimAt('third', T0 + 10_000))).toEqual({ outcome: 'unrecorded' });
    await store.completeEvent(id, 'first', EXPIRES);
    expect(await store.readEvent(id)).toEqual({ state: 'done' });
  });

  it('keeps for the holder a copy that shows more of the kill, until it starts publishing, then tells what went out', async () => {
    const store = makeStore();
    const id = fresh();
    await store.claimEvent(id, { ...claimAt('first', T0), seenRank: 100 });
    expect(await store.offerLaterCopy(id, { body: 'shows less', seenRank: 50 })).toBe(false);
    expect(await store.offerLaterCopy(id, { body: 'shows as much', seenRank: 100 })).toBe(false);
    expect(await store.offerLaterCopy(id, { body: 'shows more', seenRank: 300 })).toBe(true);
    // The claim holds a copy that shows as much: this one is as good as handed.
    expect(await store.offerLaterCopy(id, { body: 'shows as much again', seenRank: 300 })).toBe(true);
    expect(await store.offerLaterCopy(id, { body: 'shows the most', seenRank: 400 })).toBe(true);
    expect(await store.markPublishing(id, 'first')).toEqual({ marked: true, laterCopy: 'shows the most' });
    // Marked: what goes out is settled, so nothing more is kept.
    expect(await store.offerLaterCopy(id, { body: 'too late', seenRank: 900 })).toBe(false);
    expect(await store.markPublishing(id, 'first')).toEqual({ marked: true, laterCopy: 'shows the most' });
    // The alert went out with the copy handed over, merged with what enriching added: rank 450.
    await store.completeEvent(id, 'first', EXPIRES, 450);
    expect(await store.offerLaterCopy(id, { body: 'after', seenRank: 900 })).toBe(false);
    expect(await store.claimEvent(id, { ...claimAt('again', T0 + 1), seenRank: 900 })).toEqual({
      outcome: 'done',
      deliveredRank: 450,
    });
  });

  it('keeps a copy handed to an attempt that died for the attempt that takes the claim over', async () => {
    const store = makeStore();
    const id = fresh();
    await store.claimEvent(id, { ...claimAt('died', T0, 10_000), seenRank: 100 });
    expect(await store.offerLaterCopy(id, { body: 'shows more', seenRank: 300 })).toBe(true);
    // The first copy's redelivery takes the claim over once the lease ran out.
    expect(await store.claimEvent(id, { ...claimAt('retry', T0 + 10_000), seenRank: 100 })).toEqual({
      outcome: 'claimed',
    });
    expect(await store.markPublishing(id, 'retry')).toEqual({ marked: true, laterCopy: 'shows more' });
  });

  it('keeps a copy handed to an attempt that failed and released its claim, for the next attempt', async () => {
    const store = makeStore();
    const id = fresh();
    await store.claimEvent(id, { ...claimAt('failed', T0), seenRank: 100 });
    expect(await store.offerLaterCopy(id, { body: 'shows more', seenRank: 300 })).toBe(true);
    expect(await store.markPublishing(id, 'failed')).toEqual({ marked: true, laterCopy: 'shows more' });
    await store.releaseEvent(id, 'failed');
    // Released: its lease is over, so the other stream's copy of the kill does not wait on it.
    expect(decideOtherCopy(await store.readEvent(id), T0 + 1)).toBe('take-over');
    // A fuller copy offered meanwhile is kept as well.
    expect(await store.offerLaterCopy(id, { body: 'shows the most', seenRank: 400 })).toBe(true);
    expect(await store.claimEvent(id, { ...claimAt('retry', T0 + 1), seenRank: 100 })).toEqual({
      outcome: 'claimed',
    });
    expect(await store.markPublishing(id, 'retry')).toEqual({ marked: true, laterCopy: 'shows the most' });
    await store.completeEvent(id, 'retry', EXPIRES, 300);
    expect(await store.readEvent(id)).toEqual({ state: 'done', deliveredRank: 300 });
    expect(await store.claimEvent(id, { ...claimAt('late', T0 + 2), seenRank: 100 })).toEqual({
      outcome: 'done',
      deliveredRank: 300,
    });
  });

  it('answers an offer repeated after it was kept as kept, while the claim holds that copy or a fuller one', async () => {
    const store = makeStore();
    const id = fresh();
    await store.claimEvent(id, { ...claimAt('holder', T0), seenRank: 100 });
    expect(await store.offerLaterCopy(id, { body: 'shows more', seenRank: 300 })).toBe(true);
    expect(await store.offerLaterCopy(id, { body: 'shows more', seenRank: 300 })).toBe(true);
    expect(await store.offerLaterCopy(id, { body: 'shows the most', seenRank: 400 })).toBe(true);
    expect(await store.offerLaterCopy(id, { body: 'shows more', seenRank: 300 })).toBe(true);
    // Less than the holder's own copy: not handed, whatever the claim keeps.
    expect(await store.offerLaterCopy(id, { body: 'shows less', seenRank: 50 })).toBe(false);
    await store.markPublishing(id, 'holder');
    expect(await store.offerLaterCopy(id, { body: 'shows more', seenRank: 300 })).toBe(true);
    expect(await store.offerLaterCopy(id, { body: 'too late', seenRank: 900 })).toBe(false);
  });

  it('keeps no copy for a claim without a rank, a released claim, or none at all', async () => {
    const store = makeStore();
    const unranked = fresh();
    await store.claimEvent(unranked, claimAt('first', T0));
    expect(await store.offerLaterCopy(unranked, { body: 'more', seenRank: 300 })).toBe(false);
    const released = fresh();
    await store.claimEvent(released, { ...claimAt('first', T0), seenRank: 1 });
    await store.releaseEvent(released, 'first');
    expect(await store.offerLaterCopy(released, { body: 'more', seenRank: 300 })).toBe(false);
    expect(await store.offerLaterCopy(fresh(), { body: 'more', seenRank: 300 })).toBe(false);
    // Its next claim starts without the copy.
    await store.claimEvent(released, { ...claimAt('second', T0 + 1), seenRank: 1 });
    expect(await store.markPublishing(released, 'second')).toEqual({ marked: true, laterCopy: null });
  });

  it('does not hand an event to the bus once another attempt took its claim over', async () => {
    const store = makeStore();
    const id = fresh();
    await store.claimEvent(id, claimAt('slow', T0, 10_000));
    await store.claimEvent(id, claimAt('retry', T0 + 10_000));
    expect(await store.markPublishing(id, 'slow')).toEqual({ marked: false });
    expect(await store.readEvent(fresh())).toBeUndefined();
  });

  it('takes a kill over from a copy whose claim is unchanged, never from one that came back', async () => {
    const store = makeStore();
    const fingerprint = `kill#${fresh()}#48213#php-fpm`;
    await store.claimKill(fingerprint, {
      eventId: 'messages',
      token: 'died',
      observedAt: T0,
      expiresAt: EXPIRES,
    });
    const dmesg = { eventId: 'dmesg', token: 'd', observedAt: T0 + 1_500, expiresAt: EXPIRES };
    // The first copy's retry claimed it again meanwhile, with a new token.
    await store.claimKill(fingerprint, {
      eventId: 'messages',
      token: 'back',
      observedAt: T0,
      expiresAt: EXPIRES,
    });
    expect(await store.takeOverKill(fingerprint, { eventId: 'messages', token: 'died' }, dmesg)).toBe(false);
    expect(await store.takeOverKill(fingerprint, { eventId: 'messages', token: 'back' }, dmesg)).toBe(true);
    expect(
      await store.claimKill(fingerprint, {
        eventId: 'messages',
        token: 'again',
        observedAt: T0,
        expiresAt: EXPIRES,
      }),
    ).toEqual({ outcome: 'taken', owner: { eventId: 'dmesg', token: 'd' } });
  });

  it('answers a write repeated by the same attempt as it answered the first: the claim is its own', async () => {
    const store = makeStore();
    const id = fresh();
    expect(await store.claimEvent(id, claimAt('mine', T0))).toEqual({ outcome: 'claimed' });
    expect(await store.claimEvent(id, claimAt('mine', T0))).toEqual({ outcome: 'claimed' });
    expect(await store.markPublishing(id, 'mine')).toEqual({ marked: true, laterCopy: null });
    expect(await store.markPublishing(id, 'mine')).toEqual({ marked: true, laterCopy: null });
    expect(await store.readEvent(id)).toEqual({
      state: 'publishing',
      token: 'mine',
      leaseUntil: T0 + 60_000,
    });
    const fingerprint = `kill#${fresh()}#48213#php-fpm`;
    await store.claimKill(fingerprint, {
      eventId: 'messages',
      token: 'm',
      observedAt: T0,
      expiresAt: EXPIRES,
    });
    const dmesg = { eventId: 'dmesg', token: 'd', observedAt: T0 + 1_500, expiresAt: EXPIRES };
    expect(await store.takeOverKill(fingerprint, { eventId: 'messages', token: 'm' }, dmesg)).toBe(true);
    expect(await store.takeOverKill(fingerprint, { eventId: 'messages', token: 'm' }, dmesg)).toBe(true);
    // Another attempt of the same event is still not this one.
    expect(await store.claimEvent(id, claimAt('other', T0 + 1))).toMatchObject({ outcome: 'in-progress' });
    expect(await store.markPublishing(id, 'other')).toEqual({ marked: false });
    const again = { ...dmesg, token: 'd2' };
    expect(await store.takeOverKill(fingerprint, { eventId: 'messages', token: 'm' }, again)).toBe(false);
  });

  it('gives exactly one winner among concurrent claims of one event', async () => {
    const store = makeStore();
    const id = fresh();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.claimEvent(id, claimAt(`t${i}`, T0))),
    );
    expect(results.filter((r) => r.outcome === 'claimed')).toHaveLength(1);
  });
});

describe('DynamoDB claim items', () => {
  it('use the state table layout: pk prefixed idem#, TTL in expiresAt (epoch seconds)', async () => {
    const store = createDynamoDbClaimStore(table.documents, table.tableName);
    await store.claimEvent('layout-1', claimAt('tok', T0));
    const held = await table.documents.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: 'idem#layout-1' } }),
    );
    expect(held.Item).toEqual({
      pk: 'idem#layout-1',
      claimState: 'in-progress',
      claimToken: 'tok',
      leaseUntil: T0 + 60_000,
      expiresAt: EXPIRES,
    });
    await store.completeEvent('layout-1', 'tok', EXPIRES + 5);
    const done = await table.documents.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: 'idem#layout-1' } }),
    );
    expect(done.Item).toEqual({ pk: 'idem#layout-1', claimState: 'done', expiresAt: EXPIRES + 5 });
  });

  it('keep the copy handed over beside the claim until it is done, and the alert’s rank after', async () => {
    const store = createDynamoDbClaimStore(table.documents, table.tableName);
    await store.claimEvent('layout-2', { ...claimAt('tok', T0), seenRank: 20_512 });
    await store.offerLaterCopy('layout-2', { body: '{"id":"layout-2"}', seenRank: 306_688 });
    const read = () =>
      table.documents.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'idem#layout-2' } }));
    expect((await read()).Item).toEqual({
      pk: 'idem#layout-2',
      claimState: 'in-progress',
      claimToken: 'tok',
      leaseUntil: T0 + 60_000,
      expiresAt: EXPIRES,
      seenRank: 20_512,
      laterCopy: '{"id":"layout-2"}',
      laterRank: 306_688,
    });
    await store.markPublishing('layout-2', 'tok');
    await store.completeEvent('layout-2', 'tok', EXPIRES + 5, 306_700);
    expect((await read()).Item).toEqual({
      pk: 'idem#layout-2',
      claimState: 'done',
      expiresAt: EXPIRES + 5,
      deliveredRank: 306_700,
    });
  });

  it('keep the copy handed over when the claim is released, and nothing when none was', async () => {
    const store = createDynamoDbClaimStore(table.documents, table.tableName);
    const read = (id: string) =>
      table.documents.send(new GetCommand({ TableName: table.tableName, Key: { pk: `idem#${id}` } }));
    await store.claimEvent('layout-3', { ...claimAt('tok', T0), seenRank: 20_512 });
    await store.offerLaterCopy('layout-3', { body: '{"id":"layout-3"}', seenRank: 306_688 });
    await store.releaseEvent('layout-3', 'tok');
    // Its lease ended: a claim any version of the code takes over at once, the copy with it.
    expect((await read('layout-3')).Item).toEqual({
      pk: 'idem#layout-3',
      claimState: 'in-progress',
      claimToken: 'tok',
      leaseUntil: 0,
      expiresAt: EXPIRES,
      seenRank: 20_512,
      laterCopy: '{"id":"layout-3"}',
      laterRank: 306_688,
    });
    // A release repeated after its answer was lost changes nothing.
    await store.releaseEvent('layout-3', 'tok');
    expect((await read('layout-3')).Item?.['laterCopy']).toBe('{"id":"layout-3"}');
    await store.claimEvent('layout-4', { ...claimAt('tok', T0), seenRank: 20_512 });
    await store.releaseEvent('layout-4', 'tok');
    expect((await read('layout-4')).Item).toBeUndefined();
  });

  it('keep the kill claim’s event and attempt, and take over one written before attempts were kept', async () => {
    const store = createDynamoDbClaimStore(table.documents, table.tableName);
    const request = { eventId: 'messages', token: 'tok', observedAt: T0, expiresAt: EXPIRES };
    await store.claimKill('kill#layout#1#php-fpm', request);
    const held = await table.documents.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: 'kill#layout#1#php-fpm' } }),
    );
    expect(held.Item).toEqual({
      pk: 'kill#layout#1#php-fpm',
      eventId: 'messages',
      claimToken: 'tok',
      observedAt: T0,
      expiresAt: EXPIRES,
    });
    await table.documents.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: 'kill#layout#2#php-fpm', eventId: 'messages', observedAt: T0, expiresAt: EXPIRES },
      }),
    );
    const dmesg = { eventId: 'dmesg', token: 'd', observedAt: T0 + 1_500, expiresAt: EXPIRES };
    const taken = await store.claimKill('kill#layout#2#php-fpm', dmesg);
    expect(taken).toEqual({ outcome: 'taken', owner: { eventId: 'messages', token: null } });
    expect(
      await store.takeOverKill('kill#layout#2#php-fpm', { eventId: 'messages', token: null }, dmesg),
    ).toBe(true);
  });
});

describe('a claim store whose first answers are lost (the SDK retries a write that already landed)', () => {
  it('takes the claims its own first sends wrote as its own', async () => {
    const lossy = lostAnswerClient(table.endpoint);
    const store = createDynamoDbClaimStore(lossy.documents, table.tableName);
    expect(await store.claimEvent('lost-answer-1', { ...claimAt('mine', T0), seenRank: 1 })).toEqual({
      outcome: 'claimed',
    });
    expect(await store.offerLaterCopy('lost-answer-1', { body: 'more', seenRank: 2 })).toBe(true);
    expect(await store.markPublishing('lost-answer-1', 'mine')).toEqual({ marked: true, laterCopy: 'more' });
    const fingerprint = 'kill#lost-answer#1#php-fpm';
    const messages = { eventId: 'messages', token: 'm', observedAt: T0, expiresAt: EXPIRES };
    expect(await store.claimKill(fingerprint, messages)).toEqual({ outcome: 'claimed' });
    const dmesg = { eventId: 'dmesg', token: 'd', observedAt: T0 + 1_500, expiresAt: EXPIRES };
    expect(await store.takeOverKill(fingerprint, { eventId: 'messages', token: 'm' }, dmesg)).toBe(true);
    await store.completeEvent('lost-answer-1', 'mine', EXPIRES);
    expect(await store.readEvent('lost-answer-1')).toEqual({ state: 'done' });
    expect(lossy.retried()).toBe(6);
  });
});

describe('a claim released while another attempt is blocked by it', () => {
  it('is not taken as done by that attempt, which claims it with the copy on its retry', async () => {
    const holder = createDynamoDbClaimStore(table.documents, table.tableName);
    await holder.claimEvent('race-1', { ...claimAt('holder', T0), seenRank: 1 });
    await holder.offerLaterCopy('race-1', { body: 'more', seenRank: 2 });
    // The retry's claim fails against the holder; the holder releases before the retry reads what blocked it.
    let released = false;
    const releasingFirst = {
      send: async (command: unknown, options?: unknown) => {
        if (command instanceof GetCommand && !released) {
          released = true;
          await holder.releaseEvent('race-1', 'holder');
        }
        return table.documents.send(command as GetCommand, options as { abortSignal: AbortSignal });
      },
    } as unknown as typeof table.documents;
    const retry = createDynamoDbClaimStore(releasingFirst, table.tableName);
    expect(await retry.claimEvent('race-1', { ...claimAt('retry', T0 + 1), seenRank: 1 })).toEqual({
      outcome: 'in-progress',
      leaseUntil: 0,
    });
    expect(released).toBe(true);
    expect(await retry.claimEvent('race-1', { ...claimAt('retry', T0 + 1), seenRank: 1 })).toEqual({
      outcome: 'claimed',
    });
    expect(await retry.markPublishing('race-1', 'retry')).toEqual({ marked: true, laterCopy: 'more' });
  });

  it('is released once when the answer to the release was lost', async () => {
    const lossy = lostAnswerClient(table.endpoint);
    const store = createDynamoDbClaimStore(lossy.documents, table.tableName);
    await store.claimEvent('lost-release-1', { ...claimAt('mine', T0), seenRank: 1 });
    await store.offerLaterCopy('lost-release-1', { body: 'more', seenRank: 2 });
    await store.releaseEvent('lost-release-1', 'mine');
    await store.claimEvent('lost-release-2', { ...claimAt('mine', T0), seenRank: 1 });
    await store.releaseEvent('lost-release-2', 'mine');
    expect(await store.claimEvent('lost-release-1', { ...claimAt('next', T0 + 1), seenRank: 1 })).toEqual({
      outcome: 'claimed',
    });
    expect(await store.markPublishing('lost-release-1', 'next')).toEqual({ marked: true, laterCopy: 'more' });
    expect(await store.readEvent('lost-release-2')).toBeUndefined();
  });
});

describe('a claim store whose table never answers', () => {
  it('fails each call at its timeout, so the event is retried instead of the invocation timing out', async () => {
    const endpoint = await startStalledEndpoint();
    const client = stateTableClient({ endpoint: endpoint.url, region: 'eu-west-1' });
    const store = createDynamoDbClaimStore(client, 'stalled', { callTimeoutMs: 100 });
    await expect(store.claimEvent('stalled-1', claimAt('t', T0))).rejects.toMatchObject({
      name: 'AbortError',
    });
    await expect(store.completeEvent('stalled-1', 't', EXPIRES)).rejects.toMatchObject({
      name: 'AbortError',
    });
    client.destroy();
    await endpoint.close();
  }, 5_000);
});
