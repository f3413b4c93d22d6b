import { CloudWatchLogsClient, DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readKernelStreams } from '../../../adapters/logs/kernel-streams.ts';

const NOW = Date.parse('2025-03-14T09:30:00Z');
const MIN = 60_000;
const logs = mockClient(CloudWatchLogsClient);

beforeEach(() => logs.reset());

describe('readKernelStreams', () => {
  it('does not stop at a stream whose lastEventTimestamp is not set yet: its ingestion time counts', async () => {
    // AWS sets lastEventTimestamp eventually (up to an hour); where such a stream sorts is not documented.
    logs
      .on(DescribeLogStreamsCommand, { nextToken: undefined })
      .resolves({
        logStreams: [
          { logStreamName: 'new-node.kernel', lastIngestionTime: NOW - 1 * MIN },
          {
            logStreamName: 'old-node.kernel',
            lastEventTimestamp: NOW - 2 * MIN,
            lastIngestionTime: NOW - 2 * MIN,
          },
        ],
        nextToken: 'page-2',
      })
      .on(DescribeLogStreamsCommand, { nextToken: 'page-2' })
      .resolves({
        logStreams: [{ logStreamName: 'gone.kernel', lastEventTimestamp: NOW - 500 * MIN }],
        nextToken: 'page-3',
      })
      .on(DescribeLogStreamsCommand, { nextToken: 'page-3' })
      .rejects(new Error('must not be asked'));

    const streams = await readKernelStreams(new CloudWatchLogsClient({ region: 'eu-west-1' }), {
      logGroupName: '/eks-oom-alerts/prod/kernel',
      since: NOW - 30 * MIN,
      signal: new AbortController().signal,
    });

    expect(streams).toEqual([
      { name: 'new-node.kernel', lastEventAt: null, lastIngestionAt: NOW - 1 * MIN },
      { name: 'old-node.kernel', lastEventAt: NOW - 2 * MIN, lastIngestionAt: NOW - 2 * MIN },
    ]);
    expect(logs.commandCalls(DescribeLogStreamsCommand)).toHaveLength(2);
  });
});
