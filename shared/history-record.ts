/**
 * A kill as the events log group keeps it: the EnrichedOomEvent, reordered and with its lists flattened, so that
 * CloudWatch Logs Insights finds every field the saved queries, the e-mail and the digest read.
 *
 * Logs Insights flattens a JSON event into fields (`kubernetes.namespace`; an array element is `tasks.0.name`)
 * and discovers at most 200 of them, without saying which it dropped. A pod with many processes, co-victims or
 * labels would pass that limit, so:
 * - the fields people filter and group on come first;
 * - every list (task dump, co-victims, kernel lines, source event ids) is one string: JSON, or the kernel lines
 *   one a line (`jsonParse(tasks)` reads the lists back in a query);
 * - the labels stay a map while the record fits, else they too become one JSON string.
 */
import type { EnrichedOomEvent, KubernetesIdentity } from './oom-event.ts';

/** How many fields Logs Insights discovers in one JSON log event. */
export const INSIGHTS_FIELD_LIMIT = 200;

type JsonRecord = Record<string, unknown>;

/** The field names Logs Insights makes of a JSON value, in order: nested keys joined by `.`, array items by index. */
export function insightsFieldsOf(value: unknown, prefix = ''): string[] {
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item, i) => [String(i), item])
    : typeof value === 'object' && value !== null
      ? Object.entries(value)
      : [];
  if (entries.length === 0) return prefix === '' ? [] : [prefix];
  return entries.flatMap(([key, item]) => insightsFieldsOf(item, prefix === '' ? key : `${prefix}.${key}`));
}

function sourceRecord(source: EnrichedOomEvent['source']): JsonRecord {
  return 'file' in source
    ? { file: source.file, lines: JSON.stringify(source.lines) }
    : { logGroup: source.logGroup, logStream: source.logStream, eventIds: JSON.stringify(source.eventIds) };
}

type Labels = Record<string, string>;

/** The identity with its labels last: they are the only part of it that grows. */
function identityOf(kubernetes: KubernetesIdentity, labels: (own: Labels) => unknown): JsonRecord {
  const { labels: own, ...identity } = kubernetes;
  return { ...identity, labels: labels(own) };
}

function recordWithLabels(event: EnrichedOomEvent, labels: (own: Labels) => unknown): JsonRecord {
  const {
    cluster,
    node,
    impact,
    constraint,
    limitScope,
    kubernetes,
    enrichment,
    victim,
    memory,
    pod,
    ...rest
  } = event;
  const { tasks, coVictims, lines, source, ...others } = rest;
  return {
    cluster,
    node,
    impact,
    constraint,
    limitScope,
    kubernetes: kubernetes === null ? null : identityOf(kubernetes, labels),
    enrichment,
    victim,
    memory,
    pod,
    // The other fields, whatever the contract adds.
    ...others,
    source: sourceRecord(source),
    tasks: JSON.stringify(tasks),
    coVictims: JSON.stringify(coVictims),
    lines: lines.join('\n'),
  };
}

/** The history record of a kill: at most {@link INSIGHTS_FIELD_LIMIT} fields, the queried ones first. */
export function historyRecordOf(event: EnrichedOomEvent): JsonRecord {
  const record = recordWithLabels(event, (labels) => labels);
  if (insightsFieldsOf(record).length <= INSIGHTS_FIELD_LIMIT) return record;
  return recordWithLabels(event, (labels) => JSON.stringify(labels));
}
