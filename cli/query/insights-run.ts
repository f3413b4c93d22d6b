/**
 * One Logs Insights query from start to rows: StartQuery, then GetQueryResults polled with backoff until
 * the query is Complete, Failed, Cancelled or Timeout. Ctrl-C stops the query on the service too, so it
 * is not left running (and billed) in the background.
 */
import { GetQueryResultsCommand, StartQueryCommand, StopQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchLogsClient, QueryStatistics, ResultField } from '@aws-sdk/client-cloudwatch-logs';
import { errorMessage, errorNameOf } from '../../shared/error-text.ts';

export interface InsightsRequest {
  logGroupName: string;
  queryString: string;
  startMs: number;
  endMs: number;
}

export interface PollPacing {
  sleep(ms: number): Promise<void>;
  signal: AbortSignal;
  /** First wait between polls; doubled after each poll up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Attempts at StartQuery while the account is at its concurrent-query limit or throttled. */
  startAttempts: number;
}

export const POLL_PACING = { firstDelayMs: 500, maxDelayMs: 5_000, startAttempts: 5 } as const;

/** One result row: field → value, in the order the query returned the fields; `@ptr` left out. */
export type ResultRow = Array<[field: string, value: string]>;

export type QueryRun =
  | { kind: 'complete'; queryId: string; rows: ResultRow[]; statistics: QueryStatistics | null }
  | { kind: 'ended'; queryId: string; status: 'Failed' | 'Cancelled' | 'Timeout' | 'Unknown' }
  | { kind: 'interrupted'; queryId: string | null }
  | { kind: 'error'; reason: string };

/** Errors worth waiting out: throttling, and the account's limit of concurrent Insights queries. */
const RETRYABLE = new Set(['ThrottlingException', 'LimitExceededException']);

function errorName(error: unknown): string {
  return errorNameOf(error) ?? 'Error';
}

function errorText(error: unknown): string {
  return `${errorName(error)}: ${errorMessage(error)}`;
}

/** The rows as the table and `--json` show them: `@ptr` is a handle for GetLogRecord, not data. */
export function rowsOf(results: readonly ResultField[][]): ResultRow[] {
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
  let delay = pacing.firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const started = await client.send(
        new StartQueryCommand({
          logGroupName: request.logGroupName,
          queryString: request.queryString,
          startTime: Math.floor(request.startMs / 1000),
          endTime: Math.floor(request.endMs / 1000),
        }),
        { abortSignal: pacing.signal },
      );
      if (started.queryId === undefined)
        return { ok: false, run: { kind: 'error', reason: 'StartQuery returned no query id' } };
      return { ok: true, queryId: started.queryId };
    } catch (error) {
      if (pacing.signal.aborted) return { ok: false, run: { kind: 'interrupted', queryId: null } };
      if (!RETRYABLE.has(errorName(error)) || attempt >= pacing.startAttempts) {
        return { ok: false, run: { kind: 'error', reason: `StartQuery: ${errorText(error)}` } };
      }
    }
    await pacing.sleep(delay);
    delay = Math.min(pacing.maxDelayMs, delay * 2);
  }
}

/** Stops the query on the service; it may have ended already, so a failure here changes nothing. */
async function stopQuery(client: CloudWatchLogsClient, queryId: string): Promise<void> {
  try {
    await client.send(new StopQueryCommand({ queryId }));
  } catch {
    // Already finished, or not reachable: either way nothing more can be done.
  }
}

export async function runInsightsQuery(
  client: CloudWatchLogsClient,
  request: InsightsRequest,
  pacing: PollPacing,
): Promise<QueryRun> {
  const started = await startQuery(client, request, pacing);
  if (!started.ok) return started.run;
  const { queryId } = started;
  let delay = pacing.firstDelayMs;
  for (;;) {
    await pacing.sleep(delay);
    if (pacing.signal.aborted) {
      await stopQuery(client, queryId);
      return { kind: 'interrupted', queryId };
    }
    delay = Math.min(pacing.maxDelayMs, delay * 2);
    let answer;
    try {
      answer = await client.send(new GetQueryResultsCommand({ queryId }), { abortSignal: pacing.signal });
    } catch (error) {
      if (pacing.signal.aborted) continue;
      if (RETRYABLE.has(errorName(error))) continue;
      return { kind: 'error', reason: `GetQueryResults: ${errorText(error)}` };
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
      default:
        // Scheduled, Running: poll again.
        break;
    }
  }
}
