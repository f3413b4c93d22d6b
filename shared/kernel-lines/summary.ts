/**
 * One-line summary, 4.19+:
 * `oom-kill:constraint=…,nodemask=…,cpuset=…,mems_allowed=…,oom_memcg=…|global_oom,task_memcg=…,task=…,pid=…,uid=…`.
 * Vendor backports print it without some keys (3.10.0-514 el7 `.stable`: `oom-kill:,cpuset=…`), so each value is
 * read by its key.
 */
import {
  AFTER_THE_LINE,
  digitsEnd,
  endsWithFullStop,
  signedNumber,
  stripTruncation,
} from './message-fields.ts';
import { isElidedPath } from '../cgroup-path.ts';
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

const PREFIX = 'oom-kill:';
/** What may follow a value of the line's head: the value ends at the first of them. */
const NEXT_FIELDS = [
  ',nodemask=',
  ',cpuset=',
  ',mems_allowed=',
  ',oom_memcg=',
  ',global_oom',
  ',task_memcg=',
];

/**
 * The value after `key` (`name=`) in the head (before `to`); null when the head does not hold it, or when the
 * value runs to `to` and the line was cut there (`cut`).
 */
function field(body: string, key: string, to: number, cut: boolean): string | null {
  const at = body.indexOf(key);
  if (at < 0 || at >= to) return null;
  const start = at + key.length;
  const end = valueEnd(body, start, to, cut);
  return cut && end === to ? null : body.slice(start, end);
}

/**
 * The first comma from `start` on that opens another field, else `to`: only a cgroup path holds commas. A key of
 * the summary that a wrap split with a space (`,task_m emcg=`) opens one, whichever order it came in (a path may
 * hold `,b c=` of its own: only a key's name joined counts), and, on a line cut (`cut`), a key's start at the cut
 * (`,task_m`) does too.
 */
function valueEnd(body: string, start: number, to: number, cut: boolean, nextFields = NEXT_FIELDS): number {
  for (let comma = body.indexOf(',', start); comma >= 0 && comma < to; comma = body.indexOf(',', comma + 1)) {
    for (const next of nextFields) if (body.startsWith(next, comma)) return comma;
    if (isSplitKeyAt(body, comma) || (cut && isKeyStartAtCut(body, comma + 1, to))) return comma;
  }
  return to;
}

/** A comma, two words and `=`: what a key split by a wrap joined with a space looks like. */
const SPLIT_NAME = /,(\w+) (\w+)=/y;

/** Whether the comma at `comma` opens a key of the summary that a wrap split with a space. */
function isSplitKeyAt(body: string, comma: number): boolean {
  SPLIT_NAME.lastIndex = comma;
  const m = SPLIT_NAME.exec(body);
  return m !== null && (KEY_ORDER as readonly string[]).includes(`${m[1]}${m[2]}`);
}

/**
 * Whether the text from `start` to the cut at `to` is the start of a key that follows a value (`task_m`), nothing,
 * or an author's ellipsis: a comma right before the cut (`…/dbus.service,` and a pager's `>`) is the kernel's before
 * the next key, so the value before it is whole (a cgroup path with a comma of its own, cut right after it, would
 * lose its rest).
 */
function isKeyStartAtCut(body: string, start: number, to: number): boolean {
  // The cut is the line's end, or a writer's text after a space (cutPathEnd).
  if (start > to || (to !== body.length && !WHITESPACE.test(body.charAt(to)))) return false;
  const rest = body.slice(start, to);
  return KEY_ORDER.some((key) => key.startsWith(rest)) || AUTHORS_ELLIPSIS.test(rest);
}

/** An author's mark for what was left out, where the next key would be (`…/dbus.service,...`). */
const AUTHORS_ELLIPSIS = /^\s*(?:\.{2,}|\u2026)\s*$/;

/**
 * The summary's keys in the order every kernel prints them (a backport leaves some out, never reorders them);
 * `task` starts the tail, whose comm may hold anything.
 */
