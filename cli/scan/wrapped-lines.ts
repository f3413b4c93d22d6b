/**
 * The streaming form of joinWrappedLines (shared/kernel-log.ts), which needs the whole text in memory.
 * Pasted logs wrap long lines: when most lines so far carry an envelope, a line without one continues the
 * line above (and, in any paste, the rest of a kill line or summary, by its first key). A terminal wraps at a
 * fixed width, splitting words, so a line exactly as wide as the widest joins the next with nothing; a mail
 * client wraps at spaces, so a narrower one joins with a space.
 *
 * The widest line is what the whole-text version looks at for the whole file. Here the first lines are held
 * until enough are seen to know it: a paste shorter than that joins exactly as joinWrappedLines joins it;
 * past it, the widest line so far stands in (the same for a terminal paste, where no line is wider than
 * the terminal).
 */
import type { JoinedRecord, ReadOptions } from '../../shared/line-prefilter.ts';
import { RecordJoiner } from '../../shared/line-prefilter.ts';
import type { LogEntry } from '../../shared/log-record.ts';

export type { JoinedRecord };

/** Lines held at the start to learn the widest line. */
const WIDTH_SAMPLE_LINES = 4096;
/**
 * About the longest line the kernel prints (printk's record, 1 KiB): a line of a kernel log, even in a JSON record,
 * is rarely longer. What a line holds beyond it (charsBeyondRecord) is what a reader that holds lines by the count
 * must also count, so that lines of megabytes (a binary file, a log with no newlines) do not fill memory.
 */
export const RECORD_CHARS = 1024;
/** What the lines held to learn the widest may hold beyond RECORD_CHARS each: past it, the sample ends. */
const WIDTH_SAMPLE_LONG_CHARS = 1 << 18;

export function charsBeyondRecord(length: number): number {
  return length > RECORD_CHARS ? length - RECORD_CHARS : 0;
}

export class WrappedLineJoiner {
  private readonly widthSampleLines: number;
  private readonly joiner: RecordJoiner;
  private sample: Array<{ raw: string; lineNo: number }> | null = [];
  private sampleLongChars = 0;
  private width = 0;

  /** Reads every record, unless `prefilter` is asked for: then records it sets aside carry SET_ASIDE. */
  constructor(widthSampleLines = WIDTH_SAMPLE_LINES, options: ReadOptions = { prefilter: false }) {
    this.widthSampleLines = widthSampleLines;
    this.joiner = new RecordJoiner(options);
  }

  /** Whether the first lines are still held to learn the widest: pushQuiet must wait until they are not. */
  get sampling(): boolean {
    return this.sample !== null;
  }

  /**
   * Takes the next raw line; adds the records now known to be whole to `done`, and returns it. `read`: the
   * line holds OOM text, read its record rather than skim it (RecordJoiner.push).
   */
  push(raw: string, lineNo: number, done: JoinedRecord[] = [], read?: boolean): JoinedRecord[] {
    if (this.sample !== null) {
      this.sample.push({ raw, lineNo });
      this.sampleLongChars += charsBeyondRecord(raw.length);
      if (this.sample.length >= this.widthSampleLines || this.sampleLongChars >= WIDTH_SAMPLE_LONG_CHARS)
        this.endSample(done);
      return done;
    }
    if (raw.length > this.width) this.width = raw.length;
    const record = this.joiner.push(raw, lineNo, this.width, read);
    if (record !== null) done.push(record);
    return done;
  }

  /**
   * A line that carries no record (record-shape.ts says `no-record`): only its width counts. Not while
   * `sampling`.
   */
  skip(length: number): void {
    if (length > this.width) this.width = length;
  }

  /** RecordJoiner.pushQuiet, the line's width counted; not while `sampling`. */
  pushQuiet(
    source: string,
    start: number,
    end: number,
    lineNo: number,
    frameTime: number | null = null,
  ): JoinedRecord | LogEntry | null {
    if (end - start > this.width) this.width = end - start;
    return this.joiner.pushQuiet(source, start, end, lineNo, frameTime);
  }

  /**
   * Every record held back (the end of input, or a pause in a followed stream), added to `done`: the next
   * line starts anew.
   */
  release(done: JoinedRecord[] = []): JoinedRecord[] {
    if (this.sample !== null) this.endSample(done);
    const last = this.joiner.release();
    if (last !== null) done.push(last);
    return done;
  }

  private endSample(done: JoinedRecord[]): void {
    const sample = this.sample ?? [];
    this.sample = null;
    for (const line of sample) if (line.raw.length > this.width) this.width = line.raw.length;
    for (const line of sample) {
      const record = this.joiner.push(line.raw, line.lineNo, this.width);
      if (record !== null) done.push(record);
    }
  }
}
