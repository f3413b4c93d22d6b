import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { batchResponse, needsRetry } from '../../../functions/enrich/sqs-batch.ts';
import type { RecordResult } from '../../../functions/enrich/sqs-batch.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';

const record = (messageId: string) => ({ messageId }) as SQSRecord;
const event = exampleEvent('container-limit');
const published: RecordResult = { status: 'published', eventId: event.id, event };
const failed: RecordResult = { status: 'failed', eventId: 'e-2', reason: 'PutEvents rejected the entry' };

describe('needsRetry', () => {
  it('retries failed and unreadable records, not published or duplicate ones', () => {
    expect(needsRetry(published)).toBe(false);
    expect(needsRetry({ status: 'duplicate', eventId: 'e', reason: 'already delivered' })).toBe(false);
    expect(needsRetry(failed)).toBe(true);
    expect(needsRetry({ status: 'unreadable', reason: 'not JSON' })).toBe(true);
  });
});

describe('batchResponse', () => {
  it('names the records to deliver again, in batch order, a record without a result among them', () => {
    const results = new Map<string, RecordResult>([
      ['m-1', published],
      ['m-2', failed],
    ]);
    expect(batchResponse([record('m-3'), record('m-1'), record('m-2')], results)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-3' }, { itemIdentifier: 'm-2' }],
    });
  });

  it('answers an empty batch, or one where nothing failed, with no failures', () => {
    expect(batchResponse([], new Map())).toEqual({ batchItemFailures: [] });
    expect(batchResponse([record('m-1')], new Map([['m-1', published]]))).toEqual({ batchItemFailures: [] });
  });

  it('retries, without failing the invocation, records that wait for a delivery in flight', () => {
    const waiting: RecordResult = {
      status: 'failed',
      eventId: 'e-3',
      reason: 'same kill as event e-1, which is still being delivered: retried until it is',
      inFlight: true,
    };
    expect(batchResponse([record('m-3')], new Map([['m-3', waiting]]))).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-3' }],
    });
    expect(() =>
      batchResponse(
        [record('m-2'), record('m-3')],
        new Map([
          ['m-2', failed],
          ['m-3', waiting],
        ]),
      ),
    ).toThrow('every record of the batch failed');
  });

  it('fails the invocation when every record failed, with each reason', () => {
    const results = new Map<string, RecordResult>([
      ['m-1', failed],
      ['m-2', { status: 'unreadable', reason: 'not JSON' }],
    ]);
    expect(() => batchResponse([record('m-1'), record('m-2')], results)).toThrow(
      'every record of the batch failed: m-1: PutEvents rejected the entry; m-2: not JSON',
    );
  });
});
