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

  it('takes the container from cpuset= when the invoker is the victim and no memory cgroup is shown (4.19)', () => {
    // The fifteenth red team's R/01 (a zh dmesg note, Alibaba Cloud Linux 4.19), its lines in kernel order.
    const id = '31c9420554417fab54bcf85cd1628e7e08140567bc63c636d65ad096781746a2';
    const lines = [
      '[15975.009397] ffmpeg invoked oom-killer: gfp_mask=0x6000c0(GFP_KERNEL), nodemask=(null), order=0, oom_score_adj=984',
      `[15975.009399] ffmpeg cpuset=cri-containerd-${id}.scope mems_allowed=0`,
      '[15975.009405] CPU: 7 PID: 209756 Comm: ffmpeg Kdump: loaded Not tainted 4.19.91-27.al7.x86_64 #1',
      '[15975.012058] [ 209756]     0 209756 11111138  6623232 59961344        0           984 ffmpeg',
      '[15975.722451] oom_reaper: reaped process 209756 (ffmpeg), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
    ];
    expect(parseKernelLog(lines.join('\n')).events.map((e) => [e.victim.pid, e.container])).toEqual([
      [209756, { id, runtime: 'containerd' }],
    ]);
    // Another invoker's cpuset names no container of the victim.
    const other = lines.map((l) => l.replace('CPU: 7 PID: 209756', 'CPU: 7 PID: 1234'));
    expect(parseKernelLog(other.join('\n')).events.map((e) => e.container)).toEqual([null]);
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

  it('pgtables that 5.4 printed in bytes under kB are shifted to kB (sixty-fourth red team A/07, its review)', () => {
    const kill = (pgtables: string) =>
      `Out of memory: Killed process 1878 (python) total-vm:869012kB, anon-rss:604572kB, file-rss:4kB, shmem-rss:0kB, UID:1000 pgtables:${pgtables} oom_score_adj:0`;
    const [before] = parseKernelLog(kill('1269760kB')).events;
    const [after] = parseKernelLog(kill('1264kB')).events;
    expect([before?.victim.pgtablesKb, after?.victim.pgtablesKb]).toEqual([1240, 1264]);
    // A process tearing down may show more tables than mappings, in kB (corpus 140): not a page's bytes.
    const [teardown] = parseKernelLog(
      'Memory cgroup out of memory: Killed process 142327 (python3) total-vm:8kB, anon-rss:8kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:12kB oom_score_adj:-997',
    ).events;
    expect(teardown?.victim.pgtablesKb).toBe(12);
    // A JVM's reserved address space: the bytes are below total-vm, yet far above its tables' share of it.
    const [jvm] = parseKernelLog(
      'Out of memory: Killed process 1 (java) total-vm:20000000kB, anon-rss:600000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1269760kB oom_score_adj:0',
    ).events;
    expect(jvm?.victim.pgtablesKb).toBe(1240);
    // Without total-vm, 1 GiB of tables in kB is bytes; a smaller figure is read as printed.
    const alone = (pgtables: string) =>
      parseKernelLog(`Out of memory: Killed process 7 (a) UID:0 pgtables:${pgtables} oom_score_adj:0`)
        .events[0]?.victim.pgtablesKb;
    expect([alone('1269760kB'), alone('442368kB')]).toEqual([1240, 442368]);
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

  it('gives no memory figures, not an object of nulls, when the counters a paste kept give none (62nd red team)', () => {
    // kubernetes#12905's reply kept only `memory+swap:` of an unlimited cgroup, its `memory:` line cut above.
    const [event] = parseKernelLog(
      report(['memory+swap: usage 0kB, limit 9007199254740988kB, failcnt 0'], POD_PATH, POD_PATH),
    ).events;
    expect(event).toMatchObject({ memory: null, constraint: 'memcg', limitScope: 'pod' });
  });

  it('observedAt from the boot time for dmesg text', () => {
    const [event] = parseKernelLog(FIRST_REPORT.join('\n'), {
      bootTimeMs: Date.UTC(2026, 10, 23, 10, 0, 0),
    }).events;
    expect(event?.observedAt).toBe('2026-11-23T10:57:47.508Z');
  });
});

/** The kernel lines of a corpus file, with their envelope: parseKernelLog reads them as the sample printed them. */
function corpusLines(name: string, from: number, to: number): string {
  const file = join(import.meta.dirname, '../fixtures/kernel-logs/corpus', name);
  return readFileSync(file, 'utf8').split('\n').slice(from, to).join('\n');
}

describe('a victim path cut short (a pager, `cut -c`, a terminal)', () => {
  const A02 = '52-aks-azl3-dmesg-T-cut-c400-summary-group.log';
  const A04 = '53-debian6.1-less-chopped-global-oom-group-kubepods.log';

  it('takes the pod and container from the whole group path that the cut one begins', () => {
    const [event] = parseKernelLog(corpusLines(A02, 0, 3)).events;
    expect(event).toMatchObject({
      pod: { uid: 'a8b8a570-9d92-4702-aac3-9264b667146c', qos: 'burstable' },
      container: {
        id: 'c44d2f7a9f1f16bb3f6922e7c02215d9618db819fc89f254817b5f52d91f74ea',
        runtime: 'containerd',
      },
      cgroup: {
        oom: '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-poda8b8a570_9d92_4702_aac3_9264b667146c.slice',
        task: null,
      },
      limitScope: 'pod',
      complete: true,
    });
  });

  it('takes the pod from the whole oom_memcg when the cut task_memcg shows no more than it', () => {
    const [event] = parseKernelLog(corpusLines(A02, 0, 2)).events;
    expect(event).toMatchObject({
      pod: { uid: 'a8b8a570-9d92-4702-aac3-9264b667146c', qos: 'burstable' },
      container: null,
      cgroup: { task: null },
    });
  });

  it('completes a cut container id from the invoker’s cpuset only when the cut shows enough of it', () => {
    const ID = 'f90b24151029555d49a49d82159ec90c4fec53ba8515bd51a5633d1ff45d8f53';
    const summary = (shown: string) =>
      `[ 1432.394642] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=${ID},mems_allowed=0,oom_memcg=/kubepods,task_memcg=/kubepods/besteffort/pod5f3d2447-f535-4b3d-979c-216d4980cc3f/${shown}`;
    // Twentieth red team J/02: `/f` is one hex digit of the victim's id; the invoker, any task under the
    // kubepods limit, has an id that starts with it one time in sixteen.
    expect(parseKernelLog(summary('f')).events[0]?.container).toBeNull();
    expect(parseKernelLog(summary(ID.slice(0, 11))).events[0]?.container).toBeNull();
    expect(parseKernelLog(summary(ID.slice(0, 12))).events[0]?.container).toEqual({ id: ID, runtime: null });
  });

  it('reads a `>`-chopped summary the same way, and never gives the cut text as the path', () => {
    const events = parseKernelLog(corpusLines(A04, 0, 40)).events;
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      victim: { pid: 10843, name: 'prometheus-conf' },
      constraint: 'system',
      pod: { uid: '3902af1e-8ce1-42e1-a2a5-dc04f4240c4f', qos: 'burstable' },
      container: { id: 'ed9dcd836d0c7e3e379b2387ef5e15e70f1c932dbce0fce685606bb2f4d62036', runtime: null },
      cgroup: { oom: null, task: null },
    });
    expect(events[1]).toMatchObject({
      victim: { pid: 115727, name: 'memory_leak' },
      pod: null,
      container: null,
      cgroup: { oom: null, task: null },
    });
  });
});

