/**
 * Reads one kernel log as a stream of bytes (a file, stdin, a followed kmsg device) without holding it in
 * memory: bytes → lines → records (wrapped lines joined) → the report assembler in batches, its state carried
 * from batch to batch. Each input gets its own scanner: its own assembler state and line numbers.
 *
 * With the prefilter (the default), the bytes are decoded a slice at a time and searched once for OOM text
 * (chunk-marks.ts); most lines hold none, and are read in place (takeInPlace). The plain path
 * (`prefilter: false`) cuts out and reads every line: test/shared/line-prefilter.test.ts and
 * test/cli/scan/kernel-log-scanner.test.ts hold the first to it.
 */
import type {
  AssemblerContext,
  AssemblerState,
  DriftLine,
  InputLine,
} from '../../shared/report-assembler.ts';
import { assembleReports } from '../../shared/report-assembler.ts';
import { parseKernelLine } from '../../shared/kernel-line.ts';
import { SET_ASIDE } from '../../shared/line-prefilter.ts';
import type { LogEntry } from '../../shared/log-record.ts';
import type { OomEvent } from '../../shared/oom-event.ts';
import { timeOf } from '../../shared/open-report.ts';
import { lineShapeAt } from '../../shared/record-shape.ts';
import { ChunkMarks } from './chunk-marks.ts';
import { WrappedLineJoiner } from './wrapped-lines.ts';
import type { JoinedRecord } from './wrapped-lines.ts';

/**
 * Records handed to the assembler per call: few enough to bound memory, many enough to amortise its state copy.
 * The records a batch waits for are most of what `scan` holds: at 8,192 its peak on the benchmark's log was
 * 104-110 MiB, at 4,096 it is 89-91 MiB, as fast, the output the same (docs/benchmarks.md).
 */
const BATCH_RECORDS = 4096;
/** A run of kill lines this long (a storm) is assembled even though more of the run may follow. */
const MAX_PENDING_RECORDS = 65536;
/** Longer than any kernel or Fluent Bit record; binary input with no newline is cut here rather than held. */
const MAX_LINE_CHARS = 1 << 22;
/** Bytes decoded and searched at a time, so that the text is still in the CPU's cache when its lines are read. */
const SLICE_BYTES = 1 << 16;
const NEWLINE = 0x0a;

export interface ScanOutput {
  kills: OomEvent[];
  drift: DriftLine[];
}

