import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  ThrottlingException,
} from '@aws-sdk/client-cloudwatch-logs';
import type { FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  completeFromReportContext,
  needsReportContext,
  readAllLogEvents,
  streamLogEventOf,
} from '../../../adapters/logs/report-context-fetch.ts';
import type { OomEvent } from '../../../shared/oom-event.ts';
import { kernelStreamOf, oomEventsFromStream, type KernelStream } from '../../../shared/stream-events.ts';
import { FORWARDED_TERMS } from '../../../shared/subscription-pattern.ts';
import { fakeTiming } from '../fake-timing.ts';
import {
  GROUP_FIRST_PID,
  GROUP_LOG_GROUP,
  GROUP_LOG_STREAM,
  groupKillBodies,
} from '../../fixtures/group-kill-report.ts';
import {
  bodiesOfGroup,
  WHOLE_RECORD_GROUP,
  type PutLogEventsBody,
} from '../../fixtures/subscription/subscription-payloads.ts';

const GROUP = '/eks-oom-alerts/demo/kernel';
const STREAM = 'ip-10-0-1-23.eu-west-1.compute.internal.kernel';
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
const POD_UID = '11111111-2222-3333-4444-555555555555';

// The live 78-line report a real Fluent Bit 5.1 sent with whole kmsg records (the 4th body is the same
// report with `log_key msg`).
const liveReport = (bodiesOfGroup(WHOLE_RECORD_GROUP)[1] as PutLogEventsBody).logEvents;
const KILL_AT = liveReport[0]?.timestamp as number;

/** The report as CloudWatch stores it in the node stream: one event per kernel line. */
function storedEvents(
  report: ReadonlyArray<{ timestamp: number; message: string }>,
  idPrefix: string,
): FilteredLogEvent[] {
  return report.map((e, i) => ({
    eventId: `${idPrefix}${String(i).padStart(3, '0')}`,
    logStreamName: STREAM,
    timestamp: e.timestamp,
    ingestionTime: e.timestamp + 800,
    message: e.message,
  }));
}

/** The same report 3 s later, killing pid 18888 instead of 17777. */
function laterReport(): Array<{ timestamp: number; message: string }> {
  return liveReport.map((e) => {
    const record = JSON.parse(e.message) as { sequence: number; sec: number; msg: string };
    const msg = record.msg.replaceAll('17777', '18888');
    return {
      timestamp: e.timestamp + 3_000,
      message: JSON.stringify({ ...record, sequence: record.sequence + 100, sec: record.sec + 3, msg }),
    };
  });
}

/** What functions/parse makes of the lines the subscription forwarded: the stream step. */
function parsedFromForwarded(events: readonly FilteredLogEvent[]): OomEvent[] {
  const stream = kernelStreamOf(GROUP, STREAM) as KernelStream;
  return oomEventsFromStream(stream, events.map(streamLogEventOf), null, { final: true }).events;
}

function forwardedOnly(events: readonly FilteredLogEvent[]): FilteredLogEvent[] {
  return events.filter((e) => FORWARDED_TERMS.some((term) => (e.message as string).includes(term)));
}

/** A clock that moves only when the code under test sleeps, half a minute after the kill. */
const fakeTime = () => fakeTiming(KILL_AT + 30_000);

const logs = mockClient(CloudWatchLogsClient);
afterEach(() => logs.reset());

function throttled(): ThrottlingException {
  return new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
}

