/**
 * PutEvents against an endpoint that never answers, through the real SDK client (publish-events.test.ts mocks
 * the client, which would not see the abort): the deadline ends publishing, and the event is reported failed.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishEvents } from '../../../adapters/sinks/publish-events.ts';
import { fakeTiming } from '../fake-timing.ts';
import { oomEvent } from '../../fixtures/kubernetes-objects.ts';
import { startStalledEndpoint } from '../../integration/stalled-endpoint.ts';
import type { StalledEndpoint } from '../../integration/stalled-endpoint.ts';

let endpoint: StalledEndpoint;
beforeAll(async () => {
  endpoint = await startStalledEndpoint();
});
afterAll(() => endpoint.close());

it('reports the event failed when PutEvents never answers, by the deadline', async () => {
  const timing = fakeTiming();
  const client = new EventBridgeClient({ endpoint: endpoint.url, region: 'eu-west-1' });
  const event = {
    ...oomEvent({ id: 'stalled' }),
    cluster: 'prod-eu',
    kubernetes: null,
    impact: 'unknown' as const,
    enrichment: { status: 'unavailable' as const, detail: null },
  };
  const results = await publishEvents([event], {
    client,
    busName: 'oom-bus',
    timing,
    deadline: timing.now() + 300,
  });
  expect(results).toEqual([
    {
      ok: false,
      reason: expect.stringMatching(
        /^PutEvents rejected the entry \d times; last: PutEvents did not answer in time$/,
      ),
    },
  ]);
  expect(endpoint.requests()).toBeGreaterThan(0);
  client.destroy();
}, 5_000);
