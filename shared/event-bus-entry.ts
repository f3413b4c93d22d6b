/**
 * The EventBridge PutEvents entry for an enriched event, kept under the service's size limit.
 * Pure: the publisher in functions/enrich sends what this builds.
 */
import { shrinkEvent, type Trimmed } from './event-shrink.ts';
import { EVENT_SOURCE, detailTypeOf } from './oom-event.ts';
import type { EnrichedOomEvent } from './oom-event.ts';

/** PutEvents counts an entry's Time, Source, DetailType, Detail and Resources against 256 KB. */
export const MAX_ENTRY_BYTES = 256 * 1024;
/** PutEvents takes at most 10 entries per call, and the same 256 KB for the whole request. */
const MAX_ENTRIES_PER_CALL = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

// EventBridge counts any Time as 14 bytes.
const TIME_BYTES = 14;

export interface BusEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  EventBusName: string;
  Resources: string[];
  Time?: Date;
}

export type BusEntryResult =
  /** `trimmed`: what was left out to fit, or null. */
  | { ok: true; entry: BusEntry; bytes: number; trimmed: Trimmed | null }
  | { ok: false; reason: string; bytes: number };

/** An entry's size the way EventBridge computes it (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html). */
export function entryBytes(entry: BusEntry): number {
  return (
    (entry.Time === undefined ? 0 : TIME_BYTES) +
    Buffer.byteLength(entry.Source) +
    Buffer.byteLength(entry.DetailType) +
    Buffer.byteLength(entry.Detail) +
    entry.Resources.reduce((sum, r) => sum + Buffer.byteLength(r), 0)
  );
}

function entryOf(event: EnrichedOomEvent, busName: string): BusEntry {
  const entry: BusEntry = {
    Source: EVENT_SOURCE,
    DetailType: detailTypeOf(event),
    Detail: JSON.stringify(event),
    EventBusName: busName,
    Resources: [],
  };
  // The kill's own time, so rules and archives see when it happened rather than when it was enriched.
  const time = event.observedAt === null ? Number.NaN : Date.parse(event.observedAt);
  if (!Number.isNaN(time)) entry.Time = new Date(time);
  return entry;
}

/**
 * The PutEvents entry for one event, shrunk (shared/event-shrink.ts) when it is over the limit. If even the
 * smallest event is too big, the result says so rather than cut its identity.
 */
export function buildBusEntry(
  event: EnrichedOomEvent,
  busName: string,
  maxBytes = MAX_ENTRY_BYTES,
): BusEntryResult {
  const shrunk = shrinkEvent(event, (e) => entryBytes(entryOf(e, busName)) <= maxBytes);
  const entry = entryOf(shrunk.event, busName);
  const bytes = entryBytes(entry);
  if (!shrunk.fits) {
    return {
      ok: false,
      bytes,
      reason: `event ${event.id} is ${bytes} bytes without its kernel lines, source ids, task table, co-victims and labels (limit ${maxBytes})`,
    };
  }
  return { ok: true, entry, bytes, trimmed: shrunk.trimmed };
}

/**
 * Entries grouped into PutEvents calls: at most 10 per call and at most 256 KB per call, in order.
 * Each group lists indexes into `sizes`.
 */
export function groupIntoCalls(
  sizes: readonly number[],
  maxEntries = MAX_ENTRIES_PER_CALL,
  maxBytes = MAX_REQUEST_BYTES,
): number[][] {
  const calls: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  sizes.forEach((size, index) => {
    if (current.length > 0 && (current.length === maxEntries || bytes + size > maxBytes)) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length > 0) calls.push(current);
  return calls;
}
