import { describe, expect, it } from 'vitest';
import { linesFromLogEvents } from '../../shared/log-event-lines.ts';

const KMSG_RECORD =
  '{"priority":3,"sequence":506,"sec":4194,"usec":691334,"msg":"Memory cgroup out of memory: Killed process 17777 (python3) total-vm:75160kB, anon-rss:65152kB, file-rss:6672kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0"}';
const ID = '31953106606966983378809025079804211143289615424298221568';

describe('linesFromLogEvents', () => {
  it('reads the Fluent Bit kmsg record and takes the event timestamp as wall time', () => {
    const [line] = linesFromLogEvents([{ id: ID, timestamp: 1795359237691, message: KMSG_RECORD }], null);
    expect(line?.ref).toBe(ID);
    expect(line?.entry).toMatchObject({
      text: 'Memory cgroup out of memory: Killed process 17777 (python3) total-vm:75160kB, anon-rss:65152kB, file-rss:6672kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0',
      kernelTime: 4194.691334,
      sequence: 506,
      wallTime: '2026-11-22T14:53:57.691Z',
      host: null,
    });
  });

  it("keeps a record's own wall clock and host over the fallbacks", () => {
    const journald = JSON.stringify({
      MESSAGE: 'Memory cgroup out of memory: Killed process 17777 (python3) total-vm:75160kB',
      _TRANSPORT: 'kernel',
      _HOSTNAME: 'ip-10-0-1-23.eu-west-1.compute.internal',
      __REALTIME_TIMESTAMP: '1795359237000000',
    });
    const [line] = linesFromLogEvents(
      [{ id: ID, timestamp: 1795359299999, message: journald }],
      'stream-name',
    );
    expect(line?.entry.wallTime).toBe('2026-11-22T14:53:57.000Z');
    expect(line?.entry.host).toBe('ip-10-0-1-23.eu-west-1.compute.internal');
  });

  it('gives a line without a host the fallback (the stream name) when one is given', () => {
    const [line] = linesFromLogEvents(
      [{ id: ID, timestamp: 1795359237691, message: KMSG_RECORD }],
      'node-kernel',
    );
    expect(line?.entry.host).toBe('node-kernel');
  });

  it('gives each line the wall time of its own event when times change within the batch', () => {
    const lines = linesFromLogEvents(
      [1795358510507, 1795358510508, 1795358510508, 1795359237691].map((timestamp, i) => ({
        id: String(i),
        timestamp,
        message: KMSG_RECORD,
      })),
      null,
    );
    expect(lines.map((l) => l.entry.wallTime)).toEqual([
      '2026-11-22T14:41:50.507Z',
      '2026-11-22T14:41:50.508Z',
      '2026-11-22T14:41:50.508Z',
      '2026-11-22T14:53:57.691Z',
    ]);
  });

  it('skips events with no message and leaves a timestamp beyond the Date range without wall time', () => {
    const lines = linesFromLogEvents(
      [
        { id: '1', timestamp: 1795359237691, message: '' },
        { id: '2', timestamp: 1795359237691, message: ' SUBSYSTEM=memory' },
        { id: '3', timestamp: 1e20, message: 'Killed process 1 (a)' },
      ],
      null,
    );
    expect(lines.map((l) => l.ref)).toEqual(['3']);
    expect(lines[0]?.entry.wallTime).toBeNull();
  });

  it('gives an event without an id its timestamp and place among the id-less events of that millisecond', () => {
    const lines = linesFromLogEvents(
      [
        { id: undefined, timestamp: 1795359237691, message: KMSG_RECORD },
        { id: ID, timestamp: 1795359237691, message: KMSG_RECORD },
        { id: undefined, timestamp: 1795359237691, message: KMSG_RECORD },
        { id: undefined, timestamp: 1795359237692, message: KMSG_RECORD },
        { id: undefined, timestamp: undefined, message: KMSG_RECORD },
        { id: '9', timestamp: 1795359237692, message: undefined },
      ],
      null,
    );
    expect(lines.map((l) => l.ref)).toEqual([
      'no-id@1795359237691#0',
      ID,
      'no-id@1795359237691#1',
      'no-id@1795359237692#0',
      'no-id@no-time#0',
    ]);
    expect(lines[4]?.entry.wallTime).toBeNull();
  });
});
