/**
 * FilterLogEvents against an endpoint that never answers, through the real SDK client (report-context-fetch.test.ts
 * mocks the client, which would not see the abort): the budget's deadline ends the request.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { expect, it } from 'vitest';
import { readAllLogEvents } from '../../../adapters/logs/report-context-fetch.ts';
import { fakeTiming } from '../fake-timing.ts';
import { startStalledEndpoint } from '../../integration/stalled-endpoint.ts';

it('ends a FilterLogEvents request that gets no answer at the budget’s deadline', async () => {
  const endpoint = await startStalledEndpoint();
  const client = new CloudWatchLogsClient({ endpoint: endpoint.url, region: 'eu-west-1' });
  const timing = fakeTiming();
  const read = await readAllLogEvents(
    client,
    { logGroupName: '/eks-oom-alerts/demo/kernel', logStreamNames: ['ip-10-0-1-23.kernel'] },
    { timing, deadline: timing.now() + 200, maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 2_000 },
  );
  expect(read).toEqual({ ok: false, failure: 'budget', reason: 'time budget ran out during a request' });
  expect(endpoint.requests()).toBe(1);
  client.destroy();
  await endpoint.close();
}, 5_000);
