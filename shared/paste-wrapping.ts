/**
 * What a paste wraps around a log line, off a page or out of code: a markdown list item (`- `, `* `, `+ `,
 * `1. `), inline code (`` `…` ``), or both (`` `- Jan 14 18:01:55 host kernel: …` ``); or a string literal of a
 * program's test data or a JSON array (`"6,23800,6780904484233,-;oom-kill:…",`). The marks are paste wrapping only
 * before an envelope: a kernel message never starts with a syslog date, a dmesg time or a kmsg record's head,
 * while prose and a comm (`-bash`) may start with a dash, a backtick or a quote. So a line keeps its marks unless
 * an envelope follows them.
 */
import { startsWithEnvelope } from './envelope-prefixes.ts';

const BACKTICK = 0x60;
const SPACE = 0x20;
const TAB = 0x09;
const COMMA = 0x2c;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Whether the line may open with a mark: a backtick, `-`, `*`, `+`, or a number and `.` or `)` (`12. `). */
function mayOpenWithMark(line: string): boolean {
  const first = line.charCodeAt(0);
  if (first === BACKTICK || first === 0x2d || first === 0x2a || first === 0x2b) return true;
  if (!isDigit(first)) return false;
  for (let at = 1; at <= 3; at++) {
    const code = line.charCodeAt(at);
    if (code === 0x2e || code === 0x29) return true;
    if (!isDigit(code)) return false;
  }
  return false;
}

function backticksEnd(line: string, at: number): number {
  let i = at;
  while (i < at + 3 && line.charCodeAt(i) === BACKTICK) i++;
  return i;
}

/** Where a list mark that starts at `at` ends, spaces after it included; `at` when there is none. */
function listMarkEnd(line: string, at: number): number {
  let i = at;
  const first = line.charCodeAt(i);
  if (first === 0x2d || first === 0x2a || first === 0x2b) {
    i++;
  } else {
    while (i < at + 3 && isDigit(line.charCodeAt(i))) i++;
    const close = line.charCodeAt(i);
    if (i === at || (close !== 0x2e && close !== 0x29)) return at;
    i++;
  }
  if (line.charCodeAt(i) !== SPACE) return at;
  while (line.charCodeAt(i) === SPACE) i++;
  return i;
}

/** Where the marks before the message end: backticks, a list mark, backticks again (`` `- ``, `` - ` ``). */
function openingEnd(line: string): number {
  let at = backticksEnd(line, 0);
  const mark = listMarkEnd(line, at);
  if (mark > at) at = backticksEnd(line, mark);
  return at;
}

/** The line without the backticks (and spaces after them) that close inline code; the line when none do. */
function withoutClosingBackticks(line: string): string {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === SPACE || line.charCodeAt(end - 1) === TAB)) end--;
  const spacesEnd = end;
  while (end > 0 && line.charCodeAt(end - 1) === BACKTICK) end--;
  return end < spacesEnd ? line.slice(0, end) : line;
}

/** The line without the quote (and a comma after it) that closes a string literal opened by `quote`. */
function withoutClosingQuote(line: string, quote: number): string {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === SPACE || line.charCodeAt(end - 1) === TAB)) end--;
  if (line.charCodeAt(end - 1) === COMMA) end--;
  return line.charCodeAt(end - 1) === quote ? line.slice(0, end - 1) : line;
}

/** The line without a string literal's quotes around an envelope (`"6,…;text",`); the line when none are. */
function withoutStringQuotes(line: string): string {
  const quote = line.charCodeAt(0);
  if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) return line;
  const rest = line.slice(1);
  return startsWithEnvelope(rest) ? withoutClosingQuote(rest, quote) : line;
}

/**
 * The line without the marks of a markdown list item, inline code or a string literal around its envelope and
 * kernel text; the line as it is when no envelope follows them.
 */
export function withoutPasteWrapping(line: string): string {
  if (!mayOpenWithMark(line)) return withoutStringQuotes(line);
  const start = openingEnd(line);
  if (start === 0) return line;
  const rest = line.slice(start);
  return startsWithEnvelope(rest) ? withoutClosingBackticks(rest) : line;
}