const KEY_ORDER = [
  'constraint',
  'nodemask',
  'cpuset',
  'mems_allowed',
  'oom_memcg',
  'global_oom',
  'task_memcg',
  'task',
] as const;
const GLOBAL_OOM_RANK = KEY_ORDER.indexOf('global_oom');
const TASK_RANK = KEY_ORDER.indexOf('task');

/**
 * A name at the keys' start or after a comma (a space maybe before or after it), maybe split by one space, then
 * what follows a key (`,task_m emcg=`, `, oom_memcg=`, ` ,task_memcg=`).
 */
const NAME = /(?:^| ?, ?)([a-z_]+)(?: ([a-z_]+))?(?=[=,])/g;

/**
 * The keys up to the tail's `task=` as the kernel prints them where a wrap split one or came next to its comma and
 * was joined with a space (an 80-column console: `…,oom` / `_memcg=…,task_m` / `emcg=…`), so that no value runs on
 * into the next key. Only a name that is the next key in the kernel's order is one, followed by `=` (`global_oom`
 * by its comma): a path's text that looks like a key is left alone, and so is the comm, after `task=`.
 */
function rejoinSplitKeys(body: string): string {
  let rank = -1;
  let joined = '';
  let from = 0;
  for (const m of body.matchAll(NAME)) {
    const name = (m[1] as string) + (m[2] ?? '');
    const at = KEY_ORDER.indexOf(name as (typeof KEY_ORDER)[number]);
    const end = m.index + m[0].length;
    if (at <= rank || (at === GLOBAL_OOM_RANK) !== (body.charAt(end) === ',')) continue;
    rank = at;
    const key = m.index === 0 && !m[0].startsWith(',') ? name : `,${name}`;
    if (key !== m[0]) {
      joined += body.slice(from, m.index) + key;
      from = end;
    }
    if (at === TASK_RANK) break;
  }
  return from === 0 ? body : joined + body.slice(from);
}

const SPACE = 0x20;

/** Where the keys start: after `oom-kill:`, or after the space an author put there (`oom-kill: constraint=…`). */
function keysStart(text: string): number {
  return text.charCodeAt(PREFIX.length) === SPACE ? PREFIX.length + 1 : PREFIX.length;
}

/**
 * Where a task_memcg the cut left last ends: at the line's end, or before a writer's text after it (a highlighter's
 * ` ([View Highlight](…))`): what the cut shows of the path goes no further than a space.
 */
function cutPathEnd(body: string, start: number, headEnd: number, headCut: boolean): number {
  if (!headCut) return headEnd;
  const space = WHITESPACE.exec(body.slice(start))?.index;
  return space === undefined ? headEnd : start + space;
}

const WHITESPACE = /\s/;

const FIRST_KEY = 'constraint=';

/** `constraint=` with one space inside its name from `at` on, where a wrap split it (`con straint=`). */
function isSplitFirstKey(text: string, at: number): boolean {
  const space = text.indexOf(' ', at);
  if (space <= at || space >= at + FIRST_KEY.length - 1) return false;
  return text.slice(at, space) + text.slice(space + 1, at + FIRST_KEY.length + 1) === FIRST_KEY;
}

/** A key of the line, in any case. */
const ANY_CASE_KEY =
  /(?:^|, ?)(?:(?:constraint|nodemask|cpuset|mems_allowed|oom_memcg|task_memcg|task|pid|uid)=|global_oom(?=,))/gi;

/**
 * The line with its keys as the kernel spells them, where an author or a page retyped the first in another case
 * (`oom-kill:cOnstraint=CONSTRAINT_MEMCG,…`, an H3C knowledge-base page): the keys, looked for in any case, lower-cased.
 * Null when the first key is the kernel's already, or is none.
 */
function withKernelKeys(text: string): string | null {
  const at = keysStart(text);
  if (!isRetypedFirstKey(text, at)) return null;
  return `${text.slice(0, at)}${text.slice(at).replace(ANY_CASE_KEY, (key: string) => key.toLowerCase())}`;
}

