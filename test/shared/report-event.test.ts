import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKernelLog } from '../../shared/kernel-log.ts';

// Events are built from whole reports: these tests read kernel text through parseKernelLog.
const realReport = readFileSync(
  join(import.meta.dirname, '../fixtures/kernel-logs/kernel-6.18-cgroupv1-memcg.dmesg.log'),
  'utf8',
).split('\n');
// Lines 4–82 of the real 6.18 dmesg: the first OOM report, header to kill line.
const FIRST_REPORT = realReport.slice(3, 82);

const POD = '3962896b-ab69-4572-8f1d-ee756f9f3589';
const POD_PATH = `/docker/5e1b7b2c9d0f4a6e8c3b1d2f0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2910/kubepods/burstable/pod${POD}`;
const VICTIM_ID = 'a2172e8d1101b4393d934a3a3fb902260c945c360ed278bbdef80cb45fbb9419';
const SIBLING_ID = 'b'.repeat(64);

describe('whose cgroup cpuset= names', () => {
  const summary = (cpuset: string) =>
    `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=${cpuset},mems_allowed=0,oom_memcg=${POD_PATH},task_memcg=${POD_PATH}/${VICTIM_ID},task=python3,pid=2874,uid=0`;
  const kill =
    'Memory cgroup out of memory: Killed process 2874 (python3) total-vm:75160kB, anon-rss:65152kB, file-rss:6648kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0';

  it('takes the victim container from task_memcg even when a sibling invoked the OOM killer', () => {
    const [event] = parseKernelLog(
      [
        '[ 1.000000] worker invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
        '[ 1.000001] CPU: 0 UID: 0 PID: 999 Comm: worker Not tainted 6.18.44 #1',
        `[ 1.000002] ${summary(SIBLING_ID)}`,
        `[ 1.000003] ${kill}`,
      ].join('\n'),
    ).events;
    expect(event?.container?.id).toBe(VICTIM_ID);
    expect(event?.trigger).toMatchObject({ name: 'worker', pid: 999 });
  });

  it('does not give the victim the invoker container when only the pod is known', () => {
    const lines = [
      '[ 1.000000] worker invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      '[ 1.000001] CPU: 0 UID: 0 PID: 999 Comm: worker Not tainted 6.18.44 #1',
      `[ 1.000002] worker cpuset=${SIBLING_ID} mems_allowed=0`,
      `[ 1.000003] Memory cgroup stats for ${POD_PATH}:`,
      `[ 1.000004] ${kill}`,
    ];
    const [event] = parseKernelLog(lines.join('\n')).events;
    expect(event).toMatchObject({ pod: { uid: POD }, container: null, complete: false });
    // The same report where the invoker is the victim: now cpuset= is the victim's.
    const self = lines.map((l) => l.replace('PID: 999', 'PID: 2874'));
    expect(parseKernelLog(self.join('\n')).events[0]?.container?.id).toBe(SIBLING_ID);
  });
});

describe('figures and scope', () => {
  const report = (counters: string[], oom: string, task: string) =>
    [
      '[ 2.0] app invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      ...counters.map((c) => `[ 2.1] ${c}`),
      `[ 2.2] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${oom},task_memcg=${task},task=app,pid=9,uid=0`,
      '[ 2.3] Memory cgroup out of memory: Killed process 9 (app) total-vm:10kB, anon-rss:5kB, file-rss:0kB, shmem-rss:0kB',
    ].join('\n');

  it('cgroup v2 container limit: swap line, CONSTRAINT_NONE with oom_memcg is memcg, scope container', () => {
    const path = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD.replaceAll('-', '_')}.slice/cri-containerd-${VICTIM_ID}.scope`;
    const [event] = parseKernelLog(
      report(
        ['memory: usage 524288kB, limit 524288kB, failcnt 17', 'swap: usage 1024kB, limit 2048kB, failcnt 0'],
        path,
        path,
      ),
    ).events;
    expect(event).toMatchObject({
      constraint: 'memcg',
      limitScope: 'container',
      memory: { usageKb: 524288, limitKb: 524288, failcnt: 17, swapUsageKb: 1024, swapLimitKb: 2048 },
      container: { id: VICTIM_ID, runtime: 'containerd' },
    });
  });

  it('cgroup v1: swap share from memory+swap; an unlimited limit is null', () => {
    const [limited] = parseKernelLog(
      report(
        [
          'memory: usage 1000kB, limit 1000kB, failcnt 1',
          'memory+swap: usage 1500kB, limit 3000kB, failcnt 0',
        ],
        POD_PATH,
        POD_PATH,
      ),
    ).events;
    expect(limited?.memory).toEqual({
      usageKb: 1000,
      limitKb: 1000,
      failcnt: 1,
      swapUsageKb: 500,
      swapLimitKb: 2000,
    });
    const [unlimited] = parseKernelLog(
      report(
        ['memory: usage 1000kB, limit 9007199254740988kB, failcnt 1'],
        '/kubepods/burstable',
        `${POD_PATH}/${VICTIM_ID}`,
      ),
    ).events;
    expect(unlimited).toMatchObject({ memory: { limitKb: null }, limitScope: 'qos' });
  });

  it('observedAt from the boot time for dmesg text', () => {
    const [event] = parseKernelLog(FIRST_REPORT.join('\n'), {
      bootTimeMs: Date.UTC(2026, 10, 23, 10, 0, 0),
    }).events;
    expect(event?.observedAt).toBe('2026-11-23T10:57:47.508Z');
  });
});
