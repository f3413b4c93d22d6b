/**
 * Reads one kernel log as a stream of bytes (a file, stdin, a followed kmsg device) without holding it in
 * memory: bytes → lines → records (wrapped lines joined) → the report assembler in batches, its state carried
 * from batch to batch. Each input gets its own scanner: its own assembler state and line numbers.
 *
 * With the prefilter (the default), the bytes are decoded a slice at a time and searched once for OOM text
 * (chunk-marks.ts); most lines hold none, and are read in place (takeInPlace), as are most call-trace frames
 * (for their time alone) and other writers' lines (takeMarked). The plain path (`prefilter: false`) cuts out
 * and reads every line: test/shared/line-prefilter.test.ts and test/cli/scan/kernel-log-scanner.test.ts hold
 * the first to it.
 */
import type {
  AssemblerContext,
  AssemblerState,
  DriftLine,
  InputLine,
} from '../../shared/report-assembler.ts';
import { assembleReports } from '../../shared/report-assembler.ts';
import { parseKernelLine } from '../../shared/kernel-line.ts';
import { namesOomPath } from '../../shared/kernel-lines/cpu.ts';
import { FRAME_OFFSET } from '../../shared/kernel-lines/report-context.ts';
import { SET_ASIDE } from '../../shared/line-prefilter.ts';
import type { LogEntry } from '../../shared/log-record.ts';
import { blankEntry } from '../../shared/log-record.ts';
import { holdsGluedSyslogRecord, splitGluedRecords } from '../../shared/glued-records.ts';
import type { OomEvent } from '../../shared/oom-event.ts';
import { timeOf } from '../../shared/open-report.ts';
import {
  QP_EVIDENCE_CHARS,
  QuotedPrintableLines,
  showsQuotedPrintable,
} from '../../shared/quoted-printable.ts';
import { frameTimeAt, lineShapeAt, otherWriterAt } from '../../shared/record-shape.ts';
import type { MarkKind } from './chunk-marks.ts';
import { ChunkMarks } from './chunk-marks.ts';
import { charsBeyondRecord, RECORD_CHARS, WrappedLineJoiner } from './wrapped-lines.ts';
import type { JoinedRecord } from './wrapped-lines.ts';

/**
 * Records handed to the assembler per call: few enough to bound memory, many enough to amortise its state copy.
 * The records a batch waits for are most of what `scan` holds: at 8,192 its peak on the benchmark's log was
 * 104-110 MiB, at 4,096 it is 89-91 MiB, as fast, the output the same (docs/benchmarks.md).
 */
const BATCH_RECORDS = 4096;
/** A run of kill lines this long (a storm) is assembled even though more of the run may follow. */
const MAX_PENDING_RECORDS = 65536;
/**
 * 40 times the longest line of any real report the parser has read (1,477 characters): a longer line (binary input, a
 * log with no newlines) is read to here, and the rest of it set aside unread up to its newline (counts.cutLines).
 */
export const MAX_LINE_CHARS = 1 << 16;
/**
 * What the lines of a batch may hold beyond RECORD_CHARS each (charsBeyondRecord): lines of a kernel log never
 * count, and a few lines of megabytes end the batch rather than wait for 4,096 records. Beyond MAX_PENDING_LONG_CHARS
 * a batch ends even where a report may go on, as a storm's does at MAX_PENDING_RECORDS: enough for a memory.oom.group
 * kill of 200 members in Fluent Bit records of 10 KiB (a pod's labels in each) to stay one batch; at 1 Mi one of 160
 * was printed twice.
 */
const BATCH_LONG_CHARS = 1 << 18;
const MAX_PENDING_LONG_CHARS = 1 << 21;
/** Bytes decoded and searched at a time, so that the text is still in the CPU's cache when its lines are read. */
const SLICE_BYTES = 1 << 16;
const NEWLINE = 0x0a;

export interface ScanOutput {
  kills: OomEvent[];
  drift: DriftLine[];
  /**
   * Reports open when a followed file was rotated or truncated (nextFile) that closed with no kill line: what came after
   * the switch did not go on with them. Not format drift: the switch cut them off.
   */
  cutBySwitch?: DriftLine[];
}

