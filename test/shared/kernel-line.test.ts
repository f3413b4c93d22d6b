import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKernelLine, RECOGNIZERS, withAsciiPunctuation } from '../../shared/kernel-line.ts';
import { parseKernelLog } from '../../shared/kernel-log.ts';
import { isPlainFrame, PLAIN_FRAME_PIECE } from '../../shared/kernel-lines/report-context.ts';

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

describe('parseKernelLine of a plain call-trace frame, told without the recognizers', () => {
  it('holds a table whose every recognizer has a marker or starts no plain frame holds', () => {
    const couldRead = RECOGNIZERS.filter(
      (r) =>
        PLAIN_FRAME_PIECE.test(r.marker) &&
        (r.starts === undefined || r.starts.some((start) => PLAIN_FRAME_PIECE.test(start))),
    ).map((r) => r.name);
    expect(couldRead).toEqual([]);
    // The piece pattern takes every part of a plain frame: a marker made of one would fail the test above.
    for (const piece of ['? out_of', ' oom_kill_process+0x', 'memory+0x214/0x5', '?', 'mem_cgroup.cold'])
      expect(PLAIN_FRAME_PIECE.test(piece)).toBe(true);
  });

  // Real frames of OOM reports (kernel 6.18 sample, 4.x and 5.x seeds), and pieces of symbols.
  const REAL_FRAMES = [
    'out_of_memory+0x214/0x500',
    'oom_kill_process.cold+0x8/0x8a',
    'mem_cgroup_out_of_memory+0xc0/0x110',
    '? ___pte_offset_map+0x17/0x100',
    'dump_header+0x43/0x1c0',
    '__alloc_pages_slowpath.constprop.0+0xc8e/0xd60',
  ];
  const symbol = fc
    .array(
      fc.constantFrom('oom', 'kill', 'memory', 'mem_cgroup', '_', '.cold', '$x', 'Killed', 'process', 'a1'),
      {
        minLength: 1,
        maxLength: 5,
      },
    )
    .map((parts) => parts.join(''));
  const hex = fc.integer({ min: 0, max: 0xfffff }).map((n) => n.toString(16));
  const blank = fc.constantFrom('', ' ', '\t', '\u00a0', '  ', '\r', '\u2028', '\ufeff', '\u3000');
  const frame = fc.oneof(
    fc.constantFrom(...REAL_FRAMES),
    fc
      .tuple(blank, fc.boolean(), symbol, hex, hex, blank)
      .map(
        ([before, mark, sym, at, size, after]) =>
          `${before}${mark ? '? ' : ''}${sym}+0x${at}/0x${size}${after}`,
      ),
  );

  it('is a text every part of which fits the piece the table is held to', () => {
    fc.assert(
      fc.property(frame, (text) => {
        const trimmed = text.trim();
        for (let start = 0; start < trimmed.length; start++)
          for (let end = start + 1; end <= trimmed.length; end++)
            expect([trimmed.slice(start, end), PLAIN_FRAME_PIECE.test(trimmed.slice(start, end))]).toEqual([
              trimmed.slice(start, end),
              true,
            ]);
      }),
      { numRuns: 100 },
    );
  });

  it('calls it report context, as trying every recognizer does', () => {
    fc.assert(
      fc.property(frame, fc.boolean(), (text, truncated) => {
        expect(isPlainFrame(text)).toBe(true);
        expect(parseKernelLine(text, truncated)).toEqual({ kind: 'line', line: { kind: 'context' } });
        expect(parseKernelLine(text, truncated, { prefilter: false })).toEqual({
          kind: 'line',
          line: { kind: 'context' },
        });
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves a frame with more than the plain shape to the recognizers and the other frame shapes', () => {
    for (const text of [
      'out_of_memory+0x214/0x500 [kernel]',
      '[<ffffffff811b2c4d>] out_of_memory+0x4ad/0x4f0',
      'oom_kill_process+0x1/0x2 Killed process 12 (x)',
      'out_of_memory+0x214',
    ])
      expect(isPlainFrame(text)).toBe(false);
    expect(parseKernelLine('[<ffffffff811b2c4d>] out_of_memory+0x4ad/0x4f0')).toEqual({
      kind: 'line',
      line: { kind: 'context' },
    });
  });
});

describe('parseKernelLine of a line a reflow put blanks into (41st red team B/02, corpus 271)', () => {
  // An Ubuntu Forums paste of a 4.4 syslog: the forum doubled spaces at its wrap points.
  it('reads the line again with one space where the kernel prints one', () => {
    expect(
      parseKernelLine('CPU: 2 PID: 9284  Comm: EMT Tainted: G           OE   4.4.0-59-generic #80-Ubuntu'),
    ).toEqual({
      kind: 'line',
      line: { kind: 'cpu', pid: 9284, name: 'EMT' },
    });
    expect(
      parseKernelLine(
        'Killed  process 27677 (Plex Script Hos) total-vm:2123836kB, anon-rss:75488kB,  file-rss:9332kB',
      ),
    ).toMatchObject({
      kind: 'line',
      line: {
        kind: 'kill',
        pid: 27677,
        name: 'Plex Script Hos',
        fields: { 'total-vm': 2123836, 'anon-rss': 75488, 'file-rss': 9332 },
      },
    });
    // A tab, a no-break space, blanks inside a recognizer's marker.
    expect(parseKernelLine('Killed\tprocess 1 (a)')).toMatchObject({ line: { kind: 'kill', pid: 1 } });
    expect(parseKernelLine('Killed\u00a0process 1 (a)')).toMatchObject({ line: { kind: 'kill', pid: 1 } });
    expect(parseKernelLine('Task  in /docker/abc killed as a result of limit of /docker/abc')).toMatchObject({
      line: { kind: 'task-in', task: '/docker/abc' },
    });
    expect(parseKernelLine('swap: usage\t0kB, limit 9007199254740988kB, failcnt 0')).toMatchObject({
      line: { kind: 'counter', counter: 'swap', failcnt: 0 },
    });
  });

  it('reads the kernel’s own runs as they are, and the kill’s message with one space', () => {
    // el7's header prints two spaces before `order=`; a task row's columns.
    expect(
      parseKernelLine(
        'java invoked oom-killer: gfp_mask=0x14000c0(GFP_KERNEL), nodemask=(null),  order=0, oom_score_adj=0',
      ),
    ).toMatchObject({ line: { kind: 'invoked', name: 'java', order: 0 } });
    expect(
      parseKernelLine(
        '[ 27677]   105 27677   530959    18872     206       6        0             0 Plex Script Hos',
      ),
    ).toMatchObject({
      line: { kind: 'task-row', pid: 27677 },
    });
    const { events } = parseKernelLog(
      'Out of  memory: Kill process 1450 (Plex Media Serv) score 11 or sacrifice  child\nKilled  process 27677 (Plex Script Hos) total-vm:2123836kB, anon-rss:75488kB,  file-rss:9332kB',
    );
    expect(events.map((e) => [e.victim.pid, e.constraint, e.limitScope])).toEqual([
      [27677, 'system', 'node'],
    ]);
  });

  it('gives the same on both paths, and leaves prose and other writers’ lines alone', () => {
    for (const line of [
      'Killed  process 1 (a)',
      'swap: usage\t0kB, limit 1kB, failcnt 0',
      'xfs_buf_read_map+0x4a/0x1f0  [xfs]',
      'the  kernel  said  nothing',
    ])
      expect(parseKernelLine(line)).toEqual(parseKernelLine(line, false, { prefilter: false }));
    expect(parseKernelLine('xfs_buf_read_map+0x4a/0x1f0  [xfs]')).toEqual({
      kind: 'line',
      line: { kind: 'context' },
    });
    expect(parseKernelLine('the  kernel  said  nothing')).toEqual({ kind: 'not-oom' });
  });
});

describe('parseKernelLine of a line whose first letter an editor or an author retyped (45th red team A/21, corpus 277)', () => {
  it('reads OOM-looking text again with the case of its first letter turned', () => {
    // A hosting provider's KB page capitalised the summary's first letter.
    expect(
      parseKernelLine(
        'Oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/mysql.service,task=mysqld,pid=14532,uid=999',
      ),
    ).toMatchObject({
      kind: 'line',
      line: {
        kind: 'summary',
        taskMemcg: '/system.slice/mysql.service',
        task: 'mysqld',
        pid: 14532,
        uid: 999,
      },
    });
    // A kill line an author retyped at the start of a line, and with a forum's doubled blanks too.
    expect(parseKernelLine('killed process 22570 (php5-fpm) total-vm:1kB, anon-rss:2kB')).toMatchObject({
      line: { kind: 'kill', pid: 22570, name: 'php5-fpm' },
    });
    expect(parseKernelLine('killed  process 22570 (php5-fpm) total-vm:1kB')).toMatchObject({
      line: { kind: 'kill', pid: 22570 },
    });
    expect(parseKernelLine('Memory: usage 1024kB, limit 1024kB, failcnt 3')).toMatchObject({
      line: { kind: 'counter', counter: 'memory', failcnt: 3 },
    });
  });

  it.each([
    ['a line no recognizer reads either way', 'Oom killer woke up and killed something'],
    ['a capitalised word after it', 'OOM-kill:constraint=CONSTRAINT_NONE'],
    ['not OOM text', 'Hello world'],
  ])('leaves %s as it was', (_case, line) => {
    expect(parseKernelLine(line).kind).not.toBe('line');
  });
});

describe('full-width punctuation in the kernel’s syntax (fifty-seventh red team A/09–A/11, Chinese PDFs)', () => {
  it('reads as the ASCII the kernel printed, where the kernel’s syntax has it', () => {
    expect(withAsciiPunctuation('Killed process 2227 （dd） total-vm:906724kB，anon-rss:798820kB')).toBe(
      'Killed process 2227 (dd) total-vm:906724kB, anon-rss:798820kB',
    );
    expect(withAsciiPunctuation('Out of memory: Kill process 2227(dd） score 778 or sacrifice child')).toBe(
      'Out of memory: Kill process 2227(dd) score 778 or sacrifice child',
    );
  });

  it('leaves a comm’s own full-width characters, and text with none, as they are', () => {
    const comm = 'Killed process 7 (app（1）) total-vm:1kB, anon-rss:1kB';
    expect(withAsciiPunctuation(comm)).toBe(comm);
    expect(parseKernelLine(comm)).toMatchObject({ kind: 'line', line: { name: 'app（1）' } });
    const plain = 'Killed process 7 (app) total-vm:1kB';
    expect(withAsciiPunctuation(plain)).toBe(plain);
  });
});
