/**
 * What skimLogRecord (log-record.ts) says of a line, told in place: the line stays inside the text that holds
 * it (a chunk `scan` decoded), neither cut out nor read. It knows the shapes a node's log is made of: a dmesg,
 * kmsg, syslog or journald envelope, and a flat Fluent Bit JSON record. Of any other line it says `unknown`,
 * and the caller skims the line itself.
 *
 * The line must hold no escape character (ESC): colour codes come off a line before its envelope is read.
 */
import { isKernelPriority, isKernelTag } from './envelope-prefixes.ts';
import { holdsInnerBlanks, mayBeOomText, withOneSpaces } from './kernel-line.ts';
import { CALL_TRACE_FRAME } from './kernel-lines/report-context.ts';

/** `enveloped`: a record with an envelope; `no-record`: skimLogRecord returns null; `unknown`: not told. */
export type LineShape = 'enveloped' | 'no-record' | 'unknown';

/**
 * The envelope prefixes of log-record.ts, matched where the line starts (sticky) instead of at `^`, so that
 * the line is not cut out first. test/shared/record-shape.test.ts checks that each is its original.
 */
export const IN_PLACE_PATTERNS = {
  KMSG_RECORD: /(\d{1,3}),(\d+),(\d+),[^;]{0,16};/y,
  DMESG_LEVEL:
    /(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7]) *:(?:emerg|alert|crit|err|warn|notice|info|debug) *: ?/y,
  DMESG_RAW_PRIORITY: /<\d{1,3}>(?=\[)/y,
  DMESG_TIME: /\[ *(\d+)\.(\d{1,9})\] ?/y,
  PRINTK_CALLER: /\[ *[TC]\d+\] ?/y,
  DMESG_WALL: /\[([^\]\d\s<][^\]]{0,40}\d:\d\d:\d\d[^\]]{0,20})\] ?/y,
  SYSLOG:
    /(\S{1,12} {1,2}\d{1,2} \d\d:\d\d:\d\d(?:\.\d{1,9})?) (?:(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7])\.(?:emerg|alert|crit|err|warning|warn|notice|info|debug) )?(\S{1,255}) ([^\s:[]{1,64})(?:\[\d{1,10}\])?: ?/y,
  RFC3339_SYSLOG:
    /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?) (?:(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7])\.(?:emerg|alert|crit|err|warning|warn|notice|info|debug) )?(\S{1,255}) ([^\s:[]{1,64})(?:\[\d{1,10}\])?: ?/y,
} as const;

const P = IN_PLACE_PATTERNS;
// By the line's first character, the prefixes that may start there (as log-record.ts's `mayStart` says), the
// most frequent first. The syslog pattern may start anywhere. The hypervisor prefix (EMBEDDED_DMESG) is left
// out: a line only it would find is `unknown`.
const AFTER_BRACKET = [P.DMESG_TIME, P.DMESG_WALL, P.PRINTK_CALLER, P.SYSLOG];
const AFTER_DIGIT = [P.KMSG_RECORD, P.SYSLOG, P.RFC3339_SYSLOG];
const AFTER_LOWER_CASE = [P.SYSLOG, P.DMESG_LEVEL];
const AFTER_ANGLE = [P.DMESG_RAW_PRIORITY, P.SYSLOG];
const AFTER_OTHER = [P.SYSLOG];

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const COLON = 0x3a;
const COMMA = 0x2c;
const CR = 0x0d;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Whether `pattern` matches the line `text[start, end)` at its start, the match inside the line. */
function matchesAt(pattern: RegExp, text: string, start: number, end: number): boolean {
  pattern.lastIndex = start;
  return pattern.test(text) && pattern.lastIndex <= end;
}

function prefixesFor(first: number): readonly RegExp[] {
  if (first === 0x5b) return AFTER_BRACKET;
  if (isDigit(first)) return AFTER_DIGIT;
  if (first >= 0x61 && first <= 0x7a) return AFTER_LOWER_CASE;
  if (first === 0x3c) return AFTER_ANGLE;
  return AFTER_OTHER;
}

/**
 * The shape of the line `text[start, end)` (without its newline), as skimLogRecord would tell it. A line that
 * starts with a visible character other than `>` is its own message line (messageLine in log-record.ts), but
 * for a CR at its end, or paste wrapping around an envelope (paste-wrapping.ts): those come off only where
 * one follows them, so the record has an envelope either way.
 */
