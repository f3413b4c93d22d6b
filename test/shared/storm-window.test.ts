import { describe, expect, it } from 'vitest';
import type { EnrichedOomEvent } from '../../shared/oom-event.ts';
import {
  DUE_BUCKET_MS,
  dueBucketOf,
  dueBucketOfWindow,
  isWindowOpen,
  placeKill,
  stormGroupLabel,
  stormGroupOf,
  sweepBuckets,
  sweepCursorAfter,
  SWEEP_LOOKBACK_MS,
  windowOpenedBy,
  windowSlotOf,
} from '../../shared/storm-window.ts';
import { exampleEvent } from '../fixtures/enriched/examples.ts';

const at = (iso: string) => Date.parse(iso);

describe('stormGroupOf', () => {
  it('groups pod kills by cluster/namespace/workload/container', () => {
    const group = stormGroupOf(exampleEvent('container-limit'));
    expect(group).toEqual({
      key: 'prod-eu/workload/prod/Deployment/checkout-api/api',
      scope: 'workload',
      cluster: 'prod-eu',
      namespace: 'prod',
      workload: { kind: 'Deployment', name: 'checkout-api' },
      container: 'api',
      podUid: '8d2f4c1a-7b3e-4f5a-9c2d-1e0f3a4b5c6d',
      node: 'ip-10-0-1-23.eu-west-1.compute.internal',
    });
    expect(stormGroupLabel(group)).toBe('prod/checkout-api (api)');
  });

  it('puts kills of two pods of one workload in one storm, and other containers in another', () => {
    const a = exampleEvent('container-limit');
    const b: EnrichedOomEvent = {
      ...a,
      id: 'other',
      node: 'ip-10-0-9-9',
      kubernetes: { ...a.kubernetes!, pod: 'checkout-api-x' },
    };
    const sidecar: EnrichedOomEvent = { ...a, kubernetes: { ...a.kubernetes!, container: 'envoy' } };
    expect(stormGroupOf(b).key).toBe(stormGroupOf(a).key);
    expect(stormGroupOf(sidecar).key).not.toBe(stormGroupOf(a).key);
  });

  it('a bare pod is its own workload', () => {
    const a = exampleEvent('container-limit');
    const group = stormGroupOf({ ...a, kubernetes: { ...a.kubernetes!, workload: null } });
    expect(group.workload).toEqual({ kind: 'Pod', name: 'checkout-api-5b8f9c7d6-k4m2p' });
  });

  it('groups an unresolved pod by UID and host kills by node', () => {
    expect(stormGroupOf(exampleEvent('unenriched')).key).toBe(
      'prod-eu/pod/11111111-2222-3333-4444-555555555555',
    );
    const host = stormGroupOf(exampleEvent('host-process'));
    expect(host.key).toBe('prod-eu/node/ip-10-0-3-41.eu-west-1.compute.internal');
    expect(stormGroupLabel(host)).toBe('node ip-10-0-3-41.eu-west-1.compute.internal');
  });

  it('keeps keys unambiguous: a "/" inside a name cannot fake another group, and "#" never appears', () => {
    const a = exampleEvent('container-limit');
    const tricky = stormGroupOf({
      ...a,
      cluster: 'prod-eu/workload',
      kubernetes: { ...a.kubernetes!, namespace: 'x#y' },
    });
    expect(tricky.key).toBe('prod-eu%2Fworkload/workload/x%23y/Deployment/checkout-api/api');
    expect(tricky.key).not.toContain('#');
  });
});

describe('windows', () => {
  it('opens at the first kill and closes after the configured minutes', () => {
    const window = windowOpenedBy(at('2025-11-20T10:02:11Z'), 30);
    expect(window).toEqual({ openedAt: at('2025-11-20T10:02:11Z'), closesAt: at('2025-11-20T10:32:11Z') });
    expect(isWindowOpen(window, at('2025-11-20T10:32:10.999Z'))).toBe(true);
    expect(isWindowOpen(window, at('2025-11-20T10:32:11Z'))).toBe(false);
  });

  it('indexes a window by the 5-minute bucket it closes in', () => {
    expect(dueBucketOf(at('2025-11-20T10:32:11Z'))).toBe(at('2025-11-20T10:30:00Z'));
    expect(dueBucketOf(at('2025-11-20T10:35:00Z'))).toBe(at('2025-11-20T10:35:00Z'));
  });

  it('a window that closed before its later kills were seen (a replay) falls due now', () => {
    expect(dueBucketOfWindow(at('2025-11-20T10:32:11Z'), at('2025-11-20T10:01:00Z'))).toBe(
      at('2025-11-20T10:30:00Z'),
    );
    expect(dueBucketOfWindow(at('2025-11-20T10:32:11Z'), at('2025-11-27T16:03:00Z'))).toBe(
      at('2025-11-27T16:00:00Z'),
    );
  });

  it('cuts time into window-long slots', () => {
    expect(windowSlotOf(at('2025-11-20T10:02:11Z'), 10)).toBe(at('2025-11-20T10:00:00Z'));
    expect(windowSlotOf(at('2025-11-20T10:29:59Z'), 30)).toBe(at('2025-11-20T10:00:00Z'));
    expect(windowSlotOf(at('2025-11-20T10:30:00Z'), 30)).toBe(at('2025-11-20T10:30:00Z'));
  });
});

