/**
 * Storm windows in the state table (adapters/state/state-table.ts), with single-item
 * conditional writes only, so that concurrent invocations neither lose a count nor send a digest
 * twice. Items, all under `storm#`:
 *
 * - `storm#window#<group>#<slot>`: the window opened in that slot (shared/storm-window.ts). `kills` is an
 *   atomic counter; the first kill's event id is kept so a retried delivery is recognised; the earliest and
 *   latest kill times only widen; `digestClaimedAt`/`digestSentAt` settle the digest once (`digestPublishedAt`/
 *   `digestChatAttempts` keep a chat-only retry from publishing again and bound it). Never
 *   overwritten, so a digest outstanding on an old window is never lost.
 * - `storm#due#<bucket ISO>`: string set of the windows with later kills that fall due in that 5-minute
 *   bucket. The scheduled run reads these few items instead of scanning the table.
 * - `storm#sweep`: the last bucket the scheduled run finished.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dueBucketOfWindow, SWEEP_LOOKBACK_MS, windowOpenedBy } from '../../shared/storm-window.ts';
import { DIGEST_CLAIM_STALE_MS } from './storm-store.ts';
import type { DigestClaim, KillDecision, KillSighting, StormStore, WindowRef } from './storm-store.ts';
import {
  digestOf,
  digestProgressOf,
  isDigestOwed,
  isoTime,
  killStep,
  windowRefsOf,
  type KillStep,
  type WindowItem,
} from './storm-window-item.ts';
import { STATE_KEY_PREFIX } from '../../shared/state-table-keys.ts';
import { PK, TTL, conditionalWrite, epochSeconds, tableKey } from './state-table.ts';

const DAY_MS = 24 * 60 * 60_000;
/**
 * Rounds of "read the windows, count in one" before giving up and alerting the kill on its own. A round
 * fails only when another writer got there first: it created the window, or widened its kill times past
 * this kill's, or claimed its digest; each happens to a kill once, so four failed rounds cannot all be races.
 */
const RECORD_ATTEMPTS = 5;

const STORM = STATE_KEY_PREFIX.storm;
const SWEEP_KEY = tableKey(`${STORM}sweep`);

function windowKey(ref: WindowRef): Record<string, string> {
  return tableKey(`${STORM}window#${ref.groupKey}#${ref.slot}`);
}

function dueKey(bucket: number): Record<string, string> {
  return tableKey(`${STORM}due#${new Date(bucket).toISOString()}`);
}

/** How a window is named inside a due set: `<slot>#<group key>` (group keys hold no `#`). */
function dueMember(ref: WindowRef): string {
  return `${ref.slot}#${ref.groupKey}`;
}

function refOfDueMember(member: string): WindowRef | null {
  const cut = member.indexOf('#');
  const slot = Number(member.slice(0, cut));
  return cut <= 0 || !Number.isSafeInteger(slot) ? null : { slot, groupKey: member.slice(cut + 1) };
}

/** The update that counts a kill in an existing window, widening its kill times when the kill lies outside. */
function countUpdate(item: WindowItem, kill: KillSighting) {
  const at = isoTime(kill.atMs);
  const set = ['lastEventId = :eventId'];
  const conditions = [
    `attribute_exists(${PK})`,
    'attribute_not_exists(digestClaimedAt)',
    'firstEventId <> :eventId',
    'lastEventId <> :eventId',
  ];
  if (at > item.lastKillAt) {
    set.push('lastKillAt = :at', 'latestEventId = :eventId');
    conditions.push('lastKillAt < :at');
  }
  if (item.firstKillAt !== undefined && at < item.firstKillAt) {
    set.push('firstKillAt = :at');
    conditions.push('firstKillAt > :at');
  }
  const widens = set.length > 1;
  return {
    UpdateExpression: `SET ${set.join(', ')} ADD kills :one`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeValues: { ':eventId': kill.eventId, ':one': 1, ...(widens ? { ':at': at } : {}) },
  };
}

