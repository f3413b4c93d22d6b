/**
 * One Logs Insights query from start to rows: StartQuery, then GetQueryResults polled with backoff until
 * the query is Complete, Failed, Cancelled or Timeout. Ctrl-C stops the query on the service too, so it
 * is not left running (and billed) in the background.
 */
import { GetQueryResultsCommand, StartQueryCommand, StopQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchLogsClient, QueryStatistics, ResultField } from '@aws-sdk/client-cloudwatch-logs';
import { awsErrorText, isAwsError } from '../../adapters/aws-errors.ts';
import { attemptCall, backoffDelayMs, retryWithBackoff } from '../../adapters/retry.ts';
import type { Backoff, RetryTiming } from '../../adapters/retry.ts';

export interface InsightsRequest {
  logGroupName: string;
  queryString: string;
  startMs: number;
  endMs: number;
}

export interface PollPacing extends Backoff {
  timing: RetryTiming;
  signal: AbortSignal;
  /** Attempts at StartQuery while the account is at its concurrent-query limit or throttled. */
  startAttempts: number;
}

/** The waits between polls, and between StartQuery attempts: from half a second, doubled up to five. */
export const POLL_PACING = { baseDelayMs: 500, maxDelayMs: 5_000, startAttempts: 5 } as const;

/** One result row: field → value, in the order the query returned the fields; `@ptr` left out. */
export type ResultRow = Array<[field: string, value: string]>;

export type QueryRun =
  | { kind: 'complete'; queryId: string; rows: ResultRow[]; statistics: QueryStatistics | null }
  | { kind: 'ended'; queryId: string; status: 'Failed' | 'Cancelled' | 'Timeout' | 'Unknown' }
  | { kind: 'interrupted'; queryId: string | null }
  | { kind: 'error'; reason: string };

/** Errors worth waiting out: throttling, and the account's limit of concurrent Insights queries. */
function worthWaitingOut(error: unknown): boolean {
  return isAwsError(error, 'ThrottlingException', 'LimitExceededException');
}

/** The rows as the table and `--json` show them: `@ptr` is a handle for GetLogRecord, not data. */
function rowsOf(results: readonly ResultField[][]): ResultRow[] {
  return results.map((fields) =>
    fields.flatMap((f) =>
      f.field === undefined || f.field === '@ptr' ? [] : [[f.field, f.value ?? ''] as [string, string]],
    ),
  );
}

async function startQuery(
  client: CloudWatchLogsClient,
  request: InsightsRequest,
  pacing: PollPacing,
): Promise<{ ok: true; queryId: string } | { ok: false; run: QueryRun }> {
  const started = await retryWithBackoff(
    () =>
      attemptCall(
        () =>
          client.send(
            new StartQueryCommand({
              logGroupName: request.logGroupName,
              queryString: request.queryString,
              startTime: Math.floor(request.startMs / 1000),
              endTime: Math.floor(request.endMs / 1000),
            }),
            { abortSignal: pacing.signal },
          ),
        (error) => !pacing.signal.aborted && worthWaitingOut(error),
      ),
    { ...pacing, maxAttempts: pacing.startAttempts },
  );
  if (!started.ok) {
    if (pacing.signal.aborted) return { ok: false, run: { kind: 'interrupted', queryId: null } };
    return { ok: false, run: { kind: 'error', reason: `StartQuery: ${awsErrorText(started.failure)}` } };
  }
  if (started.value.queryId === undefined)
    return { ok: false, run: { kind: 'error', reason: 'StartQuery returned no query id' } };
  return { ok: true, queryId: started.value.queryId };
}

/** Stops the query on the service; it may have ended already, so a failure here changes nothing. */
async function stopQuery(client: CloudWatchLogsClient, queryId: string): Promise<void> {
  try {
    await client.send(new StopQueryCommand({ queryId }));
  } catch {
    // Already finished, or not reachable: either way nothing more can be done.
  }
}

/** A poll that found the query still Scheduled or Running, with what it has scanned so far. */
export interface PendingPoll {
  status: 'Scheduled' | 'Running';
  statistics: QueryStatistics | null;
}

export async function runInsightsQuery(
  client: CloudWatchLogsClient,
  request: InsightsRequest,
  pacing: PollPacing,
  onPending: (poll: PendingPoll) => Promise<void> = () => Promise.resolve(),
): Promise<QueryRun> {
  const started = await startQuery(client, request, pacing);
  if (!started.ok) return started.run;
  const { queryId } = started;
  // A query is never done at once: each poll waits first, the same backoff as StartQuery's retries.
  for (let poll = 1; ; poll++) {
    await pacing.timing.sleep(backoffDelayMs(poll, pacing, pacing.timing));
    if (pacing.signal.aborted) {
      await stopQuery(client, queryId);
      return { kind: 'interrupted', queryId };
    }
    let answer;
    try {
      answer = await client.send(new GetQueryResultsCommand({ queryId }), { abortSignal: pacing.signal });
    } catch (error) {
      if (pacing.signal.aborted || worthWaitingOut(error)) continue;
      return { kind: 'error', reason: `GetQueryResults: ${awsErrorText(error)}` };
    }
    switch (answer.status) {
      case 'Complete':
        return {
          kind: 'complete',
          queryId,
          rows: rowsOf(answer.results ?? []),
          statistics: answer.statistics ?? null,
        };
      case 'Failed':
      case 'Cancelled':
      case 'Timeout':
      case 'Unknown':
        return { kind: 'ended', queryId, status: answer.status };
      case 'Scheduled':
      case 'Running':
        await onPending({ status: answer.status, statistics: answer.statistics ?? null });
        break;
      default:
        // A status this SDK does not know yet: poll again.
        break;
    }
  }
}
