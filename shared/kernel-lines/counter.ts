/**
 * Memcg page counters, every kernel: `memory: usage NkB, limit NkB, failcnt N`; `memory+swap:` and `kmem:`
 * (cgroup v1), `swap:` (cgroup v2).
 */
import { toInt } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';

export type CounterName = 'memory' | 'memory+swap' | 'swap' | 'kmem';

export interface CounterLine {
  kind: 'counter';
  counter: CounterName;
  /** Each null when beyond what a number holds exactly (a counter that wrapped below zero). */
  usageKb: number | null;
  limitKb: number | null;
  failcnt: number | null;
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
      usageKb: toInt(m[2]),
      limitKb: toInt(m[3]),
      failcnt: toInt(m[4]),
    };
  },
};