export interface ScanCounts {
  lines: number;
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
 * A record waiting for the assembler; null for one the prefilter set aside or the assembler would ignore (it
 * still counts towards a batch).
 */
type PendingRecord = InputLine | null;

/**
 * Lines that may follow a report's kill and belong to it (more kills and the group line of memory.oom.group,
 * the reaper, an exiting victim): a batch never starts with one, so a report is not cut after its kill.
 */
function followsKill(line: PendingRecord): boolean {
  if (line === null) return false;
  const text = line.entry.text;
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
 * A record the assembler ignores whatever its state: another writer's line, or a kernel line with no time that
 * parseKernelLine calls report context or not OOM text (a call-trace frame in a journalctl or `dmesg -T` log:
 * with no time, a frame cannot end a report on a gap). Most frames are such.
 */
function ignoredByAssembler(entry: LogEntry): boolean {
  if (!entry.fromKernel) return true;
  // A line with a time of its own, or glued records (each with its time), may end a report.
  if (timeOf(entry) !== null) return false;
  const result = parseKernelLine(entry.text, entry.truncated);
  return result.kind === 'not-oom' || (result.kind === 'line' && result.line.kind === 'context');
}

function toInput(record: JoinedRecord): InputLine {
  return { entry: record.entry, ref: record.lineNo };
}

export class KernelLogScanner {
  readonly counts: ScanCounts = { lines: 0, records: 0, kills: 0, incomplete: 0, drift: 0 };
  private readonly context: AssemblerContext;
  private readonly batchRecords: number;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly joiner: WrappedLineJoiner;
  private state: AssemblerState | null = null;
  private partialLine = '';
  private pending: PendingRecord[] = [];
  /** The records of one line, reused from line to line. */
  private readonly whole: JoinedRecord[] = [];
  /** Null on the plain path: every line is cut out and read. */
  private readonly marks: ChunkMarks | null;

  constructor(context: AssemblerContext, options: ScannerOptions = {}) {
    this.context = context;
    this.batchRecords = options.batchRecords ?? BATCH_RECORDS;
    const prefilter = options.prefilter !== false;
    this.joiner = new WrappedLineJoiner(options.widthSampleLines, { prefilter });
    this.marks = prefilter ? new ChunkMarks() : null;
  }

  /** Takes the next bytes; returns the kills whose reports completed. */
  push(bytes: Uint8Array): ScanOutput {
    if (this.marks === null) this.takeText(this.decoder.decode(bytes, { stream: true }));
    else this.takeSlices(bytes, this.marks);
    const output: ScanOutput = { kills: [], drift: [] };
    while (this.pending.length >= this.batchRecords) {
      let end = batchEnd(this.pending);
      if (end === 0) {
        if (this.pending.length < MAX_PENDING_RECORDS) break;
        end = this.pending.length;
      }
      this.assemble(end, false, output);
    }
    return output;
  }

  /** Followed input went quiet: hands every whole line to the assembler; a report still waiting for its kill stays open. */
  pause(): ScanOutput {
    this.takeRecords(this.joiner.release());
    const output: ScanOutput = { kills: [], drift: [] };
    this.assemble(this.pending.length, false, output);
    return output;
  }

  /** The input ended: everything left, including a last line with no newline and a report cut short. */
  end(): ScanOutput {
    this.takeText(this.decoder.decode());
    if (this.partialLine.length > 0) this.takeLine(this.partialLine);
    this.partialLine = '';
    this.takeRecords(this.joiner.release());
    const output: ScanOutput = { kills: [], drift: [] };
    this.assemble(this.pending.length, true, output);
    return output;
  }

  private takeText(text: string): void {
    if (text.length === 0) return;
    const pieces = text.split('\n');
    pieces[0] = this.partialLine + (pieces[0] as string);
    this.partialLine = pieces.pop() as string;
    for (const line of pieces) this.takeLine(line);
    while (this.partialLine.length > MAX_LINE_CHARS) {
      this.takeLine(this.partialLine.slice(0, MAX_LINE_CHARS));
      this.partialLine = this.partialLine.slice(MAX_LINE_CHARS);
    }
  }

  /**
   * The bytes in slices, each cut after a newline (a newline byte is never part of a character) when the
   * slice holds one; a line longer than a slice makes its slice longer.
   */
  private takeSlices(bytes: Uint8Array, marks: ChunkMarks): void {
    for (let at = 0; at < bytes.length;) {
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
      const lineNo = ++this.counts.lines;
      if (marks.within(start, end)) {
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

  private takeQuiet(record: JoinedRecord | LogEntry | null): void {
    if (record === null) return;
    this.pending.push(record === SET_ASIDE ? null : this.pendingOf(record as JoinedRecord));
    this.counts.records++;
  }

  /**
   * The record as it waits for its batch: null when the prefilter set it aside, or (on the fast path) when the
   * assembler would ignore it whatever its state (ignoredByAssembler): it then holds no memory while it waits.
   */
  private pendingOf(record: JoinedRecord): PendingRecord {
    if (record.entry === SET_ASIDE) return null;
    const input = toInput(record);
    return this.marks !== null && !followsKill(input) && ignoredByAssembler(input.entry) ? null : input;
  }

  private takeLine(raw: string): void {
    this.counts.lines++;
    this.takeRecords(this.joiner.push(raw, this.counts.lines, this.whole));
  }

  private takeRecords(records: JoinedRecord[]): void {
    for (const record of records) this.pending.push(this.pendingOf(record));
    this.counts.records += records.length;
    // Emptied for the next line; popping is many times cheaper than setting the length.
    while (records.length > 0) records.pop();
  }

  private assemble(end: number, final: boolean, output: ScanOutput): void {
    // Batches end where they would if every record were read: the assembler closes a report at a batch end.
    const records = this.pending.slice(0, end);
    this.pending = this.pending.slice(end);
    if (records.length === 0 && !final) return;
    const batch = records.filter((record) => record !== null);
    const result = assembleReports(batch, this.state, this.context, { final });
    this.state = result.state;
    for (const event of result.events) {
      output.kills.push(event);
      this.counts.kills++;
      if (!event.complete) this.counts.incomplete++;
    }
    for (const line of result.drift) output.drift.push(line);
    this.counts.drift += result.drift.length;
  }
}
