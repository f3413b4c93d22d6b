import { describe, expect, it } from 'vitest';
import { ApiException } from '@kubernetes/client-node';
import { callWithRetry, describeApiFailure } from '../../../adapters/kubernetes/api-retry.ts';
import { fakeTiming } from '../fake-timing.ts';

const NOW = Date.parse('2025-03-14T09:30:00Z');

function apiError(code: number, headers: Record<string, string> = {}) {
  return new ApiException(code, 'failure', { kind: 'Status', code }, headers);
}

describe('describeApiFailure', () => {
  it.each([
    [401, false, 'the API server rejected the token (401 Unauthorized)'],
    [
      403,
      false,
      'the API server refused access (403 Forbidden): check the access entry and the eks-oom-alerts-reader ClusterRole bound to its group',
    ],
    [429, true, 'the API server is throttling (429 Too Many Requests)'],
    [500, true, 'the API server failed (500)'],
    [503, true, 'the API server failed (503)'],
    [404, false, 'the API server answered 404'],
    [410, false, 'the API server answered 410'],
  ])('%i → retryable %s', (code, retryable, reason) => {
    expect(describeApiFailure(apiError(code), NOW)).toEqual({
      status: code,
      reason,
      retryable,
      retryAfterMs: null,
    });
  });

  it('says what a 403 was refused, from the Status the API server answered with', () => {
    const status = JSON.stringify({
      kind: 'Status',
      code: 403,
      message:
        'pods is forbidden: User "arn:aws:sts::111122223333:assumed-role/enrich/fn" cannot list resource "pods" in API group "" at the cluster scope',
    });
    expect(describeApiFailure(new ApiException(403, 'Unknown API Status Code!', status, {}), NOW)).toEqual({
      status: 403,
      reason:
        'the API server refused access (403 Forbidden: pods is forbidden: User "arn:aws:sts::111122223333:assumed-role/enrich/fn" cannot list resource "pods" in API group "" at the cluster scope): check the access entry and the eks-oom-alerts-reader ClusterRole bound to its group',
      retryable: false,
      retryAfterMs: null,
    });
  });

  it('reads Retry-After in seconds and as an HTTP date on a 429', () => {
    expect(describeApiFailure(apiError(429, { 'retry-after': '7' }), NOW).retryAfterMs).toBe(7_000);
    expect(
      describeApiFailure(apiError(429, { 'retry-after': 'Fri, 14 Mar 2025 09:30:03 GMT' }), NOW).retryAfterMs,
    ).toBe(3_000);
  });

  it('names a refused connection and a timeout', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    });
    expect(describeApiFailure(refused, NOW)).toEqual({
      status: null,
      reason: 'the API server is unreachable (ECONNREFUSED)',
      retryable: true,
      retryAfterMs: null,
    });
    expect(describeApiFailure(new DOMException('timed out', 'TimeoutError'), NOW)).toMatchObject({
      retryable: true,
      reason: 'the API server did not answer in time',
    });
  });

  it('does not retry anything else, and keeps its message', () => {
    expect(
      describeApiFailure(new Error('DescribeCluster prod failed: AccessDeniedException: no'), NOW),
    ).toEqual({
      status: null,
      reason: 'DescribeCluster prod failed: AccessDeniedException: no',
      retryable: false,
      retryAfterMs: null,
    });
  });
});

