import { describe, expect, it } from 'vitest';
import { glueAfter } from '../../shared/line-glue.ts';
import { parseKernelLog } from '../../shared/kernel-log.ts';

describe('glueAfter', () => {
  it('joins a mail wrap with a space, or with nothing after a `/`, a summary’s comma or a space kept', () => {
    expect(glueAfter('Memory cgroup out of memory: Killed process 4242')).toBe(' ');
    expect(glueAfter('oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/kubepods/')).toBe('');
    expect(glueAfter('oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),')).toBe('');
    expect(glueAfter('invoked oom-killer: ')).toBe('');
  });

  it('joins with nothing after a word’s hyphen, where Evolution wraps too (fortieth red team B/01)', () => {
    expect(glueAfter('oom-')).toBe('');
    expect(glueAfter('oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-')).toBe(
      '',
    );
    expect(glueAfter('irqbalance invoked oom-')).toBe('');
    // A dash after a space is no hyphen inside a word.
    expect(glueAfter('the kernel said -')).toBe(' ');
  });
});

describe('a kill message cut before its kill line, below prose (43rd red team A/05, corpus 273)', () => {
  const kill =
    'Killed process 2004 (tailscaled) total-vm:1313600kB, anon-rss:34604kB, file-rss:8kB, shmem-rss:0kB, UID:0 pgtables:292kB oom_score_adj:0';
  it.each([
    ['quoted, the global message', '> [49461.739303] Out of memory: ', `> ${kill}`, 'system'],
    ['bare, the memcg message', '[49461.739303] Memory cgroup out of memory: ', kill, 'memcg'],
  ])('joins the rest however long it is: %s', (_name, head, rest, constraint) => {
    const { events, drift } = parseKernelLog(
      ['I experience that Tailscaled gets killed due to OOM:', '', head, rest, '', 'Any tweaking?'].join(
        '\n',
      ),
    );
    expect(events.map((e) => [e.victim.pid, e.kernelTime, e.constraint])).toEqual([
      [2004, 49461.739303, constraint],
    ]);
    expect(drift.map((d) => d.text)).not.toContain(head.replace(/^> /, '').trim());
  });
});

describe('a cgroup v1 stats line whose counters a mail wrap put on the next line (62nd red team A/04)', () => {
  // kubernetes#12905, a reply quoting dmesg: the client could not break the path, so it stands on a line of its own,
  // the widest of the paste, and the counters follow on the next. The kernel prints a space before each counter.
  const lines = [
    '> [7437775.792858] Memory cgroup stats for',
    '> /system.slice/docker-d1b7865eb040b14b57a21e6664d537667dd0adfdc6780870e334f8a748eee57c.scope:',
    '> cache:0KB rss:204800KB rss_huge:94208KB mapped_file:0KB writeback:0KB',
    '> inactive_anon:0KB active_anon:204764KB inactive_file:0KB active_file:0KB',
    '> unevictable:0KB',
    '> [7437775.792924] [ 4378] 0 4378 169961 52249 130 0 0 heapster',
    '> [7437775.792926] Memory cgroup out of memory: Kill process 4378 (heapster)',
    '> score 1023 or sacrifice child',
    '> [7437775.799368] Killed process 4378 (heapster) total-vm:679844kB,',
    '> anon-rss:203920kB, file-rss:5076kB',
  ];
  const scope = '/system.slice/docker-d1b7865eb040b14b57a21e6664d537667dd0adfdc6780870e334f8a748eee57c.scope';

  it("joins the counters with the kernel's space, and the stats line names the limit", () => {
    const { events, drift } = parseKernelLog(lines.join('\n'));
    expect(drift).toEqual([]);
    expect(events).toMatchObject([
      {
        victim: { pid: 4378, name: 'heapster', totalVmKb: 679844, anonRssKb: 203920, fileRssKb: 5076 },
        constraint: 'memcg',
        cgroup: { oom: scope },
        container: { id: scope.slice('/system.slice/docker-'.length, -'.scope'.length), runtime: 'docker' },
        limitScope: 'container',
      },
    ]);
  });
});

describe('a kill message a wrap cut right after the level mark that glued it on (69th red team A/05, corpus 316)', () => {
  // linux-kernel, 2001: a 2.2.18 installer's console in a mail, its records glued at `<3>` and wrapped at spaces.
  const console = [
    'Out of Memory: Killed process 106 (portmap), saved process 2165',
    '(mke2fs).<3>Out',
    'of Memory: Killed process 2123 (buffy), saved process 2165',
    '(mke2fs).willow: LOAD',
  ].join('\n');

  it('joins the rest of the message to its start, and the glued kill is the system OOM killer’s', () => {
    const { events, drift } = parseKernelLog(console);
    expect(events.map((e) => [e.victim.pid, e.victim.name, e.constraint, e.limitScope])).toEqual([
      [106, 'portmap', 'system', 'node'],
      [2123, 'buffy', 'system', 'node'],
    ]);
    expect(drift).toEqual([]);
  });

  it('joins nothing after a level mark that starts no kill message', () => {
    const { events } = parseKernelLog(console.replace('<3>Out', '<3>Oops'));
    expect(events.map((e) => [e.victim.pid, e.constraint])).toEqual([
      [106, 'system'],
      [2123, null],
    ]);
  });
});

