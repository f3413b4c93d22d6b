/**
 * Completes events that arrived without part of their report. The subscription forwards only the lines that
 * carry facts (shared/subscription-pattern.ts), so the task table never arrives, and in a storm the kernel
 * drops report headers; the lines are still in the node's log stream. This fetches the stream around the
 * kill with FilterLogEvents, re-assembles the report and fills what the event lacks (shared/report-context.ts).
 *
 * Bounded: one fetch per stream per call (one window covering all of that stream's events), one time budget
 * for the whole call, and a backoff on throttling. An event whose context could not be fetched goes on as it
 * was, with the reason in its note.
 */
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type {
  CloudWatchLogsClient,
  FilterLogEventsCommandInput,
  FilterLogEventsCommandOutput,
  FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import type { OomEvent } from '../../shared/oom-event.ts';
import { mergeReportContext } from '../../shared/report-context.ts';
import type { StreamLogEvent } from '../../shared/log-event-lines.ts';
import { kernelStreamOf, oomEventsFromStream, type KernelStream } from '../../shared/stream-events.ts';
import { awsErrorText, isAbortedRequest, isThrottling } from '../aws-errors.ts';
import { attemptCall, retryWithBackoff } from '../retry.ts';
import type { Attempt, Retried, RetryPolicy } from '../retry.ts';

export const REPORT_CONTEXT_DEFAULTS = {
  /** A report's lines precede its kill line by milliseconds; seconds cover collector clock skew. */
  windowBeforeMs: 10_000,
  /** The reaper's confirmation follows the kill. */
  windowAfterMs: 2_000,
  /** What all fetches of one call may take together. */
  budgetMs: 5_000,
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 2_000,
} as const;

/** How FilterLogEvents calls are paced: a deadline, retries with backoff on throttling, an abort. */
export interface PagePacing extends RetryPolicy {
  /** Epoch ms after which no request starts and no backoff is waited for; Infinity for none. */
  deadline: number;
  maxAttempts: number;
  maxDelayMs: number;
  /** Ends a request in flight (Ctrl-C in the CLI). */
  signal?: AbortSignal;
}

export type LogPageFailure = 'throttled' | 'budget' | 'aborted' | 'error';

export type LogPage =
  | { ok: true; events: FilteredLogEvent[]; nextToken: string | null }
  | { ok: false; failure: LogPageFailure; reason: string };

/** A function, so that the check after an await is not narrowed away by the one before it. */
function aborted(pacing: PagePacing): boolean {
  return pacing.signal?.aborted === true;
}

function requestSignal(pacing: PagePacing): AbortSignal | undefined {
  const signals: AbortSignal[] = [];
  if (pacing.signal !== undefined) signals.push(pacing.signal);
  if (Number.isFinite(pacing.deadline)) {
    signals.push(AbortSignal.timeout(Math.max(1, pacing.deadline - pacing.timing.now())));
  }
  return signals.length === 0 ? undefined : AbortSignal.any(signals);
}

/** One request for the page; after an interruption none is made, and no error is worth another. */
function attemptPage(
  client: CloudWatchLogsClient,
  input: FilterLogEventsCommandInput,
  pacing: PagePacing,
): Promise<Attempt<FilterLogEventsCommandOutput, unknown>> {
  if (aborted(pacing)) return Promise.resolve({ ok: false, failure: null, retryable: false });
  return attemptCall(
    () => {
      const signal = requestSignal(pacing);
      return client.send(
        new FilterLogEventsCommand(input),
        signal === undefined ? {} : { abortSignal: signal },
      );
    },
    (error) => !aborted(pacing) && isThrottling(error),
  );
}

/** Why the page could not be read. Only throttling is retried, so a failure after a wait is a throttle. */
function pageFailureOf(
  retried: Extract<Retried<unknown, unknown>, { ok: false }>,
  pacing: PagePacing,
): LogPage {
  if (aborted(pacing)) return { ok: false, failure: 'aborted', reason: 'interrupted' };
  if (retried.stop === 'final') {
    return isAbortedRequest(retried.failure)
      ? { ok: false, failure: 'budget', reason: 'time budget ran out during a request' }
      : { ok: false, failure: 'error', reason: awsErrorText(retried.failure) };
  }
  const last = retried.failure === null ? null : awsErrorText(retried.failure);
  if (retried.stop === 'attempts') {
    return {
      ok: false,
      failure: 'throttled',
      reason: `still throttled after ${retried.attempts} attempts (${last})`,
    };
  }
  return {
    ok: false,
    failure: 'budget',
    reason: `time budget ran out${last === null ? '' : ` (after ${last})`}`,
  };
}

/**
 * One FilterLogEvents page. ThrottlingException is retried with exponential backoff while the deadline
 * allows; every other failure comes back as a value with its reason.
 */
export async function filterLogEventsPage(
  client: CloudWatchLogsClient,
  input: FilterLogEventsCommandInput,
  pacing: PagePacing,
): Promise<LogPage> {
  const retried = await retryWithBackoff(() => attemptPage(client, input, pacing), pacing);
  if (!retried.ok) return pageFailureOf(retried, pacing);
  return { ok: true, events: retried.value.events ?? [], nextToken: retried.value.nextToken ?? null };
}

export type WindowRead =
  | { ok: true; events: FilteredLogEvent[]; pages: number }
  | { ok: false; failure: LogPageFailure; reason: string };

/**
 * Every event of a query, following `nextToken`. Stops when no token comes back or when the same token comes
 * back again (CloudWatch's way of saying the end of a stream was reached).
 */
export async function readAllLogEvents(
  client: CloudWatchLogsClient,
  input: FilterLogEventsCommandInput,
  pacing: PagePacing,
): Promise<WindowRead> {
  const events: FilteredLogEvent[] = [];
  let token: string | undefined;
  for (let pages = 1; ; pages++) {
    const page = await filterLogEventsPage(client, { ...input, nextToken: token }, pacing);
    if (!page.ok) return page;
    events.push(...page.events);
    if (page.nextToken === null || page.nextToken === token) return { ok: true, events, pages };
    token = page.nextToken;
  }
}

/** Whether an event lacks what its report's other lines would give: the cgroup line, or the task table. */
export function needsReportContext(event: OomEvent): boolean {
  return !event.complete || event.tasks.length === 0;
}

export type ContextNote =
  | { eventId: string; outcome: 'filled'; filled: string[]; detail: string }
  /** The window was read but held nothing the event lacked. */
  | { eventId: string; outcome: 'unchanged'; detail: string }
  /** No window was read: budget spent, throttled, an error, or nothing to place a window with. */
  | { eventId: string; outcome: 'not-fetched'; detail: string };

export interface ReportContextDeps {
  client: CloudWatchLogsClient;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Defaults: REPORT_CONTEXT_DEFAULTS. */
  budgetMs?: number;
  windowBeforeMs?: number;
  windowAfterMs?: number;
}

export interface ContextResult {
  /** The input events in order, completed where the context allowed. */
  events: OomEvent[];
  /** One note per event that needed context. */
  notes: ContextNote[];
}

interface StreamWork {
  stream: KernelStream;
  /** Indexes into the input of the events to complete, all with a wall-clock time. */
  indexes: number[];
  fromMs: number;
  toMs: number;
}

/** A FilterLogEvents event as the stream step reads it (shared/stream-events.ts). */
export function streamLogEventOf(event: FilteredLogEvent): StreamLogEvent {
  return { id: event.eventId, timestamp: event.timestamp, message: event.message };
}

/** Where an event's window goes: its stream and its wall-clock time, or why it has none. */
function windowPlaceOf(event: OomEvent): { stream: KernelStream; at: number } | string {
  const source = event.source;
  if (!('logStream' in source) || source.logGroup === null || source.logStream === null)
    return 'the event names no log stream';
  const stream = kernelStreamOf(source.logGroup, source.logStream);
  if (stream === null) return 'the event names a stream that carries no kernel lines';
  const at = event.observedAt === null ? Number.NaN : Date.parse(event.observedAt);
  if (Number.isNaN(at)) return 'the event has no wall-clock time to place a window';
  return { stream, at };
}

/** The streams to fetch, one window each; events that cannot be placed in a window get a note at once. */
function planWindows(
  events: readonly OomEvent[],
  deps: ReportContextDeps,
): { work: StreamWork[]; notes: Map<number, ContextNote> } {
  const before = deps.windowBeforeMs ?? REPORT_CONTEXT_DEFAULTS.windowBeforeMs;
  const after = deps.windowAfterMs ?? REPORT_CONTEXT_DEFAULTS.windowAfterMs;
  const byStream = new Map<string, StreamWork>();
  const notes = new Map<number, ContextNote>();
  events.forEach((event, index) => {
    if (!needsReportContext(event)) return;
    const place = windowPlaceOf(event);
    if (typeof place === 'string') {
      notes.set(index, {
        eventId: event.id,
        outcome: 'not-fetched',
        detail: `report context not fetched: ${place}`,
      });
      return;
    }
    const { stream, at } = place;
    const key = `${stream.logGroup}\u0000${stream.logStream}`;
    const work = byStream.get(key) ?? { stream, indexes: [], fromMs: at - before, toMs: at + after };
    work.indexes.push(index);
    work.fromMs = Math.min(work.fromMs, at - before);
    work.toMs = Math.max(work.toMs, at + after);
    byStream.set(key, work);
  });
  return { work: [...byStream.values()], notes };
}

async function completeStream(
  work: StreamWork,
  events: OomEvent[],
  notes: Map<number, ContextNote>,
  deps: ReportContextDeps,
  pacing: PagePacing,
): Promise<void> {
  const read = await readAllLogEvents(
    deps.client,
    {
      logGroupName: work.stream.logGroup,
      logStreamNames: [work.stream.logStream],
      startTime: work.fromMs,
      endTime: work.toMs,
    },
    pacing,
  );
  if (!read.ok) {
    for (const index of work.indexes) {
      const event = events[index] as OomEvent;
      notes.set(index, {
        eventId: event.id,
        outcome: 'not-fetched',
        detail: `report context not fetched: ${read.reason}`,
      });
    }
    return;
  }
  const logEvents = read.events.map(streamLogEventOf);
  const candidates = oomEventsFromStream(work.stream, logEvents, null, { final: true }).events;
  for (const index of work.indexes) {
    const event = events[index] as OomEvent;
    const merged = mergeReportContext(event, candidates);
    events[index] = merged.event;
    notes.set(
      index,
      merged.filled.length > 0
        ? {
            eventId: event.id,
            outcome: 'filled',
            filled: merged.filled,
            detail: `report context filled ${merged.filled.join(', ')}`,
          }
        : {
            eventId: event.id,
            outcome: 'unchanged',
            detail: `report context: the ${read.events.length} lines around the kill added nothing`,
          },
    );
  }
}

/**
 * Completes the events that need it from their streams' surrounding lines. Never throws for AWS trouble:
 * an event whose window could not be read comes back unchanged, with the reason in its note.
 */
export async function completeFromReportContext(
  events: readonly OomEvent[],
  deps: ReportContextDeps,
): Promise<ContextResult> {
  const { work, notes } = planWindows(events, deps);
  const completed = [...events];
  const pacing: PagePacing = {
    timing: { now: () => deps.now(), sleep: (ms) => deps.sleep(ms) },
    deadline: deps.now() + (deps.budgetMs ?? REPORT_CONTEXT_DEFAULTS.budgetMs),
    maxAttempts: REPORT_CONTEXT_DEFAULTS.maxAttempts,
    baseDelayMs: REPORT_CONTEXT_DEFAULTS.baseDelayMs,
    maxDelayMs: REPORT_CONTEXT_DEFAULTS.maxDelayMs,
  };
  await Promise.all(work.map((stream) => completeStream(stream, completed, notes, deps, pacing)));
  const ordered = [...notes.entries()].sort(([a], [b]) => a - b).map(([, note]) => note);
  return { events: completed, notes: ordered };
}
