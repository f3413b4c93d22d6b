/**
 * Quoted-printable mail (RFC 2045) pasted as it was sent: mailing-list archives keep the raw body, where a line
 * that ends in `=` goes on, with no newline, on the next physical line (a soft break: `failcnt 5284=` + `3037`),
 * and `=XX` stands for a byte (`=3D` for `=`, `=2E` for `.`, `=20` for a trailing space, UTF-8 as several).
 * A quote mark (`> `) put before encoding is not repeated on the line a soft break continues. Some clients
 * (Outlook, Exchange) encode every line break too: `=0A` (or `=0D=0A`), mostly followed by a soft break, so
 * that no physical line is a line of the text.
 *
 * A node's own log may hold lines that look alike (`uid=1000`, base64 padding, a line cut after `=`), so
 * nothing is decoded unless the first QP_EVIDENCE_CHARS characters of the input show it is mail so encoded (the
 * kernel's own `=` encoded, `constraint=3D`, `gfp_mask=3D`…; the part's header; lines soft-broken in a row at an
 * encoder's width), the same in every reader (parseKernelLog, `scan`); and then only lines whose every `=` is an
 * escape an encoder writes, or a soft break.
 */
import { taskRowLine } from './kernel-lines/task-row.ts';
import { readLogRecord } from './log-record.ts';

/** How much of the start of an input shows whether it is quoted-printable: the same in every reader. */
export const QP_EVIDENCE_CHARS = 1 << 16;

/**
 * The kernel's own `=` encoded, where no process name can put it: a comm (at most 15 characters) is printed
 * after `task=` and never before `oom-kill:` or in place of ` oom-killer: gfp_mask=`. A mail client that wrapped
 * lines before encoding them may have broken these anywhere it found a space or a hyphen, and the encoder then
 * soft-broke what was still too long (Evolution: `kernel: oom-` + `kill:constraint=3D…`, `invoked oom-=` +
 * `killer:` + `gfp_mask=3D…`; LKFT's reports: `oom-killer:` + `gfp_mask=3D…`): a line break, soft or not, is
 * allowed after the hyphen and after the colons. Or a kill line's figure that ends a line, the space a mail client
 * wrapped the line at encoded after it (`shmem-rss:0kB, UID:0=20`: a mail that quotes kill lines alone, the kernel's
 * own `=` nowhere; sixtieth red team A/12).
 */
const EVIDENCE =
  /oom-(?:=?\r?\n[ \t>]*)?kill:(?:=?\r?\n[ \t>]*)?constraint=3D|oom-(?:=?\r?\n[ \t>]*)?killer:(?: |[ \t]*=?\r?\n[ \t>]*)gfp_mask=3D|(?:\d(?:kB|kb)|UID:\d{1,10}|oom_score_adj:-?\d{1,4})=20(?=\r?\n|$)/g;

/**
 * Whether an input that starts with `head` is quoted-printable mail (only its first QP_EVIDENCE_CHARS count): the
 * evidence on a line that no other writer printed (any program may write `constraint=3D` to syslog or the
 * journal, and the kernel's own lines are the only ones read).
 */
export function showsQuotedPrintable(head: string): boolean {
  const text = head.length > QP_EVIDENCE_CHARS ? head.slice(0, QP_EVIDENCE_CHARS) : head;
  // Each line is read once, and looked for once: a line with the evidence again and again (another writer's,
  // hostile) was read and its start searched for again at each, 64 KiB at a time.
  let readEnd = 0;
  for (const found of text.matchAll(EVIDENCE)) {
    if (found.index < readEnd) continue;
    const start = text.lastIndexOf('\n', found.index) + 1;
    const end = text.indexOf('\n', found.index);
    readEnd = end < 0 ? text.length : end;
    if (readLogRecord(text.slice(start, readEnd))?.fromKernel !== false) return true;
  }
  return namesQuotedPrintable(text) || showsSoftBrokenRun(text);
}

/**
 * A MIME part's own header, alone on its line (a mail's raw part as an archive keeps it, Google Groups' text/html
 * part: `Content-Transfer-Encoding: quoted-printable`; seventy-sixth red team A/08). Never a log record's text: a
 * mail program's syslog line that logs the header has its envelope before it.
 */
const PART_HEADER = /^(?:> ?)*content-transfer-encoding:[ \t]*quoted-printable[ \t]*\r?$/im;

function namesQuotedPrintable(text: string): boolean {
  return PART_HEADER.test(text);
}

