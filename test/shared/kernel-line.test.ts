import { describe, expect, it } from 'vitest';
import type { KernelLine } from '../../shared/kernel-line.ts';
import { parseKernelLine, RECOGNIZERS } from '../../shared/kernel-line.ts';

interface Case {
  recognizer: KernelLine['kind'];
  /** Where the line was printed: a sample in ../shared/samples, a public bug report, or the kernel's format string. */
  source: string;
  line: string;
  truncated?: boolean;
  expected: Partial<KernelLine>;
}

// Every line here is real kernel output as printed (only the envelope removed), except where the source says
// "kernel format": those were printed from the kernel's own format string in the file named.
const CASES: Case[] = [
  {
    recognizer: 'invoked',
    source: 'samples/kernel-6.18-cgroupv1-memcg.dmesg.log',
    line: 'python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
    expected: { name: 'python3', gfpMask: '0xcc0(GFP_KERNEL)', order: 0, oomScoreAdj: 0 },
  },
  {
    recognizer: 'invoked',
    source: 'samples/seed-journalctl-4.18-el8-truncated.log',
    line: 'systembus invoked oom-killer: gfp_mask=0x6000c0(GFP_KERNEL), nodemask=(null), order=0, oom_score_adj=994',
    expected: { name: 'systembus', gfpMask: '0x6000c0(GFP_KERNEL)', order: 0, oomScoreAdj: 994 },
  },
  {
    recognizer: 'invoked',
    source: 'kubernetes/kubernetes#56891 (3.10)',
    line: 'java invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=-998',
    expected: { name: 'java', gfpMask: '0xd0', order: 0, oomScoreAdj: -998 },
  },
  {
    recognizer: 'cpu',
    source: 'samples/kernel-6.18-cgroupv1-memcg.dmesg.log',
    line: 'CPU: 0 UID: 0 PID: 2874 Comm: python3 Not tainted 6.18.44-fc-v657 #1 PREEMPT(none) ',
    expected: { pid: 2874, name: 'python3' },
  },
  {
    recognizer: 'cpu',
    source: 'kubernetes/kubernetes#56891 (3.10)',
    line: 'CPU: 9 PID: 14881 Comm: java Tainted: G    B          ------------ T 3.10.0-327.4.5.el7.x86_64 #1',
    expected: { pid: 14881, name: 'java' },
  },
  {
    recognizer: 'summary',
    source: 'samples/kernel-6.18-cgroupv1-memcg.dmesg.log',
    line: 'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/docker/5e1b7b2c9d0f4a6e8c3b1d2f0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2910/kubepods/burstable/pod3962896b-ab69-4572-8f1d-ee756f9f3589,task_memcg=/docker/5e1b7b2c9d0f4a6e8c3b1d2f0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2910/kubepods/burstable/pod3962896b-ab69-4572-8f1d-ee756f9f3589/a2172e8d1101b4393d934a3a3fb902260c945c360ed278bbdef80cb45fbb9419,task=python3,pid=2874,uid=0',
    expected: {
      constraint: 'CONSTRAINT_MEMCG',
      cpuset: '/',
      oomMemcg:
        '/docker/5e1b7b2c9d0f4a6e8c3b1d2f0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2910/kubepods/burstable/pod3962896b-ab69-4572-8f1d-ee756f9f3589',
      globalOom: false,
      taskMemcg:
        '/docker/5e1b7b2c9d0f4a6e8c3b1d2f0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2910/kubepods/burstable/pod3962896b-ab69-4572-8f1d-ee756f9f3589/a2172e8d1101b4393d934a3a3fb902260c945c360ed278bbdef80cb45fbb9419',
      task: 'python3',
      pid: 2874,
      uid: 0,
    },
  },
  {
    recognizer: 'summary',
    source: '0jc1/py-autovod#7 (system OOM)',
    line: 'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/init.scope,task=python,pid=7899,uid=0',
    expected: {
      constraint: 'CONSTRAINT_NONE',
      oomMemcg: null,
      globalOom: true,
      taskMemcg: '/init.scope',
      task: 'python',
      pid: 7899,
      uid: 0,
    },
  },
  {
    recognizer: 'summary',
    source: 'samples/seed-blog (5.10, mistyped by its author)',
    line: 'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-db82d879ba5185c931261d7544272174ec1368150C41457418C844974.scope,mems_allowed=0,oom_memcg=/kubends.slice/kubepods-burstable.slice/kubepods-bustable-pod748bebc7_7fde_4fef_b2a3_fe45e29392df.slice,task_memcg=/kubends.slice/kubepods-burstable.slice/kubepods-bustable-pod748bebc7_7fde_4fef_b2a3_fe45e29392df.slice/cri-containerd-ab82a879ba5185c93126175448c72174ec1368158c4d45718cfb8b84df97d6.scope,task=memc,pid=26036,uid=8',
    expected: { constraint: 'CONSTRAINT_MEMCG', task: 'memc', pid: 26036, uid: 8 },
  },
  {
    recognizer: 'cpuset',
    source: 'samples/seed-journalctl-4.18-el8-truncated.log',
    line: 'systembusin cpuset=docker-052d52a163eb1ced8ddbd9968b31cb1d1ec74a2b389e18984737c3118fdd7a5e.scope mems_allowed=0',
    expected: {
      name: 'systembusin',
      cpuset: 'docker-052d52a163eb1ced8ddbd9968b31cb1d1ec74a2b389e18984737c3118fdd7a5e.scope',
      truncated: false,
    },
  },
  {
    recognizer: 'task-in',
    source: 'samples/seed-blog (4.19)',
    line: 'Task in /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podf01c1049_ebf4_4b9d_b04c_345e8da5d1a8.slice/docker-15bbd7bed86af66837bb4e3b6d2e08802a23f31df45aefc60daa81f5a12896b5.scope killed as a result of limit of /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podf01c1049_ebf4_4b9d_b04c_345e8da5d1a8.slice',
    expected: {
      task: '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podf01c1049_ebf4_4b9d_b04c_345e8da5d1a8.slice/docker-15bbd7bed86af66837bb4e3b6d2e08802a23f31df45aefc60daa81f5a12896b5.scope',
      oom: '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podf01c1049_ebf4_4b9d_b04c_345e8da5d1a8.slice',
      truncated: false,
    },
  },
  {
    recognizer: 'task-in',
    source: 'samples/seed-journalctl-4.18-el8-truncated.log (pager cut)',
    line: 'Task in /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podf05bdc36_dd14_4537_9b91_57cc07df0932.slice/docker-052d52a163eb1ced8ddbd9968b31cb1d1ec74a2b389e18984737c3118f>',
    truncated: true,
    expected: {
      task: '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podf05bdc36_dd14_4537_9b91_57cc07df0932.slice/docker-052d52a163eb1ced8ddbd9968b31cb1d1ec74a2b389e18984737c3118f',
      oom: null,
      truncated: true,
    },
  },
  {
    recognizer: 'limit-reached',
    source: 'kernel format: mm/memcontrol.c mem_cgroup_print_oom_info (4.19), no task',
    line: 'Memory limit reached of cgroup /kubepods/burstable/pod3962896b-ab69-4572-8f1d-ee756f9f3589',
    expected: { oom: '/kubepods/burstable/pod3962896b-ab69-4572-8f1d-ee756f9f3589' },
  },
  {
    recognizer: 'counter',
    source: 'samples/kernel-6.18-cgroupv1-memcg.dmesg.log',
    line: 'memory: usage 65536kB, limit 65536kB, failcnt 98',
    expected: { counter: 'memory', usageKb: 65536, limitKb: 65536, failcnt: 98 },
  },
  {
    recognizer: 'counter',
    source: 'samples/kernel-6.18-cgroupv1-memcg.dmesg.log',
    line: 'memory+swap: usage 65536kB, limit 9007199254740988kB, failcnt 0',
    expected: { counter: 'memory+swap', usageKb: 65536, limitKb: 9007199254740988, failcnt: 0 },
  },
  {
    recognizer: 'counter',
    source: 'kernel format: mm/memcontrol.c mem_cgroup_print_oom_meminfo (cgroup v2)',
    line: 'swap: usage 0kB, limit 9007199254740988kB, failcnt 0',
    expected: { counter: 'swap', usageKb: 0, limitKb: 9007199254740988, failcnt: 0 },
  },
  {
    recognizer: 'memcg-stats',
    source: 'samples/kernel-6.18-cgroupv1-memcg.dmesg.log',
    line: 'Memory cgroup stats for /docker/5e1b7b2c9d0f4a6e8c3b1d2f0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2910/kubepods/burstable/pod3962896b-ab69-4572-8f1d-ee756f9f3589:',
    expected: {
      path: '/docker/5e1b7b2c9d0f4a6e8c3b1d2f0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2910/kubepods/burstable/pod3962896b-ab69-4572-8f1d-ee756f9f3589',
      truncated: false,
    },
  },
  {
    recognizer: 'memcg-stats',
    source: 'kubernetes/kubernetes#56891 (3.10, counters on the same line)',
    line: 'Memory cgroup stats for /kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e/6895a3e13439535852d3184ac2aadd26d7363cc035f171545ec7d4ce74073b0b: cache:32KB rss:524188KB rss_huge:370688KB mapped_file:0KB swap:524356KB inactive_anon:267804KB active_anon:256384KB inactive_file:12KB active_file:4KB unevictable:0KB',
    expected: {
      path: '/kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e/6895a3e13439535852d3184ac2aadd26d7363cc035f171545ec7d4ce74073b0b',
    },
  },
  {
    recognizer: 'task-header',
    source: 'samples/kernel-6.18-cgroupv1-memcg.dmesg.log (6.x layout)',
    line: '[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name',
    expected: {
      columns: [
        'uid',
        'tgid',
        'total_vm',
        'rss',
        'rss_anon',
        'rss_file',
        'rss_shmem',
        'pgtables_bytes',
        'swapents',
        'oom_score_adj',
        'name',
      ],
    },
  },
  {
    recognizer: 'task-header',
    source: 'cri-o/cri-o#1975 (4.9 layout)',
    line: '[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name',
    expected: {
      columns: ['uid', 'tgid', 'total_vm', 'rss', 'nr_ptes', 'nr_pmds', 'swapents', 'oom_score_adj', 'name'],
    },
  },
  {
    recognizer: 'task-row',
    source: 'samples/kernel-6.18-cgroupv1-memcg.dmesg.log',
    line: '[   2874]     0  2874    18790    17950    16288     1662         0   188416        0             0 python3',
    expected: { pid: 2874, numbers: [0, 2874, 18790, 17950, 16288, 1662, 0, 188416, 0, 0] },
  },
  {
    recognizer: 'task-row',
    source: 'vmware/photon#1535 (a comm with a space)',
    line: '[  19331]  1000 19331   226026    29603  1314816        0           999 npm start',
    expected: { pid: 19331, numbers: [1000, 19331, 226026, 29603, 1314816, 0, 999] },
  },
  {
    recognizer: 'kill',
    source: 'samples/kernel-6.18-cgroupv1-memcg.dmesg.log',
    line: 'Memory cgroup out of memory: Killed process 2874 (python3) total-vm:75160kB, anon-rss:65152kB, file-rss:6648kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0',
    expected: {
      message: 'Memory cgroup out of memory',
      pid: 2874,
      name: 'python3',
      fields: {
        'total-vm': 75160,
        'anon-rss': 65152,
        'file-rss': 6648,
        'shmem-rss': 0,
        UID: 0,
        pgtables: 184,
        oom_score_adj: 0,
      },
    },
  },
  {
    recognizer: 'kill',
    source: 'kubernetes/kubernetes#50632 (`, UID N,` spelling)',
    line: 'Killed process 799153 (node), UID 1000, total-vm:606096kB, anon-rss:68308kB, file-rss:13648kB, shmem-rss:0kB',
    expected: {
      message: null,
      pid: 799153,
      name: 'node',
      fields: { UID: 1000, 'total-vm': 606096, 'anon-rss': 68308, 'file-rss': 13648, 'shmem-rss': 0 },
    },
  },
  {
    recognizer: 'kill',
    source: 'docker/for-linux#1001 (a comm in parentheses)',
    line: 'Out of memory: Killed process 15925 ((resolved)) total-vm:168424kB, anon-rss:4064kB, file-rss:3584kB, shmem-rss:0kB',
    expected: { message: 'Out of memory', pid: 15925, name: '(resolved)' },
  },
  {
    recognizer: 'kill',
    source: 'cri-o/cri-o#1975 (a comm with brackets and colons)',
    line: 'Killed process 387951 (runc:[2:INIT]) total-vm:477124kB, anon-rss:3000kB, file-rss:3896kB, shmem-rss:0kB',
    expected: { pid: 387951, name: 'runc:[2:INIT]' },
  },
  {
    recognizer: 'kill',
    source: '0jc1/py-autovod#7 (pasted with thousands separators: unreadable figures stay unknown)',
    line: 'Out of memory: Killed process 7899 (python) total-vm:26,184,840kB, anon-rss:153,700,88kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:38964kB oom_score_adj:0',
    expected: {
      pid: 7899,
      name: 'python',
      fields: { 'file-rss': 0, 'shmem-rss': 0, UID: 0, pgtables: 38964, oom_score_adj: 0 },
    },
  },
  {
    recognizer: 'sacrifice',
    source: 'kubernetes/kubernetes#56891 (3.10)',
    line: 'Memory cgroup out of memory: Kill process 24572 (java) score 0 or sacrifice child',
    expected: { message: 'Memory cgroup out of memory', pid: 24572, name: 'java', score: 0 },
  },
  {
    recognizer: 'oom-group',
    source: 'kernel format: mm/memcontrol.c mem_cgroup_print_oom_group (4.19+)',
    line: 'Tasks in /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod748bebc7_7fde_4fef_b2a3_fe45e29392df.slice/cri-containerd-ab82a879ba5185c93126175448c72174ec1368158c4d45718cfb8b84df97d6aa.scope are going to be killed due to memory.oom.group set',
    expected: {
      cgroup:
        '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod748bebc7_7fde_4fef_b2a3_fe45e29392df.slice/cri-containerd-ab82a879ba5185c93126175448c72174ec1368158c4d45718cfb8b84df97d6aa.scope',
    },
  },
  {
    recognizer: 'already-exiting',
    source: 'kernel format: mm/oom_kill.c __oom_kill_process (4.19+)',
    line: 'Memory cgroup out of memory: OOM victim 4242 (php-fpm) is already exiting. Skip killing the task',
    expected: { pid: 4242, name: 'php-fpm' },
  },
  {
    recognizer: 'reaped',
    source: 'samples/seed-journalctl-4.18-el8-truncated.log',
    line: 'oom_reaper: reaped process 1735923 (systembusin), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
    expected: { pid: 1735923, name: 'systembusin' },
  },
  {
    recognizer: 'suppressed',
    source: 'kernel format: lib/ratelimit.c ___ratelimit (printk_ratelimited in mm/oom_kill.c)',
    line: 'oom_kill_process: 3 callbacks suppressed',
    expected: { function: 'oom_kill_process', count: 3 },
  },
  {
    recognizer: 'context',
    source: 'samples/kernel-6.18-cgroupv1-memcg.dmesg.log (call-trace frame naming an oom function)',
    line: ' oom_kill_process.cold+0x8/0x8a',
    expected: {},
  },
  {
    recognizer: 'context',
    source: 'linux-test-project/ltp#1080 (3.10 frame with address)',
    line: '[<ffffffffa25c2974>] pagefault_out_of_memory+0x14/0x90',
    expected: {},
  },
];

