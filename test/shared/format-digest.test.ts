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
    firstKillAt: '2025-11-20T10:02:11.117Z',
    lastKillAt: '2025-11-20T10:29:58.000Z',
    lastEventId: 'ip-10-0-1-23/83000.1/42001/node',
  };
}

describe('formatDigest', () => {
  it('counts the later kills of a workload, as in the issue', () => {
    const digest = formatDigest(digestOf('container-limit', 15), {
      eventsLogGroupName: '/eks-oom-alerts/prod-eu/events',
    });
    expect(digest.subject).toBe('OOM storm: 14 more OOM kills of prod/checkout-api (api) in 28 min');
    expect(digest.sms).toBe(
      'OOM prod-eu: 14 more OOM kills of prod/checkout-api (api) in 28 min, 10:02Z-10:29Z',
    );
    expect(digest.default).toBe(
      '14 more OOM kills of prod/checkout-api (api) in 28 min (cluster prod-eu), from 2025-11-20 10:02:11 UTC to 2025-11-20 10:29:58 UTC.',
    );
    expect(digest.email).toMatchInlineSnapshot(`
      "14 more OOM kills of prod/checkout-api (api) in 28 min, from 2025-11-20 10:02:11 UTC to 2025-11-20 10:29:58 UTC.

        Cluster:     prod-eu
        First kill:  2025-11-20 10:02:11 UTC (alerted on its own)
        Last kill:   2025-11-20 10:29:58 UTC (event ip-10-0-1-23/83000.1/42001/node)
        Kills:       15. One was alerted on its own; the other 14 are counted here.
        Window:      2025-11-20 10:02:11 UTC to 2025-11-20 10:32:11 UTC, by the kills' own times

      Every kill is in the events history (CloudWatch Logs Insights, log group /eks-oom-alerts/prod-eu/events; set the time range to the window):
        fields @timestamp, kubernetes.pod, victim.name, impact, memory.usageKb, memory.limitKb, node
        | filter cluster = "prod-eu" and kubernetes.namespace = "prod" and kubernetes.workload.name = "checkout-api" and kubernetes.container = "api"
        | sort @timestamp desc
      "
    `);
  });

  it('gives the kills’ own first and last times, and which kill was alerted when an earlier one came late', () => {
    const late = formatDigest(
      { ...digestOf('container-limit', 3), firstKillAt: '2025-11-20T10:01:40.000Z' },
      { eventsLogGroupName: null },
    );
    expect(late.email).toContain(
      '  First kill:  2025-11-20 10:01:40 UTC (the kill at 2025-11-20 10:02:11 UTC was alerted on its own)',
    );
    expect(late.subject).toBe('OOM storm: 2 more OOM kills of prod/checkout-api (api) in 28 min');
  });

  it('gives the container’s limit hits of the day and a limit to try, when it kept hitting it', () => {
    const hits = [0, 27].map((minute, n) => ({
      eventId: `e${n}`,
      atMs: opened + minute * 60_000,
      usageKb: 524288,
      limitKb: 524288,
    }));
    const digest = formatDigest(digestOf('container-limit', 2), {
      eventsLogGroupName: null,
      containerKills: hits,
    });
    expect(digest.email).toContain(
      "\nRight-sizing\n  This container hit its memory limit 2 times in the 24 h up to the storm's last kill, " +
        'the first at 2025-11-20 10:02:11 UTC: peak usage 512Mi, limit 512Mi.\n  If it needs that memory, a limit of 640Mi',
    );
    expect(formatDigest(digestOf('container-limit', 2), { eventsLogGroupName: null }).email).not.toContain(
      'Right-sizing',
    );
  });

  it('says "kill" for one, and groups host kills by node', () => {
    const digest = formatDigest(digestOf('host-process', 2), { eventsLogGroupName: null });
    expect(digest.subject).toBe(
      'OOM storm: 1 more OOM kill of node ip-10-0-3-41.eu-west-1.compute.internal in 28 min',
    );
    expect(digest.email).toContain(
      '| filter cluster = "prod-eu" and node = "ip-10-0-3-41.eu-west-1.compute.internal"',
    );
    expect(digest.email).toContain('(CloudWatch Logs Insights, the events log group;');
  });

  it('names an unresolved pod by its UID', () => {
    const digest = formatDigest(digestOf('unenriched', 4), { eventsLogGroupName: null });
    expect(digest.subject).toBe('OOM storm: 3 more OOM kills of pod 11111111 (unresolved) in 28 min');
    expect(digest.email).toContain(
      '| filter cluster = "prod-eu" and pod.uid = "11111111-2222-3333-4444-555555555555"',
    );
  });
});
