/**
 * Removes the envelope around one kernel message, whichever way it was carried: raw `/dev/kmsg` records,
 * `dmesg` (with `-T`, `-x`, `-r` and printk caller ids), journalctl/syslog, `talosctl dmesg`, Fluent Bit JSON
 * records (kmsg, systemd, Container Insights), e-mail quoting, what a paste wraps around a line (paste-wrapping.ts),
 * or plain text.
 */
import { isoFromMs } from './iso-time.ts';
import {
  CALLER,
  DELTA,
  EMBEDDED,
  envelopeLength,
  FULL,
  ISO_BRACKETED,
  ISO_TIME,
  KMSG,
  LEVEL,
  LOGREAD,
  BUSYBOX_SYSLOG,
  MESSAGE_FIELD,
  NO_TAG,
  RFC3339_KERNEL_TAG,
  RFC3339_UNTAGGED,
  TAG_ONLY,
  TIME_OF_DAY,
  matchOf,
  prefixMatches,
  mayStartAnyPrefix,
  mayStartSyslog,
  MONOTONIC,
  NO_HOST,
  PREFIXES_BY_FREQUENCY,
  RAW_PRIORITY,
  RELTIME,
  RFC3339,
  RFC5424,
  sourcePrefixLength,
  withoutSyslogPriority,
  SYSLOG_LINE,
  TALOS,
  TIME,
  UNIX_TIME,
  WALL,
  WALL_CUT,
} from './envelope-prefixes.ts';
import { jsonObjectOf } from './json-object.ts';
import { mayBeOomText } from './kernel-line.ts';
import { flatKmsgRecord, type FlatKmsgRecord } from './kmsg-record.ts';
import { withoutPasteWrapping } from './paste-wrapping.ts';
import { hostOfStream, isJsonObject, printedLogEvent, type PrintedLogEvent } from './printed-log-event.ts';
import { oomStringsOf, type HeldString } from './record-strings.ts';
import { streamCarriesKernelLog } from './stream-name.ts';
import { CONTEXT, SECONDS, SEVERITY } from './vendor-prefixes.ts';

// Where the parser's readers and record-shape's test have always found them.
export { isoFromMs };
export { ENVELOPE_PATTERNS } from './envelope-prefixes.ts';

export interface LogEntry {
  /** The kernel message without any prefix. */
  text: string;
  /** Seconds since boot, when the envelope carried it (`[ 4194.691334]`, kmsg `sec`/`usec`). */
  kernelTime: number | null;
  /** ISO-8601 wall-clock time, only when the envelope said it with date and zone. */
  wallTime: string | null;
  /** The time stamp as printed when it cannot be an ISO time (syslog has no year, `dmesg -T` no zone). */
  stamp: string | null;
  host: string | null;
  sequence: number | null;
  /** The line ends in a pager's `>`: its last field is cut short. */
  truncated: boolean;
  /** False when the envelope names another writer (systemd, dockerd): such lines are never kernel reports. */
  fromKernel: boolean;
  /** Whether any envelope prefix was found (pasted logs: a line without one continues the line above). */
  enveloped: boolean;
  /**
   * The lines of a record that holds several: a JSON record with no message key that several strings of OOM text
   * are in (recordWithoutMessage). Its own text is theirs joined by newlines; splitGluedRecords gives them.
   */
  more?: LogEntry[];
}

const KMSG_DICTIONARY = /^ [A-Z][A-Z0-9_]*=/;
/** E-mail quoting: `> `, to any depth, and a `| ` that some writers quote with inside it (`> | `). */
const QUOTE = /^(?:> ?)+(?:\| )?/;
const ANSI = /\u001b\[[0-9;]{0,16}m/g;
const MARKUP_TAG = /<\/?[A-Z]+>$/;

/** An entry with only its text: no time, host or sequence, from the kernel, with no envelope. */
export function blankEntry(text: string): LogEntry {
  return {
    text,
    kernelTime: null,
    wallTime: null,
    stamp: null,
    host: null,
    sequence: null,
    truncated: false,
    fromKernel: true,
    enveloped: false,
  };
}

function isoOrNull(value: unknown): string | null {
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT/.test(value)) return null;
  return isoFromMs(Date.parse(value));
}

