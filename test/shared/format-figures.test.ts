import { describe, expect, it } from 'vitest';
import { formatDuration, formatKb, formatTime, percentOf, victimRssKb } from '../../shared/format-figures.ts';

describe('formatKb: kernel kB in the units of a pod spec', () => {
  it.each([
    [65536, '64Mi'],
    [524288, '512Mi'],
    [1572864, '1.5Gi'],
    [71800, '70.1Mi'],
    [812, '812Ki'],
    [0, '0Ki'],
    [9007199254740988, 'unlimited'],
  ])('%d kB → %s', (kb, text) => {
    expect(formatKb(kb)).toBe(text);
  });
});

describe('memory arithmetic', () => {
  it('percent of a real limit, none of "unlimited"', () => {
    expect(percentOf(49152, 65536)).toBe(75);
    expect(percentOf(65536, 9007199254740988)).toBeNull();
    expect(percentOf(null, 65536)).toBeNull();
  });

  it('victim RSS is anon + file + shmem, null when the kernel printed none', () => {
    expect(victimRssKb({ anonRssKb: 65152, fileRssKb: 6648, shmemRssKb: 0 })).toBe(71800);
    expect(victimRssKb({ anonRssKb: null, fileRssKb: null, shmemRssKb: null })).toBeNull();
  });

  it('times in UTC, and an unreadable time as it came', () => {
    expect(formatTime('2025-11-20T09:14:27.508Z')).toBe('2025-11-20 09:14:27 UTC');
    expect(formatTime('yesterday')).toBe('yesterday');
    expect(formatTime(null)).toBe('time unknown');
  });
});

describe('formatDuration', () => {
  it('says how long in seconds, minutes or hours', () => {
    expect(
      [0, 999, 40_000, 59_999, 60_000, 14 * 60_000, 125 * 60_000, 24 * 60 * 60_000].map(formatDuration),
    ).toEqual(['under 1 s', 'under 1 s', '40 s', '59 s', '1 min', '14 min', '2 h 5 min', '24 h']);
  });
});
