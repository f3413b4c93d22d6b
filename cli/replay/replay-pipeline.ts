/**
 * parse → enrich → publish in one process, over batches of log events as a subscription would send them.
 * The stages are the Lambdas' own: the stream step with per-stream state (as the parse function),
 * `enrichEvents` with the stage it is handed (as the enrich function), and whatever `publish` is handed.
 */
import { enrichEvents, type EventOutcome, type Publish } from '../../adapters/enrich/enrich-events.ts';
import type { EnrichStage } from '../../adapters/enrich/enrich-stage.ts';
import type { OomEvent } from '../../shared/oom-event.ts';
import type { AssemblerState } from '../../shared/report-assembler.ts';
import { kernelStreamOf, oomEventsFromStream, type KernelStream } from '../../shared/stream-events.ts';
import type { StreamBatch } from './replay-input.ts';

export interface ReplayDeps {
  stage: EnrichStage;
  publish: Publish;
  /** How long enrichment may spend on the cluster's API for the whole run. */
  enrichBudgetMs: number;
  /** Given, each kill's stage times are measured with it (`replay --timings`). */
  clock?: () => number;
}

/** What each stage took for one kill, in ms: its batch's parse, its pod lookup, the publish step it went in. */
export interface StageTimes {
  parseMs: number;
  enrichMs: number;
  publishMs: number;
}

export interface ReplayResult {
  events: OomEvent[];
  outcomes: EventOutcome[];
  /** Lines that look like OOM text but no recognizer read. */
  drift: number;
  /** Streams whose lines are never kernel messages (`<node>.host.secure`). */
  skippedStreams: string[];
  /** By event id, with a `clock`. */
  timings?: Map<string, StageTimes>;
}

interface StreamState {
  stream: KernelStream;
  state: AssemblerState;
}

/**
 * The OomEvents of all batches: each stream's state carried from batch to batch, then flushed. `parseMs`, by
 * event id: how long the step that gave the event took, measured with `clock`.
 */
function parseBatches(
  batches: readonly StreamBatch[],
  clock: () => number = () => 0,
): Omit<ReplayResult, 'outcomes'> & { parseMs: Map<string, number> } {
  const streams = new Map<string, StreamState>();
  // A report still open at a batch's end is sent and kept open; when a later batch adds to it (more
  // memory.oom.group members, a late `Task in` line) it is sent again under the same id. The last copy is the
  // whole report, so it replaces the first, in the first one's place.
  const events = new Map<string, OomEvent>();
  const parseMs = new Map<string, number>();
  const skipped = new Set<string>();
  let drift = 0;
  const step = (
    stream: KernelStream,
    logEvents: StreamBatch['logEvents'],
    carried: AssemblerState | null,
    final: boolean,
  ): AssemblerState => {
    const started = clock();
    const result = oomEventsFromStream(stream, logEvents, carried, { final });
    for (const event of result.events) parseMs.set(event.id, clock() - started);
    for (const event of result.events) events.set(event.id, event);
    drift += result.drift.length;
    return result.state;
  };
  for (const batch of batches) {
    const stream = kernelStreamOf(batch.logGroup, batch.logStream);
    if (stream === null) {
      skipped.add(batch.logStream);
      continue;
    }
    const key = JSON.stringify([batch.logGroup, batch.logStream]);
    const carried = streams.get(key)?.state ?? null;
    streams.set(key, { stream, state: step(stream, batch.logEvents, carried, false) });
  }
  for (const { stream, state } of streams.values()) step(stream, [], state, true);
  return { events: [...events.values()], drift, skippedStreams: [...skipped], parseMs };
}

export async function replayBatches(
  batches: readonly StreamBatch[],
  deps: ReplayDeps,
): Promise<ReplayResult> {
  const { stage, publish, enrichBudgetMs, clock } = deps;
  const { parseMs, ...parsed } = parseBatches(batches, clock);
  const enrichMs = new Map<string, number>();
  const publishMs = new Map<string, number>();
  const timed = async <T>(ids: readonly string[], into: Map<string, number>, step: () => Promise<T>) => {
    const started = clock?.() ?? 0;
    const result = await step();
    const took = (clock?.() ?? 0) - started;
    for (const id of ids) into.set(id, took);
    return result;
  };
  const outcomes = await enrichEvents(parsed.events, {
    ...stage,
    resolver: {
      resolve: (event, deadline) =>
        timed([event.id], enrichMs, () => stage.resolver.resolve(event, deadline)),
    },
    publish: (events) =>
      timed(
        events.map((e) => e.id),
        publishMs,
        () => publish(events),
      ),
    deadline: stage.now() + enrichBudgetMs,
    leaseMs: enrichBudgetMs,
  });
  if (clock === undefined) return { ...parsed, outcomes };
  const timings = new Map(
    parsed.events.map((event) => [
      event.id,
      {
        parseMs: parseMs.get(event.id) ?? 0,
        enrichMs: enrichMs.get(event.id) ?? 0,
        publishMs: publishMs.get(event.id) ?? 0,
      },
    ]),
  );
  return { ...parsed, outcomes, timings };
}