describe('cgroup v1 swap figures when swap accounting is off', () => {
  it('gives no swap figures when memory+swap shows less than memory', () => {
    const file = '55-lkml-leaker-4.18-memsw-usage-zero-swap-accounting-off.log';
    const [event] = parseKernelLog(corpusLines(file, 0, 38)).events;
    expect(event?.memory).toEqual({
      usageKb: 524288,
      limitKb: 524288,
      failcnt: 158965,
      swapUsageKb: null,
      swapLimitKb: null,
    });
  });
});

describe('a kill message retyped in another case (sixty-sixth red team A/04)', () => {
  it('names the memory cgroup still; `out of memory` alone names no constraint', () => {
    const choice = (message: string) =>
      parseKernelLog(
        [
          `Jan 15 10:30:00 ip-10-0-1-100 kernel: ${message}: Kill process 4521 (java) score 1000 or sacrifice child`,
          'Jan 15 10:30:00 ip-10-0-1-100 kernel: Killed process 4521 (java), UID 0, total-vm:8388608kB',
        ].join('\n'),
      ).events.map((e) => [e.victim.pid, e.constraint]);
    expect(choice('memory cgroup out of memory')).toEqual([[4521, 'memcg']]);
    expect(choice('MEMORY CGROUP OUT OF MEMORY')).toEqual([[4521, 'memcg']]);
    expect(choice('out of memory')).toEqual([[4521, null]]);
  });
});

