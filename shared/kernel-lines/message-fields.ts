/**
 * How recognizers read fields out of a kernel message.
 *
 * Comm names are at most 15 bytes but may hold spaces, parentheses, commas and `=`: recognizers locate them
 * between fixed markers with indexOf/lastIndexOf rather than with patterns, so that every regex stays
 * linear-time and no name can confuse a field boundary.
 */

const DIGITS = /^\d+$/;

export function toInt(s: string | undefined): number | null {
  return s === undefined ? null : signedNumber(s, 0, s.length);
}

const MINUS = 45;
const ZERO = 48;
/** Digits that a double holds exactly, summed one by one; a longer number is left to Number's rounding. */
const EXACT_DIGITS = 15;

/** Where the signed integer at `start` ends. */
export function digitsEnd(text: string, start: number): number {
  let i = text.charCodeAt(start) === MINUS ? start + 1 : start;
  while (i < text.length && text.charCodeAt(i) >= ZERO && text.charCodeAt(i) <= 0x39) i++;
  return i;
}

/**
 * The number `text.slice(start, end)` spells when it is `-?\d+` (as Number reads it), else null: read in place,
 * without a slice and a regex (a task-table row holds a dozen numbers).
 */
export function signedNumber(text: string, start: number, end: number): number | null {
  const first = text.charCodeAt(start) === MINUS ? start + 1 : start;
  if (first >= end) return null;
  let value = 0;
  for (let at = first; at < end; at++) {
    const digit = text.charCodeAt(at) - ZERO;
    if (!(digit >= 0 && digit <= 9)) return null;
    value = value * 10 + digit;
  }
  if (end - first > EXACT_DIGITS) value = Number(text.slice(first, end));
  // A double holds an integer exactly only up to 2^53: a u64 counter that wrapped below zero
  // (`usage 18446744073709537436kB`) would come back as a number the text does not hold.
  if (!Number.isSafeInteger(value)) return null;
  return first === start ? value : -value;
}

/** A pager that cut a line marks the cut with `>`. */
export function stripTruncation(text: string, truncated: boolean): string {
  return truncated && text.endsWith('>') ? text.slice(0, -1) : text;
}

/** TASK_COMM_LEN is 16 bytes with the NUL: a comm is at most 15 bytes, so at most 15 UTF-16 units. */
export const COMM_MAX = 15;

const BACKSLASH = 0x5c;

/** Whether `\xNN` starts at `at`: kmsg prints each byte of a comm it escapes (UTF-8, controls) so. */
function isByteEscape(text: string, at: number): boolean {
  return (
    text.charCodeAt(at) === BACKSLASH &&
    text.charCodeAt(at + 1) === 0x78 &&
    isHexDigit(text.charCodeAt(at + 2)) &&
    isHexDigit(text.charCodeAt(at + 3))
  );
}

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66) || (code >= 0x41 && code <= 0x46);
}

/** Where COMM_MAX bytes of a comm from `start` end in the text, an escaped byte (`\xe4`) being one. */
function commWindowEnd(text: string, start: number): number {
  let at = start;
  for (let bytes = 0; bytes < COMM_MAX && at < text.length; bytes++) at += isByteEscape(text, at) ? 4 : 1;
  return at;
}

/**
 * Where a comm that starts at `start` ends: the last place, within a comm's length, where one of the markers
 * that may follow it begins. A marker inside the comm comes before the real one, which is always the last.
 */
export function commEnd(text: string, start: number, markers: readonly string[]): number {
  let end = -1;
  const window = commWindowEnd(text, start);
  for (const marker of markers) {
    const at = text.lastIndexOf(marker, window);
    if (at >= start && at > end) end = at;
  }
  return end;
}

/**
 * `<pid> (<comm>)<after>`, where one of `after` (each starting with `)`) closes the comm. Spaces around the pid
 * may come in runs (a paste's alignment: `Killed process  532 (kodi.bin)`) or be missing (`Killed process
 * 25507(oom01)`, a mail on linux-mm); the comm's own are its own.
 */
export function pidAndComm(
  rest: string,
  after: readonly string[],
): { pid: number; name: string; tail: string } | null {
  const head = pidBeforeParenthesis(rest);
  if (head === null) return null;
  const close = commEnd(rest, head.commStart, after);
  if (close < 0) return null;
  return { pid: head.pid, name: rest.slice(head.commStart, close), tail: rest.slice(close + 1) };
}

/** `<pid> (` or `<pid>(`: the pid, spaces around it allowed, and where the text in parentheses starts. */
function pidBeforeParenthesis(rest: string): { pid: number; commStart: number } | null {
  const open = rest.indexOf('(');
  if (open <= 0) return null;
  const pid = rest.slice(0, open).trim();
  return DIGITS.test(pid) ? { pid: Number(pid), commStart: open + 1 } : null;
}

