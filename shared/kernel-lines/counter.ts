/**
 * Memcg page counters, every kernel: `memory: usage NkB, limit NkB, failcnt N`; `memory+swap:` and `kmem:`
 * (cgroup v1), `swap:` (cgroup v2).
 */
import type { Recognizer } from './recognizer.ts';

export type CounterName = 'memory' | 'memory+swap' | 'swap' | 'kmem';

export interface CounterLine {
  kind: 'counter';
  counter: CounterName;
  usageKb: number;
  limitKb: number;
  failcnt: number;
}

const COUNTER = /^(memory|memory\+swap|swap|kmem): usage (\d+)kB, limit (\d+)kB, failcnt (\d+)$/;

export const counterLine: Recognizer<CounterLine> = {
  name: 'counter',
  marker: ': usage ',
  read(text) {
    const m = COUNTER.exec(text);
    if (m === null) return null;
    return {
      kind: 'counter',
      counter: m[1] as CounterName,
      usageKb: Number(m[2]),
      limitKb: Number(m[3]),
      failcnt: Number(m[4]),
    };
  },
};
