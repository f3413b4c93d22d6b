/**
 * Reads a log group's history page by page with FilterLogEvents and turns it into OomEvents, exactly as the
 * subscription path does for live lines: each stream's events through the stream step (shared/stream-events.ts)
 * with the stream's own state. After each page the kills are delivered (with `--deliver`), printed, and the checkpoint saved,
 * in that order: an interrupted or failed run resumes at the first page whose kills were not yet handed on.
 */
import type { CloudWatchLogsClient, FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { EventOutcome } from '../../adapters/enrich/enrich-events.ts';
import { filterLogEventsPage, streamLogEventOf } from '../../adapters/logs/report-context-fetch.ts';
import type { PagePacing } from '../../adapters/logs/report-context-fetch.ts';
import type { StreamLogEvent } from '../../shared/log-event-lines.ts';
import type { OomEvent } from '../../shared/oom-event.ts';
import type { AssemblerState, DriftLine } from '../../shared/report-assembler.ts';
import { kernelStreamOf, oomEventsFromStream } from '../../shared/stream-events.ts';
import type { BackfillCheckpoint, CheckpointStore } from './backfill-checkpoint.ts';
import type { ProgressFigures, ProgressReporter } from './backfill-progress.ts';
import { errorMessage } from '../../shared/error-text.ts';

/** Enrich and deliver, with the pipeline's idempotency: one outcome per event, in order. */
export type DeliverKills = (events: readonly OomEvent[]) => Promise<EventOutcome[]>;

export interface PageAssembly {
  kills: OomEvent[];
  drift: Array<{ stream: string; line: DriftLine }>;
  streams: Record<string, AssemblerState>;
}

/** The page's events by stream, in the order they came. */
function byStream(events: readonly FilteredLogEvent[]): Map<string, StreamLogEvent[]> {
  const streams = new Map<string, StreamLogEvent[]>();
  for (const event of events) {
    const name = event.logStreamName ?? '';
    const list = streams.get(name) ?? [];
    list.push(streamLogEventOf(event));
    streams.set(name, list);
  }
  return streams;
}

/**
 * One page through the stream step, per stream with its carried state. `last`: the range ends here, so every
 * stream's open report that has its kill is closed.
 */
function assemblePage(
  logGroup: string,
  events: readonly FilteredLogEvent[],
  states: Readonly<Record<string, AssemblerState>>,
  last: boolean,
): PageAssembly {
  const result: PageAssembly = { kills: [], drift: [], streams: { ...states } };
  const pageStreams = byStream(events);
  const names = new Set([...pageStreams.keys(), ...(last ? Object.keys(states) : [])]);
  for (const name of names) {
    const stream = kernelStreamOf(logGroup, name);
    if (stream === null) continue;
    const pageEvents = pageStreams.get(name) ?? [];
    const assembled = oomEventsFromStream(stream, pageEvents, states[name] ?? null, { final: last });
    result.streams[name] = assembled.state;
    result.kills.push(...assembled.events);
    for (const line of assembled.drift) result.drift.push({ stream: name, line });
  }
  result.kills.sort((a, b) => (a.observedAt ?? '').localeCompare(b.observedAt ?? ''));
  return result;
}

/** Where a page's results go: the same printer `scan` uses, and the drift notices. */
export interface KillOutput {
  kills(events: readonly OomEvent[]): Promise<void>;
  drift(stream: string, lines: readonly DriftLine[]): Promise<void>;
}

export interface DeliveryCounts {
  delivered: number;
  duplicates: number;
}

export interface BackfillDeps {
  client: CloudWatchLogsClient;
  checkpoints: CheckpointStore;
  checkpointPath: string;
  output: KillOutput;
  progress: ProgressReporter;
  deliver: DeliverKills | null;
  now(): number;
  sleep(ms: number): Promise<void>;
  signal: AbortSignal;
}

export type BackfillOutcome =
  | { kind: 'finished'; checkpoint: BackfillCheckpoint; delivery: DeliveryCounts }
  | { kind: 'interrupted'; checkpoint: BackfillCheckpoint; delivery: DeliveryCounts }
  /** Nothing of the failed page was handed on; a re-run resumes with it. */
  | { kind: 'failed'; checkpoint: BackfillCheckpoint; delivery: DeliveryCounts; reason: string };

/** A long backfill outlasts any throttling burst: more patience than the Lambda's report-context fetch. */
const HISTORY_PACING = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 20_000 } as const;

