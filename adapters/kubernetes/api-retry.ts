/**
 * Calls to the Kubernetes API with retries (adapters/retry.ts) inside a time budget, and which of the API's
 * answers are worth another attempt. The budget is a deadline derived from the
 * Lambda's remaining time, so a slow or refusing API turns into an "unavailable" enrichment, never a timeout
 * that loses the batch. Every attempt ends at its timeout, whatever it waits on. Auth errors are not waited
 * out: a 401 gets one fresh token, a 403 or a second 401 is the answer.
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
  /** Drops the cached token, so the next request signs a fresh one; absent where there is none to renew. */
  renewCredentials?: () => void;
  /** Hears each attempt that failed, as it fails: `scan --kubeconfig` says the API is not answering while it retries. */
  onFailedAttempt?: (failure: ApiFailure) => void;
}

/** A failure a step has already described (DescribeCluster on the way to the API), taken as it is. */
export class DescribedApiFailure extends Error {
  readonly failure: ApiFailure;

  constructor(failure: ApiFailure, options?: ErrorOptions) {
    super(failure.reason, options);
    this.name = 'DescribedApiFailure';
    this.failure = failure;
  }
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
  429: 'the API server is throttling (429 Too Many Requests)',
};

const REJECTED_TWICE =
  'the API server rejected the token (401 Unauthorized), a freshly signed one too: check that the role has an EKS access entry';

/** The `message` of the Status the API server answered with (client-node hands the body as text), or null. */
function statusMessageOf(body: unknown): string | null {
  let status: unknown = body;
  if (typeof body === 'string') {
    try {
      status = JSON.parse(body);
    } catch {
      return null;
    }
  }
  const message = (status as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message !== '' ? message : null;
}

/** What was refused, as the API server put it ("pods is forbidden: User … cannot list …"), and where to look. */
function forbiddenReason(body: unknown): string {
  const message = statusMessageOf(body);
  const refused = message === null ? '403 Forbidden' : `403 Forbidden: ${message}`;
  return `the API server refused access (${refused}): check the access entry and the eks-oom-alerts-reader ClusterRole bound to its group`;
}

function retryAfterMs(headers: unknown, now: number): number | null {
  if (typeof headers !== 'object' || headers === null) return null;
  const value = (headers as Record<string, unknown>)['retry-after'];
  if (typeof value !== 'string' || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** client-node's ApiException: the HTTP status as a numeric `code`, the answer's `headers` and `body`. */
function isApiAnswer(error: unknown): error is { code: number; headers: unknown; body?: unknown } {
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
  if (error instanceof DescribedApiFailure) return error.failure;
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
    // Waiting does not fix a token or a permission: callWithRetry renews the token once on a 401.
    const retryable = code === 429 || code >= 500;
    const reason =
      code === 403
        ? forbiddenReason(error.body)
        : (STATUS_REASONS[code] ??
          (code >= 500 ? `the API server failed (${code})` : `the API server answered ${code}`));
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

/**
 * `promise`, or the signal's reason once it aborts, even where what is awaited ignores the signal (a token's
 * credentials, a stand-in SDK client). Rejects a macrotask after the abort, so that a step that names what
 * stalled (DescribeCluster) and honours the same signal is heard first.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort = (): void => undefined;
  const abandoned = new Promise<never>((_, reject) => {
    onAbort = () => setTimeout(() => reject(signal.reason as Error), 0);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, abandoned]).finally(() => signal.removeEventListener('abort', onAbort));
}

/** One call, its error described; a 429's Retry-After is the least wait before the next. */
async function attemptApiCall<T>(
  call: (signal: AbortSignal) => Promise<T>,
  policy: ApiRetryPolicy,
): Promise<Attempt<T, ApiFailure>> {
  const { timing } = policy;
  const left = Math.max(0, policy.deadline - timing.now());
  const signal = AbortSignal.timeout(Math.min(policy.attemptTimeoutMs, left));
  try {
    return { ok: true, value: await untilAborted(call(signal), signal) };
  } catch (error) {
    const failure = describeApiFailure(error, timing.now());
    policy.onFailedAttempt?.(failure);
    return { ok: false, failure, retryable: failure.retryable, waitAtLeastMs: failure.retryAfterMs ?? 0 };
  }
}

async function retryUntilDeadline<T>(
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

/**
 * `call` until it succeeds, fails for good, or the next attempt would start past the deadline. Backoff with
 * equal jitter, so retries from many events spread without collapsing to 0. A 429's Retry-After is waited for
 * in full, or not at all when it reaches past the deadline. A 401 renews the credentials and asks again at once,
 * one time; a second 401 is final.
 */
export async function callWithRetry<T>(
  call: (signal: AbortSignal) => Promise<T>,
  policy: ApiRetryPolicy,
): Promise<CallResult<T>> {
  const first = await retryUntilDeadline(call, policy);
  if (first.ok || first.failure.status !== 401 || policy.renewCredentials === undefined) return first;
  policy.renewCredentials();
  const second = await retryUntilDeadline(call, policy);
  if (second.ok || second.failure.status !== 401) return second;
  return { ok: false, failure: { ...second.failure, reason: REJECTED_TWICE } };
}
