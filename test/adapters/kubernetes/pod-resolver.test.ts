import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { KubeReader } from '../../../adapters/kubernetes/kube-reader.ts';
import { createPodResolver } from '../../../adapters/kubernetes/pod-resolver.ts';
import type { OwnerReferenceView, PodView } from '../../../shared/kubernetes-identity.ts';
import { fakeTiming } from '../fake-timing.ts';
import {
  CONTAINER_ID,
  KILL_TIME,
  NODE,
  POD_UID,
  PREVIOUS_CONTAINER_ID,
  oomEvent,
  ownedObjectJson,
  podEventJson,
  podJson,
} from '../../fixtures/kubernetes-objects.ts';

type Pod = ReturnType<typeof podJson>;

/** An API in memory that counts what is asked of it; `failWith` makes every call fail with that error. */
function fakeApi(pods: Pod[] = [podJson()]) {
  const calls = {
    lists: [] as string[],
    events: [] as string[],
    replicaSets: [] as string[],
    jobs: [] as string[],
  };
  const state = {
    pods,
    events: [] as ReturnType<typeof podEventJson>[],
    owners: new Map<string, OwnerReferenceView[]>(),
    failWith: null as Error | null,
    pageSize: 1000,
  };
  const fail = () => {
    if (state.failWith !== null) throw state.failWith;
  };
  const reader: KubeReader = {
    listPodsOnNode(node, page) {
      calls.lists.push(node);
      fail();
      const onNode = state.pods.filter((p) => p.spec.nodeName === node);
      const offset = page.continueToken === null ? 0 : Number(page.continueToken);
      const end = offset + Math.min(page.limit, state.pageSize);
      return Promise.resolve({
        pods: onNode.slice(offset, end) as PodView[],
        continueToken: end < onNode.length ? String(end) : null,
      });
    },
    podNamedInEvents(uid) {
      calls.events.push(uid);
      fail();
      const found = state.events.find((e) => e.involvedObject.uid === uid);
      return Promise.resolve(
        found === undefined
          ? null
          : { namespace: found.involvedObject.namespace, name: found.involvedObject.name },
      );
    },
    replicaSetOwners(namespace, name) {
      calls.replicaSets.push(`${namespace}/${name}`);
      fail();
      return Promise.resolve(state.owners.get(`ReplicaSet/${namespace}/${name}`) ?? []);
    },
    jobOwners(namespace, name) {
      calls.jobs.push(`${namespace}/${name}`);
      fail();
      return Promise.resolve(state.owners.get(`Job/${namespace}/${name}`) ?? []);
    },
  };
  return { reader, calls, state };
}

// Enrichment runs a minute after the kill, as SQS's delay and the batch window make it.
const AFTER_KILL = Date.parse(KILL_TIME) + 60_000;
const DEADLINE = AFTER_KILL + 20_000;

function setup(pods?: Pod[]) {
  const api = fakeApi(pods);
  const timing = fakeTiming(AFTER_KILL);
  const resolver = createPodResolver({ reader: api.reader, timing });
  return { ...api, timing, resolver };
}

