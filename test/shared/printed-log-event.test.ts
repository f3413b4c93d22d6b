/**
 * A node's kernel log group read back with the AWS CLI (test/fixtures/cloudwatch-cli: aws-cli 2.9.19's own output)
 * gives the kills the parse function gives from the subscription of the same events.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseKernelLog } from '../../shared/kernel-log.ts';
import { splitGluedRecords } from '../../shared/glued-records.ts';
import { readLogRecord, skimLogRecord, type LogEntry } from '../../shared/log-record.ts';
import type { OomEvent } from '../../shared/oom-event.ts';
import { printedLogEvent } from '../../shared/printed-log-event.ts';
import { kernelStreamOf, oomEventsFromStream } from '../../shared/stream-events.ts';
import {
  bodiesOfGroup,
  logEventsOf,
  TEXT_ONLY_GROUP,
  WHOLE_RECORD_GROUP,
} from '../fixtures/subscription/subscription-payloads.ts';

const STREAM = 'ip-10-0-1-23.eu-west-1.compute.internal.kernel';
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
const FIXTURES = new URL('../fixtures/cloudwatch-cli/', import.meta.url);

/** What the parse function makes of a group's events, delivered in one subscription batch. */
function fromSubscription(group: string): OomEvent[] {
  const stream = kernelStreamOf(group, STREAM);
  if (stream === null) throw new Error('unreachable: a kernel stream');
  const events = bodiesOfGroup(group).flatMap((body, i) => logEventsOf(body, i));
  return oomEventsFromStream(stream, events, null, { final: true }).events;
}

/** What a kill says, leaving out where it was read from and what only the envelope can tell. */
function told(event: OomEvent): Partial<OomEvent> {
  const rest: Partial<OomEvent> = { ...event };
  delete rest.id;
  delete rest.source;
  delete rest.node;
  delete rest.observedAt;
  return rest;
}

interface PrintedForm {
  file: string;
  group: string;
  /** Whether the CLI printed the stream, which names the node. */
  streamPrinted: boolean;
  /** Whether it printed the time with its zone. */
  zoned: boolean;
  /** Whether the record's kernel time is on the line its text is on. */
  kernelTimeOnLine: boolean;
}

const FORMS: PrintedForm[] = [
  {
    file: 'tail-whole-detailed',
    group: WHOLE_RECORD_GROUP,
    streamPrinted: true,
    zoned: true,
    kernelTimeOnLine: true,
  },
  {
    file: 'tail-msg-detailed',
    group: TEXT_ONLY_GROUP,
    streamPrinted: true,
    zoned: true,
    kernelTimeOnLine: true,
  },
  {
    file: 'tail-whole-short',
    group: WHOLE_RECORD_GROUP,
    streamPrinted: false,
    zoned: false,
    kernelTimeOnLine: true,
  },
  {
    file: 'tail-msg-short',
    group: TEXT_ONLY_GROUP,
    streamPrinted: false,
    zoned: false,
    kernelTimeOnLine: true,
  },
  // The record indented over the lines after the time and stream: each line is read alone, so the text's line
  // has neither the stream nor the record's `sec` and `usec`.
  {
    file: 'tail-whole-json',
    group: WHOLE_RECORD_GROUP,
    streamPrinted: false,
    zoned: false,
    kernelTimeOnLine: false,
  },
  { file: 'tail-msg-json', group: TEXT_ONLY_GROUP, streamPrinted: true, zoned: true, kernelTimeOnLine: true },
  // The CLI's default output, JSON: each field on a line of its own, the message a string literal that data
  // assigns (docs/parser.md, paste-wrapping.ts); the stream and the time are on other lines.
  {
    file: 'filter-whole-json',
    group: WHOLE_RECORD_GROUP,
    streamPrinted: false,
    zoned: false,
    kernelTimeOnLine: true,
  },
  {
    file: 'filter-msg-json',
    group: TEXT_ONLY_GROUP,
    streamPrinted: false,
    zoned: false,
    kernelTimeOnLine: true,
  },
  {
    file: 'filter-whole-text',
    group: WHOLE_RECORD_GROUP,
    streamPrinted: true,
    zoned: true,
    kernelTimeOnLine: true,
  },
  {
    file: 'filter-msg-text',
    group: TEXT_ONLY_GROUP,
    streamPrinted: true,
    zoned: true,
    kernelTimeOnLine: true,
  },
  {
    file: 'get-whole-text',
    group: WHOLE_RECORD_GROUP,
    streamPrinted: false,
    zoned: true,
    kernelTimeOnLine: true,
  },
  { file: 'get-msg-text', group: TEXT_ONLY_GROUP, streamPrinted: false, zoned: true, kernelTimeOnLine: true },
];