async function deliverPage(
  kills: readonly OomEvent[],
  deliver: DeliverKills,
  counts: DeliveryCounts,
): Promise<string | null> {
  if (kills.length === 0) return null;
  const outcomes = await deliver(kills);
  const failed = outcomes.filter((o) => o.status === 'failed');
  counts.delivered += outcomes.filter((o) => o.status === 'published').length;
  counts.duplicates += outcomes.filter((o) => o.status === 'duplicate').length;
  if (failed.length === 0) return null;
  return `${failed.length} of ${kills.length} kills not delivered: ${failed.map((f) => `${f.eventId}: ${'reason' in f ? f.reason : ''}`).join('; ')}`;
}

export function progressFiguresOf(checkpoint: BackfillCheckpoint): ProgressFigures {
  return {
    scanned: checkpoint.scanned,
    kills: checkpoint.kills,
    startMs: checkpoint.startMs,
    endMs: checkpoint.endMs,
    coveredToMs: checkpoint.coveredToMs,
  };
}

/** Runs (or resumes) the backfill that `start` describes until the range is read, Ctrl-C, or a failure. */
export async function runBackfill(start: BackfillCheckpoint, deps: BackfillDeps): Promise<BackfillOutcome> {
  let checkpoint = start;
  const delivery: DeliveryCounts = { delivered: 0, duplicates: 0 };
  const pacing: PagePacing = {
    timing: { now: () => deps.now(), sleep: (ms) => deps.sleep(ms) },
    deadline: Number.POSITIVE_INFINITY,
    signal: deps.signal,
    ...HISTORY_PACING,
  };
  while (!checkpoint.finished) {
    if (deps.signal.aborted) return { kind: 'interrupted', checkpoint, delivery };
    const sent = checkpoint.nextToken ?? undefined;
    const page = await filterLogEventsPage(
      deps.client,
      {
        logGroupName: checkpoint.logGroup,
        logStreamNamePrefix: checkpoint.streamPrefix ?? undefined,
        filterPattern: checkpoint.filterPattern,
        startTime: checkpoint.startMs,
        endTime: checkpoint.endMs,
        nextToken: sent,
      },
      pacing,
    );
    if (!page.ok) {
      return page.failure === 'aborted'
        ? { kind: 'interrupted', checkpoint, delivery }
        : { kind: 'failed', checkpoint, delivery, reason: `FilterLogEvents: ${page.reason}` };
    }
    const last = page.nextToken === null || page.nextToken === sent;
    const assembled = assemblePage(checkpoint.logGroup, page.events, checkpoint.streams, last);
    if (deps.deliver !== null) {
      const problem = await deliverPage(assembled.kills, deps.deliver, delivery);
      if (problem !== null) return { kind: 'failed', checkpoint, delivery, reason: problem };
    }
    await deps.output.kills(assembled.kills);
    for (const { stream, line } of assembled.drift) await deps.output.drift(stream, [line]);
    const newest = page.events.reduce(
      (max, e) => Math.max(max, e.timestamp ?? max),
      checkpoint.coveredToMs ?? 0,
    );
    checkpoint = {
      ...checkpoint,
      nextToken: last ? null : page.nextToken,
      finished: last,
      streams: assembled.streams,
      scanned: checkpoint.scanned + page.events.length,
      kills: checkpoint.kills + assembled.kills.length,
      coveredToMs: last ? checkpoint.endMs : newest === 0 ? checkpoint.coveredToMs : newest,
    };
    try {
      await deps.checkpoints.save(deps.checkpointPath, checkpoint);
    } catch (error) {
      const reason = `checkpoint ${deps.checkpointPath} could not be written: ${errorMessage(error)}`;
      return { kind: 'failed', checkpoint, delivery, reason };
    }
    await deps.progress.update(progressFiguresOf(checkpoint));
  }
  return { kind: 'finished', checkpoint, delivery };
}
