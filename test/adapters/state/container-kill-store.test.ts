/**
 * The container kill store, run against both stores: DynamoDB (on dynalite, 127.0.0.1) and memory.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MemoryContainerKillStore,
  type ContainerKillStore,
} from '../../../adapters/state/container-kill-store.ts';
import { DynamoContainerKillStore } from '../../../adapters/state/dynamo-container-kill-store.ts';
import { KILLS_KEPT, type ContainerKill } from '../../../shared/right-sizing.ts';
import { startLocalDynamo, type LocalDynamo } from '../../integration/local-dynamo.ts';

const T0 = Date.parse('2025-11-20T10:02:11.117Z');
const HOUR = 60 * 60_000;
const NOW = new Date(T0 + 5_000);
const CONTAINER = 'prod-eu/workload/prod/Deployment/checkout-api/api';

function hit(n: number, hoursBefore = 0): ContainerKill {
  return { eventId: `e${n}`, atMs: T0 - hoursBefore * HOUR - n, usageKb: 524288, limitKb: 524288 };
}

let dynamo: LocalDynamo;
let tables = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});

afterAll(async () => {
  await dynamo.close();
});

async function freshDynamoStore(): Promise<{ store: ContainerKillStore; table: string }> {
  tables += 1;
  const table = await dynamo.createStateTable(`sizing-${tables}`);
  return { store: new DynamoContainerKillStore(dynamo.documents, table), table };
}

const stores: [string, () => Promise<ContainerKillStore>][] = [
  ['DynamoDB', async () => (await freshDynamoStore()).store],
  ['memory', async () => new MemoryContainerKillStore()],
];

describe.each(stores)('container kill store (%s)', (_name, makeStore) => {
  it('keeps a container’s kills, oldest first, each once', async () => {
    const store = await makeStore();
    expect(await store.recordKill(CONTAINER, hit(1, 3), NOW)).toEqual([hit(1, 3)]);
    expect(await store.recordKill(CONTAINER, hit(2, 1), NOW)).toEqual([hit(1, 3), hit(2, 1)]);
    expect(await store.recordKill(CONTAINER, hit(2, 1), NOW)).toEqual([hit(1, 3), hit(2, 1)]);
    expect(await store.recordKill('other/container', hit(3), NOW)).toEqual([hit(3)]);
    expect(await store.recentKills(CONTAINER)).toEqual([hit(1, 3), hit(2, 1)]);
    expect(await store.recentKills('never/killed')).toEqual([]);
  });

  it('forgets kills a day older than the newest, and keeps the newest few', async () => {
    const store = await makeStore();
    await store.recordKill(CONTAINER, hit(1, 30), NOW);
    expect(await store.recordKill(CONTAINER, hit(2), NOW)).toEqual([hit(2)]);
    for (let n = 3; n < 3 + KILLS_KEPT; n += 1) await store.recordKill(CONTAINER, hit(n, 1 - n / 100), NOW);
    const kept = await store.recordKill(CONTAINER, hit(99, -1), NOW);
    expect(kept).toHaveLength(KILLS_KEPT);
    expect(kept.at(-1)).toEqual(hit(99, -1));
  });
});

describe('DynamoDB container kill store', () => {
  it('writes one item a container under sizing#, expiring a day and an hour after its newest kill, cut back to the kept kills', async () => {
    const { store, table } = await freshDynamoStore();
    await store.recordKill(CONTAINER, hit(1), new Date(T0 - HOUR));
    const { Item } = await dynamo.documents.send(
      new GetCommand({ TableName: table, Key: { pk: `sizing#${CONTAINER}` } }),
    );
    expect(Item).toEqual({
      pk: `sizing#${CONTAINER}`,
      kills: [hit(1)],
      version: 1,
      expiresAt: Math.floor((hit(1).atMs + 25 * HOUR) / 1000),
    });
    await store.recordKill(CONTAINER, hit(1), new Date(T0 - HOUR));
    const again = await dynamo.documents.send(
      new GetCommand({ TableName: table, Key: { pk: `sizing#${CONTAINER}` } }),
    );
    expect(again.Item).toMatchObject({ kills: [hit(1)], version: 3 });
  });

  it('ten kills of one container at once: none is lost', async () => {
    const { store } = await freshDynamoStore();
    await Promise.all(Array.from({ length: 10 }, (_, n) => store.recordKill(CONTAINER, hit(n), NOW)));
    const kept = await store.recordKill(CONTAINER, hit(10), NOW);
    expect(kept.map((k) => k.eventId).sort()).toEqual(Array.from({ length: 11 }, (_, n) => `e${n}`).sort());
  });
});
