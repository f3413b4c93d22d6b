/**
 * The line `scan` ends with on stderr.
 */
import type { ScanCounts } from './kernel-log-scanner.ts';
import type { RepeatedKills } from './scan-run.ts';

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * `scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines`; the kills counted once each (incomplete
 * as last printed), and, when some input held kills an earlier one held, how many: `…, 0 drift lines; 2 kills
 * also in an earlier input, printed once`; when an input's later copy of a kill showed more of it, how many were
 * printed again: `; 1 kill printed again with more of it`.
 */
export function scanSummary(
  filesRead: number,
  counts: ScanCounts,
  repeated: RepeatedKills,
  printedAgain: RepeatedKills,
): string {
  const kills = counts.kills - repeated.kills - printedAgain.kills;
  const incomplete = counts.incomplete - repeated.incomplete - printedAgain.incomplete;
  const repeats =
    repeated.kills === 0 ? '' : `; ${plural(repeated.kills, 'kill')} also in an earlier input, printed once`;
  const again =
    printedAgain.kills === 0 ? '' : `; ${plural(printedAgain.kills, 'kill')} printed again with more of it`;
  return (
    `scan: ${plural(filesRead, 'file')} read, ${plural(counts.lines, 'line')}, ` +
    `${plural(kills, 'kill')} (${incomplete} incomplete), ${plural(counts.drift, 'drift line')}${repeats}${again}\n`
  );
}
