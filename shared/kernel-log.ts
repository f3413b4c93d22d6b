/**
 * The parser's front door for text: a whole kernel log (a file, a paste, stdin) in, OomEvents and the
 * format-drift lines out. Streams (Lambda batches, `--follow`) use assembleReports directly with state.
 */
import type { AssemblerContext, AssemblerState, DriftLine, InputLine } from './report-assembler.ts';
import { assembleReports } from './report-assembler.ts';
import type { JoinedRecord, ReadOptions } from './line-prefilter.ts';
import { RecordJoiner, SET_ASIDE } from './line-prefilter.ts';
import type { OomEvent } from './oom-event.ts';
import { QuotedPrintableLines, showsQuotedPrintable } from './quoted-printable.ts';

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
 * Hands each record of a whole log to `take`, in order: RecordJoiner, with the widest line of the text. Line i
 * is numbered `lineNos[i]`, else i + 1.
 */
function joinLines(
  rawLines: readonly string[],
  options: ReadOptions,
  take: (record: JoinedRecord) => void,
  lineNos?: readonly number[],
): void {
  let width = 0;
  for (const raw of rawLines) if (raw.length > width) width = raw.length;
  const joiner = new RecordJoiner(options);
  for (let i = 0; i < rawLines.length; i++) {
    const record = joiner.push(rawLines[i] as string, lineNos?.[i] ?? i + 1, width);
    if (record !== null) take(record);
  }
  const last = joiner.release();
  if (last !== null) take(last);
}

/** The records of a whole log, wrapped lines joined; every one read unless the prefilter is asked for. */
export function joinWrappedLines(
  rawLines: readonly string[],
  options: ReadOptions = { prefilter: false },
): JoinedRecord[] {
  const records: JoinedRecord[] = [];
  joinLines(rawLines, options, (record) => records.push(record));
  return records;
}

/**
 * The lines of quoted-printable mail decoded (shared/quoted-printable.ts), each with its first line's number. The
 * empty piece after the text's last newline is no line of the mail, as `scan` reads it: a soft break that ends the
 * mail (Google Groups' part, `…<div><br></div><=`) is kept, not joined with it; it follows the decoded lines.
 */
function quotedPrintableLines(rawLines: readonly string[]): { lines: string[]; lineNos: number[] } {
  const lines: string[] = [];
  const lineNos: number[] = [];
  const reader = new QuotedPrintableLines((line, lineNo) => {
    lines.push(line);
    lineNos.push(lineNo);
  });
  const last = rawLines.length - 1;
  const endsInNewline = last > 0 && rawLines[last] === '';
  rawLines.forEach((raw, i) => {
    if (i < last || !endsInNewline) reader.push(raw, i + 1);
  });
  reader.release();
  if (endsInNewline) {
    lines.push('');
    lineNos.push(last + 1);
  }
  return { lines, lineNos };
}

/**
 * Parses a whole kernel log held in memory. Quoted-printable mail (its start shows the kernel's `=` encoded) is
 * decoded first, as `scan` decodes it.
 */
export function parseKernelLog(
  text: string,
  context: ParseContext = {},
  options: ReadOptions = {},
): ParsedLog {
  const rawLines = text.split('\n');
  const inputs: InputLine[] = [];
  let records = 0;
  const mail = showsQuotedPrintable(text) ? quotedPrintableLines(rawLines) : null;
  const take = (record: JoinedRecord): void => {
    records++;
    if (record.entry !== SET_ASIDE) inputs.push({ entry: record.entry, ref: record.lineNo });
  };
  const readOptions = { prefilter: options.prefilter !== false };
  if (mail === null) joinLines(rawLines, readOptions, take);
  else joinLines(mail.lines, readOptions, take, mail.lineNos);
  const assemblerContext: AssemblerContext = {
    node: context.node ?? null,
    source: { file: context.file ?? '-' },
    bootTimeMs: context.bootTimeMs ?? null,
  };
  const result = assembleReports(inputs, null, assemblerContext, { final: true });
  return { events: result.events, drift: result.drift, stats: { lines: rawLines.length, records } };
}

export type { AssemblerState, DriftLine, JoinedRecord, ReadOptions };