describe('the AWS CLI output of a kernel log group (aws-cli 2.9.19)', () => {
  for (const { file, group, streamPrinted, zoned, kernelTimeOnLine } of FORMS) {
    it(`${file}.log gives the kills the subscription gives`, () => {
      const text = readFileSync(new URL(`${file}.log`, FIXTURES), 'utf8');
      const { events, drift } = parseKernelLog(text, { file });
      const expected = fromSubscription(group);
      expect(expected.map((e) => [e.victim.pid, e.complete])).toEqual([
        [2874, true],
        [17777, true],
      ]);
      expect(drift).toEqual([]);
      const withoutKernelTime = (e: OomEvent) => ({ ...told(e), kernelTime: null });
      if (kernelTimeOnLine) expect(events.map(told)).toEqual(expected.map(told));
      else expect(events.map(told)).toEqual(expected.map(withoutKernelTime));
      expect(events.map((e) => e.node)).toEqual(streamPrinted ? [NODE, NODE] : [null, null]);
      if (zoned) expect(events.map((e) => e.observedAt)).toEqual(expected.map((e) => e.observedAt));
    });
  }
});

const KILL_TEXT =
  'Memory cgroup out of memory: Killed process 2874 (python3) total-vm:75160kB, anon-rss:65152kB, file-rss:6648kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0';
const KILL_RECORD = `{"priority":3,"sequence":427,"sec":3467,"usec":508244,"msg":"${KILL_TEXT}"}`;
const ID = '00017953585105080000000000000000000000000000000000000418';