/** `constraint=` from `at` on in another case than the kernel's. */
function isRetypedFirstKey(text: string, at: number): boolean {
  const first = text.slice(at, at + FIRST_KEY.length);
  return first !== FIRST_KEY && first.toLowerCase() === FIRST_KEY;
}

/** `oom-kill:` and then its first key: `constraint=`, or a comma and another key where a backport has none. */
export function isSummaryText(text: string): boolean {
  if (!text.startsWith(PREFIX)) return false;
  const at = keysStart(text);
  if (text.startsWith(FIRST_KEY, at) || isSplitFirstKey(text, at) || isRetypedFirstKey(text, at)) return true;
  return NEXT_FIELDS.some((next) => text.startsWith(next, at));
}

/**
 * A comma and a space before a key of the line, as an author writes them (`constraint=…, nodemask=7, task=…`), and
 * the ellipsis an author put for the keys left out (`constraint=CONSTRAINT_NONE, ... global_oom`).
 */
const SPACED_KEY =
  /, (?:(?:\.\.\.|…) )?(?=(?:nodemask|cpuset|mems_allowed|oom_memcg|task_memcg|task|pid|uid)=|global_oom)/g;

/**
 * The keys after `oom-kill:` with the kernel's separator, a comma alone, where an author wrote each after a comma
 * and a space. The kernel's constraint holds no comma, so a space after the first comma tells that layout; the
 * kernel's own line keeps a comm or a path that holds `, pid=` as printed.
 */
function unspaced(body: string): string {
  const comma = body.indexOf(',');
  const spaced = comma >= 0 && body.charCodeAt(comma + 1) === SPACE ? body.replace(SPACED_KEY, ',') : body;
  if (!spaced.includes('...') && !spaced.includes('…')) return spaced;
  // Only before the comm, which may hold anything (`task=a... uid=3`): before the first `task=`, the kernel's.
  const tail = spaced.indexOf('task=');
  return spaced.replace(ELIDED_KEYS, (elision: string, at: number) => {
    if (tail >= 0 && at >= tail) return elision;
    // A path's own ellipsis stays on it, which cuts it there (`task_memcg=/docker/55c9ffc4... task=`).
    const valueStart = spaced.lastIndexOf('=', at) + 1;
    const elidedPath = elision.charCodeAt(0) !== COMMA && spaced.charCodeAt(valueStart) === SLASH;
    return elidedPath ? `${elision.includes('…') ? '…' : '...'},` : ',';
  });
}

const COMMA = 0x2c;
const SLASH = 0x2f;

/**
 * An author's ellipsis for the keys left out, after a value and before the next key with a space but no comma
 * (`constraint=CONSTRAINT_NONE... task=postgres,pid=3154,uid=999`, `CONSTRAINT_MEMCG,... task_memcg=`), or between
 * two commas (`CONSTRAINT_MEMCG,...,oom_memcg=`): the kernel's comma there. A path an author elided keeps its
 * ellipsis, which marks it cut (`/docker/55c9ffc4...,task=`, and with a space: `/docker/55c9ffc4... task=`); so does a
 * value elided whole (`cpuset=...,`).
 */
const ELIDED_KEYS =
  /(?:,?(?:\.\.\.|…),? +|,(?:\.\.\.|…),)(?=(?:nodemask|cpuset|mems_allowed|oom_memcg|task_memcg|task|pid|uid)=|global_oom)/g;

/**
 * The number that ends the kernel's line, from `start`: its digits, then the line's end, or another writer's text
 * after a space, a closing quote or markup (`uid=1000  # pylint: …`, `uid=1000\\n",`, `uid=1000</div>`), or a
 * sentence's full stop; else null.
 */
function lastNumber(body: string, start: number): number | null {
  const end = digitsEnd(body, start);
  if (end < body.length && !AFTER_THE_LINE.test(body.charAt(end)) && !endsWithFullStop(body, end))
    return null;
  return signedNumber(body, start, end);
}

