/**
 * OpenVZ and Virtuozzo kernels (RHEL 6 based, 2.6.32-042stab…): the OOM kill in a container, whose limits its
 * beancounter (UB) holds: `Out of memory in UB <id>: OOM killed process N (comm) score S vm:…kB, rss:…kB,
 * swap:…kB`. The older OpenVZ kernels (2.6.18-028stab…, mm/oom_kill.c's oom_kill_task) print the kill with no
 * beancounter and no score, on the host and again in the container's own log, where it is the only line of the
 * kill a container's user sees: `OOM killed process 659 (java) vm:4973220kB, rss:2066504kB, swap:0kB`. Their
 * figures are not the contract's (rss is anon and file together): pid and name only.
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
/** After the comm: the beancounter's score, or the older line's first figure (not `vm:lots of it`). */
const KERNEL_TAIL = /^ (?:score |vm:\d+kB)/;

export const ubKillLine: Recognizer<UbKillLine> = {
  name: 'ub-kill',
  marker: MARKER,
  read(text) {
    const at = text.indexOf(MARKER);
    if (at < 0) return null;
    // Only the kernel's line goes on with the score or the figures: prose may say `OOM killed process 1234 (java)`.
    const parsed = pidAndComm(text.slice(at + MARKER.length), [') score ', ') vm:']);
    if (parsed === null || !KERNEL_TAIL.test(parsed.tail)) return null;
    return {
      kind: 'ub-kill',
      message: messageBefore(text, at),
      pid: parsed.pid,
      name: parsed.name,
      fields: {},
    };
  },
};
