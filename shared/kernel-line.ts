/**
 * The table of recognizers, one per kernel OOM-report line format, each in its own file under kernel-lines/
 * (recognizer.ts says what one is), and parseKernelLine, which tries them in order.
 */
import { alreadyExitingLine, type AlreadyExitingLine } from './kernel-lines/already-exiting.ts';
import { counterLine, type CounterLine } from './kernel-lines/counter.ts';
import { cpuLine, type CpuLine } from './kernel-lines/cpu.ts';
import { cpusetLine, type CpusetLine } from './kernel-lines/cpuset.ts';
import { el6KillLine, type El6KillLine } from './kernel-lines/el6-kill.ts';
import { invokedLine, type InvokedLine } from './kernel-lines/invoked.ts';
import { killLine, type KillLine } from './kernel-lines/kill.ts';
import { limitReachedLine, type LimitReachedLine } from './kernel-lines/limit-reached.ts';
import { withoutHighlightBraces } from './highlight-braces.ts';
import { withoutFigureEmphasis } from './markdown-emphasis.ts';
import { holdsInnerBlanks, withOneSpaces } from './kernel-lines/message-fields.ts';
import { memcgStatsLine, type MemcgStatsLine } from './kernel-lines/memcg-stats.ts';
import { oomGroupLine, type OomGroupLine } from './kernel-lines/oom-group.ts';
import { reapedLine, type ReapedLine } from './kernel-lines/reaped.ts';
import type { Recognizer } from './kernel-lines/recognizer.ts';
import {
  CALL_TRACE_FRAME,
  FRAME_OFFSET,
  isDecodedOomFrame,
  isPlainFrame,
  isReportContext,
  type ContextLine,
} from './kernel-lines/report-context.ts';
import { sacrificeLine, type SacrificeLine } from './kernel-lines/sacrifice.ts';
import { earlySelectionLine } from './kernel-lines/early-selection.ts';
import { sharedMemoryKillLine, type SharedMemoryKillLine } from './kernel-lines/shared-memory-kill.ts';
import { quotedSummaryLine, summaryLine, type SummaryLine } from './kernel-lines/summary.ts';
import { ubExitedLine, type UbExitedLine } from './kernel-lines/ub-exited.ts';
import { ubKillLine, type UbKillLine } from './kernel-lines/ub-kill.ts';
import { suppressedLine, type SuppressedLine } from './kernel-lines/suppressed.ts';
import { taskHeaderLine, type TaskHeaderLine } from './kernel-lines/task-header.ts';
import { taskInLine, type TaskInLine } from './kernel-lines/task-in.ts';
import { taskRowLine, type TaskRowLine } from './kernel-lines/task-row.ts';

export type KernelLine =
  | InvokedLine
  | CpuLine
  | CpusetLine
  | SummaryLine
  | TaskInLine
  | LimitReachedLine
  | CounterLine
  | MemcgStatsLine
  | TaskHeaderLine
  | TaskRowLine
  | KillLine
  | El6KillLine
  | UbKillLine
  | UbExitedLine
  | SacrificeLine
  | SharedMemoryKillLine
  | OomGroupLine
  | AlreadyExitingLine
  | ReapedLine
  | SuppressedLine
  | ContextLine;

export type LineResult =
  { kind: 'not-oom' } | { kind: 'unrecognised'; reason: string } | { kind: 'line'; line: KernelLine };

/**
 * The table, in the order a report prints its lines. Order matters only where markers overlap
 * (`Killed process` is checked before `Kill process`'s looser neighbours).
 */
export const RECOGNIZERS: readonly Recognizer<KernelLine>[] = [
  invokedLine,
  cpuLine,
  summaryLine,
  quotedSummaryLine,
  cpusetLine,
  taskInLine,
  limitReachedLine,
  counterLine,
  memcgStatsLine,
  taskHeaderLine,
  taskRowLine,
  killLine,
  el6KillLine,
  ubKillLine,
  ubExitedLine,
  sharedMemoryKillLine,
  sacrificeLine,
  earlySelectionLine,
  oomGroupLine,
  alreadyExitingLine,
  reapedLine,
  suppressedLine,
];

