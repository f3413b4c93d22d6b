import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKernelLine, RECOGNIZERS } from '../../shared/kernel-line.ts';

// Each recognizer's real lines are in ./kernel-lines/<name>.test.ts, beside its source in shared/kernel-lines/.
const ROOT = join(import.meta.dirname, '../..');

describe('the table of recognizers', () => {
  it('has one file and one test file of real lines for every recognizer', () => {
    const missing = RECOGNIZERS.map((r) => r.name).filter(
      (name) =>
        !existsSync(join(ROOT, `shared/kernel-lines/${name}.ts`)) ||
        !existsSync(join(ROOT, `test/shared/kernel-lines/${name}.test.ts`)),
    );
    expect(missing).toEqual([]);
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

  it('reports a memcg counter after text no envelope took off, for format drift (23rd red team S/01)', () => {
    // The envelope before it is one no reader knows (made up here): the counter must not go unseen.
    const result = parseKernelLine(
      'notice/kernel/-/[2919920.414220] memory: usage 81920kB, limit 81920kB, failcnt 30',
    );
    expect(result).toEqual({ kind: 'unrecognised', reason: expect.stringContaining('no recognizer') });
    expect(parseKernelLine('memory: usage 81920kB, limit 81920kB, failcnt 30')).toMatchObject({
      line: { kind: 'counter', usageKb: 81920 },
    });
  });
});

describe('parseKernelLine of a line a writer marked up', () => {
  it('reads a figure in markdown emphasis (red team 20 K/05)', () => {
    const result = parseKernelLine(
      'Killed process 3917368 (VLLM::Worker_TP) total-vm:9737715264kB, **anon-rss:59118944kB (≈56.4 GiB)**',
    );
    expect(result).toEqual({
      kind: 'line',
      line: {
        kind: 'kill',
        message: null,
        pid: 3917368,
        name: 'VLLM::Worker_TP',
        fields: { 'total-vm': 9737715264, 'anon-rss': 59118944 },
      },
    });
  });
});

describe('parseKernelLine choosing the recognizers to try by the line', () => {
  // Real lines of the kinds a storm is made of, and the pieces each recognizer looks for.
  const REAL = [
    'python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
    'CPU: 1 PID: 2874 Comm: python3 Not tainted 6.18.0 #1',
    'python3 cpuset=/ mems_allowed=0',
    'memory+swap: usage 65536kB, limit 9007199254740988kB, failcnt 0',
    '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
    '[   2874]     0  2874    18790    17950   159744        0             0 python3',
    'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/k,task_memcg=/k/c,task=python3,pid=2874,uid=0',
    'Memory cgroup out of memory: Killed process 2874 (python3) total-vm:75160kB, anon-rss:65152kB, file-rss:6648kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0',
    'oom_reaper: reaped process 2874 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
    'Tasks in /k/c are going to be killed due to memory.oom.group set',
  ];
  const pieces = RECOGNIZERS.flatMap((r) => [r.marker, ...(r.starts ?? [])]);
  const text = fc
    .array(
      fc.oneof(
        fc.constantFrom(...REAL),
        fc.constantFrom(...pieces),
        fc.constantFrom(' ', '(', ') ', ']', '7', ' mems_allowed=', 'x'),
        fc.string({ maxLength: 6 }),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((parts) => parts.join(''));

  it('gives what trying every recognizer, its marker anywhere, gives', () => {
    fc.assert(
      fc.property(text, fc.boolean(), (t, truncated) => {
        expect(parseKernelLine(t, truncated)).toEqual(parseKernelLine(t, truncated, { prefilter: false }));
      }),
      { numRuns: 5000 },
    );
  });
});