describe('a summary whose constraint is not one the parser knows', () => {
  it('takes the constraint from the kill message (quoted-printable `=3D`, linux-mm)', () => {
    const [event] = parseKernelLog(
      [
        'oom-kill:constraint=3DCONSTRAINT_MEMCG,nodemask=3D(null),cpuset=3Dtest,',
        'Memory cgroup out of memory: Killed process 4404 (dd) total-vm:10512kB,',
      ].join('\n'),
    ).events;
    expect(event).toMatchObject({ victim: { pid: 4404, name: 'dd' }, constraint: 'memcg' });
  });

  it('takes no memcg sign from the task_memcg of a global summary', () => {
    const [event] = parseKernelLog(
      [
        'oom-kill:,cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=leaker,pid=2746,uid=0',
        'Out of memory: Killed process 2746 (leaker) total-vm:536704kB, anon-rss:521176kB, file-rss:1208kB, shmem-rss:0kB',
      ].join('\n'),
    ).events;
    expect(event).toMatchObject({
      constraint: 'system',
      limitScope: 'node',
      cgroup: { task: '/user.slice' },
    });
  });
});

describe('a vendor summary without the constraint key (3.10.0-514 el7 .stable)', () => {
  it('is read by its keys; the sacrificed child keeps the limit and pod, not the parent it names', () => {
    const file = '54-el7-vendor-summary-without-constraint-sacrifice-runc-init.log';
    const [event] = parseKernelLog(corpusLines(file, 0, 34)).events;
    expect(event).toMatchObject({
      victim: { pid: 12788, name: 'runc:[2:INIT]' },
      constraint: 'memcg',
      limitScope: 'pod',
      pod: { uid: '6c4333b3-a663-11ea-b39f-6c92bf85beda', qos: 'burstable' },
      cgroup: { oom: '/kubepods/burstable/pod6c4333b3-a663-11ea-b39f-6c92bf85beda', task: null },
      complete: true,
    });
  });
});

