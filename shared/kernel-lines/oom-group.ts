/**
 * 4.19+, memory.oom.group: `Tasks in <cgroup> are going to be killed due to memory.oom.group set`.
 */
import type { Recognizer } from './recognizer.ts';

export interface OomGroupLine {
  kind: 'oom-group';
  cgroup: string;
}

const OOM_GROUP_TAIL = ' are going to be killed due to memory.oom.group set';

export const oomGroupLine: Recognizer<OomGroupLine> = {
  name: 'oom-group',
  marker: OOM_GROUP_TAIL,
  starts: ['Tasks in '],
  read(text) {
    if (!text.startsWith('Tasks in ') || !text.endsWith(OOM_GROUP_TAIL)) return null;
    return { kind: 'oom-group', cgroup: text.slice('Tasks in '.length, -OOM_GROUP_TAIL.length) };
  },
};
