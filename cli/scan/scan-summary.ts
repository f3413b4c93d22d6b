/**
 * The line `scan` ends with on stderr.
 */
import type { ScanCounts } from './kernel-log-scanner.ts';

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines` */
export function scanSummary(filesRead: number, counts: ScanCounts): string {
  return (
    `scan: ${plural(filesRead, 'file')} read, ${plural(counts.lines, 'line')}, ` +
    `${plural(counts.kills, 'kill')} (${counts.incomplete} incomplete), ${plural(counts.drift, 'drift line')}\n`
  );
}
