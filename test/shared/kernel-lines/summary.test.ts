import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKernelLine } from '../../../shared/kernel-line.ts';
import {
  isSummaryText,
  quotedSummaryLine,
  readSummary,
  summaryLine,
} from '../../../shared/kernel-lines/summary.ts';
import { nearText } from './near-text.ts';
import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'summary'>[] = [
  {
    source: 'test/fixtures/kernel-logs/kernel-6.18-cgroupv1-memcg.dmesg.log',
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
    source: 'test/fixtures/kernel-logs/blog-3.10-to-5.10-oneliners.log (5.10, mistyped by its author)',
    line: 'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-db82d879ba5185c931261d7544272174ec1368150C41457418C844974.scope,mems_allowed=0,oom_memcg=/kubends.slice/kubepods-burstable.slice/kubepods-bustable-pod748bebc7_7fde_4fef_b2a3_fe45e29392df.slice,task_memcg=/kubends.slice/kubepods-burstable.slice/kubepods-bustable-pod748bebc7_7fde_4fef_b2a3_fe45e29392df.slice/cri-containerd-ab82a879ba5185c93126175448c72174ec1368158c4d45718cfb8b84df97d6.scope,task=memc,pid=26036,uid=8',
    expected: { constraint: 'CONSTRAINT_MEMCG', task: 'memc', pid: 26036, uid: 8 },
  },
  {
    source:
      'test/fixtures/kernel-logs/corpus/54-el7-vendor-summary-without-constraint-sacrifice-runc-init.log (3.10.0-514.16.1.el7.stable: a vendor backport without the constraint key)',
    line: 'oom-kill:,cpuset=bbd5e4b5f9c13666dd0ec7ff7afb2c4c2b0ede40a4adf1de43cc31c606f283f5,mems_allowed=0-1,oom_memcg=/kubepods/burstable/pod6c4333b3-a663-11ea-b39f-6c92bf85beda,task_memcg=/kubepods/burstable/pod6c4333b3-a663-11ea-b39f-6c92bf85beda/bbd5e4b5f9c13666dd0ec7ff7afb2c4c2b0ede40a4adf1de43cc31c606f283f5,task=runc:[2:INIT],pid=12800,uid=0',
    expected: {
      constraint: null,
      cpuset: 'bbd5e4b5f9c13666dd0ec7ff7afb2c4c2b0ede40a4adf1de43cc31c606f283f5',
      oomMemcg: '/kubepods/burstable/pod6c4333b3-a663-11ea-b39f-6c92bf85beda',
      globalOom: false,
      taskMemcg:
        '/kubepods/burstable/pod6c4333b3-a663-11ea-b39f-6c92bf85beda/bbd5e4b5f9c13666dd0ec7ff7afb2c4c2b0ede40a4adf1de43cc31c606f283f5',
      taskMemcgTruncated: false,
      task: 'runc:[2:INIT]',
      pid: 12800,
      uid: 0,
    },
  },
  {
    source:
      'test/fixtures/kernel-logs/corpus/52-aks-azl3-dmesg-T-cut-c400-summary-group.log (`cut -c1-400`: no mark)',
    line: 'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-c44d2f7a9f1f16bb3f6922e7c02215d9618db819fc89f254817b5f52d91f74ea.scope,mems_allowed=0,oom_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-poda8b8a570_9d92_4702_aac3_9264b667146c.slice,task_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-poda8b8a570_9d92_4702_aac',
    expected: {
      constraint: 'CONSTRAINT_MEMCG',
      oomMemcg:
        '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-poda8b8a570_9d92_4702_aac3_9264b667146c.slice',
      taskMemcg: '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-poda8b8a570_9d92_4702_aac',
      taskMemcgTruncated: true,
      task: null,
      pid: null,
      uid: null,
    },
  },
  {
    source:
      'test/fixtures/kernel-logs/corpus/53-debian6.1-less-chopped-global-oom-group-kubepods.log (`less -S`)',
    line: 'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=ce874473016f653bd23ffc32aa15c8495bb82b01e853120a3a9b4517aab368ce,mems_allowed=0,global_oom,task_memcg=/kubepods/burstable/pod3902af1e-8c>',
    truncated: true,
    expected: {
      constraint: 'CONSTRAINT_NONE',
      cpuset: 'ce874473016f653bd23ffc32aa15c8495bb82b01e853120a3a9b4517aab368ce',
      globalOom: true,
      taskMemcg: '/kubepods/burstable/pod3902af1e-8c',
      taskMemcgTruncated: true,
      task: null,
    },
  },
  {
    source:
      'test/fixtures/kernel-logs/corpus/102-python-comments-task-in-and-summary-with-pylint-trailers.log (a comment after the line)',
    line: 'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=7a982186b58cec345c4a3f635809c7e04afc930453a5dbb5cbc9d4d49f662761,mems_allowed=0,oom_memcg=/kubepods/burstable/pod792adfde-d139-4c9c-a89e-ae94f36ea69d/7a982186b58cec345c4a3f635809c7e04afc930453a5dbb5cbc9d4d49f662761,task_memcg=/kubepods/burstable/pod792adfde-d139-4c9c-a89e-ae94f36ea69d/7a982186b58cec345c4a3f635809c7e04afc930453a5dbb5cbc9d4d49f662761,task=ruby,pid=10506,uid=1000  # pylint: disable=line-too-long',
    expected: { task: 'ruby', pid: 10506, uid: 1000 },
  },
  {
    source:
      'test/fixtures/kernel-logs/corpus/80-lkml-4.20-memcg-storm-kills-known-by-counters.log (a negative uid, as printed)',
    line: 'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/test1,task_memcg=/test1,task=a.out,pid=8204,uid=-2',
    expected: { task: 'a.out', pid: 8204, uid: -2 },
  },
  {
    source:
      'test/fixtures/kernel-logs/corpus/218-readwise-highlight-tab-list-summary-cut-in-task-memcg-then-link.log (a highlight cut inside the container id, its link after it)',
    line: 'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=f90b24151029555d49a49d82159ec90c4fec53ba8515bd51a5633d1ff45d8f53,mems_allowed=0,oom_memcg=/kubepods,task_memcg=/kubepods/besteffort/pod5f3d2447-f535-4b3d-979c-216d4980cc3f/f ([View Highlight](https://read.readwise.io/read/01hgfj9kgrax8n56eqm8jqkpt2))',
    expected: {
      constraint: 'CONSTRAINT_MEMCG',
      cpuset: 'f90b24151029555d49a49d82159ec90c4fec53ba8515bd51a5633d1ff45d8f53',
      oomMemcg: '/kubepods',
      taskMemcg: '/kubepods/besteffort/pod5f3d2447-f535-4b3d-979c-216d4980cc3f/f',
      taskMemcgTruncated: true,
      task: null,
      pid: null,
      uid: null,
    },
  },
  {
    source:
      'test/fixtures/kernel-logs/corpus/219-zh-notes-mempolicy-summary-spaced-abbrev-kill-line-without-comm.log (an author spaced the keys and left out the rest)',
    line: 'oom-kill: constraint=CONSTRAINT_MEMORY_POLICY, nodemask=7, task=VLLM::EngineCor',
    expected: {
      constraint: 'CONSTRAINT_MEMORY_POLICY',
      oomMemcg: null,
      taskMemcg: null,
      taskMemcgTruncated: false,
      task: null,
      pid: null,
      uid: null,
    },
  },
  {
    source:
      'twenty-second red team Q/01, corpus 234 (hand-wrapped there after `global_oom,`; joined): an author elided the cpuset and the docker id',
    line: 'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=...,mems_allowed=0,global_oom,task_memcg=/docker/55c9ffc4...,task=redis-server,pid=66446,uid=999',
    expected: {
      constraint: 'CONSTRAINT_NONE',
      globalOom: true,
      taskMemcg: '/docker/55c9ffc4...',
      taskMemcgTruncated: true,
      task: 'redis-server',
      pid: 66446,
      uid: 999,
    },
  },
  {
    source:
      'test/fixtures/kernel-logs/corpus/235-gh-lmcache-dgx-spark-dmesg-T-elided-summary-docker-scope-dots-inside-id.log (an ellipsis inside the docker id)',
    line: 'oom-kill:constraint=CONSTRAINT_NONE,...,task_memcg=/system.slice/docker-9751845b....scope,task=lmcache,pid=3742074,uid=0',
    expected: {
      taskMemcg: '/system.slice/docker-9751845b....scope',
      taskMemcgTruncated: true,
      task: 'lmcache',
      pid: 3742074,
      uid: 0,
    },
  },
  {
    // An author's ellipsis for the keys left out between two commas, in notes on a Slurm job (52nd red team A/04).
    source: 'agent work notes on a Slurm job (index file 66331758343), the summary whole',
    line: 'oom-kill:constraint=CONSTRAINT_MEMCG,...,oom_memcg=/slurm/uid_2107/job_2457196,task=python3,pid=1234,uid=0',
    expected: {
      constraint: 'CONSTRAINT_MEMCG',
      oomMemcg: '/slurm/uid_2107/job_2457196',
      task: 'python3',
      pid: 1234,
      uid: 0,
    },
  },
  {
    // An author's ellipsis for the keys left out, a space but no comma after it (41st red team C/15).
    source: 'a PostgreSQL OOM write-up quoting dmesg -T (index file 70269908220)',
    line: 'oom-kill:constraint=CONSTRAINT_NONE... task=postgres,pid=3154,uid=999',
    expected: { constraint: 'CONSTRAINT_NONE', task: 'postgres', pid: 3154, uid: 999, cpuset: null },
  },
  {
    // A page retyped the first key's case (`cOnstraint=`): the keys are read in any case (63rd red team A/10).
    source: 'H3C knowledge base, the /var/log/messages of an HCI node (zhiliao theme 196317)',
    line: 'oom-kill:cOnstraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=emulator,mems_allowed=0-1,oom_memcg=/machine.slice,task_memcg=/machine.slice/machine-qemu\\x2d33\\x2dRHEL7\\x2d9\\x2d4.scope,task=kvm,pid=2016872,uid=0',
    expected: {
      constraint: 'CONSTRAINT_MEMCG',
      cpuset: 'emulator',
      oomMemcg: '/machine.slice',
      taskMemcg: '/machine.slice/machine-qemu\\x2d33\\x2dRHEL7\\x2d9\\x2d4.scope',
      task: 'kvm',
      pid: 2016872,
      uid: 0,
    },
  },
  {
    // An author who retyped the line put a space after each comma and wrapped it before `task=`; it stops at the
    // victim's pid, no `uid=` after it (73rd red team A/01): the record as the paste's wrap joined it.
    source:
      'test/fixtures/kernel-logs/corpus/322-hpc-incident-notes-slurm-summary-spaced-commas-wrapped-indented-ends-at-pid.log',
    line: 'oom-kill:constraint=CONSTRAINT_MEMCG, oom_memcg=/slurm_gpu021/uid_1609111/job_59120608,',
    expected: {
      constraint: 'CONSTRAINT_MEMCG',
      oomMemcg: '/slurm_gpu021/uid_1609111/job_59120608',
      task: null,
      pid: null,
    },
  },
  {
    // An author's abridged copy in the kernel's layout, ending at the pid.
    source:
      'test/fixtures/kernel-logs/corpus/208-nanobot-dmesg-fence-then-rfc3339-syslog-fence-same-kill-two-clocks.log',
    line: 'oom-kill:constraint=CONSTRAINT_NONE,task=nanobot,pid=406656',
    expected: { constraint: 'CONSTRAINT_NONE', task: 'nanobot', pid: 406656, uid: null },
  },
];

