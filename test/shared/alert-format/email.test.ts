import { describe, expect, it } from 'vitest';
import { alertEmail } from '../../../shared/alert-format/email.ts';
import type { EnrichedOomEvent } from '../../../shared/oom-event.ts';
import { bareEvent, hostileNameEvent, hostProcessOverItsLimit } from '../../fixtures/enriched/edge-events.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';
import { cgroupOnlyKill, selectionOnlyKill } from '../../fixtures/enriched/partial-kills.ts';

const context = { eventsLogGroupName: '/eks-oom-alerts/prod-eu/events' };

function emailOf(event: EnrichedOomEvent): string {
  return alertEmail(event, context);
}

describe('alertEmail: container limit', () => {
  const email = emailOf(exampleEvent('container-limit'));

  it('says what was killed, where, which limit, usage against limit and the impact', () => {
    expect(email).toContain('Process:       node (pid 41872, uid 1000)');
    expect(email).toContain('Pod:           checkout-api-5b8f9c7d6-k4m2p');
    expect(email).toContain('Workload:      Deployment checkout-api');
    expect(email).toContain('Node:          ip-10-0-1-23.eu-west-1.compute.internal (cluster prod-eu)');
    expect(email).toContain("The container's own memory limit (512Mi) was hit.");
    expect(email).toContain('Usage:         512Mi of 512Mi (100%), failcnt 3117');
    expect(email).toContain('RSS:           511.9Mi (anon 507.7Mi, file 4.2Mi, shmem 0Ki)');
    expect(email).toContain('the container restarted (restart count 7;');
  });

  it('heads with the process killed, marked as a process: `node` is not the node', () => {
    expect(email.split('\n')[0]).toBe(
      'OOM kill of process node in prod/checkout-api (api) on ip-10-0-1-23.eu-west-1.compute.internal (cluster prod-eu)',
    );
  });

  it('lists the top tasks and gives a Logs Insights query for the pod', () => {
    expect(email).toContain('  41872    511.9Mi   968            node');
    expect(email).toContain('  41790    812Ki     968            tini');
    expect(email).toContain('log group /eks-oom-alerts/prod-eu/events');
    expect(email).toContain(
      '  filter kubernetes.namespace = "prod" and kubernetes.pod = "checkout-api-5b8f9c7d6-k4m2p"',
    );
  });
});

describe('alertEmail: pod limit (the real 6.18 kill)', () => {
  const email = emailOf(exampleEvent('pod-limit'));

  it('names the pod limit from the kernel (65536 kB), not the container spec', () => {
    expect(email).toContain("The pod's memory limit (64Mi) was hit");
    expect(email).toContain('Spec:          request 32Mi, limit 48Mi (container worker)');
  });

  it('shows both cgroups when the limit was the pod, not the task cgroup', () => {
    expect(email).toMatch(/Limit cgroup: {2}\/docker\/.*pod3962896b-ab69-4572-8f1d-ee756f9f3589\n/);
    expect(email).toMatch(
      /Task cgroup: {3}\/docker\/.*\/a2172e8d1101b4393d934a3a3fb902260c945c360ed278bbdef80cb45fbb9419\n/,
    );
  });
});

describe('alertEmail: system OOM', () => {
  const email = emailOf(exampleEvent('system-oom'));

  it('has node-level wording', () => {
    expect(email.split('\n')[0]).toBe(
      'Node ip-10-0-3-41.eu-west-1.compute.internal (cluster prod-eu) ran out of memory and killed process java in search/opensearch-data (opensearch)',
    );
    expect(email).toContain('The node ran out of memory (system OOM)');
    expect(email).toContain('Triggered by:  kubelet (pid 2211), which asked for memory');
    expect(email).not.toContain('Usage:');
  });
});

describe('alertEmail: child-process kill', () => {
  const email = emailOf(exampleEvent('child-process'));

  it('says the container kept running and Kubernetes did not see it', () => {
    expect(email).toContain('Child process killed, container kept running.');
    expect(email).toContain('no OOMKilled status, no restart');
  });
});

