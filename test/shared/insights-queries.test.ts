import { describe, expect, it } from 'vitest';
import { INSIGHTS_QUERIES, fillQueryParameters, type InsightsQuery } from '../../shared/insights-queries.ts';
import { historyRecordOf } from '../../shared/history-record.ts';
import type { EnrichedOomEvent } from '../../shared/oom-event.ts';

const query = (name: string): InsightsQuery => {
  const found = INSIGHTS_QUERIES.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no query ${name}`);
  return found;
};

// Every dotted field a query reads must exist in the history record of an EnrichedOomEvent, the JSON line notify
// writes (shared/history-record.ts).
const sampleEvent: EnrichedOomEvent = {
  schemaVersion: 1,
  id: 'x',
  node: 'ip-10-0-1-23.eu-west-1.compute.internal',
  observedAt: '2026-01-01T00:00:00.000Z',
  kernelTime: 1,
  constraint: 'memcg',
  limitScope: 'container',
  victim: {
    pid: 1,
    name: 'php-fpm',
    uid: 0,
    totalVmKb: 1,
    anonRssKb: 1,
    fileRssKb: 1,
    shmemRssKb: 0,
    pgtablesKb: 1,
    oomScoreAdj: 0,
  },
  trigger: null,
  cgroup: { oom: null, task: null },
  pod: { uid: 'u', qos: 'burstable' },
  container: null,
  memory: { usageKb: 1, limitKb: 1, failcnt: 1, swapUsageKb: null, swapLimitKb: null },
  tasks: [],
  coVictims: [],
  coVictimCount: 0,
  complete: true,
  source: { logGroup: null, logStream: null, eventIds: [] },
  lines: [],
  cluster: 'demo',
  kubernetes: {
    namespace: 'shop',
    pod: 'web-1',
    container: 'app',
    containerType: 'regular',
    workload: { kind: 'Deployment', name: 'web' },
    qosClass: 'Burstable',
    image: 'web:1',
    labels: {},
    memoryRequest: null,
    memoryLimit: '512Mi',
    restartCount: 0,
    lastTermination: null,
  },
  impact: 'process-killed-container-running',
  enrichment: { status: 'resolved', detail: null },
};

function hasPath(value: unknown, path: string[]): boolean {
  if (path.length === 0) return true;
  if (typeof value !== 'object' || value === null) return false;
  const [head, ...rest] = path as [string, ...string[]];
  return head in value && hasPath((value as Record<string, unknown>)[head], rest);
}

describe('saved Logs Insights queries', () => {
  it('cover kills by namespace, top workloads, child-process kills, system OOMs by node and a pod history', () => {
    expect(INSIGHTS_QUERIES.map((q) => q.name)).toEqual(
      expect.arrayContaining([
        'kills-by-namespace',
        'top-workloads',
        'child-process-kills',
        'system-ooms-by-node',
        'pod-history',
      ]),
    );
    expect(new Set(INSIGHTS_QUERIES.map((q) => q.name)).size).toBe(INSIGHTS_QUERIES.length);
  });

  it.each(INSIGHTS_QUERIES.map((q) => [q.name, q] as const))(
    '%s reads only fields of the event written by notify',
    (_name, q) => {
      const fields = [...q.queryString.matchAll(/\b([a-z][A-Za-z]*(?:\.[a-z][A-Za-z]*)+)\b/g)].map(
        (match) => match[1] as string,
      );
      expect(fields.length).toBeGreaterThan(0);
      for (const field of fields)
        expect([field, hasPath(historyRecordOf(sampleEvent), field.split('.'))]).toEqual([field, true]);
    },
  );

  it('child-process kills filter on the impact enrich assigns to them', () => {
    expect(query('child-process-kills').queryString).toContain(`impact = "${sampleEvent.impact}"`);
  });
});

describe('fillQueryParameters', () => {
  it('puts namespace and pod into the pod-history query', () => {
    expect(fillQueryParameters(query('pod-history'), { NAMESPACE: 'shop', POD: 'web-7d9f8-abcde' })).toEqual({
      ok: true,
      queryString: query('pod-history')
        .queryString.replace('"NAMESPACE"', '"shop"')
        .replace('"POD"', '"web-7d9f8-abcde"'),
    });
  });

  it('names the missing parameter', () => {
    expect(fillQueryParameters(query('pod-history'), { NAMESPACE: 'shop' })).toEqual({
      ok: false,
      error: 'pod-history needs POD (Pod name)',
    });
  });

  it('refuses a value that could escape the quoted string', () => {
    expect(fillQueryParameters(query('pod-history'), { NAMESPACE: 'shop" or 1=1 or "', POD: 'web' })).toEqual(
      {
        ok: false,
        error: 'NAMESPACE "shop" or 1=1 or "" is not a Kubernetes name (lowercase letters, digits, - and .)',
      },
    );
  });

  it('leaves queries without parameters as they are', () => {
    expect(fillQueryParameters(query('top-workloads'), {})).toEqual({
      ok: true,
      queryString: query('top-workloads').queryString,
    });
  });
});
