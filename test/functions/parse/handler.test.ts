/**
 * The parse Lambda handler, fed real Fluent Bit 5.1 output as CloudWatch Logs subscription payloads. The state
 * table is dynalite on 127.0.0.1; SQS is aws-sdk-client-mock, asserted on what was sent. Two separate handler
 * module instances stand for two Lambda instances.
 */
import { gzipSync } from 'node:zlib';
import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { MockInstance } from 'vitest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OomEvent } from '../../../shared/oom-event.ts';
import type { AssemblerState } from '../../../shared/report-assembler.ts';
import { FORWARDED_TERMS } from '../../../shared/subscription-pattern.ts';
import type { SubscriptionLogEvent } from '../../../shared/subscription-payload.ts';
import {
  bodiesOfGroup,
  dataMessage,
  logEventsOf,
  subscriptionEvent,
  TEXT_ONLY_GROUP,
  WHOLE_RECORD_GROUP,
} from '../../fixtures/subscription/subscription-payloads.ts';
import type { StateTable } from '../../integration/local-dynamo.ts';
import { startStateTable } from '../../integration/local-dynamo.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/eks-oom-alerts-events';
const STREAM = 'node-kernel';
const DOCKER_NODE = '/docker/5e1b7b2c9d0f4a6e8c3b1d2f0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2910';
const FIRST_KILL = {
  victim: {
    pid: 2874,
    name: 'python3',
    uid: 0,
    totalVmKb: 75160,
    anonRssKb: 65152,
    fileRssKb: 6648,
    shmemRssKb: 0,
    pgtablesKb: 184,
    oomScoreAdj: 0,
  },
  constraint: 'memcg',
  limitScope: 'pod',
  observedAt: '2026-11-22T14:41:50.508Z',
  cgroup: {
    oom: `${DOCKER_NODE}/kubepods/burstable/pod3962896b-ab69-4572-8f1d-ee756f9f3589`,
    task: `${DOCKER_NODE}/kubepods/burstable/pod3962896b-ab69-4572-8f1d-ee756f9f3589/a2172e8d1101b4393d934a3a3fb902260c945c360ed278bbdef80cb45fbb9419`,
  },
  pod: { uid: '3962896b-ab69-4572-8f1d-ee756f9f3589', qos: 'burstable' },
  container: { id: 'a2172e8d1101b4393d934a3a3fb902260c945c360ed278bbdef80cb45fbb9419', runtime: null },
  memory: { usageKb: 65536, limitKb: 65536, failcnt: 98, swapUsageKb: 0, swapLimitKb: null },
};
const SECOND_KILL = {
  victim: {
    pid: 17777,
    name: 'python3',
    uid: 0,
    totalVmKb: 75160,
    anonRssKb: 65152,
    fileRssKb: 6672,
    shmemRssKb: 0,
    pgtablesKb: 184,
    oomScoreAdj: 0,
  },
  constraint: 'memcg',
  limitScope: 'pod',
  observedAt: '2026-11-22T14:53:57.691Z',
  cgroup: {
    oom: `${DOCKER_NODE}/kubepods/burstable/pod11111111-2222-3333-4444-555555555555`,
    task: `${DOCKER_NODE}/kubepods/burstable/pod11111111-2222-3333-4444-555555555555/abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789`,
  },
  pod: { uid: '11111111-2222-3333-4444-555555555555', qos: 'burstable' },
  container: { id: 'abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789', runtime: null },
  memory: { usageKb: 65536, limitKb: 65536, failcnt: 142, swapUsageKb: 0, swapLimitKb: null },
};

const sqs = mockClient(SQSClient);
let table: StateTable;
let instanceA: Handler;
let instanceB: Handler;
let consoleLog: MockInstance<typeof console.log>;
const savedEnv = { ...process.env };

