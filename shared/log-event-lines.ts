/**
 * Turns the log events of one subscription delivery into the assembler's input lines, filling in what the
 * envelope did not say from what CloudWatch knows about each event.
 */
import { readLogRecord } from './log-record.ts';
import type { InputLine } from './report-assembler.ts';
import type { SubscriptionLogEvent } from './subscription-payload.ts';

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
 * One input line per log event that carries a message, referenced by its CloudWatch event id (kept a string).
 * A line with no wall clock of its own takes the event's ingestion timestamp. `hostFallback` is given when the
 * stream name did not name the node: a line with no host of its own then takes it.
 */
export function linesFromLogEvents(
  events: readonly SubscriptionLogEvent[],
  hostFallback: string | null,
): InputLine[] {
  const lines: InputLine[] = [];
  const lastTime = { ms: Number.NaN, iso: null as string | null };
  for (const event of events) {
    const entry = readLogRecord(event.message);
    if (entry === null) continue;
    entry.wallTime ??= isoTimeOf(event.timestamp, lastTime);
    if (hostFallback !== null) entry.host ??= hostFallback;
    lines.push({ entry, ref: event.id });
  }
  return lines;
}