describe('completeFromReportContext on the real Fluent Bit report', () => {
  const stream = storedEvents(liveReport, 'a');

  it('fills the task table of an event built from the forwarded lines only, from one fetch of its stream', async () => {
    const [partial] = parsedFromForwarded(forwardedOnly(stream));
    expect(partial).toMatchObject({ complete: true, tasks: [], pod: { uid: POD_UID } });
    expect(needsReportContext(partial as OomEvent)).toBe(true);
    logs.on(FilterLogEventsCommand).resolves({ events: stream, searchedLogStreams: [] });

    const time = fakeTime();
    const result = await completeFromReportContext([partial as OomEvent], {
      client: new CloudWatchLogsClient({}),
      ...time,
    });

    const calls = logs.commandCalls(FilterLogEventsCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      {
        logGroupName: GROUP,
        logStreamNames: [STREAM],
        startTime: KILL_AT - 10_000,
        endTime: KILL_AT + 2_000,
        nextToken: undefined,
      },
    ]);
    const [event] = result.events;
    expect(event).toMatchObject({
      id: partial?.id,
      source: partial?.source,
      cgroup: partial?.cgroup,
      memory: { usageKb: 65536, limitKb: 65536 },
      trigger: { name: 'python3', pid: 17777 },
      tasks: [{ pid: 17777, name: 'python3', rssKb: 17956 * 4, oomScoreAdj: 0 }],
    });
    expect(result.notes).toEqual([
      {
        eventId: partial?.id,
        outcome: 'filled',
        filled: ['trigger.pid', 'tasks'],
        detail: 'report context filled trigger.pid, tasks',
      },
    ]);
  });

  it('completes a kill line that arrived alone: cgroup, memory, pod, container and tasks come from the stream', async () => {
    const killLine = forwardedOnly(stream).filter((e) => (e.message as string).includes('Killed process'));
    const [alone] = parsedFromForwarded(killLine);
    expect(alone).toMatchObject({
      complete: false,
      pod: null,
      memory: null,
      cgroup: { oom: null, task: null },
    });
    logs.on(FilterLogEventsCommand).resolves({ events: stream });

    const result = await completeFromReportContext([alone as OomEvent], {
      client: new CloudWatchLogsClient({}),
      ...fakeTime(),
    });

    const [event] = result.events;
    expect(event).toMatchObject({
      id: alone?.id,
      complete: true,
      constraint: 'memcg',
      victim: alone?.victim,
      pod: { uid: POD_UID, qos: 'burstable' },
      container: { id: 'abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789' },
      memory: { usageKb: 65536, limitKb: 65536, failcnt: expect.any(Number) as number },
      tasks: [{ pid: 17777, name: 'python3', rssKb: 17956 * 4, oomScoreAdj: 0 }],
    });
    expect(event?.cgroup.task).toMatch(new RegExp(`pod${POD_UID}/abcdef0123456789`));
    expect(result.notes[0]).toMatchObject({
      outcome: 'filled',
      filled: expect.arrayContaining(['pod', 'memory', 'cgroup.task', 'tasks']) as string[],
    });
  });

  it('completes two kills in one window with one fetch, each from its own report', async () => {
    const second = storedEvents(laterReport(), 'b');
    const first = parsedFromForwarded(forwardedOnly(stream));
    const later = parsedFromForwarded(forwardedOnly(second));
    const both = [...first, ...later];
    expect(both.map((e) => e.victim.pid)).toEqual([17777, 18888]);
    logs.on(FilterLogEventsCommand).resolves({ events: [...stream, ...second] });

    const result = await completeFromReportContext(both, {
      client: new CloudWatchLogsClient({}),
      ...fakeTime(),
    });

    const calls = logs.commandCalls(FilterLogEventsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toMatchObject({
      startTime: KILL_AT - 10_000,
      endTime: KILL_AT + 3_000 + 2_000,
    });
    expect(result.events.map((e) => e.tasks[0])).toEqual([
      { pid: 17777, name: 'python3', rssKb: 17956 * 4, oomScoreAdj: 0 },
      { pid: 18888, name: 'python3', rssKb: 17956 * 4, oomScoreAdj: 0 },
    ]);
    expect(result.events.map((e) => e.id)).toEqual(both.map((e) => e.id));
  });

  it('leaves an event unchanged with a note when its window is empty', async () => {
    const [partial] = parsedFromForwarded(forwardedOnly(stream));
    logs.on(FilterLogEventsCommand).resolves({ events: [] });

    const result = await completeFromReportContext([partial as OomEvent], {
      client: new CloudWatchLogsClient({}),
      ...fakeTime(),
    });

    expect(result.events).toEqual([partial]);
    expect(result.notes).toEqual([
      {
        eventId: partial?.id,
        outcome: 'unchanged',
        detail: 'report context: the 0 lines around the kill added nothing',
      },
    ]);
  });

  it('retries after ThrottlingException with backoff, then completes the event', async () => {
    const [partial] = parsedFromForwarded(forwardedOnly(stream));
    logs.on(FilterLogEventsCommand).rejectsOnce(throttled()).resolves({ events: stream });
    const time = fakeTime();

    const result = await completeFromReportContext([partial as OomEvent], {
      client: new CloudWatchLogsClient({}),
      ...time,
    });

    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(2);
    expect(time.sleeps).toEqual([200]);
    expect(result.events[0]?.tasks).toHaveLength(1);
  });

  it('gives up when throttling outlasts the time budget: the event goes on unchanged, incomplete, with the reason', async () => {
    const killLine = forwardedOnly(stream).filter((e) => (e.message as string).includes('Killed process'));
    const [alone] = parsedFromForwarded(killLine);
    logs.on(FilterLogEventsCommand).rejects(throttled());
    const time = fakeTime();

    const result = await completeFromReportContext([alone as OomEvent], {
      client: new CloudWatchLogsClient({}),
      ...time,
      budgetMs: 1_000,
    });

    // 200 + 400 ms of backoff fit in 1 s; the next 800 ms would not.
    expect(time.sleeps).toEqual([200, 400]);
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(3);
    expect(result.events).toEqual([alone]);
    expect(result.events[0]?.complete).toBe(false);
    expect(result.notes).toEqual([
      {
        eventId: alone?.id,
        outcome: 'not-fetched',
        detail: 'report context not fetched: time budget ran out (after ThrottlingException: Rate exceeded)',
      },
    ]);
  });

  it('reports an access error as a reason, not an exception', async () => {
    const [partial] = parsedFromForwarded(forwardedOnly(stream));
    const denied = Object.assign(new Error('User is not authorized to perform: logs:FilterLogEvents'), {
      name: 'AccessDeniedException',
    });
    logs.on(FilterLogEventsCommand).rejects(denied);

    const result = await completeFromReportContext([partial as OomEvent], {
      client: new CloudWatchLogsClient({}),
      ...fakeTime(),
    });

    expect(result.events).toEqual([partial]);
    expect(result.notes[0]?.detail).toBe(
      'report context not fetched: AccessDeniedException: User is not authorized to perform: logs:FilterLogEvents',
    );
  });
});

