import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKernelLine } from '../../../shared/kernel-line.ts';
import { pidAndComm, signedNumber } from '../../../shared/kernel-lines/message-fields.ts';

describe('signedNumber', () => {
  it('reads in place what Number reads of a `-?\\d+` text, and nothing else', () => {
    const text = fc
      .array(fc.constantFrom('-', '0', '1', '7', '9', ' ', '+', '.', 'e', 'x', '٣'), { maxLength: 22 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(text, fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), (t, before, after) => {
        // Beyond 2^53 no number holds it exactly: null, not Number's rounding.
        const expected = /^-?\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : null;
        expect(signedNumber(before + t + after, before.length, before.length + t.length)).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads a number longer than 15 digits as Number does while a double holds it exactly, else gives null', () => {
    for (const t of ['9007199254740991', '-9007199254740988', '-0', '0000000000000000001'])
      expect(signedNumber(t, 0, t.length)).toBe(Number(t));
    // A u64 counter that wrapped below zero (corpus 214): Number would round it to a value the text does not hold.
    for (const t of ['9007199254740993', '18446744073709537436', '18446744073709551615', '-9007199254740993'])
      expect(signedNumber(t, 0, t.length)).toBeNull();
  });
});

describe('pidAndComm: the pid glued to its comm (red team 21 N/01: `Killed process 25507(oom01)`)', () => {
  it('reads the pid and the comm as with the space, for every line that prints `N (comm)`', () => {
    expect(pidAndComm('25507(oom01) total-vm:6324780kB', [') total-vm:'])).toEqual({
      pid: 25507,
      name: 'oom01',
      tail: ' total-vm:6324780kB',
    });
    expect(pidAndComm('2629(tuned), now anon-rss:0kB', ['), now ', ')'])).toMatchObject({
      pid: 2629,
      name: 'tuned',
    });
    // A comm that opens with a parenthesis of its own (`(agetty)`) stays whole.
    expect(pidAndComm('747((agetty)) score 0', [') score ', ')'])).toMatchObject({
      pid: 747,
      name: '(agetty)',
    });
  });

  it('reads no pid that is not digits alone before the parenthesis', () => {
    expect(pidAndComm('x25507(oom01) total-vm:1kB', [') total-vm:'])).toBeNull();
    expect(pidAndComm('12 3(oom01) total-vm:1kB', [') total-vm:'])).toBeNull();
    expect(pidAndComm('(oom01) total-vm:1kB', [') total-vm:'])).toBeNull();
  });

  it.each([
    [
      'a choice of victim',
      'Out of memory: Kill process 25507(oom01) score 900 or sacrifice child',
      'sacrifice',
    ],
    [
      'a victim already exiting',
      'OOM victim 25507(oom01) is already exiting. Skip killing the task',
      'already-exiting',
    ],
    ['a process sharing its memory', 'Kill process 25507(oom01) sharing same memory', 'shared-memory-kill'],
    ['a reaper that gave up', 'oom_reaper: unable to reap pid:25507(oom01)', 'reaped'],
  ])('so in %s', (_case, line, kind) => {
    expect(parseKernelLine(line)).toEqual({
      kind: 'line',
      line: expect.objectContaining({ kind, pid: 25507, name: 'oom01' }),
    });
  });

  it('reads a kill line cut inside a glued comm as a kill of the pid, its name unknown', () => {
    expect(parseKernelLine('Out of memory: Killed process 25507(oom')).toEqual({
      kind: 'line',
      line: expect.objectContaining({ kind: 'kill', pid: 25507, name: null, fields: {} }),
    });
  });
});
