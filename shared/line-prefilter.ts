/**
 * Lines into records, with the readers' fast path (parseKernelLog, `scan`). Most lines of a node's kernel log
 * are not OOM text, and reading their envelope (readLogRecord) and classifying them (parseKernelLine) was most
 * of the cost. A record is set aside unread when:
 * - skimLogRecord (log-record.ts) finds no OOM text (mayBeOomText, kernel-line.ts) in the text that holds its
 *   message: then parseKernelLine would call it `not-oom`, which the assembler ignores whatever its state;
 * - and no line continues it. The wrapped-line joiner needs to know, of every line, whether it carries a
 *   record and an envelope; skimLogRecord says so exactly, and a record is read in full once a line joins it.
 * So results do not change, only the work: test/shared/line-prefilter.test.ts checks that on every sample log
 * and on generated ones, against the same readers with `{ prefilter: false }`. `scan` hands RecordJoiner the
 * lines it found to be such records without cutting them out (pushQuiet), as it does call-trace frames and
 * other writers' lines that it tells in place (record-shape.ts), and reads at once those that hold OOM text
 * (`read`).
 */
import { startsWithClock } from './envelope-prefixes.ts';
import { mayBeOomText } from './kernel-line.ts';
import type { LogEntry, RecordSkim } from './log-record.ts';
import { holdsGluedSyslogRecord } from './glued-records.ts';
import { blankEntry, readLogRecord, skimLogRecord } from './log-record.ts';
import { continuedLiteralQuote, literalContinuation, withoutLiteralClose } from './paste-wrapping.ts';
import { continuesCutPath, PATH_REST } from './wrapped-path.ts';

export interface ReadOptions {
  /** Set aside, unread, the records that cannot be OOM text. The default; false reads every record. */
  prefilter?: boolean;
}

/**
 * The entry of a record the prefilter set aside. It is marked as not from the kernel, so an assembler handed
 * it would ignore it like the `not-oom` line it stands for; readers leave it out instead.
 */
export const SET_ASIDE: LogEntry = Object.freeze({ ...blankEntry(''), fromKernel: false });

export interface JoinedRecord {
  /** SET_ASIDE for a record the prefilter did not read. */
  entry: LogEntry;
  /** 1-based number of the line the record starts on. */
  lineNo: number;
  /**
   * With SET_ASIDE: the record is a call-trace frame that `scan` read in place for just this time
   * (RecordJoiner.pushQuiet), which the assembler takes of it.
   */
  frameTime?: number;
}

interface OpenRecord {
  /** Its first line, kept until the record is read. */
  raw: string;
  lineNo: number;
  /** The length of its last line. */
  rawLength: number;
  enveloped: boolean;
  /** What the prefilter looks at, while the record is not read. */
  holder: string;
  /** Null until read: with the prefilter, a record is read when it may be OOM text or a line joins it. */
  entry: LogEntry | null;
  /**
   * The quote of a program's string literal that its last line leaves to go on in the next; else -1. UNTOLD until
   * a line without an envelope asks (joinsLiteral): most records are followed by one with an envelope.
   */
  literalQuote: number;
}

function readEntry(raw: string): LogEntry {
  const entry = readLogRecord(raw);
  if (entry === null) throw new Error(`skimLogRecord and readLogRecord disagree on ${JSON.stringify(raw)}`);
  return entry;
}

/** The mark a print layout puts before a wrapped line's rest (Linux Journal: `↪`). */
const WRAP_MARK = '\u21aa';

function continuationText(text: string): string {
  const rest = text.trimStart();
  return rest.startsWith(WRAP_MARK) ? rest.slice(WRAP_MARK.length).trimStart() : rest;
}

/**
 * A mail client wraps at a space: the rest joins with one, unless the line kept it at its end. A web page wraps a
 * cgroup path after a `/`, and a summary (which has no space) is wrapped after a comma: the rest joins with
 * nothing.
 */
function glueAfter(text: string): string {
  const last = text.charCodeAt(text.length - 1);
  if (Number.isNaN(last) || last === 0x2f || last === 0x20 || last === 0x09) return '';
  return last === 0x2c && text.includes(SUMMARY) ? '' : ' ';
}