describe('alertEmail: unenriched', () => {
  const event = exampleEvent('unenriched');

  it('says the pod is unresolved and why, and shows what the kernel gave', () => {
    const email = emailOf(event);
    expect(email).toContain(
      'The cluster could not be asked who this pod is (EKS API: connect ETIMEDOUT). Below is what the kernel reported.',
    );
    expect(email).toContain('Pod:           uid 11111111-2222-3333-4444-555555555555 (not resolved)');
    expect(email).toContain('What the kernel printed\n  python3 invoked oom-killer');
    expect(email).toContain('  filter pod.uid = "11111111-2222-3333-4444-555555555555"');
  });

  it('says "not found" when the cluster did not know the pod', () => {
    const notFound = emailOf({
      ...event,
      enrichment: { status: 'not-found', detail: 'no pod or event with this UID' },
    });
    expect(notFound).toContain('The pod was not found in the cluster (no pod or event with this UID).');
  });
});

describe('alertEmail: host process', () => {
  it('has its own wording and a query by node', () => {
    const email = emailOf(exampleEvent('host-process'));
    expect(email).toContain('A process outside any pod was killed on the node');
    expect(email).toContain('Pod:           none: a process on the node itself');
    expect(email).toContain(
      '  filter cluster = "prod-eu" and node = "ip-10-0-3-41.eu-west-1.compute.internal"',
    );
  });

  it('names a host process that hit its own cgroup limit', () => {
    expect(emailOf(hostProcessOverItsLimit())).toContain(
      'A cgroup limit (256Mi) was hit on /system.slice/systemd-journald.service.',
    );
  });
});

describe('alertEmail: what the kernel left out', () => {
  it('writes unknowns as unknown, never as zero', () => {
    const email = emailOf(bareEvent());
    expect(email).toContain('RSS:           not printed by the kernel');
    expect(email).toContain('Time:          time unknown');
    expect(email).toContain('report incomplete: some kernel lines were missing');
    expect(email).not.toMatch(/\b0Ki\b/);
  });

  it('escapes control characters in a hostile process name', () => {
    expect(emailOf(hostileNameEvent())).toContain('Process:       x\\x1b[2J\\x0ay (pid 41872, uid 1000)');
  });

  it('escapes control characters in an observedAt that is not a time', () => {
    const email = emailOf({ ...bareEvent(), observedAt: 'not a time\nInjected: header' });
    expect(email.split('\n')).not.toContain('Injected: header');
    expect(email).toContain('not a time\\x0aInjected: header');
  });
});

describe('alertEmail: a memory.oom.group kill', () => {
  it('counts every process killed with the victim and lists those the event holds', () => {
    const base = exampleEvent('container-limit');
    const email = emailOf({
      ...base,
      coVictims: [
        { pid: 41873, name: 'node', anonRssKb: 2048 },
        { pid: 41874, name: 'node', anonRssKb: null },
      ],
      coVictimCount: 312,
    });
    expect(email).toContain(
      '312 more processes killed with it (memory.oom.group)\n  node (pid 41873), anon RSS 2Mi\n  node (pid 41874)\n  ... and 310 more, not listed\n',
    );
  });

  it('says nothing of a group when the kill took one process', () => {
    expect(emailOf(exampleEvent('container-limit'))).not.toContain('memory.oom.group');
  });
});

describe('alertEmail: restart evidence', () => {
  const restarted = exampleEvent('container-limit');
  const earlierExit = {
    ...restarted,
    impact: 'unknown' as const,
    kubernetes: {
      ...restarted.kubernetes!,
      lastTermination: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2025-11-20T09:41:07Z' },
    },
  };

  it('prints the restart count and the last termination when the exit lies outside the 30 s tolerance', () => {
    const email = emailOf(earlierExit);
    expect(email).toContain('Whether the container restarted is not known.');
    expect(email).toContain('  Restarts:      7\n');
    expect(email).toContain(
      '  Terminated:    OOMKilled, exit code 137, at 2025-11-20 09:41:07 UTC: 21 min before this kill, ' +
        'more than 30 s apart, so not taken as its restart',
    );
  });

  it('prints what is known and leaves out what is not', () => {
    const email = emailOf({
      ...earlierExit,
      kubernetes: {
        ...earlierExit.kubernetes,
        restartCount: null,
        lastTermination: { reason: 'Error', exitCode: 1, finishedAt: null },
      },
    });
    expect(email).not.toContain('Restarts:');
    expect(email).toContain('  Terminated:    Error, exit code 1, at time unknown\n');
  });

  it('shows the restart count of a running container whose child was killed', () => {
    expect(emailOf(exampleEvent('child-process'))).toContain('  Restarts:      0\n');
  });

  it('keeps the figures in the impact sentence of a restart, without repeating them', () => {
    const email = emailOf(restarted);
    expect(email).toContain('the container restarted (restart count 7;');
    expect(email).not.toContain('Restarts:');
  });
});

