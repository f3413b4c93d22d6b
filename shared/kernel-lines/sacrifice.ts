/**
 * Before 5.x: `<message>: Kill process A (comm) score S or sacrifice child`. A is only the candidate: the next
 * `Killed process B` is the victim.
 */
import { messageBefore, pidAndComm, pidBeforePlaceholder, toInt } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';

export interface SacrificeLine {
  kind: 'sacrifice';
  message: string | null;
  pid: number;
  /** Null when an author put a placeholder longer than any comm in its place. */
  name: string | null;
  score: number | null;
}

/** The pid before a placeholder longer than any comm (an author hid the comm): its name unknown. */
function placeholderComm(rest: string): { pid: number; name: null; tail: string } | null {
  const hidden = pidBeforePlaceholder(rest, [') score ']);
  return hidden === null ? null : { ...hidden, name: null };
}

export const sacrificeLine: Recognizer<SacrificeLine> = {
  name: 'sacrifice',
  marker: 'Kill process ',
  read(text) {
    const at = text.indexOf('Kill process ');
    if (at < 0) return null;
    const rest = text.slice(at + 'Kill process '.length);
    const parsed = pidAndComm(rest, [') score ', ')']) ?? placeholderComm(rest);
    if (parsed === null) return null;
    const score = /^ score (\d+)/.exec(parsed.tail);
    return {
      kind: 'sacrifice',
      message: messageBefore(text, at),
      pid: parsed.pid,
      name: parsed.name,
      score: toInt(score?.[1]),
    };
  },
};
