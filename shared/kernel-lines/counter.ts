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
/**
 * The line whole, or cut after the limit's `kB` (a page's width, an author's `…`: `limit 102400kB, failc …`): each size
 * with its `kB` is whole, and the failure count is known only when it ends the line, or when what closes a writer's
 * text follows it (a gist's table cells ` | |`, a code span's backtick, `)`, a page's `</div>`, a sentence's full
 * stop), or a space and words (` (the limit)`); not digits after a space, which a wrap may have split off, nor a
 * cut mark.
 */
const COUNTER =
  /^(memory|memory\+swap|swap|kmem): usage (\d+)kB, limit (\d+)kB(?:, failcnt (\d+)(?:\.?$|[ \t\u00a0]+[^\s\d.…].*$|["'`|\])}*[<;。，、\\].*$)|(?![\w+-]).*$)/;

export const counterLine: Recognizer<CounterLine> = {
  name: 'counter',
  marker: ': usage ',
  starts: ['memory: usage ', 'memory+swap: usage ', 'swap: usage ', 'kmem: usage '],
  read(text, truncated) {
    const m = COUNTER.exec(text);
    if (m === null) return null;
    return {
      kind: 'counter',
      // The name as a constant: stored as a key, a string cut from the line would be looked up first.
      counter: COUNTER_NAMES[COUNTER_NAMES.indexOf(m[1] as CounterName)] as CounterName,
      usageKb: toInt(m[2]),
      limitKb: toInt(m[3]),
      // A count that ends a line cut short may have lost digits.
      failcnt: truncated ? null : toInt(m[4]),
    };
  },
};
