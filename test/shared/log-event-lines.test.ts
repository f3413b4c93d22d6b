import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayBeOomText, mayBeOomTextFrom, parseKernelLine } from '../../shared/kernel-line.ts';
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

describe('linesFromLogEvents leaves out', () => {
  const kmsg = (msg: string) => JSON.stringify({ priority: 6, sequence: 90, sec: 0, usec: 92095, msg });
  const refsKept = (messages: string[]) =>
    linesFromLogEvents(
      messages.map((message, i) => ({ id: String(i), timestamp: 1795359237691, message })),
      null,
    ).map((line) => line.ref);

  it('a record whose only escapes stand for a backslash, a quote or a slash', () => {
    expect(refsKept([kmsg('rcu: \\x09RCU restricting CPUs'), kmsg('a "quoted" path /x/y')])).toEqual([]);
  });

  it('not a record whose escapes can spell OOM text', () => {
    const spelled = [
      kmsg('Memory cgroup').replace('Memory', '\\u004demory'),
      kmsg('[ 1234]\t  0  1234').replace('\\t', '\\\\\\t'),
      kmsg('[ 1234]\t  0  1234'),
    ];
    expect(refsKept(spelled)).toEqual(['0', '1', '2']);
  });
});

describe('linesFromLogEvents looks past the head of a kmsg record', () => {
  const SAMPLE_LINES = readdirSync('test/fixtures/kernel-logs', { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.log'))
    .flatMap((name) => readFileSync(join('test/fixtures/kernel-logs', name), 'utf8').split('\n'));
  // Hostile: what mayBeOomText looks for, cut up and glued to the head's own characters.
  const hostile = fc.string({
    unit: fc.constantFrom(...'oOmMeErRyYkKiIlLsSuUtTgGdDpPaAcC =:]-0123456789+x"{},\t\n'),
    maxLength: 40,
  });
  const head = fc
    .tuple(fc.nat(999), fc.nat(), fc.nat(), fc.nat(999_999))
    .map(([p, q, s, u]) => `{"priority":${p},"sequence":${q},"sec":${s},"usec":${u},"msg":"`);
  const kept = (message: string) =>
    linesFromLogEvents([{ id: '1', timestamp: 1795359237691, message }], null).length > 0;

  it('and keeps exactly what mayBeOomText finds in the whole message (no escapes)', () => {
    fc.assert(
      fc.property(head, fc.oneof(fc.constantFrom(...SAMPLE_LINES), hostile), hostile, (start, text, end) => {
        for (const message of [
          `${start}${text}"}`,
          `${start}${text}`,
          `${start.slice(0, -1)}${end}${text}`,
        ]) {
          if (message.includes('\\') || message.includes('\u001b')) continue;
          if (kept(message) !== mayBeOomText(message)) expect.fail(JSON.stringify(message));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('mayBeOomTextFrom agrees with mayBeOomText of the rest', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...SAMPLE_LINES), hostile), fc.nat(), (text, at) => {
        const start = at % (text.length + 1);
        expect(mayBeOomTextFrom(text, start)).toBe(mayBeOomText(text.slice(start)));
      }),
      { numRuns: 2000 },
    );
  });

  it('on every sample line as a kmsg record', () => {
    for (const line of SAMPLE_LINES) {
      const message = JSON.stringify({ priority: 6, sequence: 1, sec: 2, usec: 3, msg: line });
      if (message.includes('\\') || message.includes('\u001b')) continue;
      expect([line, kept(message)]).toEqual([line, mayBeOomText(message)]);
    }
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
    // The same lines in a Fluent Bit record, some characters spelled as other escapes: `\t` and `\n` can
    // join a `]` to a number, `\\`, `\"` and `\/` never make OOM text.
    fc
      .tuple(
        fc.constantFrom(...SAMPLE_LINES),
        fc.nat(),
        fc.constantFrom('\\t', '\\n', '\\r', '\\f', '\\b', '\\\\', '\\"', '\\/'),
      )
      .map(([line, at, escape]) => {
        const record = JSON.stringify({ sec: 4194, usec: 1, msg: line });
        const cut = 24 + (at % Math.max(1, record.length - 26));
        return `${record.slice(0, cut)}${escape}${record.slice(cut)}`;
      }),
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
