/**
 * The enrich Lambda end to end on 127.0.0.1: SQS batches into the middy handler, claims on dynalite, pods
 * from the HTTPS API stand-in through client-node, EventBridge and EKS through aws-sdk-client-mock.
 * Redelivery, retries and the two-stream copy of a kill must all end in one PutEvents entry per kill.
 */
import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  ThrottlingException,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEnrichHandler } from '../../../functions/enrich/handler.ts';
import { createEnrichRuntime } from '../../../adapters/enrich/enrich-stage.ts';
import type { EnrichedOomEvent, OomEvent } from '../../../shared/oom-event.ts';
import { startStateTable } from '../../integration/local-dynamo.ts';
import type { StateTable } from '../../integration/local-dynamo.ts';
import { fakeTiming } from '../../adapters/fake-timing.ts';
import {
  CONTAINER_ID,
  PREVIOUS_CONTAINER_ID,
  oomEvent,
  podEventJson,
  podJson,
} from '../../fixtures/kubernetes-objects.ts';
import { KubeApiStandin } from '../../integration/k8s-api-standin.ts';
import { GROUP_FIRST_PID, GROUP_LOG_GROUP, groupKillBodies } from '../../fixtures/group-kill-report.ts';
import { kernelStreamOf, oomEventsFromStream, type KernelStream } from '../../../shared/stream-events.ts';
import { FORWARDED_TERMS } from '../../../shared/subscription-pattern.ts';
import type { AssemblerState } from '../../../shared/report-assembler.ts';

const CLUSTER = 'prod-eu';
const NODES = [
  'ip-10-0-1-1.eu-west-1.compute.internal',
  'ip-10-0-2-2.eu-west-1.compute.internal',
  'ip-10-0-3-3.eu-west-1.compute.internal',
] as const;
const UID = {
  running: '0a0a0a0a-0000-4000-8000-00000000000a',
  restarted: '0b0b0b0b-0000-4000-8000-00000000000b',
  deleted: '0c0c0c0c-0000-4000-8000-00000000000c',
  other: '0d0d0d0d-0000-4000-8000-00000000000d',
};
const OTHER_CONTAINER = 'e'.repeat(64);

const eks = mockClient(EKSClient);
const eventBridge = mockClient(EventBridgeClient);
const logs = mockClient(CloudWatchLogsClient);
let api: KubeApiStandin;
let table: StateTable;
// The kills happened a minute before enrichment; the clock moves only when the code under test backs off.
const timing = fakeTiming(Date.now());
const killAt = (offsetMs = 0) => new Date(timing.now() - 60_000 + offsetMs).toISOString();

beforeAll(async () => {
  [api, table] = await Promise.all([
    KubeApiStandin.start({ acceptsToken: (t) => t.startsWith('k8s-aws-v1.') }),
    startStateTable(),
  ]);
});
afterAll(async () => {
  await Promise.all([api.stop(), table.close()]);
});

function published(): EnrichedOomEvent[] {
  return eventBridge
    .commandCalls(PutEventsCommand)
    .flatMap((c) => c.args[0].input.Entries ?? [])
    .map((e: PutEventsRequestEntry) => JSON.parse(e.Detail ?? '{}') as EnrichedOomEvent);
}

