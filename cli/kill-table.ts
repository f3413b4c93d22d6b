/**
 * The kill table of `scan` and `backfill` (its column layout serves `query` too): one row per kill, in
 * columns a person reads on a terminal. Text from the kernel (process names) passes through displayText so
 * a hostile comm cannot break the table.
 */
import { formatKb, victimRssKb } from '../shared/format-figures.ts';
import type { EnrichedOomEvent, OomEvent } from '../shared/oom-event.ts';
import { displayText } from '../shared/format-text.ts';
import { isSelectionOnlyKill, isVictimUnknown } from '../shared/alert-format/event-wording.ts';

/** A kill as the table shows it: enriched against a cluster (`--kubeconfig`) or as the kernel told it. */
export type TableKill = OomEvent | EnrichedOomEvent;

const HEADER = ['TIME', 'NODE', 'NAMESPACE/POD', 'CONTAINER', 'PROCESS', 'USAGE/LIMIT', 'LIMIT HIT'];
const ENRICHED_HEADER = [...HEADER, 'IMPACT'];

export function tableHeader(enriched: boolean): readonly string[] {
  return enriched ? ENRICHED_HEADER : HEADER;
}

/** Column widths for rows printed as they come (following), where the longest cell is not known in advance. */
export const FOLLOW_WIDTHS: readonly number[] = [20, 20, 36, 12, 24, 15, 9, 32];

const SHORT_CONTAINER_ID = 12;

/** UTC ISO-8601 to the second (`2025-11-23T11:21:00Z`) when the wall clock is known, else `+3467.5` seconds since boot. */
export function killTime(event: OomEvent): string {
  if (event.observedAt !== null) return `${event.observedAt.slice(0, 19)}Z`;
  if (event.kernelTime !== null) return `+${event.kernelTime.toFixed(1)}`;
  return '?';
}

/** The pod uid; `host` when the victim's cgroup is known and is not a pod's; `?` when the kernel text did not say. */
function podCell(event: OomEvent): string {
  if (event.pod !== null) return event.pod.uid;
  return event.cgroup.task !== null ? 'host' : '?';
}

/**
 * The victim's RSS (anon + file + shmem, as the e-mail gives it) against its cgroup's limit, in the units of a
 * pod spec; a system OOM has no cgroup limit (`-`).
 */
function memoryCell(event: OomEvent): string {
  const rssKb = victimRssKb(event.victim);
  const rss = rssKb === null ? '?' : formatKb(rssKb);
  const limitKb = event.memory?.limitKb ?? null;
  let limit = limitKb === null ? '?' : formatKb(limitKb);
  if (limitKb === null && event.limitScope === 'node') limit = '-';
  else if (limitKb === null && event.memory !== null && event.memory.usageKb !== null) limit = 'unlimited';
  return `${rss}/${limit}`;
}

function containerCell(event: OomEvent): string {
  return event.container === null ? '-' : event.container.id.slice(0, SHORT_CONTAINER_ID);
}

/** What the kill did to the workload; with why the pod was not named, when it was a pod's (`unknown (not-found)`). */
function impactCell(event: EnrichedOomEvent): string {
  const { status } = event.enrichment;
  if (event.kubernetes !== null || status === 'not-a-pod') return event.impact;
  return `${event.impact} (${status})`;
}

/** `java (27281)`; `java (27281) or a child` when only the kernel's choice was seen; `unknown` when no line named it. */
function processCell(event: OomEvent): string {
  if (isVictimUnknown(event)) return 'unknown';
  const name = event.victim.name === null ? '?' : displayText(event.victim.name);
  const pid = event.victim.pid === null ? '?' : String(event.victim.pid);
  return `${name} (${pid})${isSelectionOnlyKill(event) ? ' or a child' : ''}`;
}

/** The cells of one kill; with enrichment, the pod and container by name and the impact. */
export function killRow(event: TableKill): string[] {
  const identity = 'kubernetes' in event ? event.kubernetes : null;
  const cells = [
    killTime(event),
    event.node === null ? '-' : displayText(event.node),
    identity === null ? podCell(event) : displayText(`${identity.namespace}/${identity.pod}`),
    identity?.container == null ? containerCell(event) : displayText(identity.container),
    processCell(event),
    memoryCell(event),
    event.limitScope ?? '?',
  ];
  if ('enrichment' in event) cells.push(impactCell(event));
  return cells;
}

/** An EC2 instance's private DNS name: `ip-10-0-1-23.eu-west-1.compute.internal`, `ip-10-0-1-23.ec2.internal` (us-east-1). */
const EC2_PRIVATE_NAME = /^([^.]+)\.(?:[a-z0-9-]+\.compute|ec2)\.internal$/;

/**
 * The node in a fixed-width column: an EC2 name (39 characters and more on EKS) by its first label, as the
 * alerts give it (`ip-10-0-1-23`, `i-0123456789abcdef0`); any other name longer than the column is cut in the
 * middle (`aks-nodep…vmss000000`), keeping more of the end, where names of one pool differ. `--json` has it whole.
 */
export function fitNodeCell(node: string, width: number): string {
  const cell = EC2_PRIVATE_NAME.exec(node)?.[1] ?? node;
  if (cell.length <= width) return cell;
  const tail = Math.ceil((width - 1) / 2);
  return `${cell.slice(0, width - 1 - tail)}…${cell.slice(cell.length - tail)}`;
}

/** The cells of one kill for rows printed as they come, in FOLLOW_WIDTHS: the node fitted to its column. */
export function streamedKillRow(event: TableKill): string[] {
  const cells = killRow(event);
  cells[1] = fitNodeCell(cells[1] ?? '-', FOLLOW_WIDTHS[1] ?? 0);
  return cells;
}

// East Asian wide characters take two terminal columns (`dmesg -T` and syslog stamps in local languages: `7月 12`).
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/g;

/** Terminal columns the text takes. */
export function displayWidth(text: string): number {
  return text.length + (text.match(WIDE)?.length ?? 0);
}

/** Widths that fit the header and every row. */
export function columnWidths(header: readonly string[], rows: ReadonlyArray<readonly string[]>): number[] {
  return header.map((title, i) => Math.max(title.length, ...rows.map((row) => displayWidth(row[i] ?? ''))));
}

/** One line of the table, cells padded to `widths` (the last cell is not padded). */
export function tableLine(cells: readonly string[], widths: readonly number[]): string {
  const last = cells.length - 1;
  const padded = cells.map((cell, i) =>
    i === last ? cell : cell + ' '.repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(cell))),
  );
  return `${padded.join('  ')}\n`;
}

/** The whole table: header and one row per kill. */
export function formatKillTable(kills: readonly TableKill[], enriched: boolean): string {
  const header = tableHeader(enriched);
  const rows = kills.map(killRow);
  const widths = columnWidths(header, rows);
  return [header, ...rows].map((row) => tableLine(row, widths)).join('');
}
