/**
 * The events history: each EnrichedOomEvent as one JSON line in the events log group, in the shape of
 * shared/history-record.ts (the contract's names, `kubernetes.namespace`, `impact`, `victim.name`, queried fields
 * first, lists as strings, at most 200 fields for Logs Insights). One stream per UTC day, created when first needed.
 */
import {
  CreateLogStreamCommand,
  PutLogEventsCommand,
  type CloudWatchLogsClient,
  type PutLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import { historyRecordOf } from '../../shared/history-record.ts';
import type { EnrichedOomEvent } from '../../shared/oom-event.ts';
import { isAwsError } from '../aws-errors.ts';

export interface HistoryWriter {
  write(events: readonly EnrichedOomEvent[], now: Date): Promise<void>;
}

export interface HistoryBatch {
  logStreamName: string;
  logEvents: { timestamp: number; message: string }[];
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** PutLogEvents refuses events older than 14 days or more than 2 hours ahead; keep a margin on both. */
const OLDEST_ACCEPTED_MS = 13 * DAY_MS;
const NEWEST_ACCEPTED_MS = 60 * MINUTE_MS;
/** PutLogEvents limits: 1,048,576 bytes per call, counting 26 bytes per event, and 10,000 events. */
const BATCH_MAX_BYTES = 1_048_576;
const EVENT_OVERHEAD_BYTES = 26;
const BATCH_MAX_EVENTS = 10_000;

/** The kill's own time when CloudWatch will take it, so `@timestamp` is when it happened; else now. */
export function historyTimestampOf(event: EnrichedOomEvent, nowMs: number): number {
  const observed = event.observedAt === null ? Number.NaN : Date.parse(event.observedAt);
  if (Number.isNaN(observed)) return nowMs;
  return observed >= nowMs - OLDEST_ACCEPTED_MS && observed <= nowMs + NEWEST_ACCEPTED_MS ? observed : nowMs;
}

/** `2025-11-20`: the UTC day of the record. */
function historyStreamOf(timestampMs: number): string {
  return new Date(timestampMs).toISOString().slice(0, 10);
}

/** Records per daily stream, in time order (PutLogEvents requires it), cut to the call limits. */
export function historyBatchesOf(events: readonly EnrichedOomEvent[], now: Date): HistoryBatch[] {
  const records = events
    .map((event) => ({
      timestamp: historyTimestampOf(event, now.getTime()),
      message: JSON.stringify(historyRecordOf(event)),
    }))
    .sort((a, b) => a.timestamp - b.timestamp);
  const batches: HistoryBatch[] = [];
  let current: HistoryBatch | null = null;
  let bytes = 0;
  for (const record of records) {
    const stream = historyStreamOf(record.timestamp);
    const size = Buffer.byteLength(record.message, 'utf8') + EVENT_OVERHEAD_BYTES;
    if (
      current === null ||
      current.logStreamName !== stream ||
      current.logEvents.length >= BATCH_MAX_EVENTS ||
      bytes + size > BATCH_MAX_BYTES
    ) {
      current = { logStreamName: stream, logEvents: [] };
      batches.push(current);
      bytes = 0;
    }
    current.logEvents.push(record);
    bytes += size;
  }
  return batches;
}

export class CloudWatchHistoryWriter implements HistoryWriter {
  readonly #logs: CloudWatchLogsClient;
  readonly #logGroupName: string;

  constructor(logs: CloudWatchLogsClient, logGroupName: string) {
    this.#logs = logs;
    this.#logGroupName = logGroupName;
  }

  async write(events: readonly EnrichedOomEvent[], now: Date): Promise<void> {
    for (const batch of historyBatchesOf(events, now)) {
      const output = await this.#putCreatingStream(batch);
      const rejected = output.rejectedLogEventsInfo;
      if (rejected !== undefined && Object.keys(rejected).length > 0) {
        throw new Error(
          `events log group ${this.#logGroupName} rejected records: ${JSON.stringify(rejected)}`,
        );
      }
    }
  }

  async #putCreatingStream(batch: HistoryBatch): Promise<PutLogEventsCommandOutput> {
    const put = () =>
      this.#logs.send(
        new PutLogEventsCommand({
          logGroupName: this.#logGroupName,
          logStreamName: batch.logStreamName,
          logEvents: batch.logEvents,
        }),
      );
    try {
      return await put();
    } catch (error) {
      if (!isAwsError(error, 'ResourceNotFoundException')) throw error;
    }
    try {
      await this.#logs.send(
        new CreateLogStreamCommand({ logGroupName: this.#logGroupName, logStreamName: batch.logStreamName }),
      );
    } catch (error) {
      // Another invocation created it between our put and this create.
      if (!isAwsError(error, 'ResourceAlreadyExistsException')) throw error;
    }
    return put();
  }
}
