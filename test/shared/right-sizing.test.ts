import { describe, expect, it } from 'vitest';
import type { EnrichedOomEvent } from '../../shared/oom-event.ts';
import {
  containerKeyOf,
  containerKillOf,
  keptKills,
  KILLS_KEPT,
  killsInDayBefore,
  kubernetesQuantity,
  rightSizingHint,
  type ContainerKill,
} from '../../shared/right-sizing.ts';
import { exampleEvent } from '../fixtures/enriched/examples.ts';
import { selectionOnlyKill } from '../fixtures/enriched/partial-kills.ts';

const T0 = Date.parse('2025-11-20T10:02:11.117Z');
const HOUR = 60 * 60_000;
const MI = 1024;

function hit(n: number, hoursBefore: number, usageMi = 512, limitMi = 512): ContainerKill {
  return { eventId: `e${n}`, atMs: T0 - hoursBefore * HOUR, usageKb: usageMi * MI, limitKb: limitMi * MI };
}

describe('containerKeyOf', () => {
  it('keys a container of a workload as its storm group, when the container hit its own limit', () => {
    expect(containerKeyOf(exampleEvent('container-limit'))).toBe(
      'prod-eu/workload/prod/Deployment/checkout-api/api',
    );
  });

  it('keeps no count for a pod limit, a node OOM or a kill nobody could name', () => {
    expect(containerKeyOf(exampleEvent('pod-limit'))).toBeNull();
    expect(containerKeyOf(exampleEvent('system-oom'))).toBeNull();
    expect(containerKeyOf(exampleEvent('unenriched'))).toBeNull();
  });

  it('takes the figures of the kill', () => {
    expect(containerKillOf(exampleEvent('container-limit'), T0)).toEqual({
      eventId: exampleEvent('container-limit').id,
      atMs: T0,
      usageKb: 524288,
      limitKb: 524288,
    });
  });
});

describe('keptKills and killsInDayBefore', () => {
  it('keeps each kill once, drops those a day older than the newest, keeps the newest ones, oldest first', () => {
    expect(keptKills([hit(1, 30), hit(2, 2), hit(3, 0)]).map((k) => k.eventId)).toEqual(['e2', 'e3']);
    expect(keptKills([hit(2, 2), hit(3, 0), hit(2, 2)]).map((k) => k.eventId)).toEqual(['e2', 'e3']);
    const many = Array.from({ length: KILLS_KEPT }, (_, i) => hit(i, 1 + i / 100));
    const kept = keptKills([...many, hit(99, 0)]);
    expect(kept).toHaveLength(KILLS_KEPT);
    expect(kept.at(-1)!.eventId).toBe('e99');
    expect(kept.map((k) => k.eventId)).not.toContain(`e${KILLS_KEPT - 1}`);
  });

  it('a kill replayed late keeps the newer ones, and counts only the day up to it', () => {
    const kept = keptKills([hit(2, 2), hit(3, 0), hit(1, 5)]);
    expect(kept.map((k) => k.eventId)).toEqual(['e1', 'e2', 'e3']);
    expect(killsInDayBefore(kept, T0 - 2 * HOUR).map((k) => k.eventId)).toEqual(['e1', 'e2']);
    expect(killsInDayBefore(kept, T0 - 30 * HOUR)).toEqual([]);
  });
});

describe('kubernetesQuantity', () => {
  it('rounds up to a whole Mi, and says Gi when it is one', () => {
    expect(kubernetesQuantity(640 * MI)).toBe('640Mi');
    expect(kubernetesQuantity(640 * MI + 1)).toBe('641Mi');
    expect(kubernetesQuantity(2048 * MI)).toBe('2Gi');
  });
});

