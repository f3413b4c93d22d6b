/**
 * The storm store contract, run against both stores: DynamoDB (on dynalite, 127.0.0.1) and memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStormStore } from '../../../adapters/state/dynamo-storm-store.ts';
import { MemoryStormStore } from '../../../adapters/state/memory-storm-store.ts';
import type { StormStore, WindowRef } from '../../../adapters/state/storm-store.ts';
import { dueBucketOf, stormGroupOf } from '../../../shared/storm-window.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';
import { startLocalDynamo, type LocalDynamo } from '../../integration/local-dynamo.ts';

const WINDOW_MINUTES = 30;
const T0 = Date.parse('2025-11-20T10:02:11.117Z');
/** The 30-minute slot T0 falls in: 10:00. */
const SLOT0 = Date.parse('2025-11-20T10:00:00.000Z');
const minutes = (n: number) => new Date(T0 + n * 60_000);
const checkout = stormGroupOf(exampleEvent('container-limit'));
const web = stormGroupOf(exampleEvent('child-process'));
const kill = (id: string, atMinute = 0, group = checkout) => ({
  group,
  eventId: id,
  atMs: minutes(atMinute).getTime(),
});
const checkoutWindow = (slot = SLOT0) => ({ groupKey: checkout.key, slot });

let dynamo: LocalDynamo;
let tables = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});

afterAll(async () => {
  await dynamo.close();
});

/** A store on a new table, so each test starts empty. */
async function freshDynamoStore(): Promise<StormStore> {
  tables += 1;
  return new DynamoStormStore(dynamo.documents, await dynamo.createStateTable(`storms-${tables}`));
}

const stores: [string, () => Promise<StormStore>][] = [
  ['DynamoDB', freshDynamoStore],
  ['memory', async () => new MemoryStormStore()],
];