describe('the constraint of a report with no summary (kernels before 4.19)', () => {
  it.each([
    ['No available memory (MPOL_BIND): Killed process 1267 (rc).', 'mempolicy'],
    ['Nov 28 16:19:52 ic4 kernel: No available memory in cpuset: Killed process 679783 (ncks).', 'cpuset'],
    ['Out of memory: Killed process 274 (udev).', 'system'],
    // Fixed text in 2.6.1x, printed whatever the constraint (corpus 78 and 79: before MPOL_BIND and cpuset kills).
    ['Out of Memory: Kill process 679783 (ncks) score 0 and children.', null],
    // The kill line's fixed text in 2.4 to 2.6.1x, before the kernel told constraints apart (tenth red team T/07,
    // LKML 2001; ninth R/02, 2.4.16).
    ['Mar 10 22:02:34 monster kernel: Out of Memory: Killed process 475 (identd).', 'system'],
  ])('is the one the kill message names (2.6.1x, LKML): %s', (line, constraint) => {
    const [event] = parseKernelLog(line).events;
    expect(event?.constraint).toBe(constraint);
  });

  it('is not memcg when `Task in` names no cgroup for its limit (Alibaba Cloud Linux 4.19; eleventh red team V/09)', () => {
    const [host] = parseKernelLog(
      '[Sat Sep 11 12:24:42 2021] Task in /user.slice killed as a result of limit of host',
    ).events;
    expect(host).toMatchObject({ constraint: null, cgroup: { oom: null, task: '/user.slice' } });
    const [memcg] = parseKernelLog(
      '[Wed Sep  8 18:01:32 2021] Task in /mm_test killed as a result of limit of /mm_test',
    ).events;
    expect(memcg).toMatchObject({ constraint: 'memcg', cgroup: { oom: '/mm_test', task: '/mm_test' } });
    // A path an author hid is still a cgroup's (a review).
    const [hidden] = parseKernelLog(
      'Task in /kubepods/besteffort/pod1b4c killed as a result of limit of ...',
    ).events;
    expect(hidden?.constraint).toBe('memcg');
  });

  it('is memcg when only the counters show the memcg (4.20 storm, linux-mm)', () => {
    const [event] = parseKernelLog(
      [
        '[   79.277733] a.out invoked oom-killer: gfp_mask=0x6200ca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0',
        '[   79.386222] memory: usage 204708kB, limit 204800kB, failcnt 2837',
        '[   79.412519] Killed process 8205 (a.out) total-vm:4348kB, anon-rss:92kB, file-rss:0kB, shmem-rss:0kB',
      ].join('\n'),
    ).events;
    expect(event).toMatchObject({
      victim: { pid: 8205 },
      constraint: 'memcg',
      memory: { usageKb: 204708, limitKb: 204800, failcnt: 2837 },
    });
  });

  it('is the one the message names, over a memcg sign that an earlier report left (a storm without headers; a review)', () => {
    const [event] = parseKernelLog(
      [
        '[   81.977329] a.out invoked oom-killer: gfp_mask=0x6200ca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0',
        '[   81.977529] memory: usage 187160kB, limit 204800kB, failcnt 2838',
        '[   81.977545] Out of memory and no killable processes...',
        '[   81.990000] Out of memory: Kill process 9123 (java) score 900 or sacrifice child',
        '[   81.990100] Killed process 9123 (java) total-vm:4348kB, anon-rss:92kB, file-rss:0kB, shmem-rss:0kB',
      ].join('\n'),
    ).events;
    expect(event).toMatchObject({ victim: { pid: 9123 }, constraint: 'system' });
  });

  it('stays unknown with neither a message nor a memcg sign', () => {
    const [event] = parseKernelLog(
      '[   79.412519] Killed process 8205 (a.out) total-vm:4348kB, anon-rss:92kB, file-rss:0kB, shmem-rss:0kB',
    ).events;
    expect(event?.constraint).toBeNull();
  });
});

describe('the node of a kill line a paste left without its envelope (sixth red team M/03)', () => {
  it('is the host its report’s summary shows', () => {
    const text = readFileSync(
      join(
        import.meta.dirname,
        '../fixtures/kernel-logs/corpus/98-blog-kern-log-iso-stamp-without-zone-summary-cut-before-comma.log',
      ),
      'utf8',
    );
    const [event] = parseKernelLog(text).events;
    expect(event).toMatchObject({
      node: 'mini-might',
      victim: { pid: 90057, name: 'java', uid: 0, totalVmKb: 2007864, anonRssKb: 518828 },
      constraint: 'memcg',
    });
  });
});

