/**
 * Enriched events onto the EventBridge bus. PutEvents can accept a call and still reject some entries
 * (FailedEntryCount), so each entry's result is read, only the rejected ones are sent again, and an entry
 * that never gets through is reported failed so that its SQS record is retried.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { buildBusEntry, groupIntoCalls } from '../../shared/event-bus-entry.ts';
import type { EnrichedOomEvent } from '../../shared/oom-event.ts';
import { realTiming } from '../retry.ts';
import type { RetryTiming } from '../retry.ts';
import type { DeliveryResult } from '../enrich/enrich-events.ts';
import { namedErrorText } from '../../shared/error-text.ts';

export interface PublishOptions {
  client: EventBridgeClient;
  busName: string;
  timing?: RetryTiming;
  /** Sends of one entry, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
}

interface PendingEntry {
  index: number;
  entry: PutEventsRequestEntry;
}

/** One call's entries until each is accepted or out of attempts; failures are written into `results`. */
async function sendCall(
  pending: PendingEntry[],
  options: PublishOptions,
  results: DeliveryResult[],
): Promise<void> {
  const timing = options.timing ?? realTiming;
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 100;
  let left = pending;
  for (let attempt = 1; left.length > 0; attempt++) {
    const failed: { item: PendingEntry; reason: string }[] = [];
    try {
      const response = await options.client.send(new PutEventsCommand({ Entries: left.map((p) => p.entry) }));
      const answers = response.Entries ?? [];
      left.forEach((item, i) => {
        const answer = answers[i];
        if (answer?.EventId !== undefined && answer.ErrorCode === undefined) return;
        const reason =
          answer?.ErrorCode === undefined
            ? 'no result for the entry'
            : `${answer.ErrorCode}: ${answer.ErrorMessage ?? ''}`;
        failed.push({ item, reason });
      });
    } catch (error) {
      // The SDK has already retried the call itself; every entry of it is still unsent.
      for (const item of left) failed.push({ item, reason: namedErrorText(error) });
    }
    if (failed.length === 0 || attempt >= maxAttempts) {
      for (const { item, reason } of failed) {
        results[item.index] = {
          ok: false,
          reason: `PutEvents rejected the entry ${attempt} times; last: ${reason}`,
        };
      }
      return;
    }
    left = failed.map((f) => f.item);
    const ceiling = baseDelayMs * 2 ** (attempt - 1);
    await timing.sleep(Math.round(ceiling / 2 + (ceiling / 2) * timing.random()));
  }
}

/** One result per event, in order. */
export async function publishEvents(
  events: readonly EnrichedOomEvent[],
  options: PublishOptions,
): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = events.map(() => ({ ok: true }));
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
