/**
 * The kill as RHEL 6 (2.6.32) prints it, the uid before the comm:
 * `Killed process N, UID U, (comm) total-vm:…kB, anon-rss:…kB, file-rss:…kB`; cut at or inside the comm, or
 * without its comm, a kill of N, its name unknown (as kill.ts).
 */
import { isKernelKillStart, keyValues, unquoted } from './kill.ts';
import { commEnd, messageBefore, stripTruncation } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';

export interface El6KillLine {
  kind: 'el6-kill';
  message: string | null;
  pid: number;
  /** Null when the line was cut at or inside the comm. */
  name: string | null;
  fields: Record<string, number>;
}

const PREFIX = 'Killed process ';
/**
 * `N, UID U, (`. The uid's key in any case, as kill.ts reads the kill line's keys: an author may retype it (`uid`,
 * seventy-fourth red team A/04); the pid, the commas and the comm's parenthesis around it are the kernel's still.
 */
const PID_AND_UID = /^(\d+), UID (\d+), \(/i;
/**
 * A cut line: `N,` and as much of ` UID U, (comm` as is left, then a cut mark (`...`, `…`) and the quotes that
 * close the paste's text. The uid is read only when its `,` shows it whole.
 */
const CUT_EL6 =
  /^(\d+),(?: UID (\d+),(?: \([^)]{0,15})?| U(?:I(?:D(?: \d*)?)?)?)?(?: ?(?:\.\.\.|…))?(?:[`"']+,?)?$/i;

/**
 * `N, UID U` and a space, then anything but the comm in parentheses (a name an author put there, Red Hat's
 * knowledge base: `Killed process 7919, UID 504 oracle`): the pid and the uid whole, the name unknown.
 */
const PID_AND_UID_WHOLE = /^(\d+), UID (\d+) (?!\()/i;

/** A line cut at or inside the comm, or without it: the pid, the uid if whole, no name. */
function cutEl6Kill(message: string | null, rest: string): El6KillLine | null {
  const m = isKernelKillStart(message) ? (CUT_EL6.exec(rest) ?? PID_AND_UID_WHOLE.exec(rest)) : null;
  if (m === null) return null;
  const fields: Record<string, number> = m[2] === undefined ? {} : { UID: Number(m[2]) };
  return { kind: 'el6-kill', message, pid: Number(m[1]), name: null, fields };
}

export const el6KillLine: Recognizer<El6KillLine> = {
  name: 'el6-kill',
  marker: PREFIX,
  read(text, truncated) {
    const at = text.indexOf(PREFIX);
    if (at < 0) return null;
    const message = messageBefore(text, at);
    const rest = stripTruncation(text.slice(at + PREFIX.length), truncated);
    const m = PID_AND_UID.exec(rest);
    const start = m === null ? -1 : m[0].length;
    const close = m === null ? -1 : commEnd(rest, start, [') total-vm:', ')']);
    if (m === null || close < 0) return cutEl6Kill(message, rest);
    return {
      kind: 'el6-kill',
      message,
      pid: Number(m[1]),
      name: rest.slice(start, close),
      fields: { ...keyValues(unquoted(text, at, rest.slice(close + 1)), truncated), UID: Number(m[2]) },
    };
  },
};
