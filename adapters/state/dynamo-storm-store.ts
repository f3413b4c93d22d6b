/**
 * Storm windows in the state table (adapters/state/state-table.ts), with single-item
 * conditional writes only, so that concurrent invocations neither lose a count nor send a digest
 * twice. Items, all under `storm#`:
 *
 * - `storm#open#<group>`: the group's current window (openedAt, closesAt). Replaced only once closed.
 * - `storm#window#<group>#<openedAt>`: one window. `kills` is an atomic counter; the first kill's
 *   event id is kept so a retried delivery is recognised; `digestClaimedAt`/`digestSentAt` settle the
 *   digest once. Never overwritten, so a digest outstanding on an old window is never lost.
 * - `storm#due#<bucket ISO>`: string set of the windows with later kills that close in that 5-minute
 *   bucket. The scheduled run reads these few items instead of scanning the table.
 * - `storm#sweep`: the last bucket the scheduled run finished.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  dueBucketOf,
  isWindowOpen,
  SWEEP_LOOKBACK_MS,
  windowOpenedBy,
  type StormDigest,
  type StormGroup,
} from '../../shared/storm-window.ts';
import {
  DIGEST_CLAIM_STALE_MS,
  type DigestClaim,
  type KillDecision,
  type KillSighting,
  type StormStore,
  type WindowRef,
} from './storm-store.ts';
import { STATE_KEY_PREFIX } from '../../shared/state-table-keys.ts';
import { PK, TTL, conditionalWrite, epochSeconds, tableKey } from './state-table.ts';

const DAY_MS = 24 * 60 * 60_000;
/** Rounds of "read the open window, count in it" before giving up and alerting the kill on its own. */
const RECORD_ATTEMPTS = 4;

const STORM = STATE_KEY_PREFIX.storm;
const SWEEP_KEY = tableKey(`${STORM}sweep`);

function openKey(groupKey: string): Record<string, string> {
  return tableKey(`${STORM}open#${groupKey}`);
}

function windowKey(ref: WindowRef): Record<string, string> {
  return tableKey(`${STORM}window#${ref.groupKey}#${ref.openedAt}`);
}

function dueKey(bucket: number): Record<string, string> {
  return tableKey(`${STORM}due#${new Date(bucket).toISOString()}`);
}

/** How a window is named inside a due set: `<openedAt>#<group key>` (group keys hold no `#`). */
function dueMember(ref: WindowRef): string {
  return `${ref.openedAt}#${ref.groupKey}`;
}

function refOfDueMember(member: string): WindowRef | null {
  const cut = member.indexOf('#');
  const openedAt = Number(member.slice(0, cut));
  return cut <= 0 || !Number.isSafeInteger(openedAt) ? null : { openedAt, groupKey: member.slice(cut + 1) };
}

interface WindowItem {
  group: StormGroup;
  openedAt: number;
  closesAt: number;
  kills: number;
  firstEventId: string;
  lastEventId: string;
  lastKillAt: string;
  alertSentAt?: number;
  dueIndexed?: boolean;
  digestClaimedAt?: number;
  digestSentAt?: number;
}

