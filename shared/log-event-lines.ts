/**
 * Turns the log events of one stream into the assembler's input lines, filling in what the envelope did not
 * say from what CloudWatch knows about each event.
 */
import { isoFromMs } from './iso-time.ts';
import { holdsInnerBlanks, oomTextEnd, withOneSpaces } from './kernel-line.ts';
import { flatKmsgMessageStart, kmsgHeadEnd } from './kmsg-record.ts';
import { readLogRecord } from './log-record.ts';
import type { InputLine } from './report-assembler.ts';

/**
 * One CloudWatch log event. A subscription delivery fills every field (shared/subscription-payload.ts);
 * FilterLogEvents' SDK types leave each one optional.
 */
export interface StreamLogEvent {
  /** A 56-digit decimal string, beyond a JSON number's precision. */
  id: string | undefined;
  timestamp: number | undefined;
  message: string | undefined;
}

/**
 * The reference of an event that came without an id. Such a line may still be a kill line, so it is kept
 * rather than dropped, under a reference that a re-read of the same time range gives again: its timestamp,
 * and its place among the id-less events of that millisecond (CloudWatch returns a stream's events of one
 * millisecond in one order). A place in the whole read would not do: it shifts with where the read starts.
 */
function refWithoutId(timestamp: number | undefined, seen: Map<number | undefined, number>): string {
  const place = seen.get(timestamp) ?? 0;
  seen.set(timestamp, place + 1);
  return `no-id@${timestamp ?? 'no-time'}#${place}`;
}

/** The characters an escape may stand for that no OOM text holds: `\\`, `\"` and `\/` only break the text. */
const INERT_ESCAPED = new Set(['\\', '"', '/']);

/**
 * Whether every JSON escape in the message stands for a character that mayBeOomText's text never holds, so
 * that what it finds in the decoded text it finds in the message too. Escapes pair from the left, as JSON reads
 * them: a Fluent Bit record escapes each backslash of the kernel's own `\x09` once more.
 */
function onlyInertEscapes(message: string): boolean {
  for (let at = message.indexOf('\\'); at >= 0; at = message.indexOf('\\', at + 2)) {
    if (!INERT_ESCAPED.has(message.charAt(at + 1))) return false;
  }
  return true;
}

/**
 * Where the search of a message for OOM text may start: after a Fluent Bit kmsg record's head
 * (`{"priority":…,"msg":"`, shared/kmsg-record.ts), a third of such a record, looked at for every line of a
 * node's log. mayBeOomText finds nothing in the head, and it ends in a `"`, which nothing mayBeOomText finds
 * holds: so nothing found runs across its end.
 */
function afterKmsgHead(message: string): number {
  return Math.max(0, kmsgHeadEnd(message));
}

/**
 * What every text holds that parseKernelLine does not call `not-oom`, more narrowly than mayBeOomText, which
 * lets through any `memory` (`Memory: 3218236K/…`, none of them OOM text): a recognizer's marker (the table tries no
 * recognizer on a text without its marker; for the task row, whose `[` is in most lines, what mayBeOomText takes
 * from it: `]`, spaces and a number), or what LOOKS_LIKE_OOM and the report context hold: `oom`,
 * `out of memory`, `kill process`, `killed process`, `memory cgroup` in any case, a frame's `+0x` or symbolized
 * `out_of_memory` (isDecodedOomFrame), the task table's title. test/shared/log-event-lines.test.ts checks it against
 * every marker. The cpuset line's ` cpuset=` without its space: parseKernelLine makes the space of a full-width comma
 * or takes emphasis off before it (`python3，cpuset=/`, `**cpuset=/**`). One search (markers are case-sensitive, so
 * the other words spell their cases out), global only so that it can start at `lastIndex`. No part holds `\\`, `"`
 * or `/`, so an inert escape breaks no match, and a text that holds one passes on every longer text holding that one.
 */
const OOM_LINE_PARTS =
  /[oO][oO][mM]|[oO][uU][tT][ _][oO][fF][ _][mM][eE][mM][oO][rR][yY]|[kK][iI][lL][lL](?:[eE][dD])? [pP][rR][oO][cC][eE][sS][sS]|[mM][eE][mM][oO][rR][yY] [cC][gG][rR][oO][uU][pP]|\]\s+-?\d|\+0x|cpuset=|: usage |omm: |tgid |Task in |callbacks suppressed|Memory limit reached of cgroup |Tasks state \(memory values in pages\):/g;