export interface ScanCounts {
  lines: number;
  /** Lines longer than MAX_LINE_CHARS, read only to there. */
  cutLines: number;
  records: number;
  kills: number;
  incomplete: number;
  drift: number;
}

export interface ScannerOptions {
  batchRecords?: number;
  /**
   * Set aside the lines that cannot hold OOM text, unread (shared/line-prefilter.ts), and read such lines in
   * place, not cut out of their chunk (below); default true.
   */
  prefilter?: boolean;
  /** Lines held at the start to learn the widest (WrappedLineJoiner); tests lower it. */
  widthSampleLines?: number;
}

/**
 * A record of report context with a time (a call-trace frame, nearly always): the assembler takes nothing from
 * it but its time, which closes an open report on a gap (acceptEntry in shared/report-assembler.ts).
 */
class ContextTime {
  readonly time: number;
  readonly ref: number;

  constructor(time: number, ref: number) {
    this.time = time;
    this.ref = ref;
  }
}

/**
 * A record waiting for the assembler; null for one the prefilter set aside or the assembler would ignore (it
 * still counts towards a batch); on the fast path, only the time of report context.
 */
type PendingRecord = InputLine | ContextTime | null;

/**
 * Lines that may follow a report's kill and belong to it (more kills and the group line of memory.oom.group,
 * the reaper, an exiting victim): a batch never starts with one, so a report is not cut after its kill.
 */
function followsKill(line: PendingRecord): boolean {
  return line !== null && !(line instanceof ContextTime) && mayFollowKill(line.entry.text);
}

/** Whether `text` holds what a line that follows a kill holds (followsKill). */
function mayFollowKill(text: string): boolean {
  return (
    text.includes('Killed process ') ||
    text.includes('memory.oom.group') ||
    text.includes('oom_reaper: ') ||
    text.includes('OOM victim ')
  );
}

/** Records on each side of a batch end that must hold no line that can follow a kill. */
const QUIET_RECORDS = 32;

/**
 * Where to end a batch: the last place with no line that can follow a kill within QUIET_RECORDS on either side,
 * so that a memory.oom.group report (several kill lines, a stray kernel line between them) or a kill and its
 * reaper line are never split between two assembler calls (the assembler closes a report that has its kill at
 * the end of each call). 0 when there is no such place yet.
 */
function batchEnd(pending: readonly PendingRecord[]): number {
  let quietAfter = 0;
  for (let at = pending.length - 1; at >= 0; at--) {
    if (followsKill(pending[at] as PendingRecord)) {
      quietAfter = 0;
      continue;
    }
    quietAfter++;
    // Records [at, at + QUIET_RECORDS) are quiet; the cut at `at` also needs the QUIET_RECORDS before it quiet.
    if (quietAfter >= QUIET_RECORDS && at >= QUIET_RECORDS && quietBefore(pending, at)) return at;
  }
  return 0;
}

function quietBefore(pending: readonly PendingRecord[], at: number): boolean {
  for (let i = at - QUIET_RECORDS; i < at; i++) if (followsKill(pending[i] as PendingRecord)) return false;
  return true;
}

/**
 * `text[start, end)` in memory of its own. V8 makes a slice of a long string share the string's memory, so a
 * line kept in a report, or waiting for its batch, would keep its whole slice of the log alive (and make the
 * garbage collector copy it again and again). Slicing a joined string makes V8 copy the two parts first.
 */
function lineCopy(text: string, start: number, end: number): string {
  return `${text.slice(start, end)}\n`.slice(0, -1);
}

/**
 * What the assembler needs of a record, on the fast path: nothing of another writer's line; only the time of
 * report context with a time (a call-trace frame, nearly always), but for a frame of the OOM killer's path, which
 * tells the assembler that the CPU line before it is an OOM report's (namesOomPath). Any other record is
 * classified by the assembler alone: one with no time that parseKernelLine calls report context or not OOM text
 * changes nothing there. Glued records (splitGluedRecords) are each read by the assembler.
 */
