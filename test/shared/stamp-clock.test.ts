import { describe, expect, it } from 'vitest';
import { readLogRecord } from '../../shared/log-record.ts';
import { parseKernelLog } from '../../shared/kernel-log.ts';
import { stampsApart } from '../../shared/stamp-clock.ts';

const SPAN = 10;

describe('stampsApart: stamps as printed, with no zone or year', () => {
  it.each([
    ['Mar  8 11:36:09', 'Mar  8 11:36:19', false],
    ['Mar  8 11:36:09', 'Mar  8 11:36:20', true],
    ['Mar  8 11:36:09', 'Mar 8 11:37:09', true],
    ['Mar  8 11:36:09', 'Mar  9 08:05:01', true],
    // A day later at the same time of day, and a moment either side of midnight.
    ['Mar  8 11:36:09', 'Mar  9 11:36:09', true],
    ['Mar  8 23:59:55', 'Mar  9 00:00:03', false],
    ['Mar  8 23:59:45', 'Mar  9 00:00:03', true],
    // `dmesg -T` in English and German, a fraction, a Polish month, a time of day alone, an ISO stamp without zone.
    ['Sun Mar  8 11:36:09 2015', 'Mon Mar  9 08:05:01 2015', true],
    ['So Jun  9 10:11:12 2013', 'So Jun  9 10:11:15 2013', false],
    ['Mar  8 11:36:09.100000', 'Mar  8 11:36:19.200000', true],
    ['wrz 13 10:11:12', 'wrz 13 10:11:30', true],
    ['10:44:23', '10:44:25', false],
    ['2026-12-06T01:56:03', '2026-12-06T01:56:33.5', true],
    // Reversed (a paste newest first) is the same gap.
    ['Mar  9 08:05:01', 'Mar  8 11:36:09', true],
    // `dmesg -T -d`'s delta after the stamp, different on every line, is no part of the day (the review of this rule).
    ['Sun Mar  8 11:36:09 2026 <    0.000002>', 'Sun Mar  8 11:36:09 2026 <    0.000013>', false],
    ['Sun Mar  8 11:36:09 2026 <    0.000002>', 'Mon Mar  9 11:36:09 2026 <    0.000013>', true],
    // journalctl pads the day with a zero, syslog with a space: one day.
    ['Mar 08 11:36:09', 'Mar  8 11:36:12', false],
    // A time of day alone names no day: 23:59:59 and 00:00:01 may be 2 s apart (the second review).
    ['23:59:59', '00:00:01', false],
    ['23:59:59', '00:01:30', true],
    // Across midnight only into the next day (a month's or a year's end too), not twelve days later.
    ['Mar  8 23:59:55', 'Mar 20 00:00:03', true],
    // The 1st is the next day only after a month's last day (the third review).
    ['Mar  1 23:59:55', 'Mar 20 00:00:03', true],
    ['2026-03-01T23:59:55', '2026-03-20T00:00:03', true],
    ['Feb 28 23:59:55', 'Mar  1 00:00:03', false],
    ['Mar 31 23:59:55', 'Apr  1 00:00:03', false],
    ['Sat Dec 31 23:59:55 2022', 'Sun Jan  1 00:00:03 2023', false],
    ['2026-12-31T23:59:55', '2027-01-01T00:00:03', false],
  ])('%s then %s: apart %s', (earlier, later, apart) => {
    expect(stampsApart(earlier, later, SPAN)).toBe(apart);
  });

  it('does not compare two writers’ stamps, a stamp without a time of day, or a missing one', () => {
    // A syslog stamp and a `dmesg -T` one in one paste: two clocks, not two days.
    expect(stampsApart('Mar  8 11:36:09', 'Sun Mar  8 11:36:09 2015', SPAN)).toBe(false);
    expect(stampsApart('Jun30', 'Jul 1 10:00:00', SPAN)).toBe(false);
    expect(stampsApart(undefined, 'Mar  8 11:36:09', SPAN)).toBe(false);
    expect(stampsApart('Mar  8 11:36:09', null, SPAN)).toBe(false);
  });
});

// The Japanese notes of corpus 260 (CentOS 6.6 syslog), cut to the lines that matter: a header and its CPU line
// that never reach a kill, then a choice and a kill the next morning.
const DAY_OLD_HEADER = [
  'Mar  8 11:36:09 vagrant-centos65 kernel: ruby invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0, oom_score_adj=0',
  'Mar  8 11:36:09 vagrant-centos65 kernel: ruby cpuset=/ mems_allowed=0',
  'Mar  8 11:36:09 vagrant-centos65 kernel: Pid: 6607, comm: ruby Tainted: G           --------------- H  2.6.32-431.el6.x86_64 #1',
  'Mar  8 11:36:09 vagrant-centos65 kernel: [ 6607]   500  6607   479367   413106   0       0             0 ruby ★',
  'Mar  9 08:05:01 vagrant-centos65 kernel: Out of memory: Kill process 9772 (ruby) score 940 or sacrifice child',
  'Mar  9 08:05:01 vagrant-centos65 kernel: Killed process 9787 (ruby) total-vm:511968kB, anon-rss:238956kB, file-rss:0kB',
];

