/**
 * The right-sizing hint of an alert: what the kills of a container say about its memory limit, in the figures the
 * events hold. Three things, each only when the events show it:
 * - the container hit its own limit more than once in 24 h: how often, the peak usage and the limit, and a limit
 *   to try (the peak × 1.25) or, when a raised limit was hit again, a leak to look for;
 * - a child process died and the container ran on: how many processes the kernel listed, and the largest;
 * - whether the kernel killed the whole container (memory.oom.group) or the one process.
 * A suggestion is worded as one; a figure is never made up. Pure: notify keeps the kills (adapters/state).
 */
import { formatKb, formatTime, isUnlimitedKb } from './format-figures.ts';
import { displayText } from './format-text.ts';
import type { EnrichedOomEvent } from './oom-event.ts';
import { isVictimUnknown, victimWithIds } from './alert-format/event-wording.ts';
import { MAX_TASKS } from './open-report.ts';
import { stormGroupOf, type StormGroup } from './storm-window.ts';

/** How far back the hint counts a container's kills. */
export const SIZING_WINDOW_MS = 24 * 60 * 60_000;
/** How many kills of one container are kept: enough to count a day of kills, small enough for one item. */
export const KILLS_KEPT = 20;
/** The headroom of the suggested limit over the peak. */
const HEADROOM = 1.25;
/** The largest processes named for a child kill. */
const LARGEST_SHOWN = 3;

/** One time a container hit its own memory limit, as the kernel reported it. */
export interface ContainerKill {
  eventId: string;
  /** The kill's own time, epoch ms. */
  atMs: number;
  usageKb: number | null;
  limitKb: number | null;
}

/**
 * Whose kills are counted together: a container of a workload (its pods share the limit of one spec), keyed as its
 * storm group. Null when the kill is not a container hitting its own limit.
 */
export function containerKeyOf(event: EnrichedOomEvent): string | null {
  return event.limitScope === 'container' ? containerKeyOfGroup(stormGroupOf(event)) : null;
}

/** The container a storm is about, or null for a storm of a pod nobody could name or of a node. */
export function containerKeyOfGroup(group: StormGroup): string | null {
  return group.scope === 'workload' && group.container !== null ? group.key : null;
}

export function containerKillOf(event: EnrichedOomEvent, atMs: number): ContainerKill {
  return {
    eventId: event.id,
    atMs,
    usageKb: event.memory?.usageKb ?? null,
    limitKb: event.memory?.limitKb ?? null,
  };
}

/** The kills to keep of a container's recorded ones: each once, none a day older than the newest, the newest few, oldest first. */
export function keptKills(kills: readonly ContainerKill[]): ContainerKill[] {
  const once = kills.filter((kill, i) => kills.findIndex((k) => k.eventId === kill.eventId) === i);
  const newest = Math.max(...once.map((k) => k.atMs));
  return once
    .filter((k) => k.atMs > newest - SIZING_WINDOW_MS)
    .sort((a, b) => a.atMs - b.atMs)
    .slice(-KILLS_KEPT);
}

/** The kills in the 24 h up to `atMs`, that moment included, oldest first. */
export function killsInDayBefore(kills: readonly ContainerKill[], atMs: number): ContainerKill[] {
  return kills
    .filter((k) => k.atMs <= atMs && k.atMs > atMs - SIZING_WINDOW_MS)
    .sort((a, b) => a.atMs - b.atMs);
}

