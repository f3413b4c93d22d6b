/**
 * The one way an OomEvent (or an EnrichedOomEvent) is made to fit a size limit, whoever sends it: the parse
 * function's queue messages and the EventBridge entries. Pure.
 *
 * What goes first is what tells the least: text no kernel record can hold, then the ids of the source lines,
 * then kernel lines (from the middle), task rows, co-victims (from the end; `coVictimCount` still counts them
 * all) and last the pod's labels. The identity, the cgroups, the memory figures and the counts stay.
 */
import type { KubernetesIdentity, OomEvent } from './oom-event.ts';

/**
 * A printk record holds at most 1,024 bytes of text (kernel/printk: PRINTKRB_RECORD_MAX, formerly
 * LOG_LINE_MAX); four times that leaves room for `\xNN` escapes. Longer text is not one kernel line: it is cut.
 */
export const MAX_TEXT_CHARS = 4096;

/** Counts of what was left out, step by step. */
export interface Trimmed {
  /** Lines, cgroup paths, names and the node longer than MAX_TEXT_CHARS, cut to it. */
  longText: number;
  /** CloudWatch event ids (or file line numbers) of the report, from the middle. */
  sourceRefs: number;
  /** Kernel lines, from the middle: the report's head and its kill lines stay. */
  lines: number;
  /** Task dump rows, from the end (the smallest rss). */
  tasks: number;
  /** Co-victims, from the end; `coVictimCount` is not changed. */
  coVictims: number;
  /** The pod's labels (enriched events), from the end. */
  labels: number;
}

export interface Shrunk<E> {
  event: E;
  /** Null when the event fitted as it was. */
  trimmed: Trimmed | null;
  /** False when even the smallest event this can make is over the limit; `event` is then that smallest. */
  fits: boolean;
}

/** An OomEvent, or an EnrichedOomEvent with the pod's labels. */
type Shrinkable = OomEvent & { kubernetes?: KubernetesIdentity | null };

/** A list that can be shortened: how long it is, and the event with only `keep` of it. */
interface ListStep<E> {
  name: Exclude<keyof Trimmed, 'longText'>;
  count(event: E): number;
  keep(event: E, keep: number): E;
}

/** The first half and the last half of `keep` items. */
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

function sourceRefsOf(event: OomEvent): readonly (string | number)[] {
  return 'eventIds' in event.source ? event.source.eventIds : event.source.lines;
}

function keepSourceRefs<E extends Shrinkable>(event: E, keep: number): E {
  const source = event.source;
  return 'eventIds' in source
    ? { ...event, source: { ...source, eventIds: keepEnds(source.eventIds, keep) } }
    : { ...event, source: { ...source, lines: keepEnds(source.lines, keep) } };
}

function keepLabels<E extends Shrinkable>(event: E, keep: number): E {
  const kubernetes = event.kubernetes;
  if (kubernetes === undefined || kubernetes === null) return event;
  const labels = Object.fromEntries(Object.entries(kubernetes.labels).slice(0, keep));
  return { ...event, kubernetes: { ...kubernetes, labels } };
}

function listSteps<E extends Shrinkable>(): ListStep<E>[] {
  return [
    { name: 'sourceRefs', count: (e) => sourceRefsOf(e).length, keep: keepSourceRefs },
    { name: 'lines', count: (e) => e.lines.length, keep: (e, n) => ({ ...e, lines: keepEnds(e.lines, n) }) },
    { name: 'tasks', count: (e) => e.tasks.length, keep: (e, n) => ({ ...e, tasks: e.tasks.slice(0, n) }) },
    {
      name: 'coVictims',
      count: (e) => e.coVictims.length,
      keep: (e, n) => ({ ...e, coVictims: e.coVictims.slice(0, n) }),
    },
    { name: 'labels', count: (e) => Object.keys(e.kubernetes?.labels ?? {}).length, keep: keepLabels },
  ];
}

/** The text cut to MAX_TEXT_CHARS, its end marked; a lone half of a surrogate pair is not left behind. */
function cutText(text: string): string {
  return `${text.slice(0, MAX_TEXT_CHARS - 1).replace(/[\uD800-\uDBFF]$/, '')}…`;
}

/** The event with every over-long line, cgroup path, name and node cut; and how many were. */
function cutLongText<E extends Shrinkable>(event: E): { event: E; cut: number } {
  let cut = 0;
  const fit = <T extends string | null>(text: T): T => {
    if (text === null || text.length <= MAX_TEXT_CHARS) return text;
    cut++;
    return cutText(text) as T;
  };
  const shorter: E = {
    ...event,
    node: fit(event.node),
    victim: { ...event.victim, name: fit(event.victim.name) },
    trigger: event.trigger === null ? null : { ...event.trigger, name: fit(event.trigger.name) },
    cgroup: { oom: fit(event.cgroup.oom), task: fit(event.cgroup.task) },
    lines: event.lines.map(fit),
  };
  return { event: shorter, cut };
}

/**
 * The event as it is when `fits` says so; otherwise with the fewest left out, in the order above, for `fits`
 * to hold. `fits` must be monotone: an event with less in it never stops fitting.
 */
export function shrinkEvent<E extends Shrinkable>(event: E, fits: (event: E) => boolean): Shrunk<E> {
  if (fits(event)) return { event, trimmed: null, fits: true };
  const long = cutLongText(event);
  let current = long.event;
  const trimmed: Trimmed = { longText: long.cut, sourceRefs: 0, lines: 0, tasks: 0, coVictims: 0, labels: 0 };
  for (const step of listSteps<E>()) {
    if (fits(current)) return { event: current, trimmed, fits: true };
    const all = step.count(current);
    const base = current;
    const keep = largestFitting(all, (n) => fits(step.keep(base, n)));
    current = step.keep(base, keep);
    trimmed[step.name] = all - keep;
  }
  return { event: current, trimmed, fits: fits(current) };
}
