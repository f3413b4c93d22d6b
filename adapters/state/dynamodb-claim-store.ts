/**
 * The claim store on the shared state table (adapters/state/state-table.ts): each decision of
 * claim-store.ts as one conditional write, so concurrent Lambdas agree without a read first. Every call is
 * aborted at its timeout, so a stalled connection fails the event (to be retried) instead of the invocation.
 * When the SDK retries a write whose answer was lost, the retry fails the condition against the item the
 * first send wrote: a failed condition is therefore checked against the item, and the attempt's own write
 * (its token, in the state it meant) counts as done.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { STATE_KEY_PREFIX } from '../../shared/state-table-keys.ts';
import { SAME_KILL_WINDOW_MS, decideEventClaim } from './claim-store.ts';
import type {
  ClaimStore,
  EventClaim,
  EventClaimRequest,
  EventClaimState,
  KillClaim,
  KillClaimRequest,
  PublishingMark,
} from './claim-store.ts';
import { PK, TTL, conditionalWrite, tableKey } from './state-table.ts';

/**
 * A claim write answers in milliseconds; this covers the SDK's own retries of a throttled one. Enrich settles
 * its claims in the 5 s it keeps after the API deadline (adapters/enrich/enrich-events.ts), so one call
 * must end well inside that.
 */
export const CLAIM_CALL_TIMEOUT_MS = 1_500;

function eventKey(eventId: string): string {
  return STATE_KEY_PREFIX.eventClaim + eventId;
}

/** An event claim item as a state; undefined for none (or one this code did not write). */
function eventStateOf(item: Record<string, unknown> | undefined): EventClaimState | undefined {
  if (item === undefined) return undefined;
  const { claimState: state, claimToken: token, leaseUntil } = item;
  if (state === 'done') return { state, ...deliveredRankOf(item) };
  if ((state === 'in-progress' || state === 'publishing') && typeof token === 'string')
    return { state, token, leaseUntil: typeof leaseUntil === 'number' ? leaseUntil : 0 };
  return undefined;
}

/** How much of the kill the alert showed, where completeEvent kept it. */
function deliveredRankOf(item: Record<string, unknown>): { deliveredRank?: number } {
  const rank = item['deliveredRank'];
  return typeof rank === 'number' ? { deliveredRank: rank } : {};
}

/** The copy kept for the attempt that holds the claim (offerLaterCopy), or null. */
function laterCopyOf(item: Record<string, unknown> | undefined): string | null {
  const body = item?.['laterCopy'];
  return typeof body === 'string' ? body : null;
}

/** Whether the item holds these values: the attempt's own write, when a condition failed against it. */
function carries(item: Record<string, unknown> | undefined, values: Record<string, unknown>): boolean {
  return item !== undefined && Object.entries(values).every(([name, value]) => item[name] === value);
}

function killItem(fingerprint: string, request: KillClaimRequest): Record<string, unknown> {
  return {
    [PK]: fingerprint,
    eventId: request.eventId,
    claimToken: request.token,
    observedAt: request.observedAt,
    [TTL]: request.expiresAt,
  };
}

