/**
 * Storm grouping, as pure maths: which kills belong together, when a window opens and closes, and
 * which time buckets the scheduled run must look at to find closed windows. No I/O here; the stores
 * in adapters/state keep the state.
 *
 * Windows follow each kill's own time (`observedAt`, else the time notify received it), never the
 * time it is processed, so a replay or a backfill of last week groups as the live run did. A window
 * opens with the first kill of a group (that kill alerts at once) and lasts the configured number of
 * minutes. Later kills of the group in the window are counted; when the window has closed, the
 * scheduled run sends one digest of them.
 *
 * Windows are found by slot: time cut into window-long slots. At most one window opens in a slot (two
 * windows of one group never overlap and each is a slot long), so the window of a kill is the one
 * opened in its slot or the one opened in the slot before, still open at the kill's time: two reads,
 * whatever order the kills arrive in. Windows are indexed by the 5-minute bucket in which they fall
 * due, so the scheduled run reads a few small index items instead of scanning the table.
 */
import type { EnrichedOomEvent } from './oom-event.ts';

/** Who a storm is about. Pods group by workload and container; everything else by node. */
export interface StormGroup {
  /** Stable and unambiguous: each component is URI-encoded, then joined with `/`. */
  key: string;
  scope: 'workload' | 'pod' | 'node';
  cluster: string;
  namespace: string | null;
  /** For scope "workload": the owning workload, or `{kind: "Pod", name}` for a pod without owner. */
  workload: { kind: string; name: string } | null;
  container: string | null;
  /** For scope "pod": a pod the enricher could not resolve, known only by its UID. */
  podUid: string | null;
  node: string | null;
}

/** A closed window with later kills: what a digest reports. */
export interface StormDigest {
  group: StormGroup;
  openedAt: number;
  closesAt: number;
  /** All kills in the window, the first (already alerted) one included. */
  kills: number;
  /** Time of the earliest kill counted (the kill's own time), ISO-8601. */
  firstKillAt: string;
  /** Time of the latest kill counted (the kill's own time), ISO-8601. */
  lastKillAt: string;
  /** The event of the latest kill. */
  lastEventId: string;
}

/**
 * How long a storm window lasts when the stack is not told otherwise: the stack's default, notify's when
 * its setting is missing, and what `replay` and `backfill --deliver` group with.
 */
export const DEFAULT_WINDOW_MINUTES = 10;

/** The longest storm window notify takes (one day); the app and backfill refuse a longer one as it does. */
export const MAX_WINDOW_MINUTES = 24 * 60;

/** How often the scheduled run looks, and the granularity of the close-time index. */
export const DUE_BUCKET_MS = 5 * 60_000;
/** How far back the scheduled run looks when it has no cursor, or its cursor is older than this. */
export const SWEEP_LOOKBACK_MS = 24 * 60 * 60_000;
/**
 * How long after a bucket ends the scheduled run waits before reading it: a kill files its window under the
 * bucket of the time it is recorded, and that write may land a little after the bucket ended. Longer than
 * recording one kill takes (a few single-item DynamoDB calls), so no window is filed behind the cursor.
 */
const SWEEP_SETTLE_MS = 60_000;

const UNKNOWN = 'unknown';

function keyOf(parts: readonly string[]): string {
  return parts.map(encodeURIComponent).join('/');
}

/**
 * The storm an event belongs to. A system OOM that killed a pod's process is still that workload's
 * storm: people act on the workload. Host processes and kills nobody could attribute group per node.
 */
export function stormGroupOf(event: EnrichedOomEvent): StormGroup {
  const cluster = event.cluster;
  const node = event.node;
  const k8s = event.kubernetes;
  if (k8s !== null) {
    const workload = k8s.workload ?? { kind: 'Pod', name: k8s.pod };
    return {
      key: keyOf([cluster, 'workload', k8s.namespace, workload.kind, workload.name, k8s.container ?? '']),
      scope: 'workload',
      cluster,
      namespace: k8s.namespace,
      workload,
      container: k8s.container,
      podUid: event.pod?.uid ?? null,
      node,
    };
  }
  if (event.pod !== null) {
    return {
      key: keyOf([cluster, 'pod', event.pod.uid]),
      scope: 'pod',
      cluster,
      namespace: null,
      workload: null,
      container: null,
      podUid: event.pod.uid,
      node,
    };
  }
  return {
    key: keyOf([cluster, 'node', node ?? UNKNOWN]),
    scope: 'node',
    cluster,
    namespace: null,
    workload: null,
    container: null,
    podUid: null,
    node,
  };
}

