/**
 * 4.6+: `oom_reaper: reaped process N (comm), now anon-rss:0kB, …`. Confirms the kill of N.
 */
import { pidAndComm, stripTruncation } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';

export interface ReapedLine {
  kind: 'reaped';
  pid: number;
  name: string;
}

const PREFIX = 'oom_reaper: reaped process ';

export const reapedLine: Recognizer<ReapedLine> = {
  name: 'reaped',
  marker: PREFIX,
  starts: [PREFIX],
  read(text, truncated) {
    if (!text.startsWith(PREFIX)) return null;
    const rest = stripTruncation(text.slice(PREFIX.length), truncated);
    const parsed = pidAndComm(rest, ['), now ', ')']);
    return parsed === null ? null : { kind: 'reaped', pid: parsed.pid, name: parsed.name };
  },
};