describe.each(stores)('storm store (%s)', (_name, makeStore) => {
  let store: StormStore;

  /** A kill at `atMinute`, processed at `nowMinute` (at once, unless said otherwise). */
  async function record(id: string, atMinute: number, group = checkout, nowMinute = atMinute) {
    return store.recordKill(kill(id, atMinute, group), minutes(nowMinute), WINDOW_MINUTES);
  }

  it('alerts the first kill of a group and counts the later ones in its window', async () => {
    store = await makeStore();
    const first = await record('k1', 0);
    expect(first).toEqual({ kind: 'alert', window: checkoutWindow(), seenBefore: false });
    expect(await record('k2', 1)).toEqual({ kind: 'counted', window: checkoutWindow(), kills: 2 });
    expect(await record('k3', 29)).toMatchObject({ kind: 'counted', kills: 3 });
    expect(await record('w1', 2, web)).toEqual({
      kind: 'alert',
      window: { groupKey: web.key, slot: SLOT0 },
      seenBefore: false,
    });
  });

  it('opens a new window (and alerts again) once the window has closed', async () => {
    store = await makeStore();
    await record('k1', 0);
    await record('k2', 10);
    expect(await record('k3', 30)).toEqual({
      kind: 'alert',
      window: checkoutWindow(SLOT0 + 30 * 60_000),
      seenBefore: false,
    });
  });

  it('follows the kills’ own times, not when they are processed: a replay hours later', async () => {
    store = await makeStore();
    const later = 6 * 60;
    expect(await record('k1', 0, checkout, later)).toMatchObject({ kind: 'alert' });
    expect(await record('k2', 45, checkout, later)).toMatchObject({ kind: 'alert' });
    expect(await record('k3', 46, checkout, later)).toMatchObject({ kind: 'counted', kills: 2 });
    expect(await record('k4', 90, checkout, later)).toMatchObject({ kind: 'alert' });
  });

  it('counts a kill delivered after a later one of its slot in that window, with its own time', async () => {
    store = await makeStore();
    expect(await record('k2', 5)).toMatchObject({ kind: 'alert', window: checkoutWindow() });
    expect(await record('k1', 1, checkout, 6)).toMatchObject({ kind: 'counted', window: checkoutWindow() });
    expect(await record('k3', 20)).toMatchObject({ kind: 'counted', kills: 3 });
    const claim = await store.claimDigest(checkoutWindow(), minutes(40));
    expect(claim).toMatchObject({
      kind: 'claimed',
      digest: {
        openedAt: minutes(5).getTime(),
        firstKillAt: minutes(1).toISOString(),
        lastKillAt: minutes(20).toISOString(),
        lastEventId: 'k3',
        kills: 3,
      },
    });
  });

  it('indexes a window that had closed before its later kills were seen in the bucket of now', async () => {
    store = await makeStore();
    const later = 6 * 60;
    await record('k1', 0, checkout, later);
    await record('k2', 1, checkout, later);
    expect(await store.windowsDueIn(dueBucketOf(minutes(30).getTime()))).toEqual([]);
    expect(await store.windowsDueIn(dueBucketOf(minutes(later).getTime()))).toEqual([checkoutWindow()]);
  });

  it('re-alerts a retried first kill until its alert is marked sent, then calls it a repeat', async () => {
    store = await makeStore();
    const first = await record('k1', 0);
    expect(await record('k1', 0, checkout, 0.1)).toEqual({ ...first, seenBefore: true });
    await store.markAlertSent((first as { window: WindowRef }).window, minutes(0.1));
    expect(await record('k1', 0, checkout, 0.2)).toEqual({ kind: 'repeat', window: checkoutWindow() });
  });

  it('does not count a retried later kill twice', async () => {
    store = await makeStore();
    await record('k1', 0);
    await record('k2', 1);
    expect(await record('k2', 1, checkout, 1.1)).toMatchObject({ kind: 'repeat' });
    expect(await record('k3', 2)).toMatchObject({ kind: 'counted', kills: 3 });
  });

  it('indexes only windows with later kills, by the bucket they close in', async () => {
    store = await makeStore();
    await record('k1', 0);
    await record('w1', 0, web);
    await record('k2', 5);
    const bucket = dueBucketOf(minutes(30).getTime());
    expect(await store.windowsDueIn(bucket)).toEqual([checkoutWindow()]);
    expect(await store.windowsDueIn(bucket - 5 * 60_000)).toEqual([]);
  });

  it('hands a closed window to exactly one digest, once', async () => {
    store = await makeStore();
    await record('k1', 0);
    await record('k2', 3);
    await record('k3', 17);
    const window = checkoutWindow();
    expect(await store.claimDigest(window, minutes(29))).toEqual({ kind: 'busy' });
    const claim = await store.claimDigest(window, minutes(31));
    expect(claim).toEqual({
      kind: 'claimed',
      claimedAt: minutes(31).getTime(),
      progress: { publishedAt: null, chatAttempts: 0 },
      digest: {
        group: checkout,
        openedAt: T0,
        closesAt: minutes(30).getTime(),
        kills: 3,
        firstKillAt: minutes(0).toISOString(),
        lastKillAt: minutes(17).toISOString(),
        lastEventId: 'k3',
      },
    });
    expect(await store.claimDigest(window, minutes(32))).toEqual({ kind: 'busy' });
    await store.markDigestSent(window, minutes(32));
    expect(await store.claimDigest(window, minutes(60))).toEqual({ kind: 'settled' });
  });

  it('lets a released or stale claim be taken again', async () => {
    store = await makeStore();
    await record('k1', 0);
    await record('k2', 3);
    const window = checkoutWindow();
    const claim = await store.claimDigest(window, minutes(31));
    await store.releaseDigest(window, (claim as { claimedAt: number }).claimedAt);
    expect(await store.claimDigest(window, minutes(36))).toMatchObject({
      kind: 'claimed',
      claimedAt: minutes(36).getTime(),
    });
    expect(await store.claimDigest(window, minutes(45))).toEqual({ kind: 'busy' });
    expect(await store.claimDigest(window, minutes(46.5))).toMatchObject({ kind: 'claimed' });
  });

  it('keeps, across a release, that the alert topic took the digest, and counts the chat attempts that failed', async () => {
    store = await makeStore();
    await record('k1', 0);
    await record('k2', 3);
    const window = checkoutWindow();
    const first = await store.claimDigest(window, minutes(31));
    expect(first).toMatchObject({ progress: { publishedAt: null, chatAttempts: 0 } });
    await store.releaseDigest(window, (first as { claimedAt: number }).claimedAt);
    const second = await store.claimDigest(window, minutes(36));
    expect(second).toMatchObject({ progress: { publishedAt: null, chatAttempts: 0 } });
    await store.releaseDigest(window, (second as { claimedAt: number }).claimedAt, minutes(36));
    const third = await store.claimDigest(window, minutes(41));
    expect(third).toMatchObject({ progress: { publishedAt: minutes(36).getTime(), chatAttempts: 1 } });
    await store.releaseDigest(window, (third as { claimedAt: number }).claimedAt, minutes(41));
    expect(await store.claimDigest(window, minutes(46))).toMatchObject({
      kind: 'claimed',
      progress: { publishedAt: minutes(36).getTime(), chatAttempts: 2 },
    });
  });

  it('owes no digest for a window with a single kill', async () => {
    store = await makeStore();
    await record('k1', 0);
    expect(await store.claimDigest(checkoutWindow(), minutes(31))).toEqual({
      kind: 'settled',
    });
  });

  it('alerts a kill on its own when its window is already being digested (a lagging clock)', async () => {
    store = await makeStore();
    await record('k1', 0);
    await record('k2', 1);
    await store.claimDigest(checkoutWindow(), minutes(30.5));
    expect(await record('k3', 29.9, checkout, 30.6)).toEqual({
      kind: 'alert',
      window: null,
      seenBefore: false,
    });
  });

  it('keeps a cursor that only moves forward', async () => {
    store = await makeStore();
    expect(await store.readSweepCursor()).toBeNull();
    await store.advanceSweepCursor(minutes(30).getTime());
    await store.advanceSweepCursor(minutes(25).getTime());
    expect(await store.readSweepCursor()).toBe(minutes(30).getTime());
  });
});

