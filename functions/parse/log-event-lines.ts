/**
 * Turns the log events of one subscription delivery into the assembler's input lines, filling in what the
 * envelope did not say from what CloudWatch knows about each event.
 */
import { readLogRecord } from '../../shared/log-record.ts';
import type { InputLine } from '../../shared/report-assembler.ts';
import type { SubscriptionLogEvent } from './subscription-payload.ts';

function isoTime(epochMs: number): string | null {
  const time = new Date(epochMs);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
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
  for (const event of events) {
    const entry = readLogRecord(event.message);
    if (entry === null) continue;
    entry.wallTime ??= isoTime(event.timestamp);
    if (hostFallback !== null) entry.host ??= hostFallback;
    lines.push({ entry, ref: event.id });
  }
  return lines;
}
