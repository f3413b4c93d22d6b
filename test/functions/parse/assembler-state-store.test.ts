import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AssemblerStateStore,
  MAX_STATE_BYTES,
  stateForStorage,
  stateKeyOf,
  STATE_TTL_SECONDS,
} from '../../../functions/parse/assembler-state-store.ts';
import { linesFromLogEvents } from '../../../shared/log-event-lines.ts';
import type { AssemblerState } from '../../../shared/report-assembler.ts';
import { assembleReports, emptyAssemblerState } from '../../../shared/report-assembler.ts';
import { readLogRecord } from '../../../shared/log-record.ts';
import {
  bodiesOfGroup,
  logEventsOf,
  WHOLE_RECORD_GROUP,
} from '../../fixtures/subscription/subscription-payloads.ts';
import type { StateTable } from '../../integration/local-dynamo.ts';
import { startStateTable } from '../../integration/local-dynamo.ts';

const NOW = Date.parse('2026-11-22T14:53:57.691Z');
let table: StateTable;
let store: AssemblerStateStore;

beforeAll(async () => {
  table = await startStateTable();
  store = new AssemblerStateStore(table.client, { tableName: table.tableName, now: () => NOW });
});
afterAll(() => table.close());

/** A state holding an open report: the header and the memory line of the real 6.18 report, no kill yet. */
function openReportState(): AssemblerState {
  const lines = [
    '{"priority":4,"sequence":429,"sec":4194,"usec":691085,"msg":"python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0"}',
    '{"priority":6,"sequence":456,"sec":4194,"usec":691191,"msg":"memory: usage 65536kB, limit 65536kB, failcnt 142"}',
  ].map((raw, i) => ({ entry: readLogRecord(raw)!, ref: String(i) }));
  const result = assembleReports(
    lines,
    null,
    { node: 'n', source: { logGroup: 'g', logStream: 's' } },
    { final: false },
  );
  expect(result.state.open?.trigger?.name).toBe('python3');
  return result.state;
}

describe('stateKeyOf', () => {
  it('prefixes the key and names group and stream', () => {
    expect(stateKeyOf('/fluentbit/oom-whole', 'node-kernel')).toBe('parse#/fluentbit/oom-whole#node-kernel');
  });
});

describe('AssemblerStateStore on the state table (dynalite)', () => {
  it('loads nothing, version 0, for a stream never seen', async () => {
    expect(await store.load(stateKeyOf('g', 'never-seen'))).toEqual({
      state: null,
      version: 0,
      discarded: null,
    });
  });

  it('saves a state as plain JSON with a version and a one-day TTL, and loads it back', async () => {
    const key = stateKeyOf('g', 'round-trip');
    const state = openReportState();
    expect(await store.save(key, state, 0)).toEqual({ kind: 'saved', version: 1, trimmed: 'none' });
    const { Item: item } = await table.documents.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: key } }),
    );
    expect(item).toEqual({
      pk: key,
      version: 1,
      state: JSON.stringify(state),
      expiresAt: Math.floor(NOW / 1000) + STATE_TTL_SECONDS,
    });
    expect(STATE_TTL_SECONDS).toBe(86_400);
    expect(await store.load(key)).toEqual({ state, version: 1, discarded: null });
  });

  it('refuses a save when another invocation saved since the load, and when two create the same key', async () => {
    const key = stateKeyOf('g', 'contended');
    expect((await store.save(key, emptyAssemblerState(), 0)).kind).toBe('saved');
    expect(await store.save(key, openReportState(), 0)).toEqual({ kind: 'conflict' });
    expect((await store.save(key, openReportState(), 1)).kind).toBe('saved');
    expect(await store.save(key, emptyAssemblerState(), 1)).toEqual({ kind: 'conflict' });
    const loaded = await store.load(key);
    expect(loaded.version).toBe(2);
    expect(loaded.state?.open?.trigger?.name).toBe('python3');
  });

  it('treats an item past its TTL as gone but keeps its version for the next save', async () => {
    const key = stateKeyOf('g', 'expired');
    await table.documents.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          pk: key,
          version: 5,
          state: JSON.stringify(openReportState()),
          expiresAt: Math.floor(NOW / 1000) - 1,
        },
      }),
    );
    expect(await store.load(key)).toEqual({ state: null, version: 5, discarded: 'expired' });
    expect((await store.save(key, emptyAssemblerState(), 5)).kind).toBe('saved');
  });

  it('discards a state that is not a version 2 assembler state (version 1 held one kill per report)', async () => {
    const key = stateKeyOf('g', 'foreign');
    await table.documents.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: key, version: 3, state: '{"version":1}', expiresAt: Math.floor(NOW / 1000) + 60 },
      }),
    );
    expect(await store.load(key)).toEqual({
      state: null,
      version: 3,
      discarded: 'not a version 2 assembler state',
    });
    await table.documents.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: key, version: 4, state: 'not json', expiresAt: Math.floor(NOW / 1000) + 60 },
      }),
    );
    expect((await store.load(key)).discarded).toBe('not a version 2 assembler state');
  });

  it('can take over an unversioned item under its key', async () => {
    const key = stateKeyOf('g', 'unversioned');
    await table.documents.send(new PutCommand({ TableName: table.tableName, Item: { pk: key } }));
    const loaded = await store.load(key);
    expect(loaded.version).toBe(0);
    expect((await store.save(key, emptyAssemblerState(), loaded.version)).kind).toBe('saved');
  });
});

describe('stateForStorage', () => {
  it('keeps the state after the real Fluent Bit replay and live report far below the item limit', () => {
    let state: AssemblerState | null = null;
    for (const [i, body] of bodiesOfGroup(WHOLE_RECORD_GROUP).entries()) {
      const lines = linesFromLogEvents(logEventsOf(body, i), null);
      state = assembleReports(
        lines,
        state,
        { node: 'node-kernel', source: { logGroup: 'g', logStream: 's' } },
        { final: false },
      ).state;
    }
    expect(state?.recentKills.map((k) => k.pid)).toEqual([2874, 17777]);
    const { json, trimmed } = stateForStorage(state!);
    expect(trimmed).toBe('none');
    // The live report stays in it, sent: more of a memory.oom.group kill may come in the next delivery.
    expect(Buffer.byteLength(json)).toBeLessThan(MAX_STATE_BYTES / 50);
  });

  it('drops the recent task tables, then the open report, when a state would not fit', () => {
    const state = openReportState();
    state.recentTables = [
      { oomMemcg: '/kubepods', constraint: null, time: 1, pids: [[1, 'x'.repeat(2000)]] },
    ];
    const tables = stateForStorage(state, 1500);
    expect(tables.trimmed).toBe('recent-tables');
    expect(JSON.parse(tables.json)).toEqual({ ...state, recentTables: [] });
    state.open!.lines.push('y'.repeat(2000));
    const open = stateForStorage(state, 1500);
    expect(open.trimmed).toBe('open-report');
    expect(JSON.parse(open.json)).toEqual({ ...state, recentTables: [], open: null });
  });
});