/**
 * The longest text lines join into. printk holds a record's text to 1 KiB, and a paste's wrapping adds little;
 * past this, a line starts a record of its own, so a long run of lines without an envelope joins in linear time.
 */
const JOINED_MAX = 8192;

/** OpenRecord.literalQuote not told yet: continuedLiteralQuote of the record's line, when it has one line. */
const UNTOLD = -2;

// The margin a paste puts before every line: its indent and its e-mail quoting.
const MARGIN = /^[ \t]*(?:> ?)*/;

/** How deep the line is quoted (`> `, `>>`). A mail client wraps a quoted line with its quote marks. */
function quoteDepth(line: string): number {
  const margin = MARGIN.exec(line)?.[0] ?? '';
  let depth = 0;
  for (let i = 0; i < margin.length; i++) if (margin.charCodeAt(i) === 0x3e) depth++;
  return depth;
}

/** A line blank once its margin is off (indentation, quote marks, a CR): a paragraph ends there. */
const BLANK = /^[\s>\ufeff]*$/;
/**
 * What a paste puts where it left lines out or around them: `...`, `[...]`, `…`, a mark that says so
 * (`(...snipped...)`, `[ snip ]`, `<cut>`, `-- 40 lines omitted --`), a bare `:` (`: ` quoting), the `--` that
 * `grep -A/-B/-C` prints between its groups of lines, a markdown code fence (```` ``` ````, `~~~` or longer, with its
 * language).
 */
