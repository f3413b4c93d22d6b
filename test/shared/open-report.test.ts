import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKernelLog } from '../../shared/kernel-log.ts';
import { wallSeconds } from '../../shared/open-report.ts';

describe('task table', () => {
  it('keeps names as printed, spaces and leading digits included', () => {
    const [event] = parseKernelLog(
      [
        '[ 4.0] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
        '[ 4.1] [  19331]  1000 19331   226026    29603  1314816        0           999 npm start',
        '[ 4.2] [  19332]  1000 19332   226026    29000  1314816        0           999 01  x',
        '[ 4.3] Memory cgroup out of memory: Killed process 19331 (npm start) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB',
      ].join('\n'),
    ).events;
    expect(event?.tasks.map((t) => [t.pid, t.name, t.rssKb])).toEqual([
      [19331, 'npm start', 29603 * 4],
      [19332, '01  x', 29000 * 4],
    ]);
  });
});

describe("the victim's uid and oom_score_adj from its task row, when the kill line shows neither (before 5.x)", () => {
  // cloud-on-k8s#1821 (corpus 192), `dmesg -T`: the kill line of 4.x has no `UID:` and no `oom_score_adj:`.
  const table = [
    '[Mon Sep 30 14:28:06 2019] [ pid ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
    '[Mon Sep 30 14:28:06 2019] [1108749]     0 1108749      256        1    32768        0          -998 pause',
    '[Mon Sep 30 14:28:06 2019] [1111060]  1000 1111060     2923      662    73728        0          -998 elasticsearch',
    '[Mon Sep 30 14:28:06 2019] [1111167]  1000 1111167  1011233    10562   393216        0          -998 java',
    '[Mon Sep 30 14:28:06 2019] [1111184]  1000 1111184  1439324  1305755 10616832        0          -998 java',
  ];
  const selection =
    '[Mon Sep 30 14:28:06 2019] Memory cgroup out of memory: Kill process 1111184 (java) score 0 or sacrifice child';
  const kill =
    '[Mon Sep 30 14:28:06 2019] Killed process 1111184 (java) total-vm:5757296kB, anon-rss:5211280kB, file-rss:11740kB, shmem-rss:0kB';

  it('takes them from the row of the pid that died', () => {
    const [event] = parseKernelLog([...table, selection, kill].join('\n')).events;
    expect(event?.victim).toMatchObject({ pid: 1111184, uid: 1000, oomScoreAdj: -998 });
  });

  it('reads the uid by shape when the header was not seen, and from a row beyond the ten kept in `tasks`', () => {
    const filler = Array.from(
      { length: 12 },
      (_, i) =>
        `[Mon Sep 30 14:28:06 2019] [${2000 + i}]     0 ${2000 + i}  2000000  1400000    32768        0             0 big`,
    );
    // A report opened by the lines before the table (here its `Memory cgroup stats`), the header lost.
    const stats =
      '[Mon Sep 30 14:28:06 2019] Memory cgroup stats for /kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e: cache:0KB rss:5211280KB';
    const [event] = parseKernelLog([stats, ...table.slice(1), ...filler, selection, kill].join('\n')).events;
    expect(event?.tasks.some((t) => t.pid === 1111184)).toBe(false);
    expect(event?.victim).toMatchObject({ pid: 1111184, uid: 1000, oomScoreAdj: -998 });
  });

  it('takes no uid from the row of the chosen parent when its child died (3.10 `or sacrifice child`)', () => {
    const child = kill.replace('Killed process 1111184', 'Killed process 1111190');
    const [event] = parseKernelLog([...table, selection, child].join('\n')).events;
    expect(event?.victim).toMatchObject({ pid: 1111190, uid: null, oomScoreAdj: null });
  });

  it("keeps the kill line's own UID over the row's (5.x)", () => {
    const modern = `${kill}, UID:0 pgtables:10368kB oom_score_adj:-998`;
    const [event] = parseKernelLog([...table, selection, modern].join('\n')).events;
    expect(event?.victim).toMatchObject({ pid: 1111184, uid: 0, oomScoreAdj: -998 });
  });
});

describe('a task-table row cut short, read by its shape (fifth red team K/01, Ubuntu 6.8 journalctl)', () => {
  it('gives no row when the number read as oom_score_adj cannot be one: another column was the last left', () => {
    const [event] = parseKernelLog(
      [
        'Dec 14 17:13:12 kernel: [  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes sw...',
        'Dec 14 17:13:12 kernel: [ 483880]  1000 483880    73357    14530    12706     1824         0   180224        ...',
        'Dec 14 17:13:12 kernel: Memory cgroup out of memory: Killed process 483880 (python3) total-vm:293428kB, anon-...',
      ].join('\n'),
    ).events;
    expect(event).toMatchObject({ victim: { pid: 483880, oomScoreAdj: null }, tasks: [] });
  });
});

describe('wallSeconds', () => {
  const second = fc.integer({ min: -1e12, max: 4e12 }).map((ms) => new Date(ms).toISOString());
  /** ISO times, then the same with one character changed: bad fields, `T24:00:00.001Z`, other forms. */
  const wallTime = fc.oneof(
    second,
    fc
      .tuple(second, fc.nat(), fc.constantFrom('0', '2', '4', '5', '6', '9', 'Z', '.', ':', '-', ' ', 'x'))
      .map(([text, at, c]) => text.slice(0, at % text.length) + c + text.slice((at % text.length) + 1)),
    fc.constantFrom('2026-01-01T24:00:00.000Z', '2026-01-01T24:00:00.001Z', '2026-02-30T10:00:00.000Z', ''),
  );

  it('reads what Date.parse reads, whichever days and times came before', () => {
    fc.assert(
      fc.property(fc.array(wallTime, { minLength: 1, maxLength: 8 }), (times) => {
        for (const time of times) expect(wallSeconds(time)).toBe(Date.parse(time) / 1000);
      }),
      { numRuns: 2000 },
    );
  });
});
