/**
 * The backfill's progress on stderr: events scanned, kills found and how far through the range it is. On a
 * terminal one line rewritten in place; in a log file (CI, `2> file`) a line now and then.
 */
import type { TextOutput } from '../command.ts';
import { writeText } from '../command.ts';

export interface ProgressFigures {
  scanned: number;
  kills: number;
  startMs: number;
  endMs: number;
  /** Timestamp of the newest event read so far. */
  coveredToMs: number | null;
}

/** How often a line is printed when stderr is not a terminal. */
const PROGRESS_LOG_INTERVAL_MS = 10_000;

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

export class ProgressReporter {
  readonly #out: TextOutput;
  readonly #terminal: boolean;
  readonly #now: () => number;
  #shownWidth = 0;
  #lastLoggedMs: number | null = null;

  constructor(out: TextOutput, terminal: boolean, now: () => number) {
    this.#out = out;
    this.#terminal = terminal;
    this.#now = now;
  }

  async update(figures: ProgressFigures): Promise<void> {
    const line = progressLine(figures);
    if (this.#terminal) {
      await writeText(this.#out, `\r${line.padEnd(this.#shownWidth)}`);
      this.#shownWidth = line.length;
      return;
    }
    const now = this.#now();
    if (this.#lastLoggedMs !== null && now - this.#lastLoggedMs < PROGRESS_LOG_INTERVAL_MS) return;
    this.#lastLoggedMs = now;
    await writeText(this.#out, `${line}\n`);
  }

  /** Ends the progress line so that what follows starts on its own line; logs the final figures. */
  async finish(figures: ProgressFigures): Promise<void> {
    const line = progressLine(figures);
    await writeText(this.#out, this.#terminal ? `\r${line.padEnd(this.#shownWidth)}\n` : `${line}\n`);
    this.#shownWidth = 0;
  }

  /** Blanks the rewritten line, so that another message starts on a clean line. */
  async clear(): Promise<void> {
    if (this.#terminal && this.#shownWidth > 0)
      await writeText(this.#out, `\r${' '.repeat(this.#shownWidth)}\r`);
    this.#shownWidth = 0;
  }

  /** A message between progress updates, on its own line. */
  async note(text: string): Promise<void> {
    await this.clear();
    await writeText(this.#out, `${text}\n`);
  }
}
