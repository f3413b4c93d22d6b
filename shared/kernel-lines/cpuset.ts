/**
 * Before 4.19: `<comm> cpuset=<cgroup name> mems_allowed=<mask>`; the invoker's cpuset cgroup name.
 */
import { COMM_MAX, commEnd, stripTruncation } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';

export interface CpusetLine {
  kind: 'cpuset';
  name: string;
  cpuset: string;
  truncated: boolean;
}

export const cpusetLine: Recognizer<CpusetLine> = {
  name: 'cpuset',
  marker: ' cpuset=',
  markerWithin: COMM_MAX,
  read(text, truncated) {
    // The comm comes first, so ` cpuset=` starts within a comm's length of the line start.
    const at = commEnd(text, 0, [' cpuset=']);
    if (at <= 0) return null;
    const start = at + ' cpuset='.length;
    const end = text.indexOf(' mems_allowed=', start);
    if (end < 0 && !truncated) return null;
    const cpuset = end < 0 ? stripTruncation(text.slice(start), truncated) : text.slice(start, end);
    return { kind: 'cpuset', name: text.slice(0, at), cpuset, truncated: end < 0 };
  },
};