describe('completeFromReportContext on a memory.oom.group kill split across two deliveries', () => {
  it('lists every member the stream holds, where the event had only those of the first delivery', async () => {
    const killAt = Date.parse('2025-11-20T10:02:11.117Z');
    const stored: FilteredLogEvent[] = groupKillBodies(300, 'kmsg-json', killAt)
      .flatMap((body) => body.logEvents)
      .map((e, i) => ({
        eventId: `g${String(i).padStart(4, '0')}`,
        logStreamName: GROUP_LOG_STREAM,
        timestamp: e.timestamp,
        ingestionTime: e.timestamp + 800,
        message: e.message,
      }));
    const twentiethMember = stored.findIndex((e) =>
      (e.message as string).includes(`Killed process ${GROUP_FIRST_PID + 20} `),
    );
    const stream = kernelStreamOf(GROUP_LOG_GROUP, GROUP_LOG_STREAM) as KernelStream;
    const firstDelivery = forwardedOnly(stored.slice(0, twentiethMember + 1)).map(streamLogEventOf);
    const [sent] = oomEventsFromStream(stream, firstDelivery, null, { final: false }).events;
    expect(sent).toMatchObject({ coVictimCount: 20, tasks: [] });
    logs.on(FilterLogEventsCommand).resolves({ events: stored, searchedLogStreams: [] });

    const result = await completeFromReportContext([sent as OomEvent], {
      client: new CloudWatchLogsClient({}),
      ...fakeTiming(killAt + 30_000),
    });

    const [event] = result.events;
    expect(event?.id).toBe(sent?.id);
    expect(event?.coVictimCount).toBe(299);
    expect(event?.coVictims.at(-1)?.pid).toBe(GROUP_FIRST_PID + 100);
    expect(result.notes[0]).toMatchObject({
      outcome: 'filled',
      filled: ['trigger.pid', 'tasks', 'coVictims'],
    });
  });
});

