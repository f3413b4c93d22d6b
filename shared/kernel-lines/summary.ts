/**
 * One-line summary, 4.19+:
 * `oom-kill:constraint=…,nodemask=…,cpuset=…,mems_allowed=…,oom_memcg=…|global_oom,task_memcg=…,task=…,pid=…,uid=…`.
 */
import { stripTruncation, toInt } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';

export interface SummaryLine {
  kind: 'summary';
  constraint: string | null;
  cpuset: string | null;
  oomMemcg: string | null;
  globalOom: boolean;
  taskMemcg: string | null;
  taskMemcgTruncated: boolean;
  task: string | null;
  pid: number | null;
  uid: number | null;
}

const PREFIX = 'oom-kill:constraint=';

function readSummary(text: string, truncated: boolean): SummaryLine {
  const body = stripTruncation(text.slice('oom-kill:'.length), truncated);
  const field = (key: string, from: number, to: number): string | null => {
    const at = body.indexOf(`${key}=`, from);
    if (at < 0 || at >= to) return null;
    const start = at + key.length + 1;
    let end = to;
    for (const next of [
      ',nodemask=',
      ',cpuset=',
      ',mems_allowed=',
      ',oom_memcg=',
      ',global_oom',
      ',task_memcg=',
    ]) {
      const n = body.indexOf(next, start);
      if (n >= 0 && n < end) end = n;
    }
    return body.slice(start, end);
  };
  // The victim's comm may contain `,` and `=`, so the tail is read from the right.
  const taskMemcgAt = body.indexOf(',task_memcg=');
  const taskAt = body.indexOf(',task=', taskMemcgAt < 0 ? 0 : taskMemcgAt + 1);
  const uidAt = body.lastIndexOf(',uid=');
  const pidAt = uidAt < 0 ? -1 : body.lastIndexOf(',pid=', uidAt - 1);
  const hasTail = taskAt >= 0 && pidAt > taskAt && uidAt > pidAt;
  const headEnd = taskAt >= 0 ? taskAt : body.length;
  const taskMemcg = taskMemcgAt < 0 ? null : body.slice(taskMemcgAt + ',task_memcg='.length, headEnd);
  return {
    kind: 'summary',
    constraint: field('constraint', 0, headEnd),
    cpuset: field('cpuset', 0, headEnd),
    oomMemcg: field('oom_memcg', 0, headEnd),
    globalOom: body.slice(0, headEnd).includes(',global_oom'),
    taskMemcg,
    taskMemcgTruncated: truncated && taskAt < 0 && taskMemcg !== null,
    task: hasTail ? body.slice(taskAt + ',task='.length, pidAt) : null,
    pid: hasTail ? toInt(body.slice(pidAt + ',pid='.length, uidAt)) : null,
    // A pager may have cut the last number short.
    uid: hasTail && !truncated ? toInt(body.slice(uidAt + ',uid='.length)) : null,
  };
}

export const summaryLine: Recognizer<SummaryLine> = {
  name: 'summary',
  marker: PREFIX,
  read(text, truncated) {
    return text.startsWith(PREFIX) ? readSummary(text, truncated) : null;
  },
};
