/**
 * The claim store on the shared state table (partition key `pk`, TTL `expiresAt`): each decision of
 * claim-store.ts as one conditional write, so concurrent Lambdas agree without a read first.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { STATE_TABLE } from '../../shared/runtime-config.ts';
import { EVENT_KEY_PREFIX, SAME_KILL_WINDOW_MS } from './claim-store.ts';
import type { ClaimStore, EventClaim, KillClaim } from './claim-store.ts';

const PK = STATE_TABLE.partitionKey;
const TTL = STATE_TABLE.ttlAttribute;

export function createDynamoDbClaimStore(client: DynamoDBDocumentClient, tableName: string): ClaimStore {
  async function conditionalDelete(
    key: string,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<void> {
    try {
      await client.send(
        new DeleteCommand({
          TableName: tableName,
          Key: { [PK]: key },
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * A conditional put; when the condition fails, the item that blocked it (read consistently). If that item
   * is gone by then (released meanwhile), the put is tried again.
   */
  async function putUnlessBlocked(
    item: Record<string, unknown>,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<Record<string, unknown> | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: condition,
            ExpressionAttributeValues: values,
          }),
        );
        return null;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: { [PK]: item[PK] }, ConsistentRead: true }),
      );
      if (Item !== undefined) return Item;
    }
    throw new Error(`claim ${String(item[PK])} kept changing under three conditional writes`);
  }

  return {
    async claimEvent(eventId, request): Promise<EventClaim> {
      const blocking = await putUnlessBlocked(
        {
          [PK]: EVENT_KEY_PREFIX + eventId,
          claimState: 'in-progress',
          claimToken: request.token,
          leaseUntil: request.leaseUntil,
          [TTL]: request.expiresAt,
        },
        `attribute_not_exists(${PK}) OR (claimState = :inProgress AND leaseUntil <= :now)`,
        { ':inProgress': 'in-progress', ':now': request.now },
      );
      if (blocking === null) return { outcome: 'claimed' };
      const leaseUntil = blocking['leaseUntil'];
      return blocking['claimState'] === 'in-progress' && typeof leaseUntil === 'number'
        ? { outcome: 'in-progress', leaseUntil }
        : { outcome: 'done' };
    },

    async claimKill(fingerprint, request): Promise<KillClaim> {
      const blocking = await putUnlessBlocked(
        {
          [PK]: fingerprint,
          eventId: request.eventId,
          observedAt: request.observedAt,
          [TTL]: request.expiresAt,
        },
        `attribute_not_exists(${PK}) OR eventId = :eventId OR observedAt < :earliest OR observedAt > :latest`,
        {
          ':eventId': request.eventId,
          ':earliest': request.observedAt - SAME_KILL_WINDOW_MS,
          ':latest': request.observedAt + SAME_KILL_WINDOW_MS,
        },
      );
      return blocking === null
        ? { outcome: 'claimed' }
        : { outcome: 'taken', byEventId: String(blocking['eventId']) };
    },

    async completeEvent(eventId, token, expiresAt) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { [PK]: EVENT_KEY_PREFIX + eventId },
            UpdateExpression: `SET claimState = :done, ${TTL} = :expiresAt REMOVE claimToken, leaseUntil`,
            ConditionExpression: 'claimToken = :token',
            ExpressionAttributeValues: { ':done': 'done', ':expiresAt': expiresAt, ':token': token },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    releaseEvent(eventId, token) {
      return conditionalDelete(EVENT_KEY_PREFIX + eventId, 'claimToken = :token', { ':token': token });
    },

    releaseKill(fingerprint, eventId) {
      return conditionalDelete(fingerprint, 'eventId = :eventId', { ':eventId': eventId });
    },
  };
}
