import { describe, expect, it } from 'vitest';
import { AFTER_DEADLINE } from '../../../adapters/enrich/enrich-events.ts';
import { PUT_EVENTS_TIMEOUT_MS } from '../../../adapters/sinks/publish-events.ts';
import { CLAIM_CALL_TIMEOUT_MS } from '../../../adapters/state/dynamodb-claim-store.ts';
import {
  API_RESERVE_MS,
  LEASE_MARGIN_MS,
  enrichDeadline,
  invocationLimits,
} from '../../../functions/enrich/invocation-limits.ts';

describe('enrichDeadline', () => {
  it('keeps 5 s of the remaining time for publishing and settling claims', () => {
    expect(enrichDeadline(1_000, 30_000)).toBe(26_000);
    expect(enrichDeadline(1_000, 3_000)).toBe(1_000);
  });

  it('leaves time in the reserve for the last PutEvents and the last claim write to end', () => {
    expect(AFTER_DEADLINE.publishMs).toBeLessThanOrEqual(AFTER_DEADLINE.settleMs);
    expect(AFTER_DEADLINE.settleMs + CLAIM_CALL_TIMEOUT_MS).toBeLessThan(API_RESERVE_MS);
    expect(PUT_EVENTS_TIMEOUT_MS).toBeLessThan(API_RESERVE_MS);
  });
});

describe('invocationLimits', () => {
  it('leases each claim for the remaining time and 10 s more', () => {
    expect(LEASE_MARGIN_MS).toBe(10_000);
    expect(invocationLimits(1_000, 30_000)).toEqual({ deadline: 26_000, leaseMs: 40_000 });
  });
});
