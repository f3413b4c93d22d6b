/**
 * Log lines copied from a rendered blog post or README: each one a markdown list item (`- `, `* `, `+ `, `1. `),
 * inline code (`` `…` ``), or both (`` `- Jan 14 18:01:55 host kernel: …` ``). The marks are paste wrapping
 * only before an envelope: a kernel message never starts with a syslog date or a dmesg time, while prose and a
 * comm (`-bash`) may start with a dash or a backtick. So a line keeps its marks unless an envelope follows them.
 */
import { startsWithEnvelope } from './envelope-prefixes.ts';

const BACKTICK = 0x60;
const SPACE = 0x20;
const TAB = 0x09;

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

/**
 * The line without the marks of a markdown list item or inline code around its envelope and kernel text; the
 * line as it is when no envelope follows them.
 */
export function withoutMarkdownWrapping(line: string): string {
  if (!mayOpenWithMark(line)) return line;
  const start = openingEnd(line);
  if (start === 0) return line;
  const rest = line.slice(start);
  return startsWithEnvelope(rest) ? withoutClosingBackticks(rest) : line;
}
