import { describe, expect, it } from 'vitest';
import { MAX_TEXT_CHARS, shrinkEvent } from '../../shared/event-shrink.ts';
import type { EnrichedOomEvent, OomEvent } from '../../shared/oom-event.ts';
import { groupKillEvent } from '../fixtures/group-kill-report.ts';
import { oomEvent } from '../fixtures/kubernetes-objects.ts';

const bytesOf = (event: object): number => Buffer.byteLength(JSON.stringify(event));
const within =
  (limit: number) =>
  (event: object): boolean =>
    bytesOf(event) <= limit;
const KIB_64 = 64 * 1024;

describe('shrinkEvent', () => {
  it('hands back an event that fits untouched, with nothing left out', () => {
    const event = oomEvent();
    expect(shrinkEvent(event, within(KIB_64))).toEqual({ event, trimmed: null, fits: true });
  });

  it('a 3,000-member group kill: the CloudWatch ids go, from the middle; lines, tasks and co-victims stay', () => {
    const event = groupKillEvent(3000);
    expect(bytesOf(event)).toBeGreaterThan(300_000);
    const shrunk = shrinkEvent(event, within(KIB_64));
    expect(shrunk.fits).toBe(true);
    expect(bytesOf(shrunk.event)).toBeLessThanOrEqual(KIB_64);
    const before = event.source as { eventIds: string[] };
    const after = shrunk.event.source as { eventIds: string[] };
    expect(after.eventIds.length).toBeGreaterThan(100);
    expect(after.eventIds[0]).toBe(before.eventIds[0]);
    expect(after.eventIds.at(-1)).toBe(before.eventIds.at(-1));
    expect(shrunk.trimmed).toEqual({
      longText: 0,
      sourceRefs: before.eventIds.length - after.eventIds.length,
      lines: 0,
      tasks: 0,
      coVictims: 0,
      labels: 0,
    });
    expect(shrunk.event).toEqual({ ...event, source: shrunk.event.source });
    expect(shrunk.event.coVictimCount).toBe(2999);
    expect(shrunk.event.coVictims).toHaveLength(100);
  });

  it('cuts text no kernel record can hold (lines, cgroup paths, names) before anything else', () => {
    const huge = '/kubepods.slice/' + 'x'.repeat(300_000);
    const event = oomEvent({
      cgroup: { oom: huge, task: huge },
      victim: { ...oomEvent().victim, name: 'n'.repeat(100_000) },
      lines: ['a'.repeat(200_000), 'Memory cgroup out of memory: Killed process 48213 (php-fpm)'],
    });
    const shrunk = shrinkEvent(event, within(KIB_64));
    expect(shrunk.fits).toBe(true);
    expect(shrunk.trimmed).toMatchObject({ longText: 4, lines: 0, tasks: 0 });
    expect(shrunk.event.cgroup.oom).toHaveLength(MAX_TEXT_CHARS);
    expect(shrunk.event.cgroup.oom).toBe(`${huge.slice(0, MAX_TEXT_CHARS - 1)}…`);
    expect(shrunk.event.victim.name).toBe(`${'n'.repeat(MAX_TEXT_CHARS - 1)}…`);
    expect(shrunk.event.lines[1]).toBe(event.lines[1]);
    expect(shrunk.event.id).toBe(event.id);
  });

  it('then kernel lines from the middle, keeping the report head and the kill line', () => {
    const lines = Array.from(
      { length: 40 },
      (_, i) => `line ${String(i).padStart(2, '0')} ${'x'.repeat(3_000)}`,
    );
    const shrunk = shrinkEvent(
      oomEvent({ lines, source: { logGroup: 'g', logStream: 's', eventIds: ['1'] } }),
      within(KIB_64),
    );
    expect(shrunk.fits).toBe(true);
    expect(shrunk.event.lines[0]).toBe(lines[0]);
    expect(shrunk.event.lines.at(-1)).toBe(lines[39]);
    expect(shrunk.trimmed).toMatchObject({ sourceRefs: 1, lines: 40 - shrunk.event.lines.length, tasks: 0 });
    // One more line would not have fitted.
    expect(bytesOf(shrunk.event) + 3_010).toBeGreaterThan(KIB_64);
  });

  it('then task rows and co-victims from the end; coVictimCount still counts them all', () => {
    const tasks = Array.from({ length: 10 }, (_, i) => ({
      pid: 1000 + i,
      name: `w${i}`.padEnd(1_000, 'y'),
      rssKb: 100_000 - i,
      oomScoreAdj: 0,
    }));
    const coVictims = Array.from({ length: 100 }, (_, i) => ({
      pid: 2000 + i,
      name: `c${i}`.padEnd(900, 'z'),
      anonRssKb: 4,
    }));
    const event = oomEvent({ lines: ['l'.repeat(4_000)], tasks, coVictims, coVictimCount: 4_000 });
    const shrunk = shrinkEvent(event, within(KIB_64));
    expect(shrunk.fits).toBe(true);
    expect(shrunk.event.lines).toEqual([]);
    expect(shrunk.event.tasks).toEqual([]);
    expect(shrunk.event.coVictims).toEqual(coVictims.slice(0, shrunk.event.coVictims.length));
    expect(shrunk.event.coVictims.length).toBeGreaterThan(50);
    expect(shrunk.event.coVictimCount).toBe(4_000);
    expect(shrunk.trimmed).toMatchObject({
      lines: 1,
      tasks: 10,
      coVictims: 100 - shrunk.event.coVictims.length,
    });
  });

  it("keeps as many of the pod's labels as fit, last, and never the identity", () => {
    const labels = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`label-${i}`, 'v'.repeat(700)]));
    const base = oomEvent();
    const event: EnrichedOomEvent = {
      ...base,
      coVictims: [{ pid: 1, name: 'worker', anonRssKb: 1 }],
      coVictimCount: 1,
      cluster: 'prod',
      kubernetes: {
        namespace: 'shop',
        pod: 'web-7d9f8b6c5d-x2x9k',
        container: 'app',
        containerType: 'regular',
        workload: { kind: 'Deployment', name: 'web' },
        qosClass: 'Burstable',
        image: 'registry.example/web:1.4.2',
        labels,
        memoryRequest: '256Mi',
        memoryLimit: '512Mi',
        restartCount: 1,
        lastTermination: null,
      },
      impact: 'container-restarted',
      enrichment: { status: 'resolved', detail: null },
    };
    const shrunk = shrinkEvent(event, within(KIB_64));
    expect(shrunk.fits).toBe(true);
    const kept = Object.keys(shrunk.event.kubernetes?.labels ?? {});
    expect(kept).toEqual(Object.keys(labels).slice(0, kept.length));
    expect(kept.length).toBeGreaterThan(50);
    expect(shrunk.trimmed).toMatchObject({ coVictims: 1, labels: 400 - kept.length });
    expect(shrunk.event).toMatchObject({
      id: 'ev-1',
      coVictimCount: 1,
      kubernetes: { namespace: 'shop', pod: 'web-7d9f8b6c5d-x2x9k' },
    });
  });

  it('says so when even the bare event does not fit, handing back the smallest it could make', () => {
    const shrunk = shrinkEvent(groupKillEvent(50), within(600));
    expect(shrunk.fits).toBe(false);
    expect(shrunk.event).toMatchObject({ lines: [], tasks: [], coVictims: [], coVictimCount: 49 });
    expect((shrunk.event.source as { eventIds: string[] }).eventIds).toEqual([]);
  });

  it('keeps the ends of the line numbers of a file read by scan', () => {
    const event: OomEvent = {
      ...oomEvent(),
      source: { file: 'dmesg.log', lines: Array.from({ length: 20_000 }, (_, i) => i) },
    };
    const shrunk = shrinkEvent(event, within(KIB_64));
    const lines = (shrunk.event.source as { lines: number[] }).lines;
    expect(shrunk.fits).toBe(true);
    expect([lines[0], lines.at(-1)]).toEqual([0, 19_999]);
  });
});
