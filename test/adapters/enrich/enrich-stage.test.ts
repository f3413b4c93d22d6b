import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EKSClient } from '@aws-sdk/client-eks';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ENRICH_DEFAULTS } from '../../../adapters/enrich/enrich-events.ts';
import {
  createEnrichRuntime,
  createEnrichStage,
  eventBridgePublish,
  inMemoryEnrichStage,
  runtimeFromEnv,
} from '../../../adapters/enrich/enrich-stage.ts';
import type { EnrichClients } from '../../../adapters/enrich/enrich-stage.ts';
import type { PodResolver } from '../../../adapters/kubernetes/pod-resolver.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';
import { fakeTiming } from '../fake-timing.ts';

const eventBridge = mockClient(EventBridgeClient);
afterEach(() => eventBridge.reset());

const region = 'eu-west-1';
const timing = fakeTiming();

// Building a stage does no I/O: these clients are never called.
function clients(): EnrichClients {
  return {
    clusterName: 'prod-eu',
    region,
    eks: new EKSClient({ region }),
    credentials: () => Promise.resolve({ accessKeyId: 'AKIDSTAGE', secretAccessKey: 'secret' }),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({ region })),
    tableName: 'oom-state',
    timing,
  };
}

describe('createEnrichStage', () => {
  it('works for the cluster on the stack’s clock and claim lifetime', () => {
    const stage = createEnrichStage(clients());
    expect(stage.cluster).toBe('prod-eu');
    expect(stage.claimTtlMs).toBe(ENRICH_DEFAULTS.claimTtlMs);
    expect(stage.now()).toBe(timing.now());
  });

  it('completes reports from node streams only when it has a logs client', () => {
    expect(createEnrichStage(clients()).completeReports).toBeUndefined();
    const logs = new CloudWatchLogsClient({ region });
    expect(createEnrichStage({ ...clients(), logs }).completeReports).toBeTypeOf('function');
  });
});

describe('eventBridgePublish', () => {
  it('puts the events on the named bus, one result per event', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-0' }] });
    const publish = eventBridgePublish(new EventBridgeClient({ region }), 'oom-bus', timing);
    expect(await publish([exampleEvent('pod-limit')])).toEqual([{ ok: true }]);
    const entries = eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries.map((e) => e.EventBusName)).toEqual(['oom-bus']);
  });
});

describe('createEnrichRuntime', () => {
  it('completes reports and publishes to the bus', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-0' }] });
    const runtime = createEnrichRuntime({
      ...clients(),
      logs: new CloudWatchLogsClient({ region }),
      eventBridge: new EventBridgeClient({ region }),
      busName: 'oom-bus',
    });
    expect(runtime.completeReports).toBeTypeOf('function');
    expect(await runtime.publish([exampleEvent('pod-limit')])).toEqual([{ ok: true }]);
  });
});

describe('inMemoryEnrichStage', () => {
  it('keeps claims in memory for ever, with the resolver and clock it is handed', async () => {
    const resolver: PodResolver = {
      resolve: () =>
        Promise.resolve({
          kubernetes: null,
          impact: 'unknown',
          enrichment: { status: 'unavailable', detail: null },
        }),
    };
    const stage = inMemoryEnrichStage('replayed', resolver, () => 42);
    expect(stage).toMatchObject({ cluster: 'replayed', resolver, claimTtlMs: Number.POSITIVE_INFINITY });
    expect(stage.now()).toBe(42);
    const claim = { token: 't', now: 42, leaseUntil: 100, expiresAt: 1 };
    expect(await stage.claims.claimEvent('e-1', claim)).toEqual({ outcome: 'claimed' });
    expect((await stage.claims.claimEvent('e-1', { ...claim, token: 'u' })).outcome).toBe('in-progress');
  });
});

describe('runtimeFromEnv', () => {
  const env = {
    AWS_REGION: region,
    CLUSTER_NAME: 'prod-eu',
    STATE_TABLE_NAME: 'oom-state',
    EVENT_BUS_NAME: 'oom-bus',
  };

  it('builds the deployed function’s runtime from the stack’s variables', () => {
    const runtime = runtimeFromEnv(env);
    expect(runtime.cluster).toBe('prod-eu');
    expect(runtime.completeReports).toBeTypeOf('function');
  });

  it.each(Object.keys(env))('refuses to start without %s', (name) => {
    expect(() => runtimeFromEnv({ ...env, [name]: '' })).toThrow(
      `enrich is misconfigured: ${name} is not set`,
    );
  });
});
