/**
 * Copies of one event. At the end of a subscription delivery, parse sends a report that has its kill and keeps
 * it open; when the next delivery brings more of it (memory.oom.group members, a late `Task in` line), it sends
 * the event again under the same id with more seen (docs/parser.md, "Batch ends"). Enrich can receive both, in
 * one batch or in two, and alerts once: with the copy that shows the most of the kill it has by then.
 */
import type { EnrichedOomEvent, EventSource, OomEvent } from './oom-event.ts';
import { mergeReportContext } from './report-context.ts';

/** The report lines a source refers to: CloudWatch event ids (every line up to 200), or a file's line numbers. */
function linesReferred(source: EventSource): number {
  return 'eventIds' in source ? source.eventIds.length : source.lines.length;
}

const LINES_SPAN = 512;
/** The victim's fields (at most 8) above the lines. */
const FIELDS_SPAN = 16 * LINES_SPAN;
const COMPLETE_SPAN = 2 * FIELDS_SPAN;

/**
 * The victim's fields a copy may show or not (a kill line cut short shows fewer, one cut inside its comm none), and
 * what its message and envelope tell (an author's quote of the kill line in prose shows neither the constraint nor
 * the node nor a time: the kernel's own line after it does).
 */
function shownVictimFields(event: OomEvent): number {
  const { name, totalVmKb, anonRssKb, fileRssKb, shmemRssKb, pgtablesKb, uid, oomScoreAdj } = event.victim;
  const fields = [name, totalVmKb, anonRssKb, fileRssKb, shmemRssKb, pgtablesKb, uid, oomScoreAdj];
  const told = [event.constraint, event.node, event.kernelTime ?? event.observedAt];
  return [...fields, ...told].reduce<number>((shown, value) => (value === null ? shown : shown + 1), 0);
}

/**
 * How much of the kill a copy shows, as one number, so that a claim item can keep it and a conditional write
 * compare it, and parse choose among copies (recent-kills.ts): more co-victims first (a group's members come last
 * in a report, so they are what a later delivery adds), then the cgroup line (`complete`), then how many of the
 * victim's fields it shows (a copy that holds the kill line's figures shows more than one that holds more lines
 * of the report and no kill line: a choice of victim and the task table), then more lines of the report.
 */
export function killSeenRank(event: OomEvent): number {
  const lines = Math.min(linesReferred(event.source), LINES_SPAN - 1);
  const seen = event.coVictimCount * COMPLETE_SPAN + (event.complete ? FIELDS_SPAN : 0);
  return seen + shownVictimFields(event) * LINES_SPAN + lines;
}

/**
 * Whether a copy of rank `copy` says more than an alert of rank `alerted`: more co-victims, or as many and the
 * cgroup line the alert lacked. Not more fields or lines: an alert keeps its own copy's source, whatever its
 * report context added.
 */
export function saysMoreThanAlert(copy: number, alerted: number): boolean {
  return Math.floor(copy / FIELDS_SPAN) > Math.floor(alerted / FIELDS_SPAN);
}

/** Whether `copy` shows more of the kill than `other`, a copy of the same event. */
export function showsMoreOfKill(copy: OomEvent, other: OomEvent): boolean {
  return killSeenRank(copy) > killSeenRank(other);
}

/**
 * The alert of a kill, from a later copy handed over while the first was being enriched: the later copy's
 * report, with what the enriched one added to its own (the report context: the task table, a pid), and the
 * enrichment, which is about the pod, not the report.
 */
export function withLaterCopy(enriched: EnrichedOomEvent, later: OomEvent): EnrichedOomEvent {
  const { event } = mergeReportContext(later, [enriched]);
  const { cluster, kubernetes, impact, enrichment } = enriched;
  return { ...event, cluster, kubernetes, impact, enrichment };
}
