/**
 * The kernel's choice of victim as 2.6.19 to 2.6.35 spelled it: `<message>: kill process A (comm) score S or a
 * child` (`Out of memory`, `Memory cgroup out of memory`). As with sacrifice.ts, A is only the candidate: the
 * next `Killed process B` is the victim, a child of A when it had one to kill.
 */
import type { Recognizer } from './recognizer.ts';
import { choiceCutAtPid, selectionAfter, type SacrificeLine } from './sacrifice.ts';

/**
 * Prose says `kill process 1234 (java)` too: only the kernel's line goes on with its score, or is cut before it after
 * the kernel's message (`Out of memory: kill process 2908`, choiceCutAtPid).
 */
function withScore(line: SacrificeLine | null): SacrificeLine | null {
  return line?.score == null ? null : line;
}

export const earlySelectionLine: Recognizer<SacrificeLine> = {
  name: 'sacrifice',
  marker: 'kill process ',
  read: (text, truncated) =>
    withScore(selectionAfter(text, 'kill process ')) ?? choiceCutAtPid(text, 'kill process ', truncated),
};
