/**
 * Enriched events onto the EventBridge bus. PutEvents can accept a call and still reject some entries
 * (FailedEntryCount), so each entry's result is read, only the rejected ones are sent again, and an entry
 * that never gets through is reported failed so that its SQS record is retried. Each call is aborted at its
 * timeout or the deadline, whichever comes first, so a stalled connection cannot outlast the invocation.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { buildBusEntry, groupIntoCalls } from '../../shared/event-bus-entry.ts';
import type { EnrichedOomEvent } from '../../shared/oom-event.ts';
import { isAbortedRequest } from '../aws-errors.ts';
import { realTiming, retryWithBackoff } from '../retry.ts';
import type { RetryTiming } from '../retry.ts';
import type { PublishResult } from '../enrich/enrich-events.ts';
import { namedErrorText } from '../../shared/error-text.ts';

export interface PublishOptions {
  client: EventBridgeClient;
  busName: string;
  timing?: RetryTiming;
  /** Sends of one entry, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Epoch ms by which publishing has ended: no call starts after it, none outlasts it. Default: none. */
  deadline?: number;
  /** The longest one PutEvents call may take, the SDK's own retries included. */
  callTimeoutMs?: number;
}

/** A healthy PutEvents answers in tens of ms; a call still open after this is stalled and is tried anew. */
export const PUT_EVENTS_TIMEOUT_MS = 2_000;

interface PendingEntry {
  index: number;
  entry: PutEventsRequestEntry;
}

interface Rejection {
  item: PendingEntry;
  reason: string;
}

/** One PutEvents call: the entries it did not accept, each with why. */
async function putEntries(entries: readonly PendingEntry[], options: PublishOptions): Promise<Rejection[]> {
  const left = (options.deadline ?? Number.POSITIVE_INFINITY) - (options.timing ?? realTiming).now();
  const timeoutMs = Math.max(1, Math.min(options.callTimeoutMs ?? PUT_EVENTS_TIMEOUT_MS, left));
  try {
    const response = await options.client.send(
      new PutEventsCommand({ Entries: entries.map((p) => p.entry) }),
      { abortSignal: AbortSignal.timeout(timeoutMs) },
    );
    const answers = response.Entries ?? [];
    return entries.flatMap((item, i) => {
      const answer = answers[i];
      if (answer?.EventId !== undefined && answer.ErrorCode === undefined) return [];
      const reason =
        answer?.ErrorCode === undefined
          ? 'no result for the entry'
          : `${answer.ErrorCode}: ${answer.ErrorMessage ?? ''}`;
      return [{ item, reason }];
    });
  } catch (error) {
    // The SDK has already retried the call itself; every entry of it is still unsent (or, after a timeout,
    // perhaps taken: EventBridge cannot say, and a kill sent twice beats a kill lost).
    const reason = isAbortedRequest(error) ? 'PutEvents did not answer in time' : namedErrorText(error);
    return entries.map((item) => ({ item, reason }));
  }
}

/** One call's entries until each is accepted or out of attempts; failures are written into `results`. */
async function sendCall(
  pending: PendingEntry[],
  options: PublishOptions,
  results: PublishResult[],
): Promise<void> {
  let left = pending;
  const retried = await retryWithBackoff<void, Rejection[]>(
    async () => {
      const rejected = await putEntries(left, options);
      if (rejected.length === 0) return { ok: true, value: undefined };
      left = rejected.map((r) => r.item);
      return { ok: false, failure: rejected, retryable: true };
    },
    {
      timing: options.timing ?? realTiming,
      ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
      maxAttempts: options.maxAttempts ?? 4,
      baseDelayMs: options.baseDelayMs ?? 100,
      jitter: 'equal',
    },
  );
  if (retried.ok) return;
  if (retried.failure === null) {
    // The deadline passed before the first call: nothing was sent, and nothing may be taken as sent.
    for (const item of pending)
      results[item.index] = { ok: false, reason: 'no time was left to call PutEvents' };
    return;
  }
  for (const { item, reason } of retried.failure) {
    results[item.index] = {
      ok: false,
      reason: `PutEvents rejected the entry ${retried.attempts} times; last: ${reason}`,
    };
  }
}

/** One result per event, in order. */
export async function publishEvents(
  events: readonly EnrichedOomEvent[],
  options: PublishOptions,
): Promise<PublishResult[]> {
  const results: PublishResult[] = events.map(() => ({ ok: true }));
  const pending: PendingEntry[] = [];
  const sizes: number[] = [];
  events.forEach((event, index) => {
    const built = buildBusEntry(event, options.busName);
    if (!built.ok) {
      results[index] = { ok: false, reason: built.reason };
      return;
    }
    pending.push({ index, entry: built.entry });
    sizes.push(built.bytes);
  });
  await Promise.all(
    groupIntoCalls(sizes).map((call) =>
      sendCall(
        call.map((i) => pending[i] as PendingEntry),
        options,
        results,
      ),
    ),
  );
  return results;
}