describe('DynamoDB storm store under concurrency', () => {
  it('twenty kills at once: one alert, nineteen counted, the digest counts all twenty', async () => {
    const store = await freshDynamoStore();
    const decisions = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.recordKill(kill(`k${i}`), minutes(0), WINDOW_MINUTES)),
    );
    expect(decisions.filter((d) => d.kind === 'alert')).toHaveLength(1);
    expect(decisions.filter((d) => d.kind === 'counted')).toHaveLength(19);
    const counts = decisions.flatMap((d) => (d.kind === 'counted' ? [d.kills] : [])).sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: 19 }, (_, i) => i + 2));
    const claim = await store.claimDigest(checkoutWindow(), minutes(31));
    expect(claim).toMatchObject({ kind: 'claimed', digest: { kills: 20 } });
  });

  it('twenty kills a second apart, delivered at once in any order: one alert, their first and last times', async () => {
    const store = await freshDynamoStore();
    const order = [7, 19, 0, 12, 3, 15, 1, 18, 9, 5, 14, 2, 11, 17, 6, 10, 4, 16, 8, 13];
    const decisions = await Promise.all(
      order.map((second) => store.recordKill(kill(`s${second}`, second / 60), minutes(1), WINDOW_MINUTES)),
    );
    expect(decisions.filter((d) => d.kind === 'alert')).toHaveLength(1);
    expect(decisions.filter((d) => d.kind === 'counted')).toHaveLength(19);
    const claim = await store.claimDigest(checkoutWindow(), minutes(31));
    expect(claim).toMatchObject({
      kind: 'claimed',
      digest: {
        kills: 20,
        firstKillAt: minutes(0).toISOString(),
        lastKillAt: minutes(19 / 60).toISOString(),
        lastEventId: 's19',
      },
    });
  });
});
