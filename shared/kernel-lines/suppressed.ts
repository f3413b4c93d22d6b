/**
 * Every kernel: `oom_kill_process: N callbacks suppressed`. The ratelimit dropped report lines; kill lines may
 * follow alone.
 */
import type { Recognizer } from './recognizer.ts';

export interface SuppressedLine {
  kind: 'suppressed';
  function: string;
  count: number;
}

const SUPPRESSED = /^([A-Za-z0-9_]+): (\d+) callbacks suppressed$/;

export const suppressedLine: Recognizer<SuppressedLine> = {
  name: 'suppressed',
  marker: 'callbacks suppressed',
  read(text) {
    const m = SUPPRESSED.exec(text);
    return m === null ? null : { kind: 'suppressed', function: m[1] as string, count: Number(m[2]) };
  },
};