describeRealLines('summary', LINES);

describe('summary: a line that ends at its victim’s pid, no `uid=` after it (73rd red team A/01)', () => {
  const WRAPPED =
    'oom-kill:constraint=CONSTRAINT_MEMCG, oom_memcg=/slurm_gpu021/uid_1609111/job_59120608,task=python, pid=567337';
  const whole = LINES[0]?.line as string;
  const atPid = whole.slice(0, whole.indexOf(',uid='));

  it('reads the pid and the comm its comma closes, as the joined wrap gives them', () => {
    expect(parseKernelLine(WRAPPED)).toEqual({
      kind: 'line',
      line: expect.objectContaining({
        constraint: 'CONSTRAINT_MEMCG',
        oomMemcg: '/slurm_gpu021/uid_1609111/job_59120608',
        taskMemcg: null,
        task: 'python',
        pid: 567337,
        uid: null,
      }),
    });
  });

  it('reads them in the kernel’s own layout, the whole head before them', () => {
    expect(summaryLine.read(atPid, false)).toMatchObject({
      oomMemcg: expect.stringMatching(/pod3962896b-ab69-4572-8f1d-ee756f9f3589$/),
      taskMemcg: expect.stringMatching(/fbb9419$/),
      taskMemcgTruncated: false,
      task: 'python3',
      pid: 2874,
      uid: null,
    });
  });

  it('reads the pid before a writer’s text, a closing quote or a sentence’s full stop, as the uid that ends a line', () => {
    for (const end of ['  # rank 0', '`', '.'])
      expect(summaryLine.read(`${WRAPPED}${end}`, false)).toMatchObject({ task: 'python', pid: 567337 });
  });

  it('reads neither where a pager marked the cut, or no number follows `pid=`, as before', () => {
    // `>` may have cut the digits: the summary stays cut before its victim, which names the cgroup alone.
    expect(summaryLine.read(`${atPid.slice(0, -2)}>`, true)).toMatchObject({
      taskMemcg: expect.stringMatching(/fbb9419$/),
      task: null,
      pid: null,
    });
    for (const pid of ['...', '{}', '', 'NNNN', '567337abc'])
      expect(
        summaryLine.read(`${WRAPPED.slice(0, WRAPPED.lastIndexOf('=') + 1)}${pid}`, false),
      ).toMatchObject({
        task: null,
        pid: null,
      });
  });

  it('reads the tail from the right: a comm that holds `,pid=` stays whole', () => {
    expect(summaryLine.read(atPid.replace('python3', 'x,pid=1'), false)).toMatchObject({
      task: 'x,pid=1',
      pid: 2874,
      uid: null,
    });
  });
});