/**
 * A recognizer and what a line holds when it may read it: one of `starts` (null: any start), and its marker
 * unless those starts hold it (null), where the marker can be (at most `within` in; -1: anywhere). Cheaper than
 * a read, and false only where the read would give nothing.
 */
interface Candidate {
  recognizer: Recognizer<KernelLine>;
  starts: readonly string[] | null;
  marker: string | null;
  within: number;
}

/** The recognizers that may read a line starting with this character (by code), in table order. */
function candidatesFor(first: number): Candidate[] {
  return RECOGNIZERS.flatMap((recognizer) => {
    const { marker, markerWithin } = recognizer;
    const starts = recognizer.starts?.filter((start) => start.charCodeAt(0) === first) ?? null;
    if (starts?.length === 0) return [];
    const startsHoldMarker = starts?.every((start) => start.includes(marker)) ?? false;
    return [{ recognizer, starts, marker: startsHoldMarker ? null : marker, within: markerWithin ?? -1 }];
  });
}

function mayRead(candidate: Candidate, text: string): boolean {
  const { starts, marker, within } = candidate;
  if (starts !== null && !startsWithOne(text, starts)) return false;
  if (marker === null) return true;
  return within < 0 ? text.includes(marker) : text.lastIndexOf(marker, within) >= 0;
}

/** Whether the text starts with one of them: a search that can match at 0 only, quicker than startsWith in V8. */
function startsWithOne(text: string, starts: readonly string[]): boolean {
  for (const start of starts) if (text.lastIndexOf(start, 0) === 0) return true;
  return false;
}

/** The candidates for a line by its first character's code, for ASCII; a line starting otherwise takes UNANCHORED. */
const BY_FIRST_CHAR = Array.from({ length: 128 }, (_, code) => candidatesFor(code));
const UNANCHORED = candidatesFor(-1);
/** The plain path: every recognizer, its marker looked for anywhere. */
const EVERY_RECOGNIZER: readonly Candidate[] = RECOGNIZERS.map((recognizer) => ({
  recognizer,
  starts: null,
  marker: recognizer.marker,
  within: -1,
}));

// Text that a human would call OOM text; if no recognizer reads it, it is reported as format drift.
const LOOKS_LIKE_OOM = /(?:^|[^a-z])oom(?:[^a-z]|$)|out of memory|kill(?:ed)? process|memory cgroup/i;

/** Whether a human would call the text OOM text (`Out of memory`, `Killed process`, `oom`). */
export function looksLikeOomText(text: string): boolean {
  return LOOKS_LIKE_OOM.test(text);
}

// A memcg counter (`memory: usage 81920kB, limit …`) that no recognizer read, after text no envelope took off: drift
// too, else it would go unseen. As the kernel spells it (a marker's `: usage ` is case-sensitive: log-event-lines.ts).
const UNREAD_COUNTER = /: usage \d+kB, limit /;

/**
 * Something every text a recognizer reads or LOOKS_LIKE_OOM finds contains: `oom`, `memory` or `kill` (what
 * LOOKS_LIKE_OOM looks for, and the markers that hold one of them), or part of another recognizer's marker
 * (` cpuset=`, `Task in `, `: usage `, `tgid `, the invoker line's `omm: ` (its `Comm: `, before 3.10 `comm: `),
 * `callbacks suppressed`; for the task row, whose
 * `[` is in most lines, what follows it: `]`, spaces and a number). Each part starts with a letter rarer in
 * logs than the marker's own first one, which makes the search about a third faster: the parts only need to
 * be in the markers. Case-insensitive: it may say yes to more, never to less. A text that holds it passes on
 * every longer text holding that one. The blank in a part may be a tab or a no-break space, or several before `in`:
 * parseKernelLine reads a line again with one space for such blanks (INNER_BLANKS, kernel-lines/message-fields.ts),
 * so a part they break must still be found.
 */
export const MAY_BE_RECOGNIZED =
  /oom|omm:[ \t\u00a0]|memory|kill|uset=|k[ \t\u00a0]+in[ \t\u00a0]|sage[ \t\u00a0]|gid[ \t\u00a0]|suppressed|\]\s+-?\d/i;