/**
 * False only for text from `start` on that holds no line parseKernelLine reads as other than `not-oom`.
 * mayBeOomText first: it is quicker, and says no to most lines of a log.
 */
export function mayBeOomLine(message: string, start: number): boolean {
  const end = oomTextEnd(message, start);
  if (end < 0) return false;
  // `oom` in any case, a frame's `+0x` and a task row's `]` and number are parts of both: found already.
  const last = message.charCodeAt(end - 1);
  if ((last | 0x20) === 0x6d || last === 0x78 || (last >= 0x30 && last <= 0x39)) return true;
  // A report's `Memory cgroup …` and `memory: usage …` lines (half the lines the subscription filter forwards
  // of the Fluent Bit sample), told without a second search.
  if (last === 0x79 && (message.startsWith(' cgroup', end) || message.startsWith(': usage ', end)))
    return true;
  // Each part here holds a part mayBeOomText finds, at most 13 characters in (`memory` in the task table's
  // title); the first it found began at most 10 before its end (`suppressed`).
  OOM_LINE_PARTS.lastIndex = Math.max(start, end - 23);
  if (OOM_LINE_PARTS.test(message)) return true;
  // parseKernelLine reads a line again with one space for a reflow's blanks inside it (`Killed  process`).
  return holdsInnerBlanks(message) && mayBeOomLine(withOneSpaces(message.slice(start)), 0);
}

/**
 * Whether the line of a message surely holds no OOM text, so that the assembler would ignore it: the message
 * holds nothing mayBeOomLine finds, and the record's text is a part of it as it is, but for escapes that stand
 * for characters no OOM text holds (no colour code, no `\u` or `\t` escape can spell OOM text that the message
 * does not show). Most lines of a node's log; not reading them is most of the parse function's cost per batch
 * spared (docs/benchmarks.md).
 */
function surelyNotOomText(message: string): boolean {
  if (mayBeOomLine(message, afterKmsgHead(message)) || message.includes('\u001b')) return false;
  return onlyInertEscapes(message) || flatRecordSurelyNotOomText(message);
}

/** A JSON escape of a newline: `\n`, or the `\u` one. */
function isNewlineEscape(message: string, at: number): boolean {
  const escaped = message.charAt(at + 1);
  if (escaped === 'n') return true;
  return escaped === 'u' && (message.startsWith('000a', at + 2) || message.startsWith('000A', at + 2));
}

/**
 * surelyNotOomText of a flat kmsg record whose message holds other escapes than inert ones: a device's record
 * carries its dictionary lines after a `\n` (`…\n SUBSYSTEM=pci\n DEVICE=+pci:0000:00:05.0`), and the
 * record's text ends at its first newline (readLogRecord). So only the escapes before that one count, and only
 * the message up to it is looked at. flatKmsgMessageStart says that flatKmsgRecord reads the line, so the
 * text is the decoding of exactly that part. 33 of the 498 records of the Fluent Bit sample are left out so.
 */
function flatRecordSurelyNotOomText(message: string): boolean {
  const start = flatKmsgMessageStart(message);
  if (start < 0) return false;
  let end = message.length - 2;
  for (let at = message.indexOf('\\', start); at >= 0 && at < end; at = message.indexOf('\\', at + 2)) {
    if (isNewlineEscape(message, at)) end = at;
    else if (!INERT_ESCAPED.has(message.charAt(at + 1))) return false;
  }
  return !mayBeOomLine(message.slice(start, end), 0);
}

/**
 * One input line per log event that carries a message, referenced by its CloudWatch event id (kept a string).
 * A line with no wall clock of its own takes the event's ingestion timestamp. `hostFallback` is given when the
 * stream name did not name the node: a line with no host of its own then takes it. A line that surely holds no
 * OOM text is left out, unless its event has no id: its place among the id-less events counts every line.
 */
export function linesFromLogEvents(
  events: readonly StreamLogEvent[],
  hostFallback: string | null,
): InputLine[] {
  const lines: InputLine[] = [];
  const withoutId = new Map<number | undefined, number>();
  for (const event of events) {
    if (event.message === undefined) continue;
    if (event.id !== undefined && surelyNotOomText(event.message)) continue;
    const entry = readLogRecord(event.message);
    if (entry === null) continue;
    // isoFromMs keeps the text of the last second: a batch's lines share few.
    entry.wallTime ??= isoFromMs(event.timestamp ?? Number.NaN);
    if (hostFallback !== null) entry.host ??= hostFallback;
    lines.push({ entry, ref: event.id ?? refWithoutId(event.timestamp, withoutId) });
  }
  return lines;
}