function assemblerView(input: InputLine): PendingRecord {
  const entry = input.entry;
  if (!entry.fromKernel) return holdsGluedSyslogRecord(entry.text) ? input : null;
  const time = timeOf(entry);
  if (time === null || Number.isNaN(time) || !entry.text.includes(FRAME_OFFSET)) return input;
  const result = parseKernelLine(entry.text, entry.truncated);
  const context = result.kind === 'line' && result.line.kind === 'context';
  return context && !namesOomPath(entry.text) && splitGluedRecords(entry).length === 1
    ? new ContextTime(time, input.ref as number)
    : input;
}

/** What the assembler reads for report context at `time`: a frame. */
function contextInput(context: ContextTime): InputLine {
  const entry = blankEntry('frame+0x0/0x0');
  entry.kernelTime = context.time;
  return { entry, ref: context.ref };
}

/**
 * The records of a batch as the assembler takes them. Report context acts only by closing the open report when
 * its time is more than a report's span from the report's: of a run of it with no other record between, the
 * earliest and the latest time do what all of them would.
 */
function batchInput(records: readonly PendingRecord[]): InputLine[] {
  const batch: InputLine[] = [];
  let earliest: ContextTime | null = null;
  let latest: ContextTime | null = null;
  const endRun = (): void => {
    if (earliest === null || latest === null) return;
    batch.push(contextInput(earliest));
    if (latest.time !== earliest.time) batch.push(contextInput(latest));
    earliest = latest = null;
  };
  for (const record of records) {
    if (record === null) continue;
    if (record instanceof ContextTime) {
      if (earliest === null || record.time < earliest.time) earliest = record;
      if (latest === null || record.time > latest.time) latest = record;
      continue;
    }
    endRun();
    batch.push(record);
  }
  endRun();
  return batch;
}

/**
 * What the pending records hold of lines longer than a record: the chars beyond RECORD_CHARS (charsBeyondRecord) of
 * the lines taken before each, marked only on a record added after they grew (its place among all records, and what
 * they were then). A log of kernel lines has no mark: a number kept for every record waiting for its batch had V8 grow
 * its young generation from 16 to 32 MiB on the benchmark's log.
 */
class LongCharsHeld {
  private taken = 0;
  /** Pairs: a record's place, and `taken` as it was added. */
  private marks: number[] = [];
  private markedTaken = 0;
  private assembledTaken = 0;

  /** A line of `length` characters was taken. */
  take(length: number): void {
    this.taken += charsBeyondRecord(length);
  }

  /** The record at `place` among all records was added to the pending ones. */
  added(place: number): void {
    if (this.taken === this.markedTaken) return;
    this.marks.push(place, this.taken);
    this.markedTaken = this.taken;
  }

  /** What the pending records hold. */
  held(): number {
    return this.markedTaken - this.assembledTaken;
  }

  /** The records before `place` were assembled. */
  assembledBefore(place: number): void {
    let i = 0;
    for (; i < this.marks.length && (this.marks[i] as number) < place; i += 2) {
      this.assembledTaken = this.marks[i + 1] as number;
    }
    if (i > 0) this.marks = this.marks.slice(i);
  }
}

function toInput(record: JoinedRecord): InputLine {
  return { entry: record.entry, ref: record.lineNo };
}

export class KernelLogScanner {
  readonly counts: ScanCounts = { lines: 0, cutLines: 0, records: 0, kills: 0, incomplete: 0, drift: 0 };
  private readonly context: AssemblerContext;
  private readonly batchRecords: number;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly joiner: WrappedLineJoiner;
  private state: AssemblerState | null = null;
  private partialLine = '';
  /** The line taken last was longer than MAX_LINE_CHARS: what follows, up to its newline, is set aside unread. */
  private skipping = false;
  private pending: PendingRecord[] = [];
  /** Where pending[0] is among all the records. */
  private pendingStart = 0;
  private readonly longChars = new LongCharsHeld();
  /** The records of one line, reused from line to line. */
  private readonly whole: JoinedRecord[] = [];
  /** Null on the plain path: every line is cut out and read. */
  private readonly marks: ChunkMarks | null;
  /**
   * The start of the input, decoded and held until it tells whether the input is quoted-printable mail
   * (QP_EVIDENCE_CHARS, as parseKernelLog tells it); null once told.
   */
  private head: string | null = '';
  /** Quoted-printable mail's lines, decoded before they are joined; null for any other input. */
  private mail: QuotedPrintableLines | null = null;
  /** The lines read before a followed file was last rotated or truncated (nextFile). */
  private linesBeforeSwitch = 0;

