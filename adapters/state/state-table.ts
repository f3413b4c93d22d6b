/**
 * How the stores speak to the one state table: with the key names of shared/state-table-keys.ts, and with
 * conditional writes whose failed condition is an answer, not an error. The DocumentClient most stores take is
 * built in state-table-client.ts, apart, so that what imports only these helpers (the parse function) does not
 * bundle lib-dynamodb.
 */
import { STATE_TABLE } from '../../shared/state-table-keys.ts';
import { isConditionalCheckFailed } from '../aws-errors.ts';

/** The partition key and the TTL attribute, for items and for condition and update expressions. */
export const { partitionKey: PK, ttlAttribute: TTL } = STATE_TABLE;

/** The `Key` of the item stored under `key`. */
export function tableKey(key: string): Record<string, string> {
  return { [PK]: key };
}

/** Epoch seconds, as the TTL attribute holds them. */
export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** A conditional write: its output, or null when its condition did not hold. Any other error throws. */
export async function conditionalWrite<T>(write: () => Promise<T>): Promise<T | null> {
  try {
    return await write();
  } catch (error) {
    if (isConditionalCheckFailed(error)) return null;
    throw error;
  }
}
