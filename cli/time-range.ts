/**
 * The time flags of `backfill` and `query`: `--since 7d`, `--until 2025-11-20T10:00Z`. A duration counts back
 * from now; a date or date-time is taken as written (UTC when it names no zone).
 */

export type TimeRead = { ok: true; epochMs: number } | { ok: false; problem: string };
export type RangeRead = { ok: true; startMs: number; endMs: number } | { ok: false; problem: string };

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const DURATION = /^(\d{1,6})([smhdw])$/;
const DATE_ONLY = /^\d{4}-\d\d-\d\d$/;
const DATE_TIME = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,3})?)?(?:Z|[+-]\d\d:?\d\d)?$/;
const HAS_ZONE = /(?:Z|[+-]\d\d:?\d\d)$/;

/** `90s`, `30m`, `24h`, `7d`, `2w` back from `nowMs`, or an ISO date (`2025-11-20`) or date-time. */
export function readTimeFlag(flag: string, text: string, nowMs: number): TimeRead {
  const duration = DURATION.exec(text);
  if (duration !== null) {
    return { ok: true, epochMs: nowMs - Number(duration[1]) * (UNIT_MS[duration[2] as string] as number) };
  }
  if (DATE_ONLY.test(text) || DATE_TIME.test(text)) {
    const iso = DATE_ONLY.test(text) || HAS_ZONE.test(text) ? text : `${text.replace(' ', 'T')}Z`;
    const epochMs = Date.parse(iso);
    if (!Number.isNaN(epochMs)) return { ok: true, epochMs };
  }
  return {
    ok: false,
    problem: `${flag} "${text}" is neither a duration (90s, 30m, 24h, 7d, 2w) nor a date (2025-11-20, 2025-11-20T10:00Z)`,
  };
}

/** `--since` (required) and `--until` (default now) as an ordered range of epoch ms. */
export function readTimeRange(since: string, until: string | null, nowMs: number): RangeRead {
  const start = readTimeFlag('--since', since, nowMs);
  if (!start.ok) return start;
  const end = until === null ? { ok: true as const, epochMs: nowMs } : readTimeFlag('--until', until, nowMs);
  if (!end.ok) return end;
  if (end.epochMs <= start.epochMs) {
    return {
      ok: false,
      problem: `--until (${new Date(end.epochMs).toISOString()}) is not after --since (${new Date(start.epochMs).toISOString()})`,
    };
  }
  return { ok: true, startMs: start.epochMs, endMs: end.epochMs };
}
