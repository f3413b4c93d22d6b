import { describe, expect, it } from 'vitest';
import { sacrificeLine } from '../../../shared/kernel-lines/sacrifice.ts';
import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'shared-memory-kill'>[] = [
  {
    source: 'test/fixtures/kernel-logs/corpus/87-lkml-4.2-kills-of-processes-sharing-the-victims-memory.log',
    line: 'Kill process 4803 (fool-sysrq-f) sharing same memory',
    expected: { pid: 4803, name: 'fool-sysrq-f' },
  },
  {
    source: 'linux-mm, "mm, oom: …", 2015 (index file 37248695566): busybox init vforked by the victim',
    line: 'Kill process 1 (init) sharing same memory',
    expected: { pid: 1, name: 'init' },
  },
];

describeRealLines('shared-memory-kill', LINES);

describe('a kill of a process sharing the memory', () => {
  it('is no choice of victim', () => {
    expect(sacrificeLine.read('Kill process 4803 (fool-sysrq-f) sharing same memory', false)).toBeNull();
  });
});
