import { describe, expect, it } from 'vitest';
import type { MetricSink } from '../../../functions/parse/batch-telemetry.ts';
import { recordBatchOutcome } from '../../../functions/parse/batch-telemetry.ts';
import type { BatchOutcome, ParseLog } from '../../../functions/parse/parse-batch.ts';
import type { OomEvent } from '../../../shared/oom-event.ts';

function recorders(): {
  logger: ParseLog;
  logs: unknown[][];
  metrics: MetricSink;
  counts: Array<[string, string, number]>;
} {
  const logs: unknown[][] = [];
  const counts: Array<[string, string, number]> = [];
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

const stream = { logGroup: '/fluentbit/oom-whole', logStream: 'node-kernel' };
const event = (complete: boolean): OomEvent => ({ complete }) as OomEvent;

describe('recordBatchOutcome', () => {
  it('counts kills, incomplete reports and drift, and logs each drift line with its stream and event id', () => {
    const { logger, logs, metrics, counts } = recorders();
    const outcome: BatchOutcome = {
      kind: 'parsed',
      ...stream,
      node: 'node-kernel',
      events: [event(true), event(false), event(false)],
      drift: [
        {
          text: 'Memory cgroup out of memory: Killed task 17777 (python3)',
          reason: 'looks like OOM text but no recognizer read it',
          ref: '3195310660696698337880902507980421114328961542429822156',
        },
      ],
      stateAttempts: 1,
    };
    recordBatchOutcome(outcome, logger, metrics);
    expect(counts).toEqual([
      ['KillsParsed', 'Count', 3],
      ['IncompleteReports', 'Count', 2],
      ['UnrecognisedOomLines', 'Count', 1],
    ]);
    expect(logs).toEqual([
      [
        'warn',
        'Unrecognised OOM line (kernel format drift?)',
        {
          text: 'Memory cgroup out of memory: Killed task 17777 (python3)',
          reason: 'looks like OOM text but no recognizer read it',
          logGroup: '/fluentbit/oom-whole',
          logStream: 'node-kernel',
          eventId: '3195310660696698337880902507980421114328961542429822156',
        },
      ],
    ]);
  });

  it('counts a malformed payload and logs its reason', () => {
    const { logger, logs, metrics, counts } = recorders();
    recordBatchOutcome({ kind: 'malformed', reason: 'not gzip: incorrect header check' }, logger, metrics);
    expect(counts).toEqual([['MalformedPayloads', 'Count', 1]]);
    expect(logs).toEqual([
      ['error', 'Malformed subscription payload dropped', { reason: 'not gzip: incorrect header check' }],
    ]);
  });

  it('adds no zero: nothing for a control message, a non-kernel stream, or a batch to be retried', () => {
    const { logger, logs, metrics, counts } = recorders();
    recordBatchOutcome({ kind: 'control' }, logger, metrics);
    recordBatchOutcome({ kind: 'not-kernel', ...stream }, logger, metrics);
    recordBatchOutcome({ kind: 'retry', ...stream, reason: 'SQS refused 1 event(s)' }, logger, metrics);
    expect(counts).toEqual([]);
    expect(logs.map((l) => l.slice(0, 2))).toEqual([
      ['info', 'CloudWatch Logs control message acknowledged'],
      ['info', 'Stream carries no kernel log; delivery ignored'],
      ['error', 'Delivery not completed; failing the invocation so that Lambda retries it'],
    ]);
    expect(logs[2]![2]).toEqual({ ...stream, reason: 'SQS refused 1 event(s)' });
  });
});
