import { describe, expect, it } from 'vitest';
import { counterLine } from '../../../shared/kernel-lines/counter.ts';
import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'counter'>[] = [
  {
    source: 'test/fixtures/kernel-logs/kernel-6.18-cgroupv1-memcg.dmesg.log',
    line: 'memory: usage 65536kB, limit 65536kB, failcnt 98',
    expected: { counter: 'memory', usageKb: 65536, limitKb: 65536, failcnt: 98 },
  },
  {
    source: 'test/fixtures/kernel-logs/kernel-6.18-cgroupv1-memcg.dmesg.log',
    line: 'memory+swap: usage 65536kB, limit 9007199254740988kB, failcnt 0',
    expected: { counter: 'memory+swap', usageKb: 65536, limitKb: 9007199254740988, failcnt: 0 },
  },
  {
    source: 'kernel format: mm/memcontrol.c mem_cgroup_print_oom_meminfo (cgroup v2)',
    line: 'swap: usage 0kB, limit 9007199254740988kB, failcnt 0',
    expected: { counter: 'swap', usageKb: 0, limitKb: 9007199254740988, failcnt: 0 },
  },
  {
    // A u64 counter that wrapped below zero: no number holds it exactly, so it is unknown (seventeenth red team C/03).
    source: 'linux-mm, Bruno Prémont, 2018-02-15 (corpus 214, its quoted-printable soft break joined)',
    line: 'memory: usage 18446744073709537436kB, limit 16777216kB, failcnt 44',
    expected: { counter: 'memory', usageKb: null, limitKb: 16777216, failcnt: 44 },
  },
  {
    // Cut at a book's page width after the limit (Docker: Up & Running, Chinese edition: 42nd red team C/02).
    source: 'Docker: Up & Running, 3rd ed., Chinese translation, ch. 5 (index file 43559119199)',
    line: 'memory: usage 102380kB, limit 102400kB, failc …',
    expected: { counter: 'memory', usageKb: 102380, limitKb: 102400, failcnt: null },
  },
  {
    // An author's postmortem cut it before the count (42nd red team C/17).
    source: 'a postmortem quoting journalctl -k (index file 54359849923)',
    line: 'memory: usage 1048568kB, limit 1048576kB',
    expected: { counter: 'memory', usageKb: 1048568, limitKb: 1048576, failcnt: null },
  },
];

describeRealLines('counter', LINES);

describe('counter: a line cut after its limit', () => {
  it('reads both sizes whatever follows the limit’s kB, the count only where it ends the line', () => {
    const read = (line: string, truncated = false) => counterLine.read(line, truncated);
    expect(read('memory+swap: usage 204800kB, limit 204800kB,  …')).toMatchObject({
      usageKb: 204800,
      failcnt: null,
    });
    expect(read('kmem: usage 1kB, limit 2kB, failcnt 5')).toMatchObject({ failcnt: 5 });
    expect(read('kmem: usage 1kB, limit 2kB, failcnt 5', true)).toMatchObject({ limitKb: 2, failcnt: null });
    expect(read('kmem: usage 1kB, limit 2kB, failcnt 5 …')).toMatchObject({ failcnt: null });
    // What closes a writer's text after the count shows it whole (forty-fourth red team A/06: a gist's table).
    for (const after of [
      ' | |',
      '`',
      ')',
      ' (the limit)',
      ' \u00a0(the limit)',
      '</div>',
      '[/FONT]',
      '.',
      '; then',
      '。',
    ]) {
      expect(read(`memory: usage 1024000kB, limit 1024000kB, failcnt 4662${after}`)).toMatchObject({
        failcnt: 4662,
      });
    }
    // Digits after a space may be the count's rest, split off by a wrap; a cut mark may hide digits.
    for (const after of [' 62', '...', ' ...', '.5']) {
      expect(read(`memory: usage 1024000kB, limit 1024000kB, failcnt 46${after}`)).toMatchObject({
        failcnt: null,
      });
    }
    // A limit without its kB, or one that a word goes on from, is not whole.
    expect(read('memory: usage 1048568kB, limit 10485')).toBeNull();
    expect(read('memory: usage 1048568kB, limit 1048576kBytes')).toBeNull();
  });
});
