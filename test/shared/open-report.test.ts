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