  constructor(context: AssemblerContext, options: ScannerOptions = {}) {
    this.context = context;
    this.batchRecords = options.batchRecords ?? BATCH_RECORDS;
    const prefilter = options.prefilter !== false;
    this.joiner = new WrappedLineJoiner(options.widthSampleLines, { prefilter });
    this.marks = prefilter ? new ChunkMarks() : null;
  }

  /** Takes the next bytes; returns the kills whose reports completed. */
  push(bytes: Uint8Array): ScanOutput {
    if (this.head !== null) {
      this.head += this.decoder.decode(bytes, { stream: true });
      if (this.head.length >= QP_EVIDENCE_CHARS) this.endHead();
    } else if (this.marks === null || this.mail !== null) {
      this.takeText(this.decoder.decode(bytes, { stream: true }));
    } else {
      this.takeSlices(bytes, this.marks);
    }
    const output: ScanOutput = { kills: [], drift: [] };
    while (this.pending.length >= this.batchRecords || this.longChars.held() >= BATCH_LONG_CHARS) {
      let end = batchEnd(this.pending);
      if (end === 0) {
        if (this.pending.length < MAX_PENDING_RECORDS && this.longChars.held() < MAX_PENDING_LONG_CHARS)
          break;
        end = this.pending.length;
      }
      this.assemble(end, false, output);
    }
    return output;
  }

  /** Followed input went quiet: hands every whole line to the assembler; a report still waiting for its kill stays open. */
  pause(): ScanOutput {
    if (this.head !== null) this.endHead();
    this.mail?.release();
    this.takeRecords(this.joiner.release());
    const output: ScanOutput = { kills: [], drift: [] };
    this.assemble(this.pending.length, false, output);
    return output;
  }

  /**
   * The followed file was rotated or truncated: what comes next is the new file's text, or this one's again from its
   * start. Its last line, if it had no newline, ends here, and every whole line is assembled; a report still open stays
   * open, as its end may come next (the writer goes on in the new file). If it closes with no kill line, it is no drift:
   * it comes back in cutBySwitch. Lines are numbered on.
   */
  nextFile(): ScanOutput {
    this.takeTextEnd();
    this.skipping = false;
    const output = this.pause();
    this.linesBeforeSwitch = this.counts.lines;
    return output;
  }

  /** The input ended: everything left, including a last line with no newline and a report cut short. */
  end(): ScanOutput {
    this.takeTextEnd();
    this.mail?.release();
    this.takeRecords(this.joiner.release());
    const output: ScanOutput = { kills: [], drift: [] };
    this.assemble(this.pending.length, true, output);
    return output;
  }

  /** The text read so far ends here: the decoder's last bytes, and a last line with no newline. */
  private takeTextEnd(): void {
    if (this.head === null) this.takeText(this.decoder.decode());
    else {
      this.head += this.decoder.decode();
      this.endHead();
    }
    if (this.partialLine.length > 0) this.takeLine(this.partialLine);
    this.partialLine = '';
  }

  /**
   * The start of the input is known: quoted-printable mail or not. Mail is read line by line (it is small), any
   * other input as it would have been.
   */
  private endHead(): void {
    const head = this.head ?? '';
    this.head = null;
    if (showsQuotedPrintable(head)) {
      this.mail = new QuotedPrintableLines((text, lineNo) =>
        this.takeRecords(this.joiner.push(text, lineNo, this.whole)),
      );
    }
    if (this.marks === null || this.mail !== null) this.takeText(head);
    else this.takeSlice(head, this.marks);
  }

