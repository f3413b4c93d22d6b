/**
 * OpenVZ and Virtuozzo kernels (RHEL 6 based, 2.6.32-042stab…): the OOM kill in a container, whose limits its
 * beancounter (UB) holds: `Out of memory in UB <id>: OOM killed process N (comm) score S vm:…kB, rss:…kB,
 * swap:…kB`. Its figures are not the contract's (rss is anon and file together): pid and name only.
 */
import { messageBefore, pidAndComm } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';

export interface UbKillLine {
  kind: 'ub-kill';
  message: string | null;
  pid: number;
  name: string;
  fields: Record<string, number>;
}

const MARKER = 'OOM killed process ';

export const ubKillLine: Recognizer<UbKillLine> = {
  name: 'ub-kill',
  marker: MARKER,
  read(text) {
    const at = text.indexOf(MARKER);
    if (at < 0) return null;
    // Only the kernel's line goes on with the score: prose may say `OOM killed process 1234 (java)`.
    const parsed = pidAndComm(text.slice(at + MARKER.length), [') score ']);
    if (parsed === null) return null;
    return {
      kind: 'ub-kill',
      message: messageBefore(text, at),
      pid: parsed.pid,
      name: parsed.name,
      fields: {},
    };
  },
};
