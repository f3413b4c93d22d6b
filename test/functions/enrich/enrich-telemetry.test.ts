import { describe, expect, it } from 'vitest';
import type { EnrichLog, MetricSink } from '../../../functions/enrich/enrich-telemetry.ts';
import { recordEnrichResults } from '../../../functions/enrich/enrich-telemetry.ts';
import type { RecordResult } from '../../../functions/enrich/sqs-batch.ts';
import type { EnrichedOomEvent } from '../../../shared/oom-event.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';

function recorders(): { logger: EnrichLog; logs: unknown[][]; metrics: MetricSink; counts: unknown[][] } {
  const logs: unknown[][] = [];
  const counts: unknown[][] = [];
  const at =
    (level: string) =>
    (message: string, ...attributes: Record<string, unknown>[]) =>
      void logs.push([level, message, ...attributes]);
  return {
    logs,
    counts,
    logger: { info: at('info'), warn: at('warn'), error: at('error') },
    metrics: { addMetric: (name, unit, value) => void counts.push([name, unit, value]) },
  };
}

const resolved = exampleEvent('container-limit');
const unavailable: EnrichedOomEvent = {
  ...exampleEvent('unenriched'),
  enrichment: { status: 'unavailable', detail: 'API refused' },
};

describe('recordEnrichResults', () => {
  it('logs each record by what became of it and counts duplicates and unnamed pods', () => {
    const { logger, logs, metrics, counts } = recorders();
    const results = new Map<string, RecordResult>([
      ['m-1', { status: 'published', eventId: resolved.id, event: resolved, contextNote: 'read 3 lines' }],
      ['m-2', { status: 'published', eventId: unavailable.id, event: unavailable }],
      ['m-3', { status: 'duplicate', eventId: 'e-3', reason: 'already delivered' }],
      ['m-4', { status: 'failed', eventId: 'e-4', reason: 'claim failed: throttled' }],
      ['m-5', { status: 'unreadable', reason: 'not JSON' }],
      ['m-6', { status: 'failed', eventId: 'e-6', reason: 'same kill as event e-1, …', inFlight: true }],
    ]);
    recordEnrichResults(results, logger, metrics);
    expect(logs).toEqual([
      [
        'info',
        'OOM kill delivered',
        {
          messageId: 'm-1',
          eventId: resolved.id,
          node: resolved.node,
          namespace: resolved.kubernetes?.namespace,
          pod: resolved.kubernetes?.pod,
          impact: resolved.impact,
          enrichment: resolved.enrichment,
          reportContext: 'read 3 lines',
        },
      ],
      [
        'warn',
        'OOM kill delivered',
        expect.objectContaining({ messageId: 'm-2', enrichment: unavailable.enrichment }),
      ],
      ['info', 'duplicate skipped', { messageId: 'm-3', eventId: 'e-3', reason: 'already delivered' }],
      [
        'error',
        'record will be retried',
        { messageId: 'm-4', status: 'failed', eventId: 'e-4', reason: 'claim failed: throttled' },
      ],
      ['error', 'record will be retried', { messageId: 'm-5', status: 'unreadable', reason: 'not JSON' }],
      // Not an error: the other copy of its kill is being delivered right now.
      [
        'info',
        'record waits for a delivery in flight',
        { messageId: 'm-6', eventId: 'e-6', reason: 'same kill as event e-1, …' },
      ],
    ]);
    expect(counts).toEqual([
      ['DuplicatesSkipped', 'Count', 1],
      ['EnrichmentUnavailable', 'Count', 1],
    ]);
  });

  it('warns of a duplicate taken without a record of its delivery, and logs a claim left unsettled as an error', () => {
    const { logger, logs, metrics, counts } = recorders();
    const unrecorded = 'an earlier attempt handed it to the bus and could not record the answer';
    const results = new Map<string, RecordResult>([
      ['m-1', { status: 'duplicate', eventId: 'e-1', reason: unrecorded, unverified: true }],
      ['m-2', { status: 'duplicate', eventId: 'e-2', reason: 'a replayed old report', unverified: true }],
      [
        'm-3',
        { status: 'failed', eventId: 'e-3', reason: 'InternalFailure', unsettled: 'claim not released: …' },
      ],
      [
        'm-4',
        { status: 'published', eventId: resolved.id, event: resolved, unsettled: 'claim not marked done: …' },
      ],
    ]);
    recordEnrichResults(results, logger, metrics);
    expect(logs).toEqual([
      ['warn', 'duplicate skipped', { messageId: 'm-1', eventId: 'e-1', reason: unrecorded }],
      ['warn', 'duplicate skipped', { messageId: 'm-2', eventId: 'e-2', reason: 'a replayed old report' }],
      [
        'error',
        'record will be retried',
        {
          messageId: 'm-3',
          status: 'failed',
          eventId: 'e-3',
          reason: 'InternalFailure',
          unsettled: 'claim not released: …',
        },
      ],
      ['error', 'claim not settled', { messageId: 'm-3', eventId: 'e-3', reason: 'claim not released: …' }],
      ['info', 'OOM kill delivered', expect.objectContaining({ messageId: 'm-4', eventId: resolved.id })],
      [
        'error',
        'claim not settled',
        { messageId: 'm-4', eventId: resolved.id, reason: 'claim not marked done: …' },
      ],
    ]);
    // Both are duplicates; taken without a record of delivery, each may be a lost kill: counted apart too.
    expect(counts).toEqual([
      ['DuplicatesSkipped', 'Count', 2],
      ['UnverifiedDuplicates', 'Count', 2],
    ]);
  });

  it('counts only the duplicates taken without a record of delivery as unverified', () => {
    const { logger, metrics, counts } = recorders();
    recordEnrichResults(
      new Map<string, RecordResult>([
        ['m-1', { status: 'duplicate', eventId: 'e-1', reason: 'a replayed old report', unverified: true }],
        ['m-2', { status: 'duplicate', eventId: 'e-2', reason: 'already delivered' }],
        ['m-3', { status: 'duplicate', eventId: 'e-3', reason: 'the alert says less', showedMore: true }],
      ]),
      logger,
      metrics,
    );
    expect(counts).toEqual([
      ['DuplicatesSkipped', 'Count', 3],
      ['UnverifiedDuplicates', 'Count', 1],
    ]);
  });

  it('warns of a duplicate that showed more of the kill than its alert', () => {
    const { logger, logs } = recorders();
    const reason = 'already delivered, but this copy says more of the kill (…): the alert says less';
    recordEnrichResults(
      new Map<string, RecordResult>([
        ['m-1', { status: 'duplicate', eventId: 'e-1', reason, showedMore: true }],
        ['m-2', { status: 'duplicate', eventId: 'e-2', reason: 'already delivered' }],
      ]),
      logger,
      { addMetric: () => undefined },
    );
    expect(logs).toEqual([
      ['warn', 'duplicate skipped', { messageId: 'm-1', eventId: 'e-1', reason }],
      ['info', 'duplicate skipped', { messageId: 'm-2', eventId: 'e-2', reason: 'already delivered' }],
    ]);
  });

  it('adds no zero: a batch with nothing to count adds no metric', () => {
    const { logger, metrics, counts } = recorders();
    recordEnrichResults(new Map(), logger, metrics);
    expect(counts).toEqual([]);
  });
});
