/**
 * Calls to the Kubernetes API with retries inside a time budget. The budget is a deadline derived from the
 * Lambda's remaining time, so a slow or refusing API turns into an "unavailable" enrichment, never a timeout
 * that loses the batch.
 */
import { errorMessage, errorNameOf } from '../shared/error-text.ts';

export interface ApiFailure {
  /** HTTP status, or null when no answer came (refused, reset, timed out). */
  status: number | null;
  reason: string;
  retryable: boolean;
  /** From a 429's Retry-After, in ms. */
  retryAfterMs: number | null;
}

export type CallResult<T> = { ok: true; value: T } | { ok: false; failure: ApiFailure };

export interface RetryTiming {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** In [0, 1), for backoff jitter. */
  random(): number;
}

export interface RetryPolicy {
  timing: RetryTiming;
  /** Epoch ms after which no attempt starts and no backoff is waited for. */
  deadline: number;
  /** The longest one request may take before it is abandoned and retried. */
  attemptTimeoutMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY = { attemptTimeoutMs: 3_000, baseDelayMs: 200, maxDelayMs: 5_000 } as const;

export const realTiming: RetryTiming = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

const STATUS_REASONS: Record<number, string> = {
  401: 'the API server rejected the token (401 Unauthorized)',
  403: 'the API server refused access (403 Forbidden): check the EKS access entry and its view policy',
  429: 'the API server is throttling (429 Too Many Requests)',
};

function retryAfterMs(headers: unknown, now: number): number | null {
  if (typeof headers !== 'object' || headers === null) return null;
  const value = (headers as Record<string, unknown>)['retry-after'];
  if (typeof value !== 'string' || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** client-node's ApiException: the HTTP status as a numeric `code`, and the answer's `headers`. */
function isApiAnswer(error: unknown): error is { code: number; headers: unknown } {
  return (
    typeof error === 'object' &&
    error !== null &&
    'headers' in error &&
    typeof (error as { code?: unknown }).code === 'number'
  );
}

/**
 * What went wrong, for a person and for the retry loop. No answer is the abort of the attempt's timeout
 * or undici's "fetch failed" with the socket error as `cause`; an answer is client-node's ApiException.
 */
export function describeApiFailure(error: unknown, now: number): ApiFailure {
  const name = errorNameOf(error);
  if (name === 'TimeoutError' || name === 'AbortError') {
    return {
      status: null,
      reason: 'the API server did not answer in time',
      retryable: true,
      retryAfterMs: null,
    };
  }
  if (isApiAnswer(error)) {
    const { code, headers } = error;
    const retryable = code === 401 || code === 403 || code === 429 || code >= 500;
    const reason =
      STATUS_REASONS[code] ??
      (code >= 500 ? `the API server failed (${code})` : `the API server answered ${code}`);
    return {
      status: code,
      reason,
      retryable,
      retryAfterMs: code === 429 ? retryAfterMs(headers, now) : null,
    };
  }
  if (error instanceof TypeError && error.cause !== undefined) {
    const cause = error.cause as { code?: unknown; message?: unknown };
    const detail = typeof cause.code === 'string' ? cause.code : String(cause.message);
    return {
      status: null,
      reason: `the API server is unreachable (${detail})`,
      retryable: true,
      retryAfterMs: null,
    };
  }
  const message = errorMessage(error);
  return { status: null, reason: message, retryable: false, retryAfterMs: null };
}

function backoffMs(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // Equal jitter: at least half the ceiling, so retries from many events spread without collapsing to 0.
  return Math.round(ceiling / 2 + (ceiling / 2) * policy.timing.random());
}

/**
 * `call` until it succeeds, fails for good, or the next attempt would start past the deadline. A 429's
 * Retry-After is waited for in full, or not at all when it reaches past the deadline.
 */
export async function callWithRetry<T>(
  call: (signal: AbortSignal) => Promise<T>,
  policy: RetryPolicy,
): Promise<CallResult<T>> {
  const { timing } = policy;
  for (let attempt = 1; ; attempt++) {
    const left = policy.deadline - timing.now();
    if (left <= 0) {
      const reason = 'no time was left in the invocation to ask the API server';
      return { ok: false, failure: { status: null, reason, retryable: false, retryAfterMs: null } };
    }
    try {
      return { ok: true, value: await call(AbortSignal.timeout(Math.min(policy.attemptTimeoutMs, left))) };
    } catch (error) {
      const failure = describeApiFailure(error, timing.now());
      if (!failure.retryable) return { ok: false, failure };
      const wait = Math.max(backoffMs(attempt, policy), failure.retryAfterMs ?? 0);
      if (timing.now() + wait >= policy.deadline) {
        const plural = attempt === 1 ? '' : 's';
        return {
          ok: false,
          failure: { ...failure, reason: `${failure.reason}; gave up after ${attempt} attempt${plural}` },
        };
      }
      await timing.sleep(wait);
    }
  }
}
