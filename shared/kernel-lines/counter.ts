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

const COUNTER_NAMES: readonly CounterName[] = ['memory', 'memory+swap', 'swap', 'kmem'];
const COUNTER = /^(memory|memory\+swap|swap|kmem): usage (\d+)kB, limit (\d+)kB, failcnt (\d+)$/;

export const counterLine: Recognizer<CounterLine> = {
  name: 'counter',
  marker: ': usage ',
  starts: ['memory: usage ', 'memory+swap: usage ', 'swap: usage ', 'kmem: usage '],
  read(text) {
    const m = COUNTER.exec(text);
    if (m === null) return null;
    return {
      kind: 'counter',
      // The name as a constant: stored as a key, a string cut from the line would be looked up first.
      counter: COUNTER_NAMES[COUNTER_NAMES.indexOf(m[1] as CounterName)] as CounterName,
      usageKb: Number(m[2]),
      limitKb: Number(m[3]),
      failcnt: Number(m[4]),
    };
  },
};
