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
import {
  continuedLiteralQuote,
  endsLiteralRecord,
  literalContinuation,
  withoutLiteralClose,
} from './paste-wrapping.ts';
import { mayBePathRest } from './wrapped-path.ts';
import {
  BLANK,
  COMMENT_MARK_ALONE,
  ELISION,
  JOINED_MAX,
  KEY_REST,
  keyRestGlue,
  LEAST_WRAP_WIDTH,
  LONE_BACKTICKS,
  type OpenRecord,
  SIZE_REST,
  UNTOLD,
  backslashGlue,
  commRestGlue,
  continuationText,
  cutLineRestGlue,
  endsWhole,
  envelopeAlone,
  startsKillMessage,
  endsAfterNewlineEscape,
  endsInBackslash,
  glueAfter,
  HEADER_REST,
  headerRestGlue,
  hidesKill,
  restByKeyGlue,
  pathRestGlue,
  PID_REST,
  pidRestGlue,
  quoteDepth,
  readEntry,
  sizeRestGlue,
  statsRestGlue,
  STATS_COUNTER_REST,
  wholeLineGlue,
  withoutRecordEnd,
  wrapGlue,
} from './line-glue.ts';

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

/** The most a start of the message with no OOM text in it takes, and a space after it: `Out of memor `. */
const CUT_MESSAGE_TAIL = 'Out of memor '.length;

/**
 * Whether the line `source[start, end)` ends in a start of `Out of memory: ` with no OOM text in it (`Out`, `Out of
 * mem`): what wholeLineGlue may join a rest to (messageCutGlue in line-glue.ts), and a quiet line can end in.
 */
function endsInCutMessage(source: string, start: number, end: number): boolean {
  // Only the line's last characters are looked at: a search back through the whole slice for each line would cost
  // the slice's length a line.
  const tail = source.slice(Math.max(start, end - CUT_MESSAGE_TAIL), end);
  const at = tail.lastIndexOf('Out');
  if (at < 0) return false;
  const cut = tail.slice(at).trimEnd();
  return startsKillMessage(cut);
}

/**
 * Whether a line quoted `depth` deep may continue a record quoted `openDepth` deep: at the same depth; or one level
 * less deep when it is the rest of the record's kill line, header or summary by its first key. A mail client that
 * wrapped a quoted line put its rest on a line of its own without quote marks, and the next reply quoted both once
 * more: `> > Killed process 1810 (bash) vsz:108384kB, anon-rss:0kB,` then `> file-rss:656kB` (linux-mm, 2010).
 */
function continuesAtDepth(depth: number, openDepth: number, restByKey: boolean): boolean {
  return depth === openDepth || (restByKey && depth === openDepth - 1);
}