function microsToIso(value: unknown): string | null {
  const micros = typeof value === 'string' ? Number(value) : value;
  if (typeof micros !== 'number' || micros <= 0) return null;
  return isoFromMs(Math.floor(micros / 1000));
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** The first of `keys` whose value in the record is a string, or null. */
function stringKey(record: Record<string, unknown>, keys: readonly string[]): string | null {
  for (const key of keys) if (typeof record[key] === 'string') return key;
  return null;
}

function stringField(record: Record<string, unknown>, keys: readonly string[]): string | null {
  const key = stringKey(record, keys);
  return key === null ? null : (record[key] as string);
}

/** The fields a Fluent Bit record carries its message in (kmsg, Container Insights, journald, tail). */
export const RECORD_MESSAGE_KEYS = ['msg', 'message', 'MESSAGE', 'log'];
const HOST_KEYS = ['host', '_HOSTNAME', 'hostname', 'HOSTNAME', 'HOST'];
const IDENT_KEYS = ['ident', 'SYSLOG_IDENTIFIER', 'syslog_identifier', 'PROGRAM'];
const TRANSPORT_KEYS = ['_TRANSPORT'];
/** The keys whose strings takeRecordFields reads as the record's fields. */
const RECORD_FIELD_KEYS: ReadonlySet<string> = new Set([...HOST_KEYS, ...IDENT_KEYS, ...TRANSPORT_KEYS]);

/** Fluent Bit records: kmsg `{priority, sequence, sec, usec, msg}`, systemd `{MESSAGE, …}`, Container Insights `{host, ident, message}`. */
function fromJsonRecord(record: Record<string, unknown>, entry: LogEntry): string | null {
  const message = stringField(record, RECORD_MESSAGE_KEYS);
  if (message === null) return null;
  takeRecordFields(record, entry);
  // A kmsg record's `msg` may carry dictionary lines (`\n SUBSYSTEM=…`) after the text, in which the kernel
  // escapes a newline as `\x0a`. journald turns that escape back into a newline: its text is taken whole, so
  // a comm renamed (prctl) to hold a newline reads intact.
  if (typeof record.sec !== 'number') return message;
  const newline = message.indexOf('\n');
  return newline < 0 ? message : message.slice(0, newline);
}

/** What a record says of its message, whichever key holds it: its times, sequence, host and writer. */
function takeRecordFields(record: Record<string, unknown>, entry: LogEntry): void {
  entry.enveloped = true;
  if (typeof record.sec === 'number') {
    const usec = typeof record.usec === 'number' ? record.usec : 0;
    entry.kernelTime = finiteOrNull(record.sec + usec / 1e6);
  } else if (record._SOURCE_MONOTONIC_TIMESTAMP !== undefined) {
    entry.kernelTime = finiteOrNull(Number(record._SOURCE_MONOTONIC_TIMESTAMP) / 1e6);
  }
  if (typeof record.sequence === 'number') entry.sequence = record.sequence;
  entry.host = stringField(record, HOST_KEYS);
  entry.wallTime =
    microsToIso(record.__REALTIME_TIMESTAMP) ??
    isoOrNull(record.time) ??
    isoOrNull(record['@timestamp']) ??
    isoOrNull(record.timestamp) ??
    isoOrNull(record.ISODATE);
  const ident = stringField(record, IDENT_KEYS);
  const transport = stringField(record, TRANSPORT_KEYS);
  entry.fromKernel = transport === 'kernel' || ident === null || ident === 'kernel';
}

/**
 * Whether a record carries the kernel's text as printed, with no envelope inside: a kmsg record, and a journald
 * one (`_TRANSPORT`, the journal's own times). syslog-ng's JSON has a `MESSAGE` too, which may hold a dmesg time.
 */
function textAsPrinted(record: Record<string, unknown>): boolean {
  return (
    record.sec !== undefined ||
    (record.MESSAGE !== undefined &&
      (record._TRANSPORT !== undefined || record.__REALTIME_TIMESTAMP !== undefined))
  );
}

/** What a printed log event says of its message: its time, the stream's node, and no kernel text in an auth log. */
function printedCarrier(
  printed: PrintedLogEvent,
): Pick<LogEntry, 'wallTime' | 'stamp' | 'host' | 'fromKernel'> {
  const stream = printed.stream;
  return {
    wallTime: printed.wallTime,
    stamp: printed.stamp,
    host: hostOfStream(stream),
    fromKernel: stream === null || streamCarriesKernelLog(stream),
  };
}

/** A visible ASCII character: never whitespace, so a line starting with one is not blank. */
function isVisibleAscii(code: number): boolean {
  return code > 32 && code < 127;
}

/**
 * What a stream of JSON records puts before each: `journalctl -o json-sse`'s `data: `, `-o json-seq`'s record
 * separator (RFC 7464).
 */
function recordFraming(line: string): number {
  if (line.charCodeAt(0) === 0x1e) return 1;
  return line.startsWith('data: {') ? 6 : 0;
}

/** The line as a JSON object, when it is one once trimmed (and unframed: recordFraming). */
function jsonRecordOf(framedLine: string): Record<string, unknown> | null {
  const framing = recordFraming(framedLine);
  const line = framing === 0 ? framedLine : framedLine.slice(framing);
  const first = line.charCodeAt(0);
  // Trimmed, it must start with `{`: a line that starts with another visible character cannot.
  if (first !== 0x7b && isVisibleAscii(first)) return null;
  return jsonObjectOf(line.trim());
}

function withoutIndent(line: string): string {
  const first = line.charCodeAt(0);
  return first === 0x20 || first === 0x09 ? line.trimStart() : line;
}

/**
 * The line without what no envelope is part of: colour codes, a byte-order mark, a CR, indentation, e-mail
 * quoting, a markdown list item's mark, inline code or a string literal's quotes around an envelope
 * (paste-wrapping.ts). Null for a line that carries no message: blank, or a kmsg dictionary continuation line
 * (` SUBSYSTEM=…`).
 */
function messageLine(raw: string): string | null {
  // Only a line with an escape character can hold a colour code.
  let line = raw.includes('\u001b') ? raw.replace(ANSI, '') : raw;
  if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
  if (line.charCodeAt(line.length - 1) === 0x0d) line = line.slice(0, -1);
  // The dictionary pattern starts with a space, the quote pattern with `>`.
  const first = line.charCodeAt(0);
  if (first === 0x20 && KMSG_DICTIONARY.test(line)) return null;
  // A paste indented as a whole (a quote block, a web page, `dmesg -x` output in a blog) has its envelope
  // after the indent.
  line = withoutIndent(line);
  if (line.charCodeAt(0) === 0x3e) {
    const quote = QUOTE.exec(line);
    if (quote !== null) line = withoutIndent(line.slice(quote[0].length));
  }
  line = withoutPasteWrapping(line);
  if (!isVisibleAscii(line.charCodeAt(0)) && line.trim().length === 0) return null;
  return line;
}

type Stage = (text: string, entry: LogEntry) => string | null;

/** An RFC 3339 stamp that ends in its zone. */
const ZONED = /(?:Z|[+-]\d\d:?\d\d)$/;

/** What a host as printed holds: a letter or digit (a relay's `web01/loghost`, an address `::ffff:10.0.0.5`). */
const HOST_CHARACTER = /[A-Za-z0-9]/;

/**
 * The syslog host as printed, or null when it is none: an author hid it, with marks alone (`**`, `...`) or a
 * placeholder in angle brackets (`<hostname>`).
 */
function hostOf(printed: string): string | null {
  const placeholder = printed.startsWith('<') && printed.endsWith('>');
  return HOST_CHARACTER.test(printed) && !placeholder ? printed : null;
}

/**
 * The collector's envelope: a raw kmsg record, a syslog line, Talos's kernel log, or a hypervisor's fields
 * before a dmesg time; or a tool's source before one of them (stripSource, once: `sourcedOnce`).
 */
function stripCollector(text: string, entry: LogEntry, sourcedOnce = false): string | null {
  let m = matchOf(KMSG, text);
  if (m !== null) {
    entry.sequence = Number(m[2]);
    entry.kernelTime = Number(m[3]) / 1e6;
    return text.slice(m[0].length);
  }
  m = matchOf(MONOTONIC, text);
  if (m !== null) {
    entry.kernelTime = Number(`${m[1]}.${m[2]}`);
    entry.host = m[3] === undefined ? null : hostOf(m[3]);
    return text.slice(m[0].length);
  }
  m = matchOf(RFC5424, text);
  if (m !== null) {
    entry.wallTime = isoOrNull(m[1]);
    entry.host = hostOf(m[2] as string);
    entry.fromKernel = m[3] === 'kernel';
    return text.slice(m[0].length);
  }
  m = matchOf(SEVERITY, text);
  if (m !== null) {
    entry.fromKernel = m[1] === 'kernel';
    return text.slice(m[0].length);
  }
  // `journalctl -o short-iso --no-hostname`: before the tagged form, which would take `kernel:` for a host.
  m = matchOf(RFC3339_KERNEL_TAG, text);
  if (m !== null) {
    if (m[2] === undefined) entry.stamp = m[1] as string;
    else entry.wallTime = isoOrNull(`${m[1]}${m[2]}`);
    return text.slice(m[0].length);
  }
  m = matchOf(RFC3339, text);
  if (m !== null) {
    // A stamp without its zone is the writer's local time: no wall clock, only the stamp.
    if (ZONED.test(m[1] as string)) entry.wallTime = isoOrNull(m[1]);
    else entry.stamp = m[1] as string;
    entry.host = hostOf(m[2] as string);
    entry.fromKernel = m[3] === 'kernel';
    return text.slice(m[0].length);
  }
  // What six of the syslog-like prefixes ask first (mayStart), asked once; two of them also the first character.
  const syslogLike = mayStartSyslog(text);
  const untaggedLike = syslogLike && NO_TAG.mayStart(text);
  // A source that their month or weekday would take in (`kern.log:Dec  6 …`, `13:Jan 09 …`) comes off first; asked
  // here, it is not asked again below (stripSource changes nothing when it finds none).
  const sourceAskedEarly = syslogLike && !sourcedOnce;
  if (sourceAskedEarly) {
    const sourced = stripSource(text, entry);
    if (sourced !== null) return sourced;
  }
  // A stamp as printed, but for the priority its month's word took in (`<4>Dec  6 01:56:03`: a forward format).
  m = syslogLike ? NO_HOST.pattern.exec(text) : null;
  if (m !== null) {
    entry.stamp = withoutSyslogPriority(m[1] as string);
    return text.slice(m[0].length);
  }
  m = syslogLike ? FULL.pattern.exec(text) : null;
  if (m !== null) {
    const utc = m[3] === 'UTC' || m[3] === 'GMT' || m[3] === '+0000';
    entry.wallTime = utc ? isoOrNull(`${m[1]}T${m[2]}Z`) : null;
    if (!utc) entry.stamp = `${m[1]} ${m[2]} ${m[3]}`;
    entry.host = m[4] === undefined ? null : hostOf(m[4]);
    entry.fromKernel = m[5] === 'kernel';
    return text.slice(m[0].length);
  }
  m = matchOf(UNIX_TIME, text);
  if (m !== null) {
    entry.wallTime = isoFromMs(Number(m[1]) * 1000);
    entry.host = m[2] === undefined ? null : hostOf(m[2]);
    entry.fromKernel = m[3] === 'kernel';
    return text.slice(m[0].length);
  }
  // Syslog, and busybox syslogd's own file (its facility and level between the host and the writer).
  m =
    (syslogLike ? SYSLOG_LINE.pattern.exec(text) : null) ??
    (untaggedLike ? BUSYBOX_SYSLOG.pattern.exec(text) : null);
  if (m !== null) {
    entry.stamp = withoutSyslogPriority(m[1] as string);
    entry.host = hostOf(m[2] as string);
    entry.fromKernel = m[3] === 'kernel';
    return text.slice(m[0].length);
  }
  m = matchOf(MESSAGE_FIELD, text);
  if (m !== null) return text.slice(m[0].length);
  m = syslogLike ? LOGREAD.pattern.exec(text) : null;
  if (m !== null) {
    entry.stamp = m[1] as string;
    entry.fromKernel = m[2] === 'kernel';
    return text.slice(m[0].length);
  }
  m = matchOf(TALOS, text);
  if (m !== null) {
    // go-kmsg's wall clock of the record; userspace writes to /dev/kmsg get LOG_USER, the kernel's text `kern`.
    entry.wallTime = isoOrNull(m[2]);
    entry.fromKernel = m[1] === 'kern';
    return text.slice(m[0].length);
  }
  // A tool's source before the envelope (grep, pdsh), before a hypervisor's fields would take it with the envelope.
  const sourced = sourcedOnce || sourceAskedEarly ? null : stripSource(text, entry);
  if (sourced !== null) return sourced;
  m = matchOf(EMBEDDED, text);
  if (m !== null) return text.slice(m[0].length);
  // Not a `dmesg -T` date that lost its `[` (stripDmesgTime reads it): NO_TAG's host holds no `]`.
  m = untaggedLike ? NO_TAG.pattern.exec(text) : null;
  if (m !== null) {
    entry.stamp = m[1] as string;
    entry.host = hostOf(m[2] as string);
    return text.slice(m[0].length);
  }
  m = matchOf(RFC3339_UNTAGGED, text);
  if (m !== null) {
    const zone = m[2] ?? m[4];
    if (zone === undefined) entry.stamp = m[1] as string;
    else entry.wallTime = isoOrNull(`${m[1]}${zone}`);
    if (m[3] !== undefined) entry.host = hostOf(m[3]);
    return text.slice(m[0].length);
  }
  // The tag, after the time of day or alone; or the time of day alone: the stamp as printed, no clock.
  m = matchOf(TAG_ONLY, text) ?? matchOf(TIME_OF_DAY, text);
  if (m !== null) {
    entry.stamp = m[1] ?? null;
    return text.slice(m[0].length);
  }
  return null;
}

/**
 * grep's file name or line number, pdsh's host label or a syslog priority before an envelope (sourcePrefixLength),
 * and the collector's envelope after it, if that is one. Tried after the envelopes no source can be taken into: most
 * lines have one of their own.
 */
function stripSource(text: string, entry: LogEntry): string | null {
  const length = sourcePrefixLength(text);
  if (length < 0) return null;
  const rest = text.slice(length);
  return stripCollector(rest, entry, true) ?? rest;
}

/** `dmesg -x` level (`kern  :err   : `), or `dmesg -r` priority (`<3>`) before a dmesg time. */
function stripDmesgLevel(text: string): string | null {
  const m = matchOf(LEVEL, text) ?? matchOf(RAW_PRIORITY, text);
  return m === null ? null : text.slice(m[0].length);
}

/**
 * `[ 3467.508223]` (or an Android vendor's `[63651.040008s]`, and the printing context after either), or the `dmesg -T`
 * date, or dmesg's other times (`-d`, `--time-format=delta`, `-e`).
 */
function stripDmesgTime(text: string, entry: LogEntry): string | null {
  let m = matchOf(TIME, text) ?? matchOf(SECONDS, text);
  if (m !== null) {
    entry.kernelTime = Number(`${m[1]}.${m[2]}`);
    return withoutVendorContext(text.slice(m[0].length));
  }
  m = matchOf(ISO_TIME, text);
  if (m !== null) {
    entry.wallTime = isoOrNull(`${m[1]}.${m[2]}${m[3]}`);
    return text.slice(m[0].length);
  }
  m = matchOf(WALL, text) ?? matchOf(WALL_CUT, text) ?? matchOf(ISO_BRACKETED, text);
  if (m !== null) {
    entry.stamp = m[1] as string;
    return text.slice(m[0].length);
  }
  m = matchOf(DELTA, text);
  if (m !== null) {
    if (m[1] !== undefined) entry.kernelTime = Number(`${m[1]}.${m[2]}`);
    return text.slice(m[0].length);
  }
  m = matchOf(RELTIME, text);
  if (m === null) return null;
  entry.stamp = m[1] ?? m[2] ?? null;
  return text.slice(m[0].length);
}

/** The text after a printk stamp without the printing context an Android vendor's printk put there (CONTEXT). */
function withoutVendorContext(text: string): string {
  const m = matchOf(CONTEXT, text);
  return m === null ? text : text.slice(m[0].length);
}

/** The printk caller id of CONFIG_PRINTK_CALLER (`[T9185]`, `[ C3]`). */
function stripCaller(text: string): string | null {
  const m = matchOf(CALLER, text);
  return m === null ? null : text.slice(m[0].length);
}

/**
 * Envelopes nest in one order only, each at most once: the collector's, dmesg's level, dmesg's time, the
 * caller id. So a comm that looks like a prefix (`[worker1] job`, `<4>x`) stays part of the message.
 */
const STAGES: readonly Stage[] = [stripCollector, stripDmesgLevel, stripDmesgTime, stripCaller];

/**
 * The named and numbered character references of an HTML page's source (`&lt;`, `&nbsp;`, `&#39;`), and the tags
 * of text markup that a copy of it kept (`<span class="…">`, `</div>`, `<br>`); a no-break space, as a rendered
 * page's copy gives it.
 */
const HTML_REFERENCE = /&(?:(lt|gt|amp|quot|apos|nbsp)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/g;
const HTML_TEXT_TAG =
  /<\/?(?:div|span|pre|code|p|br|li|td|tr|font|b|i|u|strong|em|a|tt|kbd|samp|mark)(?:\s[^<>]{0,300})?\/?>/gi;
const NAMED_REFERENCE: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function referencedCharacter(reference: string, name?: string, decimal?: string, hex?: string): string {
  if (name !== undefined) return NAMED_REFERENCE[name] ?? reference;
  const code = decimal === undefined ? Number.parseInt(hex as string, 16) : Number(decimal);
  return code === 0xa0 ? ' ' : code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : reference;
}

/**
 * What shows a line to be a web page's rather than kernel text that holds an `&` or a `<` (a comm may): a reference
 * to what no kernel text escapes (`&lt;`, `&gt;`, `&nbsp;`, a number), a no-break space, or markup that opens it.
 */
const PAGE_SIGN = /&(?:lt|gt|nbsp|#\d{1,7}|#x[0-9a-fA-F]{1,6});|\u00a0|^\s*<\/?[A-Za-z]/;

/**
 * The text a web page's source or rendering shows for the line: references read, markup tags as spaces (a page
 * may hold several records in one line of source: they are glued records then), no-break spaces as spaces. Null
 * when the line shows no page (PAGE_SIGN) or holds none of those.
 */
function pageText(line: string): string | null {
  if (!PAGE_SIGN.test(line)) return null;
  let text = line;
  if (text.includes('&')) text = text.replace(HTML_REFERENCE, referencedCharacter);
  if (text.includes('<')) text = text.replace(HTML_TEXT_TAG, ' ');
  if (text.includes('\u00a0')) text = text.replaceAll('\u00a0', ' ');
  return text === line ? null : text;
}

/**
 * Reads one line of a kernel log in any envelope, or, when it has none, as a web page showed it (pageText).
 * Returns null for lines that carry no message: empty lines and kmsg dictionary continuation lines (` SUBSYSTEM=…`).
 */
export function readLogRecord(raw: string): LogEntry | null {
  return readRecord(raw, false);
}

/**
 * readLogRecord; `asPage`: the line is a web page's text already (pageText), not to be read as one again;
 * `carried`: the line is the message of another envelope (a printed log event, a record's message), which
 * holds no third.
 */
function readRecord(raw: string, asPage: boolean, carried = false): LogEntry | null {
  const flat = flatKmsgRecord(raw);
  if (flat !== null) return flatKmsgEntry(flat);
  const line = messageLine(raw);
  if (line === null) return null;
  const printed = carried ? null : printedLogEvent(line);
  if (printed !== null) {
    const inner = readRecord(printed.message, false, true);
    return inner === null ? null : carriedBy(inner, printedCarrier(printed));
  }

  const entry = blankEntry(line);
  const record = jsonRecordOf(line);
  if (record !== null) {
    const inner = fromJsonRecord(record, entry);
    return inner === null ? recordWithoutMessage(record, line) : messageEntry(record, inner, entry, carried);
  }
  const text = withoutPrefixes(line, entry);
  return entry.enveloped || asPage ? finishEntry(entry, text) : withoutEnvelope(raw, entry, text);
}

/** The text without the envelope prefixes it starts with (STAGES), what they say taken into the entry. */
function withoutPrefixes(text: string, entry: LogEntry): string {
  // No stage takes anything off a text that no prefix may match.
  if (!mayStartAnyPrefix(text)) return text;
  let rest = text;
  for (const stage of STAGES) {
    const after = stage(rest, entry);
    if (after === null) continue;
    entry.enveloped = true;
    rest = after;
  }
  return rest;
}

/** The entry of a JSON record's message `inner`, the entry holding what the record says of it (fromJsonRecord). */
function messageEntry(
  record: Record<string, unknown>,
  inner: string,
  entry: LogEntry,
  carried: boolean,
): LogEntry {
  // kmsg and journald records carry the kernel's text as printed: there is no prefix to look for.
  if (textAsPrinted(record)) return finishEntry(entry, inner);
  // A record whose message is a record: a collector that shipped another's JSON lines (`{"log":"{\"priority\":…}"}`).
  const nested = carried || !isJsonObject(inner) ? null : readRecord(inner, false, true);
  if (nested !== null) return carriedBy(nested, entry);
  return finishEntry(entry, withoutPrefixes(inner, entry));
}

/**
 * A JSON record with no message key the readers know (RECORD_MESSAGE_KEYS): a log tool's or a program's document
 * (record-strings.ts). Each string in it that holds OOM text is a line of its own, in the order of the document:
 * the message of the object that holds it (heldLines); with several, their record (`more`). A record whose OOM
 * text is in no string (a key) is read as the line it is, so that what no recognizer reads of it is drift. Null
 * for a record with no OOM text at all, as before. Only such records pay for the walk: Fluent Bit's have a
 * message key.
 */
function recordWithoutMessage(record: Record<string, unknown>, line: string): LogEntry | null {
  const lines = oomStringsOf(record).flatMap(heldLines);
  if (lines.length === 0) {
    if (!mayBeOomText(line)) return null;
    const entry = blankEntry(line);
    entry.enveloped = true;
    return finishEntry(entry, line);
  }
  if (lines.length === 1) return lines[0] as LogEntry;
  const entry = blankEntry(lines.map((held) => held.text).join('\n'));
  entry.enveloped = true;
  entry.fromKernel = lines.some((held) => held.fromKernel);
  entry.more = lines;
  return entry;
}

/**
 * The lines of a string of OOM text in a record: the message of the object that holds it, when it is that object's
 * message (as fromJsonRecord reads it); else each of its lines that holds OOM text, read as a line of its own,
 * which the object carries (its time, host and writer: takeRecordFields). A string in an array has no carrier;
 * one of those fields is none.
 */
function heldLines({ holder, key, text }: HeldString): LogEntry[] {
  // What a record says of its text is no text (a host `oom-node-1`, a writer `oom-watcher`).
  if (key !== null && RECORD_FIELD_KEYS.has(key)) return [];
  const carrier = blankEntry('');
  if (!Array.isArray(holder)) {
    const record = holder as Record<string, unknown>;
    const inner =
      key !== null && stringKey(record, RECORD_MESSAGE_KEYS) === key ? fromJsonRecord(record, carrier) : null;
    if (inner !== null) return linesOf(messageEntry(record, inner, carrier, true));
    takeRecordFields(record, carrier);
  }
  const lines: LogEntry[] = [];
  for (const piece of text.split('\n')) {
    const entry = mayBeOomText(piece) ? readRecord(piece, false, true) : null;
    if (entry !== null) lines.push(...linesOf(carriedBy(entry, carrier)));
  }
  return lines;
}

/** The lines of an entry: its own, or those of its record (`more`), each carried by it (carriedBy). */
function linesOf(entry: LogEntry): LogEntry[] {
  return entry.more === undefined ? [entry] : entry.more.map((line) => carriedBy({ ...line }, entry));
}

/**
 * The entry of a message that another envelope carried: what its own envelope did not say (a time, the host),
 * the carrier's says, as the parse function fills a line in from its CloudWatch event; and a carrier that names
 * another writer makes the message that writer's.
 */
function carriedBy(
  inner: LogEntry,
  carrier: Pick<LogEntry, 'wallTime' | 'stamp' | 'host' | 'fromKernel'>,
): LogEntry {
  inner.enveloped = true;
  inner.host ??= carrier.host;
  inner.fromKernel &&= carrier.fromKernel;
  if (inner.wallTime === null && inner.stamp === null) {
    inner.wallTime = carrier.wallTime;
    inner.stamp = carrier.stamp;
  }
  return inner;
}

/**
 * The entry of a line without an envelope, or of the line as a web page showed it (pageText) when it differs: read
 * once so, not again (a page's text read as a page is not a page).
 */
function withoutEnvelope(raw: string, entry: LogEntry, text: string): LogEntry | null {
  const page = pageText(raw);
  // A page's text is read as a line, not as a printed event or a record's message again: each layer of a page's
  // references would be read once more.
  return page === null ? finishEntry(entry, text) : readRecord(page, true, true);
}

/**
 * What fromJsonRecord reads of a flat kmsg record, told directly: looking up each field it does not have by
 * name was most of reading one. Such a line is its own message line: it starts and ends with a brace, and
 * holds no control character (JSON refuses them).
 */
function flatKmsgEntry(record: FlatKmsgRecord): LogEntry {
  const newline = record.msg.indexOf('\n');
  const text = newline < 0 ? record.msg : record.msg.slice(0, newline);
  const entry = blankEntry(text);
  entry.enveloped = true;
  entry.kernelTime = finiteOrNull(record.sec + record.usec / 1e6);
  entry.sequence = record.sequence;
  return finishEntry(entry, text);
}

function finishEntry(entry: LogEntry, text: string): LogEntry {
  entry.text = text;
  entry.truncated = text.endsWith('>') && !MARKUP_TAG.test(text);
  return entry;
}

/** A dmesg time inside a message: where a paste glued the next record on (`…failcnt 77[193038.106480] kmem: …`). */
const GLUED_DMESG_TIME = /\[ *\d+\.\d{6}\] /g;

/** The ends of the choice of victim in each kernel's spelling (kernel-lines/sacrifice.ts, early-selection.ts). */
const CHOICE_ENDS = ['or sacrifice child', 'or a child', 'and children.'];
const KILLED_PROCESS = 'Killed process ';

/**
 * The choice of victim and the kill line after it, when a writer joined them with a space or with nothing:
 * node-problem-detector's `OOMKilling` event, which matched the two lines of a pre-5.x kill (`Out of memory: Kill
 * process A (comm) score S or sacrifice child Killed process B (comm), …`; `…childKilled process B` on GKE's event
 * pages). Else the entry alone.
 */
export function choiceApartFromKill(entry: LogEntry): LogEntry[] {
  const text = entry.text;
  const at = text.indexOf(KILLED_PROCESS);
  if (at < 0) return [entry];
  const choiceEnd = text.charCodeAt(at - 1) === 0x20 ? at - 1 : at;
  if (!CHOICE_ENDS.some((end) => text.endsWith(end, choiceEnd))) return [entry];
  return [
    { ...entry, text: text.slice(0, choiceEnd), truncated: false },
    { ...entry, text: text.slice(at) },
  ];
}

/**
 * A kernel syslog record glued on inside a line (a mail client that reflowed a syslog paste): the space before
 * its stamp, host and tag (`… or a child Mar 16 21:40:40 t6360003 kernel: Killed process 30502`). English months.
 */
const GLUED_SYSLOG_STAMP = / (?=[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d [^\s:[]{1,255} kernel: )/g;

/**
 * A kernel syslog record glued on after its priority, as rsyslog's forward formats write them with no newline
 * between (`…failcnt 175<6>2026-12-06T01:56:03.590726+00:00 vm kernel: [31400.746073] memory+swap: …`), also after
 * a record that ends in a space (6.x's CPU line: `…PREEMPT(none) <6>…`). Another writer's line that quotes such a
 * record is read so too, as a kernel syslog record quoted after its stamp is (GLUED_SYSLOG_STAMP).
 */
const GLUED_PRIORITY =
  /<\d{1,3}>(?=(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^\s]{0,16}|[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d) [^\s:[]{1,255} kernel: )/g;

/**
 * Whether the text holds a kernel syslog record glued on (GLUED_SYSLOG_STAMP, GLUED_PRIORITY): a line of a reflowed
 * syslog paste, which goes on with the record above whatever lines so far were like, or of a forward format.
 */
export function holdsGluedSyslogRecord(text: string): boolean {
  if (text.indexOf(' kernel: ') <= 0) return false;
  GLUED_SYSLOG_STAMP.lastIndex = 0;
  if (GLUED_SYSLOG_STAMP.test(text)) return true;
  GLUED_PRIORITY.lastIndex = 1;
  return text.includes('>') && GLUED_PRIORITY.test(text);
}

/** Where each glued record starts: the index of each match of `glued`, a global pattern, from `from` on. */
function gluedStarts(text: string, glued: RegExp, from: number): number[] {
  const starts: number[] = [];
  glued.lastIndex = from;
  for (let m = glued.exec(text); m !== null; m = glued.exec(text)) starts.push(m.index);
  return starts;
}

interface GluedStart {
  at: number;
  /** Where the record before it ends: at `at`, or before the newline that ends it. */
  cut: number;
  /** Whether the record names its writer (a syslog tag), or is the writer's of the line it is glued to. */
  ownWriter: boolean;
}

/** The longest a syslog envelope is: its stamp, a host of up to 255 characters, a tag and a pid. */
const ENVELOPE_MOST = 400;

/** The longest text printk gives a record. */
const RECORD_MOST = 1024;

/** A newline inside a record's text: a program's `\n` escape (its literal read as written), or a read one. */
const NEWLINE = /\\n|\n/g;

/**
 * Where records start that a string joined by newlines (a program's literal, a JSON value): after each newline
 * that an envelope of any kind follows (a dmesg time, a `dmesg -T` date, a syslog stamp), each record's own. An
 * escaped backslash before an `n` is no newline.
 */
function newlineStarts(text: string): GluedStart[] {
  const starts: GluedStart[] = [];
  NEWLINE.lastIndex = 0;
  for (let m = NEWLINE.exec(text); m !== null; m = NEWLINE.exec(text)) {
    const at = m.index + m[0].length;
    if (m[0].length === 2 && escapedBackslashAt(text, m.index)) continue;
    // A record's text is at most printk's 1 KiB: so much after each newline is looked at, in linear time.
    if (envelopeLength(text.slice(at, at + RECORD_MOST)) > 0)
      starts.push({ at, cut: m.index, ownWriter: true });
  }
  return starts;
}

/** Whether the backslash at `at` is itself escaped: an odd run of backslashes before it. */
function escapedBackslashAt(text: string, at: number): boolean {
  let slashes = 0;
  while (text.charCodeAt(at - 1 - slashes) === 0x5c) slashes++;
  return slashes % 2 === 1;
}

/** Whether the text holds a newline, read or escaped: told without a search of a pattern. */
function holdsNewline(text: string): boolean {
  return text.indexOf('\n') >= 0 || text.indexOf('\\n') >= 0;
}

/** Whether the text is an envelope and nothing else: a glued syslog record's, before its dmesg time. */
function envelopeOnly(text: string): boolean {
  return readLogRecord(text)?.text.trim() === '';
}

/**
 * Where records glued onto the entry start: at dmesg times inside a record that has a kernel time of its own (of
 * the record's writer), at kernel syslog stamps inside a syslog record (the kernel's, whoever wrote the line they
 * are glued to), after a newline that an envelope follows (newlineStarts). A glued syslog record's own dmesg time
 * is part of its envelope. Null when none are.
 */
function gluedRecordStarts(entry: LogEntry): GluedStart[] | null {
  const text = entry.text;
  // Most records have nothing glued on: told without a search or an array.
  const timed = entry.kernelTime !== null && text.indexOf('[', 1) >= 0;
  const syslogged = (entry.stamp !== null || entry.wallTime !== null) && text.indexOf(' kernel: ') > 0;
  const newlined = holdsNewline(text);
  if (!timed && !syslogged && !newlined) return null;
  const dmesg = timed ? gluedStarts(text, GLUED_DMESG_TIME, 1) : [];
  const syslog = syslogged ? syslogStarts(entry) : [];
  const newline = newlined ? newlineStarts(text) : [];
  if (dmesg.length === 0 && syslog.length === 0 && newline.length === 0) return null;
  const own = syslog.map((at) => ({ at, cut: at, ownWriter: true }));
  const timedStarts: GluedStart[] = [];
  let next = 0;
  for (const at of dmesg) {
    while (next < syslog.length && (syslog[next] as number) < at) next++;
    // Only the nearest stamp before it, and only an envelope's length away, may hold this time in its envelope.
    const stamp = syslog[next - 1];
    const held = stamp !== undefined && at - stamp <= ENVELOPE_MOST && envelopeOnly(text.slice(stamp, at));
    if (!held) timedStarts.push({ at, cut: at, ownWriter: false });
  }
  const starts = [...own, ...timedStarts].sort((a, b) => a.at - b.at);
  return newline.length === 0 ? starts : withNewlineStarts(starts, newline);
}

/**
 * The starts with those after newlines, in order: a start that a newline comes just before (`\n[10523.450250] `)
 * is one, whose record before it ends before the newline.
 */
function withNewlineStarts(starts: GluedStart[], newline: GluedStart[]): GluedStart[] {
  const byAt = new Map(starts.map((start) => [start.at, start]));
  for (const start of newline) {
    const same = byAt.get(start.at);
    if (same === undefined) byAt.set(start.at, start);
    else same.cut = start.cut;
  }
  return [...byAt.values()].sort((a, b) => a.at - b.at);
}

/**
 * Where kernel syslog records glued on start, in order: at their stamps, in a syslog record with a stamp; at their
 * priorities, in a syslog record of any writer (rsyslog's forward formats glue every writer's records).
 */
function syslogStarts(entry: LogEntry): number[] {
  const text = entry.text;
  const stamps = entry.stamp === null ? [] : gluedStarts(text, GLUED_SYSLOG_STAMP, 0);
  if (!text.includes('>')) return stamps;
  const priorities = gluedStarts(text, GLUED_PRIORITY, 1);
  return priorities.length === 0 ? stamps : [...stamps, ...priorities].sort((a, b) => a - b);
}

/**
 * The records that a paste glued into one line, each read on its own, or the entry alone: a record with a
 * kernel time may have others glued on at their dmesg times, a syslog record at their syslog stamps; and the lines
 * of a JSON record that holds several (`more`). (A choice of victim glued to its kill line is read apart by the
 * assembler, which alone knows it reads a kill line.)
 */
export function splitGluedRecords(entry: LogEntry): LogEntry[] {
  // A JSON record's several lines (recordWithoutMessage), each of which a paste may have glued records into.
  if (entry.more !== undefined) return linesOf(entry).flatMap(splitGluedRecords);
  const starts = gluedRecordStarts(entry);
  if (starts === null) return [entry];
  const text = entry.text;
  const glued = starts.map(({ at, ownWriter }, i) => {
    const piece = readLogRecord(text.slice(at, starts[i + 1]?.cut)) ?? blankEntry('');
    const fromKernel = ownWriter ? piece.fromKernel : entry.fromKernel;
    return { ...piece, host: piece.host ?? entry.host, fromKernel, enveloped: true };
  });
  const first = starts[0] as GluedStart;
  return [{ ...entry, text: text.slice(0, first.cut), truncated: false }, ...glued];
}

/** What readLogRecord makes of a line, told for a fraction of the work (skimLogRecord). */
export interface RecordSkim {
  /** Whether the entry readLogRecord returns has `enveloped` set. */
  enveloped: boolean;
  /**
   * A text that holds the entry's `text`: a JSON record's message (the entry's own text, for a record with no
   * message key: recordWithoutMessage), else the line (the envelope comes off its
   * front, a CR off its end; colour codes, a byte-order mark, indentation, e-mail quoting and paste wrapping are
   * already out).
   */
  holder: string;
}

/** The skim of a message that another envelope carried (readRecord's carriedBy). */
function carriedSkim(inner: RecordSkim | null): RecordSkim | null {
  return inner === null ? null : { enveloped: true, holder: inner.holder };
}

/**
 * readLogRecord without reading the record: null where it returns null, else whether the entry carries an
 * envelope and a text that holds its message. A stage applies to the line as it is when no stage before it
 * matched, so the entry has an envelope exactly when some stage's prefix matches the line as it is: the
 * first found decides, whichever it is.
 */
export function skimLogRecord(raw: string): RecordSkim | null {
  return skimRecord(raw, false);
}

/** skimLogRecord; `asPage` and `carried` as for readRecord. */
function skimRecord(raw: string, asPage: boolean, carried = false): RecordSkim | null {
  const line = messageLine(raw);
  if (line === null) return null;
  const printed = carried ? null : printedLogEvent(line);
  if (printed !== null) return carriedSkim(skimRecord(printed.message, false, true));
  const record = jsonRecordOf(line);
  if (record !== null) {
    const message = stringField(record, RECORD_MESSAGE_KEYS);
    if (message === null) {
      // Read in full: only a record with no message key pays for it (recordWithoutMessage).
      const entry = recordWithoutMessage(record, line);
      return entry === null ? null : { enveloped: true, holder: entry.text };
    }
    const nested =
      textAsPrinted(record) || carried || !isJsonObject(message) ? null : skimRecord(message, false, true);
    return nested === null ? { enveloped: true, holder: message } : carriedSkim(nested);
  }
  for (const prefix of PREFIXES_BY_FREQUENCY) {
    if (prefixMatches(prefix, line)) return { enveloped: true, holder: line };
  }
  if (sourcePrefixLength(line) > 0) return { enveloped: true, holder: line };
  const page = asPage ? null : pageText(raw);
  return page === null ? { enveloped: false, holder: line } : skimRecord(page, true, true);
}
