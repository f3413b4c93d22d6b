import { describe, expect, it } from 'vitest';
import { PAGE_ENRICH_BUDGET_MS, pageLimits } from '../../../cli/backfill/backfill-delivery.ts';

describe('pageLimits', () => {
  it('gives a page a minute on the API and leases its claims 30 s longer', () => {
    expect(PAGE_ENRICH_BUDGET_MS).toBe(60_000);
    expect(pageLimits(1_000)).toEqual({ deadline: 61_000, leaseMs: 90_000 });
  });
});