export class DynamoStormStore implements StormStore {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.#db = db;
    this.#table = tableName;
  }

  async recordKill(
    group: StormGroup,
    kill: KillSighting,
    now: Date,
    windowMinutes: number,
  ): Promise<KillDecision> {
    const nowMs = now.getTime();
    for (let attempt = 0; attempt < RECORD_ATTEMPTS; attempt += 1) {
      const span = await this.#openWindow(group.key, nowMs, windowMinutes);
      if (span === null) continue;
      const decision = await this.#countKill(
        group,
        { groupKey: group.key, openedAt: span.openedAt },
        span.closesAt,
        kill,
      );
      if (decision !== null) return decision;
    }
    return { kind: 'alert', window: null, seenBefore: false };
  }

  /** The group's open window, opening one if none is; null when another writer got there first. */
  async #openWindow(groupKey: string, nowMs: number, windowMinutes: number) {
    const { Item } = await this.#db.send(
      new GetCommand({ TableName: this.#table, Key: openKey(groupKey), ConsistentRead: true }),
    );
    const current = Item as { openedAt: number; closesAt: number } | undefined;
    if (current !== undefined && isWindowOpen(current, nowMs)) return current;
    const next = windowOpenedBy(nowMs, windowMinutes);
    const opened = await conditionalWrite(() =>
      this.#db.send(
        new PutCommand({
          TableName: this.#table,
          Item: { ...openKey(groupKey), ...next, [TTL]: epochSeconds(next.closesAt + DAY_MS) },
          ConditionExpression: `attribute_not_exists(${PK}) OR closesAt <= :now`,
          ExpressionAttributeValues: { ':now': nowMs },
        }),
      ),
    );
    return opened === null ? null : next;
  }

  /** Null when the window was claimed for its digest meanwhile: the caller looks for the next window. */
  async #countKill(
    group: StormGroup,
    ref: WindowRef,
    closesAt: number,
    kill: KillSighting,
  ): Promise<KillDecision | null> {
    const counted = await conditionalWrite(() =>
      this.#db.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: windowKey(ref),
          UpdateExpression:
            'SET #group = if_not_exists(#group, :group), openedAt = if_not_exists(openedAt, :openedAt), ' +
            'closesAt = if_not_exists(closesAt, :closesAt), firstEventId = if_not_exists(firstEventId, :eventId), ' +
            `lastEventId = :eventId, lastKillAt = :at, ${TTL} = if_not_exists(${TTL}, :expiresAt) ADD kills :one`,
          ConditionExpression:
            'attribute_not_exists(digestClaimedAt) AND (attribute_not_exists(firstEventId) OR firstEventId <> :eventId) ' +
            'AND (attribute_not_exists(lastEventId) OR lastEventId <> :eventId)',
          ExpressionAttributeNames: { '#group': 'group' },
          ExpressionAttributeValues: {
            ':group': group,
            ':openedAt': ref.openedAt,
            ':closesAt': closesAt,
            ':eventId': kill.eventId,
            ':at': kill.at,
            ':expiresAt': epochSeconds(closesAt + SWEEP_LOOKBACK_MS + DAY_MS),
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (counted !== null) {
      const item = counted.Attributes as WindowItem;
      if (item.firstEventId === kill.eventId) return { kind: 'alert', window: ref, seenBefore: false };
      await this.#indexDue(ref, item);
      return { kind: 'counted', window: ref, kills: item.kills };
    }
    const item = await this.#readWindow(ref);
    if (item === undefined) return null;
    if (item.firstEventId === kill.eventId) {
      return item.alertSentAt === undefined
        ? { kind: 'alert', window: ref, seenBefore: true }
        : { kind: 'repeat', window: ref };
    }
    if (item.lastEventId === kill.eventId) {
      // Counted before; the run that counted it may have died before indexing the window.
      await this.#indexDue(ref, item);
      return { kind: 'repeat', window: ref };
    }
    return null;
  }

  /** Puts a window with later kills into the due set of the bucket it closes in; idempotent. */
  async #indexDue(ref: WindowRef, item: WindowItem): Promise<void> {
    if (item.dueIndexed === true) return;
    const bucket = dueBucketOf(item.closesAt);
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
      return { kind: 'claimed', digest: digestOf(claimed.Attributes as WindowItem), claimedAt: nowMs };
    }
    const item = await this.#readWindow(window);
    if (item === undefined || item.kills < 2 || item.digestSentAt !== undefined) return { kind: 'settled' };
    return { kind: 'busy' };
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

  async releaseDigest(window: WindowRef, claimedAt: number): Promise<void> {
    // When the condition fails, another run took the claim over (ours was stale): it is theirs to settle now.
    await conditionalWrite(() =>
      this.#db.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: windowKey(window),
          UpdateExpression: 'REMOVE digestClaimedAt',
          ConditionExpression: 'digestClaimedAt = :claimedAt',
          ExpressionAttributeValues: { ':claimedAt': claimedAt },
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

function digestOf(item: WindowItem): StormDigest {
  return {
    group: item.group,
    openedAt: item.openedAt,
    closesAt: item.closesAt,
    kills: item.kills,
    lastKillAt: item.lastKillAt,
    lastEventId: item.lastEventId,
  };
}
