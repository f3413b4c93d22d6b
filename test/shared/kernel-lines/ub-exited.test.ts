import { describe, expect, it } from 'vitest';
import { ubExitedLine } from '../../../shared/kernel-lines/ub-exited.ts';
import { parseKernelLog } from '../../../shared/kernel-log.ts';
import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'ub-exited'>[] = [
  {
    source:
      'test/fixtures/kernel-logs/corpus/210-serverfault-openvz-2.6.18-kill-signal-oom-killed-process-exited-ve.log',
    line: 'OOM killed process watchdog (pid=14490, ve=13516) exited, free=43104 gen=24501.',
    expected: { pid: 14490, name: 'watchdog' },
  },
  {
    source: 'kernel format: OpenVZ kernel/bc/oom_kill.c, ub_oom_mm_dead (no `gen=`)',
    line: 'OOM killed process java (pid=2210, ve=101) exited, free=18233.',
    expected: { pid: 2210, name: 'java' },
  },
];

describeRealLines('ub-exited', LINES);

describe('ub-exited', () => {
  it('keeps a comm that holds what closes it', () => {
    expect(ubExitedLine.read('OOM killed process a (pid=1) b (pid=31, ve=7) exited, free=1.', false)).toEqual(
      {
        kind: 'ub-exited',
        pid: 31,
        name: 'a (pid=1) b',
      },
    );
  });

  it('reads no line without the pid, the container and `exited`', () => {
    for (const text of [
      'OOM killed process watchdog (pid=14490) exited, free=43104 gen=24501.',
      'OOM killed process watchdog (pid=, ve=13516) exited, free=43104.',
      'OOM killed process watchdog (pid=14490, ve=13516), free=43104.',
      'The OOM killed process watchdog (pid 14490) last night.',
    ])
      expect(ubExitedLine.read(text, false)).toBeNull();
  });
});

describe('ub-exited in a log', () => {
  it('confirms the kill a kill line showed, and alone is an incomplete kill of its own', () => {
    const { events } = parseKernelLog(
      [
        '[ 8120.001123] Out of memory in UB 1234: OOM killed process 21738 (php-cgi) score 0 vm:281988kB, rss:17004kB, swap:0kB',
        '[ 8120.250001] OOM killed process php-cgi (pid=21738, ve=1234) exited, free=43104 gen=24501.',
        '[ 8190.250001] OOM killed process tail (pid=4457, ve=1234) exited, free=43104 gen=24502.',
      ].join('\n'),
    );
    expect(events.map((e) => [e.victim.pid, e.victim.name, e.complete])).toEqual([
      [21738, 'php-cgi', false],
      [4457, 'tail', false],
    ]);
  });
});
