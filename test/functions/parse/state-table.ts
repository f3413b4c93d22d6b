/**
 * The state table served by dynalite on 127.0.0.1, with the layout the stack creates (partition key `pk`).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { STATE_TABLE } from '../../../shared/runtime-config.ts';

// dynalite is CommonJS without type declarations.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: {
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}) => Server;

export interface StateTable {
  endpoint: string;
  tableName: string;
  client: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  close(): Promise<void>;
}

export async function startStateTable(tableName = 'eks-oom-alerts-state'): Promise<StateTable> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: STATE_TABLE.partitionKey, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: STATE_TABLE.partitionKey, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return {
    endpoint,
    tableName,
    client,
    documents: DynamoDBDocumentClient.from(client),
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