/**
 * The victim's pid where the line ends with it, no `,uid=` after it (`…,task=python, pid=567337`: an author who
 * retyped or abridged the line stopped there, and kernels from 4.19 on always print the uid after it): read as the
 * uid that ends the line is (lastNumber), so its digits end the line, or a writer's text after them. Null where a
 * pager marked the line cut (`pid=5673>`: the cut may have fallen inside the digits), or no number follows
 * (`pid=...`, a template's `pid={}`).
 */
function pidEndingTheLine(body: string, pidAt: number, truncated: boolean): number | null {
  return truncated ? null : lastNumber(body, pidAt + ',pid='.length);
}

/** The plain reading, field by field: what reading the usual layout at once is held to (its test). */
export function readSummary(printed: string, truncated: boolean): SummaryLine {
  const text = withKernelKeys(printed) ?? printed;
  const body = rejoinSplitKeys(stripTruncation(unspaced(text.slice(keysStart(text))), truncated));
  // The victim's comm may contain `,` and `=`, so the tail is read from the right.
  const taskMemcgAt = body.indexOf(',task_memcg=');
  const taskAt = body.indexOf(',task=', taskMemcgAt < 0 ? 0 : taskMemcgAt + 1);
  const uidAt = body.lastIndexOf(',uid=');
  const pidAt = body.lastIndexOf(',pid=', uidAt < 0 ? body.length : uidAt - 1);
  const hasTail = taskAt >= 0 && pidAt > taskAt && uidAt > pidAt;
  const lastPid =
    uidAt < 0 && taskAt >= 0 && pidAt > taskAt ? pidEndingTheLine(body, pidAt, truncated) : null;
  const headEnd = taskAt >= 0 ? taskAt : body.length;
  // The kernel always ends the line with its tail: without `,task=` the head's last value ran into a cut (a
  // pager, `cut -c`, a terminal's width), marked or not.
  const headCut = taskAt < 0;
  const pathAt = taskMemcgAt + ',task_memcg='.length;
  const pathCutAt = cutPathEnd(body, pathAt, headEnd, headCut);
  const pathEnd = taskMemcgAt < 0 ? -1 : valueEnd(body, pathAt, pathCutAt, headCut, []);
  const taskMemcg = taskMemcgAt < 0 ? null : body.slice(pathAt, pathEnd);
  return {
    kind: 'summary',
    constraint: field(body, 'constraint=', headEnd, headCut),
    cpuset: field(body, 'cpuset=', headEnd, headCut),
    oomMemcg: field(body, 'oom_memcg=', headEnd, headCut),
    globalOom: body.slice(0, headEnd).includes(',global_oom'),
    taskMemcg,
    // Cut with the line, unless a comma after it shows its end.
    taskMemcgTruncated: taskMemcg !== null && ((headCut && pathEnd === pathCutAt) || isElidedPath(taskMemcg)),
    task: hasTail || lastPid !== null ? body.slice(taskAt + ',task='.length, pidAt) : null,
    pid: hasTail ? signedNumber(body, pidAt + ',pid='.length, uidAt) : lastPid,
    // A pager may have cut the last number short.
    uid: hasTail && !truncated ? lastNumber(body, uidAt + ',uid='.length) : null,
  };
}

/**
 * The line as 4.19+ kernels print it, when no value before the comm holds `,` or `=` and no space comes before a
 * comma (a wrap there: told before the match, which a lookahead of the whole line made twice as slow): read by one
 * match, into what readSummary gives (the comm, which may hold anything, ends at the last `,pid=`).
 */
const USUAL_SUMMARY =
  /^oom-kill:constraint=([^,=]*),nodemask=[^,=]*,cpuset=([^,=]*),mems_allowed=[^,=]*,(?:oom_memcg=([^,=]*)|global_oom),task_memcg=([^,=]*),task=(.*),pid=(\d+),uid=(\d+)$/s;

/**
 * Whether a space comes before a comma in the text: by its commas, a few in a summary (a search for ` ,` costs as
 * much at every space, and a line may hold thousands).
 */
