/**
 * What `replay` reads: CloudWatch Logs subscription payloads, raw (the Lambda event with `awslogs.data`)
 * or decoded (the DATA_MESSAGE JSON), PutLogEvents request bodies such as Fluent Bit sends, and Fluent Bit
 * records (`{priority, sequence, sec, usec, msg}` of the kmsg input, journald's `{MESSAGE, …}`), the
 * messages its cloudwatch_logs output puts in the kernel stream. One JSON document per file or one per
 * line (JSON Lines). Each becomes a batch of log events of one stream, in the shape the parse function reads.
 */
import { gzipSync } from 'node:zlib';
import type { StreamLogEvent } from '../../shared/log-event-lines.ts';
import { RECORD_MESSAGE_KEYS } from '../../shared/log-record.ts';
import { decodeSubscriptionData } from '../../shared/subscription-payload.ts';

export interface StreamBatch {
  logGroup: string;
  logStream: string;
  logEvents: StreamLogEvent[];
}

/** Where Fluent Bit records go: the stream this project's Fluent Bit writes for `node` (`<node>.kernel`). */
export interface RecordStream {
  logGroup: string;
  node: string;
}

export type ReplayInput = { ok: true; batches: StreamBatch[] } | { ok: false; problem: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A Fluent Bit record: an object with a message field the parser reads, and nothing of a delivery. */
function isFluentBitRecord(document: Record<string, unknown>): boolean {
  const delivery = 'logEvents' in document || 'logGroupName' in document || 'awslogs' in document;
  return !delivery && RECORD_MESSAGE_KEYS.some((key) => typeof document[key] === 'string');
}

/** A PutLogEvents body: events have no ids, so each gets one from where it was read. */
function putLogEventsBatch(body: Record<string, unknown>, where: string): StreamBatch | string {
  const { logGroupName, logStreamName, logEvents } = body;
  if (typeof logGroupName !== 'string' || typeof logStreamName !== 'string' || !Array.isArray(logEvents)) {
    return 'a PutLogEvents body needs logGroupName, logStreamName and logEvents';
  }
  const events: StreamLogEvent[] = [];
  for (const [i, event] of logEvents.entries()) {
    if (!isRecord(event) || typeof event.timestamp !== 'number' || typeof event.message !== 'string') {
      return `logEvents[${i}] needs a numeric timestamp and a message`;
    }
    events.push({ id: `${where}#${i}`, timestamp: event.timestamp, message: event.message });
  }
  return { logGroup: logGroupName, logStream: logStreamName, logEvents: events };
}

/** One JSON document: a raw or decoded subscription payload, or a PutLogEvents body. */
function batchOf(document: Record<string, unknown>, where: string): StreamBatch | null | string {
  const awslogs = document.awslogs;
  // Decoded payloads go through the same check as raw ones, so both are read by one set of rules.
  const decoded = isRecord(awslogs)
    ? typeof awslogs.data === 'string'
      ? decodeSubscriptionData(awslogs.data)
      : { kind: 'malformed' as const, reason: 'awslogs.data is not a string' }
    : 'messageType' in document
      ? decodeSubscriptionData(gzipSync(JSON.stringify(document)).toString('base64'))
      : null;
  if (decoded === null) return putLogEventsBatch(document, where);
  if (decoded.kind === 'control') return null;
  if (decoded.kind === 'malformed') return decoded.reason;
  const { logGroup, logStream, logEvents } = decoded.message;
  return { logGroup, logStream, logEvents };
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Reads one file's text; `name` marks the ids given to PutLogEvents and Fluent Bit records and the problems.
 * Fluent Bit records carry neither a time CloudWatch would add nor (kmsg) a node: they become events without
 * a timestamp, in `records`' stream.
 */
export function readReplayInput(text: string, name: string, records: RecordStream): ReplayInput {
  const whole = jsonOrUndefined(text);
  const documents: Array<{ document: unknown; where: string }> =
    whole !== undefined
      ? (Array.isArray(whole) ? whole : [whole]).map((document, i) => ({
          document,
          where: `${name}:${i + 1}`,
        }))
      : text
          .split('\n')
          .map((line, i) => ({ line: line.trim(), where: `${name}:${i + 1}` }))
          .filter(({ line }) => line !== '')
          .map(({ line, where }) => ({ document: jsonOrUndefined(line), where }));
  const batches: StreamBatch[] = [];
  let recordBatch: StreamBatch | null = null;
  for (const { document, where } of documents) {
    if (document === undefined) return { ok: false, problem: `${where}: not JSON` };
    if (!isRecord(document)) return { ok: false, problem: `${where}: not a JSON object` };
    if (isFluentBitRecord(document)) {
      // Consecutive records are one stream's events, in one batch as a subscription would deliver them.
      if (recordBatch === null) {
        recordBatch = { logGroup: records.logGroup, logStream: `${records.node}.kernel`, logEvents: [] };
        batches.push(recordBatch);
      }
      recordBatch.logEvents.push({ id: where, timestamp: undefined, message: JSON.stringify(document) });
      continue;
    }
    recordBatch = null;
    const batch = batchOf(document, where);
    if (typeof batch === 'string') return { ok: false, problem: `${where}: ${batch}` };
    if (batch !== null) batches.push(batch);
  }
  return { ok: true, batches };
}