describe('createPodResolver', () => {
  it('resolves pod, container and workload with one node-scoped list', async () => {
    const { resolver, calls } = setup();
    const result = await resolver.resolve(oomEvent(), DEADLINE);
    expect(result).toEqual({
      kubernetes: {
        namespace: 'shop',
        pod: 'web-7d9f8b6c5d-x2x9k',
        container: 'app',
        containerType: 'regular',
        workload: { kind: 'Deployment', name: 'web' },
        qosClass: 'Burstable',
        image: 'registry.example/app:1.4.2',
        labels: { app: 'web', 'pod-template-hash': '7d9f8b6c5d' },
        memoryRequest: '256Mi',
        memoryLimit: '512Mi',
        restartCount: 0,
        lastTermination: null,
      },
      impact: 'process-killed-container-running',
      enrichment: { status: 'resolved', detail: null },
    });
    expect(calls).toEqual({ lists: [NODE], events: [], replicaSets: [], jobs: [] });
  });

  it('finds a static pod by the hash its mirror pod keeps, which is the uid its cgroup shows', async () => {
    const HASH = '6fb4bd3ae1d2c2a1b0bc3e1b4e3fc8c1';
    const mirror = podJson({
      name: `etcd-${NODE}`,
      namespace: 'kube-system',
      uid: 'c0ffee00-0000-4000-8000-000000000042',
      annotations: { 'kubernetes.io/config.hash': HASH, 'kubernetes.io/config.source': 'file' },
      owner: { kind: 'Node', name: NODE },
    });
    const { resolver, calls } = setup([podJson(), mirror]);
    // The event spells the hash as a uid (cgroup-path.ts).
    const uid = '6fb4bd3a-e1d2-c2a1-b0bc-3e1b4e3fc8c1';
    const result = await resolver.resolve(oomEvent({ pod: { uid, qos: 'burstable' } }), DEADLINE);
    expect(result.kubernetes).toMatchObject({
      namespace: 'kube-system',
      pod: `etcd-${NODE}`,
      container: 'app',
    });
    expect(result.enrichment.status).toBe('resolved');
    expect(calls.lists).toEqual([NODE]);
  });

  it('follows continue tokens through every page', async () => {
    const others = Array.from({ length: 5 }, (_, i) =>
      podJson({ name: `other-${i}`, uid: `00000000-0000-4000-8000-00000000000${i}` }),
    );
    const { resolver, calls, state } = setup([...others, podJson()]);
    state.pageSize = 2;
    const result = await resolver.resolve(oomEvent(), DEADLINE);
    expect(result.kubernetes?.pod).toBe('web-7d9f8b6c5d-x2x9k');
    expect(calls.lists).toEqual([NODE, NODE, NODE]);
  });

  it('serves later kills on the same node from the cache, and lists each node once', async () => {
    const second = podJson({
      name: 'other',
      uid: '11111111-1111-4111-8111-111111111111',
      node: 'ip-10-0-2-7.eu-west-1.compute.internal',
    });
    const { resolver, calls } = setup([podJson(), second]);
    await resolver.resolve(oomEvent(), DEADLINE);
    await resolver.resolve(oomEvent({ id: 'ev-2' }), DEADLINE);
    await resolver.resolve(
      oomEvent({
        id: 'ev-3',
        node: 'ip-10-0-2-7.eu-west-1.compute.internal',
        pod: { uid: second.metadata.uid, qos: 'burstable' },
      }),
      DEADLINE,
    );
    expect(calls.lists).toEqual([NODE, 'ip-10-0-2-7.eu-west-1.compute.internal']);
  });

  it('a storm of 1,000 kills on 50 nodes costs 50 lists, even all at once', async () => {
    const nodes = Array.from({ length: 50 }, (_, n) => `ip-10-0-${n}-1.eu-west-1.compute.internal`);
    const pods = nodes.flatMap((node, n) =>
      Array.from({ length: 4 }, (_, p) =>
        podJson({
          node,
          name: `w-${n}-${p}`,
          uid: `${String(n).padStart(8, '0')}-0000-4000-8000-${String(p).padStart(12, '0')}`,
        }),
      ),
    );
    const { resolver, calls } = setup(pods);
    const kills = Array.from({ length: 1000 }, (_, k) => {
      const pod = pods[k % pods.length] as Pod;
      return oomEvent({
        id: `storm-${k}`,
        node: pod.spec.nodeName,
        pod: { uid: pod.metadata.uid, qos: 'burstable' },
      });
    });
    const results = await Promise.all(kills.map((k) => resolver.resolve(k, DEADLINE)));
    expect(results.every((r) => r.enrichment.status === 'resolved')).toBe(true);
    expect(calls.lists).toHaveLength(50);
    expect(new Set(calls.lists).size).toBe(50);
  });

  it('lists again once for a pod missing from a listing older than the kill (a pod newer than the cache)', async () => {
    const { resolver, calls, state, timing } = setup([]);
    await resolver.resolve(
      oomEvent({ id: 'other', pod: { uid: '22222222-2222-4222-8222-222222222222', qos: null } }),
      DEADLINE,
    );
    state.pods = [podJson()];
    timing.advance(3_000);
    // This kill happened after the first listing, so its pod may be newer than it. (No container named: no
    // wait for the kubelet to report it, which 'the wait for the kubelet' below covers.)
    const killAfterListing = new Date(AFTER_KILL + 1_000).toISOString();
    const result = await resolver.resolve(
      oomEvent({ observedAt: killAfterListing, container: null }),
      DEADLINE + 3_000,
    );
    expect(result.enrichment.status).toBe('resolved');
    expect(calls.lists).toEqual([NODE, NODE]);
  });

  it('takes a miss in a listing made after the kill as final, and finds the deleted pod in its Events', async () => {
    const { resolver, calls, state } = setup([]);
    state.events = [podEventJson(POD_UID, 'shop', 'web-7d9f8b6c5d-x2x9k')];
    const result = await resolver.resolve(oomEvent(), DEADLINE);
    expect(result).toEqual({
      kubernetes: {
        namespace: 'shop',
        pod: 'web-7d9f8b6c5d-x2x9k',
        container: null,
        containerType: null,
        workload: null,
        qosClass: null,
        image: null,
        labels: {},
        memoryRequest: null,
        memoryLimit: null,
        restartCount: null,
        lastTermination: null,
      },
      impact: 'pod-deleted',
      enrichment: {
        status: 'resolved-from-events',
        detail: `pod ${POD_UID} is no longer on node ${NODE}; its name comes from its Events`,
      },
    });
    expect(calls.lists).toEqual([NODE]);
    expect(calls.events).toEqual([POD_UID]);
  });

  it('says not-found when neither the node nor any Event knows the pod', async () => {
    const { resolver } = setup([]);
    expect(await resolver.resolve(oomEvent(), DEADLINE)).toEqual({
      kubernetes: null,
      impact: 'unknown',
      enrichment: {
        status: 'not-found',
        detail: `pod ${POD_UID} is not on node ${NODE} and no Event names it (deleted over an hour ago?)`,
      },
    });
  });

  it('relists for a later kill whose status the cached listing cannot show yet', async () => {
    const { resolver, calls, timing } = setup();
    await resolver.resolve(oomEvent(), DEADLINE);
    // A second kill 1 s after the first listing, enriched 15 s later: the kubelet has reported it by now.
    timing.advance(15_000);
    await resolver.resolve(
      oomEvent({ id: 'ev-2', observedAt: new Date(AFTER_KILL + 1_000).toISOString() }),
      DEADLINE + 15_000,
    );
    expect(calls.lists).toEqual([NODE, NODE]);
  });

  it('does not relist a node within 2 s, however fresh the kills', async () => {
    const { resolver, calls, timing } = setup();
    await resolver.resolve(oomEvent(), DEADLINE);
    timing.advance(1_000);
    // No container named: no wait for the kubelet ('the wait for the kubelet' below keeps the same bound).
    await resolver.resolve(
      oomEvent({ id: 'ev-2', observedAt: new Date(AFTER_KILL + 500).toISOString(), container: null }),
      DEADLINE,
    );
    expect(calls.lists).toEqual([NODE]);
  });

  it('marks a kill outside any pod as a host process, without asking the API', async () => {
    const { resolver, calls } = setup();
    const result = await resolver.resolve(
      oomEvent({
        pod: null,
        container: null,
        cgroup: { oom: null, task: '/system.slice/containerd.service' },
      }),
      DEADLINE,
    );
    expect(result).toEqual({
      kubernetes: null,
      impact: 'host-process',
      enrichment: {
        status: 'not-a-pod',
        detail: "the victim's cgroup /system.slice/containerd.service is not a pod's",
      },
    });
    expect(calls.lists).toEqual([]);
  });

  it('does not call a kill without any cgroup a host process (storm-suppressed report lines)', async () => {
    const { resolver } = setup();
    const result = await resolver.resolve(
      oomEvent({ pod: null, container: null, cgroup: { oom: null, task: null }, complete: false }),
      DEADLINE,
    );
    expect(result).toEqual({
      kubernetes: null,
      impact: 'unknown',
      enrichment: {
        status: 'not-found',
        detail: "the kernel report did not show the victim's cgroup, so there is no pod to look up",
      },
    });
  });

  it('never lists the cluster for an event without a node', async () => {
    const { resolver, calls } = setup();
    const result = await resolver.resolve(oomEvent({ node: null }), DEADLINE);
    expect(result.enrichment).toEqual({
      status: 'not-found',
      detail: `pod ${POD_UID}: the event names no node, and pods are only listed per node, never cluster-wide`,
    });
    expect(calls.lists).toEqual([]);
  });

  it('keeps the pod when the container id matches none of its containers, and says so', async () => {
    const { resolver } = setup();
    const result = await resolver.resolve(
      oomEvent({ container: { id: '9'.repeat(64), runtime: 'containerd' } }),
      DEADLINE,
    );
    expect(result.kubernetes).toMatchObject({ pod: 'web-7d9f8b6c5d-x2x9k', container: null });
    expect(result.impact).toBe('unknown');
    expect(result.enrichment).toEqual({
      status: 'resolved',
      detail: `container ${'9'.repeat(64)} is not among the pod's current or previous containers`,
    });
  });

  it('classifies a restarted container from lastState', async () => {
    const pod = podJson({
      containers: [
        {
          name: 'app',
          id: CONTAINER_ID,
          restartCount: 3,
          lastTerminated: {
            id: PREVIOUS_CONTAINER_ID,
            reason: 'OOMKilled',
            exitCode: 137,
            finishedAt: '2025-03-14T09:26:54Z',
          },
        },
      ],
    });
    const { resolver } = setup([pod]);
    const result = await resolver.resolve(
      oomEvent({ container: { id: PREVIOUS_CONTAINER_ID, runtime: 'containerd' } }),
      DEADLINE,
    );
    expect(result.impact).toBe('container-restarted');
    expect(result.kubernetes).toMatchObject({
      restartCount: 3,
      lastTermination: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2025-03-14T09:26:54.000Z' },
    });
  });

  it('reads a ReplicaSet without pod-template-hash once, and a CronJob Job once', async () => {
    const rolloutPod = podJson({ labels: { app: 'web' } });
    const cronPod = podJson({
      name: 'report-28950840-abcde',
      uid: '33333333-3333-4333-8333-333333333333',
      owner: { kind: 'Job', name: 'report-28950840' },
    });
    const { resolver, calls, state } = setup([rolloutPod, cronPod]);
    state.owners.set(
      'ReplicaSet/shop/web-7d9f8b6c5d',
      ownedObjectJson('ReplicaSet', 'shop', 'web-7d9f8b6c5d', { kind: 'Rollout', name: 'web' }).metadata
        .ownerReferences,
    );
    state.owners.set(
      'Job/shop/report-28950840',
      ownedObjectJson('Job', 'shop', 'report-28950840', { kind: 'CronJob', name: 'report' }).metadata
        .ownerReferences,
    );
    const first = await resolver.resolve(oomEvent(), DEADLINE);
    await resolver.resolve(oomEvent({ id: 'ev-2' }), DEADLINE);
    const cron = await resolver.resolve(
      oomEvent({ id: 'ev-3', pod: { uid: cronPod.metadata.uid, qos: 'burstable' } }),
      DEADLINE,
    );
    expect(first.kubernetes?.workload).toEqual({ kind: 'Rollout', name: 'web' });
    expect(cron.kubernetes?.workload).toEqual({ kind: 'CronJob', name: 'report' });
    expect(calls.replicaSets).toEqual(['shop/web-7d9f8b6c5d']);
    expect(calls.jobs).toEqual(['shop/report-28950840']);
  });

  it('keeps the ReplicaSet as the workload when it cannot be read, and says why', async () => {
    const { reader } = fakeApi([podJson({ labels: { app: 'web' } })]);
    const resolver = createPodResolver({
      reader: {
        ...reader,
        replicaSetOwners: () => Promise.reject(new ApiException(404, 'Not Found', {}, {})),
      },
      timing: fakeTiming(AFTER_KILL),
    });
    const result = await resolver.resolve(oomEvent(), DEADLINE);
    expect(result.kubernetes?.workload).toEqual({ kind: 'ReplicaSet', name: 'web-7d9f8b6c5d' });
    expect(result.enrichment).toEqual({
      status: 'resolved',
      detail: 'owner of ReplicaSet shop/web-7d9f8b6c5d not read: the API server answered 404',
    });
  });

  it('gives "unavailable" with the reason when the API keeps failing, and stops at the deadline', async () => {
    const { resolver, calls, state, timing } = setup();
    state.failWith = new ApiException(503, 'Service Unavailable', {}, {});
    const result = await resolver.resolve(oomEvent(), AFTER_KILL + 2_000);
    expect(result).toEqual({
      kubernetes: null,
      impact: 'unknown',
      enrichment: {
        status: 'unavailable',
        detail: `pods on node ${NODE} could not be listed: the API server failed (503); gave up after 4 attempts`,
      },
    });
    expect(calls.lists).toHaveLength(4);
    expect(timing.now()).toBeLessThanOrEqual(AFTER_KILL + 2_000);
  });

  it('gives "unavailable" at the first 403, without waiting', async () => {
    const { resolver, calls, state, timing } = setup();
    state.failWith = new ApiException(403, 'Forbidden', {}, {});
    const result = await resolver.resolve(oomEvent(), DEADLINE);
    expect(result.enrichment).toEqual({
      status: 'unavailable',
      detail: `pods on node ${NODE} could not be listed: the API server refused access (403 Forbidden): check the access entry and the eks-oom-alerts-reader ClusterRole bound to its group`,
    });
    expect(calls.lists).toHaveLength(1);
    expect(timing.sleeps).toEqual([]);
  });

  it('gives "unavailable" when the pod is gone and its Events cannot be read', async () => {
    const { reader } = fakeApi([]);
    const resolver = createPodResolver({
      reader: { ...reader, podNamedInEvents: () => Promise.reject(new ApiException(500, 'boom', {}, {})) },
      timing: fakeTiming(AFTER_KILL),
    });
    const result = await resolver.resolve(oomEvent(), AFTER_KILL + 1_000);
    expect(result).toEqual({
      kubernetes: null,
      impact: 'unknown',
      enrichment: {
        status: 'unavailable',
        detail: `pod ${POD_UID} is not on node ${NODE}, and its Events could not be read: the API server failed (500); gave up after 3 attempts`,
      },
    });
  });
});

