/**
 * The DocumentClient the claim, storm and container-kill stores take (enrich and notify). The parse function's
 * assembler state store speaks the plain client instead (functions/parse/assembler-state-store.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Plain JavaScript values in and out, and an absent field simply not written. */
export function stateTableClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
