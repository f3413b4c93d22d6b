/**
 * The readers' fast path (shared/line-prefilter.ts) against the plain path: whatever the log, parseKernelLog
 * and `scan`'s scanner give the same events, drift and counts with `{ prefilter: true }` as with
 * `{ prefilter: false }`, and the cheap tests it rests on (skimLogRecord, mayBeOomText) agree with what they
 * stand for (readLogRecord, parseKernelLine). On every sample log, and on generated logs: real report lines
 * among noise and random lines, in every envelope, pasted wrapped, with colour codes and JSON escapes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateKernelLogText } from '../../bench/kernel-log-generator.ts';
import { KernelLogScanner } from '../../cli/scan/kernel-log-scanner.ts';
import type { ScanCounts, ScanOutput } from '../../cli/scan/kernel-log-scanner.ts';
import { mayBeOomText, parseKernelLine, RECOGNIZERS } from '../../shared/kernel-line.ts';
import { joinWrappedLines, parseKernelLog } from '../../shared/kernel-log.ts';
import { SET_ASIDE } from '../../shared/line-prefilter.ts';
import { readLogRecord, skimLogRecord } from '../../shared/log-record.ts';

const SAMPLE_DIRS = [
  'test/fixtures/kernel-logs',
  'test/fixtures/kernel-logs/corpus',
  'test/fixtures/real-kernel',
  'test/fixtures/cloudwatch-cli',
  'test/fixtures/tool-output',
  'examples',
];
const SAMPLES = SAMPLE_DIRS.flatMap((dir) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.log') || name.endsWith('.jsonl'))
    .sort()
    .map((name) => join(dir, name)),
);
const SAMPLE_TEXT = new Map(SAMPLES.map((file) => [file, readFileSync(file, 'utf8')]));
const SAMPLE_LINES = [...SAMPLE_TEXT.values()].flatMap((text) => text.split('\n'));
/** The messages of each sample log, envelopes off, in order: what the generators put back into envelopes. */
const SAMPLE_MESSAGES = [...SAMPLE_TEXT.values()].map((text) =>
  joinWrappedLines(text.split('\n')).map((r) => r.entry.text),
);
const REPORT_TEXTS = [...new Set(SAMPLE_MESSAGES.flat())];

function scan(
  text: string,
  prefilter: boolean,
  batchRecords: number,
  chunkBytes: number,
  widthSampleLines?: number,
) {
  const scanner = new KernelLogScanner(
    { node: null, source: { file: 'x.log' } },
    { batchRecords, prefilter, widthSampleLines },
  );
  const output: ScanOutput = { kills: [], drift: [] };
  const take = (o: ScanOutput): void => {
    output.kills.push(...o.kills);
    output.drift.push(...o.drift);
  };
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length; at += chunkBytes)
    take(scanner.push(bytes.subarray(at, at + chunkBytes)));
  take(scanner.end());
  return { output, counts: scanner.counts as ScanCounts };
}

/**
 * The prefilter changes nothing parseKernelLog or the scanner gives. The scanner also with its widest-line
 * sample cut short, so that it reads nearly every line of a small log in place (chunk-marks.ts,
 * shared/record-shape.ts), in reads of several sizes: a line, a character may be cut anywhere.
 */
function expectSameResults(text: string, batchRecords: readonly number[] = [8192]): void {
  const plain = parseKernelLog(text, { file: 'x.log' }, { prefilter: false });
  expect(parseKernelLog(text, { file: 'x.log' })).toEqual(plain);
  for (const batch of batchRecords) {
    expect(scan(text, true, batch, 4096)).toEqual(scan(text, false, batch, 4096));
    for (const [chunkBytes, sample] of IN_PLACE_READS) {
      expect(scan(text, true, batch, chunkBytes, sample)).toEqual(
        scan(text, false, batch, chunkBytes, sample),
      );
    }
  }
}

/** Read sizes and widest-line samples that put the scanner on its in-place path after a line or two. */
const IN_PLACE_READS: ReadonlyArray<readonly [number, number]> = [
  [97, 0],
  [4096, 1],
  [1 << 17, 0],
];

describe('the prefilter on every sample log', () => {
  it.each(SAMPLES)('parseKernelLog and the scanner give the same with and without it: %s', (file) => {
    const text = SAMPLE_TEXT.get(file) as string;
    expectSameResults(text, [1, 2, 5, 8192]);
  });

  it.each(SAMPLES)(
    'sets aside only records parseKernelLine calls not-oom, and reads the others alike: %s',
    (file) => {
      const lines = (SAMPLE_TEXT.get(file) as string).split('\n');
      const plain = joinWrappedLines(lines, { prefilter: false });
      const fast = joinWrappedLines(lines, { prefilter: true });
      expect(fast.map((r) => r.lineNo)).toEqual(plain.map((r) => r.lineNo));
      fast.forEach((record, i) => {
        const read = plain[i]?.entry;
        if (record.entry === SET_ASIDE) {
          expect(parseKernelLine(read?.text ?? '', read?.truncated, { prefilter: false })).toEqual({
            kind: 'not-oom',
          });
        } else {
          expect(record.entry).toEqual(read);
        }
      });
    },
  );

  it('sets aside the lines of a real log that are not OOM text, and reads the report', () => {
    const lines = (SAMPLE_TEXT.get('examples/kernel-6.18.dmesg.log') as string).split('\n');
    const records = joinWrappedLines(lines, { prefilter: true });
    const setAside = records.filter((r) => r.entry === SET_ASIDE).map((r) => lines[r.lineNo - 1]);
    const read = records.filter((r) => r.entry !== SET_ASIDE).map((r) => r.entry.text);

    expect(setAside).toContain('[    1.311127] tokio-rt-worker (70): drop_caches: 3');
    expect(setAside).toContain('[ 3467.507989]  <TASK>');
    expect(read).toContain(
      'Memory cgroup out of memory: Killed process 2874 (python3) total-vm:75160kB, anon-rss:65152kB, file-rss:6648kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0',
    );
    expect(read).toContain(
      '[   2874]     0  2874    18790    17950    16288     1662         0   188416        0             0 python3',
    );
    expect(read).toContain(' dump_header+0x43/0x1c0');
  });
});