function holdsSpaceBeforeComma(text: string): boolean {
  for (let at = text.indexOf(','); at >= 0; at = text.indexOf(',', at + 1))
    if (text.charCodeAt(at - 1) === 0x20) return true;
  return false;
}

function usualSummary(m: RegExpExecArray): SummaryLine {
  const oomMemcg = m[3] ?? null;
  const taskMemcg = m[4] as string;
  return {
    kind: 'summary',
    constraint: m[1] as string,
    cpuset: m[2] as string,
    oomMemcg,
    globalOom: oomMemcg === null,
    taskMemcg,
    // An author's ellipsis (`/docker/55c9ffc4...`) cuts the path as a line's end does.
    taskMemcgTruncated: isElidedPath(taskMemcg),
    task: m[5] as string,
    pid: Number(m[6]),
    uid: Number(m[7]),
  };
}

/**
 * The text up to a second summary glued on after the first (`…,task=alpha,pid=101,uid=0, oom-kill:constraint=…`, two
 * lines a tool joined): the first alone, whose comm would else run on to the second's pid.
 */
function firstSummaryOf(text: string): string {
  // Its prefix and first key: longer than a comm (15 characters), which may hold `oom-kill:` itself.
  const next = text.indexOf(SECOND_SUMMARY, PREFIX.length);
  if (next < 0) return text;
  // What joined them: blanks, a comma or a semicolon.
  let end = next;
  while (end > 0 && JOINERS.has(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end);
}

const SECOND_SUMMARY = 'oom-kill:constraint=';
/** A blank, a tab, a comma, a semicolon. */
const JOINERS = new Set([0x20, 0x09, 0x2c, 0x3b]);

export const summaryLine: Recognizer<SummaryLine> = {
  name: 'summary',
  marker: PREFIX,
  starts: [PREFIX],
  read(whole, cut) {
    const text = firstSummaryOf(whole);
    // A line cut short cuts only the last summary it holds.
    const truncated = cut && text === whole;
    const usual = truncated || holdsSpaceBeforeComma(text) ? null : USUAL_SUMMARY.exec(text);
    if (usual !== null) return usualSummary(usual);
    return isSummaryText(text) ? readSummary(text, truncated) : null;
  },
};

/**
 * The uid's key: a quote is read only whole up to it, so a test's made-up line that stops at its pid (`echo
 * 'oom-kill:constraint=CONSTRAINT_MEMCG,task=node,pid=5230'`, corpus 231) stays drift, though a log's line that ends
 * there is read (pidEndingTheLine).
 */
const UID_KEY = /, ?uid=/;

/** What opens a writer's quote of the line: a quotation mark, a backtick, a bracket, a blank, `=`, `:` or `,`. */
const OPENS_QUOTE = /["'`“([{\s=:,]/;

/**
 * The line quoted after a writer's own text, as code or prose holds it (`foo("oom-kill:constraint=…,uid=0")`, `echo
 * 'oom-kill:…,uid=0'; \`, `{ message: "oom-kill:…,uid=1000", at: null },`, a Rust `r#"oom-kill:…"#`): read from its
 * prefix, where something that opens a quote comes right before it, and only whole up to its victim (`task=…,pid=…,uid=`):
 * a quote cut before them, or a test's made-up line (`echo 'oom-kill:constraint=CONSTRAINT_MEMCG,task=node,pid=5230'`),
 * stays drift, as before. The line as a log prints it starts there (summaryLine, before this in the table).
 */
export const quotedSummaryLine: Recognizer<SummaryLine> = {
  name: 'summary',
  marker: PREFIX,
  read(text, truncated) {
    const at = text.indexOf(PREFIX, 1);
    if (at < 0 || !OPENS_QUOTE.test(text.charAt(at - 1))) return null;
    const quoted = text.slice(at);
    const line = summaryLine.read(quoted, truncated);
    return line !== null && line.task !== null && line.pid !== null && UID_KEY.test(quoted) ? line : null;
  },
};
