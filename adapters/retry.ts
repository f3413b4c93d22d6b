/**
 * Trying again, one way for every caller: exponential backoff with optional jitter, an attempt limit and a
 * deadline. The caller says what one attempt is and whether its failure is worth another; this decides how
 * long to wait, when to stop, and says why it stopped.
 */

/** The clock, the waits and the dice of a retry: the real ones in production, a fake in tests. */
export interface RetryTiming {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** In [0, 1), for backoff jitter; Math.random when absent. */
  random?(): number;
}

export const realTiming: RetryTiming = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

export interface Backoff {
  /** The wait after the first attempt (with jitter, its ceiling); doubled after each further attempt. */
  baseDelayMs: number;
  /** No wait is longer. Default: no limit. */
  maxDelayMs?: number;
  /**
   * 'equal': at least half of each wait, the rest random, so that many callers retrying at once spread out
   * without collapsing to 0. Default 'none': the wait itself.
   */
  jitter?: 'none' | 'equal';
}

export interface RetryPolicy extends Backoff {
  timing: RetryTiming;
  /** Attempts, the first included. Default: no limit. */
  maxAttempts?: number;
  /** Epoch ms: no attempt starts after it, and no wait begins that would end at or past it. Default: none. */
  deadline?: number;
}

/** What one attempt came to. `waitAtLeastMs` lengthens the next wait (a Retry-After). */
export type Attempt<T, F> =
  { ok: true; value: T } | { ok: false; failure: F; retryable: boolean; waitAtLeastMs?: number };

export type Retried<T, F> =
  | { ok: true; value: T; attempts: number }
  /**
   * 'final': the failure was not retryable; 'attempts': the attempt limit was reached; 'wait-past-deadline':
   * the next wait would have ended at or past the deadline.
   */
  | { ok: false; stop: 'final' | 'attempts' | 'wait-past-deadline'; failure: F; attempts: number }
  /** The deadline had passed before the next attempt could start; `failure` is null when none had run. */
  | { ok: false; stop: 'deadline-passed'; failure: F | null; attempts: number };

/** The wait after attempt number `attempt` (from 1). */
export function backoffDelayMs(attempt: number, backoff: Backoff, timing: RetryTiming): number {
  const ceiling = Math.min(
    backoff.maxDelayMs ?? Number.POSITIVE_INFINITY,
    backoff.baseDelayMs * 2 ** (attempt - 1),
  );
  if (backoff.jitter !== 'equal') return ceiling;
  const random = timing.random?.() ?? Math.random();
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/** `attempt` until it succeeds, fails for good, runs out of attempts, or would run past the deadline. */
export async function retryWithBackoff<T, F>(
  attempt: () => Promise<Attempt<T, F>>,
  policy: RetryPolicy,
): Promise<Retried<T, F>> {
  const { timing } = policy;
  const deadline = policy.deadline ?? Number.POSITIVE_INFINITY;
  const maxAttempts = policy.maxAttempts ?? Number.POSITIVE_INFINITY;
  let last: F | null = null;
  for (let attempts = 1; ; attempts++) {
    if (timing.now() >= deadline) {
      return { ok: false, stop: 'deadline-passed', failure: last, attempts: attempts - 1 };
    }
    const result = await attempt();
    if (result.ok) return { ok: true, value: result.value, attempts };
    const { failure } = result;
    last = failure;
    if (!result.retryable) return { ok: false, stop: 'final', failure, attempts };
    if (attempts >= maxAttempts) return { ok: false, stop: 'attempts', failure, attempts };
    const wait = Math.max(backoffDelayMs(attempts, policy, timing), result.waitAtLeastMs ?? 0);
    if (timing.now() + wait >= deadline) return { ok: false, stop: 'wait-past-deadline', failure, attempts };
    await timing.sleep(wait);
  }
}

/** One attempt of a call that throws: the error is the failure, worth another attempt when `retryable` says so. */
export async function attemptCall<T>(
  call: () => Promise<T>,
  retryable: (error: unknown) => boolean,
): Promise<Attempt<T, unknown>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, failure: error, retryable: retryable(error) };
  }
}
