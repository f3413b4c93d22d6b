import type { RetryTiming } from '../../adapters/retry.ts';

/** A clock that only moves when the code under test sleeps (or the test says so); it records every sleep. */
export function fakeTiming(
  start = Date.parse('2025-03-14T09:30:00Z'),
): RetryTiming & { sleeps: number[]; advance(ms: number): void } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    random: () => 0.5,
    advance: (ms) => {
      now += ms;
    },
  };
}
