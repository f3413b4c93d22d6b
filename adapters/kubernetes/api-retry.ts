/**
 * Calls to the Kubernetes API with retries (adapters/retry.ts) inside a time budget, and which of the API's
 * answers are worth another attempt. The budget is a deadline derived from the
 * Lambda's remaining time, so a slow or refusing API turns into an "unavailable" enrichment, never a timeout
 * that loses the batch.
 */
import { errorMessage, errorNameOf } from '../../shared/error-text.ts';
import { retryWithBackoff } from '../retry.ts';
import type { Attempt, RetryTiming } from '../retry.ts';

export interface ApiFailure {
  /** HTTP status, or null when no answer came (refused, reset, timed out). */
  status: number | null;
  reason: string;
  retryable: boolean;
  /** From a 429's Retry-After, in ms. */
  retryAfterMs: number | null;
}

export type CallResult<T> = { ok: true; value: T } | { ok: false; failure: ApiFailure };

export interface ApiRetryPolicy {
  timing: RetryTiming;
  /** Epoch ms after which no attempt starts and no backoff is waited for. */
  deadline: number;
  /** The longest one request may take before it is abandoned and retried. */
  attemptTimeoutMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY = { attemptTimeoutMs: 3_000, baseDelayMs: 200, maxDelayMs: 5_000 } as const;

const NO_TIME_LEFT: ApiFailure = {
  status: null,
  reason: 'no time was left in the invocation to ask the API server',
  retryable: false,
  retryAfterMs: null,
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

/** One call, its error described; a 429's Retry-After is the least wait before the next. */
async function attemptApiCall<T>(
  call: (signal: AbortSignal) => Promise<T>,
  policy: ApiRetryPolicy,
): Promise<Attempt<T, ApiFailure>> {
  const { timing } = policy;
  const left = Math.max(0, policy.deadline - timing.now());
  try {
    return { ok: true, value: await call(AbortSignal.timeout(Math.min(policy.attemptTimeoutMs, left))) };
  } catch (error) {
    const failure = describeApiFailure(error, timing.now());
    return { ok: false, failure, retryable: failure.retryable, waitAtLeastMs: failure.retryAfterMs ?? 0 };
  }
}

/**
 * `call` until it succeeds, fails for good, or the next attempt would start past the deadline. Backoff with
 * equal jitter, so retries from many events spread without collapsing to 0. A 429's Retry-After is waited for
 * in full, or not at all when it reaches past the deadline.
 */
export async function callWithRetry<T>(
  call: (signal: AbortSignal) => Promise<T>,
  policy: ApiRetryPolicy,
): Promise<CallResult<T>> {
  const retried = await retryWithBackoff(() => attemptApiCall(call, policy), { ...policy, jitter: 'equal' });
  if (retried.ok) return { ok: true, value: retried.value };
  switch (retried.stop) {
    case 'deadline-passed':
      return { ok: false, failure: NO_TIME_LEFT };
    case 'final':
      return { ok: false, failure: retried.failure };
    default: {
      const plural = retried.attempts === 1 ? '' : 's';
      const reason = `${retried.failure.reason}; gave up after ${retried.attempts} attempt${plural}`;
      return { ok: false, failure: { ...retried.failure, reason } };
    }
  }
}