/**
 * MAY_BE_RECOGNIZED or a call-trace frame's FRAME_OFFSET (`+0x`), in one search: a second search of each line
 * for the offset was a tenth to a sixth of the test on the parse bench's batches. Global only so that a search
 * can start at `lastIndex`; no part looks behind its start, so that finds what a search of the rest would.
 */
const MAY_BE_OOM_TEXT =
  /oom|omm:[ \t\u00a0]|memory|kill|uset=|k[ \t\u00a0]+in[ \t\u00a0]|sage[ \t\u00a0]|gid[ \t\u00a0]|suppressed|\]\s+-?\d|\+0x/gi;

/**
 * False only for text parseKernelLine calls `not-oom`, whatever text around it: a cheap first test, and what
 * lets a reader set most lines of a log aside unread (shared/line-prefilter.ts).
 */
export function mayBeOomText(text: string): boolean {
  return oomTextEnd(text, 0) >= 0;
}

/**
 * Where the first thing mayBeOomText finds in the text from `start` on ends, or -1 when it finds nothing (so
 * mayBeOomText of the rest, without slicing it). Its last character tells which part it found.
 */
export function oomTextEnd(text: string, start: number): number {
  MAY_BE_OOM_TEXT.lastIndex = start;
  return MAY_BE_OOM_TEXT.test(text) ? MAY_BE_OOM_TEXT.lastIndex : -1;
}

/** Why OOM-looking text is drift: no recognizer read it. */
export const UNREAD_OOM_TEXT = 'looks like OOM text but no recognizer read it';

export interface LineOptions {
  /**
   * False: every recognizer is tried, its marker looked for anywhere, without the cheap first test (the same
   * result, slower).
   */
  prefilter?: boolean;
}

const PREFILTERED: LineOptions = { prefilter: true };

/**
 * The text without markdown emphasis around its figures (markdown-emphasis.ts), when it may be OOM text: what the
 * prefilter passes, so that both ways of reading give the same.
 */
function withoutWritersEmphasis(text: string, options: LineOptions): string {
  return options.prefilter === false && !MAY_BE_RECOGNIZED.test(text) ? text : withoutFigureEmphasis(text);
}

/** Full-width punctuation that may stand where the kernel prints ASCII (withAsciiPunctuation). */
const FULLWIDTH = /[，（）]/;
/** A full-width comma before a key (`0x200da，order=0`, `kB，anon-rss:`), blanks after it. */
const FULLWIDTH_COMMA_BEFORE_KEY = /，[ \t]*(?=[a-z_-]+[=:])/g;
/** A full-width parenthesis that opens a comm after its pid (`Killed process 2227 （dd`). */
const FULLWIDTH_OPEN_AFTER_PID = /(?<=[Pp]rocess \d{1,10} ?)（/g;
/** One that closes a comm before the kernel's next word (`(dd） total-vm:`, `(dd） score 778`, `(java）, UID 0`). */
const FULLWIDTH_CLOSE_BEFORE_FIELD = /）(?= (?:total-vm|vsz|score|sharing)\b|,? UID\b)/g;

/**
 * The text with ASCII where a Chinese input method or a PDF's text put full-width punctuation in the kernel's own
 * syntax (fifty-seventh red team A/09–A/11: `gfp_mask=0x200da，order=0，oom_score_adj=0`, `Kill process 2227(dd）
 * score 778`). Only there: a comm may hold any character, a full-width one too.
 */
export function withAsciiPunctuation(text: string): string {
  if (!FULLWIDTH.test(text)) return text;
  return text
    .replace(FULLWIDTH_COMMA_BEFORE_KEY, ', ')
    .replace(FULLWIDTH_OPEN_AFTER_PID, '(')
    .replace(FULLWIDTH_CLOSE_BEFORE_FIELD, ')');
}

/**
 * Classifies one kernel message: a recognized OOM line, OOM-looking text no recognizer reads, or neither. A line no
 * recognizer reads as it is, with blanks inside it where the kernel prints one space, is read again with one space
 * there: the kernel's own runs (a task row's columns, the CPU line's taint flags, el7's `,  order=`) are in lines
 * that read as they are. OOM-looking text no recognizer reads is read again without a doc's double braces around
 * its OOM words (highlight-braces.ts): only then, so that a line that reads with braces (a comm `{{oom}}`) keeps them.
 */