describe('alertEmail: right-sizing', () => {
  const event = exampleEvent('container-limit');
  const at = Date.parse(event.observedAt!);
  const hits = [3, 0].map((hoursBefore, n) => ({
    eventId: `e${n}`,
    atMs: at - hoursBefore * 60 * 60_000,
    usageKb: 524288,
    limitKb: 524288,
  }));

  it('says how often the container hit its limit in 24 h, with the figures and a limit to try', () => {
    const email = alertEmail(event, { ...context, containerKills: hits });
    expect(email).toContain(
      'Right-sizing\n  This container hit its memory limit 2 times in the 24 h up to this kill, the first at ' +
        '2025-11-20 07:02:11 UTC: peak usage 512Mi, limit 512Mi.\n  If it needs that memory, a limit of 640Mi',
    );
  });

  it('has no section when the events show nothing to add', () => {
    expect(alertEmail(event, { ...context, containerKills: hits.slice(1) })).not.toContain('Right-sizing');
    expect(emailOf(event)).not.toContain('Right-sizing');
  });
});

describe('alertEmail: a kill the kernel told only in part (parsed from the corpus)', () => {
  it('known only by `Kill process 27281 (java) … or sacrifice child`: java or a child of it, and why', () => {
    const email = emailOf(selectionOnlyKill());
    expect(email).toMatch(
      /^OOM kill of host process java or a child of it on ip-10-0-1-23\.eu-west-1\.compute\.internal \(cluster prod-eu\)\n\n/,
    );
    expect(email).toContain(
      '\n\nThe kernel chose java (pid 27281) but its "Killed process" line was not seen. When the chosen process ' +
        'has a child to sacrifice, the kernel kills the child instead: the process killed may have been a child ' +
        'of java (pid 27281).\n\n',
    );
    expect(email).toContain('  Process:       java (pid 27281, uid 0) or a child of it\n');
    expect(email).toContain(
      '  Memory cgroup out of memory: Kill process 27281 (java) score 1027 or sacrifice child',
    );
  });

  it('known only by `Task in … killed as a result of limit of …`: the process is unknown', () => {
    const email = emailOf(cgroupOnlyKill());
    expect(email).toMatch(/^OOM kill of unknown process in shop\/cart \(cart\) on /);
    expect(email).toContain(
      '\n\nWhich process was killed is not known: the kernel lines seen name only its cgroup.\n\n',
    );
    expect(email).toContain('  Process:       unknown process\n');
    expect(email).not.toContain('?');
  });
});

describe('alertEmail: the headline of a kill no one could tie to a pod', () => {
  it('an unresolved pod and an unattributed kill name the process as one', () => {
    expect(
      emailOf({
        ...exampleEvent('unenriched'),
        victim: { ...exampleEvent('unenriched').victim, name: 'node' },
      }).split('\n')[0],
    ).toBe(
      'OOM kill of process node in unresolved pod 11111111-2222-3333-4444-555555555555 on ip-10-0-1-23.eu-west-1.compute.internal (cluster prod-eu)',
    );
    expect(
      emailOf({
        ...exampleEvent('unenriched'),
        pod: null,
        container: null,
        cgroup: { oom: null, task: null },
      }).split('\n')[0],
    ).toBe(
      'OOM kill of process python3 (pod unknown) on ip-10-0-1-23.eu-west-1.compute.internal (cluster prod-eu)',
    );
  });
});
