import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKernelLine } from '../../shared/kernel-line.ts';
import { linesFromLogEvents } from '../../shared/log-event-lines.ts';
import { readLogRecord, splitGluedRecords } from '../../shared/log-record.ts';

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

describe('linesFromLogEvents leaves out only lines the assembler would ignore', () => {
  const SAMPLE_LINES = readdirSync('test/fixtures/kernel-logs')
    .filter((name) => name.endsWith('.log'))
    .flatMap((name) => readFileSync(join('test/fixtures/kernel-logs', name), 'utf8').split('\n'));
  const message = fc.oneof(
    fc.constantFrom(...SAMPLE_LINES),
    // The same lines in a Fluent Bit record, some characters spelled as `\u` escapes.
    fc
      .tuple(fc.constantFrom(...SAMPLE_LINES), fc.nat())
      .map(([line, every]) =>
        JSON.stringify({ sec: 4194, usec: 1, msg: line }).replace(/[a-z]/g, (c, at: number) =>
          at % (every % 7 || 1) === 0 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c,
        ),
      ),
    // Colour codes inside the words.
    fc.tuple(fc.constantFrom(...SAMPLE_LINES), fc.nat()).map(([line, at]) => {
      const cut = at % (line.length + 1);
      return `${line.slice(0, cut)}\u001b[1m${line.slice(cut)}`;
    }),
  );

  it('on sample lines, in Fluent Bit records with escapes, and with colour codes', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 30 }), (messages) => {
        const events = messages.map((m, i) => ({ id: String(i), timestamp: 1795359237691, message: m }));
        const kept = new Set(linesFromLogEvents(events, null).map((line) => line.ref));
        for (const event of events) {
          if (kept.has(event.id)) continue;
          const entry = readLogRecord(event.message);
          if (entry === null || !entry.fromKernel) continue;
          for (const piece of splitGluedRecords(entry)) {
            expect(parseKernelLine(piece.text, piece.truncated, { prefilter: false })).toEqual({
              kind: 'not-oom',
            });
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
