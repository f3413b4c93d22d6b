/**
 * Removes the envelope around one kernel message, whichever way it was carried: raw `/dev/kmsg` records,
 * `dmesg` (with `-T`, `-x`, `-r` and printk caller ids), journalctl/syslog, `talosctl dmesg`, Fluent Bit JSON
 * records (kmsg, systemd, Container Insights), e-mail quoting, what a paste wraps around a line (paste-wrapping.ts),
 * or plain text. The envelopes' own stages are envelope-stages.ts; glued-records.ts reads apart the records a
 * paste glued into one line, page-text.ts a line as a web page showed it.
 */
import { isoFromDateTime, isoFromMs } from './iso-time.ts';
import { STAGES } from './envelope-stages.ts';
import {
  prefixMatches,
  mayStartAnyPrefix,
  PREFIXES_BY_FREQUENCY,
  sourcePrefixLength,
} from './envelope-prefixes.ts';
import { jsonObjectOf } from './json-object.ts';
import { mayBeOomText } from './kernel-line.ts';
import { flatKmsgRecord, type FlatKmsgRecord } from './kmsg-record.ts';
import { withoutPasteWrapping } from './paste-wrapping.ts';
import { hostOfStream, isJsonObject, printedLogEvent, type PrintedLogEvent } from './printed-log-event.ts';
import { pageText } from './page-text.ts';
import { oomStringsOf, type HeldString } from './record-strings.ts';
import { streamCarriesKernelLog } from './stream-name.ts';

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
/**
 * What a converter from HTML to markdown writes and no kernel line holds: a backslash before the `_` of a kernel
 * word (`gfp\_mask`, `oom\_score\_adj`, `total\_vm`, `task\_memcg`, `oom\_kill\_process`: a blog mirror's copy; a
 * program's regex escapes `[` and `.`, seldom `_`; a comm is printed as it is, `a\_b` too). Such a line loses the
 * backslash before every ASCII mark but `"` and `\` (which a JSON record's escapes use): `\[ pid \]`.
 */
const MARKDOWN_ESCAPED =
  /\b(?:gfp|oom|score|total|task|mems|pgtables|nr|kill|dump|out|of|memory|anon|file|shmem)\\_[a-z]/;
const MARKDOWN_ESCAPE = /\\([!#$%&'()*+,\-./:;<=>?@[\]^_`{|}~])/g;
/**
 * A line that starts, after indentation or quoting, with its envelope's brackets escaped as markdown escapes them
 * (`\[ 5.168012\] oom invoked oom-killer: …`, a book converted from PDF to markdown; `\[Tue Dec  3 …\]`): a
 * program's regex would escape the time's `.` too. Such a line loses its markdown escapes (MARKDOWN_ESCAPE).
 */
const ESCAPED_ENVELOPE = /^[ \t>]*\\\[[^\]\\\n]{0,40}\d[^\]\\\n]{0,40}\\\] /;
/** The farthest in a line the escaped envelope's `\[` may start (indentation and quoting before it). */
const ESCAPED_ENVELOPE_AT = 16;
const MARKUP_TAG = /<\/?[A-Z]+>$/;
/**
 * The names of text markup's closing tags that may end a line, with blanks after them: a page's block whose opening tag
 * is on a line above (`Killed process 23636 (osm2pgsql) … file-rss:0kB</code></pre>`, an HTML copy of a Q&A page; a
 * course page's `… pgtables:1092kB oom_score_adj:0</div>`). They, and a line break's `<br>` (a copy of a page's lines:
 * the reviewers' h1), are no pager's cut mark (`>`), so the figure before them is whole. Told by a walk back from the
 * line's end: a pattern searched for them would try each `<` again.
 */
const CLOSING_TAG_NAMES: ReadonlySet<string> = new Set([
  'div',
  'span',
  'pre',
  'code',
  'p',
  'li',
  'td',
  'tr',
  'font',
  'b',
  'i',
  'u',
  'strong',
  'em',
  'a',
  'tt',
  'kbd',
  'samp',
  'mark',
]);
const GREATER_THAN = 0x3e;

