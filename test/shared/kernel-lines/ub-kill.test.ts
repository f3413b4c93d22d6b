import { describe, expect, it } from 'vitest';
import { ubKillLine } from '../../../shared/kernel-lines/ub-kill.ts';
import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'ub-kill'>[] = [
  {
    source: 'Plesk knowledge base 123671, Virtuozzo (corpus 92, the wrap after `OOM ` joined)',
    line: 'Out of memory in UB 1234: OOM killed process 21738 (php-cgi) score 0 vm:281988kB, rss:17004kB, swap:0kB',
    expected: { message: 'Out of memory in UB 1234', pid: 21738, name: 'php-cgi', fields: {} },
  },
  {
    source:
      'Ubuntu Forums 2014 "Disable the OOM Killer", an OpenVZ VPS user\'s container log (38th red team A/04, corpus 263)',
    line: 'OOM killed process 659 (java) vm:4973220kB, rss:2066504kB, swap:0kB',
    expected: { message: null, pid: 659, name: 'java', fields: {} },
  },
];

describeRealLines('ub-kill', LINES);

describe('ub-kill', () => {
  it('reads no prose that says a process was OOM killed', () => {
    expect(ubKillLine.read('The OOM killed process 1234 (java) last night.', false)).toBeNull();
    expect(
      ubKillLine.read('my script printed OOM killed process 1234 (java) vm:lots of it', false),
    ).toBeNull();
  });
});
