import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AssemblerStateStore, stateKeyOf } from '../../../functions/parse/assembler-state-store.ts';
import type { ParseDependencies, ParseLog, StateStore } from '../../../functions/parse/parse-batch.ts';
import { parseSubscriptionBatch } from '../../../functions/parse/parse-batch.ts';
import { MAX_MESSAGE_BYTES } from '../../../functions/parse/event-queue.ts';
import { MAX_TEXT_CHARS } from '../../../shared/event-shrink.ts';
import type { OomEvent } from '../../../shared/oom-event.ts';
import {
  bodiesOfGroup,
  dataMessage,
  logEventsOf,
  subscriptionEvent,
  WHOLE_RECORD_GROUP,
} from '../../fixtures/subscription/subscription-payloads.ts';
import {
  GROUP_CGROUP,
  GROUP_FIRST_PID,
  GROUP_LOG_GROUP,
  GROUP_LOG_STREAM,
  groupKillBodies,
  groupKillMessages,
} from '../../fixtures/group-kill-report.ts';
import type { StateTable } from '../../integration/local-dynamo.ts';
import { startStateTable } from '../../integration/local-dynamo.ts';
import { fakeTiming } from '../../adapters/fake-timing.ts';
import { tableKey } from '../../../adapters/state/state-table.ts';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/eks-oom-alerts-events';
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
const sqs = mockClient(SQSClient);
let table: StateTable;
let store: AssemblerStateStore;

interface LoggedLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  attributes: Record<string, unknown>[];
}

function recordingLogger(): ParseLog & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const at =
    (level: LoggedLine['level']) =>
    (message: string, ...attributes: Record<string, unknown>[]) =>
      void lines.push({ level, message, attributes });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

function dependencies(overrides: Partial<ParseDependencies> = {}): ParseDependencies {
  return {
    queueClient: new SQSClient({}),
    queue: { url: QUEUE_URL, delaySeconds: 30 },
    sendRetry: { maxAttempts: 3, baseDelayMs: 100, timing: fakeTiming() },
    stateStore: store,
    logger: recordingLogger(),
    maxStateAttempts: 4,
    ...overrides,
  };
}

function sentEvents(): OomEvent[] {
  return sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => JSON.parse(entry.MessageBody!) as OomEvent);
}

/** The live 78-line report of the real Fluent Bit sample, in its own stream, cut in two at line `at`. */
function liveReportHalves(stream: string, at = 39): [unknown, unknown] {
  const body = bodiesOfGroup(WHOLE_RECORD_GROUP)[1]!;
  const events = logEventsOf(body, 2);
  return [
    subscriptionEvent(dataMessage(WHOLE_RECORD_GROUP, stream, events.slice(0, at))),
    subscriptionEvent(dataMessage(WHOLE_RECORD_GROUP, stream, events.slice(at))),
  ];
}

function acceptAll(): void {
  sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })),
    Failed: [],
  }));
}

beforeAll(async () => {
  table = await startStateTable();
  store = new AssemblerStateStore(table.client, { tableName: table.tableName, now: () => Date.now() });
});
afterAll(() => table.close());
beforeEach(acceptAll);
// The group kill's stream starts each test with no stored state: its kill as text records (on the wall clock of
// their ingestion) and as kmsg records (seconds since boot) is one kill, so a state one test left would hold it.
beforeEach(async () => {
  const key = tableKey(stateKeyOf(GROUP_LOG_GROUP, GROUP_LOG_STREAM));
  await table.documents.send(new DeleteCommand({ TableName: table.tableName, Key: key }));
});
afterEach(() => sqs.reset());