/** `prod/checkout-api (api)`, `pod 3962896b (unresolved)`, `node ip-10-0-1-23`. */
export function stormGroupLabel(group: StormGroup): string {
  switch (group.scope) {
    case 'workload': {
      const base = `${group.namespace ?? UNKNOWN}/${group.workload?.name ?? UNKNOWN}`;
      return group.container === null ? base : `${base} (${group.container})`;
    }
    case 'pod':
      return `pod ${(group.podUid ?? UNKNOWN).slice(0, 8)} (unresolved)`;
    case 'node':
      return `node ${group.node ?? UNKNOWN}`;
  }
}

/** The window a kill opens when its group has none open. */
export function windowOpenedBy(killMs: number, windowMinutes: number): WindowSpan {
  return { openedAt: killMs, closesAt: killMs + windowMinutes * 60_000 };
}

export interface WindowSpan {
  openedAt: number;
  closesAt: number;
}

export function isWindowOpen(window: { closesAt: number }, nowMs: number): boolean {
  return nowMs < window.closesAt;
}

/** The start (epoch ms) of the window-long slot a kill falls in; a window is stored under its slot. */
export function windowSlotOf(killMs: number, windowMinutes: number): number {
  const slotMs = windowMinutes * 60_000;
  return Math.floor(killMs / slotMs) * slotMs;
}

/**
 * Which window a kill counts in, given the windows opened in the slot before its own (`previous`) and in
 * its own slot (`current`):
 * - `previous` while that window is still open at the kill's time;
 * - else `current`, even when the kill is a little older than the kill that opened it (delivered later);
 * - else `open`: the kill opens a window in its slot;
 * - `apart` when its slot holds a window already closed at the kill's time, which only a longer window
 *   setting than the one that opened it can cause: the kill alerts on its own.
 */
export function placeKill(
  killMs: number,
  previous: WindowSpan | null,
  current: WindowSpan | null,
): 'previous' | 'current' | 'open' | 'apart' {
  if (previous !== null && isWindowOpen(previous, killMs)) return 'previous';
  if (current === null) return 'open';
  return isWindowOpen(current, killMs) ? 'current' : 'apart';
}

/**
 * The bucket in which a window with later kills falls due: the bucket it closes in, or, for a window that
 * closed before its later kills were seen (a replay, a backfill), the bucket of now, so the next scheduled
 * run sends its digest.
 */
export function dueBucketOfWindow(closesAtMs: number, nowMs: number): number {
  return dueBucketOf(Math.max(closesAtMs, nowMs));
}

/** The index bucket (start, epoch ms) of the 5 minutes in which a window closes. */
export function dueBucketOf(closesAtMs: number): number {
  return Math.floor(closesAtMs / DUE_BUCKET_MS) * DUE_BUCKET_MS;
}

/**
 * Buckets the scheduled run reads: every bucket after the cursor that ended at least
 * {@link SWEEP_SETTLE_MS} ago (so every window in it is closed and filed), oldest first, at most
 * {@link SWEEP_LOOKBACK_MS} back.
 * `lostBefore` is set when the cursor lags further than that: digests of those windows are not sent,
 * and the caller must say so.
 */
export function sweepBuckets(
  cursor: number | null,
  nowMs: number,
): { buckets: number[]; lostBefore: number | null } {
  const last = dueBucketOf(nowMs - SWEEP_SETTLE_MS) - DUE_BUCKET_MS;
  const earliest = dueBucketOf(nowMs - SWEEP_LOOKBACK_MS);
  const next = cursor === null ? earliest : cursor + DUE_BUCKET_MS;
  const first = Math.max(next, earliest);
  const buckets: number[] = [];
  for (let b = first; b <= last; b += DUE_BUCKET_MS) buckets.push(b);
  return { buckets, lostBefore: cursor !== null && next < earliest ? earliest : null };
}

/**
 * Where the cursor may move after a run: through the last bucket before the first one that still
 * has a digest outstanding, so an unsent digest is looked at again next time.
 */
export function sweepCursorAfter(
  buckets: readonly number[],
  outstanding: ReadonlySet<number>,
): number | null {
  let cursor: number | null = null;
  for (const b of buckets) {
    if (outstanding.has(b)) break;
    cursor = b;
  }
  return cursor;
}
