/**
 * An author's hand wrap inside a cgroup path. No kernel line ends in a `/`, but a summary a writer wrapped by hand
 * may (`…,task_memcg=/user.slice/user-1000.slice/` then `  user@1000.service/app.slice/…,task=chrome,pid=…`), and
 * so may a `Task in` line (`Task in /docker/` then `  0f2b…bd53 killed as a result of limit of …`). The next line
 * goes on with the path when it is the path's rest, without a space, and either goes on with what the kernel prints
 * after that path (the summary's next key, `killed as a result of limit of`) or is indented more than the line it
 * continues, as a writer indents a wrapped line's rest. It joins with nothing: a path has no space.
 */
import { isCgroupOrAncestor } from './cgroup-path.ts';

/**
 * A line that may be the rest of a path: a segment first (not a writer's `...`), then the rest of the path, and
 * nothing, or the summary's next key (group 1), or what the kernel prints after a `Task in` line's cgroup (group 2).
 */
export const PATH_REST =
  /^[^\s,/.\u2026][^\s,]*(?:(,(?:\s?[a-z_]+=.*)?)|( killed as a result of limit of \S.*| are going to be killed.*))?$/;

const SUMMARY = 'oom-kill:';
/** The summary's values that are paths. */
const SUMMARY_PATH_KEYS = ['oom_memcg=/', 'task_memcg=/', 'cpuset=/'];
/** What a `Task in` line prints before its limit's path. */
export const LIMIT_OF = ' killed as a result of limit of ';

/**
 * The margin before a line's text: indentation, e-mail quote marks, and a line comment's mark (`# `, `// `: an
 * example in a script or a markdown guide's shell fence) with the indentation after it (group 1: the mark).
 */
const MARGIN = /^[ \t>]*(?:(#|\/\/)[ \t]+)?/;

/** Whether the line `restRaw` is indented more than `headRaw`, behind the same comment mark (or none). */
function indentedMore(restRaw: string, headRaw: string): boolean {
  const rest = MARGIN.exec(restRaw);
  const head = MARGIN.exec(headRaw);
  if (rest === null || head === null || rest[1] !== head[1]) return false;
  return rest[0].length > head[0].length;
}

/**
 * Whether `rest` (a line's text, `restRaw` the line) goes on with the path that the kernel line `head` (`headRaw`
 * its first line) ends in, cut after a `/`.
 */
export function continuesCutPath(head: string, headRaw: string, rest: string, restRaw: string): boolean {
  const text = head.trimEnd();
  if (!text.endsWith('/')) return false;
  const m = PATH_REST.exec(rest.trim());
  if (m === null) return false;
  const cut = cutPathOf(text);
  if (cut === null) return false;
  const [, summaryNext, taskNext] = m;
  // What follows the path must be what the kernel prints after this one; the limit's cgroup ends its line.
  const next = cut === 'summary' ? summaryNext : cut === 'task' ? taskNext : undefined;
  const other = cut === 'summary' ? taskNext : cut === 'task' ? summaryNext : (summaryNext ?? taskNext);
  if (other !== undefined) return false;
  return next !== undefined || indentedMore(restRaw, headRaw);
}

/**
 * Which path the kernel line ends in: a summary's (`task_memcg=/…/`), a `Task in` line's victim cgroup (or the
 * group line's, `Tasks in /…/`), its limit's cgroup; null for any other text.
 */
function cutPathOf(text: string): 'summary' | 'task' | 'limit' | null {
  if (text.includes(SUMMARY)) {
    const value = text.slice(Math.max(text.lastIndexOf(','), text.lastIndexOf(' ')) + 1);
    return SUMMARY_PATH_KEYS.some((key) => value.startsWith(key)) ? 'summary' : null;
  }
  const space = text.lastIndexOf(' ');
  if (text.charCodeAt(space + 1) !== 0x2f) return null;
  const before = text.slice(0, space + 1);
  if (before.endsWith('Task in ') || before.endsWith('Tasks in ')) return 'task';
  return before.endsWith(LIMIT_OF) && before.includes('Task in /') ? 'limit' : null;
}

/**
 * A segment's rest and the path's rest after it, and nothing else: what a wrap inside the limit's path left. It may
 * start with a dot (`…pod<uid>` + `.slice`), but not with a writer's `..` or `…`.
 */
const SEGMENT_REST = /^(?!\.\.)[^\s,/\u2026][^\s,]*$/;

/** Whether the text may be the rest of a path a wrap cut (after a `/`, or inside a segment of a limit's path). */
export function mayBePathRest(text: string): boolean {
  return PATH_REST.test(text) || SEGMENT_REST.test(text);
}

/**
 * Whether `rest` goes on with the limit's path that the `Task in` line `head` ends in, cut inside a segment (a
 * terminal or a page wrapped the line at its width: `…limit of /kubepods/bu` then `rstable/pod…/0e4a…`): the rest is
 * one path's rest and nothing more, and with it the limit is the victim's cgroup or an ancestor of it, as the
 * kernel's limit always is, while without it the limit would stop inside a segment of the victim's path.
 */
export function continuesCutLimit(head: string, rest: string): boolean {
  const text = head.trimEnd();
  const limitOf = text.lastIndexOf(LIMIT_OF);
  const taskIn = text.lastIndexOf('Task in /', limitOf);
  if (limitOf < 0 || taskIn < 0) return false;
  const victim = text.slice(taskIn + 'Task in '.length, limitOf);
  const limit = text.slice(limitOf + LIMIT_OF.length);
  const restPath = rest.trim();
  if (!limit.startsWith('/') || limit.includes(' ') || victim.includes(' ') || !SEGMENT_REST.test(restPath))
    return false;
  return (
    !isCgroupOrAncestor(limit, victim) &&
    victim.startsWith(limit) &&
    isCgroupOrAncestor(limit + restPath, victim)
  );
}
