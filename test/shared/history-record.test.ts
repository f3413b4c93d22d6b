import { describe, expect, it } from 'vitest';
import { historyRecordOf, insightsFieldsOf, INSIGHTS_FIELD_LIMIT } from '../../shared/history-record.ts';
import { INSIGHTS_QUERIES } from '../../shared/insights-queries.ts';
import type { EnrichedOomEvent } from '../../shared/oom-event.ts';
import { exampleEvent } from '../fixtures/enriched/examples.ts';

/** A php-fpm pod at its worst: a full task table, a group kill of 350, 150 labels, 40 kernel lines, 90 log events. */
function crowdedPod(): EnrichedOomEvent {
  const base = exampleEvent('child-process');
  return {
    ...base,
    tasks: Array.from({ length: 10 }, (_, i) => ({
      pid: 1000 + i,
      name: 'php-fpm',
      rssKb: 90_000 - i,
      oomScoreAdj: 999,
    })),
    coVictims: Array.from({ length: 100 }, (_, i) => ({
      pid: 2000 + i,
      name: 'php-fpm',
      anonRssKb: 50_000 + i,
    })),
    coVictimCount: 350,
    lines: Array.from({ length: 40 }, (_, i) => `kernel line ${i}`),
    source: {
      logGroup: '/aws/containerinsights/prod-eu/host',
      logStream: 's',
      eventIds: Array.from({ length: 90 }, String),
    },
    kubernetes: {
      ...base.kubernetes!,
      labels: Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`example.com/label-${i}`, `v${i}`])),
    },
  };
}

/** Every dotted field the saved queries, the e-mail's history query and the digest's query read. */
const QUERIED = [
  ...new Set(
    INSIGHTS_QUERIES.flatMap((q) =>
      [...q.queryString.matchAll(/\b([a-z][A-Za-z]*(?:\.[a-z][A-Za-z]*)+)\b/g)].map((m) => m[1] as string),
    ),
  ),
  'cluster',
  'node',
  'impact',
  'constraint',
  'kubernetes.pod',
  'kubernetes.container',
  'kubernetes.workload.name',
  'pod.uid',
  'victim.name',
  'memory.usageKb',
  'memory.limitKb',
];

describe('insightsFieldsOf', () => {
  it('names fields as Logs Insights flattens JSON: nested keys joined by dots, array items by index', () => {
    expect(insightsFieldsOf({ a: { b: 1, c: null }, d: [{ e: 'x' }, 2], f: 'g' })).toEqual([
      'a.b',
      'a.c',
      'd.0.e',
      'd.1',
      'f',
    ]);
  });
});

describe('historyRecordOf', () => {
  it('keeps a crowded pod under 200 fields, every queried field among them', () => {
    const event = crowdedPod();
    expect(insightsFieldsOf(event).length).toBeGreaterThan(INSIGHTS_FIELD_LIMIT);
    const fields = insightsFieldsOf(historyRecordOf(event));
    expect(fields.length).toBeLessThanOrEqual(INSIGHTS_FIELD_LIMIT);
    for (const field of QUERIED) expect([field, fields.includes(field)]).toEqual([field, true]);
  });

  it('puts the queried fields before the lists, and the lists are one string each', () => {
    const event = crowdedPod();
    const record = historyRecordOf(event);
    const fields = insightsFieldsOf(record);
    expect(fields.slice(0, 6)).toEqual([
      'cluster',
      'node',
      'impact',
      'constraint',
      'limitScope',
      'kubernetes.namespace',
    ]);
    expect(fields.slice(-3)).toEqual(['tasks', 'coVictims', 'lines']);
    expect(JSON.parse(record.tasks as string)).toEqual(event.tasks);
    expect(JSON.parse(record.coVictims as string)).toEqual(event.coVictims);
    expect(record.lines).toBe(event.lines.join('\n'));
    expect(record.coVictimCount).toBe(350);
    expect(record.source).toEqual({
      logGroup: '/aws/containerinsights/prod-eu/host',
      logStream: 's',
      eventIds: JSON.stringify((event.source as { eventIds: string[] }).eventIds),
    });
  });

  it('keeps labels a map while they fit, one JSON string when they do not', () => {
    const ordinary = historyRecordOf(exampleEvent('child-process'));
    expect(insightsFieldsOf(ordinary)).toContain('kubernetes.labels.app');
    const crowded = historyRecordOf(crowdedPod());
    const labels = (crowded.kubernetes as { labels: unknown }).labels;
    expect(JSON.parse(labels as string)).toEqual(crowdedPod().kubernetes!.labels);
  });

  it('holds every field of the event, lists aside, as the event has it', () => {
    const event = exampleEvent('container-limit');
    const record = historyRecordOf(event);
    const lists = new Set(['tasks', 'coVictims', 'lines', 'source']);
    expect(record).toMatchObject(
      Object.fromEntries(Object.entries(event).filter(([key]) => !lists.has(key))),
    );
    expect(Object.keys(record).sort()).toEqual(Object.keys(event).sort());
  });

  it('keeps a host kill, without a pod, as it is', () => {
    const record = historyRecordOf(exampleEvent('host-process'));
    expect(record.kubernetes).toBeNull();
    expect(insightsFieldsOf(record).length).toBeLessThanOrEqual(INSIGHTS_FIELD_LIMIT);
  });
});
