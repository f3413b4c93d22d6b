/**
 * The kill as RHEL 6 (2.6.32) prints it, the uid before the comm:
 * `Killed process N, UID U, (comm) total-vm:…kB, anon-rss:…kB, file-rss:…kB`.
 */
import { keyValues } from './kill.ts';
import { commEnd, messageBefore, stripTruncation } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';

export interface El6KillLine {
  kind: 'el6-kill';
  message: string | null;
  pid: number;
  name: string;
  fields: Record<string, number>;
}

const PREFIX = 'Killed process ';
const PID_AND_UID = /^(\d+), UID (\d+), \(/;

export const el6KillLine: Recognizer<El6KillLine> = {
  name: 'el6-kill',
  marker: PREFIX,
  read(text, truncated) {
    const at = text.indexOf(PREFIX);
    if (at < 0) return null;
    const rest = stripTruncation(text.slice(at + PREFIX.length), truncated);
    const m = PID_AND_UID.exec(rest);
    if (m === null) return null;
    const start = m[0].length;
    const close = commEnd(rest, start, [') total-vm:', ')']);
    if (close < 0) return null;
    return {
      kind: 'el6-kill',
      message: messageBefore(text, at),
      pid: Number(m[1]),
      name: rest.slice(start, close),
      fields: { ...keyValues(rest.slice(close + 1), truncated), UID: Number(m[2]) },
    };
  },
};