describe('each recognizer reads the real line it was written for', () => {
  it.each(CASES.map((c) => [`${c.recognizer}: ${c.source}`, c] as const))('%s', (_name, c) => {
    const result = parseKernelLine(c.line, c.truncated ?? false);
    expect(result).toEqual({
      kind: 'line',
      line: expect.objectContaining({ kind: c.recognizer, ...c.expected }),
    });
  });

  it('has a real line for every recognizer in the table', () => {
    const tested = new Set(CASES.map((c) => c.recognizer));
    expect(RECOGNIZERS.map((r) => r.name).filter((name) => !tested.has(name as KernelLine['kind']))).toEqual(
      [],
    );
  });
});

describe('parseKernelLine outside the table', () => {
  it('says "not an OOM line" for unrelated kernel text', () => {
    expect(
      parseKernelLine('EXT4-fs (vda): mounted filesystem r/w without journal. Quota mode: none.'),
    ).toEqual({ kind: 'not-oom' });
    expect(parseKernelLine('idle-reclaim (80): drop_caches: 1')).toEqual({ kind: 'not-oom' });
  });

  it('reports OOM-looking text that no recognizer reads, for format drift', () => {
    const result = parseKernelLine('Memory cgroup out of memory: Slaughtered process 12 (x) total-vm:1kB');
    expect(result).toEqual({ kind: 'unrecognised', reason: expect.stringContaining('no recognizer') });
  });

  it('keeps a comm that looks like the fields after it', () => {
    const result = parseKernelLine(
      'Killed process 7 (a) total-vm:1) total-vm:10kB, anon-rss:2kB, file-rss:3kB, shmem-rss:0kB',
    );
    expect(result).toEqual({
      kind: 'line',
      line: expect.objectContaining({
        pid: 7,
        name: 'a) total-vm:1',
        fields: expect.objectContaining({ 'total-vm': 10, 'anon-rss': 2 }),
      }),
    });
  });

  it('reads the summary tail from the right when the comm holds ",pid="', () => {
    const result = parseKernelLine(
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a/b,task=x,pid=1,uid=0,pid=42,uid=7',
    );
    expect(result).toEqual({
      kind: 'line',
      line: expect.objectContaining({ task: 'x,pid=1,uid=0', pid: 42, uid: 7, taskMemcg: '/a/b' }),
    });
  });
});