export function lineShapeAt(text: string, start: number, end: number): LineShape {
  const last = text.charCodeAt(end - 1) === CR ? end - 1 : end;
  if (last <= start) return 'unknown';
  const first = text.charCodeAt(start);
  if (first === OPEN_BRACE) return jsonShape(text, start, last);
  // Not visible (blank, indented, a byte-order mark), e-mail quoting, or maybe a line comment's mark or a block
  // comment's gutter (`# `, `// `, `* `): the skim has more to take off.
  if (first <= 0x20 || first >= 0x7f || first === 0x3e || first === 0x23 || first === 0x2f || first === 0x2a)
    return 'unknown';
  if (quickEnvelope(text, start, last, first)) return 'enveloped';
  for (const prefix of prefixesFor(first)) {
    if (!matchesAt(prefix, text, start, last)) continue;
    return prefix === P.RFC3339_SYSLOG && recordAfterTime(text, start) ? 'unknown' : 'enveloped';
  }
  return 'unknown';
}

/**
 * Whether the RFC 3339 time is followed by a JSON record, after a stream name or not: `aws logs tail` prints a
 * log event so (shared/printed-log-event.ts), and the skim reads the record, whose escapes the line may hide
 * OOM text behind. The pattern took the record's first words for a host and a tag.
 */
function recordAfterTime(text: string, start: number): boolean {
  const pattern = P.RFC3339_SYSLOG;
  pattern.lastIndex = start;
  const m = pattern.exec(text);
  return m !== null && ((m[2] as string).startsWith('{') || (m[3] as string).startsWith('{'));
}

// ---------------------------------------------------------------------------------------------------------------
// The commonest envelopes, tested character by character: each test is true only where its pattern matches;
// where it is false (a character outside printable ASCII, say), the patterns decide.

const SPACE = 0x20;

/** Printable ASCII but the space: each is in `\S`, and none is a line end. */
function isPrintable(code: number): boolean {
  return code > SPACE && code < 0x7f;
}

function digitRunEnd(text: string, at: number): number {
  let i = at;
  while (isDigit(text.charCodeAt(i))) i++;
  return i;
}

function printableRunEnd(text: string, at: number, most: number): number {
  let i = at;
  while (i - at <= most && isPrintable(text.charCodeAt(i))) i++;
  return i;
}

/** `\d:\d\d:\d\d` at `at`. */
function clockAt(text: string, at: number): boolean {
  return (
    isDigit(text.charCodeAt(at)) &&
    text.charCodeAt(at + 1) === COLON &&
    isDigit(text.charCodeAt(at + 2)) &&
    isDigit(text.charCodeAt(at + 3)) &&
    text.charCodeAt(at + 4) === COLON &&
    isDigit(text.charCodeAt(at + 5)) &&
    isDigit(text.charCodeAt(at + 6))
  );
}

function quickEnvelope(text: string, start: number, end: number, first: number): boolean {
  if (first === 0x5b) return dmesgTimeAt(text, start, end) || dmesgWallAt(text, start, end);
  if (isDigit(first) && kmsgAt(text, start, end)) return true;
  return syslogAt(text, start);
}

/** DMESG_TIME: `[ 3467.508223]`. */
function dmesgTimeAt(text: string, start: number, end: number): boolean {
  let i = start + 1;
  while (text.charCodeAt(i) === SPACE) i++;
  const seconds = digitRunEnd(text, i);
  if (seconds === i || text.charCodeAt(seconds) !== 0x2e) return false;
  const fraction = digitRunEnd(text, seconds + 1);
  const digits = fraction - seconds - 1;
  return digits >= 1 && digits <= 9 && fraction < end && text.charCodeAt(fraction) === 0x5d;
}

/** DMESG_WALL: `[Fri Nov 20 21:17:17 2026]`; its closing bracket is the first one, a clock before it. */
function dmesgWallAt(text: string, start: number, end: number): boolean {
  const opening = text.charCodeAt(start + 1);
  if (!isPrintable(opening) || isDigit(opening) || opening === 0x5d || opening === 0x3c) return false;
  // The group: its first character, up to 40 others, the clock (7), up to 20 others.
  const group = start + 1;
  let close = group + 1;
  while (close < end && close - group <= 68 && text.charCodeAt(close) !== 0x5d) close++;
  if (close >= end || text.charCodeAt(close) !== 0x5d) return false;
  for (let at = Math.max(group + 1, close - 27); at <= Math.min(group + 41, close - 7); at++) {
    if (clockAt(text, at)) return true;
  }
  return false;
}