describe('callWithRetry', () => {
  const policy = (timing: ReturnType<typeof fakeTiming>, budgetMs: number) => ({
    timing,
    deadline: timing.now() + budgetMs,
    attemptTimeoutMs: 1_000,
    baseDelayMs: 200,
    maxDelayMs: 5_000,
  });

  it('retries 500s with growing, jittered backoff until an answer comes', async () => {
    const timing = fakeTiming();
    const answers = [apiError(500), apiError(503), apiError(500)];
    const result = await callWithRetry(
      () => {
        const next = answers.shift();
        return next === undefined ? Promise.resolve('pods') : Promise.reject(next);
      },
      policy(timing, 60_000),
    );
    expect(result).toEqual({ ok: true, value: 'pods' });
    expect(timing.sleeps).toEqual([150, 300, 600]);
  });

  it('tells onFailedAttempt of each failed attempt as it fails, the final one too', async () => {
    const timing = fakeTiming();
    const heard: Array<[number | null, boolean, number]> = [];
    const answers = [apiError(503), apiError(403)];
    const result = await callWithRetry(() => Promise.reject(answers.shift() ?? new Error('no more')), {
      ...policy(timing, 60_000),
      onFailedAttempt: (failure) => heard.push([failure.status, failure.retryable, timing.now() - NOW]),
    });
    expect(result.ok).toBe(false);
    expect(heard).toEqual([
      [503, true, 0],
      [403, false, 150],
    ]);
  });

  it('waits a 429 out for as long as Retry-After says', async () => {
    const timing = fakeTiming();
    let calls = 0;
    const result = await callWithRetry(
      () => (++calls === 1 ? Promise.reject(apiError(429, { 'retry-after': '4' })) : Promise.resolve(calls)),
      policy(timing, 60_000),
    );
    expect(result).toEqual({ ok: true, value: 2 });
    expect(timing.sleeps).toEqual([4_000]);
  });

  it('gives up at once when Retry-After reaches past the deadline', async () => {
    const timing = fakeTiming();
    const result = await callWithRetry(
      () => Promise.reject(apiError(429, { 'retry-after': '30' })),
      policy(timing, 10_000),
    );
    expect(result).toEqual({
      ok: false,
      failure: {
        status: 429,
        reason: 'the API server is throttling (429 Too Many Requests); gave up after 1 attempt',
        retryable: true,
        retryAfterMs: 30_000,
      },
    });
    expect(timing.sleeps).toEqual([]);
  });

  it('does not retry a 403', async () => {
    const timing = fakeTiming();
    let calls = 0;
    const result = await callWithRetry(
      () => {
        calls++;
        return Promise.reject(apiError(403));
      },
      policy(timing, 60_000),
    );
    expect(calls).toBe(1);
    expect(result.ok === false && result.failure.reason).toBe(
      'the API server refused access (403 Forbidden): check the access entry and the eks-oom-alerts-reader ClusterRole bound to its group',
    );
    expect(timing.sleeps).toEqual([]);
  });

  it('renews the credentials once after a 401 and asks again at once', async () => {
    const timing = fakeTiming();
    let renewals = 0;
    const answers = [apiError(401), apiError(500)];
    const result = await callWithRetry(
      () => {
        const next = answers.shift();
        return next === undefined ? Promise.resolve('pods') : Promise.reject(next);
      },
      { ...policy(timing, 60_000), renewCredentials: () => renewals++ },
    );
    expect(result).toEqual({ ok: true, value: 'pods' });
    expect(renewals).toBe(1);
    // No wait after the 401; the 500 after it is backed off as usual.
    expect(timing.sleeps).toEqual([150]);
  });

  it('gives up at the second 401, and at the first where credentials cannot be renewed', async () => {
    const timing = fakeTiming();
    let calls = 0;
    let renewals = 0;
    const rejected = () => {
      calls++;
      return Promise.reject(apiError(401));
    };
    const renewed = await callWithRetry(rejected, {
      ...policy(timing, 60_000),
      renewCredentials: () => renewals++,
    });
    expect([calls, renewals]).toEqual([2, 1]);
    expect(renewed).toMatchObject({
      ok: false,
      failure: {
        status: 401,
        retryable: false,
        reason:
          'the API server rejected the token (401 Unauthorized), a freshly signed one too: check that the role has an EKS access entry',
      },
    });
    calls = 0;
    const fixed = await callWithRetry(rejected, policy(timing, 60_000));
    expect(calls).toBe(1);
    expect(fixed).toMatchObject({
      ok: false,
      failure: { status: 401, reason: 'the API server rejected the token (401 Unauthorized)' },
    });
    expect(timing.sleeps).toEqual([]);
  });

  it('ends an attempt at its timeout even when the call ignores the signal', async () => {
    const timing = fakeTiming();
    const result = await callWithRetry(() => new Promise(() => undefined), {
      ...policy(timing, 100),
      attemptTimeoutMs: 20,
    });
    expect(result).toMatchObject({
      ok: false,
      failure: { status: null, reason: expect.stringMatching(/^the API server did not answer in time/) },
    });
  }, 2_000);

  it('does not retry a 404', async () => {
    const timing = fakeTiming();
    let calls = 0;
    const result = await callWithRetry(
      () => {
        calls++;
        return Promise.reject(apiError(404));
      },
      policy(timing, 60_000),
    );
    expect(calls).toBe(1);
    expect(result).toMatchObject({ ok: false, failure: { status: 404, retryable: false } });
  });

  it('does not start when no budget is left', async () => {
    const timing = fakeTiming();
    let calls = 0;
    const result = await callWithRetry(() => Promise.resolve(++calls), { ...policy(timing, 0) });
    expect(calls).toBe(0);
    expect(result).toMatchObject({
      ok: false,
      failure: { reason: 'no time was left in the invocation to ask the API server' },
    });
  });

  it('hands each attempt a signal that aborts at the attempt timeout', async () => {
    const timing = fakeTiming();
    const result = await callWithRetry(
      (signal) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason as Error));
        }),
      { ...policy(timing, 300), attemptTimeoutMs: 20 },
    );
    expect(result).toMatchObject({
      ok: false,
      failure: { status: null, reason: 'the API server did not answer in time; gave up after 2 attempts' },
    });
  });
});
