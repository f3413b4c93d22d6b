/**
 * The parser's front door for text: a whole kernel log (a file, a paste, stdin) in, OomEvents and the
 * format-drift lines out. Streams (Lambda batches, `--follow`) use assembleReports directly with state.
 */
import type { AssemblerContext, AssemblerState, DriftLine, InputLine } from './report-assembler.ts';
import { assembleReports } from './report-assembler.ts';
import type { LogEntry } from './log-record.ts';
import { readLogRecord } from './log-record.ts';
import type { OomEvent } from './oom-event.ts';

export interface ParseContext {
  /** Node name; when absent, the host named by the log's envelope (syslog, record `host`). */
  node?: string | null;
  /** Shown in `source.file`. */
  file?: string;
  /** Wall-clock boot time in ms, to give dmesg lines an `observedAt`. */
  bootTimeMs?: number | null;
}

export interface ParsedLog {
  events: OomEvent[];
  /** Lines that look like OOM text but no recognizer read: the format-drift signal. */
  drift: DriftLine[];
  /** Lines read, and lines that carried a kernel message. */
  stats: { lines: number; records: number };
}

/**
 * Pasted logs wrap long lines. When most lines carry an envelope (dmesg time, syslog prefix), a line without
 * one continues the line above. A terminal wraps at a fixed width and splits words, so a line exactly as long
 * as the longest line joins with nothing; a mail client wraps at spaces, so a shorter one joins with a space.
 */
export function joinWrappedLines(rawLines: readonly string[]): Array<{ entry: LogEntry; lineNo: number }> {
  const records: Array<{ entry: LogEntry; lineNo: number; rawLength: number }> = [];
  let enveloped = 0;
  let width = 0;
  for (const raw of rawLines) width = Math.max(width, raw.length);
  rawLines.forEach((raw, i) => {
    const entry = readLogRecord(raw);
    if (entry === null) return;
    const previous = records.at(-1);
    const continues =
      !entry.enveloped &&
      previous !== undefined &&
      previous.entry.enveloped &&
      enveloped * 2 > records.length;
    if (continues) {
      const glue = previous.rawLength === width && width >= 60 ? '' : ' ';
      previous.entry.text = `${previous.entry.text}${glue}${entry.text.trimStart()}`;
      previous.entry.truncated = entry.truncated;
      previous.rawLength = raw.length;
      return;
    }
    if (entry.enveloped) enveloped++;
    records.push({ entry, lineNo: i + 1, rawLength: raw.length });
  });
  return records;
}

/** Parses a whole kernel log held in memory. */
export function parseKernelLog(text: string, context: ParseContext = {}): ParsedLog {
  const rawLines = text.split('\n');
  const records = joinWrappedLines(rawLines);
  const assemblerContext: AssemblerContext = {
    node: context.node ?? null,
    source: { file: context.file ?? '-' },
    bootTimeMs: context.bootTimeMs ?? null,
  };
  const inputs: InputLine[] = records.map((r) => ({ entry: r.entry, ref: r.lineNo }));
  const result = assembleReports(inputs, null, assemblerContext, { final: true });
  return {
    events: result.events,
    drift: result.drift,
    stats: { lines: rawLines.length, records: records.length },
  };
}

export type { AssemblerState, DriftLine };