describe('summary: keys an author or a page retyped in another case', () => {
  it('reads every key in any case where the first is retyped, the comm and the paths as printed', () => {
    expect(
      parseKernelLine(
        'oom-kill:CONSTRAINT=CONSTRAINT_NONE,NODEMASK=(null),CPUSET=/,MEMS_ALLOWED=0,GLOBAL_OOM,TASK_MEMCG=/Docker/Ab,TASK=Java,PID=7,UID=0',
      ),
    ).toMatchObject({
      line: {
        constraint: 'CONSTRAINT_NONE',
        globalOom: true,
        taskMemcg: '/Docker/Ab',
        task: 'Java',
        pid: 7,
        uid: 0,
      },
    });
  });

  it('reads them after a comma and a space too, as an author writes them', () => {
    expect(
      parseKernelLine(
        'oom-kill: CONSTRAINT=CONSTRAINT_MEMCG, NODEMASK=(null), CPUSET=/, MEMS_ALLOWED=0, OOM_MEMCG=/kubepods/pod1, TASK_MEMCG=/kubepods/pod1/c1, TASK=java, PID=4242, UID=0',
      ),
    ).toMatchObject({
      line: {
        constraint: 'CONSTRAINT_MEMCG',
        oomMemcg: '/kubepods/pod1',
        taskMemcg: '/kubepods/pod1/c1',
        task: 'java',
        pid: 4242,
      },
    });
  });

  it('is no summary when the first key is no key of the line in any case', () => {
    expect(parseKernelLine('oom-kill:constraints=CONSTRAINT_NONE,task=a,pid=1,uid=0').kind).not.toBe('line');
  });
});

