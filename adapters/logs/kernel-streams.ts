/**
 * The kernel log group's streams with the times of their newest events (DescribeLogStreams), for the
 * shipping check. Streams are read newest first and only as far back as the check can care about: a group
 * keeps the streams of every node that ever shipped, and the account shares one DescribeLogStreams quota.
 */
import { DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchLogsClient, LogStream } from '@aws-sdk/client-cloudwatch-logs';
import type { KernelStreamTimes } from '../../shared/node-shipping.ts';

/** The most DescribeLogStreams returns per page. */
const STREAM_PAGE_SIZE = 50;

/**
 * AWS: `lastEventTimestamp` "typically updates in less than an hour from ingestion". The listing is ordered
 * by it, so it goes this much further back than asked, lest a stream whose time lags be cut off.
 */
const LAST_EVENT_LAG_MS = 60 * 60_000;

function timesOf(stream: LogStream): KernelStreamTimes | null {
  if (stream.logStreamName === undefined) return null;
  return {
    name: stream.logStreamName,
    lastEventAt: stream.lastEventTimestamp ?? null,
    lastIngestionAt: stream.lastIngestionTime ?? null,
  };
}

/**
 * The streams whose newest event is at or after `since` (less the lag above), newest first, and those with
 * no lastEventTimestamp yet. A failed page throws: the check cannot tell blind from quiet without it.
 */
export async function readKernelStreams(
  client: CloudWatchLogsClient,
  request: { logGroupName: string; since: number; signal: AbortSignal },
): Promise<KernelStreamTimes[]> {
  const cutoff = request.since - LAST_EVENT_LAG_MS;
  const streams: KernelStreamTimes[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new DescribeLogStreamsCommand({
        logGroupName: request.logGroupName,
        orderBy: 'LastEventTime',
        descending: true,
        limit: STREAM_PAGE_SIZE,
        nextToken,
      }),
      { abortSignal: request.signal },
    );
    for (const stream of page.logStreams ?? []) {
      // A stream whose lastEventTimestamp AWS has yet to set sorts where AWS puts it: it ends nothing.
      if (stream.lastEventTimestamp !== undefined && stream.lastEventTimestamp < cutoff) return streams;
      const times = timesOf(stream);
      if (times !== null) streams.push(times);
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined && nextToken !== '');
  return streams;
}
