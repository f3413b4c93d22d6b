/**
 * A command's progress on stderr (backfill's pages, query's polls): on a terminal one line rewritten in place; in
 * a log file (CI, `2> file`) a line now and then.
 */
import type { TextOutput } from './command.ts';
import { writeText } from './command.ts';

/** How often a line is printed when stderr is not a terminal. */
export const PROGRESS_LOG_INTERVAL_MS = 10_000;

/** Whether the stream is a terminal: CliIo's streams are plain writables, and process.stderr says so itself. */
export function isTerminal(out: TextOutput): boolean {
  return (out as { isTTY?: unknown }).isTTY === true;
}

export interface ProgressLineOptions {
  /** In a log, the first line only one interval after the start, so a short run logs none. */
  quietStart?: boolean;
}

export class ProgressLine {
  readonly #out: TextOutput;
  readonly #terminal: boolean;
  readonly #now: () => number;
  #shownWidth = 0;
  #lastLoggedMs: number | null;

  constructor(out: TextOutput, terminal: boolean, now: () => number, options: ProgressLineOptions = {}) {
    this.#out = out;
    this.#terminal = terminal;
    this.#now = now;
    this.#lastLoggedMs = options.quietStart === true ? now() : null;
  }

  async show(line: string): Promise<void> {
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

  /** Ends the progress with `line`, so that what follows starts on its own line. */
  async finish(line: string): Promise<void> {
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
