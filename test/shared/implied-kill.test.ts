import { describe, expect, it } from 'vitest';
import { impliedKill } from '../../shared/implied-kill.ts';
import { parseKernelLog } from '../../shared/kernel-log.ts';
import { newReport } from '../../shared/open-report.ts';

// Reports are read through parseKernelLog: a kill is implied when the report closes without its kill line.

/**
 * Twentieth red team J/02 (corpus 218): a Readwise highlight of a blog's AKS log, in a tab-indented Logseq list; the
 * highlight begins inside the syslog time and ends inside the victim's container id, its link after it.
 */
const HIGHLIGHT =
  '\t- :01:55 aks-agentpool-20086390-vmss00003C kernel: [ 1432.394642] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=f90b24151029555d49a49d82159ec90c4fec53ba8515bd51a5633d1ff45d8f53,mems_allowed=0,oom_memcg=/kubepods,task_memcg=/kubepods/besteffort/pod5f3d2447-f535-4b3d-979c-216d4980cc3f/f ([View Highlight](https://read.readwise.io/read/01hgfj9kgrax8n56eqm8jqkpt2))';
const SUMMARY_AT = HIGHLIGHT.indexOf('oom-kill:');
const LINK_AT = HIGHLIGHT.indexOf(' ([View');
const CUT_SUMMARY = `[ 1432.394642] ${HIGHLIGHT.slice(SUMMARY_AT, LINK_AT)}`;

const CUT_SUMMARY_EVENT = {
  victim: { pid: null, name: null, uid: null },
  constraint: 'memcg',
  limitScope: 'kubepods',
  cgroup: { oom: '/kubepods', task: null },
  pod: { uid: '5f3d2447-f535-4b3d-979c-216d4980cc3f', qos: 'besteffort' },
  // `/f` is what the cut left of the container id: one hex digit is no id, and the invoker's cpuset, which
  // starts with it, is any container under the limit.
  container: null,
  complete: false,
};

describe('a summary cut before its task tail, with nothing after it (twentieth red team J/02)', () => {
  it.each([
    ['in the highlight list item, its link after it', HIGHLIGHT],
    ['after a dmesg time alone', CUT_SUMMARY],
  ])('is an incomplete kill of the pod the cut shows: %s', (_case, text) => {
    const { events, drift } = parseKernelLog(text);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject(CUT_SUMMARY_EVENT);
    expect(drift).toEqual([]);
  });

  it('is the kill its kill line then shows: one event', () => {
    const kill =
      '[ 1432.394700] Memory cgroup out of memory: Killed process 4242 (python) total-vm:10kB, anon-rss:2kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:1000';
    const { events } = parseKernelLog(`${CUT_SUMMARY}\n${kill}`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      ...CUT_SUMMARY_EVENT,
      victim: { pid: 4242, name: 'python', anonRssKb: 2 },
      complete: true,
    });
  });

  it('is no kill when the report then found its victim already exiting', () => {
    const exiting =
      '[ 1432.394700] Memory cgroup out of memory: OOM victim 4242 (python) is already exiting. Skip killing the task';
    expect(parseKernelLog(`${CUT_SUMMARY}\n${exiting}`).events).toEqual([]);
  });

  it('is a kill of the whole victim path when the cut came inside the comm', () => {
    const whole = `${CUT_SUMMARY}0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde`;
    const { events } = parseKernelLog(`${whole},task=pyth`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      victim: { pid: null, name: null },
      cgroup: {
        oom: '/kubepods',
        task: '/kubepods/besteffort/pod5f3d2447-f535-4b3d-979c-216d4980cc3f/f0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde',
      },
      container: { id: 'f0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde' },
      limitScope: 'kubepods',
      complete: false,
    });
  });

  it('names nobody when it was cut before task_memcg: no kill, but drift', () => {
    const head = CUT_SUMMARY.slice(0, CUT_SUMMARY.indexOf(',task_memcg='));
    const { events, drift } = parseKernelLog(head);
    expect(events).toEqual([]);
    expect(drift).toMatchObject([{ reason: 'OOM report without a kill line' }]);
  });

  it('implies a kill of an unknown pid from the cut victim path alone', () => {
    const report = {
      ...newReport(1432.394642),
      constraint: 'CONSTRAINT_MEMCG',
      oomMemcg: '/kubepods',
      taskMemcg: '/kubepods/besteffort/pod5f3d2447-f535-4b3d-979c-216d4980cc3f/f',
      taskMemcgTruncated: true,
    };
    expect(impliedKill(report)).toMatchObject({ pid: null, name: null, killLineSeen: false });
    // 4.19+ prints `already exiting` after the summary, for the victim the summary named.
    expect(impliedKill({ ...report, exitingPids: [7] })).toBeNull();
    expect(impliedKill(newReport(1432.394642))).toBeNull();
  });
});