describe('wrapped lines of a paste', () => {
  const texts = (lines: readonly string[]): string[] => joinWrappedLines(lines).map((r) => r.entry.text);

  it("join a web page's wrap after a path's `/` with nothing (corpus 05)", () => {
    expect(
      texts([
        '[193038.106468] Task in /docker/0f2b3fcdd2578165ea77266cdc7b1ad43e75877b0ac1889ecda30a78cb78bd53',
        'killed as a result of limit of /docker/',
        '0f2b3fcdd2578165ea77266cdc7b1ad43e75877b0ac1889ecda30a78cb78bd53',
        '[193038.106481] Memory cgroup stats for /docker/0f2b3fcdd2578165ea77266cdc7b1ad43e75877b0ac1889ecda30a78cb78bd53: cache:0KB rss:520580KB',
      ]),
    ).toEqual([
      'Task in /docker/0f2b3fcdd2578165ea77266cdc7b1ad43e75877b0ac1889ecda30a78cb78bd53 killed as a result of limit of /docker/0f2b3fcdd2578165ea77266cdc7b1ad43e75877b0ac1889ecda30a78cb78bd53',
      'Memory cgroup stats for /docker/0f2b3fcdd2578165ea77266cdc7b1ad43e75877b0ac1889ecda30a78cb78bd53: cache:0KB rss:520580KB',
    ]);
  });

  it("drop a print layout's wrap mark (corpus 27)", () => {
    expect(
      texts([
        'Oct 14 10:22:40 localhost kernel: Killed process 2702 (sh)',
        '\u21aatotal-vm:113124kB, anon-rss:200kB, file-rss:0kB',
        'Oct 14 10:22:41 localhost kernel: sh invoked oom-killer:',
      ]),
    ).toEqual([
      'Killed process 2702 (sh) total-vm:113124kB, anon-rss:200kB, file-rss:0kB',
      'sh invoked oom-killer:',
    ]);
  });

  it('join a mail wrap that kept its space at the end of the line without another (red team C/12)', () => {
    const lines = [
      'Apr  4 09:08:53 debian kernel: [   65.481992] Out of memory: Killed ',
      'process 1968 (memkiller) total-vm:2099436kB, anon-rss:1971712kB, ',
      'file-rss:1024kB, shmem-rss:0kB, UID:0 pgtables:3904kB oom_score_adj:0',
    ];
    expect(texts(lines)).toEqual([
      'Out of memory: Killed process 1968 (memkiller) total-vm:2099436kB, anon-rss:1971712kB, file-rss:1024kB, shmem-rss:0kB, UID:0 pgtables:3904kB oom_score_adj:0',
    ]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  // Prose around the report: most lines carry no envelope, yet a line that starts with a key of an unfinished
  // kill line or summary continues it.
  const PROSE = [
    'oom01 test case started with 100 iterations but runltp got killed after the',
    '6th iteration [3]. I think this is expected.',
    '',
    'test steps:',
    '          - cd /opt/ltp',
    '          - ./runltp -s oom01 -I 100 || true',
    '',
  ];

  it('join the rest of a kill line wrapped in prose, by its keys (red team C/15)', () => {
    const lines = [
      ...PROSE,
      '[  209.052842] Out of memory: Killed process 519 (runltp)',
      'total-vm:10244kB, anon-rss:904kB, file-rss:4kB, shmem-rss:0kB, UID:0',
      'pgtables:60kB oom_score_adj:0',
      '[  209.066782] oom_reaper: reaped process 519 (runltp), now',
      'anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
      '/lava-1558245/0/tests/0_prep-tmp-disk/run.sh: line 21:   519 Killed',
      '              ./runltp -s oom01 -I 100',
    ];
    expect(texts(lines).slice(5)).toEqual([
      'Out of memory: Killed process 519 (runltp) total-vm:10244kB, anon-rss:904kB, file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:60kB oom_score_adj:0',
      // Not a kill line: its rest is not joined.
      'oom_reaper: reaped process 519 (runltp), now',
      'anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
      '/lava-1558245/0/tests/0_prep-tmp-disk/run.sh: line 21:   519 Killed',
      './runltp -s oom01 -I 100',
    ]);
    expect(parseKernelLog(lines.join('\n')).events.map((e) => e.victim)).toEqual([
      {
        pid: 519,
        name: 'runltp',
        uid: 0,
        totalVmKb: 10244,
        anonRssKb: 904,
        fileRssKb: 4,
        shmemRssKb: 0,
        pgtablesKb: 60,
        oomScoreAdj: 0,
      },
    ]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join a summary wrapped at its commas with nothing, by its keys (red team B/01)', () => {
    const lines = [
      '```',
      '6,727,35945901675,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),',
      'cpuset=cri-containerd-f69706726f784bfb90a8a6378a41d684f1ed23508ef32ba586e477509f121867.scope,mems_allowed=0,',
      'oom_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod233b806c_04ce_433c_9e64_cf4c323e6c16.slice,',
      'task_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod233b806c_04ce_433c_9e64_cf4c323e6c16.slice/cri-containerd-f69706726f784bfb90a8a6378a41d684f1ed23508ef32ba586e477509f121867.scope,',
      'task=python,pid=988370,uid=0',
      '',
      '',
      '3,728,35945901683,-;Memory cgroup out of memory: Killed process 988370 (python) total-vm:9783776kB, anon-rss:95724kB, file-rss:3268kB, shmem-rss:0kB, UID:0 pgtables:240kB oom_score_adj:995',
      '',
      '```',
    ];
    expect(texts(lines)[1]).toBe(
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-f69706726f784bfb90a8a6378a41d684f1ed23508ef32ba586e477509f121867.scope,mems_allowed=0,oom_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod233b806c_04ce_433c_9e64_cf4c323e6c16.slice,task_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod233b806c_04ce_433c_9e64_cf4c323e6c16.slice/cri-containerd-f69706726f784bfb90a8a6378a41d684f1ed23508ef32ba586e477509f121867.scope,task=python,pid=988370,uid=0',
    );
    const [event] = parseKernelLog(lines.join('\n')).events;
    expect(event).toMatchObject({
      limitScope: 'pod',
      pod: { uid: '233b806c-04ce-433c-9e64-cf4c323e6c16', qos: 'burstable' },
      container: {
        id: 'f69706726f784bfb90a8a6378a41d684f1ed23508ef32ba586e477509f121867',
        runtime: 'containerd',
      },
      complete: true,
    });
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join the rest of a summary’s path an author wrapped after a `/`, indented or going on with the summary (red team 21 L/02)', () => {
    const lines = [
      '```',
      'systemd-oomd invoked oom-killer: gfp_mask=0x140cca(...), order=0, oom_score_adj=-900',
      'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=systemd-oomd.service,',
      '  mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice/',
      '  user@1000.service/app.slice/workstation-herdr-server.service,task=chrome,pid=3670881',
      'Out of memory: Killed process 3670881 (chrome) ... oom_score_adj:300',
      "workstation-herdr-server.service: Failed with result 'oom-kill'",
      '```',
    ];
    expect(texts(lines)[2]).toBe(
      'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=systemd-oomd.service,mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice/user@1000.service/app.slice/workstation-herdr-server.service,task=chrome,pid=3670881',
    );
    const [event] = parseKernelLog(lines.join('\n')).events;
    expect(event).toMatchObject({
      victim: { pid: 3670881, name: 'chrome', oomScoreAdj: 300 },
      cgroup: {
        oom: null,
        task: '/user.slice/user-1000.slice/user@1000.service/app.slice/workstation-herdr-server.service',
      },
      complete: true,
    });
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join a kubepods path wrapped after a `/`, so the pod and container stay (red team 21 L/02, its class)', () => {
    // Corpus 63's summary, wrapped by hand inside its task_memcg path.
    const lines = [
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-f69706726f784bfb90a8a6378a41d684f1ed23508ef32ba586e477509f121867.scope,mems_allowed=0,',
      '  oom_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod233b806c_04ce_433c_9e64_cf4c323e6c16.slice,',
      '  task_memcg=/kubepods.slice/kubepods-burstable.slice/',
      '    kubepods-burstable-pod233b806c_04ce_433c_9e64_cf4c323e6c16.slice/',
      '    cri-containerd-f69706726f784bfb90a8a6378a41d684f1ed23508ef32ba586e477509f121867.scope,task=python,pid=988370,uid=0',
      'Memory cgroup out of memory: Killed process 988370 (python) total-vm:9783776kB, anon-rss:95724kB, file-rss:3268kB, shmem-rss:0kB, UID:0 pgtables:240kB oom_score_adj:995',
    ];
    const [event] = parseKernelLog(lines.join('\n')).events;
    expect(event).toMatchObject({
      limitScope: 'pod',
      cgroup: {
        task: '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod233b806c_04ce_433c_9e64_cf4c323e6c16.slice/cri-containerd-f69706726f784bfb90a8a6378a41d684f1ed23508ef32ba586e477509f121867.scope',
      },
      pod: { uid: '233b806c-04ce-433c-9e64-cf4c323e6c16', qos: 'burstable' },
      container: {
        id: 'f69706726f784bfb90a8a6378a41d684f1ed23508ef32ba586e477509f121867',
        runtime: 'containerd',
      },
      complete: true,
    });
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join a `Task in` line’s paths wrapped after a `/` by hand (red team 21 L/02, its class; corpus 05’s line)', () => {
    const lines = [
      'Task in /docker/',
      '  0f2b3fcdd2578165ea77266cdc7b1ad43e75877b0ac1889ecda30a78cb78bd53 killed as a result of limit of /docker/',
      '  0f2b3fcdd2578165ea77266cdc7b1ad43e75877b0ac1889ecda30a78cb78bd53',
      'memory: usage 524288kB, limit 524288kB, failcnt 77',
    ];
    expect(texts(lines)).toEqual([
      'Task in /docker/0f2b3fcdd2578165ea77266cdc7b1ad43e75877b0ac1889ecda30a78cb78bd53 killed as a result of limit of /docker/0f2b3fcdd2578165ea77266cdc7b1ad43e75877b0ac1889ecda30a78cb78bd53',
      'memory: usage 524288kB, limit 524288kB, failcnt 77',
    ]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join no line after a path cut at a `/` that neither is indented nor goes on with the kernel’s line', () => {
    const lines = [
      'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice/',
      'thanks',
      'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice/',
      '  see the log below',
      'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice/',
      '  ...',
      'Task in /docker/',
      'abc',
    ];
    expect(texts(lines)).toEqual(lines.map((line) => line.trim()));
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join the quoted rest of a quoted kill line and summary, and no unquoted line (red team B/09, C/14)', () => {
    const lines = [
      '> oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=test,',
      '> mems_allowed=0,oom_memcg=/test,task_memcg=/test,task=dd,pid=4404,uid=0',
      '> Memory cgroup out of memory: Killed process 4404 (dd) total-vm:10512kB,',
      '> anon-rss:1152kB, file-rss:1824kB, shmem-rss:0kB, UID:0 pgtables:76kB',
      '> oom_score_adj:0',
      '>',
      '> Killed process 23767 (syz-executor2) total-vm:70472kB, anon-rss:104kB,',
      '> file-rss:32768kB, shmem-rss:0kB',
      'file-rss:32000kB, shmem-rss:0kB',
    ];
    expect(texts(lines)).toEqual([
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=test,mems_allowed=0,oom_memcg=/test,task_memcg=/test,task=dd,pid=4404,uid=0',
      'Memory cgroup out of memory: Killed process 4404 (dd) total-vm:10512kB, anon-rss:1152kB, file-rss:1824kB, shmem-rss:0kB, UID:0 pgtables:76kB oom_score_adj:0',
      'Killed process 23767 (syz-executor2) total-vm:70472kB, anon-rss:104kB, file-rss:32768kB, shmem-rss:0kB',
      'file-rss:32000kB, shmem-rss:0kB',
    ]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join no key line to a kill line that already has that key', () => {
    const lines = [
      'Some prose before the log.',
      'Out of memory: Killed process 519 (runltp) total-vm:10244kB, anon-rss:904kB, file-rss:4kB, shmem-rss:0kB',
      'anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
    ];
    expect(texts(lines)).toHaveLength(3);
  });

  it('end a record at a blank line and at an elision, and join no unquoted line to a quoted one (red team A/08, C/10)', () => {
    const lines = [
      '> [201169.028782] qemu-kata-syste invoked oom-killer: gfp_mask=0x101c4a(GFP_NOFS|__GFP_HIGHMEM|__GFP_HARDWALL|__GFP_MOVABLE|__GFP_WRITE),',
      '> order=0, oom_score_adj=-100',
      '[...]',
      '> [201169.028863] memory: usage 12218368kB, limit 12218368kB, failcnt 1728013',
      '',
      'it obviously is for the particular allocation from the core dumping',
      'code.',
      '',
      '> [201169.028864] memory+swap: usage 12218368kB, limit 9007199254740988kB, failcnt 0',
      'replier text right under the quote',
      '2024-01-07T17:54:00.759884+00:00 testbox kernel: [ 9433.667228][T10522] memeater-10522 invoked oom-killer: gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0',
      '...',
      '2024-01-07T17:54:00.760128+00:00 testbox kernel: [ 9434.163003][T10522] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=memeater-10522,pid=10522,uid=1000',
      '…',
      ': [  366.467946] Memory cgroup stats for /ile0: cache:12KB rss:0KB unevictable:0KB',
      '   :',
      ': [...]',
      'There are only 3 pages charged to this memcg!',
    ];
    expect(texts(lines)).toEqual([
      'qemu-kata-syste invoked oom-killer: gfp_mask=0x101c4a(GFP_NOFS|__GFP_HIGHMEM|__GFP_HARDWALL|__GFP_MOVABLE|__GFP_WRITE), order=0, oom_score_adj=-100',
      '[...]',
      'memory: usage 12218368kB, limit 12218368kB, failcnt 1728013',
      'it obviously is for the particular allocation from the core dumping',
      'code.',
      'memory+swap: usage 12218368kB, limit 9007199254740988kB, failcnt 0',
      'replier text right under the quote',
      'memeater-10522 invoked oom-killer: gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0',
      '...',
      'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=memeater-10522,pid=10522,uid=1000',
      '…',
      'Memory cgroup stats for /ile0: cache:12KB rss:0KB unevictable:0KB',
      ':',
      ': [...]',
      'There are only 3 pages charged to this memcg!',
    ]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('end a record at a markdown code fence (red team E/12, a GitHub issue)', () => {
    const lines = readFileSync(
      'test/fixtures/kernel-logs/corpus/70-wordpress-journalctl-grep-markdown-fences-two-global.log',
      'utf8',
    )
      .trimEnd()
      .split('\n');
    expect(texts(lines).filter((text) => text.includes('Killed process'))).toEqual([
      'Out of memory: Killed process 70787 (php) total-vm:3621976kB, anon-rss:3235148kB, file-rss:5760kB, shmem-rss:69120kB, UID:1000 pgtables:6960kB oom_score_adj:0',
      'Out of memory: Killed process 71246 (php) total-vm:3236952kB, anon-rss:2517056kB, file-rss:5632kB, shmem-rss:69120kB, UID:1000 pgtables:6188kB oom_score_adj:0',
    ]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join the rest of a kill line wrapped after its pid by hand, whatever the prose before (tenth red team T/09, linux-mm)', () => {
    const lines = [
      'An example which illustates both misconfiguration and validation that',
      'the oom_score_adj was applied as expected is:',
      '',
      'Aug 14 23:00:02 testserver kernel: Out of memory: Killed process 2692',
      ' (systemd-udevd) total-vm:1056800kB, anon-rss:1052760kB, file-rss:4kB,',
      ' shmem-rss:0kB oom_score_adj:1000',
    ];
    expect(texts(lines).find((text) => text.includes('Killed process'))).toBe(
      'Out of memory: Killed process 2692 (systemd-udevd) total-vm:1056800kB, anon-rss:1052760kB, file-rss:4kB, shmem-rss:0kB oom_score_adj:1000',
    );
    // Not onto a kill line that has its comm, nor onto another line that ends with a number.
    expect(texts(['x', '', 'Out of memory: Killed process 2692 (a)', ' (b) c']).slice(1)).toEqual([
      'Out of memory: Killed process 2692 (a)',
      '(b) c',
    ]);
    expect(texts(['x', '', 'Jan 1 00:00:00 h kernel: pages RAM 2692', ' (b) c']).slice(1)).toEqual([
      'pages RAM 2692',
      '(b) c',
    ]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('read a choice of victim that a flowed mail left two spaces in at a wrap (ninth red team R/05, LKML 2007)', () => {
    const lines = [
      'Sep 13 15:31:25 escabot 92 pages pagetables',
      'Sep 13 15:31:25 escabot Out of memory: kill process 5857 (bacula-dir)  ',
      'score 379 or a child',
      'Sep 13 15:31:25 escabot Out of memory: kill process 6032 (sshd) score  ',
      '223 or a child',
      'Sep 13 15:31:25 escabot Killed process 6180 (sshd)',
    ];
    expect(texts(lines).slice(1, 3)).toEqual([
      'Out of memory: kill process 5857 (bacula-dir)  score 379 or a child',
      'Out of memory: kill process 6032 (sshd) score  223 or a child',
    ]);
    // The first choice, its kill line cut here, is a kill of its own; the second's victim is its child.
    expect(parseKernelLog(lines.join('\n')).events.map((e) => [e.victim.pid, e.constraint])).toEqual([
      [5857, 'system'],
      [6180, 'system'],
    ]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join the rest of a line that holds a glued syslog record, whatever most lines are (ninth red team R/06)', () => {
    // The mail's own lines and a reflow of every record: most lines have no envelope at their start.
    const lines = [
      '> [root@t6360003 ~]# uptime',
      '>  09:33:41 up 27 days, 22:55,  1 user,  load average: 0.00, 0.00, 0.00',
      '>',
      '> Mar 16 21:40:40 t6360003 kernel: basename invoked oom-killer:',
      '> gfp_mask=0xd0, order=2, oomkilladj=0 Mar 16 21:40:40 t6360003 kernel: CPU:',
      '> Mar 16 21:40:40 t6360003 kernel: Out of memory: kill process 30502 (cc1)',
      '> score 3672 or a child Mar 16 21:40:40 t6360003 kernel: Killed process 30502',
      '> (cc1)',
    ];
    expect(texts(lines).slice(2, 4)).toEqual([
      'basename invoked oom-killer: gfp_mask=0xd0, order=2, oomkilladj=0 Mar 16 21:40:40 t6360003 kernel: CPU:',
      // The comm after the pid is the kill line's rest.
      'Out of memory: kill process 30502 (cc1) score 3672 or a child Mar 16 21:40:40 t6360003 kernel: Killed process 30502 (cc1)',
    ]);
    const [kill] = parseKernelLog(lines.join('\n')).events;
    expect(kill?.victim).toMatchObject({ pid: 30502, name: 'cc1' });
    expect(kill?.trigger?.name).toBe('basename');
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join a line that holds a glued syslog record with a space, not as a terminal wrap (a review)', () => {
    const ID = '9c36374e8d75e9428a6006bb7a5dc4cb698e0f87cf7d4a1794d411d381ab1cc0';
    const lines = [
      'We saw this on the node:',
      '',
      `Mar 16 21:40:40 node1 kernel: oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=docker-${ID}.scope,mems_allowed=0,oom_memcg=/system.slice/docker-${ID}.scope,task_memcg=/system.slice/docker-${ID}.scope,task=java,pid=1111,uid=1000`,
      '5 seconds later: Mar 16 21:40:40 node1 kernel: Memory cgroup out of memory: Killed process 1111 (java) total-vm:100kB, anon-rss:50kB, file-rss:0kB, shmem-rss:0kB',
      'Any idea why this happens? It is weird.',
    ];
    const [kill] = parseKernelLog(lines.join('\n')).events;
    expect(kill?.victim).toMatchObject({ pid: 1111, name: 'java', uid: 1000 });
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('read a kernel syslog record glued onto another writer’s line (a review)', () => {
    const lines = [
      'Mar 16 21:40:38 node1 kernel: [ 99.000000] java invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      'Mar 16 21:40:39 node1 systemd[1]: Started Session 5 of user root. Mar 16 21:40:40 node1 kernel: [ 100.000000] Out of memory: Killed process 1111 (java) total-vm:100kB, anon-rss:50kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0',
      'Mar 16 21:40:41 node1 systemd[1]: Started Session 6 of user root. Killed process 2 (x) total-vm:1kB',
    ];
    const { events } = parseKernelLog(lines.join('\n'));
    expect(events.map((e) => [e.victim.pid, e.trigger?.name, e.node])).toEqual([[1111, 'java', 'node1']]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join a program’s adjacent literals in a CRLF file as in an LF one (a review: corpus 128, 129)', () => {
    for (const file of [
      'test/fixtures/kernel-logs/corpus/128-py-implicit-concat-dmesg-T-docker-scope-memcg-then-global.log',
      'test/fixtures/kernel-logs/corpus/129-paasta-pytest-unixtime-host-prefix-split-literals-containerd-summaries.log',
    ]) {
      const lf = readFileSync(file, 'utf8');
      const crlf = lf.replaceAll('\n', '\r\n');
      const pids = (text: string) => parseKernelLog(text).events.map((e) => [e.victim.pid, e.container?.id]);
      expect(pids(crlf)).toEqual(pids(lf));
      expect(pids(lf)).toHaveLength(2);
      expectSameResults(crlf, [1, 8192]);
    }
  });

  it('join the rest of a header a mail wrapped after a comma, by its key (twelfth red team Y/01, linux-nfs)', () => {
    const lines = [
      'it was killed, and then:',
      '',
      '[29925.425864] nfsd invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), ',
      'order=0, oom_score_adj=0',
    ];
    expect(texts(lines).at(-1)).toBe(
      'nfsd invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
    );
    // 2.6's spelling, and one an author cut before its comma.
    expect(
      texts(['x', '', '[ 1.0] init invoked oom-killer: gfp_mask=0xd0,', 'order=0, oomkilladj=0']).at(-1),
    ).toBe('init invoked oom-killer: gfp_mask=0xd0, order=0, oomkilladj=0');
    expect(
      texts(['x', '', '[ 1.0] a invoked oom-killer: gfp_mask=0xd0', 'order=0, oom_score_adj=0']).at(-1),
    ).toBe('a invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0');
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join the rest of a header an author broke after its colon, by its first key (sixteenth red team A/06)', () => {
    const lines = [
      '```',
      '[26548.860641] fault_reclaim_s invoked oom-killer:',
      '    gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0',
    ];
    expect(texts(lines).at(-1)).toBe(
      'fault_reclaim_s invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0',
    );
    // Only where the first key goes: a header that has it, or goes on after its colon, takes no second one.
    expect(texts(['x', '', '[ 1.0] a invoked oom-killer: gfp_mask=0xd0,', 'gfp_mask=0x1']).at(-1)).toBe(
      'gfp_mask=0x1',
    );
    expect(texts(['x', '', '[ 1.0] a invoked oom-killer: order=0', 'gfp_mask=0x1']).at(-1)).toBe(
      'gfp_mask=0x1',
    );
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join the rest of a 2.6.32–2.6.35 kill line a mail wrapped before its `vsz:` (sixteenth red team B/02)', () => {
    // linux-mm, 2010: a POWER6 box's report, quoted and reflowed by a mail client.
    const lines = [
      '> Memory cgroup out of memory: kill process 9139 (memcg_test_1) score 3 or a',
      '>  child Killed process 9139 (memcg_test_1) vsz:3456kB, anon-rss:448kB,',
      '>  file-rss:1088kB Memory cgroup out of memory: kill process 9140',
      '>  (memcg_test_1) score 3 or a child Killed process 9140 (memcg_test_1)',
      '>  vsz:3456kB, anon-rss:448kB, file-rss:1088kB Unable to handle kernel paging',
    ];
    const victims = parseKernelLog(lines.join('\n')).events.map((e) => e.victim);
    expect(victims.map((v) => [v.pid, v.totalVmKb, v.anonRssKb, v.fileRssKb])).toEqual([
      [9139, 3456, 448, 1088],
      [9140, 3456, 448, 1088],
    ]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join the rest of a kill line or header quoted one level less deep, by its first key (49th red team B/01, corpus 286)', () => {
    // linux-mm, 2010: a reply wrapped the quoted line with its rest unquoted, and the next reply quoted both again.
    const lines = [
      '> > Out of memory: kill process 1810 (bash) score 2 or a child',
      '> > Killed process 1810 (bash) vsz:108384kB, anon-rss:0kB,',
      '> file-rss:656kB',
      '> > console-kit-dae invoked oom-killer: gfp_mask=0xd0, order=0,',
      '> oom_adj=0',
    ];
    expect(texts(lines)).toEqual([
      'Out of memory: kill process 1810 (bash) score 2 or a child',
      'Killed process 1810 (bash) vsz:108384kB, anon-rss:0kB, file-rss:656kB',
      'console-kit-dae invoked oom-killer: gfp_mask=0xd0, order=0, oom_adj=0',
    ]);
    expect(parseKernelLog(lines.join('\n')).events[0]?.victim.fileRssKb).toBe(656);
    expectSameResults(lines.join('\n'), [1, 8192]);
    // Only one level less, only by a key, and never deeper: a reply's own text stays its own.
    const killAbove = '> > Killed process 1810 (bash) vsz:108384kB, anon-rss:0kB,';
    expect(texts([killAbove, 'file-rss:656kB']).at(-1)).toBe('file-rss:656kB');
    expect(texts([killAbove, '> > > file-rss:656kB']).at(-1)).toBe('file-rss:656kB');
    expect(texts([killAbove, '> and the rest of the reply']).at(-1)).toBe('and the rest of the reply');
  });

  it('keep a comm’s two spaces that a terminal wrap split (a review)', () => {
    const lines = [
      '[ 5120.104313] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),c',
      'puset=x,mems_allowed=0,oom_memcg=/kubepods/burstable/pod11111111-2222',
      '-3333-4444-555555555555,task_memcg=/kubepods/burstable/pod11111111-22',
      '22-3333-4444-555555555555/abc,task=my  app,pid=8812,uid=0',
      '[ 5120.104330] Memory cgroup out of memory: Killed process 8812 (my  ',
      'app) total-vm:280004kB, anon-rss:259368kB, file-rss:196kB, shmem-rss:',
      '0kB, UID:0 pgtables:568kB oom_score_adj:984',
    ];
    expect(parseKernelLog(lines.join('\n')).events[0]?.victim.name).toBe('my  app');
  });

  it('join no more lines onto a record than a kernel record and its wrapping can hold (a review: quadratic time)', () => {
    const lines = [
      ...Array.from({ length: 4 }, (_, i) => `Mar 16 21:40:4${i} node1 kernel: line ${i}`),
      ...Array.from({ length: 2000 }, () => 'b'.repeat(70)),
    ];
    const records = texts(lines);
    expect(Math.max(...records.map((text) => text.length))).toBeLessThan(8192 + 71);
    expect(records.length).toBeGreaterThan(4 + 2000 / 120);
    expectSameResults(lines.join('\n'), [8192]);
  });

  it('read apart the syslog records a mail client glued and wrapped again (ninth red team R/06, linux-mm)', () => {
    const lines = [
      '> Mar 16 21:40:40 t6360003 kernel: 878998 pages non-shared',
      '> Mar 16 21:40:40 t6360003 kernel: Out of memory: kill process 30502 (cc1)',
      '> score 3672 or a child Mar 16 21:40:40 t6360003 kernel: Killed process 30502',
      '> (cc1)',
      '> Mar 17 01:33:12 t6360003 kernel: Out of memory: kill process 27449',
      '> (rpmbuild) score 3460 or a child Mar 17 01:33:12 t6360003 kernel: Killed',
      '> process 27519 (sh)',
    ];
    const { events } = parseKernelLog(lines.join('\n'));
    expect(events.map((e) => [e.victim.pid, e.victim.name, e.constraint, e.node])).toEqual([
      [30502, 'cc1', 'system', 't6360003'],
      [27519, 'sh', 'system', 't6360003'],
    ]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('end a record at a fence of more than three backticks or tildes (ninth red team S/04, aws-efs-csi-driver#1218)', () => {
    const kill =
      '[18149.131532] Memory cgroup out of memory: Killed process 142327 (python3) total-vm:8kB, anon-rss:8kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:12kB oom_score_adj:-997';
    const header =
      '[18272.017624] python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=-997';
    for (const fence of ['`````', '````text', '~~~~']) {
      const lines = [fence, kill, header, fence];
      expect(texts(lines).slice(1, 3)).toEqual([kill.slice(15), header.slice(15)]);
      expectSameResults(lines.join('\n'), [1, 8192]);
    }
  });

  it('join the rest of a size that a wrap split inside its number, with nothing (red team G/03, pingcap/tidb#53529)', () => {
    const lines = [
      'occurs oom',
      '```',
      '[Thu May 23 18:40:42 2024] Memory cgroup out of memory: Killed process 76630 (br) total-vm:22239',
      '788kB, anon-rss:13884820kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:28052kB oom_score_adj:-997',
      '```',
    ];
    expect(texts(lines)[2]).toBe(
      'Memory cgroup out of memory: Killed process 76630 (br) total-vm:22239788kB, anon-rss:13884820kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:28052kB oom_score_adj:-997',
    );
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join the rest of a kill line or summary a terminal cut at its width, in a fenced paste after a sentence (red team 26 A/10, nomad#24335)', () => {
    const summary =
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=fd92d65e92f9edc800266ece977e4316a31716bf6f008ba834b4a930b19b20e3,mems_allowed=0,oom_memcg=/docker/fd92d65e92f9edc800266ece977e4316a31716bf6f008ba834b4a930b19b20e3,task_memcg=/docker/fd92d65e92f9edc800266ece977e4316a31716bf6f008ba834b4a930b19b20e3,task=php-fpm,pid=79699,uid=1000';
    const kill =
      'Memory cgroup out of memory: Killed process 79699 (php-fpm) total-vm:568056kB, anon-rss:107940kB, file-rss:11516kB, shmem-rss:6280kB, UID:1000 pgtables:524kB oom_score_adj:0';
    // Both records wrapped at 210 columns, the widest lines; the sentence and the fence are most of the lines
    // without an envelope.
    const lines = [
      'Here you could see some of logs what we discovered (we are 100% sure that container served by nomad): ',
      '```',
      `Oct 30 10:13:57 main kernel: [ 7096.161113] ${summary}`.slice(0, 210),
      `Oct 30 10:13:57 main kernel: [ 7096.161113] ${summary}`.slice(210),
      `Oct 30 10:13:57 main kernel: [ 7096.161121] ${kill}`.slice(0, 210),
      `Oct 30 10:13:57 main kernel: [ 7096.161121] ${kill}`.slice(210),
      '```',
    ];
    expect(lines[2]).toHaveLength(210);
    expect(lines[4]).toHaveLength(210);
    expect(texts(lines).slice(2, 4)).toEqual([summary, kill]);
    expectSameResults(lines.join('\n'), [1, 8192]);

    // At every width a terminal may have: the cut falls inside a key, a value, a number, after a comma or before a
    // space; at narrow widths `Killed process` starts on the second screen line, and a record wraps more than once.
    const wrapped = (line: string, width: number): string[] =>
      Array.from({ length: Math.ceil(line.length / width) }, (_, i) =>
        line.slice(i * width, (i + 1) * width),
      );
    // The last numbers have several digits, so that a wrap falls inside them too (a review: `-99` + `7`).
    const guaranteedKill = kill.replace('oom_score_adj:0', 'oom_score_adj:-997');
    const records = [
      `Oct 30 10:13:57 main kernel: [ 7096.161113] ${summary}`,
      `Oct 30 10:13:57 main kernel: [ 7096.161121] ${guaranteedKill}`,
    ];
    const header =
      'php-fpm invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=-997';
    const withHeader = [`Oct 30 10:13:57 main kernel: [ 7096.161100] ${header}`, ...records];
    const widest = Math.max(...withHeader.map((record) => record.length));
    const missed: number[] = [];
    for (let width = 60; width < widest; width++) {
      const paste = [
        'Here you could see some of logs:',
        '```',
        ...withHeader.flatMap((r) => wrapped(r, width)),
        '```',
      ];
      const read = texts(paste);
      if (!(read.includes(header) && read.includes(summary) && read.includes(guaranteedKill)))
        missed.push(width);
    }
    expect(missed).toEqual([]);
    for (const width of [61, 80, 94, 158, 211]) {
      const paste = [
        'Here you could see some of logs:',
        '```',
        ...withHeader.flatMap((r) => wrapped(r, width)),
        '```',
      ];
      expectSameResults(paste.join('\n'), [1, 8192]);
    }
  });

  it('join the rest of a kill line an author wrapped before its pid (twenty-eighth red team B/04)', () => {
    const lines = [
      '```',
      '[Tue Jul 22 14:18:47 2025] Memory cgroup out of memory: Killed process',
      '  2891034 (otel-collector) total-vm:1247892kB, anon-rss:412348kB,',
      '  oom_score_adj:961',
      '```',
    ];
    expect(texts(lines)[1]).toBe(
      'Memory cgroup out of memory: Killed process 2891034 (otel-collector) total-vm:1247892kB, anon-rss:412348kB, oom_score_adj:961',
    );
    // Not onto a kill line that has its pid: prose that starts with a number stays apart.
    const whole = '[Tue Jul 22 14:18:47 2025] Memory cgroup out of memory: Killed process 7 (a) total-vm:1kB';
    expect(texts(['What we saw:', '```', whole, '2 (two) more were killed later'])).toHaveLength(4);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join no prose that starts with `global_oom` to a summary that names its limit (a review)', () => {
    const cut =
      'Sep 13 20:05:55 ip-10-0-1-23 kernel: oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/kubepods/burstable/pod8f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f,task_memcg=/kubepods/burstable/pod8f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f/4b2a1f0e3c5d7e9f8a6b4c2d0e';
    const prose =
      'global_oom, not oom_memcg, would be printed there if the node itself had run out of memory.';
    expect(texts(['$ journalctl -k -g oom-kill', cut, prose]).at(-1)).toBe(prose);
    // A global summary wrapped before its `global_oom` takes it, by its key (corpus 246).
    const global = 'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,';
    expect(
      texts([`Sep 13 20:05:55 h kernel: ${global}`, 'global_oom,task_memcg=/,task=a,pid=1,uid=0']),
    ).toEqual([`${global}global_oom,task_memcg=/,task=a,pid=1,uid=0`]);
    expectSameResults(['$ journalctl -k -g oom-kill', cut, prose].join('\n'), [1, 8192]);
  });

  it('join a cut kill line’s rest in `scan` as in parseKernelLog past the widest-line sample (a review: width so far)', () => {
    // 4,100 short lines first: `scan` then judges a line the widest by the lines seen so far, and the cut kill line
    // is, until a wider line comes after it.
    const filler = Array.from({ length: 4100 }, (_, i) => `#${i} building layer ${i}`);
    const cut =
      'Dec 02 10:01:58 ip-192-168-12-34.eu-west-1.compute.internal kernel: Memory cgroup out of memory: Killed process 28123 (promet';
    const text = [
      ...filler,
      cut,
      'Is there any way to see which container hit the limit?',
      'x'.repeat(200),
    ].join('\n');
    const plain = parseKernelLog(text, { file: 'x.log' });
    expect(plain.events.map((e) => e.victim.pid)).toEqual([28123]);
    for (const chunkBytes of [4096, 1 << 20])
      expect(scan(text, true, 8192, chunkBytes).output.kills.map((k) => k.victim.pid)).toEqual([28123]);
  });

  it('join no line to a kill line or summary as wide as the widest unless the kernel’s line was cut there', () => {
    const kill =
      '[ 7096.161121] Out of memory: Killed process 79699 (php-fpm) total-vm:568056kB, anon-rss:107940kB, file-rss:11516kB, shmem-rss:6280kB, UID:1000 pgtables:524kB oom_score_adj:0';
    const cut = kill.slice(0, kill.indexOf('oom_score_adj') + 'oom_scor'.length);
    const prose = ['Why was it killed?', '```', 'Any idea?'];
    const readOf = (lines: readonly string[]): string[] => texts(lines).filter((t) => t.includes('Killed'));
    // Whole: the line after it is prose, not its rest.
    expect(readOf([prose[0] as string, kill, 'e_adj:0 is what it says'])).toEqual([kill.slice(15)]);
    // Cut, but not the widest line: no terminal wrapped it there.
    expect(readOf([prose[0] as string, cut, 'e_adj:0', `${kill} x`])).toEqual([
      cut.slice(15),
      `${kill.slice(15)} x`,
    ]);
    // Cut where no key or value is (after a comma's space; a key's rest joins by its key), an elision after it,
    // or the rest indented otherwise.
    const afterComma = kill.slice(0, kill.indexOf('anon-rss'));
    expect(readOf([prose[0] as string, afterComma, 'and then it was gone'])).toEqual([afterComma.slice(15)]);
    expect(readOf([prose[0] as string, cut, '...'])).toEqual([cut.slice(15)]);
    expect(readOf([prose[0] as string, `    ${cut}`, 'e_adj:0'])).toEqual([cut.slice(15)]);
    // A kernel line without an envelope: text a writer quoted, whose next line is the writer's.
    const bare = cut.slice(15);
    expect(readOf([prose[0] as string, bare, 'e_adj:0'])).toEqual([bare]);
    for (const lines of [
      [prose[0] as string, kill, 'e_adj:0 is what it says'],
      [prose[0] as string, cut, '...'],
      [prose[0] as string, `    ${cut}`, 'e_adj:0'],
    ])
      expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join no prose that starts with a size to a whole kill line, which ends in its oom_score_adj (a review)', () => {
    const kill =
      'Out of memory: Killed process 1234 (java) total-vm:100kB, anon-rss:10kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:12kB oom_score_adj:0';
    expect(texts([kill, '512000kB was its limit, so it died.'])).toEqual([
      kill,
      '512000kB was its limit, so it died.',
    ]);
  });

  it('end a record at an elision that says what was left out: `(...snipped...)`, `[snip]`, `<cut>` (corpus 80)', () => {
    const header =
      '[   79.277733] a.out invoked oom-killer: gfp_mask=0x6200ca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0';
    const lines = [
      header,
      '(...snipped...)',
      '[   79.386222] memory: usage 204708kB, limit 204800kB, failcnt 2837',
      '[ snip ]',
      '[   79.386223] memory+swap: usage 204708kB, limit 9007199254740988kB, failcnt 0',
      '<cut>',
      '[   79.412519] Killed process 8205 (a.out) total-vm:4348kB, anon-rss:92kB, file-rss:0kB, shmem-rss:0kB',
      '-- 40 lines omitted --',
    ];
    expect(texts(lines)).toEqual([
      'a.out invoked oom-killer: gfp_mask=0x6200ca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0',
      '(...snipped...)',
      'memory: usage 204708kB, limit 204800kB, failcnt 2837',
      '[ snip ]',
      'memory+swap: usage 204708kB, limit 9007199254740988kB, failcnt 0',
      '<cut>',
      'Killed process 8205 (a.out) total-vm:4348kB, anon-rss:92kB, file-rss:0kB, shmem-rss:0kB',
      '-- 40 lines omitted --',
    ]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join no other writer’s logread line to a kill line (sixth red team L/08, coolsnowwolf/lede#7056)', () => {
    const lines = [
      'Thu Jun 17 23:28:05 2021 kern.err kernel: [   58.430534] Out of memory: Killed process 3370 (smbd) total-vm:2888kB, anon-rss:152kB, file-rss:0kB, shmem-rss:144kB, UID:0 pgtables:44kB oom_score_adj:0',
      'Thu Jun 17 23:28:11 2021 daemon.info dnsmasq[10310]: Connected to system UBus',
    ];
    expect(texts(lines)).toEqual([
      'Out of memory: Killed process 3370 (smbd) total-vm:2888kB, anon-rss:152kB, file-rss:0kB, shmem-rss:144kB, UID:0 pgtables:44kB oom_score_adj:0',
      'Connected to system UBus',
    ]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join the rest of a summary an author cut before its comma with one (sixth red team M/03)', () => {
    const lines = [
      '2026-03-22T15:00:03 mini-might kernel: oom-kill:constraint=CONSTRAINT_MEMCG',
      'task=java,pid=90057,uid=0',
    ];
    expect(texts(lines)).toEqual(['oom-kill:constraint=CONSTRAINT_MEMCG,task=java,pid=90057,uid=0']);
    expectSameResults(lines.join('\n'), [1, 8192]);
    // Spaces a paste kept at the end of the line above are no part of a value (a review).
    for (const end of [', ', ' ', ',\t']) {
      const kept = [
        `2026-03-22T15:00:03 mini-might kernel: oom-kill:constraint=CONSTRAINT_MEMCG${end}`,
        lines[1] as string,
      ];
      expect(texts(kept)).toEqual(['oom-kill:constraint=CONSTRAINT_MEMCG,task=java,pid=90057,uid=0']);
    }
  });

  it('join the lines a trailing backslash continues (seventh red team N/08, a docstring’s copy of a syslog line)', () => {
    const lines = [
      '    Sep  3 10:00:05 some-kube-node1 kernel: [34268134.409242] \\',
      '    oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=2cc85334e5030168b240f87215d26ecb97dd99c09237bd0a03d8957dafb33187,\\',
      '    mems_allowed=0,oom_memcg=/kubepods/burstable/pod62015ce8-a46f-4b0e-a5a1-3082235c62dd,\\',
      '    task=framework,pid=3319125,uid=5000',
    ];
    expect(texts(lines)).toEqual([
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=2cc85334e5030168b240f87215d26ecb97dd99c09237bd0a03d8957dafb33187,mems_allowed=0,oom_memcg=/kubepods/burstable/pod62015ce8-a46f-4b0e-a5a1-3082235c62dd,task=framework,pid=3319125,uid=5000',
    ]);
    expectSameResults(lines.join('\n'), [1, 8192]);
    // A task row ends in its comm, which may end in a backslash: the next row is its own.
    const rows = [
      '[   1234]  1000  1234    73357    14530   180224        0           900 x\\',
      '[   1235]  1000  1235    73357    14530   180224        0           900 y',
    ];
    expect(texts(rows)).toHaveLength(2);
  });

  it('join no line to one whose backslash comes right after a `\\n` escape (twenty-second red team R/05, a Rust test)', () => {
    // A shell script in a Rust string: each source line ends the script's line (`\n`), then continues the literal.
    const lines = [
      '        "[ -n \\"$FAKE_EMPTY\\" ] && exit 0\\n\\',
      "         echo 'Out of memory: Killed process 4121 (php-fpm8.3) total-vm:812344kB'\\n\\",
      "         echo 'oom-kill:constraint=CONSTRAINT_MEMCG,task=node,pid=5230'\\n\\",
      "         echo 'Memory cgroup out of memory: Killed process 5230 (node) total-vm:1204112kB'\\n\\",
      "         echo 'Memory cgroup out of memory: Killed process 5231 (node) total-vm:1204112kB'\\n\",",
    ];
    expect(joinWrappedLines(lines).map((r) => r.lineNo)).toEqual([1, 2, 3, 4, 5]);
    const { events, drift } = parseKernelLog(lines.join('\n'));
    expect(events.map((e) => [e.victim.pid, e.constraint, e.cgroup.task])).toEqual([
      [4121, 'system', null],
      [5230, 'memcg', null],
      [5231, 'memcg', null],
    ]);
    // The summary is the drift's, not joined into a kill: its `echo '` is read as its text's start; the literal's
    // record end (`\n\`) is no text (red team 25 X/01).
    expect(drift.map((d) => d.text)).toEqual([(lines[2] as string).trim().slice(0, -3)]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join no line to one that ends in a `\\n` escape and its literal’s close (sixty-fifth red team A/14, a Rust test)', () => {
    // kmsg records in a Rust test's literals, each closed after its record end; the program's lines after them.
    const lines = [
      '        "6,2,3,-;eth0: link up\\n",',
      '        " SUBSYSTEM=memory\\n",',
      '        "",',
      '    ] {',
      '        assert_eq!(parse_kmsg_record(record), None, "{record:?}");',
      '    }',
      "    // A kill line only in a continuation line doesn't count either.",
      '    assert_eq!(',
      '        parse_kmsg_record("6,1,2,-;hello\\n Killed process 1 (a)\\n"),',
      '        None',
      '    );',
      '}',
    ];
    // Each line a record of its own (the third, an empty literal, none).
    expect(joinWrappedLines(lines).map((r) => r.lineNo)).toEqual([1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const [kill] = parseKernelLog(lines.join('\n')).events;
    expect(kill).toMatchObject({ victim: { pid: 1, name: 'a' }, lines: ['hello\\n Killed process 1 (a)'] });
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('take a literal’s record end off a record joined from ` \\`-continued lines (red team 25 X/01, an OCaml test string)', () => {
    const host = '     Apr  2 18:05:06 ucuducdc-dev-public-010168000078 kernel: ';
    const lines = [
      `${host}filebeat \\`,
      '     invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0\\n\\',
      `${host}memory: usage \\`,
      '     131072kB, limit 131072kB, failcnt 704\\n\\',
      `${host}memory+swap: \\`,
      '     usage 131072kB, limit 262144kB, failcnt 0\\n\\',
      `${host}[ pid ]   uid  \\`,
      '     tgid total_vm      rss nr_ptes swapents oom_score_adj name\\n\\',
      `${host}[16169]     0 \\`,
      '     16169   133307    35056     107        0             0 filebeat\\n\\',
      `${host}Call Trace:\\n\\`,
      `${host}Memory cgroup \\`,
      '     out of memory: Kill process 16283 (filebeat) score 1073 or sacrifice \\',
      '     child\\n\\',
    ];
    expect(texts(lines)).toEqual([
      'filebeat invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0',
      'memory: usage 131072kB, limit 131072kB, failcnt 704',
      'memory+swap: usage 131072kB, limit 262144kB, failcnt 0',
      '[ pid ]   uid tgid total_vm      rss nr_ptes swapents oom_score_adj name',
      '[16169]     0 16169   133307    35056     107        0             0 filebeat',
      'Call Trace:',
      'Memory cgroup out of memory: Kill process 16283 (filebeat) score 1073 or sacrifice child',
    ]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join the rest of a path an author wrapped after a `/` behind a comment’s `# ` (red team 25 X/06, a markdown guide)', () => {
    const lines = [
      '# [1234567.890123] oom-kill:constraint=CONSTRAINT_MEMCG,',
      '#   nodemask=(null),cpuset=default,',
      '#   mems_allowed=0,global_oom,task_memcg=/kubepods/',
      '#   burstable/pod8f3c2a1b-4d7e-11ed-8a2f-0a580a812c2f/',
      '#   e3a7f2c091b4d5e6,task=java,pid=12345,',
      '#   uid=1000,tgid=12345,total_vm=524288,rss=131072,',
    ];
    const summary =
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=default,mems_allowed=0,global_oom,task_memcg=/kubepods/burstable/pod8f3c2a1b-4d7e-11ed-8a2f-0a580a812c2f/e3a7f2c091b4d5e6,task=java,pid=12345,uid=1000,tgid=12345,total_vm=524288,rss=131072,';
    expect(texts(lines)).toEqual([summary]);
    expect(texts(lines.map((line) => line.replace('#', '//')))).toEqual([summary]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('join no line that holds a kill to a record that holds one: a kill is never swallowed (twenty-second red team R/05)', () => {
    const lines = [
      '    Out of memory: Killed process 4121 (php-fpm8.3) total-vm:812344kB \\',
      '    Memory cgroup out of memory: Killed process 5230 (node) total-vm:1204112kB',
    ];
    expect(parseKernelLog(lines.join('\n')).events.map((e) => e.victim.pid)).toEqual([4121, 5230]);
    expectSameResults(lines.join('\n'), [1, 8192]);
    // Nor a program's next literal piece.
    const pieces = [
      '    "Out of memory: Killed process 4121 (php-fpm8.3) total-vm:812344kB "',
      '    "Memory cgroup out of memory: Killed process 5230 (node) total-vm:1204112kB",',
    ];
    expect(parseKernelLog(pieces.join('\n')).events.map((e) => e.victim.pid)).toEqual([4121, 5230]);
    expectSameResults(pieces.join('\n'), [1, 8192]);
  });

  it('end a record at the `--` that grep -A/-B/-C prints between its groups (red team D/01, ChromeOS Crostini)', () => {
    const lines = [
      '[Wed Sep 23 10:44:42 2026] [    109]     0   109     4534      320    81920        0             0 vshd',
      '--',
      '[Wed Sep 23 10:44:42 2026] [    983]  1000   983    13829     3520   147456        0           200 ld-linux-x86-64',
      '--',
    ];
    expect(texts(lines)).toEqual([
      '[    109]     0   109     4534      320    81920        0             0 vshd',
      '--',
      '[    983]  1000   983    13829     3520   147456        0           200 ld-linux-x86-64',
      '--',
    ]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });
});

describe('the scanner with the prefilter', () => {
  const POD =
    '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b4c3a2e_6f1d_4e8a_9c7b_5d2e1f0a3b4c.slice';
  const GROUP = `${POD}/cri-containerd-4f6b0a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f90.scope`;
  // A memory.oom.group report with a line of noise among its kill lines.
  const REPORT = [
    '[ 5120.104001] worker invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=984',
    '[ 5120.104177] memory: usage 262144kB, limit 262144kB, failcnt 311',
    `[ 5120.104181] Memory cgroup stats for ${GROUP}:`,
    '[ 5120.104301] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
    '[ 5120.104305] [   8790]     0  8790      620      263    45056        0           984 sh',
    '[ 5120.104308] [   8812]     0  8812    70001    64891   581632        0           984 worker',
    `[ 5120.104313] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${GROUP},task_memcg=${GROUP},task=worker,pid=8812,uid=0`,
    '[ 5120.104330] Memory cgroup out of memory: Killed process 8812 (worker) total-vm:280004kB, anon-rss:259368kB, file-rss:196kB, shmem-rss:0kB, UID:0 pgtables:568kB oom_score_adj:984',
    '[ 5120.104340] eth0: renamed from tmp1e2f3a',
    `[ 5120.104345] Tasks in ${GROUP} are going to be killed due to memory.oom.group set`,
    '[ 5120.104350] eth0: link becomes ready',
    '[ 5120.104352] Memory cgroup out of memory: Killed process 8790 (sh) total-vm:2480kB, anon-rss:88kB, file-rss:964kB, shmem-rss:0kB, UID:0 pgtables:44kB oom_score_adj:984',
    '[ 5121.000000] IPv6: ADDRCONF(NETDEV_CHANGE): eni8a7b6c5d4e3: link becomes ready',
  ].join('\n');

  // The assembler closes a report at a batch end: a batch must end where it would if every line were read.
  // The scanner holds its first 4,096 lines to learn the widest; batches start after them.
  const LOG = [
    ...Array.from({ length: 4100 }, (_, i) => `[ 5000.${String(i).padStart(6, '0')}] eth0: link up`),
    REPORT,
  ].join('\n');

  it('ends its batches where it would without it, counting the records it set aside', () => {
    const coVictims = new Set<string>();
    for (const batch of [1, 2, 3, 5, 8, 13, 8192]) {
      const fast = scan(LOG, true, batch, 65536);
      expect(fast).toEqual(scan(LOG, false, batch, 65536));
      expect(fast.counts.records).toBe(4113);
      coVictims.add(JSON.stringify(fast.output.kills.map((k) => k.coVictimCount)));
    }
    // Whatever the batch size, a batch never ends between the group's kills, even with a stray line between them.
    expect([...coVictims]).toEqual(['[1]']);
  });
});

describe('what the prefilter reads although the raw line does not show OOM text', () => {
  const KILL =
    'Memory cgroup out of memory: Killed process 2874 (python3) total-vm:75160kB, anon-rss:65152kB';

  it("a header's CPU line wrapped by a mail client after `CPU:` and `Comm:`", () => {
    const lines = [
      '[ 5120.104001] worker invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=984',
      '[ 5120.104019] CPU:',
      '1 UID: 0 PID: 8812 Comm:',
      'worker Not tainted 6.1.115-126.197.amzn2023.x86_64 #1',
      `[ 5120.104330] ${KILL}`,
    ];
    const records = joinWrappedLines(lines, { prefilter: true });

    expect(lines.slice(1, 4).some((line) => mayBeOomText(line))).toBe(false);
    expect(records[1]?.entry.text).toBe(
      'CPU: 1 UID: 0 PID: 8812 Comm: worker Not tainted 6.1.115-126.197.amzn2023.x86_64 #1',
    );
    expect(parseKernelLog(lines.join('\n')).events.map((e) => e.trigger?.pid)).toEqual([8812]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('a kill line in a JSON record that spells its words with escapes', () => {
    const kill = 'Out of memory: Killed process 8812 (worker) total-vm:280004kB, anon-rss:259368kB';
    const escaped = kill.replace('memory', 'mem\\u006fry').replace('Killed', 'Ki\\u006cled');
    const line = `{"priority":3,"sequence":7,"sec":4194,"usec":691334,"msg":"${escaped}"}`;

    expect(mayBeOomText(line)).toBe(false);
    expect(joinWrappedLines([line], { prefilter: true })[0]?.entry.text).toBe(kill);
  });

  it('a call-trace frame, whose only effect is to close a report on a gap in time', () => {
    const lines = [
      '[ 5120.104001] worker invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=984',
      '[ 5140.000000]  dump_header+0x43/0x1c0',
      `Nov 20 06:12:45 ip-10-0-3-54 kernel: ${KILL}`,
    ];
    const events = parseKernelLog(lines.join('\n')).events;

    // Twenty seconds after the header, the frame ends its report: the kill line, with no time of its own,
    // starts another (without a trigger) instead of joining the header's.
    expect(events.map((e) => [e.victim.pid, e.trigger])).toEqual([[2874, null]]);
    expectSameResults(lines.join('\n'), [1, 8192]);
  });

  it('a kill line with colour codes inside its words', () => {
    const line = `[ 4194.691334] ${KILL.replace('Killed', 'Kil\u001b[1mled').replace('memory', 'mem\u001b[0mory')}`;

    expect(joinWrappedLines([line], { prefilter: true })[0]?.entry.text).toBe(KILL);
  });

  it('a record whose envelope says oom but its message does not is set aside', () => {
    const line =
      '{"host":"ip-10-0-3-54","ident":"systemd-oomd","message":"Swap used (12.10%) is below the threshold"}';

    expect(joinWrappedLines([line], { prefilter: true })[0]?.entry).toBe(SET_ASIDE);
    expect(joinWrappedLines([line], { prefilter: false })[0]?.entry.fromKernel).toBe(false);
  });
});

describe('mayBeOomText', () => {
  it("holds every recognizer's marker but the task row's `[`, and so every line a recognizer reads", () => {
    const markers = RECOGNIZERS.map((r) => r.marker).filter((marker) => marker !== '[');

    expect(markers).toHaveLength(RECOGNIZERS.length - 1);
    expect(markers.filter((marker) => !mayBeOomText(marker))).toEqual([]);
  });

  it('holds task rows, call-trace frames and what looks like OOM text in any case', () => {
    for (const text of [
      '[   2874]     0  2874    18790    17950   159744        0             0 python3',
      '[ 2874 ]\t-1 2874 18790 17950 x',
      'dump_header+0x4a/0x220',
      '[<ffffffff81184b4e>] ? oom_kill_process+0x22e/0x3f0',
      'Tasks state (memory values in pages):',
      'OoM',
      'Out Of Memory: Kill Process 7 (x)',
      'MEMORY CGROUP',
    ]) {
      expect(mayBeOomText(text)).toBe(true);
    }
    expect(mayBeOomText('ena 0000:00:06.0 eth1: Link is up, [ 1 ] x')).toBe(false);
  });

  const fragment = fc.oneof(
    fc.constantFrom(...RECOGNIZERS.map((r) => r.marker)),
    fc.constantFrom('oom', 'OOM', 'oOm', 'out of memory', 'kill process', 'KILLED PROCESS', 'memory cgroup'),
    fc.constantFrom('[', ']', ' ', '\t', '-', '0', '42', '+0x1a/0x2b', '(', ')', ',', ':', '='),
    fc.constantFrom(...REPORT_TEXTS),
    fc.string({ maxLength: 12 }),
  );
  const text = fc.array(fragment, { maxLength: 8 }).map((parts) => parts.join(''));

  it('is true for every text parseKernelLine does not call not-oom, and parseKernelLine agrees with its plain path', () => {
    fc.assert(
      fc.property(text, fc.boolean(), (t, truncated) => {
        const plain = parseKernelLine(t, truncated, { prefilter: false });
        expect(parseKernelLine(t, truncated)).toEqual(plain);
        if (plain.kind !== 'not-oom') expect(mayBeOomText(t)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with the plain parseKernelLine on every sample line', () => {
    for (const t of REPORT_TEXTS) {
      for (const truncated of [false, true]) {
        expect(parseKernelLine(t, truncated)).toEqual(parseKernelLine(t, truncated, { prefilter: false }));
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Generated logs.

const NOISE = [
  'ena 0000:00:06.0 eth1: Link is up',
  'IPv6: ADDRCONF(NETDEV_CHANGE): eni8a7b6c5d4e3: link becomes ready',
  'audit: type=1400 audit(1763620000.123:456): apparmor="STATUS" operation="profile_load" name="cri-containerd.apparmor.d"',
  'TCP: request_sock_TCP: Possible SYN flooding on port 17156. Sending cookies.  Check SNMP counters.',
  'EXT4-fs (nvme0n1p1): mounted filesystem with ordered data mode. Quota mode: none.',
  'INFO: task kworker/1:2:8812 blocked for more than 122 seconds.',
  '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
  'CPU: 1 PID: 8812 Comm: kworker/1:2 Not tainted 6.1.115-126.197.amzn2023.x86_64 #1',
  'Call Trace:',
  ' <TASK>',
  ' __schedule+0x2a1/0x880',
  ' ? schedule_timeout+0x11/0x20',
  '[<ffffffff816a1c29>] dump_stack+0x19/0x1b',
  'systemd-oomd: Considered 13 cgroups for killing, top candidates were: none',
  'hierarchical_memory_limit 382739496',
  '16709 total pagecache pages',
  '[   7899]     0  7899  6546210  3842522 39899136  1039052',
  'net_ratelimit: 12 callbacks suppressed',
  'time="2026-11-20T06:12:45.744Z" level=info msg="StartContainer for \\"bd603c0a\\" returns successfully"',
  'overlayfs: upperdir is in-use as upperdir/workdir of another mount, accessing files from both mounts will result in undefined behavior.',
];

/** Runs of lines as a log has them: part of a real report, noise, or random text. */
const block = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...SAMPLE_MESSAGES),
        fc.oneof(fc.constant(0), fc.nat()),
        fc.integer({ min: 1, max: 120 }),
      )
      .map(([messages, start, length]) => {
        const from = start % messages.length;
        return messages.slice(from, from + length);
      }),
  },
  {
    // Noise between a report's lines: a batch of the scanner may end on it, after a kill.
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...SAMPLE_MESSAGES),
        fc.array(fc.option(fc.constantFrom(...NOISE)), { maxLength: 80 }),
      )
      .map(([messages, noise]) =>
        messages.slice(0, noise.length).flatMap((m, i) => (noise[i] ? [m, noise[i] as string] : [m])),
      ),
  },
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...NOISE), { minLength: 1, maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.array(
      fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 })),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
  },
);

/** A JSON string literal that spells some characters as `\u` escapes. */
function jsonString(text: string, escapeEvery: number): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ch = text[i] as string;
    if (ch === '"' || ch === '\\' || c < 0x20 || (escapeEvery > 0 && i % escapeEvery === 0)) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}

type Envelope =
  | 'dmesg'
  | 'dmesg -T'
  | 'journalctl'
  | 'journalctl other'
  | 'journalctl monotonic'
  | 'time of day'
  | 'kmsg'
  | 'kmsg json'
  | 'insights json'
  | 'bare';

const ENVELOPES: Envelope[] = [
  'dmesg',
  'dmesg -T',
  'journalctl',
  'journalctl other',
  'journalctl monotonic',
  'time of day',
  'kmsg',
  'kmsg json',
  'insights json',
  'bare',
];

function envelope(
  kind: Envelope,
  text: string,
  seconds: number,
  sequence: number,
  escapeEvery: number,
): string {
  const whole = Math.floor(seconds);
  const micros = Math.floor((seconds - whole) * 1e6);
  const clock = `Nov 20 ${String(6 + (whole % 12)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}:0${whole % 10}`;
  switch (kind) {
    case 'dmesg':
      return `[${`${whole}.${String(micros).padStart(6, '0')}`.padStart(12)}] ${text}`;
    case 'dmesg -T':
      return `[Fri ${clock} 2026] ${text}`;
    case 'journalctl':
      return `${clock} ip-10-0-3-54 kernel: ${text}`;
    case 'journalctl other':
      return `${clock} ip-10-0-3-54 systemd-oomd[812]: ${text}`;
    // `journalctl -o short-monotonic --no-hostname`, and a time of day alone (twenty-first red team L/03, N/01).
    case 'journalctl monotonic':
      return `[${`${whole}.${String(micros).padStart(6, '0')}`.padStart(12)}] kernel: ${text}`;
    case 'time of day':
      return `${clock.slice(7)} ${text}`;
    case 'kmsg':
      return `6,${sequence},${whole * 1_000_000 + micros},-;${text}`;
    case 'kmsg json':
      return `{"priority":6,"sequence":${sequence},"sec":${whole},"usec":${micros},"msg":${jsonString(text, escapeEvery)}}`;
    case 'insights json':
      return `{"host":"ip-10-0-3-54","ident":"kernel","message":${jsonString(text, escapeEvery)}}`;
    case 'bare':
      return text;
  }
}

/** What can happen to a line on its way to a file: quoting, a markdown list item in inline code, colour, a CR, a byte-order mark. */
type Damage = 'none' | 'quote' | 'markdown' | 'colour' | 'cr' | 'bom';

function damage(line: string, kind: Damage, at: number): string {
  switch (kind) {
    case 'none':
      return line;
    case 'quote':
      return `> ${line}`;
    case 'markdown':
      return `\`- ${line}\``;
    case 'colour': {
      const cut = at % (line.length + 1);
      return `${line.slice(0, cut)}\u001b[1;31m${line.slice(cut)}\u001b[0m`;
    }
    case 'cr':
      return `${line}\r`;
    case 'bom':
      return `\ufeff${line}`;
  }
}

interface Dress {
  envelope: Envelope;
  gap: number;
  damage: Damage;
  at: number;
  escapeEvery: number;
  /** The envelope alone on its line, the message on the next, indented (seventy-fourth red team A/02). */
  alone: boolean;
}

const lineDress: fc.Arbitrary<Dress> = fc.record({
  envelope: fc.constantFrom(...ENVELOPES),
  gap: fc.oneof(
    fc.constant(0),
    fc.double({ min: 0, max: 0.01, noNaN: true }),
    fc.integer({ min: 1, max: 40 }),
  ),
  damage: fc.constantFrom<Damage>('none', 'none', 'none', 'none', 'quote', 'markdown', 'colour', 'cr', 'bom'),
  at: fc.nat(),
  escapeEvery: fc.constantFrom(0, 0, 1, 5),
  alone: fc.constantFrom(false, false, false, false, false, true),
});

/**
 * Blocks of lines, each line in an envelope: one for the whole log (as in most files), or one per line (time
 * goes missing and comes back), with gaps in time that close reports, pasted wrapped or not, some envelopes alone on
 * their line.
 */
const generatedLog = fc
  .tuple(
    fc.array(block, { minLength: 1, maxLength: 8 }),
    fc.infiniteStream(lineDress),
    fc.option(fc.constantFrom(...ENVELOPES), { nil: undefined }),
    fc.constantFrom<'none' | 'terminal' | 'mail'>('none', 'none', 'terminal', 'mail'),
    fc.integer({ min: 40, max: 140 }),
  )
  .map(([blocks, dresses, segment, wrap, columns]) => {
    let seconds = 4194.5;
    const raw = blocks.flat().flatMap((text, i) => {
      const dress = dresses.next().value as Dress;
      seconds += dress.gap;
      const kind = segment ?? dress.envelope;
      if (dress.alone) {
        const alone = envelope(kind, '', seconds, 1000 + i, dress.escapeEvery);
        return [damage(alone, dress.damage, dress.at), damage(`  ${text}`, dress.damage, dress.at)];
      }
      const line = envelope(kind, text, seconds, 1000 + i, dress.escapeEvery);
      return [damage(line, dress.damage, dress.at)];
    });
    return wrapped(raw, wrap, columns).join('\n');
  });

function wrapped(lines: readonly string[], wrap: 'none' | 'terminal' | 'mail', columns: number): string[] {
  if (wrap === 'none') return [...lines];
  return lines.flatMap((line) => {
    const pieces: string[] = [];
    let rest = line;
    while (rest.length > columns) {
      const space = wrap === 'mail' ? rest.lastIndexOf(' ', columns) : -1;
      const cut = space > 0 ? space : columns;
      pieces.push(rest.slice(0, cut));
      rest = wrap === 'mail' ? rest.slice(cut).trimStart() : rest.slice(cut);
    }
    pieces.push(rest);
    return pieces;
  });
}

describe('the prefilter on generated logs', () => {
  it('parseKernelLog and the scanner give the same with and without it', () => {
    fc.assert(
      fc.property(generatedLog, fc.constantFrom(1, 3, 8192), (log, batch) => {
        expectSameResults(log, [batch]);
      }),
      { numRuns: Number(process.env.PREFILTER_RUNS ?? 300) },
    );
  });

  it('skimLogRecord tells what readLogRecord returns: an entry or none, its envelope, a text holding its message', () => {
    const line = fc.oneof(
      generatedLog.map((log) => log.split('\n')[0] as string),
      fc.constantFrom(...SAMPLE_LINES),
      fc.string({ maxLength: 60 }),
      fc
        .tuple(
          fc.constantFrom(
            '',
            ' ',
            '>',
            '> ',
            '- ',
            '`- ',
            '`',
            '<6>',
            '[',
            '[ 1.5] ',
            '[T12] ',
            'kern  :err   : ',
            '{',
            '\ufeff',
          ),
          fc.constantFrom(...SAMPLE_LINES),
        )
        .map(([head, tail]) => head + tail),
      // JSON records with no message key: their strings of OOM text are their lines (twenty-first red team M/05).
      fc
        .tuple(fc.constantFrom(...SAMPLE_LINES), fc.constantFrom(...SAMPLE_LINES))
        .map(([a, b]) => JSON.stringify({ title: a, evidence: [{ payload: { message: b } }, b], n: 1 })),
    );
    fc.assert(
      fc.property(line, (raw) => {
        const entry = readLogRecord(raw);
        const skim = skimLogRecord(raw);
        expect(skim === null).toBe(entry === null);
        if (skim === null || entry === null) return;
        expect(skim.enveloped).toBe(entry.enveloped);
        expect(skim.holder).toContain(entry.text);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("the prefilter on the benchmark's log", () => {
  // bench/kernel-log-generator.ts: every report format and envelope, among the noise of a node.
  it.each([1, 2, 3])('gives the same with and without it (seed %i)', (seed) => {
    const { text, log } = generateKernelLogText({
      seed,
      targetBytes: 500_000,
      noisePerReport: 8,
      segmentLines: [60, 150],
    });
    expect(log.kills).toBeGreaterThan(100);
    expect(Object.values(log.envelopes).every((lines) => lines > 0)).toBe(true);
    expect(Object.values(log.reports).every((reports) => reports > 0)).toBe(true);
    expectSameResults(text, [7, 100, 8192]);
  });
});
