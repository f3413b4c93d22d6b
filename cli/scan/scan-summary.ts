/**
 * The line `scan` ends with on stderr.
 */
import type { ScanCounts } from './kernel-log-scanner.ts';
import type { RepeatedKills } from './scan-run.ts';

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * `scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines`; the kills counted once each, and, when
 * some input held kills an earlier one held, how many: `…, 0 drift lines; 2 kills also in an earlier input,
 * printed once`.
 */
export function scanSummary(filesRead: number, counts: ScanCounts, repeated: RepeatedKills): string {
  const kills = counts.kills - repeated.kills;
  const incomplete = counts.incomplete - repeated.incomplete;
  const repeats =
    repeated.kills === 0 ? '' : `; ${plural(repeated.kills, 'kill')} also in an earlier input, printed once`;
  return (
    `scan: ${plural(filesRead, 'file')} read, ${plural(counts.lines, 'line')}, ` +
    `${plural(kills, 'kill')} (${incomplete} incomplete), ${plural(counts.drift, 'drift line')}${repeats}\n`
  );
}