export function createDynamoDbClaimStore(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: { callTimeoutMs?: number } = {},
): ClaimStore {
  const callTimeoutMs = options.callTimeoutMs ?? CLAIM_CALL_TIMEOUT_MS;
  const bounded = () => ({ abortSignal: AbortSignal.timeout(callTimeoutMs) });

  /** A conditional delete; whether its condition held. */
  async function conditionalDelete(
    key: string,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    const deleted = await conditionalWrite(() =>
      client.send(
        new DeleteCommand({
          TableName: tableName,
          Key: tableKey(key),
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
        bounded(),
      ),
    );
    return deleted !== null;
  }

  /** A conditional update: the item as it is after it (when asked for), {} without; null when it did not hold. */
  async function conditionalUpdate(
    key: string,
    update: { expression: string; condition: string; values: Record<string, unknown> },
    returnItem = false,
  ): Promise<Record<string, unknown> | null> {
    const written = await conditionalWrite(() =>
      client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: tableKey(key),
          UpdateExpression: update.expression,
          ConditionExpression: update.condition,
          ExpressionAttributeValues: update.values,
          ...(returnItem ? { ReturnValues: 'ALL_NEW' as const } : {}),
        }),
        bounded(),
      ),
    );
    return written === null ? null : (written.Attributes ?? {});
  }

  async function readItem(key: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: tableKey(key), ConsistentRead: true }),
      bounded(),
    );
    return Item;
  }

  /** A conditional put; whether its condition held. */
  async function conditionalPut(
    item: Record<string, unknown>,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    const written = await conditionalWrite(() =>
      client.send(
        new PutCommand({
          TableName: tableName,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
        bounded(),
      ),
    );
    return written !== null;
  }

  /** Whether a conditional write held, or failed against the attempt's own write (`own`, read consistently). */
  async function heldOrOwn(held: boolean, key: string, own: Record<string, unknown>): Promise<boolean> {
    return held || carries(await readItem(key), own);
  }

  /**
   * A conditional write of a claim; when its condition fails, the item that blocked it (read consistently), or
   * null when that is the attempt's own (`own`). If that item is gone by then (released meanwhile), the write
   * is tried again.
   */
  async function writeUnlessBlocked(
    key: string,
    write: () => Promise<boolean>,
    own: Record<string, unknown>,
  ): Promise<Record<string, unknown> | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await write()) return null;
      const blocking = await readItem(key);
      if (carries(blocking, own)) return null;
      if (blocking !== undefined) return blocking;
    }
    throw new Error(`claim ${key} kept changing under three conditional writes`);
  }

  /**
   * The event claim for this attempt, where there is none or its holder's lease ran out (or was ended by a
   * release that kept a copy): an update, not a put, so that a copy handed to a holder that died or failed
   * stays for the attempt that takes over.
   */
  function writeEventClaim(key: string, request: EventClaimRequest): Promise<boolean> {
    const rank = request.seenRank === undefined ? ' REMOVE seenRank' : ', seenRank = :rank';
    return conditionalUpdate(key, {
      expression: `SET claimState = :inProgress, claimToken = :token, leaseUntil = :lease, ${TTL} = :expiresAt${rank}`,
      condition: `attribute_not_exists(${PK}) OR (claimState = :inProgress AND leaseUntil <= :now)`,
      values: {
        ':inProgress': 'in-progress',
        ':token': request.token,
        ':lease': request.leaseUntil,
        ':expiresAt': request.expiresAt,
        ':now': request.now,
        ...(request.seenRank === undefined ? {} : { ':rank': request.seenRank }),
      },
    }).then((written) => written !== null);
  }

  return {
    async claimEvent(eventId, request): Promise<EventClaim> {
      const key = eventKey(eventId);
      const blocking = await writeUnlessBlocked(key, () => writeEventClaim(key, request), {
        claimToken: request.token,
        claimState: 'in-progress',
      });
      if (blocking === null) return { outcome: 'claimed' };
      const state = eventStateOf(blocking);
      // An in-progress claim that blocked the write holds it, even if its lease ran out since.
      if (state?.state === 'in-progress') return { outcome: 'in-progress', leaseUntil: state.leaseUntil };
      const decision =
        state === undefined ? { outcome: 'done' as const } : decideEventClaim(state, request.now);
      return decision.outcome === 'done' ? { ...decision, ...deliveredRankOf(blocking) } : decision;
    },

    async offerLaterCopy(eventId, copy) {
      const key = eventKey(eventId);
      const written = await conditionalUpdate(key, {
        expression: 'SET laterCopy = :body, laterRank = :rank',
        condition:
          'claimState = :inProgress AND seenRank < :rank AND (attribute_not_exists(laterRank) OR laterRank < :rank)',
        values: { ':body': copy.body, ':rank': copy.seenRank, ':inProgress': 'in-progress' },
      });
      if (written !== null) return true;
      // Kept by this offer's own first send (its answer lost), or by a fuller copy since: handed either way.
      const item = await readItem(key);
      const state = eventStateOf(item);
      const { seenRank, laterRank } = item ?? {};
      if (state === undefined || state.state === 'done' || typeof seenRank !== 'number') return false;
      return seenRank < copy.seenRank && typeof laterRank === 'number' && laterRank >= copy.seenRank;
    },

    async readEvent(eventId) {
      return eventStateOf(await readItem(eventKey(eventId)));
    },

    async markPublishing(eventId, token): Promise<PublishingMark> {
      const key = eventKey(eventId);
      const written = await conditionalUpdate(
        key,
        {
          expression: 'SET claimState = :publishing',
          condition: 'claimToken = :token AND claimState = :inProgress',
          values: { ':publishing': 'publishing', ':token': token, ':inProgress': 'in-progress' },
        },
        true,
      );
      if (written !== null) return { marked: true, laterCopy: laterCopyOf(written) };
      const item = await readItem(key);
      return carries(item, { claimToken: token, claimState: 'publishing' })
        ? { marked: true, laterCopy: laterCopyOf(item) }
        : { marked: false };
    },

    async claimKill(fingerprint, request): Promise<KillClaim> {
      const blocking = await writeUnlessBlocked(
        fingerprint,
        () =>
          conditionalPut(
            killItem(fingerprint, request),
            `attribute_not_exists(${PK}) OR eventId = :eventId OR observedAt < :earliest OR observedAt > :latest`,
            {
              ':eventId': request.eventId,
              ':earliest': request.observedAt - SAME_KILL_WINDOW_MS,
              ':latest': request.observedAt + SAME_KILL_WINDOW_MS,
            },
          ),
        { eventId: request.eventId, claimToken: request.token },
      );
      if (blocking === null) return { outcome: 'claimed' };
      const token = blocking['claimToken'];
      return {
        outcome: 'taken',
        owner: { eventId: String(blocking['eventId']), token: typeof token === 'string' ? token : null },
      };
    },

    async takeOverKill(fingerprint, owner, request) {
      const item = killItem(fingerprint, request);
      const taken =
        owner.token === null
          ? await conditionalPut(item, 'eventId = :owner AND attribute_not_exists(claimToken)', {
              ':owner': owner.eventId,
            })
          : await conditionalPut(item, 'eventId = :owner AND claimToken = :ownerToken', {
              ':owner': owner.eventId,
              ':ownerToken': owner.token,
            });
      return heldOrOwn(taken, fingerprint, { eventId: request.eventId, claimToken: request.token });
    },

    async completeEvent(eventId, token, expiresAt, deliveredRank) {
      const delivered = deliveredRank === undefined ? '' : ', deliveredRank = :delivered';
      await conditionalUpdate(eventKey(eventId), {
        expression: `SET claimState = :done, ${TTL} = :expiresAt${delivered} REMOVE claimToken, leaseUntil, seenRank, laterCopy, laterRank`,
        condition: 'claimToken = :token',
        values: {
          ':done': 'done',
          ':expiresAt': expiresAt,
          ':token': token,
          ...(deliveredRank === undefined ? {} : { ':delivered': deliveredRank }),
        },
      });
    },

    async releaseEvent(eventId, token) {
      const key = eventKey(eventId);
      const deleted = await conditionalDelete(
        key,
        'claimToken = :token AND attribute_not_exists(laterCopy)',
        { ':token': token },
      );
      if (deleted) return;
      // A copy is kept (else the claim is not this attempt's, and this changes nothing either). The claim stays,
      // its lease ended: any attempt takes it over at once, the copy with it (code that knows no other state
      // of the item does too).
      await conditionalUpdate(key, {
        expression: 'SET claimState = :inProgress, leaseUntil = :ended',
        condition: 'claimToken = :token AND attribute_exists(laterCopy)',
        values: { ':inProgress': 'in-progress', ':ended': 0, ':token': token },
      });
    },

    async releaseKill(fingerprint, eventId, token) {
      await conditionalDelete(fingerprint, 'eventId = :eventId AND claimToken = :token', {
        ':eventId': eventId,
        ':token': token,
      });
    },
  };
}