describe('summary: keys an author separated with a comma and a space (twentieth red team K/04)', () => {
  it('reads each key as the kernel’s layout gives it', () => {
    const line =
      'oom-kill: constraint=CONSTRAINT_MEMCG, nodemask=(null), cpuset=/, mems_allowed=0, oom_memcg=/a, task_memcg=/a/b, task=x y, pid=42, uid=7';
    expect(summaryLine.read(line, false)).toEqual(
      summaryLine.read(
        'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a/b,task=x y,pid=42,uid=7',
        false,
      ),
    );
  });

  it('keeps a comm that holds ", pid=" in the kernel’s own layout', () => {
    const line =
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a/b,task=x, pid=1, u,pid=42,uid=7';
    expect(summaryLine.read(line, false)).toMatchObject({ task: 'x, pid=1, u', pid: 42, uid: 7 });
  });
});

describe('summary: a path an author cut with an ellipsis (fourth red team I/11, k0s)', () => {
  it('is a cut path, as one the line ended in', () => {
    const line =
      'oom-kill: constraint=CONSTRAINT_NONE, ... global_oom, task_memcg=/kubepods/besteffort/pod…, task=ndm';
    expect(summaryLine.read(line, false)).toMatchObject({
      constraint: 'CONSTRAINT_NONE',
      globalOom: true,
      taskMemcg: '/kubepods/besteffort/pod…',
      taskMemcgTruncated: true,
      pid: null,
    });
    const dotted = line.replace('pod…', 'pod...');
    expect(summaryLine.read(dotted, false)).toMatchObject({ taskMemcgTruncated: true });
    expect(summaryLine.read(line.replace('pod…', 'pod1234'), false)).toMatchObject({
      taskMemcgTruncated: false,
    });
  });

  it('is a cut path wherever the ellipsis stands, in either reading (twenty-second red team Q/01, Q/07)', () => {
    const usual = (path: string) =>
      `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/kubepods,task_memcg=${path},task=x,pid=7,uid=0`;
    for (const path of ['/kubepods/pod…/abc', '/kubepods/pod.../abc', '/docker/55c9ffc4...', '/a/b…']) {
      expect([path, summaryLine.read(usual(path), false)]).toEqual([
        path,
        expect.objectContaining({ taskMemcg: path, taskMemcgTruncated: true, pid: 7 }),
      ]);
      expect(readSummary(usual(path), false)).toMatchObject({ taskMemcgTruncated: true });
    }
    expect(summaryLine.read(usual('/kubepods/pod1.2/abc'), false)).toMatchObject({
      taskMemcgTruncated: false,
    });
  });
});

