/**
 * Each container's recent limit hits in the state table (adapters/state/state-table.ts): one item a container,
 * `sizing#<container key>`, holding its recorded kills and a version. A kill is appended to the list in one
 * update, so concurrent invocations never lose one; the list is then cut back to the kept kills (once each, the
 * last day, the newest few) by a put on condition that no kill was appended meanwhile. A lost cut is harmless:
 * the next kill cuts again, and readers keep only the kept kills whatever the list holds.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keptKills, SIZING_WINDOW_MS, type ContainerKill } from '../../shared/right-sizing.ts';
import { STATE_KEY_PREFIX } from '../../shared/state-table-keys.ts';
import type { ContainerKillStore } from './container-kill-store.ts';
import { TTL, conditionalWrite, epochSeconds, tableKey } from './state-table.ts';

/** Kept a little past the day the hint looks back over. */
const KEEP_MS = SIZING_WINDOW_MS + 60 * 60_000;

interface ContainerKillsItem {
  kills: ContainerKill[];
  version: number;
}

function keyOf(containerKey: string): Record<string, string> {
  return tableKey(`${STATE_KEY_PREFIX.containerKills}${containerKey}`);
}

export class DynamoContainerKillStore implements ContainerKillStore {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.#db = db;
    this.#table = tableName;
  }

  async recordKill(containerKey: string, kill: ContainerKill, now: Date): Promise<ContainerKill[]> {
    const key = keyOf(containerKey);
    // A replayed old kill dates from long ago; the item is still wanted for a day from now.
    const expiresAt = epochSeconds(Math.max(kill.atMs, now.getTime()) + KEEP_MS);
    const appended = await this.#db.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: key,
        UpdateExpression: `SET kills = list_append(if_not_exists(kills, :none), :kill), ${TTL} = :expiresAt ADD version :one`,
        ExpressionAttributeValues: { ':none': [], ':kill': [kill], ':expiresAt': expiresAt, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const item = appended.Attributes as ContainerKillsItem;
    const kept = keptKills(item.kills);
    if (kept.length < item.kills.length) {
      await conditionalWrite(() =>
        this.#db.send(
          new PutCommand({
            TableName: this.#table,
            Item: { ...key, kills: kept, version: item.version + 1, [TTL]: expiresAt },
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': item.version },
          }),
        ),
      );
    }
    return kept;
  }

  async recentKills(containerKey: string): Promise<ContainerKill[]> {
    const { Item } = await this.#db.send(
      new GetCommand({ TableName: this.#table, Key: keyOf(containerKey), ConsistentRead: true }),
    );
    const kills = (Item as ContainerKillsItem | undefined)?.kills ?? [];
    return kills.length === 0 ? [] : keptKills(kills);
  }
}
