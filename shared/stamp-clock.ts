/**
 * How far apart two stamps as printed are, when neither gives a clock (log-record.ts keeps a stamp with no zone, or no
 * year, as it is: a syslog `Mar  8 11:36:09`, a `dmesg -T` `Sun Mar  8 11:36:09 2015`, `wrz 13 10:11:12`, a time of day
 * alone). The report assembler closes a report on a gap of such stamps as it does on a gap of clocks: a header whose
 * kill line never came must not lend its invoker and task table to a kill a day later.
 *
 * A stamp is its time of day and the rest, its day (`Mar 8`, `Sun Mar 8 2015`, `2026-12-6T`, none). Two stamps of
 * one writer are apart when, on the same day, their times of day are more than the span apart; on another day, unless
 * it can be the next one and the two are a moment either side of midnight; with no day (a time of day alone), when
 * they are that far apart either way round the clock. Stamps of two shapes (a syslog stamp and a `dmesg -T` one: two
 * writers of one paste) are not compared.
 */

/** `HH:MM:SS` and a fraction: the first time of day in the stamp. */
const TIME_OF_DAY = /(\d{1,2}):(\d\d):(\d\d)(?:[.,](\d{1,9}))?/;
const DAY_SECONDS = 86_400;

interface StampClock {
  /** The stamp without its time of day, its runs of spaces made one. */
  day: string;
  /** Seconds into the day. */
  seconds: number;
}

/** A year after the time of day (`dmesg -T`'s `… 11:36:09 2015`): part of the day. Anything else after it is not. */
const YEAR_AFTER = /^ +(\d{4})\b/;

function clockOf(stamp: string): StampClock | null {
  const m = TIME_OF_DAY.exec(stamp);
  if (m === null) return null;
  const fraction = m[4] === undefined ? 0 : Number(`0.${m[4]}`);
  const seconds = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + fraction;
  // The day is what comes before the time of day, and a year right after it: not `dmesg -T -d`'s delta
  // (`Sun Mar  8 11:36:09 2026 <    0.000013>`), which differs on every line. Spaces and a day's leading zero are
  // padding (`Mar 08`, journalctl's; `Mar  8`, syslog's).
  const year = YEAR_AFTER.exec(stamp.slice(m.index + m[0].length))?.[1] ?? '';
  const day = `${stamp.slice(0, m.index)} ${year}`
    .replace(/\b0+(?=\d)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return { day, seconds };
}

/** The day's shape: letters and digits as classes, so that two writers' stamps are told apart, not two days. */
function shapeOf(day: string): string {
  return day.replace(/\p{L}+/gu, 'a').replace(/\d+/g, '9');
}

/**
 * Whether `later` is more than `seconds` from `earlier`, both stamps of one writer; false when either is missing, has
 * no time of day, or is of another shape.
 */
export function stampsApart(
  earlier: string | null | undefined,
  later: string | null | undefined,
  seconds: number,
): boolean {
  if (earlier == null || later == null || earlier === later) return false;
  const a = clockOf(earlier);
  const b = clockOf(later);
  if (a === null || b === null || shapeOf(a.day) !== shapeOf(b.day)) return false;
  const gap = Math.abs(b.seconds - a.seconds);
  const acrossMidnight = DAY_SECONDS - gap;
  // A time of day alone names no day: the two may be a moment either side of midnight.
  if (a.day === '') return Math.min(gap, acrossMidnight) > seconds;
  if (a.day === b.day) return gap > seconds;
  // Another day: apart, unless it is the next (or the one before, newest first) and the two are a moment either side
  // of midnight.
  return !(nextDays(a.day, b.day) || nextDays(b.day, a.day)) || acrossMidnight > seconds;
}

/**
 * Whether `later` may be the day after `earlier`: each number of it the same, one more, or back to 1 after a month's
 * last day or the year's last month (`Mar 31` → `Apr 1`, `Dec 31 2025` → `Jan 1 2026`, `2026-12-31T` →
 * `2027-01-01T`), words aside (a weekday, a month's name). Not `Mar 1` → `Mar 20`, nor `Mar 20` → `Mar 1`.
 */
function nextDays(earlier: string, later: string): boolean {
  const before = earlier.match(/\d+/g) ?? [];
  const after = later.match(/\d+/g) ?? [];
  if (before.length !== after.length) return false;
  return before.every((number, i) => {
    const was = Number(number);
    const next = Number(after[i]);
    return next === was || next === was + 1 || (next === 1 && (was === 12 || was >= 28));
  });
}
