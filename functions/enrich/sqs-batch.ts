/**
 * One SQS batch through the enrich stage: each record's body read back into an OomEvent, all events enriched
 * and delivered together (PutEvents in tens), and a result per record for partial batch failure.
 */
import type { SQSRecord } from 'aws-lambda';
import { enrichEvents } from '../../adapters/enrich/enrich-events.ts';
import type { EnrichDeps, EventOutcome } from '../../adapters/enrich/enrich-events.ts';
import { readOomEventBody } from './oom-event-body.ts';

export type RecordResult = EventOutcome | { status: 'unreadable'; reason: string };

/** Whether SQS should deliver the record again. */
export function needsRetry(result: RecordResult): boolean {
  return result.status === 'failed' || result.status === 'unreadable';
}

/** Results keyed by SQS message id. */
export async function enrichSqsRecords(
  records: readonly SQSRecord[],
  deps: EnrichDeps,
): Promise<Map<string, RecordResult>> {
  const results = new Map<string, RecordResult>();
  const readable: { messageId: string; index: number }[] = [];
  const events = [];
  for (const record of records) {
    const read = readOomEventBody(record.body);
    if (!read.ok) {
      results.set(record.messageId, { status: 'unreadable', reason: read.reason });
      continue;
    }
    readable.push({ messageId: record.messageId, index: events.length });
    events.push(read.event);
  }
  const outcomes = await enrichEvents(events, deps);
  for (const { messageId, index } of readable) results.set(messageId, outcomes[index] as EventOutcome);
  return results;
}
