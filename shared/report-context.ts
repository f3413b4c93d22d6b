/**
 * Completes an event from its report's surrounding lines. The subscription filter forwards only the lines
 * that carry facts, and the kernel drops report headers in storms, so an event can arrive without its cgroup
 * line, its memory figures or its task table. The caller fetches the stream around the kill, re-runs the
 * assembler on it, and hands the events it found here.
 */
import type { OomEvent } from './oom-event.ts';
import { MAX_CO_VICTIMS } from './open-report.ts';

/** Kernel lines of one report are printed within milliseconds; wall clocks of two collectors may differ more. */
const SAME_KILL_WINDOW_SECONDS = 5;

export interface ContextMerge {
  event: OomEvent;
  /** Field paths that the context filled, for the log and the enrichment detail. */
  filled: string[];
}

function secondsOf(event: OomEvent): number | null {
  if (event.kernelTime !== null) return event.kernelTime;
  return event.observedAt === null ? null : Date.parse(event.observedAt) / 1000;
}

/** The event in the context that is the same kill: same victim pid and name, at the same time. */
function findSameKill(event: OomEvent, candidates: readonly OomEvent[]): OomEvent | null {
  const t = secondsOf(event);
  return (
    candidates.find((c) => {
      if (c.victim.pid !== event.victim.pid || c.victim.name !== event.victim.name) return false;
      if (event.kernelTime !== null && c.kernelTime !== null)
        return Math.abs(event.kernelTime - c.kernelTime) < 0.5;
      const u = secondsOf(c);
      return t === null || u === null || Math.abs(t - u) <= SAME_KILL_WINDOW_SECONDS;
    }) ?? null
  );
}

function fillNulls<T extends object>(own: T, other: T, prefix: string, filled: string[]): T {
  const merged = { ...own };
  for (const key of Object.keys(other) as Array<keyof T>) {
    if (merged[key] === null && other[key] !== null) {
      merged[key] = other[key];
      filled.push(`${prefix}${String(key)}`);
    }
  }
  return merged;
}

/**
 * Fills what the event lacks from the same kill seen in the context. Never overwrites what the event's own
 * lines said, but extends its group: a context that lists more co-victims holds more of the same group kill.
 * The id and the source stay the event's own.
 */
export function mergeReportContext(event: OomEvent, candidates: readonly OomEvent[]): ContextMerge {
  const same = findSameKill(event, candidates);
  if (same === null) return { event, filled: [] };
  const filled: string[] = [];
  const merged: OomEvent = {
    ...fillNulls(
      {
        constraint: event.constraint,
        limitScope: event.limitScope,
        trigger: event.trigger,
        pod: event.pod,
        container: event.container,
        memory: event.memory,
        observedAt: event.observedAt,
        kernelTime: event.kernelTime,
      },
      {
        constraint: same.constraint,
        limitScope: same.limitScope,
        trigger: same.trigger,
        pod: same.pod,
        container: same.container,
        memory: same.memory,
        observedAt: same.observedAt,
        kernelTime: same.kernelTime,
      },
      '',
      filled,
    ),
    schemaVersion: event.schemaVersion,
    id: event.id,
    node: event.node,
    victim: fillNulls(event.victim, same.victim, 'victim.', filled),
    trigger:
      event.trigger !== null && same.trigger !== null
        ? fillNulls(event.trigger, same.trigger, 'trigger.', filled)
        : (event.trigger ?? same.trigger),
    cgroup: fillNulls(event.cgroup, same.cgroup, 'cgroup.', filled),
    tasks: event.tasks,
    coVictims: event.coVictims,
    coVictimCount: event.coVictimCount,
    complete: event.complete || same.complete,
    source: event.source,
    lines: event.lines,
  };
  if (event.tasks.length === 0 && same.tasks.length > 0) {
    merged.tasks = same.tasks;
    filled.push('tasks');
  }
  // A memory.oom.group kill whose member lines ran into the next subscription delivery was sent with the
  // members seen so far; the stream, read later, lists the rest. The same kill, so more members is more of it.
  // And an event whose list was cut to fit a message takes the stream's longer one, keeping the larger count.
  const listCut = event.coVictims.length < Math.min(event.coVictimCount, MAX_CO_VICTIMS);
  if (
    same.coVictimCount > event.coVictimCount ||
    (listCut && same.coVictims.length > event.coVictims.length)
  ) {
    merged.coVictims = same.coVictims;
    merged.coVictimCount = Math.max(same.coVictimCount, event.coVictimCount);
    filled.push('coVictims');
  }
  if (filled.length > 0) {
    const own = new Set(event.lines);
    merged.lines = [...event.lines, ...same.lines.filter((l) => !own.has(l))].slice(0, 40);
  }
  return { event: merged, filled };
}
