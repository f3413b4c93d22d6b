import { describe, expect, it } from 'vitest';
import { attemptCall, backoffDelayMs, retryWithBackoff } from '../../adapters/retry.ts';
import type { Attempt } from '../../adapters/retry.ts';
import { fakeTiming } from './fake-timing.ts';

/** Attempts that fail (retryably) `failures` times, then succeed with the number of the attempt. */
function failingTimes(failures: number): {
  attempt: () => Promise<Attempt<number, string>>;
  calls: () => number;
} {
  let calls = 0;
  return {
    attempt: () => {
      calls++;
      return Promise.resolve(
        calls > failures
          ? { ok: true, value: calls }
          : { ok: false, failure: `failure ${calls}`, retryable: true },
      );
    },
    calls: () => calls,
  };
}

describe('backoffDelayMs', () => {
  const timing = fakeTiming();

  it('doubles from the base, up to the longest wait', () => {
    const backoff = { baseDelayMs: 200, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, backoff, timing))).toEqual([
      200, 400, 800, 1_000, 1_000,
    ]);
  });

  it('with equal jitter waits half the ceiling and a random share of the other half', () => {
    const backoff = { baseDelayMs: 100, jitter: 'equal' as const };
    expect([1, 2, 3].map((n) => backoffDelayMs(n, backoff, timing))).toEqual([75, 150, 300]);
    expect(backoffDelayMs(1, backoff, { ...timing, random: () => 0 })).toBe(50);
  });
});

describe('retryWithBackoff', () => {
  it('waits between attempts until one succeeds, and counts them', async () => {
    const timing = fakeTiming();
    const { attempt } = failingTimes(3);
    expect(await retryWithBackoff(attempt, { timing, baseDelayMs: 100 })).toEqual({
      ok: true,
      value: 4,
      attempts: 4,
    });
    expect(timing.sleeps).toEqual([100, 200, 400]);
  });

  it('stops at a failure that is not worth another attempt', async () => {
    const timing = fakeTiming();
    const result = await retryWithBackoff(
      () => Promise.resolve({ ok: false, failure: 'denied', retryable: false }),
      { timing, baseDelayMs: 100 },
    );
    expect(result).toEqual({ ok: false, stop: 'final', failure: 'denied', attempts: 1 });
    expect(timing.sleeps).toEqual([]);
  });

  it('stops after the last attempt without waiting again', async () => {
    const timing = fakeTiming();
    const { attempt, calls } = failingTimes(10);
    expect(await retryWithBackoff(attempt, { timing, baseDelayMs: 100, maxAttempts: 3 })).toEqual({
      ok: false,
      stop: 'attempts',
      failure: 'failure 3',
      attempts: 3,
    });
    expect(calls()).toBe(3);
    expect(timing.sleeps).toEqual([100, 200]);
  });

  it('does not begin a wait that would end at or past the deadline', async () => {
    const timing = fakeTiming();
    const { attempt } = failingTimes(10);
    const result = await retryWithBackoff(attempt, {
      timing,
      baseDelayMs: 200,
      deadline: timing.now() + 1_000,
    });
    // 200 + 400 ms fit in 1 s; the next 800 ms would not.
    expect(result).toEqual({ ok: false, stop: 'wait-past-deadline', failure: 'failure 3', attempts: 3 });
    expect(timing.sleeps).toEqual([200, 400]);
  });

  it('starts no attempt once the deadline has passed', async () => {
    const timing = fakeTiming();
    const { attempt, calls } = failingTimes(0);
    expect(await retryWithBackoff(attempt, { timing, baseDelayMs: 100, deadline: timing.now() })).toEqual({
      ok: false,
      stop: 'deadline-passed',
      failure: null,
      attempts: 0,
    });
    expect(calls()).toBe(0);
  });

  it('reports the last failure when the deadline passed during a wait (a sleep that overran)', async () => {
    const timing = fakeTiming();
    const overrunning = { ...timing, sleep: (ms: number) => timing.sleep(ms * 10) };
    const result = await retryWithBackoff(failingTimes(10).attempt, {
      timing: overrunning,
      baseDelayMs: 100,
      deadline: timing.now() + 1_000,
    });
    expect(result).toEqual({ ok: false, stop: 'deadline-passed', failure: 'failure 1', attempts: 1 });
    expect(timing.sleeps).toEqual([1_000]);
  });

  it('waits at least as long as the failure asks (a Retry-After)', async () => {
    const timing = fakeTiming();
    let calls = 0;
    const result = await retryWithBackoff<string, string>(
      () =>
        Promise.resolve(
          ++calls === 1
            ? { ok: false, failure: 'throttled', retryable: true, waitAtLeastMs: 4_000 }
            : { ok: true, value: 'done' },
        ),
      { timing, baseDelayMs: 100 },
    );
    expect(result).toMatchObject({ ok: true, value: 'done' });
    expect(timing.sleeps).toEqual([4_000]);
  });

  it('lets an error an attempt throws reach the caller', async () => {
    await expect(
      retryWithBackoff(() => Promise.reject(new Error('broken')), { timing: fakeTiming(), baseDelayMs: 1 }),
    ).rejects.toThrow('broken');
  });
});

describe('attemptCall', () => {
  const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
  const isThrottled = (error: unknown) => error === throttled;

  it('turns a result into a success and an error into a failure the predicate judges', async () => {
    expect(await attemptCall(() => Promise.resolve(7), isThrottled)).toEqual({ ok: true, value: 7 });
    expect(await attemptCall(() => Promise.reject(throttled), isThrottled)).toEqual({
      ok: false,
      failure: throttled,
      retryable: true,
    });
    const denied = new Error('denied');
    expect(await attemptCall(() => Promise.reject(denied), isThrottled)).toEqual({
      ok: false,
      failure: denied,
      retryable: false,
    });
  });
});
