/**
 * 4.19–5.x when no task is known: `Memory limit reached of cgroup <oom cgroup>`.
 */
import type { Recognizer } from './recognizer.ts';

export interface LimitReachedLine {
  kind: 'limit-reached';
  oom: string;
}

const PREFIX = 'Memory limit reached of cgroup ';

export const limitReachedLine: Recognizer<LimitReachedLine> = {
  name: 'limit-reached',
  marker: PREFIX,
  starts: [PREFIX],
  read(text) {
    return text.startsWith(PREFIX) ? { kind: 'limit-reached', oom: text.slice(PREFIX.length) } : null;
  },
};
