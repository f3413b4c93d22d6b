import { describe, expect, it } from 'vitest';
import { formatSize } from '../../../cli/query/results-table.ts';

describe('query results table', () => {
  it.each([
    [900, '900 KiB'],
    [65152, '63.6 MiB'],
    [65536, '64.0 MiB'],
    [4 * 1024 * 1024, '4.0 GiB'],
  ])('formatSize(%i) is %s', (kb, text) => {
    expect(formatSize(kb)).toBe(text);
  });
});
