/**
 * What one subscription batch tells the operators: metrics (names from shared/metric-names.ts) and a log line for each
 * thing a person should look at: format drift, malformed payloads, batches that will be retried.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS } from '../../shared/metric-names.ts';
import type { BatchOutcome, ParseLog } from './parse-batch.ts';

/** Powertools Metrics' `addMetric`; a test hands a recorder. */
export interface MetricSink {
  addMetric(name: string, unit: typeof MetricUnit.Count, value: number): unknown;
}

const COUNT = MetricUnit.Count;

interface BatchCounts {
  kills: number;
  incomplete: number;
  drift: number;
  malformed: number;
}

const NOTHING: BatchCounts = { kills: 0, incomplete: 0, drift: 0, malformed: 0 };

/** Only the counts that are not zero: a zero costs a custom metric, and the alarms take no data as none. */
function addCounts(metrics: MetricSink, counts: BatchCounts): void {
  const named: [string, number][] = [
    [METRICS.killsParsed, counts.kills],
    [METRICS.incompleteReports, counts.incomplete],
    [METRICS.unrecognisedOomLines, counts.drift],
    [METRICS.malformedPayloads, counts.malformed],
  ];
  for (const [name, value] of named) if (value !== 0) metrics.addMetric(name, COUNT, value);
}

/** Every batch that reached a verdict adds its counts that are not zero. A batch to be retried adds nothing: its retry counts it. */
export function recordBatchOutcome(outcome: BatchOutcome, logger: ParseLog, metrics: MetricSink): void {
  switch (outcome.kind) {
    case 'control':
      logger.info('CloudWatch Logs control message acknowledged');
      addCounts(metrics, NOTHING);
      return;
    case 'malformed':
      logger.error('Malformed subscription payload dropped', { reason: outcome.reason });
      addCounts(metrics, { ...NOTHING, malformed: 1 });
      return;
    case 'not-kernel':
      logger.info('Stream carries no kernel log; delivery ignored', {
        logGroup: outcome.logGroup,
        logStream: outcome.logStream,
      });
      addCounts(metrics, NOTHING);
      return;
    case 'retry':
      logger.error('Delivery not completed; failing the invocation so that Lambda retries it', {
        logGroup: outcome.logGroup,
        logStream: outcome.logStream,
        reason: outcome.reason,
      });
      return;
    case 'parsed':
      for (const line of outcome.drift) {
        logger.warn('Unrecognised OOM line (kernel format drift?)', {
          text: line.text,
          reason: line.reason,
          logGroup: outcome.logGroup,
          logStream: outcome.logStream,
          eventId: String(line.ref),
        });
      }
      addCounts(metrics, {
        kills: outcome.events.length,
        incomplete: outcome.events.filter((e) => !e.complete).length,
        drift: outcome.drift.length,
        malformed: 0,
      });
      return;
  }
}
