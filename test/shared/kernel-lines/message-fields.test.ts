import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signedNumber } from '../../../shared/kernel-lines/message-fields.ts';

describe('signedNumber', () => {
  it('reads in place what Number reads of a `-?\\d+` text, and nothing else', () => {
    const text = fc
      .array(fc.constantFrom('-', '0', '1', '7', '9', ' ', '+', '.', 'e', 'x', '٣'), { maxLength: 22 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(text, fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), (t, before, after) => {
        const expected = /^-?\d+$/.test(t) ? Number(t) : null;
        expect(signedNumber(before + t + after, before.length, before.length + t.length)).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('rounds a number longer than a double holds as Number does', () => {
    for (const t of [
      '9007199254740993',
      '18446744073709551615',
      '-9007199254740988',
      '-0',
      '0000000000000000001',
    ]) {
      expect(signedNumber(t, 0, t.length)).toBe(Number(t));
    }
  });
});