const ELISION =
  /^[\s:[(]*(?:\.\.|\u2026)[.\u2026\s\])]*$|^[\s[(<.\u2026-]*(?:\d+ (?:more )?lines? )?(?:snip(?:ped)?|cut|omitted|trimmed|skipped|elided|truncated)[\s.\u2026\])>-]*$|^\s*:\s*$|^\s*--\s*$|^\s*(?:`{3,}|~{3,})[\w+-]*\s*$/i;

const KILL = 'Killed process ';
const SUMMARY = 'oom-kill:';
/**
 * A key of the kill line (2.6.32 to 2.6.35 print `vsz:` for `total-vm:`) or of the summary, which starts the rest of
 * one wrapped: `total-vm:`, `task_memcg=`.
 */
const KEY =
  /^(?:(?:total-vm|vsz|anon-rss|file-rss|shmem-rss|UID|pgtables|oom_score_adj):|(?:gfp_mask|nodemask|cpuset|mems_allowed|oom_memcg|task_memcg|task|pid|uid|order|oom_score_adj|oom_adj|oomkilladj)=)/;
const HEADER = 'invoked oom-killer:';
/**
 * The header's keys: its first, `gfp_mask=`, after `invoked oom-killer: `, and each after it after `, ` (`nodemask=`
 * too, before 4.19: the summary's first).
 */
const HEADER_KEYS: ReadonlySet<string> = new Set([
  'gfp_mask=',
  'order=',
  'oom_score_adj=',
  'oom_adj=',
  'oomkilladj=',
]);
const FIRST_HEADER_KEY = 'gfp_mask=';

/** The open record, read, when it is the kernel's line of this kind (`Killed process `, `oom-kill:`); else null. */
function kernelLineOf(open: OpenRecord, kind: string): LogEntry | null {
  // While the record is not read, its holder holds its text: most records are not of the kind, and stay unread.
  if (!(open.entry?.text ?? open.holder).includes(kind)) return null;
  const head = (open.entry ??= readEntry(open.raw));
  return head.fromKernel && head.text.includes(kind) ? head : null;
}

/**
 * How the rest of the open record joins it, when the record is the kernel's kill line, summary or header and does
 * not have `key` yet; else null. The kill line has a space before each key, the summary a comma and no space, the
 * header a comma and a space.
 */
function keyGlue(open: OpenRecord, key: string): string | null {
  const kind = !key.endsWith('=') ? KILL : HEADER_KEYS.has(key) ? HEADER : SUMMARY;
  let head = kernelLineOf(open, kind);
  let joinsHeader = kind === HEADER;
  // `nodemask=`: the summary's first key, and the header's after its gfp_mask before 4.19.
  if (head === null && key === 'nodemask=') {
    head = kernelLineOf(open, HEADER);
    joinsHeader = true;
  }
  if (head === null || head.text.includes(key)) return null;
  // The kernel's line ends in no space: spaces a paste kept at its end go, and the key's separator comes instead.
  head.text = head.text.trimEnd();
  // The first key follows the header's colon and a space, the only place it goes: a wrap there joins with the space.
  if (key === FIRST_HEADER_KEY) return head.text.endsWith(HEADER) ? ' ' : null;
  // The header's other keys follow a comma and a space: a wrap after the comma joins with the space.
  if (joinsHeader) return head.text.endsWith(',') ? ' ' : ', ';
  // The summary's keys follow a comma: a wrap after it joins with nothing, one an author made before it with one.
  if (kind === SUMMARY) return head.text.endsWith(',') ? '' : ',';
  return ' ';
}

/**
 * Whether the line `source[…, end)` ends in a backslash, spaces and a CR after it aside: a shell's or a
 * program's line continuation (a docstring's copy of a syslog line, `…oom_memcg=/kubepods/…,\`). The writer
 * says so: the next line goes on with its text, whatever lines so far were like.
 */
function endsInBackslash(source: string, end: number): boolean {
  return backslashAt(source, end) >= 0;
}

/** Where the backslash that ends `source[…, end)` is, spaces, tabs and a CR after it aside; else -1. */
function backslashAt(source: string, end: number): number {
  let at = end - 1;
  for (let c = source.charCodeAt(at); c === 0x20 || c === 0x09 || c === 0x0d; c = source.charCodeAt(--at));
  return at >= 0 && source.charCodeAt(at) === 0x5c ? at : -1;
}

/**
 * Whether the backslash that ends `source[…, end)` comes right after a `\n` escape (`echo '…'\n\`): it continues a
 * program's literal, but the escape ended the line of text the literal holds, and the record with it.
 */
function endsAfterNewlineEscape(source: string, end: number): boolean {
  const at = backslashAt(source, end);
  if (at < 2 || source.charCodeAt(at - 1) !== 0x6e) return false;
  let slashes = 0;
  while (source.charCodeAt(at - 2 - slashes) === 0x5c) slashes++;
  return slashes % 2 === 1;
}

/**
 * Whether joining the text `tail` onto `head` would hide a kill line or a summary in it: each is a line of its own,
 * which the kernel never prints after another on one line, and a record holds one.
 */
function hidesKill(head: string, tail: string): boolean {
  const tailHolds = tail.includes(KILL) || tail.includes(SUMMARY);
  return tailHolds && (head.includes(KILL) || head.includes(SUMMARY));
}

/**
 * The open record less its backslash, and what joins its rest: nothing after a comma or nothing, else a space.
 * Null for a task-table row (`[ pid ] …`): it ends in the comm, which may end in a backslash itself.
 */
function backslashGlue(open: OpenRecord): string | null {
  const head = (open.entry ??= readEntry(open.raw));
  if (head.text.startsWith('[')) return null;
  const at = backslashAt(head.text, head.text.length);
  if (at >= 0) head.text = head.text.slice(0, at).trimEnd();
  return head.text === '' || head.text.endsWith(',') ? '' : ' ';
}

/** The rest of a kill-line size that a wrap split inside its number: `total-vm:22239` + `788kB, anon-rss:…`. */
const SIZE_REST = /^\d+kB(?:[,\s]|$)/;
/** A kill line that ends inside a size (not its last value, `oom_score_adj:N`, which is whole): `total-vm:22239`. */
const ENDS_IN_A_VALUE = /(?:total-vm|anon-rss|file-rss|shmem-rss|pgtables):\d+$/;

/** How the rest of a size joins the open record: with nothing, when that is a kill line ending in its digits. */
function sizeRestGlue(open: OpenRecord): string | null {
  const head = kernelLineOf(open, KILL);
  return head !== null && ENDS_IN_A_VALUE.test(head.text) ? '' : null;
}

/** A kill line that ends with its pid: `…Killed process 2692`, its comm and values wrapped to the next line. */
const ENDS_IN_A_PID = /Killed process \d+$/;

/**
 * How the rest of a kill line that starts with the comm (`(systemd-udevd) total-vm:…`) joins the open record: with
 * a space, when that is a kill line that ends with its pid (a hand wrap in a commit message or a mail).
 */
function commRestGlue(open: OpenRecord): string | null {
  const head = kernelLineOf(open, KILL);
  return head !== null && ENDS_IN_A_PID.test(head.text.trimEnd()) ? ' ' : null;
}

/** How the rest of a path an author wrapped after a `/` joins the open kernel line (wrapped-path.ts): with nothing. */
function pathRestGlue(open: OpenRecord, raw: string, text: string): string | null {
  if (!(open.entry?.text ?? open.holder).trimEnd().endsWith('/')) return null;
  const head = kernelLineOf(open, '/');
  return head !== null && continuesCutPath(head.text, open.raw, text, raw) ? '' : null;
}

/**
 * A terminal wraps between any two characters, a space among them: when the rest of a line starts with one
 * beyond the margin the first line has (`order=0,` + ` oom_score_adj=0`), that space is text.
 */
function wrapGlue(first: string, rest: string): string {
  const margin = MARGIN.exec(first)?.[0].length ?? 0;
  if (rest.slice(0, margin).trim() !== first.slice(0, margin).trim()) return '';
  const code = rest.charCodeAt(margin);
  return code === 0x20 || code === 0x09 ? ' ' : '';
}

/**
 * Pasted logs wrap long lines. When most lines carry an envelope (dmesg time, syslog prefix), a line without
 * one continues the line above. A terminal wraps at a fixed width and splits words, so a line exactly as long
 * as the longest line joins with nothing; a mail client wraps at spaces, so a shorter one joins with a space,
 * unless it ends in a path's `/` or kept the space. A print layout's wrap mark (`↪`) is not part of the text.
 * In any paste, the rest of a kill line or summary is told by its first key, or by the rest of a size the wrap
 * split inside its number (joined with nothing). A blank line ends a record.
 *
 * Line by line: the caller gives the width of the longest line (the whole text's, or the longest seen when
 * streaming), and gets each record once the line after it shows that the record is whole.
 */
export class RecordJoiner {
  private readonly prefilter: boolean;
  private open: OpenRecord | null = null;
  /**
   * The open record instead of `open` when it came from pushQuiet: where it is, and the frame's time (NaN: set
   * aside); reused from line to line.
   */
  private readonly quiet = { source: '', start: 0, end: 0, lineNo: 0, frameTime: Number.NaN };
  private quietOpen = false;
  private records = 0;
  private enveloped = 0;

  constructor(options: ReadOptions = {}) {
    this.prefilter = options.prefilter !== false;
  }

  /**
   * Takes the next raw line; returns the record before it when this line starts a new one. `read`: read the
   * record now rather than skim it (what the plain path does; the caller knows the line holds OOM text).
   */
  push(raw: string, lineNo: number, width: number, read = !this.prefilter): JoinedRecord | null {
    let entry: LogEntry | null = null;
    let skim: RecordSkim | null;
    if (read) {
      entry = readLogRecord(raw);
      skim = entry === null ? null : { enveloped: entry.enveloped, holder: entry.text };
    } else {
      skim = skimLogRecord(raw);
    }
    // A blank line ends a paragraph: no line after it continues the record above.
    if (skim === null) return BLANK.test(raw) ? this.release() : null;
    // A line a time of day starts, before text that is no OOM text (`12:00:52 Mem-Info:`, so no envelope), is a
    // record of its own: it joins no record above, and none joins it, but it counts as a stamped line in a paste
    // of stamped lines, whose wrapped rests join the stamped OOM lines.
    const clocked = !skim.enveloped && startsWithClock(skim.holder);
    const joins = !skim.enveloped && !clocked && !this.openIsFull();
    if (joins && this.joinsLiteral(raw)) return null;
    const glue = joins ? this.glueBefore(raw, skim.holder, width) : null;
    if (glue !== null) {
      // glueBefore has cut a quiet record out.
      const previous = this.open as OpenRecord;
      const head = (previous.entry ??= readEntry(previous.raw));
      const tail = entry ?? readEntry(raw);
      if (!hidesKill(head.text, tail.text)) {
        head.text = `${head.text}${glue}${continuationText(tail.text)}`;
        head.truncated = tail.truncated;
        previous.rawLength = raw.length;
        // A line joined so is no literal's piece: no literal goes on from it.
        previous.literalQuote = -1;
        return null;
      }
    }
    if (skim.enveloped || clocked) this.enveloped++;
    this.records++;
    const finished = this.release();
    this.open = {
      raw,
      lineNo,
      rawLength: raw.length,
      enveloped: skim.enveloped,
      holder: skim.holder,
      entry,
      literalQuote: UNTOLD,
    };
    return finished;
  }

  /**
   * joinsLiteral when the open record came from pushQuiet: a syslog line whose first field starts with a
   * literal's quote (`"Mar 16 21:40:40 host kernel: "`) is told in place like any other.
   */
  private joinsQuietLiteral(raw: string): boolean {
    const { source, start, end } = this.quiet;
    const quote = continuedLiteralQuote(source.slice(start, end));
    if (quote < 0 || literalContinuation(raw, quote) === null) return false;
    this.cutOutQuiet().literalQuote = quote;
    return this.joinsLiteral(raw);
  }

  /** Whether the open record is as long as a record joined from lines may be (JOINED_MAX). */
  private openIsFull(): boolean {
    const text = this.quietOpen ? null : this.open?.entry?.text;
    return text != null && text.length >= JOINED_MAX;
  }

  /**
   * Whether the line `raw`, which has no envelope, is the next piece of a string literal that the open record's
   * last line left open (paste-wrapping.ts: a program's test data, one log record over adjacent literals); if so,
   * its text is joined on, with nothing between.
   */
  private joinsLiteral(raw: string): boolean {
    if (this.quietOpen) return this.joinsQuietLiteral(raw);
    const open = this.open;
    if (open === null) return false;
    if (open.literalQuote === UNTOLD) open.literalQuote = continuedLiteralQuote(open.raw);
    if (open.literalQuote < 0) return false;
    const rest = literalContinuation(raw, open.literalQuote);
    if (rest === null) return false;
    const head = (open.entry ??= readEntry(open.raw));
    if (hidesKill(head.text, rest)) return false;
    head.text = `${withoutLiteralClose(head.text, open.literalQuote)}${rest}`;
    open.rawLength = raw.length;
    open.literalQuote = continuedLiteralQuote(raw);
    return true;
  }

  /**
   * When the line `raw`, which has no envelope (`text`: its message), continues the open record, what joins
   * them; else null. It does when it is the rest of a kill line or summary (by its first key), or when most
   * lines so far have an envelope and the record has one. Never a line quoted otherwise than the record (under
   * a quote, a reply's text), nor an elision mark.
   */
  private glueBefore(raw: string, text: string, width: number): string | null {
    if (this.openEndsAfterNewlineEscape()) return null;
    // A quiet record holds no OOM text, so it is no task row: its backslash is a continuation.
    if (this.quietOpen && endsInBackslash(this.quiet.source, this.quiet.end)) {
      return backslashGlue(this.cutOutQuiet()) ?? '';
    }
    if (!this.quietOpen && this.open !== null && endsInBackslash(this.open.raw, this.open.raw.length)) {
      const glue = backslashGlue(this.open);
      if (glue !== null) return glue;
    }
    if (this.quietOpen) {
      // A quiet record (pushQuiet) is neither a kill line nor a summary, and its line is not quoted.
      if (quoteDepth(raw) !== 0) return null;
      if (holdsGluedSyslogRecord(text)) {
        const quiet = this.cutOutQuiet();
        return glueAfter((quiet.entry ??= readEntry(quiet.raw)).text);
      }
      const joins = this.enveloped * 2 > this.records && !ELISION.test(text);
      return joins ? this.wrapOrMailGlue(this.cutOutQuiet(), raw, width) : null;
    }
    const open = this.open;
    if (open === null) return null;
    const key = KEY.exec(text)?.[0];
    let glue = key === undefined ? null : keyGlue(open, key);
    if (glue === null && SIZE_REST.test(text)) glue = sizeRestGlue(open);
    if (glue === null && text.startsWith('(')) glue = commRestGlue(open);
    if (glue === null && PATH_REST.test(text)) glue = pathRestGlue(open, raw, text);
    // A mail client's reflow glued the next syslog record onto this rest: it says so whatever the rest of the paste.
    const reflowed = glue === null && open.enveloped && holdsGluedSyslogRecord(text);
    const mostEnveloped = this.enveloped * 2 > this.records;
    if (glue === null && !reflowed && (!open.enveloped || !mostEnveloped || ELISION.test(text))) return null;
    if (quoteDepth(raw) !== quoteDepth(open.raw)) return null;
    // A mail client's reflow wraps at spaces, whatever the widest line.
    if (glue === null && reflowed) return glueAfter((open.entry ??= readEntry(open.raw)).text);
    return glue ?? this.wrapOrMailGlue(open, raw, width);
  }

  /** Whether the open record's last line ends in a backslash right after a `\n` escape (endsAfterNewlineEscape). */
  private openEndsAfterNewlineEscape(): boolean {
    if (this.quietOpen) return endsAfterNewlineEscape(this.quiet.source, this.quiet.end);
    return this.open !== null && endsAfterNewlineEscape(this.open.raw, this.open.raw.length);
  }

  /** A terminal's wrap, at the widest line, or a mail client's or a web page's. */
  private wrapOrMailGlue(previous: OpenRecord, raw: string, width: number): string {
    if (previous.rawLength === width && width >= 60) return wrapGlue(previous.raw, raw);
    return glueAfter((previous.entry ??= readEntry(previous.raw)).text);
  }

  /**
   * Takes the line `source[start, end)` that the caller found to be a record with an envelope
   * (record-shape.ts) that the assembler ignores (the whole line fails mayBeOomText, or another writer printed
   * it), or (`frameTime`, a number) a call-trace frame with that time and no other OOM text: what push does
   * with it, without cutting it out of `source` unless a line joins it (then it is read). Returns the record
   * before it once whole, as push does, but only SET_ASIDE when that record came from here too and was set
   * aside.
   */
  pushQuiet(
    source: string,
    start: number,
    end: number,
    lineNo: number,
    frameTime: number | null = null,
  ): JoinedRecord | LogEntry | null {
    const finished = this.quietOpen && Number.isNaN(this.quiet.frameTime) ? SET_ASIDE : this.release();
    this.quietOpen = true;
    this.quiet.source = source;
    this.quiet.start = start;
    this.quiet.end = end;
    this.quiet.lineNo = lineNo;
    this.quiet.frameTime = frameTime ?? Number.NaN;
    this.enveloped++;
    this.records++;
    return finished;
  }

  /** The record held back (the end of input, or a pause in a followed stream): the next line starts anew. */
  release(): JoinedRecord | null {
    if (this.quietOpen) {
      this.quietOpen = false;
      const { frameTime, lineNo } = this.quiet;
      return Number.isNaN(frameTime) ? { entry: SET_ASIDE, lineNo } : { entry: SET_ASIDE, lineNo, frameTime };
    }
    const previous = this.open;
    this.open = null;
    return previous === null ? null : this.finish(previous);
  }

  /** The open quiet record as an open record of its own, which a line is about to join. */
  private cutOutQuiet(): OpenRecord {
    const { source, start, end, lineNo } = this.quiet;
    this.quietOpen = false;
    const raw = source.slice(start, end);
    // joinsQuietLiteral sets the quote of a literal this line leaves open.
    this.open = {
      raw,
      lineNo,
      rawLength: raw.length,
      enveloped: true,
      holder: raw,
      entry: null,
      literalQuote: -1,
    };
    return this.open;
  }

  private finish(record: OpenRecord): JoinedRecord {
    if (record.entry !== null) return { entry: record.entry, lineNo: record.lineNo };
    if (!mayBeOomText(record.holder)) return { entry: SET_ASIDE, lineNo: record.lineNo };
    return { entry: readEntry(record.raw), lineNo: record.lineNo };
  }
}
