/**
 * Turns the log events of one stream into the assembler's input lines, filling in what the envelope did not
 * say from what CloudWatch knows about each event.
 */
import { isoFromMs } from './iso-time.ts';
import { mayBeOomTextFrom } from './kernel-line.ts';
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

/** ISO text of an epoch-ms time; a batch repeats times, and each line of one millisecond shares its text. */
function isoTimeOf(epochMs: number, last: { ms: number; iso: string | null }): string | null {
  if (epochMs !== last.ms) {
    last.ms = epochMs;
    last.iso = isoFromMs(epochMs);
  }
  return last.iso;
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

const OPEN_BRACE = 0x7b;

/**
 * The head of a Fluent Bit kmsg record, up to its message text. mayBeOomText finds nothing in it, and it ends in
 * a `"`, which nothing mayBeOomText finds holds: so nothing found runs across its end, and the search may start
 * after it. A third of such a record, looked at for every line of a node's log.
 */
const KMSG_HEAD = /\{"priority":\d{1,3},"sequence":\d{1,20},"sec":\d{1,20},"usec":\d{1,9},"msg":"/y;

function afterKmsgHead(message: string): number {
  // A text-only message is not asked: calling the pattern costs more than its first character.
  if (message.charCodeAt(0) !== OPEN_BRACE) return 0;
  KMSG_HEAD.lastIndex = 0;
  return KMSG_HEAD.test(message) ? KMSG_HEAD.lastIndex : 0;
}

/**
 * Whether the line of a message surely holds no OOM text, so that the assembler would ignore it: the message
 * holds nothing mayBeOomText finds, and the record's text is a part of it as it is, but for escapes that stand
 * for characters no OOM text holds (no colour code, no `\u` or `\t` escape can spell OOM text that the message
 * does not show). Most lines of a node's log; not reading them is most of the parse function's cost per batch
 * spared (docs/benchmarks.md).
 */
function surelyNotOomText(message: string): boolean {
  return (
    !mayBeOomTextFrom(message, afterKmsgHead(message)) &&
    !message.includes('\u001b') &&
    onlyInertEscapes(message)
  );
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
  const lastTime = { ms: Number.NaN, iso: null as string | null };
  const withoutId = new Map<number | undefined, number>();
  for (const event of events) {
    if (event.message === undefined) continue;
    if (event.id !== undefined && surelyNotOomText(event.message)) continue;
    const entry = readLogRecord(event.message);
    if (entry === null) continue;
    entry.wallTime ??= isoTimeOf(event.timestamp ?? Number.NaN, lastTime);
    if (hostFallback !== null) entry.host ??= hostFallback;
    lines.push({ entry, ref: event.id ?? refWithoutId(event.timestamp, withoutId) });
  }
  return lines;
}
