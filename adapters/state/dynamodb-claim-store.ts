/**
 * The claim store on the shared state table (adapters/state/state-table.ts): each decision of
 * claim-store.ts as one conditional write, so concurrent Lambdas agree without a read first.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { STATE_KEY_PREFIX } from '../../shared/state-table-keys.ts';
import { SAME_KILL_WINDOW_MS } from './claim-store.ts';
import type { ClaimStore, EventClaim, KillClaim } from './claim-store.ts';
import { PK, TTL, conditionalWrite, tableKey } from './state-table.ts';

function eventKey(eventId: string): string {
  return STATE_KEY_PREFIX.eventClaim + eventId;
}

export function createDynamoDbClaimStore(client: DynamoDBDocumentClient, tableName: string): ClaimStore {
  async function conditionalDelete(
    key: string,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<void> {
    await conditionalWrite(() =>
      client.send(
        new DeleteCommand({
          TableName: tableName,
          Key: tableKey(key),
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
      ),
    );
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
      const written = await conditionalWrite(() =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: condition,
            ExpressionAttributeValues: values,
          }),
        ),
      );
      if (written !== null) return null;
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: tableKey(String(item[PK])), ConsistentRead: true }),
      );
      if (Item !== undefined) return Item;
    }
    throw new Error(`claim ${String(item[PK])} kept changing under three conditional writes`);
  }

  return {
    async claimEvent(eventId, request): Promise<EventClaim> {
      const blocking = await putUnlessBlocked(
        {
          [PK]: eventKey(eventId),
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
      await conditionalWrite(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: tableKey(eventKey(eventId)),
            UpdateExpression: `SET claimState = :done, ${TTL} = :expiresAt REMOVE claimToken, leaseUntil`,
            ConditionExpression: 'claimToken = :token',
            ExpressionAttributeValues: { ':done': 'done', ':expiresAt': expiresAt, ':token': token },
          }),
        ),
      );
    },

    releaseEvent(eventId, token) {
      return conditionalDelete(eventKey(eventId), 'claimToken = :token', { ':token': token });
    },

    releaseKill(fingerprint, eventId) {
      return conditionalDelete(fingerprint, 'eventId = :eventId', { ':eventId': eventId });
    },
  };
}
