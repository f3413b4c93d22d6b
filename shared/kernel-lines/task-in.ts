/**
 * Before 4.19, memcg OOM: `Task in <victim cgroup> killed as a result of limit of <oom cgroup>`. The kernel
 * prints it in pieces (`pr_cont`): when another message comes between them, each piece is a record of its own,
 * and the first, `Task in <victim cgroup>`, names the victim's cgroup alone.
 */
import { AFTER_THE_LINE, stripTruncation } from './message-fields.ts';
import { isCgroupOrAncestor, isElidedPath } from '../cgroup-path.ts';
import type { Recognizer } from './recognizer.ts';

export interface TaskInLine {
  kind: 'task-in';
  task: string;
  oom: string | null;
  truncated: boolean;
}

const LEGACY_TASK_IN = ' killed as a result of limit of ';

/**
 * Whether what follows a path at `end` is a writer's text after the line (AFTER_THE_LINE: a space, a quote, markup
 * such as `[/code]`, a bracket, punctuation), not an author's elision of the path's rest (`/kubepods[...]`).
 */
function writersTextAt(text: string, end: number): boolean {
  if (text.startsWith('[...]', end) || text.startsWith('[…]', end)) return false;
  return AFTER_THE_LINE.test(text.charAt(end));
}

/**
 * The limit's cgroup: the victim's own or one above it. When the text after it is not (a writer's comment after
 * the line, `  # pylint: …`, or a string's close, `\\n",`), the longest of those that it starts with, followed by
 * such text; else the text as printed; null when it ends in a `/`.
 */
function limitPath(text: string, task: string): string | null {
  // No cgroup path ends in a `/` (the root's has no limit): a wrap cut it right after one (`limit of /docker/`).
  if (text.endsWith('/')) return null;
  if (isCgroupOrAncestor(text, task)) return text;
  for (let end = task.length; end > 0; end = task.lastIndexOf('/', end - 1)) {
    const candidate = task.slice(0, end);
    if (text.startsWith(candidate) && writersTextAt(text, end)) return candidate;
  }
  return text;
}

/** A cgroup path alone, as the first piece ends: `/`, then no space (prose goes on after a word). */
function isCgroupPath(text: string): boolean {
  return text.startsWith('/') && !/\s/.test(text);
}

export const taskInLine: Recognizer<TaskInLine> = {
  name: 'task-in',
  marker: 'Task in ',
  starts: ['Task in '],
  read(text, truncated) {
    if (!text.startsWith('Task in ')) return null;
    const body = stripTruncation(text.slice('Task in '.length), truncated);
    const at = body.indexOf(LEGACY_TASK_IN);
    if (at < 0) {
      if (truncated) return { kind: 'task-in', task: body, oom: null, truncated: true };
      return isCgroupPath(body)
        ? { kind: 'task-in', task: body, oom: null, truncated: isElidedPath(body) }
        : null;
    }
    // The limit's path ends the line: on a line a pager cut, it is cut too, so unknown.
    const task = body.slice(0, at);
    const oom = truncated ? null : limitPath(body.slice(at + LEGACY_TASK_IN.length), task);
    // An author's ellipsis (`/docker/55c9ffc4...`) cuts the victim's path as a pager does.
    return { kind: 'task-in', task, oom, truncated: isElidedPath(task) };
  },
};
