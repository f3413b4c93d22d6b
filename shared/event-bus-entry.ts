/**
 * The EventBridge PutEvents entry for an enriched event, kept under the service's size limit.
 * Pure: the publisher in functions/enrich sends what this builds.
 */
import { EVENT_SOURCE, detailTypeOf } from './oom-event.ts';
import type { EnrichedOomEvent } from './oom-event.ts';

/** PutEvents counts an entry's Time, Source, DetailType, Detail and Resources against 256 KB. */
export const MAX_ENTRY_BYTES = 256 * 1024;
/** PutEvents takes at most 10 entries per call, and the same 256 KB for the whole request. */
export const MAX_ENTRIES_PER_CALL = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;

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
  | { ok: true; entry: BusEntry; bytes: number; trimmed: Trimmed }
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

/** The first half and the last half of `keep` items: the report's header and its kill lines survive. */
function keepEnds<T>(items: readonly T[], keep: number): T[] {
  const head = Math.ceil(keep / 2);
  return [...items.slice(0, head), ...items.slice(items.length - (keep - head))];
}

/** The largest count in [0, max] for which `fits(count)` holds, given that it is monotone. */
function largestFitting(max: number, fits: (count: number) => boolean): number {
  let low = 0;
  let high = max;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** What was left out of an event to fit the entry limit. */
export interface Trimmed {
  lines: number;
  tasks: number;
  /** Last resort: the pod's labels and the co-victim list, which can grow without bound. */
  labelsAndCoVictims: boolean;
}

/**
 * The PutEvents entry for one event. An event over the limit loses kernel `lines` first (from the middle),
 * then `tasks` rows (smallest rss last in the table, so from the end), then, as a last resort, the pod's labels
 * and the co-victim list; the identity and memory figures stay. If even that is not enough the result says so
 * rather than cut the identity.
 */
export function buildBusEntry(
  event: EnrichedOomEvent,
  busName: string,
  maxBytes = MAX_ENTRY_BYTES,
): BusEntryResult {
  const full = entryOf(event, busName);
  const fullBytes = entryBytes(full);
  if (fullBytes <= maxBytes)
    return {
      ok: true,
      entry: full,
      bytes: fullBytes,
      trimmed: { lines: 0, tasks: 0, labelsAndCoVictims: false },
    };

  const sizeWith = (lines: number, tasks: number): number =>
    entryBytes(
      entryOf({ ...event, lines: keepEnds(event.lines, lines), tasks: event.tasks.slice(0, tasks) }, busName),
    );
  const allTasks = event.tasks.length;
  const lines = largestFitting(event.lines.length, (n) => sizeWith(n, allTasks) <= maxBytes);
  const tasks = lines > 0 ? allTasks : largestFitting(allTasks, (n) => sizeWith(0, n) <= maxBytes);
  const trimmedEvent = { ...event, lines: keepEnds(event.lines, lines), tasks: event.tasks.slice(0, tasks) };
  const trimmed = { lines: event.lines.length - lines, tasks: allTasks - tasks };
  const entry = entryOf(trimmedEvent, busName);
  const bytes = entryBytes(entry);
  if (bytes <= maxBytes)
    return { ok: true, entry, bytes, trimmed: { ...trimmed, labelsAndCoVictims: false } };
  const bare = entryOf(
    {
      ...trimmedEvent,
      kubernetes: trimmedEvent.kubernetes === null ? null : { ...trimmedEvent.kubernetes, labels: {} },
      coVictims: [],
    },
    busName,
  );
  const bareBytes = entryBytes(bare);
  if (bareBytes > maxBytes) {
    return {
      ok: false,
      bytes: bareBytes,
      reason: `event ${event.id} is ${bareBytes} bytes without its kernel lines, task table, labels and co-victims (limit ${maxBytes})`,
    };
  }
  return { ok: true, entry: bare, bytes: bareBytes, trimmed: { ...trimmed, labelsAndCoVictims: true } };
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