describe('a cgroup path an author elided (twenty-second red team Q/01, Q/07): no kernel path holds an ellipsis', () => {
  const summary = (oom: string, task: string) =>
    `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${oom},task_memcg=${task},task=python3,pid=2874,uid=0`;
  const kill =
    'Memory cgroup out of memory: Killed process 2874 (python3) total-vm:75160kB, anon-rss:65152kB, file-rss:6648kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0';

  it('gives no task path where the ellipsis stands inside it, and no container from a cut id', () => {
    const text = readFileSync(
      join(
        import.meta.dirname,
        '../fixtures/kernel-logs/corpus/235-gh-lmcache-dgx-spark-dmesg-T-elided-summary-docker-scope-dots-inside-id.log',
      ),
      'utf8',
    );
    const events = parseKernelLog(text).events;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      victim: { pid: 3742074, name: 'lmcache' },
      cgroup: { oom: null, task: null },
      container: null,
      complete: true,
    });
  });

  it('gives no limit path and no limit scope from an elided oom_memcg, and still reads a memcg OOM', () => {
    const [event] = parseKernelLog(
      [summary('/kubepods/burstable/pod1234…', '/kubepods/burstable/pod1234…/abc'), kill].join('\n'),
    ).events;
    expect(event).toMatchObject({
      constraint: 'memcg',
      limitScope: null,
      cgroup: { oom: null, task: null },
      pod: null,
      container: null,
    });
  });

  it('takes the level of an elided limit path from its whole pod segment (leptonai/gpud#70: `lxc.payload....-lxc`)', () => {
    const [event] = parseKernelLog(
      [summary(`/lxc.payload....-lxc${POD_PATH}`, `/lxc.payload.x-lxc${POD_PATH}/${VICTIM_ID}`), kill].join(
        '\n',
      ),
    ).events;
    expect(event).toMatchObject({ limitScope: 'pod', cgroup: { oom: null }, pod: { uid: POD } });
  });

  it('gives a later headerless kill that a recent table lists the limit’s whole path, or none', () => {
    const row = FIRST_REPORT.findIndex((l) => l.includes('[   2874]'));
    const elided = [
      ...FIRST_REPORT.slice(0, row + 1),
      '[ 3467.508220] [   2880]     0  2880    18790    17950    16288     1662         0   188416        0             0 python3',
      ...FIRST_REPORT.slice(row + 1),
    ].map((l) =>
      l.replace(`oom_memcg=${POD_PATH}`, 'oom_memcg=/docker/5e1b7b2c.../kubepods/burstable/pod3962896b…'),
    );
    const storm = [
      ...elided,
      '[ 3467.800000] Memory cgroup out of memory: Killed process 2880 (python3) total-vm:75160kB, anon-rss:65152kB, file-rss:6648kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0',
    ];
    const events = parseKernelLog(storm.join('\n')).events;
    // The stats line names the limit whole.
    expect(events.map((e) => [e.victim.pid, e.cgroup.oom, e.pod?.uid])).toEqual([
      [2874, POD_PATH, POD],
      [2880, POD_PATH, POD],
    ]);
    const noStats = storm.filter((l) => !l.includes('Memory cgroup stats for'));
    expect(parseKernelLog(noStats.join('\n')).events.map((e) => [e.victim.pid, e.cgroup.oom, e.pod])).toEqual(
      [
        [2874, null, { uid: POD, qos: 'burstable' }],
        [2880, null, null],
      ],
    );
  });

  it('takes the pod from the whole segments of an elided task path, and keeps a whole limit path', () => {
    const [event] = parseKernelLog(
      [summary(POD_PATH, `${POD_PATH}/cri-containerd-a2172e8d1101….scope`), kill].join('\n'),
    ).events;
    expect(event).toMatchObject({
      limitScope: 'pod',
      cgroup: { oom: POD_PATH, task: null },
      pod: { uid: POD, qos: 'burstable' },
      container: null,
    });
  });

  it('reads `Task in`, the stats line and the group line alike', () => {
    const taskIn = parseKernelLog(
      [
        'Task in /docker/55c9ffc4... killed as a result of limit of /docker/55c9ffc4...',
        'Memory cgroup out of memory: Killed process 4242 (java) total-vm:100kB, anon-rss:50kB, file-rss:0kB',
      ].join('\n'),
    ).events;
    expect(taskIn).toHaveLength(1);
    expect(taskIn[0]).toMatchObject({ cgroup: { oom: null, task: null }, container: null, limitScope: null });
    const stats = parseKernelLog(
      [
        'java invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
        'memory: usage 100kB, limit 100kB, failcnt 3',
        'Memory cgroup stats for /kubepods/burstable/pod1234…:',
        'Memory cgroup out of memory: Killed process 4242 (java) total-vm:100kB, anon-rss:50kB, file-rss:0kB',
      ].join('\n'),
    ).events;
    expect(stats).toHaveLength(1);
    expect(stats[0]).toMatchObject({ cgroup: { oom: null, task: null }, pod: null, limitScope: null });
    const group = parseKernelLog(
      [
        'Memory cgroup out of memory: Killed process 4242 (java) total-vm:100kB, anon-rss:50kB, file-rss:0kB',
        `Tasks in ${POD_PATH}/${VICTIM_ID.slice(0, 12)}... are going to be killed due to memory.oom.group set`,
      ].join('\n'),
    ).events;
    expect(group).toHaveLength(1);
    expect(group[0]).toMatchObject({ pod: { uid: POD, qos: 'burstable' }, container: null });
  });
});

