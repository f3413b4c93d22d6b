/**
 * dump_stack header naming the invoking task, every kernel:
 * `CPU: 0 [UID: 0 ]PID: 2874 Comm: python3 [Kdump: loaded ]Not tainted …` (`UID:` since 6.x; `Kdump: loaded`
 * when a crash kernel is loaded, as on RHEL).
 */
import { commEnd } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';

export interface CpuLine {
  kind: 'cpu';
  pid: number;
  name: string;
}

const CPU_LINE = /^CPU: \d+ (?:UID: \d+ )?PID: (\d+) Comm: /;

export const cpuLine: Recognizer<CpuLine> = {
  name: 'cpu',
  marker: 'CPU: ',
  starts: ['CPU: '],
  read(text) {
    const m = CPU_LINE.exec(text);
    if (m === null) return null;
    const rest = text.slice(m[0].length);
    const end = commEnd(rest, 0, [' Kdump: loaded ', ' Not tainted', ' Tainted: ']);
    return { kind: 'cpu', pid: Number(m[1]), name: end < 0 ? rest : rest.slice(0, end) };
  },
};