describe('rightSizingHint: a container that keeps hitting its limit', () => {
  const event = exampleEvent('container-limit');

  it('says how often, with the figures, and suggests the peak × 1.25 or a leak', () => {
    expect(rightSizingHint(event, [hit(1, 5), hit(2, 1), hit(3, 0)])).toEqual([
      'This container hit its memory limit 3 times in the 24 h up to this kill, the first at ' +
        '2025-11-20 05:02:11 UTC: peak usage 512Mi, limit 512Mi.',
      'If it needs that memory, a limit of 640Mi (the peak × 1.25) leaves it room; if its usage grows until it ' +
        'hits any limit, look for a leak instead.',
    ]);
  });

  it('points at a leak when a raised limit was hit again', () => {
    const hint = rightSizingHint(event, [hit(1, 5, 384, 384), hit(2, 0, 512, 512)]);
    expect(hint[0]).toContain(': peak usage 512Mi, limit 512Mi.');
    expect(hint[1]).toBe(
      'Its limit went from 384Mi to 512Mi in that time and it was hit again: look for a leak before raising it further.',
    );
  });

  it('says nothing of a first kill, and leaves out figures the kernel did not print', () => {
    expect(rightSizingHint(event, [hit(1, 0)])).toEqual([]);
    expect(rightSizingHint(event, null)).toEqual([]);
    const bare = { eventId: 'x', atMs: T0 - HOUR, usageKb: null, limitKb: null };
    expect(rightSizingHint(event, [bare, { ...bare, eventId: 'y', atMs: T0 }])).toEqual([
      'This container hit its memory limit 2 times in the 24 h up to this kill, the first at 2025-11-20 09:02:11 UTC.',
    ]);
  });

  it('says "or more" once the kept kills are full', () => {
    const kills = Array.from({ length: KILLS_KEPT }, (_, i) => hit(i, (KILLS_KEPT - i) / 10));
    expect(rightSizingHint(event, kills)[0]).toContain(`hit its memory limit ${KILLS_KEPT} or more times`);
  });
});

describe('rightSizingHint: which kind of kill', () => {
  it('a child killed in a container of many processes: the count and the largest, and a single-process kill', () => {
    expect(rightSizingHint(exampleEvent('child-process'), null)).toEqual([
      "Only php-fpm (pid 88213) died; the container ran on. The kernel's task list of the cgroup held 3 processes; " +
        'the largest: php-fpm (pid 88213) 179.9Mi, php-fpm (pid 88190) 49.9Mi, php-fpm (pid 88002) 17.6Mi.',
      "A single-process kill: the kernel killed only php-fpm (pid 88213), so the container's cgroup does not have " +
        'memory.oom.group set: a cgroup v1 node (such as EKS AL2), Kubernetes before 1.28, or a kubelet with ' +
        'singleProcessOOMKill: true (1.32+).',
    ]);
  });

  it("a kill known only by the kernel's choice (corpus 06) never names the chosen process as the one killed", () => {
    const pod = exampleEvent('child-process');
    const event: EnrichedOomEvent = {
      ...selectionOnlyKill(),
      kubernetes: pod.kubernetes,
      impact: pod.impact,
      tasks: pod.tasks,
    };
    const hint = rightSizingHint(event, null);
    expect(hint[0]).toMatch(/^Only java \(pid 27281\) or a child of it died; the container ran on\./);
    expect(hint[1]).toMatch(
      /^A single-process kill: the kernel killed only java \(pid 27281\) or a child of it, /,
    );
  });

  it('a full task list is counted as at least that many', () => {
    const base = exampleEvent('child-process');
    const event: EnrichedOomEvent = {
      ...base,
      tasks: Array.from({ length: 10 }, (_, i) => ({
        pid: 100 + i,
        name: 'celery',
        rssKb: (10 - i) * 1024,
        oomScoreAdj: 0,
      })),
    };
    expect(rightSizingHint(event, null)[0]).toContain(
      'held 10 or more processes (an event keeps the 10 largest); the largest: celery (pid 100) 10Mi, celery (pid 101) 9Mi, celery (pid 102) 8Mi.',
    );
  });

  it('a group kill names memory.oom.group and how many went with the victim', () => {
    const base = exampleEvent('container-limit');
    const event: EnrichedOomEvent = {
      ...base,
      coVictims: [{ pid: 41790, name: 'tini', anonRssKb: 120 }],
      coVictimCount: 12,
    };
    expect(rightSizingHint(event, null)).toEqual([
      'A group kill (memory.oom.group): the kernel killed node (pid 41872) and 12 other processes of the cgroup at ' +
        'once. The kubelet sets memory.oom.group on every container of cgroup v2 nodes from Kubernetes 1.28, unless ' +
        'it runs with singleProcessOOMKill: true (1.32+).',
    ]);
  });

  it('claims no kind for a restart without co-victims: one process, or the main one chosen, cannot be told apart', () => {
    expect(rightSizingHint(exampleEvent('container-limit'), null)).toEqual([]);
    expect(rightSizingHint(exampleEvent('host-process'), null)).toEqual([]);
  });
});
