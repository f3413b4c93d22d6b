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
}

export interface ReplayResult {
  events: OomEvent[];
  outcomes: EventOutcome[];
  /** Lines that look like OOM text but no recognizer read. */
  drift: number;
  /** Streams whose lines are never kernel messages (`<node>.host.secure`). */
  skippedStreams: string[];
}

interface StreamState {
  stream: KernelStream;
  state: AssemblerState;
}

/** The OomEvents of all batches: each stream's state carried from batch to batch, then flushed. */
export function parseBatches(batches: readonly StreamBatch[]): Omit<ReplayResult, 'outcomes'> {
  const streams = new Map<string, StreamState>();
  const events: OomEvent[] = [];
  const skipped = new Set<string>();
  let drift = 0;
  for (const batch of batches) {
    const stream = kernelStreamOf(batch.logGroup, batch.logStream);
    if (stream === null) {
      skipped.add(batch.logStream);
      continue;
    }
    const key = JSON.stringify([batch.logGroup, batch.logStream]);
    const carried = streams.get(key)?.state ?? null;
    const result = oomEventsFromStream(stream, batch.logEvents, carried, { final: false });
    streams.set(key, { stream, state: result.state });
    events.push(...result.events);
    drift += result.drift.length;
  }
  for (const { stream, state } of streams.values()) {
    const result = oomEventsFromStream(stream, [], state, { final: true });
    events.push(...result.events);
    drift += result.drift.length;
  }
  return { events, drift, skippedStreams: [...skipped] };
}

export async function replayBatches(
  batches: readonly StreamBatch[],
  deps: ReplayDeps,
): Promise<ReplayResult> {
  const parsed = parseBatches(batches);
  const { stage, publish, enrichBudgetMs } = deps;
  const outcomes = await enrichEvents(parsed.events, {
    ...stage,
    publish,
    deadline: stage.now() + enrichBudgetMs,
    leaseMs: enrichBudgetMs,
  });
  return { ...parsed, outcomes };
}
