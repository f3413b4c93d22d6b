import type { EventBridgeEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { isScheduledTick, retryReason, routeOf } from '../../../functions/notify/notify-route.ts';
import type { NotifyFailure, NotifyReport } from '../../../adapters/notify/notify-kills.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';

function busEvent(detail: unknown): EventBridgeEvent<string, unknown> {
  return {
    version: '0',
    id: 'e-1',
    'detail-type': 'Pod OOM Killed',
    source: 'eks-oom-alerts',
    account: '123456789012',
    time: '2025-11-20T10:02:30.000Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

const tick = { ...busEvent({}), source: 'aws.events', 'detail-type': 'Scheduled Event' };

function report(failures: NotifyFailure[]): NotifyReport {
  return { outcomes: [], digestsSent: 0, failures, digestsAbandonedBefore: null };
}

describe('routeOf', () => {
  it('sends the digests on the schedule’s tick', () => {
    expect(isScheduledTick(tick)).toBe(true);
    expect(routeOf(tick)).toEqual({ kind: 'digests' });
  });

  it('notifies a readable kill', () => {
    const event = exampleEvent('pod-limit');
    expect(isScheduledTick(busEvent(event))).toBe(false);
    expect(routeOf(busEvent(event))).toEqual({ kind: 'kill', event });
  });

  it('alerts an unreadable detail with what arrived and why it was not read', () => {
    expect(routeOf(busEvent('OOM'))).toEqual({
      kind: 'unreadable',
      detail: 'OOM',
      problem: 'the event detail is not an object',
    });
  });

  it('takes only the schedule’s own source and detail type for a tick', () => {
    expect(isScheduledTick({ ...tick, source: 'eks-oom-alerts' })).toBe(false);
    expect(isScheduledTick({ ...tick, 'detail-type': 'Pod OOM Killed' })).toBe(false);
  });
});

describe('retryReason', () => {
  it('fails the invocation for the steps a retry would complete, and only for those', () => {
    expect(retryReason(report([]))).toBeNull();
    expect(
      retryReason(report([{ step: 'metrics', subject: 'e-1', error: 'Error: EMF', retry: false }])),
    ).toBeNull();
    expect(
      retryReason(
        report([
          { step: 'alert', subject: 'e-1', error: 'Error: SNS throttled', retry: true },
          { step: 'alert-mark', subject: 'e-1', error: 'Error: Dynamo', retry: false },
          { step: 'history', subject: 'e-1, e-2', error: 'Error: Logs', retry: true },
        ]),
      ),
    ).toBe('delivery incomplete: alert (e-1), history (e-1, e-2)');
  });
});
