/**
 * Memory figures as people read them. The kernel prints kB (KiB); Kubernetes specs use Ki/Mi/Gi,
 * so alerts use the same binary units and a limit reads like the spec that set it.
 */
import { displayText } from './format-text.ts';

/** cgroup v1 prints PAGE_COUNTER_MAX (9007199254740988 kB) for "no limit"; anything this large is no limit. */
const UNLIMITED_KB = 2 ** 50;

const UNITS = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi'] as const;

export function isUnlimitedKb(kb: number): boolean {
  return kb >= UNLIMITED_KB;
}

/** `65536` → `64Mi`, `1572864` → `1.5Gi`, `900` → `900Ki`. */
export function formatKb(kb: number): string {
  if (isUnlimitedKb(kb)) return 'unlimited';
  let value = kb;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const rounded = Math.round(value * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}${UNITS[unit]}`;
}

/** `formatKb`, or a stand-in when the kernel did not print the figure. */
export function formatKbOr(kb: number | null | undefined, missing = 'unknown'): string {
  return kb === null || kb === undefined ? missing : formatKb(kb);
}

/** Whole percent of a limit, or null when either side is missing or there is no limit. */
export function percentOf(usageKb: number | null, limitKb: number | null): number | null {
  if (usageKb === null || limitKb === null || limitKb <= 0 || isUnlimitedKb(limitKb)) return null;
  return Math.round((usageKb / limitKb) * 100);
}

/** The victim's resident memory: anon + file + shmem, as the kernel's `Killed process` line splits it. */
export function victimRssKb(victim: {
  anonRssKb: number | null;
  fileRssKb: number | null;
  shmemRssKb: number | null;
}): number | null {
  const parts = [victim.anonRssKb, victim.fileRssKb, victim.shmemRssKb];
  if (parts.every((p) => p === null)) return null;
  return parts.reduce<number>((sum, p) => sum + (p ?? 0), 0);
}

/** `2025-05-01T12:34:56.789Z` → `2025-05-01 12:34:56 UTC`; null or unreadable stays visible as such. */
export function formatTime(iso: string | null): string {
  if (iso === null) return 'time unknown';
  const ms = Date.parse(iso);
  // Not a time: shown as it came, with its control characters escaped (it reaches e-mails and chats).
  if (Number.isNaN(ms)) return displayText(iso);
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `12:34Z`, for an SMS. */
export function formatShortTime(iso: string | null): string | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : `${new Date(ms).toISOString().slice(11, 16)}Z`;
}

/** `40 s`, `14 min`, `2 h 5 min`: a length of time as people say it, to the minute past the first minute. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return 'under 1 s';
  if (ms < 60_000) return `${Math.floor(ms / 1000)} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const rest = minutes % 60;
  return `${Math.floor(minutes / 60)} h${rest === 0 ? '' : ` ${rest} min`}`;
}