describe('parseSubscriptionBatch', () => {
  it('re-runs the batch on the state another invocation saved meanwhile, and sends the richer event too', async () => {
    const stream = `${NODE}.kernel`;
    const [firstHalf, secondHalf] = liveReportHalves(stream);
    // Invocation B (second half) loads an empty state; before it saves, invocation A saves the first half.
    let raced = false;
    const racingStore: StateStore = {
      load: (key) => store.load(key),
      save: async (key, state, version) => {
        if (!raced) {
          raced = true;
          expect((await parseSubscriptionBatch(firstHalf, dependencies())).kind).toBe('parsed');
        }
        return store.save(key, state, version);
      },
    };
    const logger = recordingLogger();
    const outcome = await parseSubscriptionBatch(
      secondHalf,
      dependencies({ stateStore: racingStore, logger }),
    );
    expect(outcome).toMatchObject({ kind: 'parsed', stateAttempts: 2, node: NODE });
    if (outcome.kind !== 'parsed') return;
    expect(outcome.events).toHaveLength(1);
    expect(outcome.events[0]).toMatchObject({
      victim: { pid: 17777 },
      trigger: { name: 'python3', pid: 17777 },
      memory: { usageKb: 65536, limitKb: 65536, failcnt: 142 },
      complete: true,
    });
    // The stale run had only the second half: the same kill, without the header's trigger and memory figures.
    const sent = sentEvents();
    expect(sent.map((e) => e.id)).toEqual([outcome.events[0]!.id, outcome.events[0]!.id]);
    expect(sent[0]).toMatchObject({
      trigger: null,
      memory: null,
      pod: { uid: '11111111-2222-3333-4444-555555555555' },
    });
    expect(sent[1]).toEqual(outcome.events[0]);
    expect(logger.lines).toContainEqual({
      level: 'info',
      message: 'Assembler state changed under this invocation; running the batch again',
      attributes: [{ key: stateKeyOf(WHOLE_RECORD_GROUP, stream), attempt: 1 }],
    });
    expect((await store.load(stateKeyOf(WHOLE_RECORD_GROUP, stream))).version).toBe(2);
  });

  it('does not send again an event whose content did not change on the re-run', async () => {
    const body = bodiesOfGroup(WHOLE_RECORD_GROUP)[1]!;
    const event = subscriptionEvent(dataMessage(WHOLE_RECORD_GROUP, 'whole-report', logEventsOf(body, 2)));
    let conflicts = 1;
    const conflictingStore: StateStore = {
      load: (key) => store.load(key),
      save: async (key, state, version) =>
        conflicts-- > 0 ? { kind: 'conflict' } : store.save(key, state, version),
    };
    const outcome = await parseSubscriptionBatch(event, dependencies({ stateStore: conflictingStore }));
    expect(outcome).toMatchObject({ kind: 'parsed', stateAttempts: 2 });
    expect(sentEvents().map((e) => e.victim.pid)).toEqual([17777]);
  });

  it('gives up after the last attempt when the state keeps changing, asking for a retry', async () => {
    const body = bodiesOfGroup(WHOLE_RECORD_GROUP)[1]!;
    const event = subscriptionEvent(
      dataMessage(WHOLE_RECORD_GROUP, 'always-contended', logEventsOf(body, 2)),
    );
    let loads = 0;
    const contended: StateStore = {
      load: async (key) => {
        loads++;
        return store.load(key);
      },
      save: async () => ({ kind: 'conflict' }),
    };
    const outcome = await parseSubscriptionBatch(
      event,
      dependencies({ stateStore: contended, maxStateAttempts: 3 }),
    );
    expect(outcome).toEqual({
      kind: 'retry',
      logGroup: WHOLE_RECORD_GROUP,
      logStream: 'always-contended',
      reason: `the assembler state of parse#${WHOLE_RECORD_GROUP}#always-contended kept changing under this invocation (3 attempts)`,
    });
    expect(loads).toBe(3);
  });

  it('saves no state when SQS keeps refusing an event, so that the retry sends it again', async () => {
    const stream = 'sqs-refuses';
    const body = bodiesOfGroup(WHOLE_RECORD_GROUP)[1]!;
    const event = subscriptionEvent(dataMessage(WHOLE_RECORD_GROUP, stream, logEventsOf(body, 2)));
    sqs.reset();
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: 'e0', Code: 'KMS.ThrottlingException', Message: 'Rate exceeded', SenderFault: false }],
    });
    const refused = await parseSubscriptionBatch(event, dependencies());
    expect(refused.kind).toBe('retry');
    if (refused.kind !== 'retry') return;
    expect(refused.reason).toMatch(
      /^SQS refused 1 event\(s\): [0-9a-f]{32}: KMS\.ThrottlingException \(Rate exceeded\)$/,
    );
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
    expect(await store.load(stateKeyOf(WHOLE_RECORD_GROUP, stream))).toEqual({
      state: null,
      version: 0,
      discarded: null,
    });

    sqs.reset();
    acceptAll();
    const retried = await parseSubscriptionBatch(event, dependencies());
    expect(retried).toMatchObject({ kind: 'parsed', stateAttempts: 1 });
    expect(sentEvents().map((e) => e.victim.pid)).toEqual([17777]);
  });

  it('retries the entry SQS failed, then saves the state once every event is on the queue', async () => {
    const stream = 'sqs-partial-failure';
    const replay = bodiesOfGroup(WHOLE_RECORD_GROUP)[0]!;
    const live = bodiesOfGroup(WHOLE_RECORD_GROUP)[1]!;
    // Both kills in one batch: the replay's report, then the live one.
    const event = subscriptionEvent(
      dataMessage(WHOLE_RECORD_GROUP, stream, [...logEventsOf(replay, 0), ...logEventsOf(live, 1)]),
    );
    sqs.reset();
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: [{ Id: 'e0', MessageId: 'm0', MD5OfMessageBody: 'x' }],
        Failed: [{ Id: 'e1', Code: 'InternalError', SenderFault: false }],
      })
      .resolvesOnce({ Successful: [{ Id: 'e1', MessageId: 'm1', MD5OfMessageBody: 'x' }], Failed: [] });
    const timing = fakeTiming();
    const outcome = await parseSubscriptionBatch(
      event,
      dependencies({ sendRetry: { maxAttempts: 3, baseDelayMs: 100, timing } }),
    );
    expect(outcome).toMatchObject({ kind: 'parsed', stateAttempts: 1 });
    expect(sentEvents().map((e) => e.victim.pid)).toEqual([2874, 17777, 17777]);
    expect(
      sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries?.map((e) => e.Id)),
    ).toEqual([['e0', 'e1'], ['e1']]);
    expect(timing.sleeps).toEqual([100]);
    const stored = await store.load(stateKeyOf(WHOLE_RECORD_GROUP, stream));
    expect(stored.version).toBe(1);
    expect(stored.state?.recentKills.map((k) => k.pid)).toEqual([2874, 17777]);
  });

  it('ignores the Container Insights auth log stream', async () => {
    const stream = `${NODE}.host.secure`;
    const event = subscriptionEvent(
      dataMessage('/aws/containerinsights/prod/host', stream, [
        {
          id: '1',
          timestamp: 1795359237691,
          message: 'sudo: admin : COMMAND=/usr/bin/grep "Killed process" /var/log/messages',
        },
      ]),
    );
    expect(await parseSubscriptionBatch(event, dependencies())).toEqual({
      kind: 'not-kernel',
      logGroup: '/aws/containerinsights/prod/host',
      logStream: stream,
    });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  describe('the node of the event', () => {
    const kill =
      'Memory cgroup out of memory: Killed process 17777 (python3) total-vm:75160kB, anon-rss:65152kB, file-rss:6672kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0';
    async function nodeOf(stream: string, message: string): Promise<string | null> {
      const event = subscriptionEvent(
        dataMessage('/node-kernel', stream, [{ id: '7', timestamp: 1795359237691, message }]),
      );
      const outcome = await parseSubscriptionBatch(event, dependencies());
      expect(outcome.kind).toBe('parsed');
      return outcome.kind === 'parsed' && outcome.events.length === 1
        ? outcome.events[0]!.node
        : 'no single event';
    }

    it('comes from a known stream shape before the record host', async () => {
      const record = JSON.stringify({ host: 'ip-10-0-1-23', ident: 'kernel', message: kill });
      expect(await nodeOf(`${NODE}.host.messages`, record)).toBe(NODE);
    });

    it("comes from the record's host when the stream name has no known shape", async () => {
      const record = JSON.stringify({
        MESSAGE: kill,
        _TRANSPORT: 'kernel',
        _HOSTNAME: 'ip-10-0-9-9.eu-west-1.compute.internal',
      });
      expect(await nodeOf('some-stream', record)).toBe('ip-10-0-9-9.eu-west-1.compute.internal');
    });

    it('is the stream name itself when neither says more', async () => {
      expect(await nodeOf(NODE, kill)).toBe(NODE);
    });
  });

  it('returns format drift with the CloudWatch event id of the line', async () => {
    const event = subscriptionEvent(
      dataMessage('/node-kernel', `${NODE}.kernel`, [
        {
          id: '31953106606966983378809025079804211143289615424298221568',
          timestamp: 1795359237691,
          message: 'Memory cgroup out of memory: Killed task 17777 (python3)',
        },
      ]),
    );
    const outcome = await parseSubscriptionBatch(event, dependencies());
    expect(outcome).toMatchObject({
      kind: 'parsed',
      events: [],
      drift: [
        {
          text: 'Memory cgroup out of memory: Killed task 17777 (python3)',
          reason: 'looks like OOM text but no recognizer read it',
          ref: '31953106606966983378809025079804211143289615424298221568',
        },
      ],
    });
  });

  describe('a memory.oom.group kill of 3,000 processes', () => {
    /** Parses each body as one delivery; the bodies of every message sent. */
    async function parseDeliveries(bodies: ReturnType<typeof groupKillBodies>, logger: ParseLog) {
      for (const [b, body] of bodies.entries()) {
        const delivery = subscriptionEvent(
          dataMessage(body.logGroupName, body.logStreamName, logEventsOf(body, b)),
        );
        expect(await parseSubscriptionBatch(delivery, dependencies({ logger }))).toMatchObject({
          kind: 'parsed',
        });
      }
      return sqs
        .commandCalls(SendMessageBatchCommand)
        .flatMap((call) => call.args[0].input.Entries ?? [])
        .map((entry) => entry.MessageBody!);
    }

    function expectOneKillOfTheWholeGroup(bodies: readonly string[]): void {
      expect(bodies.length).toBeGreaterThan(0);
      for (const body of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
      const sent = sentEvents();
      // A re-send of the same kill with more of it seen is allowed; another kill is not.
      expect(new Set(sent.map((e) => e.id)).size).toBe(1);
      expect(sent.at(-1)).toMatchObject({ victim: { pid: GROUP_FIRST_PID }, coVictimCount: 2999 });
      expect(sent.at(-1)!.coVictims).toHaveLength(100);
    }

    it('in one delivery: one kill sent, in a message of at most 64 KiB', async () => {
      expectOneKillOfTheWholeGroup(await parseDeliveries(groupKillBodies(3000, 'text'), recordingLogger()));
    });

    it('in two deliveries (whole kmsg records): one kill sent, counting every member', async () => {
      const bodies = await parseDeliveries(groupKillBodies(3000, 'kmsg-json'), recordingLogger());
      expectOneKillOfTheWholeGroup(bodies);
    });
  });

  it('sends a kill whose cgroup paths are 200 KB of junk cut to 64 KiB, and logs what was cut', async () => {
    const junk = `/kubepods.slice/${'x'.repeat(200_000)}`;
    const messages = groupKillMessages(1).map((text) =>
      text.startsWith('oom-kill:') ? text.replaceAll(GROUP_CGROUP, junk) : text,
    );
    const events = messages.map((message, i) => ({
      id: String(10n ** 55n + BigInt(i)),
      timestamp: 1795359237691,
      message,
    }));
    const logger = recordingLogger();
    const delivery = subscriptionEvent(dataMessage(GROUP_LOG_GROUP, GROUP_LOG_STREAM, events));
    expect(await parseSubscriptionBatch(delivery, dependencies({ logger }))).toMatchObject({
      kind: 'parsed',
    });
    const [entry] = sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries!;
    expect(Buffer.byteLength(entry!.MessageBody!)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    const sent = JSON.parse(entry!.MessageBody!) as OomEvent;
    expect(sent).toMatchObject({ victim: { pid: GROUP_FIRST_PID, name: 'php-fpm' }, constraint: 'memcg' });
    expect(sent.cgroup.oom).toBe(`${junk.slice(0, MAX_TEXT_CHARS - 1)}…`);
    expect(logger.lines).toContainEqual({
      level: 'warn',
      message: 'Event shrunk to fit one queue message',
      attributes: [
        {
          eventId: sent.id,
          leftOut: expect.objectContaining({ longText: 2, lines: 0, tasks: 0 }) as unknown,
        },
      ],
    });
  });

  it('passes control and malformed payloads through without touching SQS or the table', async () => {
    expect(
      await parseSubscriptionBatch(subscriptionEvent({ messageType: 'CONTROL_MESSAGE' }), dependencies()),
    ).toEqual({ kind: 'control' });
    expect(await parseSubscriptionBatch({ awslogs: { data: 'H4sI!!!!' } }, dependencies())).toEqual({
      kind: 'malformed',
      reason: 'bad base64 in awslogs.data',
    });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });
});
