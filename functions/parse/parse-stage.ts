/**
 * The parse function's collaborators, built once per container from the stack's environment: the enrich
 * queue, the send retry and the assembler state in the state table. Only the parse handler uses them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Env } from '../../adapters/env-config.ts';
import { AssemblerStateStore } from './assembler-state-store.ts';
import { DEFAULT_SEND_RETRY } from './event-queue.ts';
import { readParseConfig } from './parse-config.ts';
import type { ParseDependencies, ParseLog } from './parse-batch.ts';
import { DEFAULT_STATE_ATTEMPTS } from './parse-batch.ts';

export function parseStageFromEnv(env: Env, logger: ParseLog): ParseDependencies {
  const settings = readParseConfig(env);
  if (!settings.ok) throw new Error(`parse function misconfigured: ${settings.problems.join('; ')}`);
  const config = settings.config;
  return {
    queueClient: new SQSClient({}),
    queue: { url: config.eventsQueueUrl, delaySeconds: config.enrichDelaySeconds },
    sendRetry: DEFAULT_SEND_RETRY,
    stateStore: new AssemblerStateStore(new DynamoDBClient({}), {
      tableName: config.stateTableName,
      now: () => Date.now(),
    }),
    logger,
    maxStateAttempts: DEFAULT_STATE_ATTEMPTS,
  };
}
