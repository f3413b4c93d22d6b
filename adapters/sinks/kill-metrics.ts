/**
 * OomKills as CloudWatch EMF metrics, by cluster+namespace and by cluster+namespace+workload.
 * Dimension values come from a bounded set (names of things that exist in the cluster), never a pid
 * or a pod name with a random suffix; what is not known is "unknown".
 */
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS } from '../../shared/metric-names.ts';
import type { EnrichedOomEvent } from '../../shared/oom-event.ts';

export interface KillMetrics {
  countKill(event: EnrichedOomEvent): void;
}

export type KillDimensions = Record<'cluster' | 'namespace', string> & { workload?: string };

const UNKNOWN = 'unknown';
/** CloudWatch takes up to 1024 characters; a Kubernetes name is at most 253, so this only guards bad input. */
const DIMENSION_MAX = 256;

function dimensionValue(value: string | null | undefined): string {
  const trimmed = (value ?? '').trim().slice(0, DIMENSION_MAX);
  return trimmed === '' ? UNKNOWN : trimmed;
}

/** `Deployment/checkout-api`; host processes are "host-process"; a bare pod (random name) is "unknown". */
function workloadValue(event: EnrichedOomEvent): string {
  const workload = event.kubernetes?.workload ?? null;
  if (workload !== null) return dimensionValue(`${workload.kind}/${workload.name}`);
  return event.impact === 'host-process' ? 'host-process' : UNKNOWN;
}

/** The two dimension sets of one kill. */
export function killDimensionsOf(event: EnrichedOomEvent): [KillDimensions, KillDimensions] {
  const byNamespace = {
    cluster: dimensionValue(event.cluster),
    namespace: dimensionValue(event.kubernetes?.namespace),
  };
  return [byNamespace, { ...byNamespace, workload: workloadValue(event) }];
}

/**
 * Each kill is flushed at once as its own EMF records: Powertools merges dimension sets that share
 * keys into one record with warnings, and a flush per kill also survives a later failure.
 */
export class PowertoolsKillMetrics implements KillMetrics {
  readonly #metrics: Metrics;

  constructor(metrics: Metrics) {
    this.#metrics = metrics;
  }

  countKill(event: EnrichedOomEvent): void {
    for (const dimensions of killDimensionsOf(event)) {
      const single = this.#metrics.singleMetric();
      single.clearDefaultDimensions();
      single.addDimensions(dimensions);
      single.addMetric(METRICS.oomKills, MetricUnit.Count, 1);
    }
  }
}
