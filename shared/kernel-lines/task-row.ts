/**
 * Task dump row, every kernel: `[   2874]     0  2874    18790    17950 … python3`; the name is whatever
 * follows the numbers.
 */
import { signedNumber } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';

export interface TaskRowLine {
  kind: 'task-row';
  pid: number;
  numbers: number[];
  /** The text after the `[pid]`, and where each number starts in it (a name may start with digits). */
  body: string;
  starts: number[];
}

// `s`: a comm renamed to hold a newline, read through journald, is part of the row.
const TASK_ROW = /^\[\s*(\d+)\]\s+(\S.*)$/s;

export const taskRowLine: Recognizer<TaskRowLine> = {
  name: 'task-row',
  marker: '[',
  starts: ['['],
  read(text) {
    const m = TASK_ROW.exec(text);
    if (m === null) return null;
    const body = m[2] as string;
    const numbers: number[] = [];
    const starts: number[] = [];
    let at = 0;
    for (;;) {
      const space = body.indexOf(' ', at);
      if (space < 0) break;
      const number = signedNumber(body, at, space);
      if (number === null) break;
      numbers.push(number);
      starts.push(at);
      at = space;
      while (body.charCodeAt(at) === 32) at++;
    }
    if (numbers.length < 4) return null;
    starts.push(at);
    return { kind: 'task-row', pid: Number(m[1]), numbers, body, starts };
  },
};
