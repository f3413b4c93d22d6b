/**
 * The kill, every kernel:
 * `[<message>: ]Killed process N (comm)[, UID N,] total-vm:…kB, anon-rss:…kB, …[, UID:N pgtables:…kB oom_score_adj:N]`.
 */
import { messageBefore, pidAndComm, SIGNED, stripTruncation } from './message-fields.ts';
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
  const fields: Record<string, number> = {};
  // Split on `, ` and spaces only: a pasted `26,184,840kB` must read as unknown, not as 26.
  const tokens = tail.split(/,? +|,$/);
  if (truncated) tokens.pop();
  tokens.forEach((token, i) => {
    const colon = token.indexOf(':');
    const key = colon > 0 ? token.slice(0, colon) : token;
    let value = colon > 0 ? token.slice(colon + 1) : (tokens[i + 1] ?? '');
    if (colon <= 0 && key !== 'UID') return;
    if (value.endsWith('kB')) value = value.slice(0, -2);
    if (SIGNED.test(value)) fields[key] = Number(value);
  });
  return fields;
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