/** KMSG_RECORD: `6,1234,5678,-;`. */
function kmsgAt(text: string, start: number, end: number): boolean {
  let i = digitRunEnd(text, start);
  if (i - start > 3 || text.charCodeAt(i) !== COMMA) return false;
  for (let field = 0; field < 2; field++) {
    const digits = i + 1;
    i = digitRunEnd(text, digits);
    if (i === digits || text.charCodeAt(i) !== COMMA) return false;
  }
  for (let at = i + 1; at <= i + 17 && at < end; at++) if (text.charCodeAt(at) === 0x3b) return true;
  return false;
}

/** SYSLOG: `Nov 20 06:12:45 ip-10-0-3-54 kernel: `, each field in printable ASCII. */
function syslogAt(text: string, start: number): boolean {
  let i = printableRunEnd(text, start, 12);
  if (i === start || i - start > 12 || text.charCodeAt(i) !== SPACE) return false;
  i++;
  if (text.charCodeAt(i) === SPACE) i++;
  const day = digitRunEnd(text, i);
  if (day === i || day - i > 2 || text.charCodeAt(day) !== SPACE) return false;
  i = day + 1;
  if (!isDigit(text.charCodeAt(i)) || !clockAt(text, i + 1)) return false;
  i += 8;
  if (text.charCodeAt(i) === 0x2e) {
    const fraction = digitRunEnd(text, i + 1);
    if (fraction === i + 1 || fraction - i - 1 > 9) return false;
    i = fraction;
  }
  if (text.charCodeAt(i) !== SPACE) return false;
  const host = printableRunEnd(text, i + 1, 255);
  if (host === i + 1 || host - i - 1 > 255 || text.charCodeAt(host) !== SPACE) return false;
  const ident = host + 1;
  i = ident;
  for (let c = text.charCodeAt(i); isPrintable(c) && c !== COLON && c !== 0x5b; c = text.charCodeAt(i)) i++;
  if (i === ident || i - ident > 64) return false;
  if (text.charCodeAt(i) === 0x5b) {
    const pid = digitRunEnd(text, i + 1);
    if (pid === i + 1 || pid - i - 1 > 10 || text.charCodeAt(pid) !== 0x5d) return false;
    i = pid + 1;
  }
  return text.charCodeAt(i) === COLON;
}

// ---------------------------------------------------------------------------------------------------------------
// A Fluent Bit record: `{"key":value,…}` with no spaces, each value a string, a number, true, false or null.

/** The message keys of log-record.ts's RECORD_MESSAGE_KEYS; a record's message is the value of one of them. */
const MESSAGE_KEYS = ['msg', 'message', 'MESSAGE', 'log'];

function messageKeyAt(text: string, start: number, end: number): number {
  const length = end - start;
  for (let k = 0; k < MESSAGE_KEYS.length; k++) {
    const key = MESSAGE_KEYS[k] as string;
    if (key.length === length && text.startsWith(key, start)) return k;
  }
  return -1;
}

/**
 * The closing quote of the JSON string whose text starts at `at`, or -1 when the string holds what JSON.parse
 * refuses (a control character) or an escape other than `\"`, `\\` and `\/` (with `escapes` false: any
 * escape). Those three stand for a character that is in no marker of OOM text, so a message that spells its
 * words with them shows them in the raw line too.
 */
/** A run of a JSON string's characters that stand for themselves. */
const STRING_RUN = /[^"\\\u0000-\u001f]*/y;

function stringEnd(text: string, at: number, end: number, escapes: boolean): number {
  for (let i = at; i < end;) {
    STRING_RUN.lastIndex = i;
    STRING_RUN.test(text);
    i = STRING_RUN.lastIndex;
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i < end ? i : -1;
    if (c !== BACKSLASH || !escapes || i + 1 >= end) return -1;
    const next = text.charCodeAt(i + 1);
    if (next !== QUOTE && next !== BACKSLASH && next !== SLASH) return -1;
    i += 2;
  }
  return -1;
}

function digitsEnd(text: string, at: number): number {
  let i = at;
  while (isDigit(text.charCodeAt(i))) i++;
  return i;
}

/** Where a JSON number starting at `at` ends, or -1 when there is none. */
function numberEnd(text: string, at: number): number {
  let i = text.charCodeAt(at) === 0x2d ? at + 1 : at;
  const first = text.charCodeAt(i);
  if (first === 0x30) i++;
  else if (isDigit(first)) i = digitsEnd(text, i + 1);
  else return -1;
  if (text.charCodeAt(i) === 0x2e) {
    if (!isDigit(text.charCodeAt(i + 1))) return -1;
    i = digitsEnd(text, i + 1);
  }
  const exponent = text.charCodeAt(i);
  if (exponent === 0x65 || exponent === 0x45) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 0x2b || sign === 0x2d) i++;
    if (!isDigit(text.charCodeAt(i))) return -1;
    i = digitsEnd(text, i);
  }
  return i;
}

