import { describe, expect, it } from 'vitest';
import { formatAlert, formatUnreadableAlert, victimKindOf } from '../../shared/alert-format.ts';
import type { EnrichedOomEvent } from '../../shared/oom-event.ts';
import { EXAMPLE_KINDS, exampleEvent } from '../fixtures/enriched/examples.ts';

const context = { eventsLogGroupName: '/eks-oom-alerts/prod-eu/events' };

function rendered(event: EnrichedOomEvent): string {
  const alert = formatAlert(event, context);
  return `Subject: ${alert.subject}\n\nSMS: ${alert.sms}\n\n--- default\n${alert.default}\n\n--- email\n${alert.email}`;
}

describe('formatAlert snapshots (reviewed as text files in test/fixtures/enriched/alerts/)', () => {
  for (const kind of EXAMPLE_KINDS) {
    it(`${kind}`, async () => {
      await expect(rendered(exampleEvent(kind))).toMatchFileSnapshot(
        `../fixtures/enriched/alerts/${kind}.txt`,
      );
    });
  }
});

describe('formatAlert: container limit', () => {
  const alert = formatAlert(exampleEvent('container-limit'), context);

  it('has the subject of the issue', () => {
    expect(alert.subject).toBe('OOM: prod/checkout-api (api) 512Mi limit on ip-10-0-1-23');
  });

  it('says what was killed, where, which limit, usage against limit and the impact', () => {
    expect(alert.email).toContain('Process:       node (pid 41872, uid 1000)');
    expect(alert.email).toContain('Pod:           checkout-api-5b8f9c7d6-k4m2p');
    expect(alert.email).toContain('Workload:      Deployment checkout-api');
    expect(alert.email).toContain('Node:          ip-10-0-1-23.eu-west-1.compute.internal (cluster prod-eu)');
    expect(alert.email).toContain("The container's own memory limit (512Mi) was hit.");
    expect(alert.email).toContain('Usage:         512Mi of 512Mi (100%), failcnt 3117');
    expect(alert.email).toContain('RSS:           511.9Mi (anon 507.7Mi, file 4.2Mi, shmem 0Ki)');
    expect(alert.email).toContain('the container restarted (restart count 7;');
    expect(alert.sms).toBe(
      'OOM prod-eu prod/checkout-api (api): process node killed, 512Mi of 512Mi limit, container restarted, on ip-10-0-1-23 10:02Z',
    );
  });

  it('lists the top tasks and gives a Logs Insights query for the pod', () => {
    expect(alert.email).toContain('  41872    511.9Mi   968            node');
    expect(alert.email).toContain('  41790    812Ki     968            tini');
    expect(alert.email).toContain('log group /eks-oom-alerts/prod-eu/events');
    expect(alert.email).toContain(
      '  | filter kubernetes.namespace = "prod" and kubernetes.pod = "checkout-api-5b8f9c7d6-k4m2p"',
    );
  });
});

describe('formatAlert: pod limit (the real 6.18 kill)', () => {
  const alert = formatAlert(exampleEvent('pod-limit'), context);

  it('names the pod limit from the kernel (65536 kB), not the container spec', () => {
    expect(alert.subject).toBe('OOM: data/report-builder (worker) 64Mi pod limit on ip-10-0-1-23');
    expect(alert.email).toContain("The pod's memory limit (64Mi) was hit");
    expect(alert.email).toContain('Spec:          request 32Mi, limit 48Mi (container worker)');
    expect(alert.sms).toContain('process python3 killed, 64Mi of 64Mi pod limit');
  });

  it('shows both cgroups when the limit was the pod, not the task cgroup', () => {
    expect(alert.email).toMatch(/Limit cgroup: {2}\/docker\/.*pod3962896b-ab69-4572-8f1d-ee756f9f3589\n/);
    expect(alert.email).toMatch(
      /Task cgroup: {3}\/docker\/.*\/a2172e8d1101b4393d934a3a3fb902260c945c360ed278bbdef80cb45fbb9419\n/,
    );
  });
});

describe('formatAlert: system OOM', () => {
  const alert = formatAlert(exampleEvent('system-oom'), context);

  it('has node-level wording', () => {
    expect(alert.subject).toBe(
      'Node OOM on ip-10-0-3-41: killed java in search/opensearch-data (opensearch)',
    );
    expect(alert.email.split('\n')[0]).toBe(
      'Node ip-10-0-3-41.eu-west-1.compute.internal (cluster prod-eu) ran out of memory and killed java in search/opensearch-data (opensearch)',
    );
    expect(alert.email).toContain('The node ran out of memory (system OOM)');
    expect(alert.email).toContain('Triggered by:  kubelet (pid 2211), which asked for memory');
    expect(alert.email).not.toContain('Usage:');
    expect(alert.sms).toBe(
      'Node OOM prod-eu ip-10-0-3-41: killed java in search/opensearch-data (opensearch), container restarted 13:20Z',
    );
  });
});

describe('formatAlert: child-process kill', () => {
  const alert = formatAlert(exampleEvent('child-process'), context);

  it('says the container kept running and Kubernetes did not see it', () => {
    expect(alert.subject).toBe('OOM: php-fpm child in prod/web (php) 256Mi limit on ip-10-0-2-7');
    expect(alert.email).toContain('Child process killed, container kept running.');
    expect(alert.default).toContain('Child process killed, container kept running.');
    expect(alert.email).toContain('no OOMKilled status, no restart');
    expect(alert.sms).toContain('child process php-fpm killed, 256Mi of 256Mi limit, container kept running');
  });
});

