import { describe, expect, it } from 'vitest';
import { MAX_ENTRY_BYTES, buildBusEntry, entryBytes, groupIntoCalls } from '../../shared/event-bus-entry.ts';
import { MAX_TEXT_CHARS } from '../../shared/event-shrink.ts';
import type { EnrichedOomEvent } from '../../shared/oom-event.ts';
import { oomEvent } from '../fixtures/kubernetes-objects.ts';

function enriched(overrides: Partial<EnrichedOomEvent> = {}): EnrichedOomEvent {
  return {
    ...oomEvent(),
    cluster: 'prod',
    kubernetes: {
      namespace: 'shop',
      pod: 'web-7d9f8b6c5d-x2x9k',
      container: 'app',
      containerType: 'regular',
      workload: { kind: 'Deployment', name: 'web' },
      qosClass: 'Burstable',
      image: 'registry.example/web:1.4.2',
      labels: { app: 'web' },
      memoryRequest: '256Mi',
      memoryLimit: '512Mi',
      restartCount: 1,
      lastTermination: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2025-03-14T09:26:54.000Z' },
    },
    impact: 'container-restarted',
    enrichment: { status: 'resolved', detail: null },
    ...overrides,
  };
}

describe('buildBusEntry', () => {
  it('builds the entry: source, detail-type, the event as Detail, the kill time as Time', () => {
    const event = enriched();
    const built = buildBusEntry(event, 'oom-bus');
    expect(built).toEqual({
      ok: true,
      bytes:
        14 + 'eks-oom-alerts'.length + 'Pod OOM Killed'.length + Buffer.byteLength(JSON.stringify(event)),
      trimmed: null,
      entry: {
        Source: 'eks-oom-alerts',
        DetailType: 'Pod OOM Killed',
        Detail: JSON.stringify(event),
        EventBusName: 'oom-bus',
        Resources: [],
        Time: new Date('2025-03-14T09:26:53.000Z'),
      },
    });
  });

  it('says "Node OOM Kill" for a host process, and leaves Time out when the kill has no time', () => {
    const built = buildBusEntry(
      enriched({ pod: null, container: null, kubernetes: null, impact: 'host-process', observedAt: null }),
      'oom-bus',
    );
    expect(built.ok && built.entry.DetailType).toBe('Node OOM Kill');
    expect(built.ok && 'Time' in built.entry).toBe(false);
  });

  it('trims kernel lines from the middle, keeping the report head and the kill line', () => {
    const lines = Array.from(
      { length: 40 },
      (_, i) => `line ${String(i).padStart(2, '0')} ${'x'.repeat(4_000)}`,
    );
    const event = enriched({ lines });
    const built = buildBusEntry(event, 'oom-bus', 100_000);
    if (!built.ok) throw new Error(built.reason);
    const detail = JSON.parse(built.entry.Detail) as EnrichedOomEvent;
    expect(built.bytes).toBeLessThanOrEqual(100_000);
    expect(built.trimmed).toEqual({
      longText: 0,
      sourceRefs: 1,
      lines: 40 - detail.lines.length,
      tasks: 0,
      coVictims: 0,
      labels: 0,
    });
    expect(detail.lines.length).toBeGreaterThan(10);
    expect(detail.lines[0]).toBe(lines[0]);
    expect(detail.lines.at(-1)).toBe(lines[39]);
    expect(detail.tasks).toEqual(event.tasks);
    expect(detail.kubernetes).toEqual(event.kubernetes);
    // One more line would not have fitted.
    expect(built.bytes + Buffer.byteLength(JSON.stringify(lines[20])) + 1).toBeGreaterThan(100_000);
  });

  it('then trims task rows, and never the identity', () => {
    const tasks = Array.from({ length: 10 }, (_, i) => ({
      pid: 1000 + i,
      name: `worker-${i}-${'y'.repeat(9_000)}`,
      rssKb: 100_000 - i,
      oomScoreAdj: 0,
    }));
    const event = enriched({ lines: ['a'.repeat(50_000)], tasks });
    const built = buildBusEntry(event, 'oom-bus', 60_000);
    if (!built.ok) throw new Error(built.reason);
    const detail = JSON.parse(built.entry.Detail) as EnrichedOomEvent;
    expect(detail.lines).toEqual([]);
    expect(detail.tasks).toEqual(tasks.slice(0, detail.tasks.length));
    expect(built.trimmed).toEqual({
      longText: 1,
      sourceRefs: 1,
      lines: 1,
      tasks: 10 - detail.tasks.length,
      coVictims: 0,
      labels: 0,
    });
    expect(detail.tasks.length).toBeGreaterThan(0);
    expect(detail.kubernetes?.labels).toEqual({ app: 'web' });
  });

  it('then the co-victims, and as a last resort the labels that do not fit, keeping the identity', () => {
    const labels = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`label-${i}`, 'v'.repeat(700)]));
    const base = enriched();
    const coVictims = Array.from({ length: 3 }, (_, i) => ({ pid: i, name: 'worker', anonRssKb: 1 }));
    const built = buildBusEntry(
      enriched({ kubernetes: { ...base.kubernetes!, labels }, coVictims, coVictimCount: 3 }),
      'oom-bus',
    );
    if (!built.ok) throw new Error(built.reason);
    const detail = JSON.parse(built.entry.Detail) as EnrichedOomEvent;
    const kept = Object.keys(detail.kubernetes?.labels ?? {});
    expect(kept).toEqual(Object.keys(labels).slice(0, kept.length));
    expect(kept.length).toBeGreaterThan(300);
    expect(built.trimmed).toMatchObject({ coVictims: 3, labels: 400 - kept.length });
    expect(detail).toMatchObject({
      id: 'ev-1',
      coVictims: [],
      coVictimCount: 3,
      kubernetes: { namespace: base.kubernetes?.namespace, pod: base.kubernetes?.pod },
    });
  });

  it('cuts a cgroup path longer than any kernel line rather than refuse the event', () => {
    const path = `/${'x'.repeat(300_000)}`;
    const built = buildBusEntry(enriched({ cgroup: { oom: path, task: null } }), 'oom-bus');
    if (!built.ok) throw new Error(built.reason);
    const detail = JSON.parse(built.entry.Detail) as EnrichedOomEvent;
    expect(detail.cgroup.oom).toBe(`${path.slice(0, MAX_TEXT_CHARS - 1)}…`);
    expect(built.trimmed).toMatchObject({ longText: 1, lines: 0 });
  });

  it('refuses rather than cut identity fields when those alone are too big', () => {
    const base = enriched();
    const event = enriched({ kubernetes: { ...base.kubernetes!, image: 'x'.repeat(300_000) } });
    const built = buildBusEntry(event, 'oom-bus');
    expect(built.ok).toBe(false);
    expect(!built.ok && built.reason).toMatch(
      /^event ev-1 is \d+ bytes without its kernel lines, source ids, task table, co-victims and labels \(limit 262144\)$/,
    );
  });

  it('fits the 256 KB limit by default', () => {
    const event = enriched({
      lines: Array.from({ length: 40 }, () => 'z'.repeat(4_000)),
      coVictims: Array.from({ length: 100 }, (_, i) => ({ pid: i, name: 'w'.repeat(1_000), anonRssKb: 1 })),
      coVictimCount: 100,
    });
    const built = buildBusEntry(event, 'oom-bus');
    expect(built.ok && built.bytes).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
    expect(built.ok && built.trimmed?.lines).toBeGreaterThan(0);
  });
});

describe('entryBytes', () => {
  it('counts UTF-8 bytes of Source, DetailType, Detail and Resources, and 14 for Time', () => {
    expect(
      entryBytes({
        Source: 's',
        DetailType: 'dt',
        Detail: '{"n":"é"}',
        EventBusName: 'ignored',
        Resources: ['r1'],
        Time: new Date(),
      }),
    ).toBe(14 + 1 + 2 + 10 + 2);
  });
});

describe('groupIntoCalls', () => {
  it('puts at most 10 entries in a call', () => {
    expect(groupIntoCalls(Array.from({ length: 23 }, () => 100)).map((c) => c.length)).toEqual([10, 10, 3]);
  });

  it('starts a new call before the request would pass 256 KB', () => {
    expect(groupIntoCalls([100_000, 100_000, 100_000, 10])).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('keeps order and groups nothing for nothing', () => {
    expect(groupIntoCalls([1, 2, 3])).toEqual([[0, 1, 2]]);
    expect(groupIntoCalls([])).toEqual([]);
  });
});