describe('a report whose lines have only stamps as printed', () => {
  it('ends on a gap of its stamps: a header that never reached its kill lends a later kill nothing', () => {
    expect(readLogRecord(DAY_OLD_HEADER[0] as string)).toMatchObject({
      stamp: 'Mar  8 11:36:09',
      wallTime: null,
    });
    const { events, drift } = parseKernelLog(DAY_OLD_HEADER.join('\n'), { file: 'messages' });
    expect(events.map((e) => [e.victim.pid, e.trigger, e.tasks.length, e.constraint])).toEqual([
      [9787, null, 0, 'system'],
    ]);
    expect(drift.map((d) => [d.ref, d.reason])).toEqual([[1, 'OOM report without a kill line']]);
  });

  it('is not ended by a call-trace frame stamped apart: `scan` sets such a frame aside unread, and both ways agree', () => {
    // The shrunk counterexample of the prefilter's property test: a frame hours off among a report's lines.
    const text = [
      'Nov 20 16:10:00 ip-10-0-3-54 kernel: ruby invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0',
      'Nov 20 17:23:03 ip-10-0-3-54 kernel:  __mem_cgroup_charge+0x2c/0x90',
      'Nov 20 16:10:00 ip-10-0-3-54 kernel: Killed process 9787 (ruby) total-vm:511968kB, anon-rss:238956kB, file-rss:0kB',
    ].join('\n');
    const triggers = (options?: { prefilter: boolean }) =>
      parseKernelLog(text, { file: 'messages' }, options).events.map((e) => [
        e.victim.pid,
        e.trigger?.name ?? null,
      ]);
    expect(triggers()).toEqual([[9787, 'ruby']]);
    expect(triggers({ prefilter: false })).toEqual([[9787, 'ruby']]);
  });

  it('lends no CPU line of a report whose header was lost to a kill a day later (the second review of the rule)', () => {
    const lines = [
      'Mar  8 11:36:09 ip-10-0-3-115 kernel: CPU: 1 PID: 4242 Comm: java Not tainted 5.10.0 #1',
      'Mar  8 11:36:09 ip-10-0-3-115 kernel: Call Trace:',
      'Mar  8 11:36:09 ip-10-0-3-115 kernel:  dump_header+0x4a/0x1f0',
      'Mar  8 11:36:09 ip-10-0-3-115 kernel:  oom_kill_process+0xe9/0x244',
      'Mar  9 08:10:44 ip-10-0-3-115 kernel: Out of memory: Killed process 999 (python3) total-vm:4302196kB, anon-rss:2502140kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:8204kB oom_score_adj:0',
    ];
    const triggers = (text: string[]) =>
      parseKernelLog(text.join('\n'), { file: 'messages' }).events.map((e) => [
        e.victim.pid,
        e.trigger?.pid ?? null,
      ]);
    expect(triggers(lines)).toEqual([[999, null]]);
    // The same kill 2 s after the CPU line takes it, as before.
    expect(triggers(lines.map((line) => line.replace('Mar  9 08:10:44', 'Mar  8 11:36:11')))).toEqual([
      [999, 4242],
    ]);
  });

  it('stays one report over a syslog daemon held back 12 s during the OOM, and over `dmesg -T -d` deltas', () => {
    // Rsyslog stamps a line as it reads it; the reviewer's inputs: a stall before the kill line, and `dmesg -T -d`.
    const stalled = [
      'Mar  8 11:36:09 host kernel: stress invoked oom-killer: gfp_mask=0x6280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), order=0, oom_score_adj=0',
      'Mar  8 11:36:09 host kernel: CPU: 1 PID: 4242 Comm: stress Not tainted 5.10.0-21-amd64 #1',
      'Mar  8 11:36:09 host kernel: [   4242]     0  4242   500000   480000  3900000        0             0 stress',
      'Mar  8 11:36:21 host kernel: Out of memory: Killed process 4242 (stress) total-vm:2000000kB, anon-rss:1920000kB, file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:3808kB oom_score_adj:0',
    ];
    const deltas = [
      '[Sun Mar  8 11:36:09 2026 <    0.000002>] stress invoked oom-killer: gfp_mask=0x6280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), order=0, oom_score_adj=0',
      '[Sun Mar  8 11:36:09 2026 <    0.000013>] CPU: 1 PID: 4242 Comm: stress Not tainted 5.10.0-21-amd64 #1',
      '[Sun Mar  8 11:36:09 2026 <    0.000020>] Out of memory: Killed process 4242 (stress) total-vm:2000000kB, anon-rss:1920000kB, file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:3808kB oom_score_adj:0',
    ];
    for (const lines of [stalled, deltas]) {
      const { events, drift } = parseKernelLog(lines.join('\n'), { file: 'messages' });
      expect(events.map((e) => [e.victim.pid, e.trigger?.pid])).toEqual([[4242, 4242]]);
      expect(drift).toEqual([]);
    }
  });

  it('stays one report while its stamps are within the span, and on a kernel time whatever the stamps say', () => {
    const sameMinute = DAY_OLD_HEADER.map((line) => line.replace(/^Mar {2}9 08:05:01/, 'Mar  8 11:36:12'));
    expect(
      parseKernelLog(sameMinute.join('\n'), { file: 'messages' }).events.map((e) => e.trigger?.pid),
    ).toEqual([6607]);
    // A syslog daemon held back during the OOM stamps late: the kernel's times say one report.
    const stalled = DAY_OLD_HEADER.map((line, i) =>
      line.replace(/ kernel: /, ` kernel: [ ${(5120 + i * 0.001).toFixed(6)}] `),
    );
    expect(
      parseKernelLog(stalled.join('\n'), { file: 'messages' }).events.map((e) => e.trigger?.pid),
    ).toEqual([6607]);
  });
});