/**
 * A pid an author masked before publishing (`Killed process xxx (beam.smp) total-vm:…`, `Kill process XXX (java)
 * score 727 or sacrifice child`): a run of one mask character, as people type it for a number they hide, or an
 * ellipsis (`Killed process ... total-vm:20941976kB`). A pid left out altogether is masked too.
 */
const MASKED_PID = /^(?:[xX]{1,10}|\*{1,10}|#{1,10}|\?{1,10}|N{2,10}|n{2,10}|\.{3}|…)$/;

/** Whether the text is a pid an author masked (MASKED_PID). */
export function isMaskedPid(text: string): boolean {
  return MASKED_PID.test(text);
}

/**
 * `<masked pid> (<comm>)<after>`: a line of the kernel's whose pid an author hid. Only `after` markers that no
 * prose has, the kernel's own next field, and a comm that is no mask make it one: the victim's name and figures
 * are the kernel's, its pid unknown. `blank`: no pid at all, rather than a mask; `spaced`: a space stood before the
 * comm's parenthesis, where a copy that stripped the number left it (`Kill process  (qemu-kvm)`). The caller asks
 * for a real value after it too: a doc's template masks those as well (`Killed process XXXX (name)
 * total-vm:XXXXkB`, `Kill process (python) score or sacrifice child`).
 */
export function maskedPidAndComm(
  rest: string,
  after: readonly string[],
): { pid: null; name: string; tail: string; blank: boolean; spaced: boolean } | null {
  const open = rest.indexOf('(');
  const pid = open < 0 ? '' : rest.slice(0, open).trim();
  // No pid at all: a page scraped of its standalone numbers (`Killed process (qemu-kvm) total-vm:…`).
  if (open < 0 || (pid !== '' && !MASKED_PID.test(pid))) return null;
  const close = commEnd(rest, open + 1, after);
  if (close < 0) return null;
  // A comm masked too (`Kill process **** (****) score ****`) is a template of the line, not a kill.
  const name = rest.slice(open + 1, close);
  if (MASKED_PID.test(name)) return null;
  return { pid: null, name, tail: rest.slice(close + 1), blank: pid === '', spaced: open > 0 };
}

/**
 * `<pid> (<text>)<after>` where the text is longer than any comm: what an author put in its place (a path, a
 * redaction). The pid is the kernel's, the name unknown. Only `after` markers that no prose has: the kernel's
 * own next field.
 */
export function pidBeforePlaceholder(
  rest: string,
  after: readonly string[],
): { pid: number; tail: string } | null {
  const head = pidBeforeParenthesis(rest);
  if (head === null) return null;
  for (const marker of after) {
    const at = rest.indexOf(marker, head.commStart + COMM_MAX);
    if (at >= 0) return { pid: head.pid, tail: rest.slice(at + 1) };
  }
  return null;
}

/** The text before `marker` when it is a `<message>: ` prefix such as `Memory cgroup out of memory`. */
export function messageBefore(text: string, at: number): string | null {
  if (at === 0) return null;
  const head = withOneSpaces(text.slice(0, at).trimEnd());
  return head.endsWith(':') ? head.slice(0, -1) : head;
}

/**
 * Blanks a forum's or a web copy's reflow put inside a line, where the kernel prints one space: two or more between
 * words (`Killed  process`, `PID: 9284  Comm:`, a kill's message `Out of  memory`), or a tab or no-break space alone.
 */
const INNER_BLANKS = /(?<=\S)(?: [ \t\u00a0]+|[\t\u00a0][ \t\u00a0]*)(?=\S)/g;

/** Whether the text holds blanks between words where the kernel prints one space (INNER_BLANKS). */
export function holdsInnerBlanks(text: string): boolean {
  INNER_BLANKS.lastIndex = 0;
  return INNER_BLANKS.test(text);
}

/** The text with one space for each run of INNER_BLANKS. */
export function withOneSpaces(text: string): string {
  return text.replace(INNER_BLANKS, ' ');
}

/**
 * What may follow the kernel's last value when a writer's text goes on after it: a space, a quote, an escape, a
 * table cell's `|`, what closes a bracket or markdown's emphasis, a forum's or a page's markup (`[/FONT]`,
 * `</div>`), a sentence's or a list's punctuation (`;`, `。`, `，`, `、`).
 */
export const AFTER_THE_LINE = /[\s"'`\\|\])}*[<;。，、]/;

/** Whether a full stop at `at` ends the text: a sentence's end. Two or more are an elision, which may hide digits. */
export function endsWithFullStop(text: string, at: number): boolean {
  return at === text.length - 1 && text.charCodeAt(at) === 0x2e;
}
