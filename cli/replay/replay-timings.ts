/**
 * `replay --timings`: for each kill, at most how long after its kernel line the deployed pipeline makes its
 * SNS publish. Measured in the run: the parse step that gave the kill, its pod lookup, and the publish step
 * (with `--dry-run`, notify's). Added from the stack's settings: Fluent Bit's flush, the SQS delay and batch
 * window (shared/pipeline-waits.ts), and enrich's wait for the kubelet, which counts from the kill and so runs
 * alongside them (adapters/kubernetes/pod-resolver.ts). Not counted: CloudWatch Logs' delivery to parse,
 * EventBridge's to notify and SNS's to the inbox, for which AWS gives no bound.
 */
import { RESOLVER_DEFAULTS } from '../../adapters/kubernetes/pod-resolver.ts';
import type { EnrichedOomEvent, OomEvent } from '../../shared/oom-event.ts';
import { PIPELINE_WAITS } from '../../shared/pipeline-waits.ts';
import type { StageTimes } from './replay-pipeline.ts';

const SECOND = 1000;

/** Fluent Bit's flush, then the SQS delay and the batch window, each at its longest. */
export const SHIP_AND_QUEUE_MS =
  (PIPELINE_WAITS.shipFlushSeconds +
    PIPELINE_WAITS.enrichDelaySeconds +
    PIPELINE_WAITS.enrichBatchWindowSeconds) *
  SECOND;

/** The latest the kubelet wait ends, counted from the kill: `statusSettleMs`, then one storm-bound relist. */
export const KUBELET_WAIT_MS = RESOLVER_DEFAULTS.statusSettleMs + RESOLVER_DEFAULTS.minRelistMs;

/**
 * The waits before enrich is done with a kill, at their longest. Enrich waits for the kubelet on a kill whose
 * report names a pod and a container (whether the pod is then found is the cluster's to say, not this run's).
 */
export function waitsMs(event: Pick<OomEvent, 'pod' | 'container'>): number {
  const kubelet = event.pod !== null && event.container !== null ? KUBELET_WAIT_MS : 0;
  return Math.max(SHIP_AND_QUEUE_MS, kubelet);
}

/** At most how long after the kernel line the SNS publish comes: the waits, then the measured steps. */
export function publishAfterKillMs(event: Pick<OomEvent, 'pod' | 'container'>, stages: StageTimes): number {
  return waitsMs(event) + stages.parseMs + stages.enrichMs + stages.publishMs;
}

const ms = (value: number) => `${Math.round(value)} ms`;
const seconds = (value: number) => `${(value / SECOND).toFixed(1)} s`;

/** The table `--timings` prints: a header, one row per published kill, and what the waits are. */
export function timingsReport(
  events: readonly EnrichedOomEvent[],
  timings: Map<string, StageTimes>,
): string[] {
  const rows = events.map((event) => {
    const stages = timings.get(event.id) ?? { parseMs: 0, enrichMs: 0, publishMs: 0 };
    const cells = [ms(stages.parseMs), ms(stages.enrichMs), ms(stages.publishMs)];
    return [event.id, ...cells, seconds(waitsMs(event)), seconds(publishAfterKillMs(event, stages))];
  });
  const table = [['kill', 'parse', 'enrich', 'publish', 'waits', 'at most'], ...rows];
  const widths = (table[0] ?? []).map((_, i) => Math.max(...table.map((row) => row[i]?.length ?? 0)));
  return [
    'kernel line → SNS publish, per kill (steps measured in this run, waits at their longest):',
    ...table.map(
      (row) =>
        `  ${row
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd()}`,
    ),
    `waits: Fluent Bit flush ≤ ${PIPELINE_WAITS.shipFlushSeconds} s, SQS delay ${PIPELINE_WAITS.enrichDelaySeconds} s, ` +
      `batch window ≤ ${PIPELINE_WAITS.enrichBatchWindowSeconds} s; enrich waits for the kubelet until ` +
      `${seconds(KUBELET_WAIT_MS)} after the kill at most, alongside them. Not counted: ` +
      `CloudWatch Logs' delivery to parse, EventBridge's to notify, SNS's to the inbox.`,
  ];
}
