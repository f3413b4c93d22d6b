/**
 * Where the kills `scan` and `backfill` find go: on stdout (JSON Lines, or the table), and the possible
 * format drift on stderr as it is found. Nothing but events goes to stdout with `--json`.
 */
import type { DriftLine } from '../shared/report-assembler.ts';
import { displayText } from '../shared/format-text.ts';
import type { CliIo } from './command.ts';
import { writeText } from './command.ts';
import type { TableKill } from './kill-table.ts';
import { FOLLOW_WIDTHS, formatKillTable, streamedKillRow, tableHeader, tableLine } from './kill-table.ts';

export interface PrinterMode {
  json: boolean;
  /** Following: table rows are printed as kills come, in fixed-width columns. */
  streamRows: boolean;
  enriched: boolean;
}

function driftNotice(input: string, line: DriftLine): string {
  return `possible format drift: ${input}:${line.ref}: ${displayText(line.text)}\n`;
}

export class KillPrinter {
  private readonly io: CliIo;
  private readonly mode: PrinterMode;
  private readonly held: TableKill[] = [];

  constructor(io: CliIo, mode: PrinterMode) {
    this.io = io;
    this.mode = mode;
  }

  async start(): Promise<void> {
    if (!this.mode.json && this.mode.streamRows) {
      await writeText(this.io.stdout, tableLine(tableHeader(this.mode.enriched), FOLLOW_WIDTHS));
    }
  }

  async kills(kills: readonly TableKill[]): Promise<void> {
    if (kills.length === 0) return;
    if (this.mode.json) {
      await writeText(this.io.stdout, kills.map((k) => `${JSON.stringify(k)}\n`).join(''));
    } else if (this.mode.streamRows) {
      await writeText(
        this.io.stdout,
        kills.map((k) => tableLine(streamedKillRow(k), FOLLOW_WIDTHS)).join(''),
      );
    } else {
      this.held.push(...kills);
    }
  }

  async drift(input: string, lines: readonly DriftLine[]): Promise<void> {
    if (lines.length > 0) await writeText(this.io.stderr, lines.map((l) => driftNotice(input, l)).join(''));
  }

  /** The table, once every row is known (its columns fit the longest cell). */
  async finish(): Promise<void> {
    if (this.held.length > 0) await writeText(this.io.stdout, formatKillTable(this.held, this.mode.enriched));
  }
}
