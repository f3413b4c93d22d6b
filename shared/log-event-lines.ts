/**
 * Turns the log events of one stream into the assembler's input lines, filling in what the envelope did not
 * say from what CloudWatch knows about each event.
 */
import { mayBeOomText } from './kernel-line.ts';
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

/** ISO text of an epoch-ms time; Date formatting is a large part of the per-line cost, and a batch repeats times. */
function isoTimeOf(epochMs: number, last: { ms: number; iso: string | null }): string | null {
  if (epochMs !== last.ms) {
    const time = new Date(epochMs);
    last.ms = epochMs;
    last.iso = Number.isNaN(time.getTime()) ? null : time.toISOString();
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

/**
 * Whether the line of a message surely holds no OOM text, so that the assembler would ignore it: the message
 * holds nothing mayBeOomText finds, and the record's text is a part of it as it is (no colour code, no JSON
 * escape can spell OOM text that the message does not show). Most lines of a node's log; not reading them is
 * most of the parse function's cost per batch spared (docs/benchmarks.md).
 */
function surelyNotOomText(message: string): boolean {
  return !mayBeOomText(message) && !message.includes('\u001b') && !message.includes('\\');
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