describe('a `Task in` line wrapped inside its limit path (thirtieth red team B/10, Yelp/paasta#2713)', () => {
  const VICTIM =
    '/kubepods/burstable/podf91e9681-4741-4ef4-8f5a-182c5683df8b/0e4a814eda03622476ff47871e6c397e5b8747af209b44f3b3e1c5289b0f9772';
  const CUT = `Task in ${VICTIM} killed as a result of limit of /kubepods/bu`;
  const REST =
    'rstable/podf91e9681-4741-4ef4-8f5a-182c5683df8b/0e4a814eda03622476ff47871e6c397e5b8747af209b44f3b3e1c5289b0f9772 ';

  it('joins the rest when with it the limit is the victim’s path or an ancestor of it', () => {
    const { events } = parseKernelLog(
      ["Here's an OOM event from a box in stagef:", '```', CUT, REST, '```'].join('\n'),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      cgroup: { oom: VICTIM, task: VICTIM },
      limitScope: 'container',
      pod: { uid: 'f91e9681-4741-4ef4-8f5a-182c5683df8b', qos: 'burstable' },
    });
  });

  it('gives no limit and no scope when the rest is lost: the cut may have stopped short of any level', () => {
    const [event] = parseKernelLog(['```', CUT, '```'].join('\n')).events;
    expect(event).toMatchObject({ cgroup: { oom: null, task: VICTIM }, limitScope: null });
  });

  it('does not join a line that does not complete the limit as a path of the victim’s', () => {
    const [event] = parseKernelLog([CUT, 'rstable/pod0000/x'].join('\n')).events;
    expect(event).toMatchObject({ cgroup: { oom: null, task: VICTIM }, limitScope: null });
  });
});

describe('an author’s mark after a task row’s comm (fifty-sixth red team A/10, el7 notes on GitHub)', () => {
  const report = (victimRow: string) =>
    [
      'Jul 28 05:06:23 datanode1 kernel: java invoked oom-killer: gfp_mask=0x280da, order=0, oom_score_adj=0',
      'Jul 28 05:06:23 datanode1 kernel: [ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name',
      `Jul 28 05:06:23 datanode1 kernel: ${victimRow}`,
      'Jul 28 05:06:23 datanode1 kernel: Out of memory: Kill process 53549 (palo_be) score 237 or sacrifice child <============',
      'Jul 28 05:06:23 datanode1 kernel: Killed process 53549 (palo_be) total-vm:59976152kB, anon-rss:40274312kB, file-rss:0kB, shmem-rss:0kB <============',
    ].join('\n');
  const ROW = '[53549]     0 53549 14994038 10068578   27987     8552             0 palo_be';

  it('is no part of the comm, which is at most 15 characters: the row names the victim', () => {
    for (const mark of ['  <============', '  <-- this one', '\t# killed']) {
      const [event] = parseKernelLog(report(`${ROW}${mark}`)).events;
      expect(event?.victim, mark).toMatchObject({ pid: 53549, name: 'palo_be', uid: 0, oomScoreAdj: 0 });
      expect(event?.tasks[0]?.name, mark).toBe('palo_be');
    }
  });

  it('leaves a comm of 15 characters with blanks in it, and a longer name the blanks would not cut to one', () => {
    expect(parseKernelLog(report(`${ROW}  x`)).events[0]?.tasks[0]?.name).toBe('palo_be  x');
    const long = parseKernelLog(report(ROW.replace('palo_be', 'a_very_long_name_x  <=='))).events[0];
    expect(long?.tasks[0]?.name).toBe('a_very_long_name_x  <==');
  });
});
