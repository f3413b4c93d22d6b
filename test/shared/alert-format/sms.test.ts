import { describe, expect, it } from 'vitest';
import { alertSms } from '../../../shared/alert-format/sms.ts';
import { gsm7Length } from '../../../shared/format-text.ts';
import { hostileNameEvent, hostProcessOverItsLimit } from '../../fixtures/enriched/edge-events.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';
import { cgroupOnlyKill, selectionOnlyKill } from '../../fixtures/enriched/partial-kills.ts';

describe('alertSms: the pod and the impact first, then what was killed, the limit, node, cluster and time', () => {
  it('container limit', () => {
    expect(alertSms(exampleEvent('container-limit'))).toBe(
      'OOM prod/checkout-api (api): container restarted. process node killed, 512Mi of 512Mi limit, ip-10-0-1-23, prod-eu 10:02Z',
    );
  });

  it('pod limit (the real 6.18 kill): names the pod limit from the kernel (65536 kB), not the container spec', () => {
    expect(alertSms(exampleEvent('pod-limit'))).toContain('process python3 killed, 64Mi of 64Mi pod limit');
  });

  it('system OOM: node-level wording, the pod and the impact still first', () => {
    expect(alertSms(exampleEvent('system-oom'))).toBe(
      'Node OOM search/opensearch-data (opensearch): container restarted. process java killed, ip-10-0-3-41 out of memory, prod-eu 13:20Z',
    );
  });

  it('child-process kill: says the container kept running', () => {
    expect(alertSms(exampleEvent('child-process'))).toBe(
      'OOM prod/web (php): child process php-fpm killed, container kept running, 256Mi of 256Mi limit, ip-10-0-2-7, prod-eu 11:45Z',
    );
  });

  it('unresolved pod: the UID and that the impact is unknown', () => {
    expect(alertSms(exampleEvent('unenriched'))).toBe(
      'OOM pod 11111111 (unresolved): impact unknown. process python3 killed, 64Mi of 64Mi pod limit, ip-10-0-1-23, prod-eu 09:26Z',
    );
  });

  it('host process: its own wording, under node memory or its own cgroup limit', () => {
    expect(alertSms(exampleEvent('host-process'))).toBe(
      'Node OOM host process systemd-journal killed, ip-10-0-3-41 out of memory, prod-eu 13:30Z',
    );
    expect(alertSms(hostProcessOverItsLimit())).toBe(
      'OOM host process systemd-journal killed, 256Mi of 256Mi cgroup limit, ip-10-0-3-41, prod-eu 13:30Z',
    );
  });

  it('a group kill says how many died with the victim', () => {
    const event = { ...exampleEvent('container-limit'), coVictimCount: 312 };
    expect(alertSms(event)).toContain('container restarted. process node killed with 312 more, 512Mi');
  });

  it('a long name cuts the end (cluster, time), never the pod and the impact', () => {
    const base = exampleEvent('container-limit');
    const long = {
      ...base,
      cluster: 'c'.repeat(60),
      kubernetes: {
        ...base.kubernetes!,
        namespace: 'payments-eu-central',
        workload: { kind: 'Deployment', name: 'checkout-api-with-a-long-name' },
      },
    };
    const sms = alertSms(long);
    expect(gsm7Length(sms)).toBeLessThanOrEqual(160);
    expect(
      sms.startsWith('OOM payments-eu-central/checkout-api-with-a-long-name (api): container restarted.'),
    ).toBe(true);
  });

  it('a long namespace, workload and container and a process named node: one segment, the process marked as one', () => {
    const base = exampleEvent('container-limit');
    const long = {
      ...base,
      cluster: 'production-eks-cluster-ap-southeast-2-blue',
      kubernetes: {
        ...base.kubernetes!,
        namespace: 'payments-processing-platform-team-a',
        workload: { kind: 'Deployment', name: 'reconciliation-service' },
        container: 'reconciler',
      },
    };
    const sms = alertSms(long);
    expect(sms).toBe(
      'OOM payments-processing-platform-team-a/reconciliation-service (reconciler): container restarted. process node killed, 512Mi of 512Mi limit, ip-10-0-1-23, pr...',
    );
    expect(gsm7Length(sms)).toBeLessThanOrEqual(160);
    const nodeOom = alertSms({ ...long, constraint: 'system', limitScope: 'node' } as const);
    expect(nodeOom).toBe(
      'Node OOM payments-processing-platform-team-a/reconciliation-service (reconciler): container restarted. process node killed, ip-10-0-1-23 out of memory, produ...',
    );
    expect(gsm7Length(nodeOom)).toBeLessThanOrEqual(160);
  });

  it('escapes control characters in a hostile process name', () => {
    expect(alertSms(hostileNameEvent())).toContain('process x\\x1b[2J\\x0ay killed');
  });
});

describe('alertSms: a kill the kernel told only in part (parsed from the corpus)', () => {
  it("known only by the kernel's choice: the chosen process or a child of it", () => {
    expect(alertSms(selectionOnlyKill())).toBe(
      'OOM host process java or a child of it killed, 512Mi of 512Mi limit, ip-10-0-1-23, prod-eu',
    );
  });

  it('known only by its cgroup: the process is unknown', () => {
    expect(alertSms(cgroupOnlyKill())).toBe(
      'OOM shop/cart (cart): container restarted. unknown process killed, 200Mi of 200Mi pod limit, ip-10-0-1-23, prod-eu',
    );
    expect(alertSms({ ...cgroupOnlyKill(), kubernetes: null, impact: 'host-process' })).toBe(
      'OOM unknown host process killed, 200Mi of 200Mi pod limit, ip-10-0-1-23, prod-eu',
    );
  });
});
