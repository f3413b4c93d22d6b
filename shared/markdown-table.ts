/**
 * A markdown table row pasted with kernel text in one of its cells, in inline code or not (`| 1 | \`cc1 invoked
 * oom-killer: gfp_mask=…\` | \`dmesg -T\` 21:34:05 | prose |`): the kernel text is that cell, not the row, whose
 * number, notes and pipes are no part of any field.
 */
import { envelopeLength } from './envelope-prefixes.ts';
import { mayBeOomText, parseKernelLine } from './kernel-line.ts';
import { isSentenceLikeHeader } from './kernel-lines/invoked.ts';

const PIPE = 0x7c;
const BACKTICK = 0x60;
const BACKSLASH = 0x5c;

/**
 * Where the row's cells are split: at each pipe not escaped (`\|`) and, when `codeSpans`, not inside inline
 * code, which markdown's own tables split but a kernel line's `GFP_…|__GFP_…` does not end. Null when `codeSpans`
 * and a backtick run opens inline code that no run of its length closes: the backtick is text, not code.
 */
function pipesOf(row: string, codeSpans: boolean): number[] | null {
  const pipes: number[] = [];
  // The length of the backtick run that opened the inline code the scan is in; 0 outside one.
  let open = 0;
  for (let i = 0; i < row.length; i++) {
    const code = row.charCodeAt(i);
    if (code === BACKSLASH) {
      const next = row.charCodeAt(i + 1);
      if (next === PIPE || (next === BACKTICK && open === 0)) i++;
    } else if (code === BACKTICK && codeSpans) {
      let run = 1;
      while (row.charCodeAt(i + run) === BACKTICK) run++;
      if (open === 0) open = run;
      else if (open === run) open = 0;
      i += run - 1;
    } else if (code === PIPE && open === 0) {
      pipes.push(i);
    }
  }
  return open === 0 ? pipes : null;
}

/** The text of a cell that is inline code whole (`` `…` ``, ``` `` … `` ```), without its backticks; else null. */
function inlineCode(cell: string): string | null {
  let run = 0;
  while (cell.charCodeAt(run) === BACKTICK) run++;
  if (run === 0 || cell.length < 2 * run + 1) return null;
  for (let i = 1; i <= run; i++) if (cell.charCodeAt(cell.length - i) !== BACKTICK) return null;
  if (cell.charCodeAt(cell.length - run - 1) === BACKTICK) return null;
  return cell.slice(run, cell.length - run).trim();
}

/** How many envelopes a cell's kernel text may carry before it (`Dec  6 01:56:03 vm kernel: [39249.326779] `). */
const MAX_ENVELOPES = 3;

/** Whether a recognizer reads the cell's text, behind its envelopes (`[ 4194.691334] `, a syslog head). */
function isRecognized(text: string): boolean {
  let message = text;
  for (let i = 0; i < MAX_ENVELOPES; i++) {
    const length = envelopeLength(message);
    if (length <= 0) break;
    message = message.slice(length);
  }
  const result = parseKernelLine(message);
  return result.kind === 'line' && !isSentenceLikeHeader(result.line, message !== text);
}

/**
 * The cell of a markdown table row (a line that starts and ends with a pipe) that holds the kernel text, its
 * escaped pipes read and inline code around it off: the first cell a recognizer reads, in inline code before one
 * not; else the first cell in inline code that may be OOM text, else the first cell that may be (a prose cell that
 * mentions OOM goes to the drift as what it is). A cell that only names OOM (`OOMKilled`, `512Mi (memory)`) never
 * hides the kernel's line after it. Null for a line that is no such row, or whose cells hold no OOM text: it is
 * read as it is. A reviewer's `| ` quote of a kernel line does not end with a pipe.
 */
export function kernelTextCell(line: string): string | null {
  const row = line.trimEnd();
  if (row.charCodeAt(0) !== PIPE || row.length < 2) return null;
  const pipes = pipesOf(row, true) ?? pipesOf(row, false);
  if (pipes === null || pipes.at(-1) !== row.length - 1) return null;
  let readPlain: string | null = null;
  let code: string | null = null;
  let plain: string | null = null;
  for (let i = 1; i < pipes.length; i++) {
    const cell = row.slice((pipes[i - 1] as number) + 1, pipes[i]).trim();
    if (!mayBeOomText(cell)) continue;
    const inCode = inlineCode(cell);
    const text = (inCode ?? cell).replaceAll('\\|', '|');
    if (isRecognized(text)) {
      if (inCode !== null) return text;
      readPlain ??= text;
    } else if (inCode !== null) code ??= text;
    else plain ??= text;
  }
  return readPlain ?? code ?? plain;
}
