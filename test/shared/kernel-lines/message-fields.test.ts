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
