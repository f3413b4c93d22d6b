/**
 * parse → enrich → deliver in one process, over batches of log events as a subscription would deliver
 * them. The stages are the functions' own: the assembler with per-stream state (as functions/parse),
 * `enrichEvents` with a claim store (as functions/enrich), and whatever `deliver` is handed.
 */
import type { ClaimStore } from '../../adapters/state/claim-store.ts';
import { enrichEvents, type Deliver, type EventOutcome } from '../../adapters/enrich/enrich-events.ts';
import type { PodResolver } from '../../adapters/kubernetes/pod-resolver.ts';
import { linesFromLogEvents } from '../../shared/log-event-lines.ts';
import { nodeFromStreamName, streamCarriesKernelLog } from '../../shared/stream-name.ts';
import type { OomEvent } from '../../shared/oom-event.ts';
import {
  assembleReports,
  type AssemblerContext,
  type AssemblerState,
} from '../../shared/report-assembler.ts';
import type { StreamBatch } from './replay-input.ts';

export interface ReplayDeps {
  cluster: string;
  resolver: PodResolver;
  claims: ClaimStore;
  deliver: Deliver;
  now: () => number;
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
  context: AssemblerContext;
  state: AssemblerState | null;
}

/** The OomEvents of all batches: each stream's state carried from batch to batch, then flushed. */
export function parseBatches(batches: readonly StreamBatch[]): Omit<ReplayResult, 'outcomes'> {
  const streams = new Map<string, StreamState>();
  const events: OomEvent[] = [];
  const skipped = new Set<string>();
  let drift = 0;
  for (const batch of batches) {
    if (!streamCarriesKernelLog(batch.logStream)) {
      skipped.add(batch.logStream);
      continue;
    }
    // As functions/parse: the stream name names the node, else each line's own host, else the stream name.
    const node = nodeFromStreamName(batch.logStream);
    const lines = linesFromLogEvents(batch.logEvents, node === null ? batch.logStream : null);
    const key = JSON.stringify([batch.logGroup, batch.logStream]);
    const stream = streams.get(key) ?? {
      context: { node, source: { logGroup: batch.logGroup, logStream: batch.logStream } },
      state: null,
    };
    const result = assembleReports(lines, stream.state, stream.context, { final: false });
    streams.set(key, { ...stream, state: result.state });
    events.push(...result.events);
    drift += result.drift.length;
  }
  for (const stream of streams.values()) {
    const result = assembleReports([], stream.state, stream.context, { final: true });
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
  const outcomes = await enrichEvents(parsed.events, {
    cluster: deps.cluster,
    resolver: deps.resolver,
    claims: deps.claims,
    deliver: deps.deliver,
    now: deps.now,
    deadline: deps.now() + deps.enrichBudgetMs,
    leaseMs: deps.enrichBudgetMs,
    // A replayed file may be months old: its kills are still to be delivered, not taken for stale re-reads.
    claimTtlMs: Number.POSITIVE_INFINITY,
  });
  return { ...parsed, outcomes };
}
