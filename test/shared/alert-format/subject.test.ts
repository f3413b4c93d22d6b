import { describe, expect, it } from 'vitest';
import { alertSubject } from '../../../shared/alert-format/subject.ts';
import { bareEvent, hostProcessOverItsLimit } from '../../fixtures/enriched/edge-events.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';
import { cgroupOnlyKill, selectionOnlyKill } from '../../fixtures/enriched/partial-kills.ts';

describe('alertSubject', () => {
  it('container limit: has the subject of the issue', () => {
    expect(alertSubject(exampleEvent('container-limit'))).toBe(
      'OOM: prod/checkout-api (api) 512Mi limit on ip-10-0-1-23',
    );
  });

  it('pod limit (the real 6.18 kill): names the pod limit from the kernel (65536 kB), not the container spec', () => {
    expect(alertSubject(exampleEvent('pod-limit'))).toBe(
      'OOM: data/report-builder (worker) 64Mi pod limit on ip-10-0-1-23',
    );
  });

  it('system OOM: has node-level wording', () => {
    expect(alertSubject(exampleEvent('system-oom'))).toBe(
      'Node OOM on ip-10-0-3-41: killed process java in search/opensearch-data (opensearch)',
    );
  });

  it('child-process kill: names the child and the pod', () => {
    expect(alertSubject(exampleEvent('child-process'))).toBe(
      'OOM: child process php-fpm in prod/web (php) 256Mi limit on ip-10-0-2-7',
    );
  });

  it('unenriched: says the pod is unresolved', () => {
    expect(alertSubject(exampleEvent('unenriched'))).toBe(
      'OOM: process python3 in pod 11111111 (unresolved) 64Mi pod limit on ip-10-0-1-23',
    );
  });

  it('host process: has its own wording', () => {
    expect(alertSubject(exampleEvent('host-process'))).toBe(
      'Node OOM on ip-10-0-3-41: killed host process systemd-journal',
    );
  });

  it('host process: names one that hit its own cgroup limit', () => {
    expect(alertSubject(hostProcessOverItsLimit())).toBe(
      'OOM: host process systemd-journal 256Mi cgroup limit on ip-10-0-3-41',
    );
  });

  it('a process named node in a long namespace: marked as a process, within the 99 characters', () => {
    const base = exampleEvent('system-oom');
    const subject = alertSubject({
      ...base,
      victim: { ...base.victim, name: 'node' },
      kubernetes: {
        ...base.kubernetes!,
        namespace: 'payments-processing-platform-team-a',
        workload: { kind: 'Deployment', name: 'payment-reconciliation-service-with-a-very-long-name' },
      },
    });
    expect(subject).toBe(
      'Node OOM on ip-10-0-3-41: killed process node in payments-processing-platform-team-a/payment-rec...',
    );
    expect(subject.length).toBeLessThanOrEqual(99);
  });

  it('unattributed: the process named as one', () => {
    const event = {
      ...exampleEvent('unenriched'),
      victim: { ...exampleEvent('unenriched').victim, name: 'node' },
      pod: null,
      container: null,
      cgroup: { oom: null, task: null },
    };
    expect(alertSubject(event)).toBe('OOM: process node on ip-10-0-1-23 (pod unknown)');
  });

  it('what the kernel left out: writes unknowns as unknown', () => {
    expect(alertSubject(bareEvent())).toBe('OOM: unknown process on unknown node (pod unknown)');
  });
});

describe('alertSubject: a kill the kernel told only in part (parsed from the corpus)', () => {
  it("known only by the kernel's choice: never the chosen process as certain", () => {
    expect(alertSubject(selectionOnlyKill())).toBe(
      'OOM: host process java or a child of it 512Mi limit on ip-10-0-1-23',
    );
  });

  it('known only by its cgroup: the pod, or an unknown host process', () => {
    expect(alertSubject(cgroupOnlyKill())).toBe('OOM: shop/cart (cart) 200Mi pod limit on ip-10-0-1-23');
    expect(alertSubject({ ...cgroupOnlyKill(), kubernetes: null, impact: 'host-process' })).toBe(
      'OOM: unknown host process 200Mi pod limit on ip-10-0-1-23',
    );
  });
});