export function parseKernelLine(
  rawText: string,
  truncated = false,
  options: LineOptions = PREFILTERED,
): LineResult {
  const result = classifyKernelLine(rawText, truncated, options);
  if (result.kind === 'line') return result;
  const blanks = holdsInnerBlanks(rawText);
  const spaced = blanks ? withOneSpaces(rawText.trim()) : rawText;
  const oneSpaced = blanks ? classifyKernelLine(spaced, truncated, options) : result;
  if (oneSpaced.kind === 'line') return oneSpaced;
  if (result.kind !== 'unrecognised' && oneSpaced.kind !== 'unrecognised') return result;
  const unbraced = withoutHighlightBraces(spaced, looksLikeOomText);
  if (unbraced !== spaced) {
    const read = classifyKernelLine(unbraced, truncated, options);
    if (read.kind === 'line') return read;
  }
  const retyped = withFirstLetterRetyped(spaced);
  if (retyped === null) return result;
  const again = classifyKernelLine(retyped, truncated, options);
  return again.kind === 'line' && !isBareKill(again.line) ? again : result;
}

/**
 * A kill line without a figure after its comm: as the kernel prints it, a kill; retyped from lower case, most
 * often a sentence a wrap broke before its `killed process 31337 (java) by hand`.
 */
function isBareKill(line: KernelLine): boolean {
  return line.kind === 'kill' && Object.keys(line.fields).length === 0;
}

/**
 * The text with the case of its first letter turned, when a word starts it (a letter, then a lower-case one): an
 * editor or a page's style capitalised a line the kernel starts in lower case (`Oom-kill:constraint=…`), or an
 * author retyped one the kernel capitalises (`killed process 22570 (php5-fpm) …`). parseKernelLine reads OOM-looking
 * text that no recognizer read as it is again so. Null when no word starts the text.
 */
export function withFirstLetterRetyped(text: string): string | null {
  const start = text.length - text.trimStart().length;
  const first = text.charCodeAt(start);
  const second = text.charCodeAt(start + 1);
  if (!(second >= 0x61 && second <= 0x7a)) return null;
  const retyped =
    first >= 0x41 && first <= 0x5a
      ? String.fromCharCode(first + 0x20)
      : first >= 0x61 && first <= 0x7a
        ? String.fromCharCode(first - 0x20)
        : null;
  return retyped === null ? null : `${text.slice(0, start)}${retyped}${text.slice(start + 1)}`;
}

// What a reflow's blanks are, and the text with one space for them (kernel-lines/message-fields.ts).
export { holdsInnerBlanks, withOneSpaces };

function classifyKernelLine(rawText: string, truncated: boolean, options: LineOptions): LineResult {
  // The commonest frame, which no recognizer reads (isPlainFrame): half the lines of a report.
  if (options.prefilter !== false && isPlainFrame(rawText))
    return { kind: 'line', line: { kind: 'context' } };
  if (options.prefilter !== false && !MAY_BE_RECOGNIZED.test(rawText)) {
    // No recognizer reads it and LOOKS_LIKE_OOM finds nothing: of the report context, only a frame is left.
    return rawText.includes(FRAME_OFFSET) && CALL_TRACE_FRAME.test(rawText.trim())
      ? { kind: 'line', line: { kind: 'context' } }
      : { kind: 'not-oom' };
  }
  const text = withAsciiPunctuation(withoutWritersEmphasis(rawText.trim(), options));
  const candidates =
    options.prefilter === false ? EVERY_RECOGNIZER : (BY_FIRST_CHAR[text.charCodeAt(0)] ?? UNANCHORED);
  for (const candidate of candidates) {
    if (!mayRead(candidate, text)) continue;
    const line = candidate.recognizer.read(text, truncated);
    if (line !== null) return { kind: 'line', line };
  }
  if (isReportContext(text) || isDecodedOomFrame(text)) return { kind: 'line', line: { kind: 'context' } };
  if (LOOKS_LIKE_OOM.test(text) || UNREAD_COUNTER.test(text))
    return { kind: 'unrecognised', reason: UNREAD_OOM_TEXT };
  return { kind: 'not-oom' };
}