/**
 * Pasted logs wrap long lines. When most lines carry an envelope (dmesg time, syslog prefix), a line without
 * one continues the line above. A terminal wraps at a fixed width and splits words, so a line exactly as long
 * as the longest line joins with nothing; a mail client wraps at spaces, so a shorter one joins with a space,
 * unless it ends in a path's `/`, a word's hyphen or kept the space (glueAfter). A print layout's wrap mark (`↪`) is not part of the text.
 * In any paste, the rest of a kill line or summary is told by its first key, or by the rest of a size the wrap
 * split inside its number or of a key it split at its hyphen (joined with nothing). An envelope alone on its line
 * takes the next line as its message, in any paste. A blank line ends a record.
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
  /**
   * The line being pushed was refused as the rest of a kill line or header whole in its last value (endsWhole): before
   * that rule it was joined on, and counted as no line; it still counts as none in mostEnveloped, so that two lines of
   * an author's prose after a whole line do not turn the paste's mail wraps after them into lines of their own.
   */
  private refusedAfterWhole = false;
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
      if (entry !== null) withoutRecordEnd(entry, raw);
      skim = entry === null ? null : { enveloped: entry.enveloped, holder: entry.text };
    } else {
      skim = skimLogRecord(raw);
    }
    // A blank line ends a paragraph: no line after it continues the record above.
    if (skim === null) return BLANK.test(raw) || COMMENT_MARK_ALONE.test(raw) ? this.release() : null;
    if (LONE_BACKTICKS.test(raw)) return this.release();
    // A line a time of day starts, before text that is no OOM text (`12:00:52 Mem-Info:`, so no envelope), is a
    // record of its own: it joins no record above, and none joins it, but it counts as a stamped line in a paste
    // of stamped lines, whose wrapped rests join the stamped OOM lines.
    const clocked = !skim.enveloped && startsWithClock(skim.holder);
    const joins = !skim.enveloped && !clocked && !this.openIsFull();
    if (joins && this.joinsLiteral(raw)) return null;
    if (joins && this.isMessageOfEnvelope(raw, skim.holder, entry)) return null;
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
    if (!this.refusedAfterWhole) this.records++;
    this.refusedAfterWhole = false;
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

  /**
   * Whether the open record is as long as a record joined from lines may be (JOINED_MAX). A record skimmed or told in
   * place is read for it when its line is that long (its text is no longer than its line), as the plain path reads
   * every record.
   */
  private openIsFull(): boolean {
    if (this.quietOpen) {
      const { source, start, end } = this.quiet;
      return end - start >= JOINED_MAX && readEntry(source.slice(start, end)).text.length >= JOINED_MAX;
    }
    const open = this.open;
    if (open === null) return false;
    if (open.entry === null && open.raw.length < JOINED_MAX) return false;
    return (open.entry ?? readEntry(open.raw)).text.length >= JOINED_MAX;
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
   * Whether the line `raw`, which has no envelope (`text`: its message; `entry`, when read), is the message of the open
   * record, an envelope alone on its line (envelopeAlone): whatever most lines of the paste are, as an envelope and its
   * message on a line make one record. Not across a blank line (which ended the record), nor an elision, nor quoted
   * otherwise than the envelope. The message's line then stands for the record's line, so that the rules that join a
   * wrapped line's rest (its indent, its width) read its rest as they read a record's on one line.
   */
  private isMessageOfEnvelope(raw: string, text: string, entry: LogEntry | null): boolean {
    const open = this.quietOpen ? this.quietRecord() : this.open;
    if (open === null || quoteDepth(raw) !== quoteDepth(open.raw) || ELISION.test(text)) return false;
    const envelope = envelopeAlone(open);
    if (envelope === null) return false;
    const message = entry ?? readEntry(raw);
    envelope.text = continuationText(message.text);
    envelope.truncated = message.truncated;
    this.quietOpen = false;
    this.open = {
      raw,
      lineNo: open.lineNo,
      rawLength: raw.length,
      enveloped: true,
      holder: envelope.text,
      entry: envelope,
      literalQuote: -1,
    };
    return true;
  }

  /**
   * When the line `raw`, which has no envelope (`text`: its message), continues the open record, what joins
   * them; else null. It does when it is the rest of a kill line or summary (by its first key), or when most
   * lines so far have an envelope and the record has one. Never a line quoted otherwise than the record (under
   * a quote, a reply's text; but a rest by its key one level less deep: continuesAtDepth), nor an elision mark.
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
      if (ELISION.test(text)) return null;
      // A header a terminal cut before its `oom` (`… java invoked o`) holds no OOM text, so it came here.
      const rest =
        this.quietRestGlue(raw, width) ??
        this.quietMessageCutGlue(raw, text, width) ??
        this.quietHeaderRestGlue(text);
      if (rest !== null) return rest;
      return this.mostEnveloped() ? this.wrapOrMailGlue(this.cutOutQuiet(), raw, width) : null;
    }
    const open = this.open;
    if (open === null) return null;
    let glue = restByKeyGlue(open, text);
    if (glue === null && KEY_REST.test(text)) glue = keyRestGlue(open, text);
    const restByKey = glue !== null;
    if (glue === null && SIZE_REST.test(text)) glue = sizeRestGlue(open);
    if (glue === null && STATS_COUNTER_REST.test(text)) glue = statsRestGlue(open);
    if (glue === null && text.startsWith('(')) glue = commRestGlue(open);
    if (glue === null && PID_REST.test(text)) glue = pidRestGlue(open);
    if (glue === null && HEADER_REST.test(text)) glue = headerRestGlue(open, text);
    if (glue === null && mayBePathRest(text.trimEnd())) glue = pathRestGlue(open, raw, text);
    // The paste's own wraps join the open record whatever they hold when most of its lines have an envelope.
    const mostEnveloped = this.mostEnveloped();
    const elided = ELISION.test(text);
    if (glue === null && !elided) {
      glue = wholeLineGlue(open, raw, text, width);
      // Where only this rule joins such a rest, it counts as a line of its own without an envelope, as it did before
      // the rule: what decides how the paste's other wraps join stays what it was.
      if (glue !== null && !(open.enveloped && mostEnveloped)) this.records++;
    }
    if (glue === null && !elided) glue = cutLineRestGlue(open, raw, width);
    // A kill line or header whole in its last value takes no rest but a wrap inside that value (cutLineRestGlue).
    if (glue === null && endsWhole(open)) {
      // The paste's wraps are told as if it had been joined: a line refused so does not count against them.
      this.refusedAfterWhole = true;
      return null;
    }
    // A mail client's reflow glued the next syslog record onto this rest: it says so whatever the rest of the paste.
    const reflowed = glue === null && open.enveloped && holdsGluedSyslogRecord(text);
    if (glue === null && !reflowed && (!open.enveloped || !mostEnveloped || elided)) return null;
    if (!continuesAtDepth(quoteDepth(raw), quoteDepth(open.raw), restByKey)) return null;
    // A mail client's reflow wraps at spaces, whatever the widest line.
    if (glue === null && reflowed) return glueAfter((open.entry ??= readEntry(open.raw)).text);
    return glue ?? this.wrapOrMailGlue(open, raw, width);
  }

  /** Whether most lines of the paste so far have an envelope: then its wraps join whatever they hold. */
  private mostEnveloped(): boolean {
    return this.enveloped * 2 > this.records;
  }

  /**
   * cutLineRestGlue of the open quiet record, read only when it is as long as the widest line; when it joins, the
   * record is cut out as it was read.
   */
  private quietRestGlue(raw: string, width: number): string | null {
    if (this.quiet.end - this.quiet.start !== width) return null;
    const record = this.quietRecord();
    const glue = cutLineRestGlue(record, raw, width);
    if (glue !== null) this.adoptQuiet(record);
    return glue;
  }

  /**
   * wholeLineGlue of the open quiet record when its line ends in a start of `Out of memory: ` (endsInCutMessage: `…
   * kernel: Out of` + ` Memory: Killed process 28804 (vmware).`), as the plain path joins it (quietJoinedAs).
   */
  private quietMessageCutGlue(raw: string, text: string, width: number): string | null {
    if (!endsInCutMessage(this.quiet.source, this.quiet.start, this.quiet.end)) return null;
    return this.quietJoinedAs((record) => wholeLineGlue(record, raw, text, width));
  }

  /**
   * What `glueOf` says joins the open quiet record, read; when something does, the record is cut out as it was read
   * and counts as the plain path counts a line only such a rule joins (a line of its own without an envelope).
   */
  private quietJoinedAs(glueOf: (record: OpenRecord) => string | null): string | null {
    const record = this.quietRecord();
    const glue = glueOf(record);
    if (glue === null) return null;
    this.adoptQuiet(record);
    if (!this.mostEnveloped()) this.records++;
    return glue;
  }

  /**
   * headerRestGlue of the open quiet record when the text is a header's rest (HEADER_REST): the record's comm and
   * ` invoked` hold no OOM text.
   */
  private quietHeaderRestGlue(text: string): string | null {
    if (!HEADER_REST.test(text)) return null;
    return this.quietJoinedAs((record) => headerRestGlue(record, text));
  }

  /**
   * Whether the open record's last line ends in a backslash right after a `\n` escape (endsAfterNewlineEscape), or in
   * such an escape and the literal's close (endsLiteralRecord: `parse_kmsg_record("6,1,2,-;Killed process 1 (a)\n"),`,
   * whose next line `None` is the program's, seventy-third red team B/06's review).
   */
  private openEndsAfterNewlineEscape(): boolean {
    if (this.quietOpen) {
      const { source, start, end } = this.quiet;
      return endsAfterNewlineEscape(source, end) || endsLiteralRecord(source.slice(start, end));
    }
    return (
      this.open !== null &&
      (endsAfterNewlineEscape(this.open.raw, this.open.raw.length) || endsLiteralRecord(this.open.raw))
    );
  }

  /** A terminal's wrap, at the widest line, or a mail client's or a web page's. */
  private wrapOrMailGlue(previous: OpenRecord, raw: string, width: number): string {
    if (previous.rawLength === width && width >= LEAST_WRAP_WIDTH) return wrapGlue(previous.raw, raw);
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
    // joinsQuietLiteral sets the quote of a literal this line leaves open.
    return this.adoptQuiet(this.quietRecord());
  }

  /** The open quiet record as an open record, not yet read. */
  private quietRecord(): OpenRecord {
    const { source, start, end, lineNo } = this.quiet;
    const raw = source.slice(start, end);
    return {
      raw,
      lineNo,
      rawLength: raw.length,
      enveloped: true,
      holder: raw,
      entry: null,
      literalQuote: -1,
    };
  }

  /** `record`, the quiet record's, as the open record. */
  private adoptQuiet(record: OpenRecord): OpenRecord {
    this.quietOpen = false;
    this.open = record;
    return record;
  }

  private finish(record: OpenRecord): JoinedRecord {
    if (record.entry !== null) return { entry: record.entry, lineNo: record.lineNo };
    if (!mayBeOomText(record.holder)) return { entry: SET_ASIDE, lineNo: record.lineNo };
    return { entry: readEntry(record.raw), lineNo: record.lineNo };
  }
}
