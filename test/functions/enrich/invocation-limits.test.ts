import { describe, expect, it } from 'vitest';
import {
  LEASE_MARGIN_MS,
  enrichDeadline,
  invocationLimits,
} from '../../../functions/enrich/invocation-limits.ts';

describe('enrichDeadline', () => {
  it('keeps 5 s of the remaining time for publishing and settling claims', () => {
    expect(enrichDeadline(1_000, 30_000)).toBe(26_000);
    expect(enrichDeadline(1_000, 3_000)).toBe(1_000);
  });
});

describe('invocationLimits', () => {
  it('leases each claim for the remaining time and 10 s more', () => {
    expect(LEASE_MARGIN_MS).toBe(10_000);
    expect(invocationLimits(1_000, 30_000)).toEqual({ deadline: 26_000, leaseMs: 40_000 });
  });
});