describe('placeKill', () => {
  const opened = windowOpenedBy(at('2025-11-20T10:08:00Z'), 10);

  it('counts a kill in the previous slot’s window while that is open at the kill’s time', () => {
    expect(placeKill(at('2025-11-20T10:17:59Z'), opened, null)).toBe('previous');
    expect(placeKill(at('2025-11-20T10:18:00Z'), opened, null)).toBe('open');
  });

  it('counts a kill in its own slot’s window, even one a little older than the kill that opened it', () => {
    expect(placeKill(at('2025-11-20T10:09:00Z'), null, opened)).toBe('current');
    expect(placeKill(at('2025-11-20T10:01:00Z'), null, opened)).toBe('current');
  });

  it('opens a window when neither holds the kill, and alerts it alone past a window that closed', () => {
    expect(placeKill(at('2025-11-20T10:03:00Z'), null, null)).toBe('open');
    const short = windowOpenedBy(at('2025-11-20T10:00:30Z'), 5);
    expect(placeKill(at('2025-11-20T10:07:00Z'), null, short)).toBe('apart');
  });
});

describe('sweepBuckets', () => {
  it('reads the buckets after the cursor that have fully passed', () => {
    const now = at('2025-11-20T10:41:00Z');
    const { buckets, lostBefore } = sweepBuckets(at('2025-11-20T10:25:00Z'), now);
    expect(buckets.map((b) => new Date(b).toISOString())).toEqual([
      '2025-11-20T10:30:00.000Z',
      '2025-11-20T10:35:00.000Z',
    ]);
    expect(lostBefore).toBeNull();
  });

  it('reads nothing when the cursor is current', () => {
    expect(sweepBuckets(at('2025-11-20T10:35:00Z'), at('2025-11-20T10:44:59Z')).buckets).toEqual([]);
  });

  it('leaves a bucket that ended less than a minute ago to the next run: a kill may still be filing into it', () => {
    const cursor = at('2025-11-20T10:25:00Z');
    expect(sweepBuckets(cursor, at('2025-11-20T10:40:59Z')).buckets).toEqual([at('2025-11-20T10:30:00Z')]);
    expect(sweepBuckets(cursor, at('2025-11-20T10:41:00Z')).buckets).toEqual([
      at('2025-11-20T10:30:00Z'),
      at('2025-11-20T10:35:00Z'),
    ]);
  });

  it('without a cursor, looks back one day', () => {
    const now = at('2025-11-20T10:41:00Z');
    const { buckets, lostBefore } = sweepBuckets(null, now);
    expect(buckets).toHaveLength(SWEEP_LOOKBACK_MS / DUE_BUCKET_MS);
    expect(buckets[0]).toBe(at('2025-11-19T10:40:00Z'));
    expect(buckets.at(-1)).toBe(at('2025-11-20T10:35:00Z'));
    expect(lostBefore).toBeNull();
  });

  it('says which windows it gave up on when the cursor is more than a day behind', () => {
    const { buckets, lostBefore } = sweepBuckets(at('2025-11-18T00:00:00Z'), at('2025-11-20T10:41:00Z'));
    expect(buckets[0]).toBe(at('2025-11-19T10:40:00Z'));
    expect(lostBefore).toBe(at('2025-11-19T10:40:00Z'));
  });
});

describe('sweepCursorAfter', () => {
  const b = [0, 1, 2, 3].map((i) => i * DUE_BUCKET_MS);

  it('moves through every bucket when nothing is outstanding', () => {
    expect(sweepCursorAfter(b, new Set())).toBe(b[3]);
  });

  it('stops before the first bucket with an outstanding digest', () => {
    expect(sweepCursorAfter(b, new Set([b[2]!]))).toBe(b[1]);
    expect(sweepCursorAfter(b, new Set([b[0]!]))).toBeNull();
  });
});
