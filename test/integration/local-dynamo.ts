/**
 * DynamoDB for tests: dynalite on a random 127.0.0.1 port, with state tables laid out as the stack creates them
 * (partition key `pk`). One helper for parse's assembler state, enrich's claims and notify's storm windows.
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { STATE_TABLE } from '../../shared/state-table-keys.ts';

// dynalite is CommonJS without type declarations.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: {
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}) => Server;

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  /** Creates an empty state table, waits until it is ACTIVE, and returns its name. */
  createStateTable(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startLocalDynamo(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint });
  return {
    endpoint,
    client,
    documents: DynamoDBDocumentClient.from(client),
    async createStateTable(name) {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          KeySchema: [{ AttributeName: STATE_TABLE.partitionKey, KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: STATE_TABLE.partitionKey, AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      // createTableMs 0 still flips the table to ACTIVE on a later tick: ask until it has.
      for (let i = 0; i < 100; i += 1) {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
        if (Table?.TableStatus === 'ACTIVE') break;
      }
      return name;
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface StateTable {
  endpoint: string;
  tableName: string;
  client: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  close(): Promise<void>;
}

/**
 * A client for `endpoint` whose conditional writes land, but whose first answer to each is lost (the
 * connection resets), so the SDK sends it again and that retry meets the item its first send wrote: what a
 * response lost on the way back looks like to the caller. `retried` counts the writes sent twice.
 */
export function lostAnswerClient(endpoint: string): {
  documents: DynamoDBDocumentClient;
  retried: () => number;
} {
  const client = new DynamoDBClient({ endpoint });
  const answered = new WeakSet<object>();
  let retried = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const result = await next(args);
      if (!('ConditionExpression' in input) || answered.has(input)) return result;
      answered.add(input);
      retried += 1;
      throw Object.assign(new Error(`${context.commandName ?? 'write'}: socket hang up`), {
        code: 'ECONNRESET',
      });
    },
    { step: 'deserialize', priority: 'high', name: 'loseFirstAnswer' },
  );
  return { documents: DynamoDBDocumentClient.from(client), retried: () => retried };
}

/** A dynalite server holding one state table. */
export async function startStateTable(tableName = 'eks-oom-alerts-state'): Promise<StateTable> {
  const dynamo = await startLocalDynamo();
  await dynamo.createStateTable(tableName);
  return {
    endpoint: dynamo.endpoint,
    tableName,
    client: dynamo.client,
    documents: dynamo.documents,
    close: dynamo.close,
  };
}
