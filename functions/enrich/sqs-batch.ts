/**
 * One SQS batch through the enrich stage: each record's body read back into an OomEvent, all events enriched
 * and published together (PutEvents in tens), and a result per record for partial batch failure.
 */
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { enrichEvents } from '../../adapters/enrich/enrich-events.ts';
import type { EnrichDeps, EventOutcome } from '../../adapters/enrich/enrich-events.ts';
import { readOomEventBody } from '../../shared/oom-event-body.ts';

export type RecordResult = EventOutcome | { status: 'unreadable'; reason: string };

/** Whether SQS should retry the record. */
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

/** A retry that waits for a delivery in flight (the other copy of the kill), which is no error. */
function waitsInFlight(result: RecordResult | undefined): boolean {
  return result?.status === 'failed' && result.inFlight === true;
}

/**
 * Partial batch failure: the records SQS should retry, in batch order. When every record failed,
 * the invocation fails instead (as Powertools' BatchProcessor does), so the function's Errors alarm sees it;
 * records that only wait for a delivery in flight do not count as failed for that.
 */
export function batchResponse(
  records: readonly SQSRecord[],
  results: ReadonlyMap<string, RecordResult>,
): SQSBatchResponse {
  const failed = records.filter((record) => {
    const result = results.get(record.messageId);
    return result === undefined || needsRetry(result);
  });
  const waiting = failed.filter((record) => waitsInFlight(results.get(record.messageId)));
  if (failed.length > 0 && failed.length === records.length && waiting.length < failed.length) {
    throw new Error(
      `every record of the batch failed: ${failed.map((r) => reasonOf(results, r)).join('; ')}`,
    );
  }
  return { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.messageId })) };
}

function reasonOf(results: ReadonlyMap<string, RecordResult>, record: SQSRecord): string {
  const result = results.get(record.messageId);
  const reason = result !== undefined && 'reason' in result ? result.reason : 'record was not processed';
  return `${record.messageId}: ${reason}`;
}