describe('summary: a line cut short (a pager, `cut -c`, a terminal)', () => {
  const whole = LINES[0]?.line as string;

  it('reads no value that runs into the cut, whether or not a mark shows it', () => {
    const inOomMemcg = whole.slice(0, whole.indexOf(',task_memcg=') - 5);
    for (const [text, truncated] of [
      [inOomMemcg, false],
      [`${inOomMemcg}>`, true],
    ] as const) {
      expect(summaryLine.read(text, truncated)).toMatchObject({
        constraint: 'CONSTRAINT_MEMCG',
        cpuset: '/',
        oomMemcg: null,
        taskMemcg: null,
        taskMemcgTruncated: false,
      });
    }
    const inCpuset = 'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-contai';
    expect(summaryLine.read(inCpuset, false)).toMatchObject({ constraint: 'CONSTRAINT_MEMCG', cpuset: null });
  });

  it('keeps a task_memcg that the tail follows: only the comm was cut', () => {
    expect(summaryLine.read(whole.slice(0, whole.indexOf(',pid=')), false)).toMatchObject({
      taskMemcg: expect.stringMatching(/fbb9419$/),
      taskMemcgTruncated: false,
      task: null,
      pid: null,
    });
  });

  it('ends a cut task_memcg at a writer’s text after it: a path shown up to the cut, never the text', () => {
    const cut = whole.slice(0, whole.indexOf(',task=') - 20);
    expect(summaryLine.read(`${cut} ([View Highlight](https://example.com/x))`, false)).toMatchObject({
      taskMemcg: cut.slice(cut.indexOf('task_memcg=') + 'task_memcg='.length),
      taskMemcgTruncated: true,
    });
  });

  it('keeps a value whose comma the cut left last: the kernel’s before the next key (red team 26 A/19, llama.cpp#17844)', () => {
    // journalctl's pager cut right after task_memcg's comma, and put its `>` there.
    const chopped =
      'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=user.slice,mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice/user@1000.service/session.slice/dbus.service,';
    for (const [text, truncated] of [
      [`${chopped}>`, true],
      [chopped, false],
    ] as const) {
      expect(summaryLine.read(text, truncated)).toMatchObject({
        constraint: 'CONSTRAINT_NONE',
        globalOom: true,
        taskMemcg: '/user.slice/user-1000.slice/user@1000.service/session.slice/dbus.service',
        taskMemcgTruncated: false,
        task: null,
        pid: null,
      });
    }
    // So with a value of the head: cpuset's comma shows it whole.
    expect(
      summaryLine.read(
        'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-1.scope,',
        false,
      ),
    ).toMatchObject({
      cpuset: 'cri-containerd-1.scope',
      taskMemcg: null,
    });
    // Without the comma the path still runs into the cut.
    expect(summaryLine.read(chopped.slice(0, -1), false)).toMatchObject({ taskMemcgTruncated: true });
    // An author's ellipsis after the comma, where the keys left out were (a review).
    for (const mark of ['...', '…', ' ...'])
      expect(summaryLine.read(`${chopped}${mark}`, false)).toMatchObject({
        taskMemcg: '/user.slice/user-1000.slice/user@1000.service/session.slice/dbus.service',
        taskMemcgTruncated: false,
      });
  });

  it('is no summary when no key follows `oom-kill:`', () => {
    expect(summaryLine.read('oom-kill:something else', false)).toBeNull();
  });
});

