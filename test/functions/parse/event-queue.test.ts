import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { SendRetry } from '../../../functions/parse/event-queue.ts';
import {
  batchesForSend,
  eventMessagesOf,
  MAX_BATCH_BYTES,
  MAX_MESSAGE_BYTES,
  sendOomEvents,
} from '../../../functions/parse/event-queue.ts';
import type { OomEvent } from '../../../shared/oom-event.ts';
import { GROUP_LOG_GROUP, GROUP_LOG_STREAM, groupKillEvent } from '../../fixtures/group-kill-report.ts';
import { fakeTiming } from '../../adapters/fake-timing.ts';

const QUEUE = {
  url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/eks-oom-alerts-events',
  delaySeconds: 30,
};
const sqs = mockClient(SQSClient);

function oomEvent(pid: number, lines: string[] = []): OomEvent {
  return {
    schemaVersion: 1,
    id: `id-${pid}`,
    node: 'node-kernel',
    observedAt: '2026-11-22T14:53:57.691Z',
    kernelTime: 4194.691334,
    constraint: 'memcg',
    limitScope: 'pod',
    victim: {
      pid,
      name: 'python3',
      uid: 0,
      totalVmKb: 75160,
      anonRssKb: 65152,
      fileRssKb: 6672,
      shmemRssKb: 0,
      pgtablesKb: 184,
      oomScoreAdj: 0,
    },
    trigger: null,
    cgroup: { oom: null, task: null },
    pod: null,
    container: null,
    memory: null,
    tasks: [],
    coVictims: [],
    coVictimCount: 0,
    complete: false,
    source: { logGroup: '/fluentbit/oom-whole', logStream: 'node-kernel', eventIds: [] },
    lines,
  };
}

function recordingRetry(): SendRetry & { timing: ReturnType<typeof fakeTiming> } {
  return { maxAttempts: 4, baseDelayMs: 100, timing: fakeTiming() };
}

function sentEntries(): Array<{ Id?: string; MessageBody?: string; DelaySeconds?: number }[]> {
  return sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries ?? []);
}

afterEach(() => sqs.reset());

describe('batchesForSend', () => {
  it('groups at most 10 messages per call, in order', () => {
    const messages = Array.from({ length: 23 }, (_, i) => ({ i, bytes: 100 }));
    expect(batchesForSend(messages).map((b) => b.map((m) => m.i))).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
      [20, 21, 22],
    ]);
  });

  it('starts a new call before the bodies pass 256 KiB', () => {
    const messages = [100_000, 100_000, 100_000, 10].map((bytes, i) => ({ i, bytes }));
    expect(batchesForSend(messages).map((b) => b.map((m) => m.i))).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(MAX_BATCH_BYTES).toBe(262_144);
  });
});

function acceptAll(): void {
  sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })),
    Failed: [],
  }));
}

