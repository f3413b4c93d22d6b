/**
 * Hand-written test inputs from the contract (docs/oom-event.md) and the Kubernetes API's JSON: OomEvents as
 * the parser emits them, and pods, Events, ReplicaSets and Jobs as the API server returns them.
 */
import type { OomEvent } from '../../../shared/oom-event.ts';

export const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
export const POD_UID = '3f0c9a4e-8d1b-4c61-9f3a-2b7d5e6a1c08';
export const CONTAINER_ID = 'a'.repeat(8) + '0123456789abcdef0123456789abcdef0123456789abcdef01234567';
export const PREVIOUS_CONTAINER_ID =
  'b'.repeat(8) + '0123456789abcdef0123456789abcdef0123456789abcdef01234567';
export const KILL_TIME = '2025-03-14T09:26:53.000Z';

export function oomEvent(overrides: Partial<OomEvent> = {}): OomEvent {
  return {
    schemaVersion: 1,
    id: 'ev-1',
    node: NODE,
    observedAt: KILL_TIME,
    kernelTime: 4194.691334,
    constraint: 'memcg',
    limitScope: 'container',
    victim: {
      pid: 48213,
      name: 'php-fpm',
      uid: 33,
      totalVmKb: 812_340,
      anonRssKb: 512_004,
      fileRssKb: 1_204,
      shmemRssKb: 0,
      pgtablesKb: 1_196,
      oomScoreAdj: 999,
    },
    trigger: { name: 'php-fpm', pid: 48213, gfpMask: '0xcc0(GFP_KERNEL)', order: 0, oomScoreAdj: 999 },
    cgroup: {
      oom: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_UID.replaceAll('-', '_')}.slice/cri-containerd-${CONTAINER_ID}.scope`,
      task: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_UID.replaceAll('-', '_')}.slice/cri-containerd-${CONTAINER_ID}.scope`,
    },
    pod: { uid: POD_UID, qos: 'burstable' },
    container: { id: CONTAINER_ID, runtime: 'containerd' },
    memory: { usageKb: 524_288, limitKb: 524_288, failcnt: 412, swapUsageKb: 0, swapLimitKb: 0 },
    tasks: [{ pid: 48213, name: 'php-fpm', rssKb: 513_208, oomScoreAdj: 999 }],
    coVictims: [],
    complete: true,
    source: {
      logGroup: '/aws/containerinsights/prod/host',
      logStream: `${NODE}.host.messages`,
      eventIds: ['3811'],
    },
    lines: [
      'php-fpm invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=999',
      `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-${CONTAINER_ID}.scope,mems_allowed=0`,
      'Memory cgroup out of memory: Killed process 48213 (php-fpm) total-vm:812340kB, anon-rss:512004kB, file-rss:1204kB, shmem-rss:0kB, UID:33 pgtables:1196kB oom_score_adj:999',
    ],
    ...overrides,
  };
}

export type ContainerState =
  | { running: { startedAt: string } }
  | { terminated: { containerID?: string; reason: string; exitCode: number; finishedAt: string } };

export interface ContainerFixture {
  name: string;
  id: string;
  image?: string;
  state?: ContainerState;
  lastTerminated?: { id: string; reason: string; exitCode: number; finishedAt: string };
  restartCount?: number;
  memory?: { request?: string; limit?: string };
  runtime?: string;
}

export interface PodFixture {
  name?: string;
  namespace?: string;
  uid?: string;
  node?: string;
  labels?: Record<string, string>;
  owner?: { kind: string; name: string; controller?: boolean } | null;
  qosClass?: string;
  containers?: ContainerFixture[];
  initContainers?: ContainerFixture[];
  ephemeralContainers?: ContainerFixture[];
}

function specOf(c: ContainerFixture) {
  const resources: { requests?: Record<string, string>; limits?: Record<string, string> } = {};
  if (c.memory?.request !== undefined) resources.requests = { cpu: '100m', memory: c.memory.request };
  if (c.memory?.limit !== undefined) resources.limits = { memory: c.memory.limit };
  return { name: c.name, image: c.image ?? `registry.example/${c.name}:1.4.2`, resources };
}

