/**
 * Task dump header, every kernel: `[ pid ]   uid  tgid total_vm      rss …  oom_score_adj name`; the columns
 * vary by kernel (6.x, 4.18–5.x, 4.9 and 3.10 layouts).
 */
import type { Recognizer } from './recognizer.ts';

export interface TaskHeaderLine {
  kind: 'task-header';
  columns: string[];
}

export const taskHeaderLine: Recognizer<TaskHeaderLine> = {
  name: 'task-header',
  marker: 'tgid ',
  starts: ['['],
  read(text) {
    // The column as printed, space before it: the marker leaves the space out, as rows are mostly spaces.
    if (!text.startsWith('[') || !text.endsWith(' name') || !text.includes(' tgid ')) return null;
    const close = text.indexOf(']');
    if (close < 0 || text.slice(1, close).trim() !== 'pid') return null;
    return {
      kind: 'task-header',
      columns: text
        .slice(close + 1)
        .trim()
        .split(/\s+/),
    };
  },
};