  private takeText(whole: string): void {
    const text = this.skipping ? this.afterSkippedLine(whole) : whole;
    if (text.length === 0) return;
    const pieces = text.split('\n');
    pieces[0] = this.partialLine + (pieces[0] as string);
    this.partialLine = pieces.pop() as string;
    for (const line of pieces) this.takeLine(line);
    if (this.partialLine.length > MAX_LINE_CHARS) {
      this.takeLine(this.partialLine);
      this.partialLine = '';
      this.skipping = true;
    }
  }

  /** The text after the newline that ends the line being set aside (skipping), or none. */
  private afterSkippedLine(text: string): string {
    const newline = text.indexOf('\n');
    if (newline < 0) return '';
    this.skipping = false;
    return text.slice(newline + 1);
  }

  /**
   * The bytes in slices, each cut after a newline (a newline byte is never part of a character) when the
   * slice holds one; a line longer than a slice makes its slice longer.
   */
  private takeSlices(bytes: Uint8Array, marks: ChunkMarks): void {
    for (let at = 0; at < bytes.length;) {
      if (this.skipping) {
        // The rest of a line too long to read: set aside up to its newline, which no character holds a byte of.
        const newline = bytes.indexOf(NEWLINE, at);
        if (newline < 0) return;
        this.decoder.decode();
        this.skipping = false;
        at = newline + 1;
        continue;
      }
      let cut = at + SLICE_BYTES;
      if (cut >= bytes.length) cut = bytes.length;
      else {
        const newline = bytes.lastIndexOf(NEWLINE, cut - 1);
        const next = newline >= at ? newline : bytes.indexOf(NEWLINE, cut);
        cut = next < 0 ? bytes.length : next + 1;
      }
      this.takeSlice(this.decoder.decode(bytes.subarray(at, cut), { stream: true }), marks);
      at = cut;
    }
  }

  /**
   * A slice's whole lines read in place, once the first lines are held (WrappedLineJoiner); the line it
   * starts (the end of the last one's) and the line it ends are cut out.
   */
  private takeSlice(text: string, marks: ChunkMarks): void {
    const last = text.lastIndexOf('\n');
    if (last < 0) {
      this.takeText(text);
      return;
    }
    let from = 0;
    if (this.partialLine.length > 0) {
      from = text.indexOf('\n') + 1;
      this.takeLine(this.partialLine + text.slice(0, from - 1));
      this.partialLine = '';
    }
    while (from <= last && this.joiner.sampling) {
      const end = text.indexOf('\n', from);
      this.takeLine(text.slice(from, end));
      from = end + 1;
    }
    if (from <= last) this.takeInPlace(text, from, last + 1, marks);
    this.takeText(text.slice(last + 1));
  }

  /**
   * The lines of `text[from, to)`, each ending in a newline. A line with no mark of OOM text (chunk-marks.ts)
   * whose shape is plain (shared/record-shape.ts) is set aside as the prefilter would set it aside, but without
   * being cut out or skimmed: most lines of a node's log. A line with a mark is read at once; the prefilter
   * would read all but a few of them.
   */
  private takeInPlace(text: string, from: number, to: number, marks: ChunkMarks): void {
    marks.find(text, from, to);
    for (let start = from; start < to;) {
      const end = text.indexOf('\n', start);
      if (end - start > RECORD_CHARS) {
        // Read in full, as the plain path reads it (and cut there when longer than MAX_LINE_CHARS); a copy, as a line
        // cut out is, so that a record kept does not keep the slice.
        this.takeLine(lineCopy(text, start, end));
        start = end + 1;
        continue;
      }
      const lineNo = ++this.counts.lines;
      if (marks.within(start, end)) {
        if (!this.takeMarked(text, start, end, lineNo, marks.kindWithin(text, end)))
          this.takeRecords(this.joiner.push(lineCopy(text, start, end), lineNo, this.whole, true));
      } else {
        const shape = lineShapeAt(text, start, end);
        if (shape === 'enveloped') this.takeQuiet(this.joiner.pushQuiet(text, start, end, lineNo));
        else if (shape === 'no-record') this.joiner.skip(end - start);
        else this.takeRecords(this.joiner.push(lineCopy(text, start, end), lineNo, this.whole));
      }
      start = end + 1;
    }
  }

