/**
 * What a paste wraps around a log line, off a page or out of code: a markdown list item (`- `, `* `, `+ `,
 * `1. `) or a reviewer's `| ` quote mark, inline code (`` `…` ``), or both (`` `- Jan 14 18:01:55 host kernel:
 * …` ``); or a string literal of a program's test data or a JSON array (`"6,23800,6780904484233,-;oom-kill:…",`).
 * The marks are paste wrapping only before an envelope or a kernel line no comm starts (KERNEL_START): a kernel
 * message never starts with a syslog date, a dmesg time or a kmsg record's head, while prose and a comm (`-bash`) may
 * start with a dash, a backtick or a quote. So a line keeps its marks unless one of those follows them, and the marks
 * with an envelope are longer than a comm: a log without envelopes starts its header with the comm, and a comm of a
 * few characters can spell a mark and a short one (`` `[T1]x ``, a caller id; `` `[1.1] ``, a time).
 */
import { envelopeLength, sourcePrefixLength } from './envelope-prefixes.ts';
import { kernelTextCell } from './markdown-table.ts';
import { COMM_MAX } from './kernel-lines/message-fields.ts';

const BACKTICK = 0x60;
const SPACE = 0x20;
const TAB = 0x09;
const COMMA = 0x2c;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const DASH = 0x2d;
const ASTERISK = 0x2a;
const PLUS = 0x2b;
const DOT = 0x2e;
const CLOSE_PAREN = 0x29;
const PIPE = 0x7c;
const CR = 0x0d;

/**
 * The start of a kernel line that no comm and no prose starts with (a summary, a `Task in` or group line, a stats
 * line, a counter): after marks, without an envelope, they are paste wrapping too (a line quoted in inline code or a
 * list item of notes, `` - `oom-kill:constraint=…` ``). Sticky: tried where the marks end.
 */
const KERNEL_START =
  /oom-kill: ?(?:constraint=|,?cpuset=|nodemask=)|Tasks? in \/\S* (?:killed as a result of limit of |are going to be killed)|Memory cgroup stats for \/|(?:memory|memory\+swap|kmem|swap): usage \d+kB, limit /y;

