/**
 * Before 5.x: `<message>: Kill process A (comm) score S or sacrifice child`. A is only the candidate: the next
 * `Killed process B` is the victim.
 */
import { messageBefore, pidAndComm, toInt } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';

export interface SacrificeLine {
  kind: 'sacrifice';
  message: string | null;
  pid: number;
  name: string;
  score: number | null;
}

export const sacrificeLine: Recognizer<SacrificeLine> = {
  name: 'sacrifice',
  marker: 'Kill process ',
  read(text) {
    const at = text.indexOf('Kill process ');
    if (at < 0) return null;
    const parsed = pidAndComm(text.slice(at + 'Kill process '.length), [') score ', ')']);
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
