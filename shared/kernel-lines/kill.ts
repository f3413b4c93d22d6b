/**
 * The kill, every kernel:
 * `[<message>: ]Killed process N (comm)[, UID N,] total-vm:…kB, anon-rss:…kB, …[, UID:N pgtables:…kB oom_score_adj:N]`.
 */
import { messageBefore, pidAndComm, signedNumber, stripTruncation } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';

export interface KillLine {
  kind: 'kill';
  message: string | null;
  pid: number;
  name: string;
  fields: Record<string, number>;
}

/**
 * `total-vm:75160kB, anon-rss:65152kB, … UID:0 pgtables:184kB oom_score_adj:0`, and the older `, UID 0,`.
 * On a line a pager cut, the last value may be cut too, so it is not read.
 */
export function keyValues(tail: string, truncated: boolean): Record<string, number> {
  const usual = truncated ? null : USUAL_VALUES.exec(tail);
  return usual === null ? keyValuesByToken(tail, truncated) : usualFields(usual);
}

/** keyValues the plain way, token by token: what reading the usual layout at once is held to (its test). */
export function keyValuesByToken(tail: string, truncated: boolean): Record<string, number> {
  const fields: Record<string, number> = {};
  // Split on `, ` and spaces only: a pasted `26,184,840kB` must read as unknown, not as 26.
  const tokens = tail.split(/,? +|,$/);
  if (truncated) tokens.pop();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const colon = token.indexOf(':');
    if (colon > 0) addField(fields, token.slice(0, colon), token, colon + 1);
    else if (token === 'UID') addField(fields, token, tokens[i + 1] ?? '', 0);
  }
  return fields;
}

/** Sets `key` to the number that `text` holds from `start` on, less a `kB` unit, if it holds one. */
function addField(fields: Record<string, number>, key: string, text: string, start: number): void {
  const value = signedNumber(text, start, text.endsWith('kB') ? text.length - 2 : text.length);
  if (value !== null) fields[key] = value;
}

/**
 * The values as 4.x to 6.x kernels print them (`UID:` on since 5.x), read by one match: into the same fields, in
 * the same order, that reading token by token gives. A store under a key made from the line costs as much as the
 * rest of the line.
 */
const USUAL_VALUES =
  /^ total-vm:(\d+)kB, anon-rss:(\d+)kB, file-rss:(\d+)kB, shmem-rss:(\d+)kB(?:, UID:(\d+) pgtables:(\d+)kB oom_score_adj:(-?\d+))?$/;

function usualFields(m: RegExpExecArray): Record<string, number> {
  const [totalVm, anonRss, fileRss, shmemRss] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  if (m[5] === undefined) {
    return { 'total-vm': totalVm, 'anon-rss': anonRss, 'file-rss': fileRss, 'shmem-rss': shmemRss };
  }
  return {
    'total-vm': totalVm,
    'anon-rss': anonRss,
    'file-rss': fileRss,
    'shmem-rss': shmemRss,
    UID: Number(m[5]),
    pgtables: Number(m[6]),
    oom_score_adj: Number(m[7]),
  };
}

export const killLine: Recognizer<KillLine> = {
  name: 'kill',
  marker: 'Killed process ',
  read(text, truncated) {
    const at = text.indexOf('Killed process ');
    if (at < 0) return null;
    const rest = stripTruncation(text.slice(at + 'Killed process '.length), truncated);
    const parsed = pidAndComm(rest, [') total-vm:', '), UID ', ')']);
    if (parsed === null) return null;
    return {
      kind: 'kill',
      message: messageBefore(text, at),
      pid: parsed.pid,
      name: parsed.name,
      fields: keyValues(parsed.tail, truncated),
    };
  },
};
