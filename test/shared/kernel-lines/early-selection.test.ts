import { describe, expect, it } from 'vitest';
import { earlySelectionLine } from '../../../shared/kernel-lines/early-selection.ts';
import { parseKernelLine } from '../../../shared/kernel-line.ts';

// The real lines are in sacrifice.test.ts: both recognizers give a `sacrifice` line.
describe('the 2.6.19–2.6.35 spelling of the choice of victim', () => {
  it('reads the kernel’s line, which goes on with its score', () => {
    expect(
      earlySelectionLine.read('Out of memory: kill process 2908 (sshd) score 379 or a child', false),
    ).toEqual({
      kind: 'sacrifice',
      message: 'Out of memory',
      pid: 2908,
      name: 'sshd',
      score: 379,
    });
  });

  it('reads no prose that says to kill a process', () => {
    const prose = 'Then I had to kill process 1234 (java) by hand, as the OOM killer did nothing.';
    expect(earlySelectionLine.read(prose, false)).toBeNull();
    expect(parseKernelLine(prose).kind).not.toBe('line');
  });
});
