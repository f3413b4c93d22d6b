/**
 * 4.6+: `oom_reaper: reaped process N (comm), now anon-rss:0kB, …`, or, when the reaper gave up on the victim's
 * memory, `oom_reaper: unable to reap pid:N (comm)`. Either confirms the kill of N.
 */
import { pidAndComm, stripTruncation } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';

export interface ReapedLine {
  kind: 'reaped';
  pid: number;
  name: string;
  /** What the memory held once reaped (`anon-rss:0kB, file-rss:0kB, shmem-rss:3445880kB`), or null. */
  left: string | null;
}

/** A victim gone, as a line says it: the reaper's, or OpenVZ's `exited` one (ub-exited.ts), whose `left` is null. */
export type ReapedExit = Pick<ReapedLine, 'pid' | 'name' | 'left'>;

const NOW = ', now ';

const REAPED = 'oom_reaper: reaped process ';
const UNABLE = 'oom_reaper: unable to reap pid:';

export const reapedLine: Recognizer<ReapedLine> = {
  name: 'reaped',
  marker: 'oom_reaper: ',
  starts: [REAPED, UNABLE],
  read(text, truncated) {
    const prefix = text.startsWith(REAPED) ? REAPED : text.startsWith(UNABLE) ? UNABLE : null;
    if (prefix === null) return null;
    const rest = stripTruncation(text.slice(prefix.length), truncated);
    const parsed = pidAndComm(rest, ['), now ', ')']);
    if (parsed === null) return null;
    const left = parsed.tail.startsWith(NOW) ? parsed.tail.slice(NOW.length) : null;
    return { kind: 'reaped', pid: parsed.pid, name: parsed.name, left };
  },
};
