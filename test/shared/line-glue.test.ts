import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { glueAfter } from '../../shared/line-glue.ts';
import { joinWrappedLines, parseKernelLog } from '../../shared/kernel-log.ts';

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

describe('an envelope alone on its line, its message on the next (74th red team A/02, corpus 323)', () => {
  // Salt minion OOM notes: each record's envelope stands alone, its message follows indented, the kill line wrapped.
  const kill = [
    '  Memory cgroup out of memory: Killed process 1987236 (/opt/saltstack/)',
    '  total-vm:793768kB, anon-rss:74784kB, file-rss:8704kB, shmem-rss:0kB,',
    '  UID:986 pgtables:728kB oom_score_adj:0',
  ];
  // The notes' sentence and fence before the records: most lines of the paste have no envelope, so that no line
  // without one joins the record above for that alone (RecordJoiner.mostEnveloped).
  const inNotes = (lines: readonly string[]): string[] => [
    'The cgroup OOM happened at the configured `200M` limit:',
    '',
    '```text',
    ...lines,
  ];
  const victims = (lines: readonly string[]) =>
    parseKernelLog(inNotes(lines).join('\n')).events.map((e) => [
      e.node,
      e.kernelTime,
      e.observedAt,
      e.victim.pid,
      e.victim.uid,
      e.victim.pgtablesKb,
    ]);
  const texts = (lines: readonly string[]) =>
    joinWrappedLines(inNotes(lines))
      .slice(2)
      .map((r) => r.entry.text);

  /** The record the envelope starts: its line, what its envelope says, and its text. */
  const envelopeRecord = (lines: readonly string[]) => {
    const record = joinWrappedLines(inNotes(lines))[2];
    const entry = record?.entry;
    return [record?.lineNo, entry?.stamp, entry?.host, entry?.kernelTime, entry?.wallTime, entry?.text];
  };

  it.each([
    ['syslog (BSD)', 'May 20 08:50:57 mgmt-nsx-01 kernel:', 'May 20 08:50:57', 'mgmt-nsx-01', null, null],
    ['syslog without a host', 'May 20 08:50:57 kernel:', 'May 20 08:50:57', null, null, null],
    [
      'syslog (RFC 3339)',
      '2024-05-20T08:50:57+00:00 mgmt-nsx-01 kernel:',
      null,
      'mgmt-nsx-01',
      null,
      '2024-05-20T08:50:57.000Z',
    ],
    [
      'journalctl with a printk time',
      'May 20 08:50:57 mgmt-nsx-01 kernel: [ 1420.105100]',
      'May 20 08:50:57',
      'mgmt-nsx-01',
      1420.1051,
      null,
    ],
    ['journalctl -o short-monotonic --no-hostname', '[ 1420.105100] kernel:', null, null, 1420.1051, null],
    ['dmesg -T', '[Mon May 20 08:50:57 2024]', 'Mon May 20 08:50:57 2024', null, null, null],
    ['a printk time', '[ 1420.105100]', null, null, 1420.1051, null],
  ])(
    'gives the message its envelope, indented or not, and joins its wrapped rest: %s',
    (_case, envelope, stamp, host, time, wall) => {
      const message = kill.map((line) => line.trim()).join(' ');
      for (const lines of [
        [envelope, ...kill],
        [envelope, ...kill.map((line) => line.trimStart())],
        // Quoted in a reply, the envelope and its message alike.
        [envelope, ...kill].map((line) => `> ${line}`),
      ]) {
        expect(envelopeRecord(lines)).toEqual([4, stamp, host, time, wall, message]);
        expect(victims(lines)).toEqual([[host, time, wall, 1987236, 986, 728]]);
      }
    },
  );

  it('gives each of several such records its envelope, and another writer’s message is that writer’s (no drift)', () => {
    const text = readFileSync(
      'test/fixtures/kernel-logs/corpus/323-incident-notes-syslog-envelope-own-line-indented-record-wrapped-kill.log',
      'utf8',
    );
    const { events, drift } = parseKernelLog(text);
    expect(events.map((e) => [e.node, e.victim.pid, (e.source as { lines: number[] }).lines])).toEqual([
      ['mgmt-nsx-01', 1987236, [4, 7, 10, 13]],
    ]);
    // systemd's `salt-minion.service: Failed with result 'oom-kill'.` was drift, read as a line of the kernel's.
    expect(drift.map((d) => d.ref)).toEqual([1]);
  });

  it('joins no line after a blank line, an elision or a fence, nor one quoted otherwise', () => {
    const envelope = 'May 20 08:50:57 mgmt-nsx-01 kernel:';
    const line = kill[0] as string;
    expect(texts([envelope, '', line])).toEqual(['', line.trim()]);
    expect(texts([envelope, '[...]', line])).toEqual(['', '[...]', line.trim()]);
    expect(texts([envelope, '```', line])).toEqual(['', '```', line.trim()]);
    expect(texts([`> ${envelope}`, line])).toEqual(['', line.trim()]);
  });

  it('joins no line to an envelope with its message, nor to another envelope alone before it', () => {
    const records = joinWrappedLines(
      inNotes([
        '[  100.000000]',
        '[  200.000000]',
        'Out of memory: Killed process 1987236 (salt-minion)',
        '[  300.000000] kernel:',
        "May 20 08:50:58 mgmt-nsx-01 systemd[1]: salt-minion.service: Failed with result 'oom-kill'.",
      ]),
    );
    expect(records.slice(2).map((r) => [r.lineNo, r.entry.kernelTime, r.entry.text])).toEqual([
      [4, 100, ''],
      [5, 200, 'Out of memory: Killed process 1987236 (salt-minion)'],
      [7, 300, ''],
      [8, null, "salt-minion.service: Failed with result 'oom-kill'."],
    ]);
  });

  it('joins no line to a JSON record, which holds its message, nor to an envelope that says nothing', () => {
    const line = 'Killed process 1987236 (salt-minion)';
    expect(texts(['{"priority":6,"sequence":9,"sec":1420,"usec":105100,"msg":""}', line])).toEqual([
      '',
      line,
    ]);
    expect(texts(['kern  :warn  :', line])).toEqual(['', line]);
  });
});
