/**
 * Text shaping for alerts: every string that came from a kernel or a cluster (process names,
 * namespaces, node names) passes through here before it reaches a person.
 */

/** Longest SNS subject we emit; SNS wants it "less than 100 characters". */
const SUBJECT_MAX = 99;
/** One SMS segment in the GSM 7-bit alphabet. */
const SMS_MAX = 160;

const ELLIPSIS = '...';

/** Characters that cost two septets in GSM 7-bit (the escape table). */
const GSM7_EXTENSION = new Set(['^', '{', '}', '\\', '[', ']', '~', '|', '€']);
/** ASCII characters that have no GSM 7-bit code at all. */
const GSM7_MISSING = new Set(['`']);

/** Shows control characters as `\xNN` so a hostile comm cannot break a line or a terminal. */
export function displayText(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** Printable ASCII only, one line: what SNS accepts in a subject and what every phone shows in an SMS. */
export function asciiLine(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/[^\u0020-\u007e]/g, '?')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Cuts to `max` characters, marking the cut. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, Math.max(0, max - ELLIPSIS.length)).trimEnd() + ELLIPSIS;
}

/** Septets this text costs in one GSM 7-bit SMS segment (ASCII input). */
export function gsm7Length(text: string): number {
  let length = 0;
  for (const c of text) length += GSM7_EXTENSION.has(c) ? 2 : 1;
  return length;
}

/**
 * One SMS segment: printable ASCII, `` ` `` replaced (GSM 7-bit lacks it), cut so that the
 * escape-table characters (brackets, braces, `|`, `~`) that cost two septets still fit.
 */
export function smsText(text: string): string {
  const ascii = [...asciiLine(text)].map((c) => (GSM7_MISSING.has(c) ? "'" : c)).join('');
  if (gsm7Length(ascii) <= SMS_MAX) return ascii;
  let cut = '';
  let septets = 0;
  for (const c of ascii) {
    septets += gsm7Length(c);
    if (septets > SMS_MAX - ELLIPSIS.length) break;
    cut += c;
  }
  return cut.trimEnd() + ELLIPSIS;
}

/** A valid SNS subject: printable ASCII, one line, never empty, at most {@link SUBJECT_MAX}. */
export function subjectText(text: string): string {
  const line = asciiLine(text);
  return truncateText(line === '' ? 'OOM kill' : line, SUBJECT_MAX);
}

/** A value for a Logs Insights string literal (control characters shown, not sent raw into an e-mail). */
export function insightsString(text: string): string {
  return `"${displayText(text.replace(/\\/g, '\\\\').replace(/"/g, '\\"'))}"`;
}
