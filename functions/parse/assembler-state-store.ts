/**
 * The report assembler's state per log stream, kept in the state table so that a report split across two
 * invocations is completed even when the halves land on different Lambda instances. Writes are optimistic:
 * each item has a version, and a save succeeds only if nobody saved since the load.
 *
 * It speaks to DynamoDB with the plain client (the runtime's) and util-dynamodb's marshalling, not the
 * DocumentClient the other stores use: lib-dynamodb and the `@smithy/core` parts it pulls in were a quarter of
 * the parse function's bundle (docs/benchmarks.md), for two calls on four attributes.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ASSEMBLER_STATE_VERSION, type AssemblerState } from '../../shared/report-assembler.ts';
import { STATE_KEY_PREFIX } from '../../shared/state-table-keys.ts';
import { PK, TTL, conditionalWrite, epochSeconds, tableKey } from '../../adapters/state/state-table.ts';

/** The state outlives any report split (seconds) and the assembler's storm attribution window (minutes). */
export const STATE_TTL_SECONDS = 24 * 60 * 60;
/** DynamoDB's item limit is 400 KB; leave room for the key and the other attributes. */
export const MAX_STATE_BYTES = 350 * 1024;

export interface StoredState {
  /** Null when there is no usable state: none saved, expired, or written by another state version. */
  state: AssemblerState | null;
  /** The version to expect when saving; 0 when no item (or no versioned item) exists. */
  version: number;
  /** Why a stored item was not used, for the log. */
  discarded: string | null;
}

export type SaveResult = { kind: 'saved'; version: number; trimmed: StateTrim } | { kind: 'conflict' };

/** What had to be left out to fit the item limit. */
export type StateTrim = 'none' | 'recent-tables' | 'open-report';

export interface StateStoreOptions {
  tableName: string;
  /** Epoch ms. */
  now(): number;
}

/** `parse#<logGroup>#<logStream>`: the assembler's state is per stream, and stream names repeat across groups. */
export function stateKeyOf(logGroup: string, logStream: string): string {
  return `${STATE_KEY_PREFIX.assemblerState}${logGroup}#${logStream}`;
}

const STATE_OF_ANOTHER_VERSION = `not a version ${ASSEMBLER_STATE_VERSION} assembler state`;

function readState(json: unknown): AssemblerState | null {
  if (typeof json !== 'string') return null;
  try {
    const value: unknown = JSON.parse(json);
    const versioned =
      typeof value === 'object' &&
      value !== null &&
      (value as { version?: unknown }).version === ASSEMBLER_STATE_VERSION;
    return versioned ? (value as AssemblerState) : null;
  } catch {
    return null;
  }
}

/**
 * The JSON to store, shrunk when it would not fit the item: first without the recent task tables (they only
 * attribute headerless kills in a storm), then also without the open report. The assembler bounds every list,
 * so this only happens with absurdly long lines.
 */
export function stateForStorage(
  state: AssemblerState,
  maxBytes: number = MAX_STATE_BYTES,
): { json: string; trimmed: StateTrim } {
  const json = JSON.stringify(state);
  if (Buffer.byteLength(json) <= maxBytes) return { json, trimmed: 'none' };
  const withoutTables = JSON.stringify({ ...state, recentTables: [] });
  if (Buffer.byteLength(withoutTables) <= maxBytes) return { json: withoutTables, trimmed: 'recent-tables' };
  return { json: JSON.stringify({ ...state, recentTables: [], open: null }), trimmed: 'open-report' };
}

function numberAttribute(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export class AssemblerStateStore {
  readonly #client: DynamoDBClient;
  readonly #options: StateStoreOptions;

  constructor(client: DynamoDBClient, options: StateStoreOptions) {
    this.#client = client;
    this.#options = options;
  }

  /** A strongly consistent read: an eventually consistent one would make the next save conflict for nothing. */
  async load(key: string): Promise<StoredState> {
    const { Item: stored } = await this.#client.send(
      new GetItemCommand({
        TableName: this.#options.tableName,
        Key: marshall(tableKey(key)),
        ConsistentRead: true,
      }),
    );
    if (stored === undefined) return { state: null, version: 0, discarded: null };
    const item = unmarshall(stored);
    const version = numberAttribute(item['version']) ?? 0;
    // DynamoDB deletes expired items late; what outlived its TTL is treated as gone, whatever the sweeper did.
    const expiresAt = numberAttribute(item[TTL]);
    if (expiresAt !== null && expiresAt * 1000 <= this.#options.now()) {
      return { state: null, version, discarded: 'expired' };
    }
    const state = readState(item['state']);
    return { state, version, discarded: state === null ? STATE_OF_ANOTHER_VERSION : null };
  }

  /** Saves if the item is still at `expectedVersion` (0: if no versioned item exists yet). */
  async save(key: string, state: AssemblerState, expectedVersion: number): Promise<SaveResult> {
    const { json, trimmed } = stateForStorage(state);
    const version = expectedVersion + 1;
    const saved = await conditionalWrite(() =>
      this.#client.send(
        new PutItemCommand({
          TableName: this.#options.tableName,
          Item: marshall({
            [PK]: key,
            version,
            state: json,
            [TTL]: epochSeconds(this.#options.now()) + STATE_TTL_SECONDS,
          }),
          ExpressionAttributeNames: { '#version': 'version' },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(#version)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeValues: marshall({ ':expected': expectedVersion }),
              }),
        }),
      ),
    );
    return saved === null ? { kind: 'conflict' } : { kind: 'saved', version, trimmed };
  }
}