/** `640Mi`, `2Gi`: a memory limit as a Kubernetes quantity, rounded up to a whole Mi. */
export function kubernetesQuantity(kb: number): string {
  const mi = Math.ceil(kb / 1024);
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

/** The limit to try: the peak with a quarter on top. */
function suggestedLimitKb(peakKb: number): number {
  return peakKb * HEADROOM;
}

function known(values: readonly (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null && !isUnlimitedKb(v));
}

/** `php-fpm (pid 88213)`; `java (pid 27281) or a child of it` when only the kernel's choice was seen. */
function victimText(event: EnrichedOomEvent): string {
  return isVictimUnknown(event) ? 'the process' : victimWithIds(event);
}

/**
 * The container hit its limit more than once: how often, the figures, and what to try. `kills`: its limit hits in
 * the 24 h up to the kill named by `upTo` (`this kill` in an alert).
 */
export function limitHitsHint(kills: readonly ContainerKill[], upTo: string): string[] {
  if (kills.length < 2) return [];
  const first = kills[0] as ContainerKill;
  const peaks = known(kills.map((k) => k.usageKb));
  const limits = known(kills.map((k) => k.limitKb));
  const peak = peaks.length === 0 ? null : Math.max(...peaks);
  const limit = limits.at(-1) ?? null;
  const times = kills.length >= KILLS_KEPT ? `${KILLS_KEPT} or more times` : `${kills.length} times`;
  const figures = [
    peak === null ? null : `peak usage ${formatKb(peak)}`,
    limit === null ? null : `limit ${formatKb(limit)}`,
  ]
    .filter((f) => f !== null)
    .join(', ');
  const lines = [
    `This container hit its memory limit ${times} in the 24 h up to ${upTo}, the first at ` +
      `${formatTime(new Date(first.atMs).toISOString())}${figures === '' ? '.' : `: ${figures}.`}`,
  ];
  const lowest = limits.length === 0 ? null : Math.min(...limits);
  if (lowest !== null && limit !== null && limit > lowest) {
    lines.push(
      `Its limit went from ${formatKb(lowest)} to ${formatKb(limit)} in that time and it was hit again: ` +
        'look for a leak before raising it further.',
    );
  } else if (peak !== null) {
    lines.push(
      `If it needs that memory, a limit of ${kubernetesQuantity(suggestedLimitKb(peak))} (the peak × 1.25) leaves ` +
        'it room; if its usage grows until it hits any limit, look for a leak instead.',
    );
  }
  return lines;
}

/** A child died and the container ran on: how many processes the kernel listed, and the largest. */
function crowdedContainer(event: EnrichedOomEvent): string[] {
  if (event.impact !== 'process-killed-container-running' || event.tasks.length < 2) return [];
  const count =
    event.tasks.length >= MAX_TASKS
      ? `${MAX_TASKS} or more processes (an event keeps the ${MAX_TASKS} largest)`
      : `${event.tasks.length} processes`;
  const largest = [...event.tasks]
    .sort((a, b) => b.rssKb - a.rssKb)
    .slice(0, LARGEST_SHOWN)
    .map((t) => `${displayText(t.name)} (pid ${t.pid}) ${formatKb(t.rssKb)}`);
  return [
    `Only ${victimText(event)} died; the container ran on. The kernel's task list of the cgroup held ${count}; ` +
      `the largest: ${largest.join(', ')}.`,
  ];
}

/** Which kind of kill it was: the whole container (memory.oom.group) or one process of it. */
function killKind(event: EnrichedOomEvent): string[] {
  const others = Math.max(event.coVictimCount, event.coVictims.length);
  if (others > 0) {
    return [
      `A group kill (memory.oom.group): the kernel killed ${victimText(event)} and ${others} other ` +
        `process${others === 1 ? '' : 'es'} of the cgroup at once. The kubelet sets memory.oom.group on every ` +
        'container of cgroup v2 nodes from Kubernetes 1.28, unless it runs with singleProcessOOMKill: true (1.32+).',
    ];
  }
  if (event.impact !== 'process-killed-container-running') return [];
  return [
    `A single-process kill: the kernel killed only ${victimText(event)}, so the container's cgroup does not have ` +
      'memory.oom.group set: a cgroup v1 node (such as EKS AL2), Kubernetes before 1.28, or a kubelet with ' +
      'singleProcessOOMKill: true (1.32+).',
  ];
}

/**
 * The hint's paragraphs; none when the events show nothing to add. `containerKills`: this container's limit hits in
 * the 24 h up to this kill, this one included (null when they are not known).
 */
export function rightSizingHint(
  event: EnrichedOomEvent,
  containerKills: readonly ContainerKill[] | null,
): string[] {
  return [
    ...limitHitsHint(containerKills ?? [], 'this kill'),
    ...crowdedContainer(event),
    ...killKind(event),
  ];
}