describe('eventMessagesOf', () => {
  it('sends a 3,000-member group kill as one message of at most 64 KiB, the kill and its counts whole', async () => {
    acceptAll();
    const event = groupKillEvent(3000);
    const messages = eventMessagesOf([event]);
    expect(await sendOomEvents(new SQSClient({}), QUEUE, messages, recordingRetry())).toEqual({
      kind: 'sent',
      calls: 1,
    });
    const bodies = sentEntries()
      .flat()
      .map((e) => e.MessageBody!);
    expect(bodies).toHaveLength(1);
    expect(Buffer.byteLength(bodies[0]!)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(MAX_MESSAGE_BYTES).toBe(65_536);
    const sent = JSON.parse(bodies[0]!) as OomEvent;
    const { source, ...identity } = event;
    expect(sent).toMatchObject({
      ...identity,
      source: { logGroup: GROUP_LOG_GROUP, logStream: GROUP_LOG_STREAM },
    });
    expect((sent.source as { eventIds: string[] }).eventIds[0]).toBe(
      (source as { eventIds: string[] }).eventIds[0],
    );
    expect(sent.coVictimCount).toBe(2999);
    expect(messages[0]!.trimmed).toMatchObject({ lines: 0, tasks: 0, coVictims: 0 });
    expect(messages[0]!.trimmed?.sourceRefs).toBeGreaterThan(0);
  });

  it('cuts an event with huge lines, cgroup paths and source ids to 64 KiB, and keeps the kill', () => {
    const path = `/kubepods.slice/${'p'.repeat(500_000)}`;
    const event = {
      ...oomEvent(
        4242,
        Array.from({ length: 40 }, (_, i) => `${i} ${'l'.repeat(100_000)}`),
      ),
      cgroup: { oom: path, task: path },
      source: {
        logGroup: '/fluentbit/oom-whole',
        logStream: 'node-kernel',
        eventIds: Array.from({ length: 20_000 }, (_, i) => String(10n ** 55n + BigInt(i))),
      },
    };
    const [message] = eventMessagesOf([event]);
    expect(Buffer.byteLength(message!.body)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(message!.bytes).toBe(Buffer.byteLength(message!.body));
    expect(message!.eventId).toBe('id-4242');
    expect(JSON.parse(message!.body)).toMatchObject({
      id: 'id-4242',
      victim: event.victim,
      constraint: 'memcg',
      limitScope: 'pod',
      cgroup: { oom: expect.stringMatching(/^\/kubepods\.slice\/p+…$/) as string },
    });
    expect(message!.trimmed).toMatchObject({ longText: 42 });
  });

  it('leaves an event that fits as it is, with its body measured in UTF-8 bytes', () => {
    const event = oomEvent(1, ['Memory cgroup out of memory: Killed process 1 (pythön3)']);
    const body = JSON.stringify(event);
    expect(eventMessagesOf([event])).toEqual([
      { eventId: 'id-1', body, bytes: body.length + 1, trimmed: null },
    ]);
  });
});

describe('sendOomEvents', () => {
  it('sends 25 events as 10 + 10 + 5 entries, each with the delay and the OomEvent JSON as body', async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })),
      Failed: [],
    }));
    const events = Array.from({ length: 25 }, (_, i) => oomEvent(1000 + i));
    const result = await sendOomEvents(new SQSClient({}), QUEUE, eventMessagesOf(events), recordingRetry());
    expect(result).toEqual({ kind: 'sent', calls: 3 });
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((c) => c.args[0].input.QueueUrl)).toEqual([QUEUE.url, QUEUE.url, QUEUE.url]);
    const batches = sentEntries();
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat().map((e) => e.DelaySeconds)).toEqual(Array(25).fill(30));
    expect(batches.flat().map((e) => e.Id)).toEqual(events.map((_, i) => `e${i}`));
    expect(batches.flat().map((e) => JSON.parse(e.MessageBody!) as OomEvent)).toEqual(events);
  });

  it('retries only the entries SQS reported as failed, with backoff, until they succeed', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: [
          { Id: 'e0', MessageId: 'm0', MD5OfMessageBody: 'x' },
          { Id: 'e2', MessageId: 'm2', MD5OfMessageBody: 'x' },
        ],
        Failed: [{ Id: 'e1', Code: 'InternalError', SenderFault: false }],
      })
      .resolvesOnce({
        Successful: [],
        Failed: [{ Id: 'e1', Code: 'ServiceUnavailable', SenderFault: false }],
      })
      .resolvesOnce({ Successful: [{ Id: 'e1', MessageId: 'm1', MD5OfMessageBody: 'x' }], Failed: [] });
    const retry = recordingRetry();
    const events = [oomEvent(1), oomEvent(2), oomEvent(3)];
    const result = await sendOomEvents(new SQSClient({}), QUEUE, eventMessagesOf(events), retry);
    expect(result).toEqual({ kind: 'sent', calls: 3 });
    expect(sentEntries().map((b) => b.map((e) => e.Id))).toEqual([['e0', 'e1', 'e2'], ['e1'], ['e1']]);
    expect(JSON.parse(sentEntries()[2]![0]!.MessageBody!)).toMatchObject({ id: 'id-2', victim: { pid: 2 } });
    expect(retry.timing.sleeps).toEqual([100, 200]);
  });

  it('reports the entries still failing after the last attempt', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: 'e0', Code: 'InternalError', Message: 'try again', SenderFault: false }],
    });
    const retry = recordingRetry();
    const result = await sendOomEvents(new SQSClient({}), QUEUE, eventMessagesOf([oomEvent(7)]), retry);
    expect(result).toEqual({
      kind: 'failed',
      calls: 4,
      failures: [{ eventId: 'id-7', code: 'InternalError', message: 'try again', senderFault: false }],
    });
    expect(retry.timing.sleeps).toEqual([100, 200, 400]);
  });

  it('does not resend an entry SQS refused as a sender fault', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: 'e1', MessageId: 'm1', MD5OfMessageBody: 'x' }],
      Failed: [{ Id: 'e0', Code: 'InvalidParameterValue', Message: 'too long', SenderFault: true }],
    });
    const result = await sendOomEvents(
      new SQSClient({}),
      QUEUE,
      eventMessagesOf([oomEvent(1), oomEvent(2)]),
      recordingRetry(),
    );
    expect(result).toEqual({
      kind: 'failed',
      calls: 1,
      failures: [{ eventId: 'id-1', code: 'InvalidParameterValue', message: 'too long', senderFault: true }],
    });
  });

  it('makes no call for no events', async () => {
    expect(await sendOomEvents(new SQSClient({}), QUEUE, eventMessagesOf([]), recordingRetry())).toEqual({
      kind: 'sent',
      calls: 0,
    });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('lets an error of the whole call reach the caller', async () => {
    sqs.on(SendMessageBatchCommand).rejects(new Error('connect ETIMEDOUT'));
    await expect(
      sendOomEvents(new SQSClient({}), QUEUE, eventMessagesOf([oomEvent(1)]), recordingRetry()),
    ).rejects.toThrow('connect ETIMEDOUT');
  });
});
