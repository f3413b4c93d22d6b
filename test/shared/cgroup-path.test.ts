import { describe, expect, it } from 'vitest';
import {
  completeContainerId,
  completedCutPath,
  decodeCgroupPath,
  isElidedPath,
} from '../../shared/cgroup-path.ts';

const UID = '3962896b-ab69-4572-8f1d-ee756f9f3589';
const UID_ = UID.replaceAll('-', '_');
const ID = 'a2172e8d1101b4393d934a3a3fb902260c945c360ed278bbdef80cb45fbb9419';

describe('decodeCgroupPath', () => {
  it.each([
    ['cgroupfs burstable, bare id', `/kubepods/burstable/pod${UID}/${ID}`, 'burstable', null],
    ['cgroupfs besteffort', `/kubepods/besteffort/pod${UID}/${ID}`, 'besteffort', null],
    ['cgroupfs guaranteed', `/kubepods/pod${UID}/${ID}`, 'guaranteed', null],
    [
      'systemd containerd',
      `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/cri-containerd-${ID}.scope`,
      'burstable',
      'containerd',
    ],
    [
      'systemd besteffort crio',
      `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID_}.slice/crio-${ID}.scope`,
      'besteffort',
      'crio',
    ],
    [
      'systemd guaranteed docker',
      `/kubepods.slice/kubepods-pod${UID_}.slice/docker-${ID}.scope`,
      'guaranteed',
      'docker',
    ],
    [
      'kind (nested under /docker/<node>)',
      `/docker/${'5e'.repeat(32)}/kubepods/burstable/pod${UID}/${ID}`,
      'burstable',
      null,
    ],
    [
      'LXC payload prefix',
      `/lxc.payload.ny2g2r5hh3-lxc/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/cri-containerd-${ID}.scope`,
      'burstable',
      'containerd',
    ],
    [
      'containerd systemd-spec path under containerd.service',
      `/system.slice/containerd.service/kubepods-burstable-pod${UID_}.slice:cri-containerd:${ID}`,
      'burstable',
      'containerd',
    ],
  ])('%s', (_name, path, qos, runtime) => {
    expect(decodeCgroupPath(path)).toEqual({
      level: 'container',
      pod: { uid: UID, qos },
      container: { id: ID, runtime },
      partialContainerId: null,
    });
  });

  it('reads the pod level, with a dashed lowercase uid from an uppercase underscored one', () => {
    const path = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_.toUpperCase()}.slice`;
    expect(decodeCgroupPath(path)).toEqual({
      level: 'pod',
      pod: { uid: UID, qos: 'burstable' },
      container: null,
      partialContainerId: null,
    });
  });

  it('reads a static pod, whose uid is the kubelet’s hash of its manifest: 32 hex digits (tenth red team U)', () => {
    const HASH = '6fb4bd3ae1d2c2a1b0bc3e1b4e3fc8c1';
    // Spelled as the contract spells a pod uid.
    const DASHED = '6fb4bd3a-e1d2-c2a1-b0bc-3e1b4e3fc8c1';
    expect(decodeCgroupPath(`/kubepods/burstable/pod${HASH}/${ID}`)).toEqual({
      level: 'container',
      pod: { uid: DASHED, qos: 'burstable' },
      container: { id: ID, runtime: null },
      partialContainerId: null,
    });
    const systemd = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${HASH.toUpperCase()}.slice`;
    expect(decodeCgroupPath(systemd).pod).toEqual({ uid: DASHED, qos: 'burstable' });
    // Not a word that happens to follow `pod` with hex in it.
    expect(decodeCgroupPath(`/system.slice/pod${HASH}x.scope`).pod).toBeNull();
  });

  it('reads kubepods under a kubelet cgroup root (kind: `kubelet-kubepods.slice`)', () => {
    expect(decodeCgroupPath('/kubelet.slice/kubelet-kubepods.slice').level).toBe('kubepods');
    expect(
      decodeCgroupPath('/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice').level,
    ).toBe('qos');
    expect(
      decodeCgroupPath(
        `/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-pod${UID_}.slice/cri-containerd-${ID}.scope`,
      ),
    ).toMatchObject({ level: 'container', pod: { uid: UID, qos: 'burstable' } });
  });

  it('reads the QoS and kubepods levels, which hold many pods', () => {
    expect(decodeCgroupPath('/kubepods/burstable').level).toBe('qos');
    expect(decodeCgroupPath('/kubepods.slice/kubepods-besteffort.slice').level).toBe('qos');
    expect(decodeCgroupPath('/kubepods.slice').level).toBe('kubepods');
    expect(decodeCgroupPath('/kubepods').pod).toBeNull();
  });

  it.each([
    '/',
    '/init.scope',
    '/system.slice/kubelet.service',
    '/13',
    '/user.slice/user-1000.slice/session-3.scope',
  ])('gives no pod for a path outside Kubernetes: %s', (path) => {
    expect(decodeCgroupPath(path)).toEqual({
      level: 'other',
      pod: null,
      container: null,
      partialContainerId: null,
    });
  });

  it.each([
    // corpus 03, 07 (cgroupfs driver), 11 and 12 (systemd, cgroup v1), 13 (cgroup v2), 44 (rootless podman)
    ['docker, cgroupfs driver', `/docker/${ID}`, 'container', 'docker'],
    ['docker, systemd driver', `/system.slice/docker-${ID}.scope`, 'container', 'docker'],
    [
      'podman, the scope',
      `/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ID}.scope`,
      'container',
      null,
    ],
    [
      'podman, the container child of its scope',
      `/machine.slice/libpod-${ID}.scope/container`,
      'container',
      null,
    ],
    ['podman, cgroupfs manager', `/libpod_parent/libpod-${ID}`, 'container', null],
    ['inside a docker container', `/docker/${ID}/app`, 'other', 'docker'],
    // A runtime's cgroup parent other than docker's: an ECS task (tenth red team U/02), a CI runner's.
    ['a bare id under another parent', `/ecs/f209da7f1a9c4f2c8f1e6b1a0c7d9e3b/${ID}`, 'container', null],
  ] as const)('reads a container outside Kubernetes: %s', (_name, path, level, runtime) => {
    expect(decodeCgroupPath(path)).toEqual({
      level,
      pod: null,
      container: { id: ID, runtime },
      partialContainerId: null,
    });
  });

  it('takes no runtime scope that is not a container: conmon, a short id, a slice', () => {
    expect(decodeCgroupPath(`/machine.slice/libpod-conmon-${ID}.scope`).container).toBeNull();
    expect(decodeCgroupPath('/system.slice/docker-1234.scope').container).toBeNull();
    expect(decodeCgroupPath('/system.slice/docker.service').container).toBeNull();
    expect(decodeCgroupPath(`/system.slice/docker-${ID}`).container).toBeNull();
    expect(decodeCgroupPath(`/docker/${ID}/kubepods/burstable`)).toMatchObject({
      level: 'qos',
      container: null,
    });
  });

  it('recovers what is unambiguous from a mistyped path and drops what is not', () => {
    // The blog's 5.10 line: `kubends.slice`, `bustable`, and a 62-digit container id.
    const decoded = decodeCgroupPath(
      '/kubends.slice/kubepods-burstable.slice/kubepods-bustable-pod748bebc7_7fde_4fef_b2a3_fe45e29392df.slice/cri-containerd-ab82a879ba5185c93126175448c72174ec1368158c4d45718cfb8b84df97d6.scope',
    );
    expect(decoded).toEqual({
      level: 'container',
      pod: { uid: '748bebc7-7fde-4fef-b2a3-fe45e29392df', qos: 'burstable' },
      container: null,
      partialContainerId: null,
    });
  });

  it('treats CRI-O conmon as no container', () => {
    expect(decodeCgroupPath(`/kubepods/burstable/pod${UID}/crio-conmon-${ID}.scope`).container).toBeNull();
  });

  it('keeps the visible part of an id cut by a pager, and completes it only from a matching name', () => {
    const cut = decodeCgroupPath(`/kubepods/burstable/pod${UID}/docker-${ID.slice(0, 58)}`, true);
    expect(cut.partialContainerId).toBe(ID.slice(0, 58));
    expect(cut.container).toBeNull();
    expect(completeContainerId(ID.slice(0, 58), `docker-${ID}.scope`)).toEqual({ id: ID, runtime: 'docker' });
    expect(completeContainerId(ID.slice(0, 58), `docker-${'b'.repeat(64)}.scope`)).toBeNull();
  });

  it('reads a path an author elided only by its whole segments (twenty-second red team Q/01, Q/07)', () => {
    for (const path of ['/docker/55c9ffc4...', '/system.slice/docker-9751845b....scope', '/kubepods/pod…/x'])
      expect([path, isElidedPath(path)]).toEqual([path, true]);
    for (const path of ['/kubepods/pod1.2', '/user.slice/user@1000.service', '/a..b'])
      expect([path, isElidedPath(path)]).toEqual([path, false]);
    expect(decodeCgroupPath('/system.slice/docker-9751845b....scope', true)).toMatchObject({
      pod: null,
      container: null,
      partialContainerId: null,
    });
    expect(decodeCgroupPath(`/kubepods/burstable/pod${UID}/docker-a2172e8d…`, true)).toMatchObject({
      pod: { uid: UID, qos: 'burstable' },
      container: null,
      partialContainerId: null,
    });
    // The ellipsis may hide the QoS class: a path with none shown is not a guaranteed pod's.
    expect(decodeCgroupPath(`/kubepods/…/pod${UID}/${ID}`, true)).toMatchObject({
      pod: { uid: UID, qos: null },
      container: { id: ID, runtime: null },
    });
    expect(decodeCgroupPath(`/kubepods/…/burstable/pod${UID}`, true).pod).toEqual({
      uid: UID,
      qos: 'burstable',
    });
  });

  it('gives each event its own pod and container objects, though decoding is cached', async () => {
    const { parseKernelLog } = await import('../../shared/kernel-log.ts');
    const line = `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/kubepods/burstable/pod${UID},task_memcg=/kubepods/burstable/pod${UID}/${ID},task=app,pid=PID,uid=0`;
    const [first, second] = parseKernelLog(
      [line.replace('PID', '1'), line.replace('PID', '2')].join('\n'),
    ).events;
    if (first?.pod == null || first.container === null)
      throw new Error('expected a decoded pod and container');
    first.pod.qos = null;
    first.container.id = 'changed';
    expect(second).toMatchObject({ pod: { uid: UID, qos: 'burstable' }, container: { id: ID } });
    expect(decodeCgroupPath(`/kubepods/burstable/pod${UID}/${ID}`).container?.id).toBe(ID);
  });
});

