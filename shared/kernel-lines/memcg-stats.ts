/**
 * Every kernel: `Memory cgroup stats for <cgroup>:` (one per cgroup on ≤4.x cgroup v1, with counters on the
 * same line).
 */
import { stripTruncation } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';

export interface MemcgStatsLine {
  kind: 'memcg-stats';
  path: string;
  truncated: boolean;
}

const PREFIX = 'Memory cgroup stats for ';

export const memcgStatsLine: Recognizer<MemcgStatsLine> = {
  name: 'memcg-stats',
  marker: PREFIX,
  starts: [PREFIX],
  read(text, truncated) {
    if (!text.startsWith(PREFIX)) return null;
    const body = stripTruncation(text.slice(PREFIX.length), truncated);
    const inline = body.indexOf(': ');
    if (inline >= 0) return { kind: 'memcg-stats', path: body.slice(0, inline), truncated: false };
    if (body.endsWith(':')) return { kind: 'memcg-stats', path: body.slice(0, -1), truncated: false };
    return truncated ? { kind: 'memcg-stats', path: body, truncated: true } : null;
  },
};