describe('which events are fetched for', () => {
  const stream = storedEvents(liveReport, 'a');
  const [partial] = parsedFromForwarded(forwardedOnly(stream));
  const whole = parsedFromForwarded(stream)[0] as OomEvent;

  it('skips complete events that have their task table', async () => {
    expect(needsReportContext(whole)).toBe(false);
    const result = await completeFromReportContext([whole], {
      client: new CloudWatchLogsClient({}),
      ...fakeTime(),
    });
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(0);
    expect(result).toEqual({ events: [whole], notes: [] });
  });

  it('fetches once per stream, one window covering that stream’s events', async () => {
    const otherStream = {
      ...(partial as OomEvent),
      id: 'other',
      source: { logGroup: GROUP, logStream: 'ip-10-0-9-9.kernel', eventIds: [] },
    };
    const laterSame = {
      ...(partial as OomEvent),
      id: 'later',
      observedAt: new Date(KILL_AT + 60_000).toISOString(),
    };
    logs.on(FilterLogEventsCommand).resolves({ events: [] });

    await completeFromReportContext([partial as OomEvent, otherStream, laterSame, whole], {
      client: new CloudWatchLogsClient({}),
      ...fakeTime(),
    });

    const inputs = logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      {
        logGroupName: GROUP,
        logStreamNames: [STREAM],
        startTime: KILL_AT - 10_000,
        endTime: KILL_AT + 62_000,
        nextToken: undefined,
      },
      {
        logGroupName: GROUP,
        logStreamNames: ['ip-10-0-9-9.kernel'],
        startTime: KILL_AT - 10_000,
        endTime: KILL_AT + 2_000,
        nextToken: undefined,
      },
    ]);
  });

  it('notes an event from a file, from a stream of no kernel lines, or without a wall clock instead of fetching', async () => {
    const fromFile = { ...(partial as OomEvent), id: 'file', source: { file: 'dmesg.log', lines: [3] } };
    const secure = `${NODE}.host.secure`;
    const authLog = {
      ...(partial as OomEvent),
      id: 'auth-log',
      source: { logGroup: GROUP, logStream: secure, eventIds: [] },
    };
    const noClock = { ...(partial as OomEvent), id: 'no-clock', observedAt: null };
    const result = await completeFromReportContext([fromFile, authLog, noClock], {
      client: new CloudWatchLogsClient({}),
      ...fakeTime(),
    });
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(0);
    expect(result.notes).toEqual([
      {
        eventId: 'file',
        outcome: 'not-fetched',
        detail: 'report context not fetched: the event names no log stream',
      },
      {
        eventId: 'auth-log',
        outcome: 'not-fetched',
        detail: 'report context not fetched: the event names a stream that carries no kernel lines',
      },
      {
        eventId: 'no-clock',
        outcome: 'not-fetched',
        detail: 'report context not fetched: the event has no wall-clock time to place a window',
      },
    ]);
  });
});

describe('readAllLogEvents', () => {
  const pacing = {
    timing: fakeTime(),
    deadline: Number.POSITIVE_INFINITY,
    maxAttempts: 3,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
  };
  const page = (ids: string[]) => ids.map((eventId) => ({ eventId, timestamp: KILL_AT, message: eventId }));

  it('follows nextToken and stops when the same token comes back at the end of the stream', async () => {
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({ events: page(['1', '2']), nextToken: 't1' })
      .resolvesOnce({ events: [], nextToken: 't2' })
      .resolvesOnce({ events: page(['3']), nextToken: 't3' })
      .resolvesOnce({ events: [], nextToken: 't3' });

    const read = await readAllLogEvents(new CloudWatchLogsClient({}), { logGroupName: GROUP }, pacing);

    expect(read).toMatchObject({ ok: true, pages: 4 });
    expect(read.ok && read.events.map((e) => e.eventId)).toEqual(['1', '2', '3']);
    expect(logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input.nextToken)).toEqual([
      undefined,
      't1',
      't2',
      't3',
    ]);
  });

  it('stops when no token comes back', async () => {
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({ events: page(['1']), nextToken: 't1' })
      .resolvesOnce({ events: page(['2']) });
    const read = await readAllLogEvents(new CloudWatchLogsClient({}), { logGroupName: GROUP }, pacing);
    expect(read.ok && read.events.map((e) => e.eventId)).toEqual(['1', '2']);
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(2);
  });

  it('says so when throttling never ends', async () => {
    logs.on(FilterLogEventsCommand).rejects(throttled());
    const read = await readAllLogEvents(new CloudWatchLogsClient({}), { logGroupName: GROUP }, pacing);
    expect(read).toEqual({
      ok: false,
      failure: 'throttled',
      reason: 'still throttled after 3 attempts (ThrottlingException: Rate exceeded)',
    });
  });
});
