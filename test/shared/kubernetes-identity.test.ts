import { describe, expect, it } from 'vitest';
import {
  bareContainerId,
  findContainer,
  identityFromEvents,
  identityOfPod,
  impactOnContainer,
  isoTime,
  workloadAbove,
  workloadFromPod,
} from '../../shared/kubernetes-identity.ts';
import type { PodView } from '../../shared/kubernetes-identity.ts';
import { CONTAINER_ID, KILL_TIME, PREVIOUS_CONTAINER_ID, podJson } from '../fixtures/kubernetes-objects.ts';

const SIDECAR_ID = 'd'.repeat(64);
const INIT_ID = 'e'.repeat(64);
const DEBUG_ID = 'f'.repeat(64);

describe('bareContainerId', () => {
  it.each([
    ['containerd://' + CONTAINER_ID, CONTAINER_ID],
    ['cri-o://' + CONTAINER_ID, CONTAINER_ID],
    ['docker://' + CONTAINER_ID, CONTAINER_ID],
    [CONTAINER_ID.toUpperCase(), CONTAINER_ID],
  ])('%s → bare hex', (statusId, bare) => {
    expect(bareContainerId(statusId)).toBe(bare);
  });
});

describe('findContainer', () => {
  const pod: PodView = podJson({
    containers: [
      {
        name: 'app',
        id: CONTAINER_ID,
        lastTerminated: {
          id: PREVIOUS_CONTAINER_ID,
          reason: 'OOMKilled',
          exitCode: 137,
          finishedAt: KILL_TIME,
        },
      },
      { name: 'sidecar', id: SIDECAR_ID, runtime: 'cri-o' },
    ],
    initContainers: [
      {
        name: 'migrate',
        id: INIT_ID,
        state: { terminated: { reason: 'Completed', exitCode: 0, finishedAt: '2025-03-14T08:00:00Z' } },
      },
    ],
    ephemeralContainers: [{ name: 'debugger', id: DEBUG_ID, runtime: 'docker' }],
  });

  it('matches the running instance of a regular container', () => {
    expect(findContainer(pod, CONTAINER_ID)).toMatchObject({
      type: 'regular',
      instance: 'current',
      status: { name: 'app' },
      spec: { name: 'app' },
    });
  });

  it('matches the previous instance through lastState.terminated.containerID', () => {
    expect(findContainer(pod, PREVIOUS_CONTAINER_ID)).toMatchObject({
      type: 'regular',
      instance: 'previous',
      status: { name: 'app' },
    });
  });

  it('matches whatever the runtime scheme in status (cri-o://, docker://)', () => {
    expect(findContainer(pod, SIDECAR_ID)?.status.name).toBe('sidecar');
    expect(findContainer(pod, DEBUG_ID)).toMatchObject({ type: 'ephemeral', status: { name: 'debugger' } });
  });

  it('finds init containers', () => {
    expect(findContainer(pod, INIT_ID)).toMatchObject({
      type: 'init',
      instance: 'current',
      status: { name: 'migrate' },
    });
  });

  it('finds nothing for an id the pod never ran', () => {
    expect(findContainer(pod, '9'.repeat(64))).toBeNull();
  });
});

describe('workloadFromPod', () => {
  it('names the Deployment from the ReplicaSet when pod-template-hash is its suffix', () => {
    expect(workloadFromPod(podJson())).toEqual({
      next: 'done',
      workload: { kind: 'Deployment', name: 'web' },
    });
  });

  it('reads the ReplicaSet when the pod has no pod-template-hash (Argo Rollouts, bare ReplicaSets)', () => {
    const pod = podJson({ labels: { app: 'web', 'rollouts-pod-template-hash': '7d9f8b6c5d' } });
    expect(workloadFromPod(pod)).toEqual({
      next: 'read-replicaset',
      namespace: 'shop',
      name: 'web-7d9f8b6c5d',
    });
  });

  it('reads the ReplicaSet when the hash label is not the name suffix', () => {
    const pod = podJson({ labels: { 'pod-template-hash': '5f5f5f5f5f' } });
    expect(workloadFromPod(pod)).toEqual({
      next: 'read-replicaset',
      namespace: 'shop',
      name: 'web-7d9f8b6c5d',
    });
  });

  it('reads a Job whose name is a CronJob controller name, and not other Jobs', () => {
    expect(workloadFromPod(podJson({ owner: { kind: 'Job', name: 'nightly-report-28950840' } }))).toEqual({
      next: 'read-job',
      namespace: 'shop',
      name: 'nightly-report-28950840',
    });
    expect(workloadFromPod(podJson({ owner: { kind: 'Job', name: 'db-migrate' } }))).toEqual({
      next: 'done',
      workload: { kind: 'Job', name: 'db-migrate' },
    });
  });

  it('takes StatefulSet, DaemonSet and Node (static pod) owners as they are', () => {
    expect(workloadFromPod(podJson({ owner: { kind: 'StatefulSet', name: 'db' } }))).toEqual({
      next: 'done',
      workload: { kind: 'StatefulSet', name: 'db' },
    });
    expect(workloadFromPod(podJson({ owner: { kind: 'Node', name: 'ip-10-0-1-23' } }))).toEqual({
      next: 'done',
      workload: { kind: 'Node', name: 'ip-10-0-1-23' },
    });
  });

  it('gives no workload for a bare pod', () => {
    expect(workloadFromPod(podJson({ owner: null }))).toEqual({ next: 'done', workload: null });
  });

  it('follows the ReplicaSet or Job up to its controller', () => {
    expect(
      workloadAbove({ kind: 'ReplicaSet', name: 'web-abc' }, [
        { kind: 'Rollout', name: 'web', controller: true },
      ]),
    ).toEqual({ kind: 'Rollout', name: 'web' });
    expect(workloadAbove({ kind: 'Job', name: 'adhoc-1' }, [])).toEqual({ kind: 'Job', name: 'adhoc-1' });
  });
});