describe('a summary whose whole tail holds no pid (twentieth red team J/01, corpus 222)', () => {
  it('is a template, not a kill: no event', () => {
    // A pytest's Python template, its pid and container id left as `{}`.
    const template =
      "cri_line_with_oom = 'Sep  3 10:00:05 some-kube-node1 kernel: [34268134.409242] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=2cc85334e5030168b240f87215d26ecb97dd99c09237bd0a03d8957dafb33187,mems_allowed=0,oom_memcg=/kubepods/burstable/pod62015ce8-a46f-4b0e-a5a1-3082235c62dd,task_memcg=/kubepods/burstable/pod62015ce8-a46f-4b0e-a5a1-3082235c62dd/{},task=framework,pid={},uid=5000'.format(cri_line_with_oom_container_id, cri_line_with_oom_pid)";
    expect(parseKernelLog(template).events).toEqual([]);
  });
});

describe('a cut summary whose values are a template or no path (review 22 p1, p8)', () => {
  it.each([
    // A doc's text, placeholders in angle brackets.
    '    oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=<cpuset>,mems_allowed=<nodes>,oom_memcg=<memcg>,task_memcg=<memcg>',
    // The kernel's printk formats put together.
    'oom-kill:constraint=%s,nodemask=%*pbl,cpuset=%s,mems_allowed=%*pbl,oom_memcg=%s,task_memcg=%s',
    // A path with a placeholder in it, and another value a placeholder.
    'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/kubepods/{pod},task_memcg=/kubepods/{pod}/{container}',
    'oom-kill:constraint=${constraint},nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/jobs,task_memcg=/jobs/worker',
  ])('is no kill but drift: %s', (line) => {
    const { events, drift } = parseKernelLog(line);
    expect(events).toEqual([]);
    expect(drift).toMatchObject([{ reason: 'OOM report without a kill line' }]);
  });

  it('implies no kill from a report whose task_memcg is no path', () => {
    const report = {
      ...newReport(null),
      constraint: 'CONSTRAINT_MEMCG',
      oomMemcg: 'memcg',
      taskMemcg: 'memcg',
    };
    expect(impliedKill(report)).toBeNull();
    expect(impliedKill({ ...report, oomMemcg: '/jobs', taskMemcg: '/jobs/worker' })).not.toBeNull();
  });
});

