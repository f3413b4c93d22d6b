import { describe, expect, it } from 'vitest';
import {
  NODE_GRACE_MS,
  checkNodesShipping,
  newestLinePerNode,
  type ClusterNode,
  type KernelStreamTimes,
} from '../../shared/node-shipping.ts';

const NOW = Date.parse('2025-03-14T09:30:00Z');
const MIN = 60_000;
const WINDOW = { graceMs: NODE_GRACE_MS, silentAfterMs: 30 * MIN };
const A = 'ip-10-0-1-1.eu-west-1.compute.internal';

function node(name: string, ageMs: number | null, labels: Record<string, string> = {}): ClusterNode {
  return {
    name,
    createdAt: ageMs === null ? null : NOW - ageMs,
    labels: { 'kubernetes.io/os': 'linux', ...labels },
  };
}

function stream(
  name: string,
  eventAgoMs: number | null,
  ingestionAgoMs: number | null = eventAgoMs,
): KernelStreamTimes {
  return {
    name,
    lastEventAt: eventAgoMs === null ? null : NOW - eventAgoMs,
    lastIngestionAt: ingestionAgoMs === null ? null : NOW - ingestionAgoMs,
  };
}

describe('checkNodesShipping', () => {
  it.each<
    [string, ClusterNode, KernelStreamTimes[], 'shipping' | 'silent' | 'grace' | 'fargate' | 'windows']
  >([
    ['ship mode stream, line 2 minutes ago', node(A, 60 * MIN), [stream(`${A}.kernel`, 2 * MIN)], 'shipping'],
    ['prefix-form stream', node(A, 60 * MIN), [stream(`kernel.${A}`, 2 * MIN)], 'shipping'],
    ['Container Insights dmesg stream', node(A, 60 * MIN), [stream(`${A}.host.dmesg`, 5 * MIN)], 'shipping'],
    [
      'Container Insights messages stream',
      node(A, 60 * MIN),
      [stream(`${A}.host.messages`, 5 * MIN)],
      'shipping',
    ],
    ['a stream named after the node alone', node(A, 60 * MIN), [stream(A, 5 * MIN)], 'shipping'],
    ['exactly at the silence limit', node(A, 60 * MIN), [stream(`${A}.kernel`, 30 * MIN)], 'shipping'],
    ['silent for 31 minutes', node(A, 60 * MIN), [stream(`${A}.kernel`, 31 * MIN)], 'silent'],
    ['no stream, older than the grace', node(A, 11 * MIN), [], 'silent'],
    ['no stream, younger than the grace', node(A, 9 * MIN), [], 'grace'],
    ['no creation time: judged', node(A, null), [], 'silent'],
    [
      'only the auth log ships (.host.secure)',
      node(A, 60 * MIN),
      [stream(`${A}.host.secure`, 1 * MIN)],
      'silent',
    ],
    [
      'event time stale but ingestion recent (a backlog sent late)',
      node(A, 60 * MIN),
      [stream(`${A}.kernel`, 90 * MIN, 1 * MIN)],
      'shipping',
    ],
    [
      'ingestion time absent, event time recent',
      node(A, 60 * MIN),
      [stream(`${A}.kernel`, 1 * MIN, null)],
      'shipping',
    ],
    ['an empty stream (no times)', node(A, 60 * MIN), [stream(`${A}.kernel`, null)], 'silent'],
    [
      'dmesg silent, messages recent: the newest counts',
      node(A, 60 * MIN),
      [stream(`${A}.host.dmesg`, 300 * MIN), stream(`${A}.host.messages`, 3 * MIN)],
      'shipping',
    ],
    [
      'another node ships, this one does not',
      node(A, 60 * MIN),
      [stream('ip-10-0-9-9.eu-west-1.compute.internal.kernel', 1 * MIN)],
      'silent',
    ],
    ['Fargate node', node(A, 60 * MIN, { 'eks.amazonaws.com/compute-type': 'fargate' }), [], 'fargate'],
    ['Windows node', node(A, 60 * MIN, { 'kubernetes.io/os': 'windows' }), [], 'windows'],
  ])('%s', (_case, clusterNode, streams, expected) => {
    const check = checkNodesShipping([clusterNode], streams, NOW, WINDOW);
    const verdict =
      check.shipping === 1
        ? 'shipping'
        : check.notShipping.length === 1
          ? 'silent'
          : check.inGrace.length === 1
            ? 'grace'
            : check.skipped[0]?.reason;
    expect(verdict).toBe(expected);
  });

  it('names the silent nodes in order, with the time of their last line', () => {
    const check = checkNodesShipping(
      [node('c', 60 * MIN), node('a', 60 * MIN), node('b', 60 * MIN), node('d', 1 * MIN)],
      [stream('c.kernel', 45 * MIN), stream('b.kernel', 1 * MIN)],
      NOW,
      WINDOW,
    );
    expect(check).toEqual({
      notShipping: [
        { node: 'a', lastShippedAt: null },
        { node: 'c', lastShippedAt: NOW - 45 * MIN },
      ],
      shipping: 1,
      inGrace: ['d'],
      skipped: [],
    });
  });
});

describe('newestLinePerNode', () => {
  it('takes the newer of event and ingestion time over all streams of a node', () => {
    expect(
      newestLinePerNode([
        stream(`${A}.host.dmesg`, 10 * MIN, 8 * MIN),
        stream(`${A}.host.messages`, 20 * MIN, 4 * MIN),
        stream(`${A}.host.secure`, 0, 0),
      ]),
    ).toEqual(new Map([[A, NOW - 4 * MIN]]));
  });
});