describe('the wait for the kubelet', () => {
  // Enrichment 1 s after the kill: the kubelet may not have reported it in pod status yet.
  const KILL = Date.parse(KILL_TIME);
  const freshKill = () => oomEvent({ observedAt: new Date(KILL).toISOString() });
  const restarted = podJson({
    containers: [
      {
        name: 'app',
        id: PREVIOUS_CONTAINER_ID,
        restartCount: 1,
        lastTerminated: { id: CONTAINER_ID, reason: 'OOMKilled', exitCode: 137, finishedAt: KILL_TIME },
      },
    ],
  });

  /** The resolver over `fakeApi`, each listing's time kept; `statusAfter` lists: the pod the API gives from then on. */
  function polled(statusAfter: { lists: number; pod: Pod } | null) {
    const api = fakeApi([podJson()]);
    const timing = fakeTiming(KILL + 1_000);
    const listedAt: number[] = [];
    const reader: KubeReader = {
      ...api.reader,
      listPodsOnNode(node, page, signal) {
        listedAt.push(timing.now() - KILL);
        if (statusAfter !== null && listedAt.length > statusAfter.lists) api.state.pods = [statusAfter.pod];
        return api.reader.listPodsOnNode(node, page, signal);
      },
    };
    return { listedAt, timing, resolver: createPodResolver({ reader, timing }) };
  }

  it('asks again until the kubelet reports the restart, and stops there', async () => {
    const { resolver, listedAt } = polled({ lists: 1, pod: restarted });
    const result = await resolver.resolve(freshKill(), KILL + 55_000);
    expect(result.impact).toBe('container-restarted');
    expect(result.kubernetes?.lastTermination).toEqual({
      reason: 'OOMKilled',
      exitCode: 137,
      finishedAt: KILL_TIME,
    });
    expect(listedAt).toEqual([1_000, 3_000]);
  });

  it('takes a container still running 10 s after the kill as a process killed inside it', async () => {
    const { resolver, listedAt } = polled(null);
    const result = await resolver.resolve(freshKill(), KILL + 55_000);
    expect(result.impact).toBe('process-killed-container-running');
    // Every 2 s (the storm bound), the last at or after the 10 s the kubelet is given.
    expect(listedAt).toEqual([1_000, 3_000, 5_000, 7_000, 9_000, 11_000]);
  });

  it('stops asking at the deadline, with what the last listing showed', async () => {
    const { resolver, listedAt } = polled({ lists: 3, pod: restarted });
    const result = await resolver.resolve(freshKill(), KILL + 4_000);
    expect(result.impact).toBe('process-killed-container-running');
    expect(listedAt).toEqual([1_000, 3_000]);
  });

  it('does not wait when the first listing shows the restart, nor for a kill older than 10 s', async () => {
    const first = polled({ lists: 0, pod: restarted });
    expect((await first.resolver.resolve(freshKill(), KILL + 55_000)).impact).toBe('container-restarted');
    expect(first.listedAt).toEqual([1_000]);
    const old = polled(null);
    old.timing.advance(10_000);
    const result = await old.resolver.resolve(freshKill(), KILL + 55_000);
    expect(result.impact).toBe('process-killed-container-running');
    expect(old.listedAt).toEqual([11_000]);
  });

  it('shares its listings with the other kills of the node, never two within 2 s', async () => {
    const { resolver, listedAt } = polled(null);
    await Promise.all([
      resolver.resolve(freshKill(), KILL + 55_000),
      resolver.resolve(
        oomEvent({ id: 'ev-2', observedAt: new Date(KILL + 500).toISOString() }),
        KILL + 55_000,
      ),
    ]);
    expect(listedAt.every((at, i) => i === 0 || at - (listedAt[i - 1] as number) >= 2_000)).toBe(true);
    expect(listedAt.at(-1)).toBeGreaterThanOrEqual(10_500);
  });
});