export class DynamoStormStore implements StormStore {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.#db = db;
    this.#table = tableName;
  }

  async recordKill(kill: KillSighting, now: Date, windowMinutes: number): Promise<KillDecision> {
    const refs = windowRefsOf(kill, windowMinutes);
    for (let attempt = 0; attempt < RECORD_ATTEMPTS; attempt += 1) {
      const [previous, current] = await Promise.all([
        this.#readWindow(refs.previous),
        this.#readWindow(refs.current),
      ]);
      const step = killStep(kill, refs, previous, current);
      const decision = await this.#take(step, kill, windowMinutes, now.getTime());
      if (decision !== null) return decision;
    }
    return { kind: 'alert', window: null, seenBefore: false };
  }

  /** Writes what the step needs; null when the window changed under the write: the caller reads it again. */
  async #take(
    step: KillStep,
    kill: KillSighting,
    windowMinutes: number,
    nowMs: number,
  ): Promise<KillDecision | null> {
    switch (step.kind) {
      case 'decided':
        return step.decision;
      case 'open':
        return this.#openWindow(step.ref, kill, windowMinutes, nowMs);
      case 'recounted':
        // The run that counted it may have died before indexing the window.
        await this.#indexDue(step.ref, step.item, nowMs);
        return { kind: 'repeat', window: step.ref };
      case 'count':
        return this.#countKill(step.ref, step.item, kill, nowMs);
    }
  }

  /** Opens the window of a slot with this kill; null when another writer opened it first. */
  async #openWindow(
    ref: WindowRef,
    kill: KillSighting,
    windowMinutes: number,
    nowMs: number,
  ): Promise<KillDecision | null> {
    const span = windowOpenedBy(kill.atMs, windowMinutes);
    const at = isoTime(kill.atMs);
    const opened = await conditionalWrite(() =>
      this.#db.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: windowKey(ref),
          UpdateExpression:
            'SET #group = :group, openedAt = :openedAt, closesAt = :closesAt, kills = :one, ' +
            `firstEventId = :eventId, lastEventId = :eventId, latestEventId = :eventId, firstKillAt = :at, lastKillAt = :at, ${TTL} = :expiresAt`,
          ConditionExpression: `attribute_not_exists(${PK})`,
          ExpressionAttributeNames: { '#group': 'group' },
          ExpressionAttributeValues: {
            ':group': kill.group,
            ':openedAt': span.openedAt,
            ':closesAt': span.closesAt,
            ':one': 1,
            ':eventId': kill.eventId,
            ':at': at,
            // Kept until the sweep can no longer want it, counted from now for a window that closed long ago.
            ':expiresAt': epochSeconds(Math.max(span.closesAt, nowMs) + SWEEP_LOOKBACK_MS + DAY_MS),
          },
        }),
      ),
    );
    return opened === null ? null : { kind: 'alert', window: ref, seenBefore: false };
  }

  /** Counts a later kill; null when the window changed under this write: the caller reads it again. */
  async #countKill(
    ref: WindowRef,
    item: WindowItem,
    kill: KillSighting,
    nowMs: number,
  ): Promise<KillDecision | null> {
    const counted = await conditionalWrite(() =>
      this.#db.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: windowKey(ref),
          ...countUpdate(item, kill),
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (counted === null) return null;
    const updated = counted.Attributes as WindowItem;
    await this.#indexDue(ref, updated, nowMs);
    return { kind: 'counted', window: ref, kills: updated.kills };
  }

  /** Puts a window with later kills into the due set of the bucket it falls due in; idempotent. */
  async #indexDue(ref: WindowRef, item: WindowItem, nowMs: number): Promise<void> {
    if (item.dueIndexed === true) return;
    const bucket = dueBucketOfWindow(item.closesAt, nowMs);
    await this.#db.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: dueKey(bucket),
        UpdateExpression: `ADD windows :member SET ${TTL} = if_not_exists(${TTL}, :expiresAt)`,
        ExpressionAttributeValues: {
          ':member': new Set([dueMember(ref)]),
          ':expiresAt': epochSeconds(bucket + SWEEP_LOOKBACK_MS + DAY_MS),
        },
      }),
    );
    await this.#db.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: windowKey(ref),
        UpdateExpression: 'SET dueIndexed = :yes',
        ExpressionAttributeValues: { ':yes': true },
      }),
    );
  }

  async #readWindow(ref: WindowRef): Promise<WindowItem | undefined> {
    const { Item } = await this.#db.send(
      new GetCommand({ TableName: this.#table, Key: windowKey(ref), ConsistentRead: true }),
    );
    return Item as WindowItem | undefined;
  }

  async markAlertSent(window: WindowRef, now: Date): Promise<void> {
    await this.#db.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: windowKey(window),
        UpdateExpression: 'SET alertSentAt = :now',
        ConditionExpression: `attribute_exists(${PK})`,
        ExpressionAttributeValues: { ':now': now.getTime() },
      }),
    );
  }

  async readSweepCursor(): Promise<number | null> {
    const { Item } = await this.#db.send(
      new GetCommand({ TableName: this.#table, Key: SWEEP_KEY, ConsistentRead: true }),
    );
    const through = (Item as { sweptThrough?: unknown } | undefined)?.sweptThrough;
    return typeof through === 'number' ? through : null;
  }

  async windowsDueIn(bucket: number): Promise<WindowRef[]> {
    const { Item } = await this.#db.send(
      new GetCommand({ TableName: this.#table, Key: dueKey(bucket), ConsistentRead: true }),
    );
    const members = (Item as { windows?: Set<string> } | undefined)?.windows ?? new Set<string>();
    return [...members]
      .sort()
      .map(refOfDueMember)
      .filter((ref) => ref !== null);
  }

  async claimDigest(window: WindowRef, now: Date): Promise<DigestClaim> {
    const nowMs = now.getTime();
    const claimed = await conditionalWrite(() =>
      this.#db.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: windowKey(window),
          UpdateExpression: 'SET digestClaimedAt = :now',
          ConditionExpression:
            `attribute_exists(${PK}) AND kills > :one AND closesAt <= :now AND attribute_not_exists(digestSentAt) ` +
            'AND (attribute_not_exists(digestClaimedAt) OR digestClaimedAt < :staleBefore)',
          ExpressionAttributeValues: {
            ':now': nowMs,
            ':one': 1,
            ':staleBefore': nowMs - DIGEST_CLAIM_STALE_MS,
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (claimed !== null) {
      const item = claimed.Attributes as WindowItem;
      return { kind: 'claimed', digest: digestOf(item), claimedAt: nowMs, progress: digestProgressOf(item) };
    }
    const item = await this.#readWindow(window);
    return item === undefined || !isDigestOwed(item) ? { kind: 'settled' } : { kind: 'busy' };
  }

  async markDigestSent(window: WindowRef, now: Date): Promise<void> {
    await this.#db.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: windowKey(window),
        UpdateExpression: 'SET digestSentAt = :now',
        ConditionExpression: `attribute_exists(${PK})`,
        ExpressionAttributeValues: { ':now': now.getTime() },
      }),
    );
  }

  async releaseDigest(window: WindowRef, claimedAt: number, publishedAt?: Date): Promise<void> {
    const progress =
      publishedAt === undefined
        ? {
            UpdateExpression: 'REMOVE digestClaimedAt',
            ExpressionAttributeValues: { ':claimedAt': claimedAt },
          }
        : {
            UpdateExpression:
              'REMOVE digestClaimedAt SET digestPublishedAt = if_not_exists(digestPublishedAt, :publishedAt) ' +
              'ADD digestChatAttempts :one',
            ExpressionAttributeValues: {
              ':claimedAt': claimedAt,
              ':publishedAt': publishedAt.getTime(),
              ':one': 1,
            },
          };
    // When the condition fails, another run took the claim over (ours was stale): it is theirs to settle now.
    await conditionalWrite(() =>
      this.#db.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: windowKey(window),
          ConditionExpression: 'digestClaimedAt = :claimedAt',
          ...progress,
        }),
      ),
    );
  }

  async advanceSweepCursor(bucket: number): Promise<void> {
    // When the condition fails, a concurrent run already went further.
    await conditionalWrite(() =>
      this.#db.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: SWEEP_KEY,
          UpdateExpression: 'SET sweptThrough = :bucket',
          ConditionExpression: 'attribute_not_exists(sweptThrough) OR sweptThrough < :bucket',
          ExpressionAttributeValues: { ':bucket': bucket },
        }),
      ),
    );
  }
}