describe('impactOnContainer', () => {
  const at = (offsetSeconds: number) => new Date(Date.parse(KILL_TIME) + offsetSeconds * 1000).toISOString();
  const podWith = (container: Parameters<typeof podJson>[0]) => podJson(container);

  it('container-restarted: the killed instance is lastState OOMKilled, finished at the kill', () => {
    const pod = podWith({
      containers: [
        {
          name: 'app',
          id: CONTAINER_ID,
          restartCount: 1,
          lastTerminated: {
            id: PREVIOUS_CONTAINER_ID,
            reason: 'OOMKilled',
            exitCode: 137,
            finishedAt: at(1),
          },
        },
      ],
    });
    expect(impactOnContainer(findContainer(pod, PREVIOUS_CONTAINER_ID), KILL_TIME)).toBe(
      'container-restarted',
    );
  });

  it('unknown: the previous instance ended OOMKilled, but long after this kill (a child was killed first)', () => {
    const pod = podWith({
      containers: [
        {
          name: 'app',
          id: CONTAINER_ID,
          lastTerminated: {
            id: PREVIOUS_CONTAINER_ID,
            reason: 'OOMKilled',
            exitCode: 137,
            finishedAt: at(300),
          },
        },
      ],
    });
    expect(impactOnContainer(findContainer(pod, PREVIOUS_CONTAINER_ID), KILL_TIME)).toBe('unknown');
  });

  it('unknown: the previous instance ended for another reason', () => {
    const pod = podWith({
      containers: [
        {
          name: 'app',
          id: CONTAINER_ID,
          lastTerminated: { id: PREVIOUS_CONTAINER_ID, reason: 'Error', exitCode: 1, finishedAt: at(1) },
        },
      ],
    });
    expect(impactOnContainer(findContainer(pod, PREVIOUS_CONTAINER_ID), KILL_TIME)).toBe('unknown');
  });

  it('process-killed-container-running: the same instance still runs', () => {
    expect(impactOnContainer(findContainer(podJson(), CONTAINER_ID), KILL_TIME)).toBe(
      'process-killed-container-running',
    );
  });

  it('container-restarted: the instance is terminated OOMKilled and waits for its restart', () => {
    const pod = podWith({
      containers: [
        {
          name: 'app',
          id: CONTAINER_ID,
          state: {
            terminated: { containerID: CONTAINER_ID, reason: 'OOMKilled', exitCode: 137, finishedAt: at(0) },
          },
        },
      ],
    });
    expect(impactOnContainer(findContainer(pod, CONTAINER_ID), KILL_TIME)).toBe('container-restarted');
  });

  it('trusts the container id alone when the kill has no wall-clock time', () => {
    const pod = podWith({
      containers: [
        {
          name: 'app',
          id: CONTAINER_ID,
          lastTerminated: {
            id: PREVIOUS_CONTAINER_ID,
            reason: 'OOMKilled',
            exitCode: 137,
            finishedAt: at(900),
          },
        },
      ],
    });
    expect(impactOnContainer(findContainer(pod, PREVIOUS_CONTAINER_ID), null)).toBe('container-restarted');
  });

  it('unknown without a matched container', () => {
    expect(impactOnContainer(null, KILL_TIME)).toBe('unknown');
  });
});

describe('identityOfPod', () => {
  it('fills every field from the pod, its matched container and the workload', () => {
    const pod = podJson({
      containers: [
        {
          name: 'app',
          id: CONTAINER_ID,
          image: 'registry.example/shop/web:2.3.1',
          restartCount: 4,
          memory: { request: '256Mi', limit: '512Mi' },
          lastTerminated: {
            id: PREVIOUS_CONTAINER_ID,
            reason: 'OOMKilled',
            exitCode: 137,
            finishedAt: '2025-03-14T09:26:54Z',
          },
        },
      ],
    });
    const match = findContainer(pod, PREVIOUS_CONTAINER_ID);
    expect(identityOfPod(pod, match, { kind: 'Deployment', name: 'web' })).toEqual({
      namespace: 'shop',
      pod: 'web-7d9f8b6c5d-x2x9k',
      container: 'app',
      containerType: 'regular',
      workload: { kind: 'Deployment', name: 'web' },
      qosClass: 'Burstable',
      image: 'registry.example/shop/web:2.3.1',
      labels: { app: 'web', 'pod-template-hash': '7d9f8b6c5d' },
      memoryRequest: '256Mi',
      memoryLimit: '512Mi',
      restartCount: 4,
      lastTermination: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2025-03-14T09:26:54.000Z' },
    });
  });

  it('keeps container fields null when no container matched', () => {
    const identity = identityOfPod(podJson(), null, null);
    expect(identity).toMatchObject({
      container: null,
      containerType: null,
      image: null,
      memoryLimit: null,
      restartCount: null,
      lastTermination: null,
    });
    expect(identity.namespace).toBe('shop');
  });

  it('from Events: only namespace and name', () => {
    expect(identityFromEvents('shop', 'web-1')).toEqual({
      namespace: 'shop',
      pod: 'web-1',
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
    });
  });
});

describe('isoTime', () => {
  it('takes Date and string, and refuses garbage', () => {
    expect(isoTime(new Date('2025-03-14T09:26:53Z'))).toBe('2025-03-14T09:26:53.000Z');
    expect(isoTime('2025-03-14T09:26:53Z')).toBe('2025-03-14T09:26:53.000Z');
    expect(isoTime('yesterday-ish')).toBeNull();
    expect(isoTime(undefined)).toBeNull();
  });
});
