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
  FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import type { OomEvent } from '../../shared/oom-event.ts';
import { assembleReports } from '../../shared/report-assembler.ts';
import { mergeReportContext } from '../../shared/report-context.ts';
import { linesFromLogEvents } from '../../shared/log-event-lines.ts';
import type { SubscriptionLogEvent } from '../../shared/subscription-payload.ts';
import { errorMessage, errorNameOf } from '../../shared/error-text.ts';

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
export interface PagePacing {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Epoch ms after which no request starts and no backoff is waited for; Infinity for none. */
  deadline: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Ends a request in flight (Ctrl-C in the CLI). */
  signal?: AbortSignal;
}

export type LogPageFailure = 'throttled' | 'budget' | 'aborted' | 'error';

export type LogPage =
  | { ok: true; events: FilteredLogEvent[]; nextToken: string | null }
  | { ok: false; failure: LogPageFailure; reason: string };

function errorName(error: unknown): string {
  return errorNameOf(error) ?? 'Error';
}

function errorText(error: unknown): string {
  return `${errorName(error)}: ${errorMessage(error)}`;
}

/** A function, so that the check after an await is not narrowed away by the one before it. */
function aborted(pacing: PagePacing): boolean {
  return pacing.signal?.aborted === true;
}

function requestSignal(pacing: PagePacing): AbortSignal | undefined {
  const signals: AbortSignal[] = [];
  if (pacing.signal !== undefined) signals.push(pacing.signal);
  if (Number.isFinite(pacing.deadline)) {
    signals.push(AbortSignal.timeout(Math.max(1, pacing.deadline - pacing.now())));
  }
  return signals.length === 0 ? undefined : AbortSignal.any(signals);
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
  let lastThrottle = '';
  for (let attempt = 1; attempt <= pacing.maxAttempts; attempt++) {
    if (aborted(pacing)) return { ok: false, failure: 'aborted', reason: 'interrupted' };
    if (pacing.now() >= pacing.deadline) {
      const after = lastThrottle === '' ? '' : ` (after ${lastThrottle})`;
      return { ok: false, failure: 'budget', reason: `time budget ran out${after}` };
    }
    try {
      const signal = requestSignal(pacing);
      const page = await client.send(
        new FilterLogEventsCommand(input),
        signal === undefined ? {} : { abortSignal: signal },
      );
      return { ok: true, events: page.events ?? [], nextToken: page.nextToken ?? null };
    } catch (error) {
      if (aborted(pacing)) return { ok: false, failure: 'aborted', reason: 'interrupted' };
      if (errorName(error) === 'AbortError' || errorName(error) === 'TimeoutError') {
        return { ok: false, failure: 'budget', reason: 'time budget ran out during a request' };
      }
      if (errorName(error) !== 'ThrottlingException') {
        return { ok: false, failure: 'error', reason: errorText(error) };
      }
      lastThrottle = errorText(error);
    }
    const delay = Math.min(pacing.maxDelayMs, pacing.baseDelayMs * 2 ** (attempt - 1));
    if (attempt < pacing.maxAttempts) {
      if (pacing.now() + delay >= pacing.deadline) {
        return { ok: false, failure: 'budget', reason: `time budget ran out (after ${lastThrottle})` };
      }
      await pacing.sleep(delay);
    }
  }
  return {
    ok: false,
    failure: 'throttled',
    reason: `still throttled after ${pacing.maxAttempts} attempts (${lastThrottle})`,
  };
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
  logGroup: string;
  logStream: string;
  node: string | null;
  /** Indexes into the input of the events to complete, all with a wall-clock time. */
  indexes: number[];
  fromMs: number;
  toMs: number;
}

function subscriptionEventsOf(events: readonly FilteredLogEvent[]): SubscriptionLogEvent[] {
  return events.flatMap((e, i) =>
    e.message === undefined
      ? []
      : [{ id: e.eventId ?? `window-${i}`, timestamp: e.timestamp ?? Number.NaN, message: e.message }],
  );
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
    const source = event.source;
    if (!('logStream' in source) || source.logGroup === null || source.logStream === null) {
      notes.set(index, {
        eventId: event.id,
        outcome: 'not-fetched',
        detail: 'report context not fetched: the event names no log stream',
      });
      return;
    }
    const at = event.observedAt === null ? Number.NaN : Date.parse(event.observedAt);
    if (Number.isNaN(at)) {
      notes.set(index, {
        eventId: event.id,
        outcome: 'not-fetched',
        detail: 'report context not fetched: the event has no wall-clock time to place a window',
      });
      return;
    }
    const key = `${source.logGroup}\u0000${source.logStream}`;
    const work = byStream.get(key) ?? {
      logGroup: source.logGroup,
      logStream: source.logStream,
      node: event.node,
      indexes: [],
      fromMs: at - before,
      toMs: at + after,
    };
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
      logGroupName: work.logGroup,
      logStreamNames: [work.logStream],
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
  const lines = linesFromLogEvents(subscriptionEventsOf(read.events), null);
  const context = { node: work.node, source: { logGroup: work.logGroup, logStream: work.logStream } };
  const candidates = assembleReports(lines, null, context, { final: true }).events;
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
    now: () => deps.now(),
    sleep: (ms) => deps.sleep(ms),
    deadline: deps.now() + (deps.budgetMs ?? REPORT_CONTEXT_DEFAULTS.budgetMs),
    maxAttempts: REPORT_CONTEXT_DEFAULTS.maxAttempts,
    baseDelayMs: REPORT_CONTEXT_DEFAULTS.baseDelayMs,
    maxDelayMs: REPORT_CONTEXT_DEFAULTS.maxDelayMs,
  };
  await Promise.all(work.map((stream) => completeStream(stream, completed, notes, deps, pacing)));
  const ordered = [...notes.entries()].sort(([a], [b]) => a - b).map(([, note]) => note);
  return { events: completed, notes: ordered };
}
