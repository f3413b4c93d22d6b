import { describe, expect, it } from 'vitest';
import { conditionalWrite, epochSeconds, tableKey } from '../../../adapters/state/state-table.ts';

describe('the state table', () => {
  it('keys items by pk and keeps TTLs in epoch seconds', () => {
    expect(tableKey('storm#sweep')).toEqual({ pk: 'storm#sweep' });
    expect(epochSeconds(Date.parse('2026-11-22T14:53:57.691Z'))).toBe(1_795_359_237);
  });
});

describe('conditionalWrite', () => {
  const failedCondition = Object.assign(new Error('The conditional request failed'), {
    name: 'ConditionalCheckFailedException',
  });

  it('gives the output of a write that went through, and null when its condition did not hold', async () => {
    expect(await conditionalWrite(() => Promise.resolve({ Attributes: { kills: 2 } }))).toEqual({
      Attributes: { kills: 2 },
    });
    expect(await conditionalWrite(() => Promise.reject(failedCondition))).toBeNull();
  });

  it('lets any other error through', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ProvisionedThroughputExceededException',
    });
    await expect(conditionalWrite(() => Promise.reject(throttled))).rejects.toBe(throttled);
  });
});
