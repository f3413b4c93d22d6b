/**
 * Reads one kernel log as a stream of bytes (a file, stdin, a followed kmsg device) without holding it in
 * memory: bytes → lines → records (wrapped lines joined) → the report assembler in batches, its state carried
 * from batch to batch. Each input gets its own scanner: its own assembler state and line numbers.
 */
import type {
  AssemblerContext,
  AssemblerState,
  DriftLine,
  InputLine,
} from '../../shared/report-assembler.ts';
import { assembleReports } from '../../shared/report-assembler.ts';
import { SET_ASIDE } from '../../shared/line-prefilter.ts';
import type { OomEvent } from '../../shared/oom-event.ts';
import { WrappedLineJoiner } from './wrapped-lines.ts';
import type { JoinedRecord } from './wrapped-lines.ts';

/** Records handed to the assembler per call: few enough to bound memory, many enough to amortise its state copy. */
const BATCH_RECORDS = 8192;
/** A run of kill lines this long (a storm) is assembled even though more of the run may follow. */
const MAX_PENDING_RECORDS = 65536;
/** Longer than any kernel or Fluent Bit record; binary input with no newline is cut here rather than held. */
const MAX_LINE_CHARS = 1 << 22;

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
  /** Set aside the lines that cannot hold OOM text, unread (shared/line-prefilter.ts); default true. */
  prefilter?: boolean;
}

/** A record waiting for the assembler; null for one the prefilter set aside (it still counts towards a batch). */
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

  constructor(context: AssemblerContext, options: ScannerOptions = {}) {
    this.context = context;
    this.batchRecords = options.batchRecords ?? BATCH_RECORDS;
    this.joiner = new WrappedLineJoiner(undefined, { prefilter: options.prefilter !== false });
  }

  /** Takes the next bytes; returns the kills whose reports completed. */
  push(bytes: Uint8Array): ScanOutput {
    this.takeText(this.decoder.decode(bytes, { stream: true }));
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

  private takeLine(raw: string): void {
    this.counts.lines++;
    this.takeRecords(this.joiner.push(raw, this.counts.lines, this.whole));
  }

  private takeRecords(records: JoinedRecord[]): void {
    for (const record of records) {
      this.pending.push(record.entry === SET_ASIDE ? null : { entry: record.entry, ref: record.lineNo });
    }
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
