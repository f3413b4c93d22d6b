/**
 * Logs Insights rows as a person reads them on a terminal, and the list of saved queries. Values come from
 * kernel text and cluster names, so they pass through displayText like every other table of the CLI.
 */
import type { QueryStatistics } from '@aws-sdk/client-cloudwatch-logs';
import { displayText } from '../../shared/format-text.ts';
import type { InsightsQuery } from '../../shared/insights-queries.ts';
import { columnWidths, tableLine } from '../kill-table.ts';
import type { PendingPoll, ResultRow } from './insights-run.ts';

/** The events' sizes are kB as the kernel prints them (`memory.limitKb`, `limitKb`): shown as `64.0 MiB`. */
const SIZE_FIELD = /Kb$/;
const WHOLE_NUMBER = /^\d{1,15}$/;

/** kB as people read them: `65152` → `63.6 MiB`, `900` → `900 KiB`, `4194304` → `4.0 GiB`. */
export function formatSize(kb: number): string {
  if (kb < 1024) return `${kb} KiB`;
  if (kb < 1024 * 1024) return `${(kb / 1024).toFixed(1)} MiB`;
  return `${(kb / (1024 * 1024)).toFixed(1)} GiB`;
}

function cellOf(field: string, value: string | undefined): string {
  if (value === undefined || value === '') return '-';
  if (SIZE_FIELD.test(field) && WHOLE_NUMBER.test(value)) return formatSize(Number(value));
  return displayText(value);
}

/** Every field that any row has, in the order first seen: a row without a field (a null) shows `-`. */
function resultColumns(rows: readonly ResultRow[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const [field] of row) columns.add(field);
  return [...columns];
}

export function formatResultsTable(rows: readonly ResultRow[]): string {
  if (rows.length === 0) return '';
  const header = resultColumns(rows);
  const cells = rows.map((row) => {
    const values = new Map(row);
    return header.map((field) => cellOf(field, values.get(field)));
  });
  const widths = columnWidths(header, cells);
  return [header, ...cells].map((line) => tableLine(line, widths)).join('');
}

/** `--json`: one object per row, values as Insights returned them (strings). */
export function formatResultsJson(rows: readonly ResultRow[]): string {
  return rows.map((row) => `${JSON.stringify(Object.fromEntries(row))}\n`).join('');
}

/** `query: 4 rows; 24 of 24 records matched, 11.6 KiB scanned` */
export function resultsSummary(rows: number, statistics: QueryStatistics | null): string {
  const counted = `query: ${rows} ${rows === 1 ? 'row' : 'rows'}`;
  if (statistics === null) return `${counted}\n`;
  const matched = statistics.recordsMatched ?? 0;
  const scanned = statistics.recordsScanned ?? 0;
  const bytes = statistics.bytesScanned ?? 0;
  return `${counted}; ${matched} of ${scanned} records matched, ${formatSize(Math.round(bytes / 1024))} scanned\n`;
}

/** `40 s`, `3 min 20 s`. */
function elapsedText(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** `query: kills-by-namespace running, 40 s, 1234567 records scanned (1.2 GiB)`, while Logs Insights runs. */
export function queryProgressLine(name: string, poll: PendingPoll, elapsedMs: number): string {
  const line = `query: ${name} ${poll.status.toLowerCase()}, ${elapsedText(elapsedMs)}`;
  const scanned = poll.statistics?.recordsScanned;
  if (scanned === undefined) return line;
  const bytes = poll.statistics?.bytesScanned ?? 0;
  return `${line}, ${scanned} records scanned (${formatSize(Math.round(bytes / 1024))})`;
}

/** `query --list`: each name with its one line, and the values it needs. */
export function formatQueryList(queries: readonly InsightsQuery[]): string {
  const width = Math.max(...queries.map((q) => q.name.length));
  return queries
    .map((q) => {
      const needs = q.parameters
        .map((p) => `\n  ${''.padEnd(width)}  --param ${p.placeholder}=… (${p.description})`)
        .join('');
      return `  ${q.name.padEnd(width)}  ${q.description}${needs}\n`;
    })
    .join('');
}

/** `query --list --json`: one object per saved query, with the `--param` names it needs. */
export function formatQueryListJson(queries: readonly InsightsQuery[]): string {
  return queries
    .map((q) => {
      const parameters = q.parameters.map((p) => ({ name: p.placeholder, description: p.description }));
      return `${JSON.stringify({ name: q.name, description: q.description, parameters })}\n`;
    })
    .join('');
}
