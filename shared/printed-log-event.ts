/**
 * A CloudWatch Logs event as the AWS CLI prints it, one per line, so that `aws logs tail … | eks-oom-alerts scan`
 * reads the node's kernel log group as the parse function reads its subscription (test/fixtures/cloudwatch-cli:
 * aws-cli 2.9.19's own output of the Fluent Bit sample):
 *
 * - `aws logs tail` (awscli/customizations/logs/tail.py): `--format detailed`, the default, prints
 *   `<time> <stream> <message>`, the time in Python's `isoformat(timespec='microseconds')` (`+00:00`);
 *   `--format json` the same, its time without the fraction when it is zero, and a JSON message on the lines
 *   after, indented (the stream is then all its first line says); `--format short` `<time> <message>`, the time
 *   without fraction or zone. `kubectl logs --timestamps` prints a JSON record so too (`…Z {…}`).
 * - `aws logs filter-log-events --output text`: `EVENTS`, then each field of the event in the order of their
 *   names, tab-separated: `eventId`, `ingestionTime`, `logStreamName`, `message`, `timestamp`
 *   (awscli/text.py); `aws logs get-log-events --output text`: `ingestionTime`, `message`, `timestamp`.
 *
 * A line of RFC 3339 syslog (`<time> <host> <tag>: <message>`) starts as `tail` does. `tail`'s line is told from
 * it by its message: a collector's record of a kernel line (KERNEL_RECORD_KEYS; no tag starts with `{`), or any
 * message in a stream named as this project's Fluent Bit and Container Insights name them (`<node>.kernel`,
 * `kernel.<node>`, `<node>.host.dmesg`, `<node>.host.messages`: shared/stream-name.ts), whose kernel text may start
 * as a tag would (`oom_reaper: `).
 */
import { jsonObjectOf } from './json-object.ts';
import { nodeFromStreamName } from './stream-name.ts';

export interface PrintedLogEvent {
  message: string;
  /** The event's time when the CLI printed it with its zone or as epoch milliseconds, as ISO 8601. */
  wallTime: string | null;
  /** The time as printed when it has no zone (`--format short`). */
  stamp: string | null;
  /** The log stream, when printed. */
  stream: string | null;
}

/** `tail`'s time: RFC 3339, its fraction and zone optional (`--format short` prints neither), then a space. */
const TAIL_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?)(Z|[+-]\d\d:\d\d)? /;
/** A CloudWatch stream's name: 1 to 512 characters, neither `:` nor `*` among them. */
const STREAM_NAME = /^[^\s:*]{1,512}$/;
const DIGITS = /^\d{1,15}$/;
const EVENT_ID = /^\d{56}$/;

function isoOf(time: string, zone: string): string | null {
  const ms = Date.parse(`${time}${zone}`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** `EVENTS\t…`: the fields of filter-log-events (5) or get-log-events (3), the message alone free to hold a tab. */
function printedAsText(line: string): PrintedLogEvent | null {
  if (!line.startsWith('EVENTS\t')) return null;
  const fields = line.split('\t');
  const timestamp = fields[fields.length - 1] as string;
  if (!DIGITS.test(timestamp)) return null;
  const filtered = fields.length >= 6 && EVENT_ID.test(fields[1] as string);
  const ingestion = fields[filtered ? 2 : 1] as string;
  if (fields.length < 4 || !DIGITS.test(ingestion)) return null;
  return {
    message: fields.slice(filtered ? 4 : 2, -1).join('\t'),
    wallTime: new Date(Number(timestamp)).toISOString(),
    stamp: null,
    stream: filtered ? (fields[3] as string) : null,
  };
}

/** Whether the text is a JSON object, as a log event's message that is a record is. */
export function isJsonObject(text: string): boolean {
  return jsonObjectOf(text) !== null;
}

/**
 * The keys of a collector's record of a kernel log line: kmsg (`priority`, `sec`), journald (`_TRANSPORT`,
 * `SYSLOG_IDENTIFIER`), Container Insights (`ident`; its dmesg stream's `ec2_instance_id`), syslog-ng (`PROGRAM`).
 * After a time and a stream of no known name, only such a record tells `aws logs tail` from a program's own JSON in
 * syslog (`<time> <host> {"level":…}`).
 */
const KERNEL_RECORD_KEYS = [
  'priority',
  'sec',
  '_TRANSPORT',
  'SYSLOG_IDENTIFIER',
  'ident',
  'PROGRAM',
  'ec2_instance_id',
];

function isKernelRecord(text: string): boolean {
  const record = jsonObjectOf(text);
  return record !== null && KERNEL_RECORD_KEYS.some((key) => key in record);
}

/** `<time> [<stream>] <message>` of `aws logs tail`, where only the CLI prints so (above). */
function printedByTail(line: string): PrintedLogEvent | null {
  const first = line.charCodeAt(0);
  // The year's `-`: told before the pattern, which most lines that start with a digit (kmsg records) fail.
  if (first < 0x30 || first > 0x39 || line.charCodeAt(4) !== 0x2d) return null;
  const head = TAIL_TIME.exec(line);
  if (head === null) return null;
  const time = head[1] as string;
  const zone = head[2];
  const when = {
    wallTime: zone === undefined ? null : isoOf(time, zone),
    stamp: zone === undefined ? time : null,
  };
  const rest = line.slice(head[0].length);
  // `--format short`, `kubectl logs --timestamps`: the record right after the time.
  if (isKernelRecord(rest)) return { message: rest, ...when, stream: null };
  if (zone === undefined) return null;
  const space = rest.indexOf(' ');
  const stream = space < 0 ? rest : rest.slice(0, space);
  if (!STREAM_NAME.test(stream)) return null;
  const message = space < 0 ? '' : rest.slice(space + 1);
  if (nodeFromStreamName(stream) !== null || isKernelRecord(message)) return { message, ...when, stream };
  return null;
}

/** The event a line of the AWS CLI's CloudWatch Logs output prints, or null when the line is none. */
export function printedLogEvent(line: string): PrintedLogEvent | null {
  return printedAsText(line) ?? printedByTail(line);
}

/** The node a printed stream names (shared/stream-name.ts), else the stream's name, as the parse function takes it. */
export function hostOfStream(stream: string | null): string | null {
  return stream === null ? null : (nodeFromStreamName(stream) ?? stream);
}