describe('summary: a comm that looks like the fields around it', () => {
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

describe('summary: the usual layout, read by one match', () => {
  it('gives what reading field by field gives', () => {
    const inserts = [
      ',',
      '=',
      ',pid=1',
      ',uid=2',
      ',task=x',
      ',task_memcg=/a',
      'oom_memcg=',
      ',global_oom',
      '\n',
      ' ',
      ' ,',
    ];
    const lines = LINES.map((l) => l.line);
    fc.assert(
      fc.property(nearText(lines, inserts), fc.boolean(), (line, truncated) => {
        const read = summaryLine.read(line, truncated);
        expect(read).toEqual(isSummaryText(line) ? readSummary(line, truncated) : null);
        if (read !== null) expect(Object.keys(read)).toEqual(Object.keys(readSummary(line, truncated)));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('summary: its last value before a markdown table cell’s border', () => {
  it('reads the uid whole', () => {
    const result = parseKernelLine(
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a,task=x,pid=7,uid=1000|',
    );
    expect(result).toEqual({ kind: 'line', line: expect.objectContaining({ pid: 7, uid: 1000 }) });
  });

  it.each(['[/FONT][/INDENT]', '</div>', ')', '`)', '.', '; then', '。'])(
    'reads it whole before a forum’s or a page’s markup, a bracket, a sentence’s end: %s',
    (after) => {
      const result = parseKernelLine(
        `oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=Xorg,pid=93065,uid=1000${after}`,
      );
      expect(result).toEqual({ kind: 'line', line: expect.objectContaining({ pid: 93065, uid: 1000 }) });
    },
  );

  it.each(['...', '.5', 'x'])('does not read it before %s', (after) => {
    const result = parseKernelLine(
      `oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=Xorg,pid=93065,uid=1000${after}`,
    );
    expect(result).toEqual({ kind: 'line', line: expect.objectContaining({ pid: 93065, uid: null }) });
  });
});

describe('summary: a wrap inside a key, joined with a space (twenty-fifth red team Y/05)', () => {
  const WRAPPED_KEY_SPLIT =
    'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/test512mb,task_m emcg=/test512mb,task=stress,pid=1122,uid=0';

  it('reads the key whole, and the value before it ends at its comma', () => {
    expect(summaryLine.read(WRAPPED_KEY_SPLIT, false)).toMatchObject({
      constraint: 'CONSTRAINT_MEMCG',
      cpuset: '/',
      oomMemcg: '/test512mb',
      globalOom: false,
      taskMemcg: '/test512mb',
      taskMemcgTruncated: false,
      task: 'stress',
      pid: 1122,
      uid: 0,
    });
  });

  it('reads any head key split anywhere as the whole line gives it', () => {
    const whole = [LINES[0]?.line as string, LINES[1]?.line as string];
    const keys = [
      'constraint',
      'nodemask',
      'cpuset',
      'mems_allowed',
      'oom_memcg',
      'global_oom',
      'task_memcg',
      'task',
    ];
    for (const line of whole) {
      const read = summaryLine.read(line, false);
      for (const key of keys) {
        const at = line.indexOf(
          key === 'constraint' ? ':constraint=' : `,${key}${key === 'global_oom' ? ',' : '='}`,
        );
        if (at < 0) continue;
        for (let split = 1; split < key.length; split += 1) {
          const wrapped = `${line.slice(0, at + 1 + split)} ${line.slice(at + 1 + split)}`;
          expect([wrapped, summaryLine.read(wrapped, false)]).toEqual([wrapped, read]);
        }
      }
    }
  });

  it('reads a wrap before or after a comma of the head, joined with a space, as the whole line', () => {
    for (const line of [LINES[0]?.line as string, LINES[1]?.line as string]) {
      const read = summaryLine.read(line, false);
      const head = line.slice(0, line.indexOf(',task='));
      for (let comma = head.indexOf(','); comma >= 0; comma = head.indexOf(',', comma + 1)) {
        for (const wrapped of [
          `${line.slice(0, comma + 1)} ${line.slice(comma + 1)}`,
          `${line.slice(0, comma)} ${line.slice(comma)}`,
        ]) {
          expect([wrapped, summaryLine.read(wrapped, false)]).toEqual([wrapped, read]);
        }
      }
    }
  });

  it('ends a path before any key of the summary a wrap split, and keeps a path’s own `,b c=` (a review’s input)', () => {
    // A backport without mems_allowed: the split key after the cpuset is not the one the order expects next.
    const skipped =
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/a,oom_m emcg=/a,task_memcg=/a/b,task=x,pid=7,uid=0';
    expect(summaryLine.read(skipped, false)).toMatchObject({ cpuset: '/a', taskMemcg: '/a/b', pid: 7 });
    // A cgroup directory may be named anything: two words and `=` after a comma that join to no key stay in it.
    const ownComma =
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/system.slice,task_memcg=/system.slice/a,b c=d.service,task=svc,pid=2345,uid=0';
    expect(summaryLine.read(ownComma, false)).toMatchObject({
      oomMemcg: '/system.slice',
      taskMemcg: '/system.slice/a,b c=d.service',
      pid: 2345,
    });
  });

  it('ends a value at a key’s start that a cut left last', () => {
    const cut = WRAPPED_KEY_SPLIT.slice(0, WRAPPED_KEY_SPLIT.indexOf(' emcg='));
    expect(summaryLine.read(cut, false)).toMatchObject({
      oomMemcg: '/test512mb',
      taskMemcg: null,
      pid: null,
    });
    // The comma and the key's start show the path's end: it is whole (red team 26 A/19's rule).
    const inTaskMemcg = WRAPPED_KEY_SPLIT.slice(0, WRAPPED_KEY_SPLIT.indexOf(',task=') + ',ta'.length);
    expect(summaryLine.read(inTaskMemcg, false)).toMatchObject({
      taskMemcg: '/test512mb',
      taskMemcgTruncated: false,
    });
  });

  it('keeps a comm that holds a split key as printed', () => {
    const line =
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a/b,task=x,pi d=1,ta sk=2,pid=42,uid=7';
    expect(summaryLine.read(line, false)).toMatchObject({ task: 'x,pi d=1,ta sk=2', pid: 42, uid: 7 });
  });
});

describe('summary: an author’s ellipsis before a key, with a space and no comma (41st red team C/15)', () => {
  it('reads the kernel’s comma there, after a comma or not', () => {
    expect(
      summaryLine.read(
        'oom-kill:constraint=CONSTRAINT_MEMCG,... task_memcg=/docker/abc,task=x,pid=1,uid=0',
        false,
      ),
    ).toMatchObject({
      constraint: 'CONSTRAINT_MEMCG',
      taskMemcg: '/docker/abc',
      task: 'x',
      pid: 1,
    });
    expect(
      summaryLine.read(
        'oom-kill:constraint=CONSTRAINT_NONE… global_oom,task_memcg=/a,task=x,pid=1,uid=0',
        false,
      ),
    ).toMatchObject({
      constraint: 'CONSTRAINT_NONE',
      globalOom: true,
      taskMemcg: '/a',
    });
    // A path's own ellipsis, before a comma: kept, and the path cut there.
    expect(
      summaryLine.read(
        'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/docker/55c9ffc4...,task=java,pid=1,uid=0',
        false,
      ),
    ).toMatchObject({ taskMemcg: '/docker/55c9ffc4...', taskMemcgTruncated: true });
    // With a space after it, a path's ellipsis stays on it too; and a comm's own (`a... uid=3`) is the comm's.
    expect(
      summaryLine.read(
        'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/docker/55c9ffc4... task=java,pid=1,uid=0',
        false,
      ),
    ).toMatchObject({ taskMemcg: '/docker/55c9ffc4...', taskMemcgTruncated: true, task: 'java', pid: 1 });
    expect(
      summaryLine.read(
        'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a,task=a... uid=3,pid=5,uid=0',
        false,
      ),
    ).toMatchObject({ task: 'a... uid=3', pid: 5, uid: 0 });
  });
});

describe('summary: quoted after a writer’s own text, in code (69th red team B/20, B/21, B/24)', () => {
  const SUMMARY =
    'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/x,task_memcg=/user.slice/w0.service,task=claude,pid=7,uid=1000';

  it.each([
    ['an object literal, a key after it', `{ message: "${SUMMARY}", at: null },`],
    ['a shell echo in a YAML string', `then echo '${SUMMARY}'; \\`],
    ['a call', `foo("${SUMMARY}")`],
    ['a constant and a comment', `const REAL_OOM_LINE = '${SUMMARY}'; // captured from journalctl -k`],
    ['a Rust raw string', `r#"${SUMMARY}"#`],
  ])('reads it from its prefix: %s', (_case, line) => {
    expect(parseKernelLine(line)).toEqual({
      kind: 'line',
      line: expect.objectContaining({
        kind: 'summary',
        oomMemcg: '/x',
        taskMemcg: '/user.slice/w0.service',
        task: 'claude',
        pid: 7,
        uid: 1000,
      }),
    });
  });

  it('leaves a quote cut before the victim, a made-up line, and a word run into the prefix', () => {
    // A test's fake summary (corpus 231) and an elided one (corpus 46) stay drift, as before.
    expect(
      quotedSummaryLine.read("echo 'oom-kill:constraint=CONSTRAINT_MEMCG,task=node,pid=5230'\\n\\", false),
    ).toBeNull();
    expect(
      quotedSummaryLine.read(
        '`[ +0.000002] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=...,oom_memcg=/kubepods/burstable/...',
        false,
      ),
    ).toBeNull();
    expect(quotedSummaryLine.read(`xoom-kill:${SUMMARY.slice('oom-kill:'.length)}`, false)).toBeNull();
  });
});

describe('summary: a second summary glued on after the first (a review of the 69th round)', () => {
  const first =
    'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a/c,task=alpha,pid=101,uid=0';
  const second = first.replaceAll('/a', '/b').replace('alpha,pid=101', 'beta,pid=202');

  it.each([
    ['starting the line', `${first}, ${second}`],
    ['quoted in a tool’s listing', `alertmanager: 2 matches: ${first}, ${second}`],
    ['a JSON array', `["${first}","${second}"]`],
  ])('reads the first alone, not a comm running on to the second’s pid: %s', (_case, line) => {
    expect(parseKernelLine(line)).toEqual({
      kind: 'line',
      line: expect.objectContaining({ task: 'alpha', pid: 101, uid: 0, oomMemcg: '/a', taskMemcg: '/a/c' }),
    });
  });

  it('takes a cut line’s cut to be the last summary’s', () => {
    expect(summaryLine.read(`${first}, ${second.slice(0, 60)}`, true)).toMatchObject({ pid: 101, uid: 0 });
  });
});