const LITERALS = ['true', 'false', 'null'];

/** Where the scalar JSON value starting at `at` ends, or -1 (an object, an array, or not JSON). */
function valueEnd(text: string, at: number, end: number): number {
  const first = text.charCodeAt(at);
  if (first === QUOTE) {
    const close = stringEnd(text, at + 1, end, true);
    return close < 0 ? -1 : close + 1;
  }
  for (const literal of LITERALS) if (text.startsWith(literal, at)) return at + literal.length;
  const number = numberEnd(text, at);
  return number > end ? -1 : number;
}

/**
 * A record JSON.parse reads to an object: `enveloped` when the last value of one of its message keys is a
 * string, `no-record` when none is and the line holds no OOM text (else its strings, or the line, are read as
 * lines: recordWithoutMessage in log-record.ts; the escapes allowed here hide none); `unknown` for any other JSON
 * (spaces, nesting, keys with escapes) or text.
 */
function jsonShape(text: string, start: number, end: number): LineShape {
  if (text.charCodeAt(end - 1) !== CLOSE_BRACE) return 'unknown';
  let at = start + 1;
  if (at === end - 1) return 'no-record';
  /** Bit k: the last value of MESSAGE_KEYS[k] so far is a string. */
  let messages = 0;
  for (;;) {
    if (text.charCodeAt(at) !== QUOTE) return 'unknown';
    const keyEnd = stringEnd(text, at + 1, end, false);
    if (keyEnd < 0 || text.charCodeAt(keyEnd + 1) !== COLON) return 'unknown';
    const key = messageKeyAt(text, at + 1, keyEnd);
    const value = keyEnd + 2;
    at = valueEnd(text, value, end);
    if (at < 0) return 'unknown';
    if (key >= 0) {
      // A message that may be a record itself (a collector's JSON lines) is read twice: told by the skim.
      if (text.charCodeAt(value) === QUOTE && text.charCodeAt(value + 1) === OPEN_BRACE) return 'unknown';
      messages = text.charCodeAt(value) === QUOTE ? messages | (1 << key) : messages & ~(1 << key);
    }
    const next = text.charCodeAt(at);
    if (next === COMMA) {
      at++;
      continue;
    }
    if (next !== CLOSE_BRACE || at !== end - 1) return 'unknown';
    if (messages !== 0) return 'enveloped';
    return mayBeOomText(text.slice(start, end)) ? 'unknown' : 'no-record';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A line whose only OOM text is a call trace's `+0x` (FRAME_OFFSET; what chunk-marks.ts finds in a `scan`).
// parseKernelLine calls its message a frame (report context) or `not-oom`, and the assembler ignores both but
// for a frame's time, which ends an open report on a gap (acceptEntry in report-assembler.ts). So of such a
// line only that time matters, and most frames have none: a journalctl, `dmesg -T` or Container Insights
// frame.

/**
 * What any line holds whose record readLogRecord gives a time (a kernel time or a wall clock): a dmesg time
 * (`.508223]`, also after journalctl's or a hypervisor's fields; with the spaces, the delta's `>` or the Android
 * vendors' `s` that the envelopes allow before the `]`: `.5 ]`, `.000100 >]`, `.040008s]`), an ISO date, a kmsg record's `6,1234,`, or a
 * JSON key that holds a time. JSON escapes (`\"`, `\\`, `\/` at most, record-shape's `enveloped`) change none
 * of these characters, so a message shows it in the raw line too. A line without one has no time. The date
 * and the kmsg numbers are looked for from their `-` and `,`, rarer than the digits of a frame's line.
 */
const MAY_HOLD_TIME =
  /\.\d+[ >s]*\]|(?<=\d{4})-\d\d-\d\d|(?<=\d),\d|"(?:sec|_SOURCE_MONOTONIC_TIMESTAMP|__REALTIME_TIMESTAMP)"/;
/** splitGluedRecords' mark of a record glued on (log-record.ts): a record holding one is not read here. */
const GLUED_DMESG_TIME = /\[ *\d+\.\d{6}\] /;

/**
 * The line `text[start, end)`, which lineShapeAt calls `enveloped` and whose only OOM text is `+0x`, as the
 * assembler takes it: its time, when its record is a call-trace frame with one; null when the assembler
 * ignores it (no time, or not a frame); undefined when it is not told here, and the line must be read. Told
 * here: a line with no time, and frames in a kmsg record (`4,1234,5678,-; dump_stack+0x57/0x70`) or after a
 * dmesg time (`[ 3467.508223]  schedule+0x5a/0xd0`).
 */
export function frameTimeAt(text: string, start: number, end: number): number | null | undefined {
  const last = text.charCodeAt(end - 1) === CR ? end - 1 : end;
  const line = text.slice(start, last);
  if (!MAY_HOLD_TIME.test(line)) return null;
  const first = line.charCodeAt(0);
  if (isDigit(first)) return kmsgFrameTime(line);
  if (first === 0x5b) return dmesgFrameTime(line);
  return undefined;
}

/**
 * A kmsg record: its prefix is the collector's (the first readLogRecord tries), and a message that starts with
 * a space, as the kernel indents a frame, starts no other envelope but a printk time after the spaces, which is left
 * to readLogRecord (`4,32873,11681907409,-; [ 12.5]  dump_stack+0x57/0x70`: its time is 12.5).
 */
function kmsgFrameTime(line: string): number | null | undefined {
  const prefix = P.KMSG_RECORD;
  prefix.lastIndex = 0;
  const m = prefix.exec(line);
  // Another facility's record is another writer's (isKernelPriority): left to readLogRecord.
  if (m === null || line.charCodeAt(prefix.lastIndex) !== SPACE || !isKernelPriority(m[1] as string))
    return undefined;
  const message = line.slice(prefix.lastIndex);
  // A printk time after the spaces is the record's own, which readLogRecord takes (spacesBeforeKernelTime).
  return TIME_AFTER_SPACES.test(message) ? undefined : frameTime(message, Number(m[3]) / 1e6);
}

/** A printk time, real or masked, after the spaces a collector's message may start with: not told here. */
const TIME_AFTER_SPACES = /^ {1,4}\[ *[\dxX*]+\./;

/**
 * A dmesg time. With no `:` in the line, no collector's envelope (journalctl's, syslog's: each has a clock or
 * `kernel:`) comes before it; a message that does not start with `[` has no printk caller id.
 */
function dmesgFrameTime(line: string): number | null | undefined {
  const prefix = P.DMESG_TIME;
  prefix.lastIndex = 0;
  const m = prefix.exec(line);
  if (m === null || line.includes(':') || line.charCodeAt(prefix.lastIndex) === 0x5b) return undefined;
  return frameTime(line.slice(prefix.lastIndex), Number(`${m[1]}.${m[2]}`));
}

/**
 * The time of a frame's message, null for any other message, undefined when other records are glued on. A frame
 * with a reflow's blanks inside it is one, as parseKernelLine reads it again with one space for them.
 */
function frameTime(message: string, time: number): number | null | undefined {
  if (message.indexOf('[', 1) >= 0 && GLUED_DMESG_TIME.test(message.slice(1))) return undefined;
  const trimmed = message.trim();
  if (CALL_TRACE_FRAME.test(trimmed)) return time;
  return holdsInnerBlanks(trimmed) && CALL_TRACE_FRAME.test(withOneSpaces(trimmed)) ? time : null;
}

/** journalctl's `--no-hostname`: `kernel:` where the host would be (SYSLOG_NO_HOST of log-record.ts). */
const NO_HOST = 'kernel:';

/**
 * Whether the line `text[start, end)` is a syslog line of a writer other than the kernel (`systemd-oomd[812]:
 * …`): when lineShapeAt also calls it `enveloped`, readLogRecord says `fromKernel` false of it, and the
 * assembler ignores its record, nor does it give a record glued on the kernel's. False when not told. The line
 * must hold no escape character.
 */
export function otherWriterAt(text: string, start: number, end: number): boolean {
  const first = text.charCodeAt(start);
  // The envelopes tried before syslog's start with a digit, `[` or `<`; a JSON record with `{`. Of those
  // after it, the one with no host is told below, and the journal's full one (a year where syslog has its
  // day) cannot match a syslog line.
  if (isDigit(first) || first === 0x5b || first === 0x3c || first === OPEN_BRACE) return false;
  const syslog = P.SYSLOG;
  syslog.lastIndex = start;
  const m = syslog.exec(text);
  if (m === null || syslog.lastIndex > end) return false;
  const stamp = m[1] as string;
  if (isKernelTag(m[3]) || text.startsWith(NO_HOST, start + stamp.length + 1)) return false;
  // A kernel syslog record glued on (a mail client's reflow) is read: splitGluedRecords gives it the kernel's.
  const glued = text.indexOf(' kernel: ', syslog.lastIndex);
  return glued < 0 || glued >= end;
}
