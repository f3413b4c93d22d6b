/**
 * How the stores speak to the one state table: through the DocumentClient, with the key names of
 * shared/state-table-keys.ts, and with conditional writes whose failed condition is an answer, not an error.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { STATE_TABLE } from '../../shared/state-table-keys.ts';
import { isConditionalCheckFailed } from '../aws-errors.ts';

/** The partition key and the TTL attribute, for items and for condition and update expressions. */
export const { partitionKey: PK, ttlAttribute: TTL } = STATE_TABLE;

/** The client every store takes: plain JavaScript values in and out, and an absent field simply not written. */
export function stateTableClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

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
