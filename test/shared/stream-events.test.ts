import { describe, expect, it } from 'vitest';
import type { StreamLogEvent } from '../../shared/log-event-lines.ts';
import { kernelStreamOf, oomEventsFromStream, type KernelStream } from '../../shared/stream-events.ts';
import {
  bodiesOfGroup,
  logEventsOf,
  WHOLE_RECORD_GROUP,
} from '../fixtures/subscription/subscription-payloads.ts';

const GROUP = '/eks-oom-alerts/demo/kernel';
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
const KILL_LINE =
  'Memory cgroup out of memory: Killed process 17777 (python3) total-vm:75160kB, anon-rss:65152kB, file-rss:6672kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0';

// The live 78-line report a real Fluent Bit 5.1 sent (whole kmsg records, no host in them), all at one
// millisecond; its kill line is the last event.
const liveReport = logEventsOf(bodiesOfGroup(WHOLE_RECORD_GROUP)[1]!, 1);
const REPORT_AT = 1795359237691;
/** The events whose lines the assembler keeps as the report's: header, cgroup, memory, task table, kill. */
const REPORT_LINES = [0, 1, 27, 28, 29, 30, 74, 75, 76, 77];
const idsAt = (indexes: readonly number[]): string[] => indexes.map((i) => liveReport[i]!.id);

function streamOf(logStream: string): KernelStream {
  const stream = kernelStreamOf(GROUP, logStream);
  if (stream === null) throw new Error(`${logStream} is not a kernel stream`);
  return stream;
}

describe('kernelStreamOf', () => {
  it.each([
    [`${NODE}.kernel`, NODE],
    [`kernel.${NODE}`, NODE],
    [`${NODE}.host.messages`, NODE],
    [`${NODE}.host.dmesg`, NODE],
    ['node-kernel', null],
  ])('%s: node %s', (logStream, node) => {
    expect(kernelStreamOf(GROUP, logStream)).toEqual({ logGroup: GROUP, logStream, node });
  });

  it('is null for the Container Insights auth log, whose lines are never kernel messages', () => {
    expect(kernelStreamOf(GROUP, `${NODE}.host.secure`)).toBeNull();
  });
});

describe('oomEventsFromStream', () => {
  it('names the node from the stream and the source from the group, stream and event ids', () => {
    const stream = streamOf(`${NODE}.kernel`);
    const result = oomEventsFromStream(stream, liveReport, null, { final: false });
    expect(result.drift).toEqual([]);
    expect(result.events).toHaveLength(1);
    const [event] = result.events;
    expect(event).toMatchObject({
      node: NODE,
      observedAt: '2026-11-22T14:53:57.691Z',
      kernelTime: 4194.691334,
      victim: { pid: 17777, name: 'python3' },
      complete: true,
    });
    expect(event?.lines.at(-1)).toBe(KILL_LINE);
    expect(event?.source).toEqual({
      logGroup: GROUP,
      logStream: `${NODE}.kernel`,
      eventIds: idsAt(REPORT_LINES),
    });
    // The report had its kill: its event is sent, and the report stays open, sent, for lines of it that the next
    // delivery may bring (memory.oom.group members): its event would go again, same id.
    expect(result.state.open).toMatchObject({ sentId: event?.id, sentAt: result.state.open?.changes });
  });

  it('gives a stream named after the node alone its name as the node of lines that carry no host', () => {
    const [event] = oomEventsFromStream(streamOf('node-kernel'), liveReport, null, { final: false }).events;
    expect(event?.node).toBe('node-kernel');
  });

  it('carries a report split across two calls in the state, as two subscription deliveries split it', () => {
    const stream = streamOf(`${NODE}.kernel`);
    const first = oomEventsFromStream(stream, liveReport.slice(0, 39), null, { final: false });
    expect(first.events).toEqual([]);
    expect(first.state.open?.trigger?.name).toBe('python3');
    expect(first.state.open?.counters.memory).toEqual({ usageKb: 65536, limitKb: 65536, failcnt: 142 });

    const second = oomEventsFromStream(stream, liveReport.slice(39), first.state, { final: false });
    const whole = oomEventsFromStream(stream, liveReport, null, { final: false });
    expect(second.events).toHaveLength(1);
    expect(second.events).toEqual(whole.events);
    expect(second.events[0]?.source).toMatchObject({ eventIds: idsAt(REPORT_LINES) });
    expect(second.state.open?.sentId).toBe(second.events[0]?.id);
  });

  it('keeps an open report without its kill until the stream ends, then drops it', () => {
    const stream = streamOf(`${NODE}.kernel`);
    const first = oomEventsFromStream(stream, liveReport.slice(0, 39), null, { final: false });
    const end = oomEventsFromStream(stream, [], first.state, { final: true });
    expect(end.events).toEqual([]);
    expect(end.state.open).toBeNull();
  });

  it('keeps the kill of events that came without an id, under references a re-read gives again', () => {
    // FilterLogEvents' types leave eventId optional: such an event may still be the kill line.
    const idless = (i: number): StreamLogEvent => ({ ...liveReport[i]!, id: undefined });
    const events = liveReport.map((e, i) => (i === 0 || i === 77 ? idless(i) : e));
    const read = () => oomEventsFromStream(streamOf(`${NODE}.kernel`), events, null, { final: true });
    const [event] = read().events;
    expect(event?.victim).toMatchObject({ pid: 17777, name: 'python3' });
    expect(event?.lines.at(-1)).toBe(KILL_LINE);
    expect(event?.source).toMatchObject({
      eventIds: [`no-id@${REPORT_AT}#0`, ...idsAt(REPORT_LINES.slice(1, -1)), `no-id@${REPORT_AT}#1`],
    });
    expect(read().events).toEqual([event]);
  });

  it('skips an event without a message: it has no line to read', () => {
    const events: StreamLogEvent[] = [
      { id: '1', timestamp: REPORT_AT, message: undefined },
      ...liveReport.slice(1),
    ];
    const [event] = oomEventsFromStream(streamOf(`${NODE}.kernel`), events, null, { final: true }).events;
    expect(event?.victim).toMatchObject({ pid: 17777, name: 'python3' });
    // Without its header line the report starts at the cgroup line.
    expect(event?.source).toMatchObject({ eventIds: idsAt([27, 28, 29, 30, 74, 75, 76, 77]) });
  });
});