describe('readLogRecord: a log event as the AWS CLI prints it (lines of test/fixtures/cloudwatch-cli)', () => {
  it('`aws logs tail`: the time and stream, then a record or the text; the stream names the node', () => {
    expect(readLogRecord(`2026-11-22T14:41:50.508000+00:00 ${STREAM} ${KILL_RECORD}`)).toMatchObject({
      text: KILL_TEXT,
      kernelTime: 3467.508244,
      sequence: 427,
      wallTime: '2026-11-22T14:41:50.508Z',
      host: NODE,
      fromKernel: true,
      enveloped: true,
    });
    // Kernel text that starts as a syslog tag would is the stream's message, not another writer's.
    expect(
      readLogRecord(
        `2026-11-22T14:41:50.508000+00:00 ${STREAM} memory: usage 65536kB, limit 65536kB, failcnt 98`,
      ),
    ).toMatchObject({
      text: 'memory: usage 65536kB, limit 65536kB, failcnt 98',
      wallTime: '2026-11-22T14:41:50.508Z',
      host: NODE,
      fromKernel: true,
    });
    // A frame keeps the space the kernel printed before it.
    expect(
      readLogRecord(`2026-11-22T14:41:50.507000+00:00 ${STREAM}  dump_stack_lvl+0x57/0x80`),
    ).toMatchObject({ text: 'dump_stack_lvl+0x57/0x80', host: NODE });
  });

  it('`aws logs tail --format short` and `kubectl logs --timestamps`: the time, then the record', () => {
    expect(readLogRecord(`2026-11-22T14:41:50 ${KILL_RECORD}`)).toMatchObject({
      text: KILL_TEXT,
      kernelTime: 3467.508244,
      stamp: '2026-11-22T14:41:50',
      wallTime: null,
      host: null,
    });
    expect(readLogRecord(`2026-11-22T14:41:50.508123456Z ${KILL_RECORD}`)).toMatchObject({
      text: KILL_TEXT,
      wallTime: '2026-11-22T14:41:50.508Z',
    });
    expect(readLogRecord(`2026-11-22T14:41:50 ${KILL_TEXT}`)).toMatchObject({
      text: KILL_TEXT,
      stamp: '2026-11-22T14:41:50',
      host: null,
      fromKernel: true,
      enveloped: true,
    });
  });

  it('`--output text` of filter-log-events and get-log-events: the message between the fields', () => {
    expect(
      readLogRecord(`EVENTS\t${ID}\t1795358511708\t${STREAM}\t${KILL_RECORD}\t1795358510508`),
    ).toMatchObject({
      text: KILL_TEXT,
      kernelTime: 3467.508244,
      wallTime: '2026-11-22T14:41:50.508Z',
      host: NODE,
    });
    expect(readLogRecord(`EVENTS\t1795358511708\t${KILL_TEXT}\t1795358510508`)).toMatchObject({
      text: KILL_TEXT,
      wallTime: '2026-11-22T14:41:50.508Z',
      host: null,
    });
    // A tab in the message stays in it.
    expect(printedLogEvent(`EVENTS\t1795358511708\tone\ttwo\t1795358510508`)?.message).toBe('one\ttwo');
    // Not an event row: the paging tokens get-log-events prints first, a row without its time.
    expect(printedLogEvent('b/end\tf/end')).toBeNull();
    expect(printedLogEvent(`EVENTS\t1795358511708\t${KILL_TEXT}`)).toBeNull();
  });

  it('a stream of another name: a record after it is still read; text after it is untagged RFC 3339 syslog', () => {
    expect(readLogRecord(`2026-11-22T14:41:50.508000+00:00 node-kernel ${KILL_RECORD}`)).toMatchObject({
      text: KILL_TEXT,
      kernelTime: 3467.508244,
      host: 'node-kernel',
    });
    expect(readLogRecord(`2026-11-22T14:41:50.508000+00:00 node-kernel ${KILL_TEXT}`)).toMatchObject({
      text: KILL_TEXT,
      wallTime: '2026-11-22T14:41:50.508Z',
      host: 'node-kernel',
      fromKernel: true,
      enveloped: true,
    });
    // A tag is still another writer's, and rsyslog's own kernel line stays what it was.
    expect(
      readLogRecord('2026-11-22T14:41:50.508000+00:00 node-1 systemd[1]: cri-containerd-1.scope: Failed.'),
    ).toMatchObject({ host: 'node-1', fromKernel: false });
    expect(readLogRecord(`2026-11-22T14:41:50.508000+00:00 node-1 kernel: ${KILL_TEXT}`)).toMatchObject({
      text: KILL_TEXT,
      host: 'node-1',
      fromKernel: true,
    });
  });

  it("what a review found: another program's JSON, an auth log's stream, a capital or a colon where a host goes", () => {
    // A program's own JSON in syslog is that program's, as before; a tail line's record needs a collector's keys.
    expect(
      readLogRecord(`2026-12-06T01:56:03+00:00 myhost {"level":"error","msg":"${KILL_TEXT}"}`),
    ).toMatchObject({ host: 'myhost', fromKernel: false });
    // Container Insights' auth log stream carries no kernel text (streamCarriesKernelLog).
    expect(readLogRecord(`2026-11-22T14:41:50.508000+00:00 ${NODE}.host.secure ${KILL_TEXT}`)).toMatchObject({
      text: KILL_TEXT,
      fromKernel: false,
    });
    // Container Insights' dmesg stream in `--format short` (a second review).
    expect(
      readLogRecord(
        `2026-12-06T01:56:03 {"message":"[31400.746100] ${KILL_TEXT}","az":"us-east-1a","ec2_instance_id":"i-0abc"}`,
      ),
    ).toMatchObject({ text: KILL_TEXT, kernelTime: 31400.7461, fromKernel: true });
    // A capitalised host with a digit, `.` or `-` is still one (a second review).
    expect(readLogRecord(`2026-12-06T01:56:03.123456+00:00 DB01 ${KILL_TEXT}`)).toMatchObject({
      text: KILL_TEXT,
      host: 'DB01',
    });
    // A capitalised word alone, or one that ends in a colon, is kernel text, not a host.
    expect(readLogRecord(`2026-12-06T01:56:03.123456+00:00 ${KILL_TEXT}`)).toMatchObject({
      text: KILL_TEXT,
      host: null,
      wallTime: '2026-12-06T01:56:03.123Z',
    });
    // journalctl -o short-iso --no-hostname: `kernel:` is the tag, and what follows is the kernel's.
    const reaper = 'oom_reaper: reaped process 2874 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB';
    expect(readLogRecord(`2026-12-06T01:56:03+00:00 kernel: ${reaper}`)).toMatchObject({
      text: reaper,
      host: null,
      fromKernel: true,
    });
  });

  it('a record whose message is a record keeps the outer writer; one without a message key is read by its strings', () => {
    expect(
      readLogRecord(
        JSON.stringify({ host: 'n1', ident: 'myapp', message: JSON.stringify({ msg: KILL_TEXT }) }),
      ),
    ).toMatchObject({ text: KILL_TEXT, host: 'n1', fromKernel: false });
    // Each of its strings that holds OOM text is a line (twenty-first red team M/05).
    const event = JSON.stringify({ reason: 'OOMKilling', note: KILL_TEXT });
    const entry = readLogRecord(JSON.stringify({ log: `${event}\n`, stream: 'stdout' })) as LogEntry;
    expect(splitGluedRecords(entry).map((line) => line.text)).toEqual(['OOMKilling', KILL_TEXT]);
    // One with no OOM text stays text.
    const quiet = JSON.stringify({ reason: 'Pulled', note: 'image pulled' });
    expect(readLogRecord(JSON.stringify({ log: `${quiet}\n`, stream: 'stdout' }))?.text).toBe(`${quiet}\n`);
  });

  it('a record whose message is a record: a collector that shipped JSON lines', () => {
    expect(
      readLogRecord(JSON.stringify({ log: KILL_RECORD, time: '2026-11-22T14:41:51.000Z', host: 'node-1' })),
    ).toMatchObject({
      text: KILL_TEXT,
      kernelTime: 3467.508244,
      wallTime: '2026-11-22T14:41:51.000Z',
      host: 'node-1',
      enveloped: true,
    });
  });

  it('skimLogRecord says what readLogRecord reads, and holds its text', () => {
    for (const line of [
      `2026-11-22T14:41:50.508000+00:00 ${STREAM} ${KILL_RECORD}`,
      `2026-11-22T14:41:50.508000+00:00 ${STREAM} memory: usage 65536kB, limit 65536kB, failcnt 98`,
      `2026-11-22T14:41:50 ${KILL_RECORD}`,
      `EVENTS\t${ID}\t1795358511708\t${STREAM}\t${KILL_RECORD}\t1795358510508`,
      `2026-11-22T14:41:50.508000+00:00 node-kernel ${KILL_TEXT}`,
      JSON.stringify({ log: KILL_RECORD }),
    ]) {
      const entry = readLogRecord(line);
      const skim = skimLogRecord(line);
      expect(skim?.enveloped).toBe(entry?.enveloped);
      expect(skim?.holder).toContain(entry?.text);
    }
    expect(skimLogRecord(`2026-11-22T14:41:50.508000+00:00 ${STREAM} `)).toBeNull();
  });
});
