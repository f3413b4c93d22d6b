/**
 * OpenVZ and Virtuozzo kernels (2.6.18 to 2.6.32 based): a process the OOM killer chose has exited, its memory
 * freed: `OOM killed process <comm> (pid=N, ve=V) exited, free=F gen=G.` (`ub_oom_task_dead`; later
 * `ub_oom_mm_dead`, without `gen=`). Like the reaper's line, it confirms the kill of N, and alone (a log of
 * these lines with no kill line, as the 2.6.18 ones print around their `kill_signal` lines) it is the only evidence
 * of one.
 */
import { commEnd, digitsEnd } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';

export interface UbExitedLine {
  kind: 'ub-exited';
  pid: number;
  name: string;
}

const MARKER = 'OOM killed process ';
const PID = ' (pid=';
const AFTER_PID = ', ve=';
const EXITED = ') exited';

export const ubExitedLine: Recognizer<UbExitedLine> = {
  name: 'ub-exited',
  marker: MARKER,
  read(text) {
    const start = text.indexOf(MARKER) + MARKER.length;
    if (start < MARKER.length) return null;
    // The comm comes first here, and may hold ` (pid=` itself: the last one within a comm's length closes it.
    const close = commEnd(text, start, [PID]);
    if (close <= start) return null;
    const pidStart = close + PID.length;
    const pidEnd = digitsEnd(text, pidStart);
    if (pidEnd === pidStart || !text.startsWith(AFTER_PID, pidEnd)) return null;
    const veEnd = digitsEnd(text, pidEnd + AFTER_PID.length);
    if (veEnd === pidEnd + AFTER_PID.length || !text.startsWith(EXITED, veEnd)) return null;
    return { kind: 'ub-exited', pid: Number(text.slice(pidStart, pidEnd)), name: text.slice(start, close) };
  },
};
