import { describe, expect, it } from 'vitest';
import { formatDigest } from '../../shared/format-digest.ts';
import { stormGroupOf, type StormDigest } from '../../shared/storm-window.ts';
import { exampleEvent } from '../fixtures/enriched/examples.ts';

const opened = Date.parse('2025-11-20T10:02:11.117Z');

function digestOf(kind: Parameters<typeof exampleEvent>[0], kills: number): StormDigest {
  return {
    group: stormGroupOf(exampleEvent(kind)),
    openedAt: opened,
    closesAt: opened + 30 * 60_000,
    kills,
    lastKillAt: '2025-11-20T10:29:58.000Z',
    lastEventId: 'ip-10-0-1-23/83000.1/42001/node',
  };
}

describe('formatDigest', () => {
  it('counts the later kills of a workload, as in the issue', () => {
    const digest = formatDigest(digestOf('container-limit', 15), {
      eventsLogGroupName: '/eks-oom-alerts/prod-eu/events',
    });
    expect(digest.subject).toBe('OOM storm: 14 more OOM kills of prod/checkout-api (api) in 30 min');
    expect(digest.sms).toBe(
      'OOM prod-eu: 14 more OOM kills of prod/checkout-api (api) in 30 min, last at 10:29Z',
    );
    expect(digest.default).toBe(
      '14 more OOM kills of prod/checkout-api (api) in 30 min (cluster prod-eu), last at 2025-11-20 10:29:58 UTC.',
    );
    expect(digest.email).toMatchInlineSnapshot(`
      "14 more OOM kills of prod/checkout-api (api) in 30 min, last at 2025-11-20 10:29:58 UTC.

        Cluster:     prod-eu
        Window:      2025-11-20 10:02:11 UTC to 2025-11-20 10:32:11 UTC
        Kills:       15 in the window. The first was alerted on its own; the other 14 were counted here.
        Last kill:   2025-11-20 10:29:58 UTC (event ip-10-0-1-23/83000.1/42001/node)

      Every kill is in the events history (CloudWatch Logs Insights, log group /eks-oom-alerts/prod-eu/events; set the time range to the window):
        fields @timestamp, kubernetes.pod, victim.name, impact, memory.usageKb, memory.limitKb, node
        | filter cluster = "prod-eu" and kubernetes.namespace = "prod" and kubernetes.workload.name = "checkout-api" and kubernetes.container = "api"
        | sort @timestamp desc
      "
    `);
  });

  it('says "kill" for one, and groups host kills by node', () => {
    const digest = formatDigest(digestOf('host-process', 2), { eventsLogGroupName: null });
    expect(digest.subject).toBe(
      'OOM storm: 1 more OOM kill of node ip-10-0-3-41.eu-west-1.compute.internal in 30 min',
    );
    expect(digest.email).toContain(
      '| filter cluster = "prod-eu" and node = "ip-10-0-3-41.eu-west-1.compute.internal"',
    );
    expect(digest.email).toContain('(CloudWatch Logs Insights, the events log group;');
  });

  it('names an unresolved pod by its UID', () => {
    const digest = formatDigest(digestOf('unenriched', 4), { eventsLogGroupName: null });
    expect(digest.subject).toBe('OOM storm: 3 more OOM kills of pod 11111111 (unresolved) in 30 min');
    expect(digest.email).toContain(
      '| filter cluster = "prod-eu" and pod.uid = "11111111-2222-3333-4444-555555555555"',
    );
  });
});