  /**
   * A line with a mark of OOM text, taken in place when record-shape.ts tells what the assembler takes of it:
   * the time alone of a call-trace frame (frameTimeAt), nothing of another writer's line that no kill line
   * needs kept apart (otherWriterAt, followsKill). False when the line must be read.
   */
  private takeMarked(text: string, start: number, end: number, lineNo: number, kind: MarkKind): boolean {
    if (kind === 'escape') return false;
    // Most lines with OOM text are the kernel's: the cheaper test first.
    if (kind === 'text' && (!otherWriterAt(text, start, end) || mayFollowKill(text.slice(start, end))))
      return false;
    if (lineShapeAt(text, start, end) !== 'enveloped') return false;
    const time = kind === 'frame' ? frameTimeAt(text, start, end) : null;
    if (time === undefined) return false;
    this.takeQuiet(this.joiner.pushQuiet(text, start, end, lineNo, time));
    return true;
  }

  private takeQuiet(record: JoinedRecord | LogEntry | null): void {
    if (record === null) return;
    this.pending.push(record === SET_ASIDE ? null : this.pendingOf(record as JoinedRecord));
    this.longChars.added(this.pendingStart + this.pending.length - 1);
    this.counts.records++;
  }

  /**
   * The record as it waits for its batch: null when the prefilter set it aside; on the fast path, what the
   * assembler needs of it (assemblerView), which holds little memory while it waits.
   */
  private pendingOf(record: JoinedRecord): PendingRecord {
    if (record.entry === SET_ASIDE) {
      const time = record.frameTime;
      return time === undefined ? null : new ContextTime(time, record.lineNo);
    }
    const input = toInput(record);
    return this.marks === null || followsKill(input) ? input : assemblerView(input);
  }

  /** A line; one longer than MAX_LINE_CHARS is cut there. */
  private takeLine(whole: string): void {
    this.counts.lines++;
    let raw = whole;
    if (raw.length > MAX_LINE_CHARS) {
      raw = lineCopy(whole, 0, MAX_LINE_CHARS);
      this.counts.cutLines++;
    }
    this.longChars.take(raw.length);
    if (this.mail !== null) this.mail.push(raw, this.counts.lines);
    else this.takeRecords(this.joiner.push(raw, this.counts.lines, this.whole));
  }

  private takeRecords(records: JoinedRecord[]): void {
    for (const record of records) {
      this.pending.push(this.pendingOf(record));
      this.longChars.added(this.pendingStart + this.pending.length - 1);
    }
    this.counts.records += records.length;
    // Emptied for the next line; popping is many times cheaper than setting the length.
    while (records.length > 0) records.pop();
  }

  private assemble(end: number, final: boolean, output: ScanOutput): void {
    // Batches end where they would if every record were read: the assembler closes a report at a batch end.
    const records = this.pending.slice(0, end);
    this.pending = this.pending.slice(end);
    this.pendingStart += end;
    this.longChars.assembledBefore(this.pendingStart);
    if (records.length === 0 && !final) return;
    const batch = batchInput(records);
    const result = assembleReports(batch, this.state, this.context, { final });
    this.state = result.state;
    for (const event of result.events) {
      output.kills.push(event);
      this.counts.kills++;
      if (!event.complete) this.counts.incomplete++;
    }
    for (const line of result.drift) {
      // Every line before the switch was assembled then: a drift line of one now is a report the switch left open.
      if (typeof line.ref === 'number' && line.ref <= this.linesBeforeSwitch) {
        (output.cutBySwitch ??= []).push(line);
        continue;
      }
      output.drift.push(line);
      this.counts.drift++;
    }
  }
}
