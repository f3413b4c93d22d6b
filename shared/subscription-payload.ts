/**
 * Decodes what a CloudWatch Logs subscription filter hands to Lambda: `awslogs.data`, base64 of a gzip of
 * JSON. A payload that cannot be decoded is a value with a reason, not an exception: CloudWatch invokes
 * asynchronously, and a thrown error would only be retried with the same bytes.
 */
import { gunzipSync } from 'node:zlib';
import { errorMessage } from './error-text.ts';

/**
 * The most a payload may hold once gunzipped; past it, it is malformed and not decoded further, so a gzip bomb
 * cannot exhaust the function's memory. CloudWatch invokes Lambda asynchronously, so the base64 is at most 1 MB
 * (about 768 KiB of gzip), and one PutLogEvents call carries at most 1,048,576 bytes of messages. Measured on
 * kernel log deliveries (the Fluent Bit sample, the bench log, a 3,000-member group kill), gzip shrinks them 7 to
 * 13 times: at most about 10 MiB of JSON, so 16 MiB leaves room.
 */
export const MAX_GUNZIPPED_BYTES = 16 * 1024 * 1024;

/** One CloudWatch log event. `id` is a 56-digit decimal string, beyond a JSON number's precision. */
export interface SubscriptionLogEvent {
  id: string;
  timestamp: number;
  message: string;
}

export interface SubscriptionDataMessage {
  messageType: 'DATA_MESSAGE';
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: SubscriptionLogEvent[];
}

export type DecodedPayload =
  | { kind: 'data'; message: SubscriptionDataMessage }
  /** CloudWatch's check that the destination is reachable, sent when a subscription is created. */
  | { kind: 'control' }
  | { kind: 'malformed'; reason: string };

// Node's decoder skips characters outside the alphabet; a well-formed string decodes to exactly this length.
function decodedBase64Length(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

function decodeBase64(text: string): Buffer | null {
  if (text.length === 0 || text.length % 4 !== 0) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === decodedBase64Length(text) ? bytes : null;
}

/** zlib's default output chunk, and so the least this asks for. */
const DEFAULT_CHUNK_BYTES = 16 * 1024;

/**
 * The output chunk for gunzipping `gzip`: one chunk the size the gzip trailer states (ISIZE, RFC 1952), plus
 * one byte so that zlib sees the end without asking for another. Gunzipped in 16 KiB chunks, a 1 MiB payload
 * was 64 buffers joined at the end: a tenth of the decoding. A wrong ISIZE only costs time: the output is
 * whatever zlib produces, and maxOutputLength still caps it.
 */
export function chunkBytesFor(gzip: Buffer): number {
  const stated = gzip.length >= 4 ? gzip.readUInt32LE(gzip.length - 4) : 0;
  return Math.min(Math.max(stated + 1, DEFAULT_CHUNK_BYTES), MAX_GUNZIPPED_BYTES + 1);
}

/** What zlib throws when the output would pass `maxOutputLength`. */
function isTooLarge(error: unknown): boolean {
  return error instanceof RangeError && (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first field of a log event that is not what CloudWatch sends, or null. */
function logEventFault(value: unknown): string | null {
  if (!isRecord(value)) return 'is not an object';
  if (typeof value.id !== 'string') return `id is ${typeof value.id}, not a string`;
  if (typeof value.timestamp !== 'number' || !Number.isFinite(value.timestamp))
    return 'timestamp is not a number';
  if (typeof value.message !== 'string') return 'message is not a string';
  return null;
}

function readDataMessage(value: Record<string, unknown>): DecodedPayload {
  for (const key of ['owner', 'logGroup', 'logStream'] as const) {
    if (typeof value[key] !== 'string')
      return { kind: 'malformed', reason: `wrong shape: ${key} is not a string` };
  }
  const filters = value.subscriptionFilters;
  if (!Array.isArray(filters) || !filters.every((f) => typeof f === 'string')) {
    return { kind: 'malformed', reason: 'wrong shape: subscriptionFilters is not a list of strings' };
  }
  const events = value.logEvents;
  if (!Array.isArray(events)) return { kind: 'malformed', reason: 'wrong shape: logEvents is not a list' };
  for (let i = 0; i < events.length; i++) {
    const fault = logEventFault(events[i]);
    if (fault !== null) return { kind: 'malformed', reason: `wrong shape: logEvents[${i}] ${fault}` };
  }
  return { kind: 'data', message: value as unknown as SubscriptionDataMessage };
}

/** Decodes `awslogs.data`; every way it can be wrong gives a reason that names the step that failed. */
export function decodeSubscriptionData(data: string): DecodedPayload {
  const compressed = decodeBase64(data);
  if (compressed === null) return { kind: 'malformed', reason: 'bad base64 in awslogs.data' };
  let json: string;
  try {
    json = gunzipSync(compressed, {
      maxOutputLength: MAX_GUNZIPPED_BYTES,
      chunkSize: chunkBytesFor(compressed),
    }).toString('utf8');
  } catch (error) {
    if (isTooLarge(error)) {
      return {
        kind: 'malformed',
        reason: `over ${MAX_GUNZIPPED_BYTES} bytes once gunzipped: a subscription payload is never that big`,
      };
    }
    return { kind: 'malformed', reason: `not gzip: ${errorMessage(error)}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { kind: 'malformed', reason: `not JSON: ${errorMessage(error)}` };
  }
  if (!isRecord(value)) return { kind: 'malformed', reason: 'wrong shape: not a JSON object' };
  if (value.messageType === 'CONTROL_MESSAGE') return { kind: 'control' };
  if (value.messageType !== 'DATA_MESSAGE') {
    return { kind: 'malformed', reason: `wrong shape: messageType is ${JSON.stringify(value.messageType)}` };
  }
  return readDataMessage(value);
}

/** Reads `awslogs.data` out of the Lambda event, then decodes it. */
export function decodeSubscriptionEvent(event: unknown): DecodedPayload {
  const awslogs = isRecord(event) ? event.awslogs : undefined;
  const data = isRecord(awslogs) ? awslogs.data : undefined;
  if (typeof data !== 'string')
    return { kind: 'malformed', reason: 'wrong shape: no awslogs.data string in the event' };
  return decodeSubscriptionData(data);
}