describe('completedCutPath', () => {
  it('takes whole the segment a cut left a path inside, from a path another line shows (corpus 245)', () => {
    const task = `/docker/${ID}`;
    expect(completedCutPath(`/docker/${ID.slice(0, 40)}`, [null, task])).toBe(task);
    expect(
      completedCutPath(`/kubepods/burstable/pod${UID}/${ID.slice(0, 9)}`, [
        null,
        `/kubepods/burstable/pod${UID}/${ID}`,
      ]),
    ).toBe(`/kubepods/burstable/pod${UID}/${ID}`);
  });

  it('gives no path when the cut fell inside a segment that more of the other path follows (thirtieth red team B/10)', () => {
    // The limit holds the victim, so it is the victim's path or an ancestor: cut inside `burstable`, it may be the
    // QoS level, the pod or the container.
    const task = `/kubepods/burstable/pod${UID}/${ID}`;
    expect(completedCutPath('/kubepods/bu', [null, task])).toBeNull();
    expect(completedCutPath('/kubepods/burstable/pod3962', [task])).toBeNull();
    // A path that shows the segment whole and ends there settles it.
    expect(completedCutPath('/kubepods/burstable/pod3962', [`/kubepods/burstable/pod${UID}`, task])).toBe(
      `/kubepods/burstable/pod${UID}`,
    );
  });

  it('keeps a path that ends where another’s segment does, or that no other path goes on from', () => {
    expect(completedCutPath('/kubepods/burstable', [`/kubepods/burstable/pod${UID}`])).toBe(
      '/kubepods/burstable',
    );
    expect(completedCutPath('/kubepods/', [`/kubepods/burstable`])).toBe('/kubepods/');
    expect(completedCutPath('/docker/abc', ['/system.slice/x', null])).toBe('/docker/abc');
    expect(completedCutPath('/docker/abc', ['/docker/abc'])).toBe('/docker/abc');
  });
});
