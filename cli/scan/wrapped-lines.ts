/**
 * The streaming form of joinWrappedLines (shared/kernel-log.ts), which needs the whole text in memory.
 * Pasted logs wrap long lines: when most lines so far carry an envelope, a line without one continues the
 * line above. A terminal wraps at a fixed width, splitting words, so a line exactly as wide as the widest
 * joins the next with nothing; a mail client wraps at spaces, so a narrower one joins with a space.
 *
 * The widest line is what the whole-text version looks at for the whole file. Here the first lines are held
 * until enough are seen to know it: a paste shorter than that joins exactly as joinWrappedLines joins it;
 * past it, the widest line so far stands in (the same for a terminal paste, where no line is wider than
 * the terminal).
 */
import type { LogEntry } from '../../shared/log-record.ts';
import { readLogRecord } from '../../shared/log-record.ts';

/** Lines held at the start to learn the widest line. */
const WIDTH_SAMPLE_LINES = 4096;

export interface JoinedRecord {
  entry: LogEntry;
  /** 1-based number of the line the record starts on. */
  lineNo: number;
}

interface PendingRecord extends JoinedRecord {
  rawLength: number;
}

export class WrappedLineJoiner {
  private readonly widthSampleLines: number;
  private sample: Array<{ raw: string; lineNo: number }> | null = [];
  private pending: PendingRecord | null = null;
  private records = 0;
  private enveloped = 0;
  private width = 0;

  constructor(widthSampleLines = WIDTH_SAMPLE_LINES) {
    this.widthSampleLines = widthSampleLines;
  }

  /** Takes the next raw line; returns the records now known to be whole. */
  push(raw: string, lineNo: number): JoinedRecord[] {
    if (this.sample !== null) {
      this.sample.push({ raw, lineNo });
      return this.sample.length < this.widthSampleLines ? [] : this.endSample();
    }
    const done = this.join(raw, lineNo);
    return done === null ? [] : [done];
  }

  /** Every record held back (the end of input, or a pause in a followed stream): the next line starts anew. */
  release(): JoinedRecord[] {
    const done = this.sample !== null ? this.endSample() : [];
    const previous = this.pending;
    this.pending = null;
    if (previous !== null) done.push({ entry: previous.entry, lineNo: previous.lineNo });
    return done;
  }

  private endSample(): JoinedRecord[] {
    const sample = this.sample ?? [];
    this.sample = null;
    for (const line of sample) if (line.raw.length > this.width) this.width = line.raw.length;
    const done: JoinedRecord[] = [];
    for (const line of sample) {
      const record = this.join(line.raw, line.lineNo);
      if (record !== null) done.push(record);
    }
    return done;
  }

  /** Joins the line to the one above or starts a record; returns the record before it once it is whole. */
  private join(raw: string, lineNo: number): JoinedRecord | null {
    if (raw.length > this.width) this.width = raw.length;
    const entry = readLogRecord(raw);
    if (entry === null) return null;
    const previous = this.pending;
    if (
      !entry.enveloped &&
      previous !== null &&
      previous.entry.enveloped &&
      this.enveloped * 2 > this.records
    ) {
      const glue = previous.rawLength === this.width && this.width >= 60 ? '' : ' ';
      previous.entry.text = `${previous.entry.text}${glue}${entry.text.trimStart()}`;
      previous.entry.truncated = entry.truncated;
      previous.rawLength = raw.length;
      return null;
    }
    if (entry.enveloped) this.enveloped++;
    this.records++;
    this.pending = { entry, lineNo, rawLength: raw.length };
    return previous === null ? null : { entry: previous.entry, lineNo: previous.lineNo };
  }
}