function isBlankCode(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** A line break's tag as pages write it (`<br>`, `<br/>`, `<br />`), which a copy may keep at each line's end. */
const LINE_BREAK_TAGS: ReadonlySet<string> = new Set(['<br>', '<br/>', '<br />']);

/** Where the closing tags (CLOSING_TAG_NAMES) and line breaks that end `text[0, end)` start; `end` for none. */
function closingTagsStart(text: string, end: number): number {
  let start = end;
  while (text.charCodeAt(start - 1) === GREATER_THAN) {
    const open = text.lastIndexOf('<', start - 1);
    if (open < 0 || !isLineEndTag(text.slice(open, start).toLowerCase())) break;
    start = open;
  }
  return start;
}

/** Whether `tag` (`<…>`, in lower case) is a closing tag of CLOSING_TAG_NAMES or a line break. */
function isLineEndTag(tag: string): boolean {
  return LINE_BREAK_TAGS.has(tag) || (tag.startsWith('</') && CLOSING_TAG_NAMES.has(tag.slice(2, -1)));
}

/** What ends a kernel line's figure: a digit or a size's `kB`. */
const FIGURE_END = /(?:\d|kB)$/;

/**
 * The text without the closing tags that end it, after a figure only: a task row ends in its comm, which may be
 * anything (`</b>`), and a kill line, a summary, a header and the counters end in figures. Most lines end in no `>`:
 * closingTagsStart looks at one character of them.
 */
function withoutClosingTags(text: string): string {
  let end = text.length;
  while (end > 0 && isBlankCode(text.charCodeAt(end - 1))) end--;
  const start = closingTagsStart(text, end);
  if (start === end) return text;
  const before = text.slice(0, start);
  return FIGURE_END.test(before) ? before : text;
}

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

function microsToIso(value: unknown): string | null {
  const micros = typeof value === 'string' ? Number(value) : value;
  if (typeof micros !== 'number' || micros <= 0) return null;
  return isoFromMs(Math.floor(micros / 1000));
}

/** The number, or null where it is none or no finite number (a time of more digits than a double holds). */
export function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
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

/**
 * A record field's value as a name: its host, writer or transport, without the control characters around it (a
 * Fluent Bit build that left `\u0001` after `kernel`: fluent-bit#9777).
 */
function nameField(record: Record<string, unknown>, keys: readonly string[]): string | null {
  const value = stringField(record, keys);
  if (value === null) return null;
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) < 0x20) start++;
  while (end > start && value.charCodeAt(end - 1) < 0x20) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
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
  entry.host = nameField(record, HOST_KEYS);
  entry.wallTime =
    microsToIso(record.__REALTIME_TIMESTAMP) ??
    isoFromDateTime(record.time) ??
    isoFromDateTime(record['@timestamp']) ??
    isoFromDateTime(record.timestamp) ??
    isoFromDateTime(record.ISODATE);
  const ident = nameField(record, IDENT_KEYS);
  const transport = nameField(record, TRANSPORT_KEYS);
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

/** A line that may be a JSON record: its first mark past the indent is `{`. */
function startsWithEscapedEnvelope(line: string): boolean {
  // Only the line's first characters are looked at (lastIndexOf from there back): this is asked of every line read.
  return line.lastIndexOf('\\[', ESCAPED_ENVELOPE_AT) >= 0 && ESCAPED_ENVELOPE.test(line);
}

function isJsonLike(line: string): boolean {
  return line.trimStart().charCodeAt(0) === 0x7b;
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
  if (
    (line.includes('\\_') && MARKDOWN_ESCAPED.test(line) && !isJsonLike(line)) ||
    startsWithEscapedEnvelope(line)
  )
    line = line.replace(MARKDOWN_ESCAPE, '$1');
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

/**
 * Whether the line is a record of JSON (a Fluent Bit record, a kmsg one), which holds its message between its braces:
 * the line after it is never that message, even where the record's is empty.
 */
export function isJsonRecordLine(raw: string): boolean {
  if (flatKmsgRecord(raw) !== null) return true;
  const line = messageLine(raw);
  return line !== null && jsonRecordOf(line) !== null;
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
export function linesOf(entry: LogEntry): LogEntry[] {
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
  const shown = withoutClosingTags(text);
  entry.text = shown;
  entry.truncated = shown.endsWith('>') && !MARKUP_TAG.test(shown);
  return entry;
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
