/**
 * The Fluent Bit kmsg record, `{"priority":6,"sequence":460278,"sec":174580,"usec":449518,"msg":"…"}`, read
 * without JSON.parse of the whole record when it is exactly that: its four integers in that order, then its
 * message, then the end of the line. Reading such records was a quarter of reading a batch's lines, half of it
 * in JSON.parse. What this reads is what JSON.parse gives (test/shared/kmsg-record.test.ts holds it to that);
 * of any other line it says null, and JSON.parse reads it.
 */

export type FlatKmsgRecord = { priority: number; sequence: number; sec: number; usec: number; msg: string };

/**
 * The record up to its message's text. An integer of at most 15 digits, none of them a leading zero, is one
 * JSON.parse reads exactly as adding up its digits does: every such integer is below 2^53.
 */
const HEAD =
  /\{"priority":(?:0|[1-9]\d{0,14}),"sequence":(?:0|[1-9]\d{0,14}),"sec":(?:0|[1-9]\d{0,14}),"usec":(?:0|[1-9]\d{0,14}),"msg":"/y;
/** A run of a JSON string's characters that stand for themselves. */
const PLAIN_RUN = /[^"\\\u0000-\u001f]*/y;

const PRIORITY_AT = '{"priority":'.length;
const SEQUENCE_KEY = ',"sequence":'.length;
const SEC_KEY = ',"sec":'.length;
const USEC_KEY = ',"usec":'.length;
const OPEN_BRACE = 0x7b;
const QUOTE = 0x22;
const CLOSE_BRACE = 0x7d;
const ZERO = 0x30;

/** Where the digits integerAt read last end: the caller goes on from there. */
let digitsEnd = 0;

/** The digits at `at`, added up. */
function integerAt(text: string, at: number): number {
  let value = 0;
  let i = at;
  for (let c = text.charCodeAt(i); c >= ZERO && c <= 0x39; c = text.charCodeAt(++i)) {
    value = value * 10 + (c - ZERO);
  }
  digitsEnd = i;
  return value;
}

/**
 * Where the message's text starts (after HEAD), or -1 when the line does not start as a flat record does. Of
 * the head itself nothing is OOM text, so a search for it may start there too (shared/log-event-lines.ts).
 */
export function kmsgHeadEnd(line: string): number {
  if (line.charCodeAt(0) !== OPEN_BRACE) return -1;
  HEAD.lastIndex = 0;
  return HEAD.test(line) ? HEAD.lastIndex : -1;
}

/** Whether the line ends as a record whose last value is a string: `"}`. */
function endsAfterString(line: string): boolean {
  const last = line.length - 2;
  return line.charCodeAt(last) === QUOTE && line.charCodeAt(last + 1) === CLOSE_BRACE;
}

/**
 * The message, its text starting at `start`, when the line ends with it: a slice when it holds no escape and no
 * control character (nearly every kernel line), else what JSON.parse reads of it as a string of its own. When
 * that succeeds the string runs to the line's last quote, so it is the record's whole last value; null when
 * the line does not end so, or holds what JSON.parse of the record would read otherwise or refuse.
 */
function messageAt(line: string, start: number): string | null {
  if (!endsAfterString(line)) return null;
  const last = line.length - 2;
  PLAIN_RUN.lastIndex = start;
  PLAIN_RUN.test(line);
  if (PLAIN_RUN.lastIndex === last) return line.slice(start, last);
  try {
    const value: unknown = JSON.parse(line.slice(start - 1, last + 1));
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

/** A JSON string's text: characters that stand for themselves and the escapes JSON has, nothing else. */
const STRING_TEXT = /(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*/y;

/**
 * Where the message's text starts in a line flatKmsgRecord reads, else -1; told without decoding the message:
 * its text is one JSON string that runs to the line's last quote exactly when what messageAt hands JSON.parse
 * is one. So a reader may look at the encoded text and know that flatKmsgRecord's `msg` is its decoding.
 */
export function flatKmsgMessageStart(line: string): number {
  const start = kmsgHeadEnd(line);
  if (start < 0 || !endsAfterString(line)) return -1;
  STRING_TEXT.lastIndex = start;
  STRING_TEXT.test(line);
  return STRING_TEXT.lastIndex === line.length - 2 ? start : -1;
}

/** The record, or null when the line is not exactly of its shape. */
export function flatKmsgRecord(line: string): FlatKmsgRecord | null {
  const start = kmsgHeadEnd(line);
  if (start < 0) return null;
  const msg = messageAt(line, start);
  if (msg === null) return null;
  // HEAD has told where each integer is: after the key that follows the one before.
  const priority = integerAt(line, PRIORITY_AT);
  const sequence = integerAt(line, digitsEnd + SEQUENCE_KEY);
  const sec = integerAt(line, digitsEnd + SEC_KEY);
  const usec = integerAt(line, digitsEnd + USEC_KEY);
  return { priority, sequence, sec, usec, msg };
}