describe('a summary cut before its pid, after the kill line it was printed with (fourth red team I/11, corpus 223)', () => {
  it('is that kill’s summary: one event, its cut path unknown', () => {
    const fence = [
      'Out of memory: Killed process 17658 (ndm) total-vm:5443852kB, anon-rss:4024844kB, ... UID:0 oom_score_adj:1000',
      'oom-kill: constraint=CONSTRAINT_NONE, ... global_oom, task_memcg=/kubepods/besteffort/pod…, task=ndm',
    ];
    const { events } = parseKernelLog(fence.join('\n'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      victim: { pid: 17658, name: 'ndm', anonRssKb: 4024844 },
      constraint: 'system',
      cgroup: { oom: null, task: null },
      lines: fence,
    });
  });

  it('starts the next report when the kill’s report has its summary already (first red team C/13)', () => {
    // An author's trim of two NUMA kills: each summary before its kill line, cut before its pid.
    const trimmed = [
      'oom-kill:constraint=CONSTRAINT_CPUSET,nodemask=(null),cpuset=emulator,mems_allowed=0,global_oom,task=qemu-system-x86',
      'Out of memory: Killed process 886679 (qemu-system-x86) total-vm:19254864kB, anon-rss:16477484kB',
      'oom-kill:constraint=CONSTRAINT_MEMORY_POLICY,nodemask=0,cpuset=vcpu1,mems_allowed=0,global_oom,task=qemu-system-x86',
      'Out of memory: Killed process 27410 (qemu-system-x86) total-vm:19241588kB, anon-rss:14235148kB',
    ];
    const { events } = parseKernelLog(trimmed.join('\n'));
    expect(events.map((e) => [e.victim.pid, e.constraint, e.lines])).toEqual([
      [886679, 'cpuset', trimmed.slice(0, 2)],
      [27410, 'mempolicy', trimmed.slice(2)],
    ]);
  });
});

describe('a summary that stops at its victim’s pid, no `uid=` after it (73rd red team A/01, corpus 322)', () => {
  const HEAD =
    'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/kubepods/burstable/pod1,task_memcg=/kubepods/burstable/pod1/abc,task=python';
  const KILL =
    '[  100.000002] Memory cgroup out of memory: Killed process 567337 (python) total-vm:100kB, anon-rss:50kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0';
  const counters = '[  100.000003] memory: usage 2048kB, limit 2048kB, failcnt 3';

  it('names its victim when no kill line comes: the author’s retyped, wrapped copy', () => {
    const notes = [
      'oom-kill:constraint=CONSTRAINT_MEMCG, oom_memcg=/slurm_gpu021/uid_1609111/job_59120608,',
      '         task=python, pid=567337',
      'memory: usage 203161592kB, limit 203161592kB, failcnt 340170',
    ];
    const { events, drift } = parseKernelLog(notes.join('\n'));
    expect(drift).toHaveLength(0);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      victim: { pid: 567337, name: 'python', uid: null },
      constraint: 'memcg',
      cgroup: { oom: '/slurm_gpu021/uid_1609111/job_59120608', task: null },
      memory: { usageKb: 203161592, limitKb: 203161592, failcnt: 340170 },
      complete: false,
    });
  });

  it('names it in the kernel’s layout too, its cgroup with it', () => {
    const { events } = parseKernelLog([`[  100.000001] ${HEAD},pid=567337`, counters].join('\n'));
    expect(events.map((e) => [e.victim.pid, e.victim.name, e.cgroup.task, e.complete])).toEqual([
      [567337, 'python', '/kubepods/burstable/pod1/abc', false],
    ]);
  });

  it('stays cut before its victim where a pager marked the cut', () => {
    const { events } = parseKernelLog([`[  100.000001] ${HEAD},pid=5673>`, counters].join('\n'));
    expect(events.map((e) => [e.victim.pid, e.victim.name, e.cgroup.task])).toEqual([
      [null, null, '/kubepods/burstable/pod1/abc'],
    ]);
  });

  it('is the summary of a kill of the same comm whose pid begins with its digits, in either order: a terminal’s cut', () => {
    const cut = `[  100.000001] ${HEAD},pid=5673`;
    for (const lines of [
      [cut, KILL],
      [KILL, cut],
    ]) {
      const { events } = parseKernelLog(lines.join('\n'));
      expect(events.map((e) => [e.victim.pid, e.victim.name, e.cgroup.task, e.complete])).toEqual([
        [567337, 'python', '/kubepods/burstable/pod1/abc', true],
      ]);
    }
  });

  it('takes the reaper line of such a pid for its victim, with no kill line', () => {
    const reaped =
      '[  100.000003] oom_reaper: reaped process 567337 (python), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB';
    const { events } = parseKernelLog([`[  100.000001] ${HEAD},pid=5673`, reaped].join('\n'));
    expect(events.map((e) => [e.victim.pid, e.victim.name, e.constraint])).toEqual([
      [567337, 'python', 'memcg'],
    ]);
  });
});