function lambdaContext(remainingMs = 30_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'enrich',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:enrich',
    memoryLimitInMB: '512',
    awsRequestId: 'req-1',
    logGroupName: '/aws/lambda/enrich',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function sqsBatch(bodies: (OomEvent | string)[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `msg-${i}`,
      receiptHandle: `rh-${i}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'parse',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:111122223333:oom-events',
      awsRegion: 'eu-west-1',
    })),
  };
}

function makeHandler(options: { kubernetesEvents?: boolean } = {}) {
  const runtime = createEnrichRuntime({
    ...options,
    clusterName: CLUSTER,
    region: 'eu-west-1',
    eks: new EKSClient({ region: 'eu-west-1' }),
    credentials: () => Promise.resolve({ accessKeyId: 'AKIDHANDLER', secretAccessKey: 'secret' }),
    dynamo: table.documents,
    tableName: table.tableName,
    eventBridge: new EventBridgeClient({ region: 'eu-west-1' }),
    busName: 'oom-bus',
    logs: new CloudWatchLogsClient({ region: 'eu-west-1' }),
    timing,
  });
  const metrics = new Metrics({ namespace: 'EksOomAlertsTest', serviceName: 'enrich' });
  const addMetric = vi.spyOn(metrics, 'addMetric');
  // The EMF output itself is Powertools' business; keep it out of the test log.
  vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
  const handler = createEnrichHandler(() => runtime, new Logger({ logLevel: 'SILENT' }), metrics);
  const invoke = (event: SQSEvent, remainingMs?: number) =>
    handler(event, lambdaContext(remainingMs)) as Promise<SQSBatchResponse>;
  return { invoke, addMetric };
}

/** A batch with a kill of each kind, plus the dmesg copy of the first. Ids are prefixed per test. */
function killBatch(prefix: string): OomEvent[] {
  const base = oomEvent();
  const running = oomEvent({
    id: `${prefix}-running`,
    node: NODES[0],
    observedAt: killAt(),
    pod: { uid: UID.running, qos: 'burstable' },
    source: {
      logGroup: '/aws/containerinsights/prod/host',
      logStream: `${NODES[0]}.host.messages`,
      eventIds: ['76'],
    },
  });
  return [
    running,
    {
      ...running,
      id: `${prefix}-running-dmesg`,
      observedAt: killAt(1_200),
      source: {
        logGroup: '/aws/containerinsights/prod/host',
        logStream: `${NODES[0]}.host.dmesg`,
        eventIds: ['77'],
      },
    },
    oomEvent({
      id: `${prefix}-restarted`,
      node: NODES[1],
      observedAt: killAt(),
      pod: { uid: UID.restarted, qos: 'guaranteed' },
      container: { id: PREVIOUS_CONTAINER_ID, runtime: 'containerd' },
      victim: { ...base.victim, pid: 901, name: 'java' },
    }),
    oomEvent({
      id: `${prefix}-host`,
      node: NODES[2],
      observedAt: killAt(),
      pod: null,
      container: null,
      cgroup: { oom: null, task: '/system.slice/kubelet.service' },
      constraint: 'system',
      limitScope: 'node',
      victim: { ...base.victim, pid: 1201, name: 'kubelet' },
    }),
    oomEvent({
      id: `${prefix}-deleted`,
      node: NODES[1],
      observedAt: killAt(),
      pod: { uid: UID.deleted, qos: 'besteffort' },
      victim: { ...base.victim, pid: 902 },
    }),
    oomEvent({
      id: `${prefix}-other-node-same-pid`,
      node: NODES[2],
      observedAt: killAt(),
      pod: { uid: UID.other, qos: 'burstable' },
      container: { id: OTHER_CONTAINER, runtime: 'containerd' },
    }),
  ];
}

beforeEach(() => {
  // Each test's kills come ten minutes after the last test's: the same node, pid and comm is a new kill then.
  timing.advance(10 * 60_000);
  api.reset();
  api.pods = [
    podJson({ node: NODES[0], uid: UID.running, name: 'web-7d9f8b6c5d-aaaaa' }),
    podJson({
      node: NODES[1],
      uid: UID.restarted,
      name: 'search-0',
      owner: { kind: 'StatefulSet', name: 'search' },
      labels: { app: 'search' },
      qosClass: 'Guaranteed',
      containers: [
        {
          name: 'elasticsearch',
          id: CONTAINER_ID,
          restartCount: 1,
          memory: { request: '2Gi', limit: '2Gi' },
          lastTerminated: {
            id: PREVIOUS_CONTAINER_ID,
            reason: 'OOMKilled',
            exitCode: 137,
            finishedAt: killAt(800),
          },
        },
      ],
    }),
    podJson({
      node: NODES[2],
      uid: UID.other,
      name: 'worker-5c6d7e8f9a-bbbbb',
      labels: { app: 'worker', 'pod-template-hash': '5c6d7e8f9a' },
      owner: { kind: 'ReplicaSet', name: 'worker-5c6d7e8f9a' },
      containers: [{ name: 'celery', id: OTHER_CONTAINER }],
    }),
  ];
  api.events = [podEventJson(UID.deleted, 'batch', 'importer-7x2kq')];
  eks.reset();
  eks.on(DescribeClusterCommand).resolves({
    cluster: {
      name: CLUSTER,
      endpoint: api.url,
      status: 'ACTIVE',
      certificateAuthority: { data: api.caData },
    },
  });
  logs.reset();
  logs.on(FilterLogEventsCommand).resolves({ events: [] });
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries?: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `eb-${i}` })),
  }));
});

/**
 * What parse sends for a 300-process memory.oom.group kill whose forwarded lines CloudWatch delivered in two
 * parts, cut after the 20th other member: the event at the end of each delivery, the same id both times.
 */
function groupKillSentTwice(node: string): [OomEvent, OomEvent] {
  const lines = groupKillBodies(300, 'kmsg-json', timing.now() - 60_000)
    .flatMap((body) => body.logEvents)
    .filter((e) => FORWARDED_TERMS.some((term) => e.message.includes(term)))
    .map((e, i) => ({ id: String(90_000 + i), timestamp: e.timestamp, message: e.message }));
  const cut = lines.findIndex((e) => e.message.includes(`Killed process ${GROUP_FIRST_PID + 21} `));
  const stream = kernelStreamOf(GROUP_LOG_GROUP, `${node}.kernel`) as KernelStream;
  const first = oomEventsFromStream(stream, lines.slice(0, cut), null, { final: false });
  const state: AssemblerState = first.state;
  const second = oomEventsFromStream(stream, lines.slice(cut), state, { final: false });
  return [first.events[0] as OomEvent, second.events[0] as OomEvent];
}

describe('enrich handler', () => {
  it('alerts once for a group kill parse sent twice, with every member, when both copies come in one batch', async () => {
    const { invoke } = makeHandler();
    const [first, later] = groupKillSentTwice('ip-10-0-9-1.eu-west-1.compute.internal');
    expect([first.id === later.id, first.coVictimCount, later.coVictimCount]).toEqual([true, 20, 299]);
    expect(await invoke(sqsBatch([first, later]))).toEqual({ batchItemFailures: [] });
    expect(published().map((e) => [e.id, e.coVictimCount, e.coVictims.length])).toEqual([
      [first.id, 299, 100],
    ]);
  });

  it('alerts with every member of a group kill from the first copy alone, when the node stream holds them', async () => {
    const { invoke } = makeHandler();
    const node = 'ip-10-0-9-3.eu-west-1.compute.internal';
    const [first] = groupKillSentTwice(node);
    const stored = groupKillBodies(300, 'kmsg-json', timing.now() - 60_000)
      .flatMap((body) => body.logEvents)
      .map((e, i) => ({ eventId: String(80_000 + i), logStreamName: `${node}.kernel`, ...e }));
    logs.reset();
    logs.on(FilterLogEventsCommand).resolves({ events: stored });
    expect(await invoke(sqsBatch([first]))).toEqual({ batchItemFailures: [] });
    expect(published().map((e) => [e.id, e.coVictimCount, e.tasks.length])).toEqual([[first.id, 299, 10]]);
  });

  it('does not alert again for the later copy of a group kill once the first went out', async () => {
    const { invoke, addMetric } = makeHandler();
    const [first, later] = groupKillSentTwice('ip-10-0-9-2.eu-west-1.compute.internal');
    expect(await invoke(sqsBatch([first]))).toEqual({ batchItemFailures: [] });
    expect(await invoke(sqsBatch([later]))).toEqual({ batchItemFailures: [] });
    expect(published().map((e) => [e.id, e.coVictimCount])).toEqual([[first.id, 20]]);
    expect(addMetric).toHaveBeenCalledWith('DuplicatesSkipped', 'Count', 1);
  });

  it('turns the same SQS batch delivered 3 times into exactly one PutEvents entry per kill', async () => {
    const { invoke, addMetric } = makeHandler();
    const batch = sqsBatch(killBatch('redelivery'));
    const responses = [await invoke(batch), await invoke(batch), await invoke(batch)];

    expect(responses).toEqual([
      { batchItemFailures: [] },
      { batchItemFailures: [] },
      { batchItemFailures: [] },
    ]);
    const events = published();
    expect(events.map((e) => e.id).sort()).toEqual(
      [
        'redelivery-deleted',
        'redelivery-host',
        'redelivery-other-node-same-pid',
        'redelivery-restarted',
        'redelivery-running',
      ].sort(),
    );
    const byId = new Map(events.map((e) => [e.id, e]));
    expect(byId.get('redelivery-running')).toMatchObject({
      cluster: CLUSTER,
      kubernetes: {
        namespace: 'shop',
        pod: 'web-7d9f8b6c5d-aaaaa',
        container: 'app',
        workload: { kind: 'Deployment', name: 'web' },
      },
      impact: 'process-killed-container-running',
      enrichment: { status: 'resolved', detail: null },
    });
    expect(byId.get('redelivery-restarted')).toMatchObject({
      kubernetes: {
        pod: 'search-0',
        container: 'elasticsearch',
        workload: { kind: 'StatefulSet', name: 'search' },
        qosClass: 'Guaranteed',
        memoryLimit: '2Gi',
        restartCount: 1,
      },
      impact: 'container-restarted',
    });
    expect(byId.get('redelivery-host')).toMatchObject({
      kubernetes: null,
      impact: 'host-process',
      enrichment: { status: 'not-a-pod' },
    });
    expect(byId.get('redelivery-deleted')).toMatchObject({
      kubernetes: { namespace: 'batch', pod: 'importer-7x2kq' },
      impact: 'pod-deleted',
      enrichment: { status: 'resolved-from-events' },
    });
    expect(byId.get('redelivery-other-node-same-pid')).toMatchObject({
      kubernetes: { pod: 'worker-5c6d7e8f9a-bbbbb', workload: { kind: 'Deployment', name: 'worker' } },
    });

    const detailTypes = eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((c) => (c.args[0].input.Entries ?? []).map((e) => [e.Source, e.DetailType, e.EventBusName]));
    expect(detailTypes.filter(([, type]) => type === 'Node OOM Kill')).toEqual([
      ['eks-oom-alerts', 'Node OOM Kill', 'oom-bus'],
    ]);
    expect(detailTypes.filter(([, type]) => type === 'Pod OOM Killed')).toHaveLength(4);

    // Three nodes listed once each (pods by node, never the cluster), one Events lookup for the deleted pod.
    expect(
      api
        .requestsTo('/api/v1/pods')
        .map((r) => r.query.get('fieldSelector'))
        .sort(),
    ).toEqual(NODES.map((n) => `spec.nodeName=${n}`).sort());
    expect(api.requestsTo('/api/v1/events')).toHaveLength(1);
    expect(
      addMetric.mock.calls.filter(([name]) => name === 'DuplicatesSkipped').map(([, , value]) => value),
    ).toEqual([1, 6, 6]);
    // Every report in the batch was whole: no log stream was read.
    expect(logs.commandCalls(FilterLogEventsCommand)).toEqual([]);
  });

  it('with kubernetesEvents: a Kubernetes Event on the pods of the child processes killed in running containers only, once', async () => {
    const { invoke } = makeHandler({ kubernetesEvents: true });
    const batch = sqsBatch(killBatch('k8s-events'));
    expect(await invoke(batch)).toEqual({ batchItemFailures: [] });
    expect(await invoke(batch)).toEqual({ batchItemFailures: [] });
    // web and worker kept running; search restarted, the host process has no pod, importer is gone.
    expect(api.createdEvents.map((e) => e.metadata.name.split('.')[0]).sort()).toEqual([
      'web-7d9f8b6c5d-aaaaa',
      'worker-5c6d7e8f9a-bbbbb',
    ]);
    expect(
      api.createdEvents.find((e) => e.metadata.namespace === 'shop' && e.metadata.name.startsWith('web')),
    ).toMatchObject({
      metadata: { namespace: 'shop', name: expect.stringMatching(/^web-7d9f8b6c5d-aaaaa\.oom-/) },
      reason: 'OOMKilledProcess',
      type: 'Warning',
      regarding: { kind: 'Pod', namespace: 'shop', name: 'web-7d9f8b6c5d-aaaaa', uid: UID.running },
    });
    expect(api.createdEvents[0]?.note).toContain('which kept running');
  });

  it('with kubernetesEvents: an Event the API refuses (403) costs no alert and no retry', async () => {
    const { invoke } = makeHandler({ kubernetesEvents: true });
    const forbidden = { pathPrefix: '/apis/events.k8s.io/', status: 403 };
    api.inject(forbidden, forbidden);
    expect(await invoke(sqsBatch(killBatch('k8s-events-refused')))).toEqual({ batchItemFailures: [] });
    expect(published()).toHaveLength(5);
    expect(api.createdEvents).toEqual([]);
  });

  it('without kubernetesEvents: no Event is created', async () => {
    const { invoke } = makeHandler();
    await invoke(sqsBatch(killBatch('no-k8s-events')));
    expect(api.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('reads the node stream around a kill that came without its task table, once, and delivers it even if throttled', async () => {
    const { invoke } = makeHandler();
    logs.reset();
    logs
      .on(FilterLogEventsCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    const [running] = killBatch('context');
    const partial: OomEvent = { ...(running as OomEvent), tasks: [], complete: false };
    const batch = sqsBatch([partial]);
    expect(await invoke(batch)).toEqual({ batchItemFailures: [] });
    expect(await invoke(batch)).toEqual({ batchItemFailures: [] });

    expect(published().map((e) => [e.id, e.enrichment.status])).toEqual([['context-running', 'resolved']]);
    const killMs = Date.parse(partial.observedAt ?? '');
    const stream = 'logStream' in partial.source ? partial.source.logStream : null;
    const windows = logs
      .commandCalls(FilterLogEventsCommand)
      .map((c) => c.args[0].input)
      .map((r) => [r.logGroupName, r.logStreamNames, r.startTime, r.endTime]);
    expect(windows.length).toBeGreaterThan(0);
    // Throttling is retried, always for the same window; the redelivered duplicate reads nothing.
    expect(new Set(windows.map((w) => JSON.stringify(w)))).toEqual(
      new Set([
        JSON.stringify(['/aws/containerinsights/prod/host', [stream], killMs - 10_000, killMs + 2_000]),
      ]),
    );
  });

  it('fails only the record whose entry PutEvents kept rejecting, and publishes just that one on redelivery', async () => {
    const { invoke } = makeHandler();
    let reject = true;
    const accepted: string[] = [];
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries?: PutEventsRequestEntry[] }) => {
      const ids = (input.Entries ?? []).map((e) => (JSON.parse(e.Detail ?? '{}') as OomEvent).id);
      const refused = ids.map((id) => reject && id === 'partial-host');
      accepted.push(...ids.filter((_, i) => !refused[i]));
      return {
        FailedEntryCount: refused.filter(Boolean).length,
        Entries: refused.map((r, i) =>
          r ? { ErrorCode: 'InternalFailure', ErrorMessage: 'please retry' } : { EventId: `eb-${i}` },
        ),
      };
    });
    const batch = sqsBatch(killBatch('partial'));
    expect(await invoke(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-3' }] });
    expect(accepted.sort()).toEqual([
      'partial-deleted',
      'partial-other-node-same-pid',
      'partial-restarted',
      'partial-running',
    ]);

    reject = false;
    accepted.length = 0;
    expect(await invoke(batch)).toEqual({ batchItemFailures: [] });
    expect(accepted).toEqual(['partial-host']);
  });

  it('fails an unreadable record and delivers the rest', async () => {
    const { invoke } = makeHandler();
    const [first] = killBatch('unreadable');
    const response = await invoke(sqsBatch([first as OomEvent, '{"schemaVersion":1']));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-1' }] });
    expect(published().map((e) => e.id)).toEqual(['unreadable-running']);
  });

  it('delivers as "unavailable" at the first 403, without retrying it', async () => {
    const { invoke, addMetric } = makeHandler();
    api.inject(...Array.from({ length: 20 }, () => ({ status: 403 })));
    const [running] = killBatch('refused');
    const response = await invoke(sqsBatch([running as OomEvent]));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(published()).toEqual([
      expect.objectContaining({
        id: 'refused-running',
        kubernetes: null,
        impact: 'unknown',
        enrichment: {
          status: 'unavailable',
          detail: `pods on node ${NODES[0]} could not be listed: the API server refused access (403 Forbidden: injected 403): check the access entry and the eks-oom-alerts-reader ClusterRole bound to its group`,
        },
      }),
    ]);
    expect(api.requestsTo('/api/v1/pods')).toHaveLength(1);
    expect(
      addMetric.mock.calls.filter(([name]) => name === 'EnrichmentUnavailable').map(([, , value]) => value),
    ).toEqual([1]);
  });

  it('delivers as "unavailable" within the invocation when DescribeCluster never answers', async () => {
    const { invoke } = makeHandler();
    eks.reset();
    eks.on(DescribeClusterCommand).callsFake(() => new Promise(() => undefined));
    const [running] = killBatch('stalled');
    // 600 ms left for the API once the 5 s reserve to publish and settle is set aside.
    const response = await invoke(sqsBatch([running as OomEvent]), 5_600);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(published()).toEqual([
      expect.objectContaining({
        id: 'stalled-running',
        kubernetes: null,
        enrichment: {
          status: 'unavailable',
          detail: `pods on node ${NODES[0]} could not be listed: DescribeCluster ${CLUSTER} did not answer in time; gave up after 3 attempts`,
        },
      }),
    ]);
  }, 10_000);
});
