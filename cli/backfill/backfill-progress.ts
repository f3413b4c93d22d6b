/**
 * The backfill's progress on stderr: events scanned, kills found and how far through the range it is, on a
 * ProgressLine (one line rewritten on a terminal, a line now and then in a log).
 */
import type { TextOutput } from '../command.ts';
import { ProgressLine } from '../progress-line.ts';

export interface ProgressFigures {
  scanned: number;
  kills: number;
  startMs: number;
  endMs: number;
  /** Timestamp of the newest event read so far. */
  coveredToMs: number | null;
}

function minute(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;
}

/** `backfill: 48210 events scanned, 3 kills, through 2025-11-18 04:12Z (71% of 2025-11-13 10:00Z – 2025-11-20 10:00Z)` */
function progressLine(f: ProgressFigures): string {
  const covered = Math.min(Math.max(f.coveredToMs ?? f.startMs, f.startMs), f.endMs);
  const percent = Math.floor((100 * (covered - f.startMs)) / (f.endMs - f.startMs));
  const kills = f.kills === 1 ? '1 kill' : `${f.kills} kills`;
  return (
    `backfill: ${f.scanned} events scanned, ${kills}, through ${minute(covered)} ` +
    `(${percent}% of ${minute(f.startMs)} – ${minute(f.endMs)})`
  );
}

/** The backfill's figures on a ProgressLine. */
export class ProgressReporter {
  readonly #line: ProgressLine;

  constructor(out: TextOutput, terminal: boolean, now: () => number) {
    this.#line = new ProgressLine(out, terminal, now);
  }

  update(figures: ProgressFigures): Promise<void> {
    return this.#line.show(progressLine(figures));
  }

  /** Ends the progress line so that what follows starts on its own line; logs the final figures. */
  finish(figures: ProgressFigures): Promise<void> {
    return this.#line.finish(progressLine(figures));
  }

  /** Blanks the rewritten line, so that another message starts on a clean line. */
  clear(): Promise<void> {
    return this.#line.clear();
  }

  /** A message between progress updates, on its own line. */
  note(text: string): Promise<void> {
    return this.#line.note(text);
  }
}