/**
 * An encoder cuts a line too long at its width (RFC 2045: at most 76 characters with the `=`; Evolution's 74;
 * up to two less where it would not split an escape `=3D`) and ends it with a soft break. Lines so cut in a row are
 * a soft-broken paragraph, what no log writes, even where no `=` of the kernel's is encoded (the text/html part of
 * a Google Groups mail: console lines glued in `<div>`s, `… Out=` + ` of memory: Killed process 161 … anon-rss:5=` +
 * `56kB, …`, another program's `ret=3D-22` only; seventy-sixth red team A/07). Each of those lines goes on from
 * the one before it, so has no envelope of its own; the first is no other writer's record. No task row counts:
 * it ends in its process's name, which may end in `=`.
 */
const ENCODER_WIDTH_MIN = 72;
const ENCODER_WIDTH_MAX = 76;
const SOFT_BROKEN_RUN = 3;

function showsSoftBrokenRun(text: string): boolean {
  let run = 0;
  for (let start = 0; start < text.length;) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const line = text.slice(start, end);
    run = cutAtEncoderWidth(line) && continuesRun(line, run) ? run + 1 : 0;
    if (run >= SOFT_BROKEN_RUN) return true;
    start = end + 1;
  }
  return false;
}

function cutAtEncoderWidth(line: string): boolean {
  const width = bodyEnd(line);
  return width >= ENCODER_WIDTH_MIN && width <= ENCODER_WIDTH_MAX && endsInSoftBreak(line) && qpShaped(line);
}

/** Whether a line cut at an encoder's width may be the next of a soft-broken run `run` lines long so far. */
function continuesRun(line: string, run: number): boolean {
  const entry = readLogRecord(line);
  if (entry === null || taskRowLine.read(entry.text, false) !== null) return false;
  return run === 0 ? entry.fromKernel : !entry.enveloped;
}

/** Physical lines one soft-broken line may take, more than any kernel line needs at 76 characters a line. */
const MAX_SOFT_BROKEN_LINES = 32;

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  return -1;
}

