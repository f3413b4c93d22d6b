/**
 * Sends parsed OomEvents to the enrich queue with SendMessageBatch. SQS answers per entry: a batch call can
 * succeed while some of its entries failed, so every entry of `Failed` is retried, and only those.
 */
import type { SendMessageBatchCommandOutput, SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { shrinkEvent, type Trimmed } from '../../shared/event-shrink.ts';
import type { OomEvent } from '../../shared/oom-event.ts';
import { realTiming, retryWithBackoff } from '../../adapters/retry.ts';
import type { RetryTiming } from '../../adapters/retry.ts';

/**
 * No message is over 64 KiB: SQS bills each 64 KiB of a message as one request, and a message over the
 * queue's limit is refused, which fails the whole batch until it ends in the dead-letter queue.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** SendMessageBatch takes at most 10 entries. */
const MAX_BATCH_ENTRIES = 10;
/** And at most 256 KiB of message bodies per call (the classic limit, valid in every region). */
export const MAX_BATCH_BYTES = 256 * 1024;

/** The SQS call the sender makes; the real SQSClient has it, the bench fakes it. */
export interface MessageBatchClient {
  send(command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput>;
}

export interface EventQueue {
  url: string;
  /** Held this long before enrich sees it, so the kubelet can record the OOMKilled status first. */
  delaySeconds: number;
}

export interface SendRetry {
  /** Calls per entry, the first included. */
  maxAttempts: number;
  /** Doubled after each attempt. */
  baseDelayMs: number;
  timing: RetryTiming;
}

export const DEFAULT_SEND_RETRY: SendRetry = { maxAttempts: 4, baseDelayMs: 100, timing: realTiming };

export interface EntryFailure {
  eventId: string;
  code: string;
  message: string | null;
  /** SQS says the request itself is wrong: sending it again cannot help. */
  senderFault: boolean;
}

export type SendResult =
  { kind: 'sent'; calls: number } | { kind: 'failed'; failures: EntryFailure[]; calls: number };

/** One OomEvent as a queue message: its JSON, made once and reused for retries and re-run comparisons. */
export interface EventMessage {
  eventId: string;
  body: string;
  /** The body's UTF-8 length, measured once: the message limit and the batch limit both count it. */
  bytes: number;
  /** What was left out of the event to fit MAX_MESSAGE_BYTES, or null. */
  trimmed: Trimmed | null;
}

const fitsOneMessage = (event: OomEvent): boolean =>
  Buffer.byteLength(JSON.stringify(event)) <= MAX_MESSAGE_BYTES;

/**
 * Each event as a message, shrunk to MAX_MESSAGE_BYTES when it is bigger (shared/event-shrink.ts). Its JSON is
 * made once when it fits as it is, as nearly every event does: in a storm that JSON is much of the cost.
 */
export function eventMessagesOf(events: readonly OomEvent[]): EventMessage[] {
  return events.map((event) => {
    const body = JSON.stringify(event);
    const bytes = Buffer.byteLength(body);
    if (bytes <= MAX_MESSAGE_BYTES) return { eventId: event.id, body, bytes, trimmed: null };
    const shrunk = shrinkEvent(event, fitsOneMessage);
    const shrunkBody = JSON.stringify(shrunk.event);
    return {
      eventId: event.id,
      body: shrunkBody,
      bytes: Buffer.byteLength(shrunkBody),
      trimmed: shrunk.trimmed,
    };
  });
}

interface PendingMessage {
  entry: SendMessageBatchRequestEntry;
  eventId: string;
  bytes: number;
}

/** Groups messages for SendMessageBatch: at most 10 per call and at most 256 KiB of bodies, order kept. */
export function batchesForSend<T extends { bytes: number }>(messages: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    if (
      current.length === MAX_BATCH_ENTRIES ||
      (current.length > 0 && bytes + message.bytes > MAX_BATCH_BYTES)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += message.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function pendingOf(messages: readonly EventMessage[], queue: EventQueue): PendingMessage[] {
  // Entry ids only need to be unique within one call; the index keeps them valid whatever the event id holds.
  return messages.map((message, i) => ({
    entry: { Id: `e${i}`, MessageBody: message.body, DelaySeconds: queue.delaySeconds },
    eventId: message.eventId,
    bytes: message.bytes,
  }));
}

interface MessageFailure {
  message: PendingMessage;
  failure: EntryFailure;
}

/** One SendMessageBatch call per batch of `pending`: the entries SQS reported failed. */
async function sendBatches(
  client: MessageBatchClient,
  queue: EventQueue,
  pending: readonly PendingMessage[],
): Promise<{ calls: number; failed: MessageFailure[] }> {
  const batches = batchesForSend(pending);
  const failed: MessageFailure[] = [];
  for (const batch of batches) {
    const output = await client.send(
      new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: batch.map((m) => m.entry) }),
    );
    for (const entry of output.Failed ?? []) {
      const message = batch.find((m) => m.entry.Id === entry.Id);
      if (message === undefined) continue;
      failed.push({
        message,
        failure: {
          eventId: message.eventId,
          code: entry.Code ?? 'unknown',
          message: entry.Message ?? null,
          senderFault: entry.SenderFault === true,
        },
      });
    }
  }
  return { calls: batches.length, failed };
}

/**
 * Sends every message, retrying failed entries with exponential backoff. Resolves to the entries that still
 * failed (sender faults are not retried); the SDK's own errors (the whole call failed after its retries) reject.
 */
export async function sendOomEvents(
  client: MessageBatchClient,
  queue: EventQueue,
  messages: readonly EventMessage[],
  retry: SendRetry,
): Promise<SendResult> {
  let pending = pendingOf(messages, queue);
  let calls = 0;
  const refused: EntryFailure[] = [];
  const retried = await retryWithBackoff<void, EntryFailure[]>(async () => {
    const sent = await sendBatches(client, queue, pending);
    calls += sent.calls;
    refused.push(...sent.failed.filter((f) => f.failure.senderFault).map((f) => f.failure));
    const retryable = sent.failed.filter((f) => !f.failure.senderFault);
    if (retryable.length === 0) return { ok: true, value: undefined };
    pending = retryable.map((f) => f.message);
    return { ok: false, failure: retryable.map((f) => f.failure), retryable: true };
  }, retry);
  const failures = retried.ok ? refused : [...refused, ...(retried.failure ?? [])];
  return failures.length === 0 ? { kind: 'sent', calls } : { kind: 'failed', failures, calls };
}
