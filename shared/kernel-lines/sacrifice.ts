/**
 * The kernel's choice of victim, before 5.x: `<message>: Kill process A (comm) score S or sacrifice child`
 * (2.6.36 to 4.x), `Out of Memory: Kill process A (comm) score S and children.` (2.6.1x). A is only the
 * candidate: the next `Killed process B` is the victim. early-selection.ts reads 2.6.19 to 2.6.35's spelling.
 */
import {
  maskedPidAndComm,
  messageBefore,
  pidAndComm,
  pidBeforePlaceholder,
  stripTruncation,
  toInt,
} from './message-fields.ts';
import { holdsPlaceholder } from './placeholder.ts';
import type { Recognizer } from './recognizer.ts';
import { isKernelKillStart, pidBeforeCut } from './kill.ts';

export interface SacrificeLine {
  kind: 'sacrifice';
  message: string | null;
  /** Null when an author masked it (`Kill process xxx (beam.smp) score 727 or sacrifice child`). */
  pid: number | null;
  /** Null when an author put a placeholder longer than any comm in its place. */
  name: string | null;
  score: number | null;
}

/** What follows the comm of a process that shares the victim's memory (shared-memory-kill.ts): not a choice. */
export const SHARING_TAIL = ' sharing same memory';

/** The pid before a placeholder longer than any comm (an author hid the comm): its name unknown. */
function placeholderComm(rest: string): { pid: number; name: null; tail: string } | null {
  const hidden = pidBeforePlaceholder(rest, [') score ']);
  return hidden === null ? null : { ...hidden, name: null };
}

/**
 * `<message>: Kill process ... (python)`: a pid an author masked (as a kill line's, MASKED_PID) on a line that ends
 * with the comm, as a line cut there with a real pid reads (an engineering record, corpus 327). Only after one of
 * the kernel's messages, which the kernel always prints before `Kill process`: with neither a number nor a score,
 * that message is what shows the line is the kernel's; and not with a placeholder for the comm (`(<comm>)`), a
 * template's.
 */
function maskedPidCutAfterComm(message: string | null, rest: string): ReturnType<typeof maskedPidAndComm> {
  if (message === null || !isKernelKillStart(message)) return null;
  const masked = maskedPidAndComm(rest, [')']);
  if (masked === null || masked.blank || masked.tail !== '' || holdsPlaceholder(masked.name)) return null;
  return masked;
}

/** Digits that end the line: a pid, or the head of one that a cut (`cut -c`, a terminal, a pager) shortened. */
const DIGITS_TO_THE_END = /^ *\d+$/;

/**
 * `<message>: Kill process 12346`: a choice cut right after its pid, or at or inside its comm (`Kill process 12346
 * (pyth`), as an author's notes quote it (`# 系统日志：Out of memory: Kill process 12346`, seventy-fifth red team A/03;
 * corpus 328). The kernel prints its message and `Kill process` only when it chooses a victim, so the line is a
 * choice, its constraint the message's: only after one of those messages (no prose, no template: `Kill process
 * [pid]`, `%d`, a pid with more words after it). Its pid as a cut kill line's (kill.ts, CUT_KILL): whole when a space
 * or the comm's parenthesis follows it; digits that end the line, a pager's mark after them or not, may be a cut
 * pid (`12346` of 1234567), so the pid is unknown. The next kill line names the victim in any case.
 */
export function choiceCutAtPid(text: string, marker: string, truncated: boolean): SacrificeLine | null {
  const at = text.indexOf(marker);
  if (at <= 0) return null;
  const message = messageBefore(text, at);
  if (message === null || !isKernelKillStart(message)) return null;
  const rest = stripTruncation(text.slice(at + marker.length), truncated);
  const pid = pidBeforeCut(rest);
  if (pid === null && !DIGITS_TO_THE_END.test(rest)) return null;
  return { kind: 'sacrifice', message, pid, name: null, score: null };
}

/** 2.6.1x's fixed text before a choice, which names no constraint (kill.ts, KILL_MESSAGES). */
const FIXED_CHOICE_MESSAGE = 'Out of Memory';
/** How 2.6.19 on end a choice (`… score S or a child`, later `… or sacrifice child`); 2.6.1x ended it `and children.`. */
const LATER_CHOICE_END = / or (?:a|sacrifice) child/;

/**
 * The choice's message as the kernel printed it: 2.6.1x's fixed `Out of Memory` came only before its own wording (`…
 * and children.`); before a later one it is `Out of memory` (a system OOM's) retyped with a capital M (a web app's
 * preset log: `[kernel] Out of Memory: Kill process 18402 (gunicorn-worker) score 950 or sacrifice child`,
 * seventy-eighth red team B/04), read as the kernel's.
 */
function kernelMessageOf(message: string | null, tail: string): string | null {
  if (message === null || !message.endsWith(FIXED_CHOICE_MESSAGE) || !LATER_CHOICE_END.test(tail))
    return message;
  return `${message.slice(0, -FIXED_CHOICE_MESSAGE.length)}Out of memory`;
}

/** `<message>: <marker>A (comm) score S …`, the marker being how the kernel spelled `Kill process `. */
export function selectionAfter(text: string, marker: string): SacrificeLine | null {
  const at = text.indexOf(marker);
  if (at < 0) return null;
  const rest = text.slice(at + marker.length);
  const read = pidAndComm(rest, [') score ', ')']) ?? placeholderComm(rest);
  const message = messageBefore(text, at);
  // Asked only where neither a pid nor a placeholder was read.
  const cut = read === null ? maskedPidCutAfterComm(message, rest) : null;
  if (cut !== null) return { kind: 'sacrifice', message, pid: null, name: cut.name, score: null };
  const masked = read === null ? maskedPidAndComm(rest, [') score ']) : null;
  const parsed = read ?? masked;
  if (parsed === null || parsed.tail.startsWith(SHARING_TAIL)) return null;
  // A flowed mail's wrap may leave two spaces around `score` (its soft break's space kept).
  const score = /^ +score +(\d+)/.exec(parsed.tail);
  // A masked pid whose score is masked too is a template (`Kill process NNNN (name) score NNN`), and so is no pid
  // with no space where it was (`Kill process (python) score or …`); a copy that stripped every number left the
  // spaces (`Kill process  (qemu-kvm) score  or …`).
  if (parsed === masked && (masked.blank ? !masked.spaced : score === null)) return null;
  return {
    kind: 'sacrifice',
    message: kernelMessageOf(message, parsed.tail),
    pid: parsed.pid,
    name: parsed.name,
    score: toInt(score?.[1]),
  };
}

export const sacrificeLine: Recognizer<SacrificeLine> = {
  name: 'sacrifice',
  marker: 'Kill process ',
  read: (text, truncated) =>
    selectionAfter(text, 'Kill process ') ?? choiceCutAtPid(text, 'Kill process ', truncated),
};
