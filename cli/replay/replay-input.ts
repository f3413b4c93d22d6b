/**
 * What `replay` reads: CloudWatch Logs subscription payloads, raw (the Lambda event with `awslogs.data`)
 * or decoded (the DATA_MESSAGE JSON), and PutLogEvents request bodies such as Fluent Bit sends, one JSON
 * document per file or one per line (JSON Lines). Each becomes a batch of log events of one stream,
 * in the shape the parse function reads.
 */
import { gzipSync } from 'node:zlib';
import { decodeSubscriptionData, type SubscriptionLogEvent } from '../../shared/subscription-payload.ts';

export interface StreamBatch {
  logGroup: string;
  logStream: string;
  logEvents: SubscriptionLogEvent[];
}

export type ReplayInput = { ok: true; batches: StreamBatch[] } | { ok: false; problem: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A PutLogEvents body: events have no ids, so each gets one from where it was read. */
function putLogEventsBatch(body: Record<string, unknown>, where: string): StreamBatch | string {
  const { logGroupName, logStreamName, logEvents } = body;
  if (typeof logGroupName !== 'string' || typeof logStreamName !== 'string' || !Array.isArray(logEvents)) {
    return 'a PutLogEvents body needs logGroupName, logStreamName and logEvents';
  }
  const events: SubscriptionLogEvent[] = [];
  for (const [i, event] of logEvents.entries()) {
    if (!isRecord(event) || typeof event.timestamp !== 'number' || typeof event.message !== 'string') {
      return `logEvents[${i}] needs a numeric timestamp and a message`;
    }
    events.push({ id: `${where}#${i}`, timestamp: event.timestamp, message: event.message });
  }
  return { logGroup: logGroupName, logStream: logStreamName, logEvents: events };
}

/** One JSON document: a raw or decoded subscription payload, or a PutLogEvents body. */
function batchOf(document: unknown, where: string): StreamBatch | null | string {
  if (!isRecord(document)) return 'not a JSON object';
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

/** Reads one file's text; `name` marks the ids given to PutLogEvents records and the problems. */
export function readReplayInput(text: string, name: string): ReplayInput {
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
  for (const { document, where } of documents) {
    if (document === undefined) return { ok: false, problem: `${where}: not JSON` };
    const batch = batchOf(document, where);
    if (typeof batch === 'string') return { ok: false, problem: `${where}: ${batch}` };
    if (batch !== null) batches.push(batch);
  }
  return { ok: true, batches };
}