describe('a choice of victim wrapped after its pid, its rest holding the kill line a reflow glued on (70th red team A/04)', () => {
  const rest =
    '(memcg_test_1) score 3 or a child Killed process 9140 (memcg_test_1) vsz:3456kB, anon-rss:448kB, file-rss:1088kB';

  it.each([
    ['alone on its line', 'Memory cgroup out of memory: kill process 9140'],
    ['after a writer’s words', 'the log said: Memory cgroup out of memory: kill process 9140'],
  ])('joins the rest, and the kill is the memory cgroup’s: %s', (_case, head) => {
    const { events } = parseKernelLog(`${head}\n${rest}`);
    expect(events.map((e) => [e.victim.pid, e.victim.name, e.constraint, e.victim.fileRssKb])).toEqual([
      [9140, 'memcg_test_1', 'memcg', 1088],
    ]);
  });

  it('keeps a whole choice and the kill line after it as two records', () => {
    const { events } = parseKernelLog(
      'Out of memory: Kill process 1532 (badsysprogram) score 919 or sacrifice child\nKilled process 1532 (badsysprogram) total-vm:1641388kB, anon-rss:1595164kB, file-rss:76kB',
    );
    expect(events.map((e) => [e.victim.pid, e.constraint])).toEqual([[1532, 'system']]);
    expect(events[0]?.source).toMatchObject({ lines: [1, 2] });
  });
});

describe('a kill line wrapped inside a key, at its hyphen (74th red team A/05, corpus 325)', () => {
  // AWS's EC2 troubleshooting guide, markdown source: a 2.6.3x choice and kill below a sentence, the kill line wrapped
  // right after `anon-`, the value whole on the next line with the rest of its key.
  const doc = (kill: string, rest: string) =>
    [
      'An out\\-of\\-memory error is indicated by a system log entry similar to the one shown below\\.',
      '',
      '```',
      '[115879.769795] Out of memory: kill process 20273 (httpd) score 1285879',
      'or a child ',
      `[115879.769795] ${kill}`,
      rest,
      '```',
      '',
      '### Potential Cause',
      '',
      // Wider than any kill line here: none is a terminal's wrap at the paste's width (cutLineRestGlue).
      'Exhausted memory. The instance ran out of memory and the kernel killed a process to free it; see the recommended actions below for the steps to take next.',
    ].join('\n');
  const victimOf = (kill: string, rest: string) =>
    parseKernelLog(doc(kill, rest)).events.map((e) => e.victim);

  it('joins the rest of the key with nothing, and reads the value whole', () => {
    expect(
      victimOf('Killed process 1917 (php-cgi) vsz:467184kB, anon-', 'rss:101196kB, file-rss:204kB'),
    ).toMatchObject([{ pid: 1917, totalVmKb: 467184, anonRssKb: 101196, fileRssKb: 204 }]);
  });

  it.each([
    ['total-', 'Killed process 1917 (php-cgi) total-', 'vm:467184kB, anon-rss:101196kB, file-rss:204kB', {}],
    ['file-', 'Killed process 1917 (php-cgi) total-vm:467184kB, anon-rss:101196kB, file-', 'rss:204kB', {}],
    [
      'shmem-',
      'Killed process 1917 (php-cgi) total-vm:467184kB, anon-rss:101196kB, file-rss:204kB, shmem-',
      'rss:0kB, UID:48 pgtables:900kB oom_score_adj:0',
      { shmemRssKb: 0, uid: 48, pgtablesKb: 900, oomScoreAdj: 0 },
    ],
    [
      'indented',
      'Killed process 1917 (php-cgi) total-vm:467184kB, anon-',
      '  rss:101196kB, file-rss:204kB',
      {},
    ],
  ])('so after each hyphenated key: %s', (_case, kill, rest, more) => {
    expect(victimOf(kill, rest)).toMatchObject([
      { pid: 1917, totalVmKb: 467184, anonRssKb: 101196, fileRssKb: 204, ...more },
    ]);
  });

  it('joins no rest of another key, nor to a line that has the key already or is no kill line', () => {
    // `anon-` goes on with `rss:`, never `vm:`.
    expect(
      victimOf('Killed process 1917 (php-cgi) vsz:467184kB, anon-', 'vm:101196kB, file-rss:204kB'),
    ).toMatchObject([{ anonRssKb: null, fileRssKb: null }]);
    expect(
      victimOf(
        'Killed process 1917 (php-cgi) vsz:467184kB, anon-rss:5kB, anon-',
        'rss:101196kB, file-rss:204kB',
      ),
    ).toMatchObject([{ anonRssKb: 5, fileRssKb: null }]);
    const prose = parseKernelLog(
      ['The process was killed for its anon-', 'rss:101196kB, file-rss:204kB'].join('\n'),
    );
    expect(prose.events).toEqual([]);
  });
});