describe('formatAlert: unenriched', () => {
  const event = exampleEvent('unenriched');
  const alert = formatAlert(event, context);

  it('says the pod is unresolved and why, and shows what the kernel gave', () => {
    expect(victimKindOf(event)).toBe('unresolved-pod');
    expect(alert.subject).toBe('OOM: python3 in pod 11111111 (unresolved) 64Mi pod limit on ip-10-0-1-23');
    expect(alert.email).toContain(
      'The cluster could not be asked who this pod is (EKS API: connect ETIMEDOUT). Below is what the kernel reported.',
    );
    expect(alert.email).toContain('Pod:           uid 11111111-2222-3333-4444-555555555555 (not resolved)');
    expect(alert.email).toContain('What the kernel printed\n  python3 invoked oom-killer');
    expect(alert.email).toContain('  | filter pod.uid = "11111111-2222-3333-4444-555555555555"');
  });

  it('says "not found" when the cluster did not know the pod', () => {
    const notFound = formatAlert(
      { ...event, enrichment: { status: 'not-found', detail: 'no pod or event with this UID' } },
      context,
    );
    expect(notFound.email).toContain('The pod was not found in the cluster (no pod or event with this UID).');
  });
});

describe('formatAlert: host process', () => {
  const alert = formatAlert(exampleEvent('host-process'), context);

  it('has its own wording and a query by node', () => {
    expect(alert.subject).toBe('Node OOM on ip-10-0-3-41: killed host process systemd-journal');
    expect(alert.email).toContain('A process outside any pod was killed on the node');
    expect(alert.email).toContain('Pod:           none: a process on the node itself');
    expect(alert.email).toContain(
      '  | filter cluster = "prod-eu" and node = "ip-10-0-3-41.eu-west-1.compute.internal"',
    );
    expect(alert.sms).toBe('Node OOM prod-eu ip-10-0-3-41: killed host process systemd-journal 13:30Z');
  });

  it('names a host process that hit its own cgroup limit', () => {
    const limited = formatAlert(
      {
        ...exampleEvent('host-process'),
        constraint: 'memcg',
        limitScope: 'other',
        memory: { usageKb: 262144, limitKb: 262144, failcnt: 9, swapUsageKb: null, swapLimitKb: null },
        cgroup: {
          oom: '/system.slice/systemd-journald.service',
          task: '/system.slice/systemd-journald.service',
        },
      },
      context,
    );
    expect(limited.subject).toBe('OOM: host process systemd-journal 256Mi cgroup limit on ip-10-0-3-41');
    expect(limited.email).toContain(
      'A cgroup limit (256Mi) was hit on /system.slice/systemd-journald.service.',
    );
  });
});

describe('formatAlert: what the kernel left out', () => {
  it('writes unknowns as unknown, never as zero', () => {
    const bare: EnrichedOomEvent = {
      ...exampleEvent('unenriched'),
      node: null,
      observedAt: null,
      kernelTime: null,
      limitScope: null,
      constraint: null,
      victim: {
        pid: null,
        name: null,
        uid: null,
        totalVmKb: null,
        anonRssKb: null,
        fileRssKb: null,
        shmemRssKb: null,
        pgtablesKb: null,
        oomScoreAdj: null,
      },
      pod: null,
      container: null,
      memory: null,
      tasks: [],
      lines: [],
      complete: false,
    };
    const alert = formatAlert(bare, context);
    expect(alert.subject).toBe('OOM: unknown process on unknown node (pod unknown)');
    expect(alert.email).toContain('RSS:           not printed by the kernel');
    expect(alert.email).toContain('Time:          time unknown');
    expect(alert.email).toContain('report incomplete: some kernel lines were missing');
    expect(alert.email).not.toMatch(/\b0Ki\b/);
  });

  it('escapes control characters in a hostile process name', () => {
    const alert = formatAlert(
      {
        ...exampleEvent('container-limit'),
        victim: { ...exampleEvent('container-limit').victim, name: 'x\u001b[2J\ny' },
      },
      context,
    );
    expect(alert.email).toContain('Process:       x\\x1b[2J\\x0ay (pid 41872, uid 1000)');
    expect(alert.sms).toContain('process x\\x1b[2J\\x0ay killed');
  });
});

describe('formatUnreadableAlert', () => {
  it('says so and carries what arrived', () => {
    const alert = formatUnreadableAlert(
      { id: 'x', victim: 'nope' },
      'field "victim" is missing or has the wrong type',
    );
    expect(alert.subject).toBe('OOM event could not be read');
    expect(alert.email).toContain('"victim": "nope"');
    expect(alert.sms).toBe('OOM event could not be read: field "victim" is missing or has the wrong type');
  });
});

describe('formatUnreadableAlert size', () => {
  it('stays well under the SNS limit whatever arrived', () => {
    const huge = { lines: Array.from({ length: 5000 }, () => '"quoted" \\ text '.repeat(20)) };
    const alert = formatUnreadableAlert(huge, 'field "schemaVersion" is missing');
    const payload = JSON.stringify({ default: alert.default, email: alert.email, sms: alert.sms });
    expect(Buffer.byteLength(payload)).toBeLessThan(200 * 1024);
    expect(alert.email).toMatch(/\.\.\. \(\d+ more characters\)\n$/);
  });
});