/** The byte of the escape at `at` (`=XX`, upper-case hex as RFC 2045 has it), or -1. */
function escapeAt(text: string, at: number): number {
  if (text.charCodeAt(at) !== 0x3d) return -1;
  const high = hexValue(text.charCodeAt(at + 1));
  const low = hexValue(text.charCodeAt(at + 2));
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

/** The line without the CR of a CRLF ending. */
function bodyEnd(line: string): number {
  return line.charCodeAt(line.length - 1) === 0x0d ? line.length - 1 : line.length;
}

/** The encoded line feed, which ends a line of the text wherever it is (`=0D=0A` for CRLF). */
const ENCODED_LF = '=0A';

/**
 * Whether `byte` is punctuation an encoder may escape (`-` at a line's start, `.`, `=`, `_`, `~`…) and whose
 * escape holds a hex letter: `=25` or `=40` is a number after `=` as often as a `%` or an `@`.
 */
function escapedPunctuation(byte: number): boolean {
  if (byte <= 0x20 || byte >= 0x7f || (byte & 0x0f) < 0x0a) return false;
  const letter = byte | 0x20;
  return letter < 0x61 || letter > 0x7a;
}

/** Whether a line break follows at `at` of a line whose text ends at `end`: its end, a soft or an encoded one. */
function breakAt(line: string, at: number, end: number): boolean {
  if (at === end || (at + 1 === end && line.charCodeAt(at) === 0x3d)) return true;
  const byte = escapeAt(line, at);
  return byte === 0x0a || byte === 0x0d;
}

/**
 * Whether an encoder writes the escape at `at` of a line whose text ends at `end`: `=` itself and other
 * punctuation, a line feed, a space, tab or CR before a line break (hard, soft or encoded), or a byte of UTF-8.
 * Never a letter, a digit, another control or a space inside a line: `uid=1000`, `pid=4404`, `order=2048`
 * hold no escape.
 */
function encoderEscape(line: string, at: number, end: number): boolean {
  const byte = escapeAt(line, at);
  if (byte >= 0x80 || byte === 0x0a || escapedPunctuation(byte)) return true;
  if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  return breakAt(line, at + 3, end);
}

/** Whether every `=` of the line is an escape an encoder writes, or its last character (a soft break). */
function qpShaped(line: string): boolean {
  const end = bodyEnd(line);
  for (let at = line.indexOf('='); at >= 0 && at < end - 1; at = line.indexOf('=', at + 1)) {
    if (!encoderEscape(line, at, end)) return false;
    at += 2;
  }
  return true;
}

function endsInSoftBreak(line: string): boolean {
  const end = bodyEnd(line);
  return end > 0 && line.charCodeAt(end - 1) === 0x3d;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The bytes of a run of escapes as text: UTF-8, else ISO-8859-1, each byte its character (a mail sent as
 * `charset=ISO-8859-1`, Gmail's until about 2012: `[ =A0963.489248]`, its no-break space; sixtieth red team A/09).
 */
function runText(bytes: number[]): string {
  if (bytes.every((byte) => byte < 0x80)) return String.fromCharCode(...bytes);
  try {
    return utf8.decode(new Uint8Array(bytes));
  } catch {
    return String.fromCharCode(...bytes);
  }
}

/**
 * The text of a line qpShaped passed, or of such lines joined, with its escapes decoded and a final `=` (no
 * line came after it) kept; null when an `=` inside it is no escape.
 */
function decodeEscapes(text: string): string | null {
  let at = text.indexOf('=');
  if (at < 0) return text;
  const end = bodyEnd(text);
  let out = '';
  let from = 0;
  while (at >= 0 && at < end - 1) {
    const bytes: number[] = [];
    let next = at;
    for (let byte = escapeAt(text, next); byte >= 0; byte = escapeAt(text, next)) {
      bytes.push(byte);
      next += 3;
    }
    if (bytes.length === 0) return null;
    out += text.slice(from, at) + runText(bytes);
    from = next;
    at = text.indexOf('=', next);
  }
  return out + text.slice(from);
}

/**
 * Physical lines of a quoted-printable input into its lines: soft breaks joined, escapes decoded. A line that
 * is not quoted-printable (an `=` that is no escape), and the lines of a soft-broken line that does not decode,
 * are handed on as they are; a final `=` that no such line follows stays. Each line goes with the number of the
 * physical line it starts on.
 */
export class QuotedPrintableLines {
  private readonly held: string[] = [];
  private heldLineNo = 0;
  private readonly take: (text: string, lineNo: number) => void;

  constructor(take: (text: string, lineNo: number) => void) {
    this.take = take;
  }

  push(raw: string, lineNo: number): void {
    const shaped = qpShaped(raw);
    const lastBreak = shaped ? raw.lastIndexOf(ENCODED_LF) : -1;
    if (lastBreak >= 0) {
      this.pushBroken(raw, lastBreak + ENCODED_LF.length, lineNo);
      return;
    }
    if (this.held.length > 0) {
      if (!shaped) this.release();
      else {
        this.held.push(raw);
        if (!endsInSoftBreak(raw) || this.held.length >= MAX_SOFT_BROKEN_LINES) this.release();
        return;
      }
    }
    if (shaped && endsInSoftBreak(raw)) {
      this.held.push(raw);
      this.heldLineNo = lineNo;
    } else {
      this.take(shaped ? (decodeEscapes(raw) ?? raw) : raw, lineNo);
    }
  }

  /**
   * A line with encoded line breaks, cut after the last one: the lines they end handed on (the first one
   * continues what is held), the text after it pushed as a line that starts there, unless it is a soft break alone.
   */
  private pushBroken(raw: string, cut: number, lineNo: number): void {
    if (this.held.length === 0) this.heldLineNo = lineNo;
    this.held.push(raw.slice(0, cut));
    this.release(lineNo);
    const rest = raw.slice(cut);
    const end = bodyEnd(rest);
    if (end > 1 || (end === 1 && rest.charCodeAt(0) !== 0x3d)) this.push(rest, lineNo);
  }

  /**
   * The soft-broken line held (the input ended, or its next line is not quoted-printable), or the lines that
   * encoded line breaks end in it (pushBroken: it ends with one), the ones after the first on line `breakLineNo`.
   */
  release(breakLineNo = this.heldLineNo): void {
    const lines = this.held;
    if (lines.length === 0) return;
    let joined = '';
    for (let i = 0; i < lines.length - 1; i++) {
      const line = lines[i] as string;
      joined += line.slice(0, bodyEnd(line) - 1);
    }
    joined += lines[lines.length - 1] as string;
    const decoded = decodeEscapes(joined);
    if (decoded === null) lines.forEach((line, i) => this.take(line, this.heldLineNo + i));
    else if (!decoded.includes('\n')) this.take(decoded, this.heldLineNo);
    else {
      const texts = decoded.split('\n');
      texts.pop(); // nothing: the held text ends with its last break
      texts.forEach((text, i) =>
        this.take(text.slice(0, bodyEnd(text)), i === 0 ? this.heldLineNo : breakLineNo),
      );
    }
    lines.length = 0;
  }
}