/** Whether an envelope follows marks that end at `start`, the two together longer than any comm. */
function envelopeAfter(line: string, start: number): boolean {
  const length = envelopeLength(line.slice(start));
  return length >= 0 && start + length > COMM_MAX;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Whether the line may open with a mark: a backtick, `-`, `*`, `+`, `|`, or a number and `.` or `)` (`12. `). */
function mayOpenWithMark(line: string): boolean {
  const first = line.charCodeAt(0);
  if (first === BACKTICK || first === DASH || first === ASTERISK || first === PLUS || first === PIPE)
    return true;
  if (!isDigit(first)) return false;
  for (let at = 1; at <= 3; at++) {
    const code = line.charCodeAt(at);
    if (code === DOT || code === CLOSE_PAREN) return true;
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
  if (first === DASH || first === ASTERISK || first === PLUS || first === PIPE) {
    i++;
  } else {
    while (i < at + 3 && isDigit(line.charCodeAt(i))) i++;
    const close = line.charCodeAt(i);
    if (i === at || (close !== DOT && close !== CLOSE_PAREN)) return at;
    i++;
  }
  if (line.charCodeAt(i) !== SPACE) return at;
  while (line.charCodeAt(i) === SPACE) i++;
  return i;
}

/**
 * Where the marks before the message end: backticks, a list mark, backticks again (`` `- ``, `` - ` ``). Spaces after
 * the first backticks are marks too: a page that rendered a code block on one line (```` ``` [Thu Jul 18 …] ````).
 */
function openingEnd(line: string): number {
  let at = backticksEnd(line, 0);
  if (at > 0) while (line.charCodeAt(at) === SPACE) at++;
  const mark = listMarkEnd(line, at);
  if (mark > at) at = backticksEnd(line, mark);
  return at;
}

/**
 * Where the line's text ends (before `from`), the spaces, tabs and a CR after it left out (a raw line of a CRLF
 * file).
 */
function textEnd(line: string, from = line.length): number {
  let end = from;
  for (let code = line.charCodeAt(end - 1); code === SPACE || code === TAB || code === CR;) {
    code = line.charCodeAt(--end - 1);
  }
  return end;
}

/** Whether the character at `at` is escaped: an odd run of backslashes before it. */
function escapedAt(line: string, at: number): boolean {
  let slashes = 0;
  while (line.charCodeAt(at - 1 - slashes) === BACKSLASH) slashes++;
  return slashes % 2 === 1;
}

/** The line without the backticks (and spaces after them) that close inline code; the line when none do. */
function withoutClosingBackticks(line: string): string {
  const spacesEnd = textEnd(line);
  let end = spacesEnd;
  while (end > 0 && line.charCodeAt(end - 1) === BACKTICK) end--;
  return end < spacesEnd ? line.slice(0, end) : line;
}

/** The line without the quote (and a comma after it) that closes a string literal opened by `quote`. */
function withoutClosingQuote(line: string, quote: number): string {
  let end = textEnd(line);
  if (line.charCodeAt(end - 1) === COMMA) end--;
  return line.charCodeAt(end - 1) === quote ? line.slice(0, end - 1) : line;
}

/**
 * The line without a string literal's quotes: around an envelope (`"6,…;text",`), or around any text when the
 * line ends with the literal's close (`"oom-kill:…,uid=0",`: no kernel line ends with a quote, so the first is no
 * comm's); the line when neither.
 */
function withoutStringQuotes(line: string): string {
  const quote = line.charCodeAt(0);
  if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) return line;
  if (envelopeAfter(line, 1)) return withoutClosingQuote(line.slice(1), quote);
  const end = textEnd(line);
  // A literal that a backslash continues on the next line (`"oom-kill:…,\`): its text, the backslash kept for
  // the joiner, which joins the rest (and its closing quote, which ends the last value as any writer's text does).
  if (line.charCodeAt(end - 1) === BACKSLASH && !quotedInside(line, quote, end - 1)) return line.slice(1);
  const close = closingQuoteAt(line, quote);
  if (close <= 0 || quotedInside(line, quote, close)) return line;
  return unescaped(line.slice(1, close), quote);
}

/** Whether the quote stands unescaped between the line's first character and `close`: two literals, not one. */
function quotedInside(line: string, quote: number, close: number): boolean {
  const mark = String.fromCharCode(quote);
  for (let at = line.indexOf(mark, 1); at > 0 && at < close; at = line.indexOf(mark, at + 1)) {
    if (!escapedAt(line, at)) return true;
  }
  return false;
}

/**
 * The head of a string literal that a program's source or a data file assigns, up to its opening quote, which it
 * captures: `logLine := "`, `containerLine       = "`, `const char *line = "`, `line = r'`, `x = f"`, `x = ("`,
 * `message: "`, `"MESSAGE" : "` (journalctl's json-pretty); the literal's prefix as LITERAL_OPENING's. Names and the
 * spaces between them cannot overlap, so it is linear.
 */
const ASSIGNED_LITERAL_HEAD =
  /^(?:[A-Za-z_$][\w$.]*(?:[ \t*&]+[A-Za-z_$][\w$.]*)*|"[\w.@-]{1,64}")[ \t]*(?::=|=|:)[ \t]*(?:[([][ \t]*)?(?:[A-Za-z][A-Za-z0-9]{0,2}#{0,3}|[$@]{1,2})?(["'`])/;

const SEMICOLON = 0x3b;
const BACKSLASH = 0x5c;

/**
 * Where a literal's closing quote is, when the line's text (up to `textEnd`) ends with it and a `,`, `;` or `)`
 * after it; else -1. An escaped quote closes nothing: the literal goes on.
 */
function closingQuoteAt(line: string, quote: number, textEndAt = textEnd(line)): number {
  let end = textEndAt;
  for (let marks = 0; marks < 2; marks++) {
    const last = line.charCodeAt(end - 1);
    if (last !== COMMA && last !== SEMICOLON && last !== CLOSE_PAREN) break;
    end--;
  }
  return line.charCodeAt(end - 1) === quote && !escapedAt(line, end - 1) ? end - 1 : -1;
}

/** A double-quoted literal's text with its escapes read (`\"`, `\\`, `\t`, `\u001b`), as JSON reads them. */
function unescaped(text: string, quote: number): string {
  if (quote !== DOUBLE_QUOTE || !text.includes('\\')) return text;
  try {
    return JSON.parse(`"${text}"`) as string;
  } catch {
    return text;
  }
}

/**
 * Code before a string literal's opening quote, up to the quote, which it captures: an assignment's head
 * (`line := `, `x = `), then a call's name and its `(` (`fmt.Sprintf("`, `cont("`, `log.info(f"`, `format!(r"`) or a
 * command's word (`echo "`, `puts "`), then a `(` or `[` (`("`, `[f"`), then the literal's prefix glued to its quote:
 * Python's `f"`, `b"`, `rb"`, C's `L"`, `u8"`, C#'s `$"`, `@"`, Rust's `r#"`. Each part ends in a mark the one before
 * it cannot hold (`=` or `:`, `(` or a blank, the quote), so it is linear.
 */
const LITERAL_OPENING =
  /^(?:[A-Za-z_$][\w$.]*(?:[ \t*&]+[A-Za-z_$][\w$.]*)*[ \t]*(?::=|=|:)[ \t]*)?(?:[A-Za-z_$][\w$.:]*!?[ \t]*\([ \t]*|[A-Za-z_][\w.-]*[ \t]+)?(?:[([][ \t]*)?(?:[A-Za-z][A-Za-z0-9]{0,2}#{0,3}|[$@]{1,2})?(["'`])/;

/** How far into a line LITERAL_OPENING's quote may be: a call's or an assignment's head is short. */
const LITERAL_OPENING_AT = 120;

/**
 * Whether a line may open a literal (LITERAL_OPENING): its quote first, or a name, `$`, `@`, `(` or `[` first and a
 * quote near.
 */
function mayOpenLiteral(line: string): boolean {
  const first = line.charCodeAt(0);
  if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE || first === BACKTICK) return true;
  if (!isNameStart(first) && first !== 0x40 && first !== 0x28 && first !== 0x5b) return false;
  for (let at = 1; at < LITERAL_OPENING_AT && at < line.length; at++) {
    const code = line.charCodeAt(at);
    if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE || code === BACKTICK) return true;
  }
  return false;
}

/** Where the literal that opens with `quote` at `from` closes: its first unescaped quote; -1 when not on the line. */
function literalCloseFrom(line: string, quote: number, from: number): number {
  const mark = String.fromCharCode(quote);
  for (let at = line.indexOf(mark, from); at >= 0; at = line.indexOf(mark, at + 1)) {
    if (!escapedAt(line, at)) return at;
  }
  return -1;
}

/**
 * Whether a record starts at `at`: an envelope (envelopeAfter), or a source before one (a syslog priority:
 * `<4>2026-…`, rsyslog's forward format), the two with the code before them longer than any comm.
 */
function recordAt(line: string, at: number): boolean {
  if (envelopeAfter(line, at)) return true;
  const source = sourcePrefixLength(line.slice(at));
  return source > 0 && envelopeAfter(line, at + source);
}

/**
 * The text of a string literal that code before it opens (LITERAL_OPENING), when a record starts right after its
 * quote: up to the literal's close, or the line's end when it goes on; the line when it is none. Its escapes stay,
 * as around an envelope after a bare quote (withoutStringQuotes). A syslog record quoted so (`f"2026-01-01T12:00:00
 * +00:00 leaf01 kernel: …\n"`, `cont("2026-09-19T17:27:56.876995+00:00 web-1 kernel: CPU: 1 …", "…"),`) lost its
 * host and time, while the same record after a bare quote or an assignment kept them (seventy-third red team B/06).
 * No kernel line starts with code and a quote that an envelope follows; what follows the literal's close is the
 * program's.
 */
function withoutOpenedLiteral(line: string): string {
  if (!mayOpenLiteral(line)) return line;
  const head = LITERAL_OPENING.exec(line);
  if (head === null || !recordAt(line, head[0].length)) return line;
  const start = head[0].length;
  const quote = (head[1] as string).charCodeAt(0);
  const close = literalCloseFrom(line, quote, start);
  if (close < 0) return line.slice(start);
  const text = line.slice(start, close);
  // A record's end (`\n`) before a close that ends the line comes off in the joiner (withoutLiteralRecordEnd), which
  // sees that close on the raw line; before one that code follows (`\n", ts)`), here.
  if (closingQuoteAt(line, quote) === close) return text;
  const end = literalRecordEndAt(text, false);
  return end < 0 ? text : text.slice(0, end);
}

/** Whether a line that assigns a literal may end with the character: its quote, or a `,`, `;` or `)` after it. */
function mayEndAssignedLiteral(code: number): boolean {
  return (
    code === DOUBLE_QUOTE ||
    code === SINGLE_QUOTE ||
    code === BACKTICK ||
    code === COMMA ||
    code === SEMICOLON ||
    code === CLOSE_PAREN
  );
}

/**
 * The text of a string literal that the line assigns (a program's test data, a pretty-printed JSON record); the
 * line when it is none. Only a line that ends with the literal's quote: a kernel line cannot end so and start with
 * a name and `=` or `:` before a quote, while text whatever it is may be a literal's, and is read as it would be
 * anywhere.
 */
function withoutAssignedLiteral(line: string): string {
  let last = line.charCodeAt(line.length - 1);
  if (last === SPACE || last === TAB) last = line.charCodeAt(textEnd(line) - 1);
  if (!mayEndAssignedLiteral(last)) return withoutBlockHead(line);
  const head = ASSIGNED_LITERAL_HEAD.exec(line);
  if (head === null) return line;
  const quote = (head[1] as string).charCodeAt(0);
  const close = closingQuoteAt(line, quote);
  return close < head[0].length ? line : unescaped(line.slice(head[0].length, close), quote);
}

/**
 * The head of a literal that goes on over the next lines, assigned by a program's test: a Go raw string or a
 * template literal (`` captured := ` ``), a Python block (`log = """`). As ASSIGNED_LITERAL_HEAD, it is linear.
 */
const BLOCK_HEAD = /^[A-Za-z_$][\w$.]*(?:[ \t*&]+[A-Za-z_$][\w$.]*)*[ \t]*:?=[ \t]*(`|"""|''')/;

/**
 * The head of a shell variable's quoted literal, which may go on over the next lines: `OOMREAL='`, `export LOG="`,
 * `local x='`, `declare -r X="` (no space around the `=`: the shell's). As BLOCK_HEAD, it is linear.
 */
const SHELL_HEAD =
  /^(?:(?:export|local|declare|readonly|typeset)(?:[ \t]+-[A-Za-z]+)*[ \t]+)?[A-Za-z_][A-Za-z0-9_]*=(["'])/;

/**
 * The text after the head of a literal over several lines that the line opens and does not close (its text goes
 * on in the lines after, read as any text is); the line when it opens none, or when its quote shows again on it
 * (closed there: a line whose literal closes is read as it is).
 */
function withoutBlockHead(line: string): string {
  const head = mayOpenBlock(line) ? (BLOCK_HEAD.exec(line) ?? SHELL_HEAD.exec(line)) : null;
  if (head === null) return line;
  const text = line.slice(head[0].length);
  return text.trim().length === 0 || text.includes(head[1] as string) ? line : text;
}

function isNameStart(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f || code === 0x24;
}

/**
 * Whether BLOCK_HEAD or SHELL_HEAD may match, told cheaply (most lines read get here): a name, then `:`, `=`, `*`,
 * `&`, another name or an option's `-`. An envelope fails at its first character, or (a syslog month) at the day
 * after it.
 */
function mayOpenBlock(line: string): boolean {
  if (!isNameStart(line.charCodeAt(0))) return false;
  let at = 1;
  for (let code = line.charCodeAt(at); isNameStart(code) || isDigit(code) || code === DOT;)
    code = line.charCodeAt(++at);
  while (line.charCodeAt(at) === SPACE || line.charCodeAt(at) === TAB) at++;
  const next = line.charCodeAt(at);
  const named =
    next === 0x3a ||
    next === 0x3d ||
    next === ASTERISK ||
    next === 0x26 ||
    next === DASH ||
    isNameStart(next);
  return named && quoteAfterFirstEquals(line);
}

/**
 * Whether the line's first `=` is followed, past spaces and tabs, by a quote: both heads hold no `=` before their
 * own, which a quote follows. Most lines that look like a name and more (`Memory cgroup out of memory: …`) have no
 * `=` or another character after it, and so try neither pattern.
 */
function quoteAfterFirstEquals(line: string): boolean {
  let at = line.indexOf('=');
  if (at < 0) return false;
  at++;
  while (line.charCodeAt(at) === SPACE || line.charCodeAt(at) === TAB) at++;
  const quote = line.charCodeAt(at);
  return quote === BACKTICK || quote === 0x22 || quote === 0x27;
}

const SLASH = 0x2f;
const HASH = 0x23;
const BANG = 0x21;

/**
 * The line without the mark of a line comment that a program or a script put it in (`// `, `# `, a space or a
 * tab after it; Rust's doc comments `/// ` and `//! `, whose examples are test data: `/// let log = "worker invoked
 * oom-killer: …";`, seventy-sixth red team B/17), or the gutter of a block comment (` * `, a Javadoc's or a C
 * comment's, its indent gone already): no kernel line starts so, and what follows is read as it would be anywhere,
 * so that a kill line wrapped behind the gutter is joined as one wrapped behind `# ` is.
 */
function withoutCommentMark(line: string): string {
  const first = line.charCodeAt(0);
  let at = first === HASH || first === ASTERISK ? 1 : first === SLASH && line.charCodeAt(1) === SLASH ? 2 : 0;
  if (at === 2 && (line.charCodeAt(2) === SLASH || line.charCodeAt(2) === BANG)) at = 3;
  if (at === 0 || (line.charCodeAt(at) !== SPACE && line.charCodeAt(at) !== TAB)) return line;
  while (line.charCodeAt(at) === SPACE || line.charCodeAt(at) === TAB) at++;
  return line.slice(at);
}

/**
 * The line without the mark of a line comment, the marks of a list item or a `| ` quote, inline code or a string
 * literal around its envelope and kernel text, or without the head and quotes of a string literal it assigns; a
 * markdown table row as its cell that holds kernel text (markdown-table.ts), unwrapped so too; the line as it is
 * when none of those wrap it.
 */
export function withoutPasteWrapping(raw: string): string {
  // `* ` is a markdown list's mark as well as a block comment's gutter: a list item before kernel text is read as
  // one (its inline code's closing backticks off), any other line without the gutter.
  if (raw.charCodeAt(0) === ASTERISK) {
    const listed = withoutMarks(raw);
    if (listed !== raw) return listed;
  }
  const line = withoutCommentMark(raw);
  if (line.charCodeAt(0) === PIPE) {
    const cell = kernelTextCell(line);
    if (cell !== null) return withoutMarks(cell);
  }
  return withoutMarks(line);
}

/** withoutPasteWrapping of a line without a comment mark or a table row's pipes. */
function withoutMarks(line: string): string {
  if (!mayOpenWithMark(line)) {
    const unquoted = withoutStringQuotes(line);
    if (unquoted !== line) return unquoted;
    const assigned = withoutAssignedLiteral(line);
    return assigned === line ? withoutOpenedLiteral(line) : assigned;
  }
  const start = openingEnd(line);
  if (start === 0) return line;
  // A list item or a concatenation's piece that is a literal (`- "Jan  1 …"`, `+ f"…"`): its text, not its quote,
  // which a syslog stamp's first word would take in.
  const rest = line.slice(start);
  const opened = withoutOpenedLiteral(rest);
  if (opened !== rest) return opened;
  KERNEL_START.lastIndex = start;
  const marks = envelopeAfter(line, start) || KERNEL_START.test(line);
  return marks ? withoutClosingBackticks(rest) : line;
}

/** What may open a literal that goes on in the next line: its quote, after the margin, a `(`, `[` or `+`, a prefix. */
const LITERAL_START = /^[ \t]*(?:[([+][ \t]*)?[bBrRuUfF]{0,2}(["'])/;

/** Whether the text before `at` ends in the escape of the character `code` (`\n`, `\r`), not a backslash escaped. */
function endsInEscaped(line: string, at: number, code: number): boolean {
  return line.charCodeAt(at - 1) === code && escapedAt(line, at - 1);
}

/** Whether the text before `at` ends in a `\n` escape (a program's record end), not an escaped backslash and `n`. */
function endsInNewlineEscape(line: string, at: number): boolean {
  return endsInEscaped(line, at, 0x6e);
}

/** Where a program's literal piece ends on the line: its text's end, a concatenation's `+` after it left out. */
function literalEnd(line: string): number {
  const end = textEnd(line);
  return line.charCodeAt(end - 1) === PLUS ? textEnd(line, end - 1) : end;
}

/**
 * The quote of the string literal that the line is (or assigns), when the literal goes on in the next line: a
 * program's adjacent literals (`"…"` then `"…"`: Python, C) or a concatenation (`"…" +`). The line ends with the
 * quote, or the quote and a `+`: no `,` or `)` closes the value, and the text does not end in a `\n` escape, which
 * ends the log record it holds. Else -1. Cheap on lines that are no literal: their last character tells.
 */
export function continuedLiteralQuote(line: string): number {
  const end = literalEnd(line);
  const quote = line.charCodeAt(end - 1);
  if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) return -1;
  // A triple quote opens or closes a block of text (Python), whose lines are no literals of their own.
  if (line.charCodeAt(end - 2) === quote && line.charCodeAt(end - 3) === quote) return -1;
  const trimmed = line.trimStart();
  const literal = LITERAL_START.exec(line);
  const assigned = literal === null ? ASSIGNED_LITERAL_HEAD.exec(trimmed) : null;
  const head = literal ?? assigned;
  if (head === null || (head[1] as string).charCodeAt(0) !== quote) return -1;
  // Where the literal's text starts in the line: after its opening quote.
  const opened = head[0].length + (assigned === null ? 0 : line.length - trimmed.length);
  const close = closingQuoteAt(line, quote, end);
  if (close !== end - 1 || close < opened) return -1;
  return endsInNewlineEscape(line, end - 1) ? -1 : quote;
}

/**
 * The text of the literal that the line `raw` goes on with, after a line for which continuedLiteralQuote gave
 * `quote`: the line is that literal's next piece (`"…"`, `+ "…"`, `"…",`), whose quotes, closing marks and
 * `\n` escape at its end are not text. Null when the line is no such piece.
 */
export function literalContinuation(raw: string, quote: number): string | null {
  const start = LITERAL_START.exec(raw);
  if (start === null || (start[1] as string).charCodeAt(0) !== quote) return null;
  const close = closingQuoteAt(raw, quote, literalEnd(raw));
  if (close < start[0].length) return null;
  return raw.slice(start[0].length, endsInNewlineEscape(raw, close) ? close - 2 : close);
}

/**
 * Where what ends a program's literal at the end of the line (up to `end`) starts: the backslash that continues it
 * on the next source line (`…\n\`), or its closing quote and up to two marks after it (`…\n"`, `…\n",`,
 * `…\n');`); `end` when neither.
 */
function literalCloseAt(line: string, end: number): number {
  if (line.charCodeAt(end - 1) === BACKSLASH && !escapedAt(line, end - 1)) return end - 1;
  const close = closingQuoteAt(line, DOUBLE_QUOTE, end);
  if (close >= 0) return close;
  const single = closingQuoteAt(line, SINGLE_QUOTE, end);
  return single >= 0 ? single : end;
}

/**
 * Where a program literal's record end starts in the line: a `\n` escape (a `\r\n` pair) at the end of its
 * text, the literal's close after it (literalCloseAt; `closed`: it must have one, else it may). -1 when none.
 */
function literalRecordEndAt(line: string, closed: boolean): number {
  const end = literalEnd(line);
  const close = literalCloseAt(line, end);
  if (closed && close === end) return -1;
  if (!endsInNewlineEscape(line, close)) return -1;
  const newline = close - 2;
  return endsInEscaped(line, newline, 0x72) ? newline - 2 : newline;
}

/**
 * The text of the record that the line `raw` ends, without the `\n` escape (or `\r\n`) and the literal's close
 * after it (`\n\`, `\n"`, `\n",`, `\n" +`, `\r\n",`), when `raw` ends so: a program's test data, whose every
 * record ends in its escaped newline. The text may have lost the close already (a stage took the quotes off). Only
 * where the line shows the literal's close: a comm (a task row's last column) may end in a backslash and an `n`.
 */
export function withoutLiteralRecordEnd(text: string, raw: string): string {
  if (literalRecordEndAt(raw, true) < 0) return text;
  const at = literalRecordEndAt(text, false);
  return at < 0 ? text : text.slice(0, at);
}

/**
 * Whether the line ends a program literal's record: a `\n` escape (or `\r\n`), then the literal's close (`\n"`,
 * `\n",`, `\n")`, `\n" +`) or the backslash that continues it (`\n\`). The escape ended the line of text the
 * literal holds, and the record with it: no wrap of that record follows.
 */
export function endsLiteralRecord(line: string): boolean {
  return literalRecordEndAt(line, true) >= 0;
}

/** The text of a literal's first piece without its closing quote (and a `+` after it), when it still has it. */
export function withoutLiteralClose(text: string, quote: number): string {
  const end = literalEnd(text);
  return text.charCodeAt(end - 1) === quote ? text.slice(0, end - 1) : text;
}