function statusOf(c: ContainerFixture) {
  const scheme = c.runtime ?? 'containerd';
  return {
    name: c.name,
    image: c.image ?? `registry.example/${c.name}:1.4.2`,
    imageID: `registry.example/${c.name}@sha256:${'c'.repeat(64)}`,
    containerID: `${scheme}://${c.id}`,
    ready: true,
    restartCount: c.restartCount ?? 0,
    state: c.state ?? { running: { startedAt: '2025-03-14T08:00:00Z' } },
    lastState:
      c.lastTerminated === undefined
        ? {}
        : {
            terminated: {
              containerID: `${scheme}://${c.lastTerminated.id}`,
              reason: c.lastTerminated.reason,
              exitCode: c.lastTerminated.exitCode,
              startedAt: '2025-03-14T08:00:00Z',
              finishedAt: c.lastTerminated.finishedAt,
            },
          },
  };
}

/** A pod as the API server returns it in a PodList (JSON, timestamps as strings). */
export function podJson(fixture: PodFixture = {}) {
  const containers = fixture.containers ?? [
    { name: 'app', id: CONTAINER_ID, memory: { request: '256Mi', limit: '512Mi' } },
  ];
  const name = fixture.name ?? 'web-7d9f8b6c5d-x2x9k';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: fixture.namespace ?? 'shop',
      uid: fixture.uid ?? POD_UID,
      labels: fixture.labels ?? { app: 'web', 'pod-template-hash': '7d9f8b6c5d' },
      ownerReferences:
        fixture.owner === null
          ? []
          : [
              {
                apiVersion: 'apps/v1',
                kind: fixture.owner?.kind ?? 'ReplicaSet',
                name: fixture.owner?.name ?? 'web-7d9f8b6c5d',
                uid: '9a1e3a4b-0000-4000-8000-000000000001',
                controller: fixture.owner?.controller ?? true,
                blockOwnerDeletion: true,
              },
            ],
      managedFields: [
        { manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: '2025-03-14T08:00:00Z' },
      ],
    },
    spec: {
      nodeName: fixture.node ?? NODE,
      containers: containers.map(specOf),
      ...(fixture.initContainers === undefined ? {} : { initContainers: fixture.initContainers.map(specOf) }),
      ...(fixture.ephemeralContainers === undefined
        ? {}
        : {
            ephemeralContainers: fixture.ephemeralContainers.map((c) => ({
              ...specOf(c),
              targetContainerName: 'app',
            })),
          }),
    },
    status: {
      phase: 'Running',
      qosClass: fixture.qosClass ?? 'Burstable',
      containerStatuses: containers.map(statusOf),
      ...(fixture.initContainers === undefined
        ? {}
        : { initContainerStatuses: fixture.initContainers.map(statusOf) }),
      ...(fixture.ephemeralContainers === undefined
        ? {}
        : { ephemeralContainerStatuses: fixture.ephemeralContainers.map(statusOf) }),
    },
  };
}

export function podEventJson(uid: string, namespace: string, podName: string) {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${podName}.17c1a2b3c4d5e6f7`, namespace, uid: '5b5b5b5b-0000-4000-8000-000000000002' },
    involvedObject: { kind: 'Pod', namespace, name: podName, uid, apiVersion: 'v1' },
    reason: 'Killing',
    message: 'Stopping container app',
    type: 'Normal',
    lastTimestamp: '2025-03-14T09:20:00Z',
  };
}

export function ownedObjectJson(
  kind: 'ReplicaSet' | 'Job',
  namespace: string,
  name: string,
  owner: { kind: string; name: string } | null,
) {
  return {
    apiVersion: kind === 'ReplicaSet' ? 'apps/v1' : 'batch/v1',
    kind,
    metadata: {
      name,
      namespace,
      uid: '7c7c7c7c-0000-4000-8000-000000000003',
      ownerReferences:
        owner === null
          ? []
          : [
              {
                apiVersion: 'v1',
                kind: owner.kind,
                name: owner.name,
                uid: '7c7c7c7c-0000-4000-8000-000000000004',
                controller: true,
              },
            ],
    },
    spec: {},
  };
}
