import { describe, expect, it } from 'vitest';
import { readTimeFlag, readTimeRange } from '../../cli/time-range.ts';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');

describe('--since and --until', () => {
  it.each([
    ['90s', NOW - 90_000],
    ['30m', NOW - 1_800_000],
    ['24h', NOW - 86_400_000],
    ['7d', NOW - 7 * 86_400_000],
    ['2w', NOW - 14 * 86_400_000],
    ['2026-11-20', Date.parse('2026-11-20T00:00:00Z')],
    ['2026-11-20T10:00Z', Date.parse('2026-11-20T10:00:00Z')],
    ['2026-11-20T10:00', Date.parse('2026-11-20T10:00:00Z')],
    ['2026-11-20 10:00:30', Date.parse('2026-11-20T10:00:30Z')],
    ['2026-11-20T10:00:00+02:00', Date.parse('2026-11-20T08:00:00Z')],
  ])('%s is %d', (text, expected) => {
    expect(readTimeFlag('--since', text, NOW)).toEqual({ ok: true, epochMs: expected });
  });

  it.each(['7', 'd', '7 days', '-7d', '2026-13-40', '2026-11-20T25:00Z', ''])(
    '%j is refused with the forms it takes',
    (text) => {
      expect(readTimeFlag('--until', text, NOW)).toEqual({
        ok: false,
        problem: `--until "${text}" is neither a duration (90s, 30m, 24h, 7d, 2w) nor a date (2025-11-20, 2025-11-20T10:00Z)`,
      });
    },
  );

  it('ends now without --until, and refuses an end before the start', () => {
    expect(readTimeRange('1h', null, NOW)).toEqual({ ok: true, startMs: NOW - 3_600_000, endMs: NOW });
    expect(readTimeRange('1h', '2h', NOW)).toEqual({
      ok: false,
      problem: '--until (2026-11-23T10:00:00.000Z) is not after --since (2026-11-23T11:00:00.000Z)',
    });
  });
});