function lambdaContext(requestId: string): Context {
  return {
    functionName: 'eks-oom-alerts-parse',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:eks-oom-alerts-parse',
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/eks-oom-alerts-parse',
    logStreamName: '2026/11/22/[$LATEST]0123456789abcdef',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 60_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** A fresh copy of the handler module: its own clients, logger and metrics, as on another Lambda instance. */
async function freshHandlerModule(): Promise<Handler> {
  vi.resetModules();
  const module = (await import('../../../functions/parse/handler.ts')) as { handler: Handler };
  return module.handler;
}

function sentEntries(): Array<{ Id?: string; MessageBody?: string; DelaySeconds?: number }> {
  return sqs.commandCalls(SendMessageBatchCommand).flatMap((call) => {
    expect(call.args[0].input.QueueUrl).toBe(QUEUE_URL);
    return call.args[0].input.Entries ?? [];
  });
}

function sentEvents(): OomEvent[] {
  return sentEntries().map((entry) => JSON.parse(entry.MessageBody!) as OomEvent);
}

/** The metric values of every EMF document printed, in order (Powertools prints one per invocation). */
function emittedMetrics(): Array<Record<string, number>> {
  return consoleLog.mock.calls
    .map((args) => String(args[0]))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => {
      const emf = JSON.parse(line) as Record<string, unknown> & {
        _aws: { CloudWatchMetrics: Array<{ Namespace: string; Metrics: Array<{ Name: string }> }> };
      };
      const [directive] = emf._aws.CloudWatchMetrics;
      expect(directive?.Namespace).toBe('EksOomAlerts');
      // The alarms watch service and cluster, so two deployments in one account keep apart.
      expect([emf.service, emf.cluster]).toEqual([
        'eks-oom-alerts-parse',
        process.env.CLUSTER_NAME ?? 'unknown',
      ]);
      return Object.fromEntries(directive!.Metrics.map((m) => [m.Name, emf[m.Name] as number]));
    });
}

async function storedState(
  logGroup: string,
  logStream: string,
): Promise<{ version: number; state: AssemblerState } | null> {
  const { Item: item } = await table.documents.send(
    new GetCommand({ TableName: table.tableName, Key: { pk: `parse#${logGroup}#${logStream}` } }),
  );
  return item === undefined
    ? null
    : { version: item.version as number, state: JSON.parse(item.state as string) as AssemblerState };
}

function acceptAll(): void {
  sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })),
    Failed: [],
  }));
}

function deliveries(group: string, keep: (event: SubscriptionLogEvent) => boolean = () => true): unknown[] {
  return bodiesOfGroup(group).map((body, i) =>
    subscriptionEvent(dataMessage(group, body.logStreamName, logEventsOf(body, i).filter(keep))),
  );
}

/** The real live report as a decoded DATA_MESSAGE. */
function liveReport(): object {
  const body = bodiesOfGroup(WHOLE_RECORD_GROUP)[1]!;
  return dataMessage(WHOLE_RECORD_GROUP, body.logStreamName, logEventsOf(body, 1));
}

beforeAll(async () => {
  table = await startStateTable();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = table.endpoint;
  process.env.STATE_TABLE_NAME = table.tableName;
  process.env.EVENTS_QUEUE_URL = QUEUE_URL;
  process.env.ENRICH_DELAY_SECONDS = '30';
  // POWERTOOLS_DEV (test/setup.ts) turns metrics off; the EMF output is asserted here.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  instanceA = await freshHandlerModule();
  instanceB = await freshHandlerModule();
});

afterAll(async () => {
  process.env = savedEnv;
  await table.close();
});

beforeEach(async () => {
  consoleLog = vi.spyOn(console, 'log').mockImplementation(() => {});
  acceptAll();
  const { Items: items = [] } = await table.client.send(new ScanCommand({ TableName: table.tableName }));
  for (const item of items)
    await table.client.send(new DeleteItemCommand({ TableName: table.tableName, Key: { pk: item.pk! } }));
});

afterEach(() => {
  sqs.reset();
  consoleLog.mockRestore();
});

