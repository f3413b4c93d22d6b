/**
 * isoFromMs against what it stands for: `new Date(ms).toISOString()`, null where no Date holds the time. It
 * keeps the text of the last second it wrote, so it is checked on runs of times that share seconds and that
 * do not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoFromMs } from '../../shared/iso-time.ts';

function dateIso(ms: number): string | null {
  const time = new Date(ms);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

const LIMIT = 8.64e15;

describe('isoFromMs', () => {
  it.each([
    0,
    -0,
    1,
    -1,
    999,
    1000,
    -1000,
    -1001,
    1.5,
    -1.5,
    0.999,
    1795359237691,
    1795359237691.9,
    LIMIT,
    -LIMIT,
    LIMIT + 1,
    -LIMIT - 1,
    1e20,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    253402300799999,
    253402300800000,
    -62167219200001,
    86_399_999,
    86_400_000,
    -86_400_000,
    -86_400_001,
  ])('writes %d as a Date does', (ms) => {
    expect(isoFromMs(ms)).toBe(dateIso(ms));
    expect(isoFromMs(ms)).toBe(dateIso(ms));
  });

  it('writes every time of a run as a Date does, whatever the time written before', () => {
    const near = fc
      .tuple(
        fc.integer({ min: -LIMIT, max: LIMIT }),
        fc.array(fc.integer({ min: -2500, max: 2500 }), { maxLength: 8 }),
      )
      .map(([base, steps]) => steps.map((step) => base + step));
    const nearMidnight = fc
      .tuple(
        fc.integer({ min: -1e8, max: 1e8 - 1 }),
        fc.array(fc.integer({ min: -2500, max: 2500 }), { maxLength: 8 }),
      )
      .map(([day, steps]) => steps.map((step) => day * 86_400_000 + step));
    const any = fc.array(
      fc.oneof(
        fc.double({ min: -LIMIT - 5000, max: LIMIT + 5000 }),
        fc.double(),
        fc.integer({ min: -5000, max: 5000 }),
        fc.constantFrom(LIMIT, -LIMIT, LIMIT - 0.5, -LIMIT + 0.5),
      ),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(fc.oneof(near, nearMidnight, any), (times) => {
        for (const ms of times) expect([ms, isoFromMs(ms)]).toEqual([ms, dateIso(ms)]);
      }),
      { numRuns: 5000 },
    );
  });
});
