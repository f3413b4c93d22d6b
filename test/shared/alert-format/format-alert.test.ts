import { describe, expect, it } from 'vitest';
import type { AlertContext } from '../../../shared/alert-format/alert-message.ts';
import { formatAlert } from '../../../shared/alert-format/format-alert.ts';
import type { EnrichedOomEvent } from '../../../shared/oom-event.ts';
import { EXAMPLE_KINDS, exampleEvent } from '../../fixtures/enriched/examples.ts';
import { bareEvent, hostProcessOverItsLimit } from '../../fixtures/enriched/edge-events.ts';
import { cgroupOnlyKill, selectionOnlyKill } from '../../fixtures/enriched/partial-kills.ts';

/** A deployed stack's context: region, dashboard and runbook set, SMS for restarts and node kills only. */
const context: AlertContext = {
  eventsLogGroupName: '/eks-oom-alerts/prod-eu/events',
  region: 'eu-west-1',
  kernelLogGroupName: '/eks-oom-alerts/prod-eu/kernel',
  dashboardName: 'eks-oom-alerts-prod-eu',
  runbookUrl: 'https://wiki.example.com/runbooks/oom?cluster={cluster}&ns={namespace}&workload={workload}',
  smsFor: 'restarts-and-node',
};

function rendered(event: EnrichedOomEvent): string {
  const alert = formatAlert(event, context);
  return [
    `Subject: ${alert.subject}`,
    '',
    `SMS (${alert.sendSms ? 'sent' : 'not sent: smsFor restarts-and-node'}): ${alert.sms}`,
    '',
    `--- default\n${alert.default}`,
    '',
    `--- email\n${alert.email}`,
    `--- chat\n${JSON.stringify(alert.chat, null, 2)}\n`,
  ].join('\n');
}

describe('formatAlert snapshots (reviewed as text files in test/fixtures/enriched/alerts/)', () => {
  for (const kind of EXAMPLE_KINDS) {
    it(`${kind}`, async () => {
      await expect(rendered(exampleEvent(kind))).toMatchFileSnapshot(
        `../../fixtures/enriched/alerts/${kind}.txt`,
      );
    });
  }
});

describe('formatAlert snapshots of kills the kernel told only in part (parsed from the corpus)', () => {
  const partial = { 'selection-only': selectionOnlyKill, 'cgroup-only': cgroupOnlyKill };
  for (const [kind, event] of Object.entries(partial)) {
    it(kind, async () => {
      await expect(rendered(event())).toMatchFileSnapshot(`../../fixtures/enriched/alerts/${kind}.txt`);
    });
  }
});

/** A pod the cluster no longer has: the kernel named its uid, the API no pod. */
function podNotFound(): EnrichedOomEvent {
  return {
    ...exampleEvent('unenriched'),
    enrichment: { status: 'not-found', detail: 'no pod with uid 11111111-2222-3333-4444-555555555555' },
  };
}

/** No line tied the kill to a cgroup: neither a pod nor the node's own process. */
function unattributedKill(): EnrichedOomEvent {
  return { ...exampleEvent('unenriched'), pod: null, container: null, cgroup: { oom: null, task: null } };
}

describe('formatAlert snapshots of kills the cluster could not name', () => {
  const unnamed = { 'pod-not-found': podNotFound, unattributed: unattributedKill };
  for (const [kind, event] of Object.entries(unnamed)) {
    it(kind, async () => {
      await expect(rendered(event())).toMatchFileSnapshot(`../../fixtures/enriched/alerts/${kind}.txt`);
    });
  }
});

describe('formatAlert: every kind of kill renders without a hole', () => {
  const kinds: Record<string, () => EnrichedOomEvent> = {
    ...Object.fromEntries(EXAMPLE_KINDS.map((kind) => [kind, () => exampleEvent(kind)])),
    'selection-only': selectionOnlyKill,
    'cgroup-only': cgroupOnlyKill,
    'pod-not-found': podNotFound,
    unattributed: unattributedKill,
    'pod-deleted': () => ({
      ...exampleEvent('container-limit'),
      impact: 'pod-deleted',
      enrichment: { status: 'resolved-from-events', detail: null },
    }),
    'node OOM of an unresolved pod': () => ({
      ...exampleEvent('unenriched'),
      constraint: 'system',
      limitScope: 'node',
    }),
    'memory.oom.group': () => ({
      ...exampleEvent('container-limit'),
      coVictims: [{ pid: 41873, name: 'node', anonRssKb: 1024 }],
      coVictimCount: 9,
    }),
    'host process over its limit': hostProcessOverItsLimit,
    'everything the kernel may leave out': bareEvent,
  };
  for (const [kind, event] of Object.entries(kinds)) {
    it(kind, () => {
      // The kernel's own `nodemask=(null)` is quoted as printed.
      const text = rendered(event()).replaceAll('nodemask=(null)', '');
      expect(text).not.toMatch(/undefined|\bnull\b|NaN|\[object /);
    });
  }
});

describe('formatAlert: smsFor', () => {
  it('all (the default): every kill goes by SMS', () => {
    for (const kind of EXAMPLE_KINDS) {
      expect(formatAlert(exampleEvent(kind), { eventsLogGroupName: null }).sendSms).toBe(true);
    }
  });

  it('restarts-and-node: a restart, a node out of memory or a process of the node; not a child process nor an unknown impact', () => {
    const sent = EXAMPLE_KINDS.filter((kind) => formatAlert(exampleEvent(kind), context).sendSms);
    expect(sent).toEqual(['container-limit', 'pod-limit', 'system-oom', 'host-process']);
  });
});