describe('parse handler on real Fluent Bit 5.1 output', () => {
  it('two handler instances are separate module instances', () => {
    expect(instanceA).not.toBe(instanceB);
  });

  it.each([
    [WHOLE_RECORD_GROUP, 3467.508244, 4194.691334],
    [TEXT_ONLY_GROUP, null, null],
  ])(
    '%s: the start-up replay and the live report give the two kills, sent to SQS with a 30 s delay',
    async (group, firstKernelTime, secondKernelTime) => {
      const [replay, live] = deliveries(group);
      await instanceA(replay, lambdaContext('replay'));
      await instanceB(live, lambdaContext('live'));

      const entries = sentEntries();
      expect(entries.map((e) => [e.Id, e.DelaySeconds])).toEqual([
        ['e0', 30],
        ['e0', 30],
      ]);
      const [first, second] = sentEvents();
      expect(first).toMatchObject({
        ...FIRST_KILL,
        schemaVersion: 1,
        node: STREAM,
        kernelTime: firstKernelTime,
        complete: true,
      });
      expect(second).toMatchObject({
        ...SECOND_KILL,
        schemaVersion: 1,
        node: STREAM,
        kernelTime: secondKernelTime,
        complete: true,
      });
      expect(first?.trigger).toEqual({
        name: 'python3',
        pid: 2874,
        gfpMask: '0xcc0(GFP_KERNEL)',
        order: 0,
        oomScoreAdj: 0,
      });
      expect(second?.tasks).toEqual([{ pid: 17777, name: 'python3', rssKb: 71824, oomScoreAdj: 0 }]);
      expect(second?.lines.at(-1)).toBe(
        'Memory cgroup out of memory: Killed process 17777 (python3) total-vm:75160kB, anon-rss:65152kB, file-rss:6672kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0',
      );
      // The CloudWatch event ids of the report's lines, as the 56-digit strings CloudWatch sent.
      expect(second?.source).toEqual({
        logGroup: group,
        logStream: STREAM,
        eventIds: [0, 1, 27, 28, 29, 30, 74, 75, 76, 77].map(
          (i) => `000179535923769100000000000000000000000000000000010000${String(i).padStart(2, '0')}`,
        ),
      });
      expect(first?.id).not.toBe(second?.id);
      // Only counts that are not zero are sent.
      expect(emittedMetrics()).toEqual([{ KillsParsed: 1 }, { KillsParsed: 1 }]);
      expect((await storedState(group, STREAM))?.version).toBe(2);
    },
  );

  it('completes a report split in the middle across two invocations on two handler instances', async () => {
    const live = bodiesOfGroup(WHOLE_RECORD_GROUP)[1]!;
    const events = logEventsOf(live, 1);
    await instanceA(
      subscriptionEvent(dataMessage(WHOLE_RECORD_GROUP, STREAM, events.slice(0, 39))),
      lambdaContext('first-half'),
    );
    expect(sentEntries()).toEqual([]);
    const between = await storedState(WHOLE_RECORD_GROUP, STREAM);
    expect(between?.version).toBe(1);
    expect(between?.state.open?.trigger?.name).toBe('python3');
    expect(between?.state.open?.counters.memory).toEqual({ usageKb: 65536, limitKb: 65536, failcnt: 142 });

    await instanceB(
      subscriptionEvent(dataMessage(WHOLE_RECORD_GROUP, STREAM, events.slice(39))),
      lambdaContext('second-half'),
    );
    const sent = sentEvents();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ ...SECOND_KILL, kernelTime: 4194.691334, complete: true });
    expect(sent[0]?.trigger).toEqual({
      name: 'python3',
      pid: 17777,
      gfpMask: '0xcc0(GFP_KERNEL)',
      order: 0,
      oomScoreAdj: 0,
    });
    expect(sent[0]?.source).toMatchObject({
      eventIds: expect.arrayContaining([events[0]!.id, events[27]!.id, events[77]!.id]),
    });
    // The first half counts nothing, so it sends no datapoint at all.
    expect(emittedMetrics()).toEqual([{ KillsParsed: 1 }]);
    const after = await storedState(WHOLE_RECORD_GROUP, STREAM);
    expect(after?.version).toBe(2);
    // Sent, and kept open for lines of it a later delivery may bring (memory.oom.group members).
    expect(after?.state.open?.sentId).toBe(sent[0]?.id);
  });

  it.each([WHOLE_RECORD_GROUP, TEXT_ONLY_GROUP])(
    '%s: only the lines the subscription pattern forwards still give both kills (no CPU line: trigger pid null; no task table: tasks empty)',
    async (group) => {
      const forwarded = (event: SubscriptionLogEvent): boolean =>
        FORWARDED_TERMS.some((term) => event.message.includes(term));
      const [replay, live] = deliveries(group, forwarded);
      await instanceA(replay, lambdaContext('replay'));
      await instanceB(live, lambdaContext('live'));
      const [first, second] = sentEvents();
      expect(sentEvents()).toHaveLength(2);
      expect(first).toMatchObject({ ...FIRST_KILL, complete: true, tasks: [] });
      expect(second).toMatchObject({ ...SECOND_KILL, complete: true, tasks: [] });
      expect(first?.trigger).toEqual({
        name: 'python3',
        pid: null,
        gfpMask: '0xcc0(GFP_KERNEL)',
        order: 0,
        oomScoreAdj: 0,
      });
      expect(second?.trigger?.pid).toBeNull();
      expect(second?.lines).toHaveLength(6);
    },
  );

  it('acknowledges a CONTROL_MESSAGE and sends nothing', async () => {
    const control = {
      messageType: 'CONTROL_MESSAGE',
      owner: 'CloudwatchLogs',
      logGroup: '',
      logStream: '',
      subscriptionFilters: [],
      logEvents: [
        {
          id: '',
          timestamp: 1795359237691,
          message: 'CWL CONTROL MESSAGE: Checking health of destination Lambda.',
        },
      ],
    };
    await expect(instanceA(subscriptionEvent(control), lambdaContext('control'))).resolves.toBeUndefined();
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    const { Items: items = [] } = await table.client.send(new ScanCommand({ TableName: table.tableName }));
    expect(items).toEqual([]);
  });

  it.each([
    ['bad base64', { awslogs: { data: 'H4sI!!!!' } }],
    ['not gzip', { awslogs: { data: Buffer.from('{}').toString('base64') } }],
    [
      'not JSON',
      { awslogs: { data: gzipSync(Buffer.from('Killed process 2874 (python3)')).toString('base64') } },
    ],
    ['wrong shape', subscriptionEvent({ messageType: 'DATA_MESSAGE', logGroup: WHOLE_RECORD_GROUP })],
    ['no awslogs', { Records: [] }],
    [
      'a gzip bomb: the live report padded to 20 MiB',
      {
        awslogs: {
          data: gzipSync(JSON.stringify(liveReport()).padEnd(20 * 1024 * 1024, ' ')).toString('base64'),
        },
      },
    ],
  ])(
    'counts a malformed payload (%s) and does not throw, so Lambda does not retry it',
    async (_kind, event) => {
      await expect(instanceA(event, lambdaContext('malformed'))).resolves.toBeUndefined();
      expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
      expect(emittedMetrics()).toEqual([{ MalformedPayloads: 1 }]);
    },
  );

  it('fails the invocation when SQS cannot be reached, saves no state, and the retry sends the kill', async () => {
    const [, live] = deliveries(WHOLE_RECORD_GROUP);
    sqs.reset();
    sqs
      .on(SendMessageBatchCommand)
      .rejects(Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' }));
    await expect(instanceA(live, lambdaContext('down'))).rejects.toThrow('Service Unavailable');
    expect(await storedState(WHOLE_RECORD_GROUP, STREAM)).toBeNull();

    sqs.reset();
    acceptAll();
    await instanceB(live, lambdaContext('retry'));
    expect(sentEvents().map((e) => e.victim.pid)).toEqual([17777]);
    expect((await storedState(WHOLE_RECORD_GROUP, STREAM))?.version).toBe(1);
  });
});
