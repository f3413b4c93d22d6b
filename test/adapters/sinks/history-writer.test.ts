import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CloudWatchHistoryWriter,
  historyBatchesOf,
  historyTimestampOf,
} from '../../../adapters/sinks/history-writer.ts';
import { historyRecordOf } from '../../../shared/history-record.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';

const GROUP = '/eks-oom-alerts/prod-eu/events';
const NOW = new Date('2025-11-20T14:00:00.000Z');
const logs = mockClient(CloudWatchLogsClient);

afterEach(() => {
  logs.reset();
});

const notFound = () =>
  new ResourceNotFoundException({ message: 'The specified log stream does not exist.', $metadata: {} });

describe('history records', () => {
  it('are the history record of the event, one JSON line, the queried fields first', () => {
    const event = exampleEvent('pod-limit');
    const [batch] = historyBatchesOf([event], NOW);
    const record = batch!.logEvents[0]!;
    expect(record.message).not.toContain('\n');
    expect(JSON.parse(record.message)).toEqual(historyRecordOf(event));
    const parsed = JSON.parse(record.message) as Record<string, unknown>;
    expect(Object.keys(parsed).slice(0, 7)).toEqual([
      'cluster',
      'node',
      'impact',
      'constraint',
      'limitScope',
      'kubernetes',
      'enrichment',
    ]);
    expect(parsed.kubernetes).toMatchObject({ namespace: 'data' });
    expect(parsed.victim).toMatchObject({ name: 'python3' });
    expect(parsed.impact).toBe('container-restarted');
    expect(JSON.parse(parsed.tasks as string)).toEqual(event.tasks);
  });

  it('carry the kill time when CloudWatch accepts it, else the delivery time', () => {
    const event = exampleEvent('pod-limit');
    expect(historyTimestampOf(event, NOW.getTime())).toBe(Date.parse('2025-11-20T09:14:27.508Z'));
    expect(historyTimestampOf({ ...event, observedAt: null }, NOW.getTime())).toBe(NOW.getTime());
    expect(historyTimestampOf({ ...event, observedAt: '2025-10-01T00:00:00Z' }, NOW.getTime())).toBe(
      NOW.getTime(),
    );
    expect(historyTimestampOf({ ...event, observedAt: 'not a time' }, NOW.getTime())).toBe(NOW.getTime());
  });

  it('go to one stream per UTC day, in time order', () => {
    const late = { ...exampleEvent('system-oom') };
    const early = { ...exampleEvent('pod-limit') };
    const yesterday = { ...exampleEvent('unenriched'), observedAt: '2025-11-19T23:59:59.000Z' };
    const batches = historyBatchesOf([late, early, yesterday], NOW);
    expect(
      batches.map((b) => [
        b.logStreamName,
        b.logEvents.map((e) => (JSON.parse(e.message) as { id: string }).id),
      ]),
    ).toEqual([
      ['2025-11-19', [yesterday.id]],
      ['2025-11-20', [early.id, late.id]],
    ]);
  });

  it('are cut under the 1 MB PutLogEvents limit', () => {
    const big = { ...exampleEvent('pod-limit'), lines: Array.from({ length: 40 }, () => 'x'.repeat(6000)) };
    const events = Array.from({ length: 10 }, (_, i) => ({ ...big, id: `e${i}` }));
    const batches = historyBatchesOf(events, NOW);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) {
      const bytes = batch.logEvents.reduce((sum, e) => sum + Buffer.byteLength(e.message) + 26, 0);
      expect(bytes).toBeLessThanOrEqual(1_048_576);
    }
    expect(batches.flatMap((b) => b.logEvents)).toHaveLength(10);
  });
});

describe('CloudWatchHistoryWriter', () => {
  it('puts the records into the day stream', async () => {
    logs.on(PutLogEventsCommand).resolves({});
    const event = exampleEvent('container-limit');
    await new CloudWatchHistoryWriter(new CloudWatchLogsClient({}), GROUP).write([event], NOW);
    expect(logs.commandCalls(PutLogEventsCommand).map((c) => c.args[0].input)).toEqual([
      {
        logGroupName: GROUP,
        logStreamName: '2025-11-20',
        logEvents: [
          {
            timestamp: Date.parse('2025-11-20T10:02:11.117Z'),
            message: JSON.stringify(historyRecordOf(event)),
          },
        ],
      },
    ]);
    expect(logs.commandCalls(CreateLogStreamCommand)).toHaveLength(0);
  });

  it('creates a missing stream and puts again', async () => {
    logs.on(PutLogEventsCommand).rejectsOnce(notFound()).resolves({});
    logs.on(CreateLogStreamCommand).resolves({});
    await new CloudWatchHistoryWriter(new CloudWatchLogsClient({}), GROUP).write(
      [exampleEvent('pod-limit')],
      NOW,
    );
    expect(logs.commandCalls(CreateLogStreamCommand).map((c) => c.args[0].input)).toEqual([
      { logGroupName: GROUP, logStreamName: '2025-11-20' },
    ]);
    expect(logs.commandCalls(PutLogEventsCommand)).toHaveLength(2);
  });

  it('accepts that another invocation created the stream first', async () => {
    logs.on(PutLogEventsCommand).rejectsOnce(notFound()).resolves({});
    logs
      .on(CreateLogStreamCommand)
      .rejects(new ResourceAlreadyExistsException({ message: 'exists', $metadata: {} }));
    await new CloudWatchHistoryWriter(new CloudWatchLogsClient({}), GROUP).write(
      [exampleEvent('pod-limit')],
      NOW,
    );
    expect(logs.commandCalls(PutLogEventsCommand)).toHaveLength(2);
  });

  it('fails loudly when records are rejected or the group is missing', async () => {
    logs.on(PutLogEventsCommand).resolves({ rejectedLogEventsInfo: { tooOldLogEventEndIndex: 0 } });
    const writer = new CloudWatchHistoryWriter(new CloudWatchLogsClient({}), GROUP);
    await expect(writer.write([exampleEvent('pod-limit')], NOW)).rejects.toThrow(
      'events log group /eks-oom-alerts/prod-eu/events rejected records: {"tooOldLogEventEndIndex":0}',
    );
    logs.reset();
    logs.on(PutLogEventsCommand).rejects(notFound());
    logs
      .on(CreateLogStreamCommand)
      .rejects(
        new ResourceNotFoundException({ message: 'The specified log group does not exist.', $metadata: {} }),
      );
    await expect(writer.write([exampleEvent('pod-limit')], NOW)).rejects.toThrow('log group does not exist');
  });
});
