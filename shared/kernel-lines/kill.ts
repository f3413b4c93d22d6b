/**
 * The kill, every kernel:
 * `[<message>: ]Killed process N (comm)[, UID N,] total-vm:…kB, anon-rss:…kB, …[, UID:N pgtables:…kB oom_score_adj:N]`
 * (`vsz:` for `total-vm:` from 2.6.32 to 2.6.35).
 * The kernel prints `Killed process` only when it kills, so a line cut at or inside the comm (`cut -c`, a
 * terminal's width, `...` for the rest, an issue title), or one an author left without its comm, is still a kill
 * of N, its name unknown.
 */
import {
  digitsEnd,
  endsWithFullStop,
  isMaskedPid,
  maskedPidAndComm,
  messageBefore,
  pidAndComm,
  pidBeforePlaceholder,
  signedNumber,
  stripTruncation,
} from './message-fields.ts';
import type { Constraint } from '../oom-event.ts';
import type { Recognizer } from './recognizer.ts';

export interface KillLine {
  kind: 'kill';
  message: string | null;
  /** Null when an author masked it (`Killed process xxx (comm) total-vm:…`). */
  pid: number | null;
  /** Null when the line was cut at or inside the comm: a cut name is not a name. */
  name: string | null;
  fields: Record<string, number>;
}

/**
 * `total-vm:75160kB, anon-rss:65152kB, … UID:0 pgtables:184kB oom_score_adj:0`, and the older `, UID 0,`; each key
 * in any case (KEYS_IN_ANY_CASE).
 * On a line a pager cut, the last value may be cut too, so it is not read. A size is read only with its `kB`
 * right after its digits, and a value without a unit not when digits alone follow (a terminal wrap turned into
 * spaces splits `pgtables:690` … `68kB`): such a value is cut, unknown, never the digits before the cut.
 */
export function keyValues(tail: string, truncated: boolean): Record<string, number> {
  const usual = truncated ? null : USUAL_VALUES.exec(tail);
  return usual === null ? keyValuesByToken(tail, truncated) : usualFields(usual);
}

/** keyValues the plain way, token by token: what reading the usual layout at once is held to (its test). */
export function keyValuesByToken(tail: string, truncated: boolean): Record<string, number> {
  const fields: Record<string, number> = {};
  // Split on `, `, spaces, and a comma before a key (a writer that dropped the space: `…kB,anon-rss:…`); not on a
  // comma between digits: a pasted `26,184,840kB` must read whole (groupedSize), never as 26.
  const tokens = tail.split(/,? +|,(?=[A-Za-z])|,$/);
  // The last token of a line a pager cut is not read, but it still tells whether the value before it goes on.
  const read = truncated ? tokens.length - 1 : tokens.length;
  // The kernel prints each key once: a key again is another record's, glued on (`… oom_score_adj:200 [Sat Sep  9
  // 14:11:37 2023] oom_reaper: reaped process 910813 (bandwhich), now anon-rss:88kB`). The first decides, even
  // when its value is cut and unknown.
  const seen = new Set<string>();
  for (let i = 0; i < read; i++) {
    const token = tokens[i] as string;
    const colon = token.indexOf(':');
    const key = colon > 0 ? keyNamed(token.slice(0, colon)) : isBareUid(token, i, tail) ? 'UID' : null;
    if (key === null || seen.has(key)) continue;
    seen.add(key);
    // A key whose value a wrap put after a space (`total-vm:` + ` 105068kB`, a mail's wrap joined with one) reads the
    // next token, as the older `UID 0` does.
    if (colon > 0 && colon < token.length - 1) addField(fields, key, token, colon + 1, tokens[i + 1]);
    else addField(fields, key, tokens[i + 1] ?? '', 0, tokens[i + 2]);
  }
  return fields;
}

/**
 * The keys older kernels print for a value that later ones name otherwise: 2.6.32 to 2.6.35 print the process's
 * total_vm as `vsz:` (`Killed process 15575 (apache2) vsz:308116kB, anon-rss:8568kB, file-rss:60kB`); 2.6.36 named
 * it `total-vm:`. And the sizes' keys as an author retypes them, without the hyphen or with the kernel's field name
 * (`Killed process 8055 (ruby) totalvm:2159008kB, anon-rss:1077748kB`, huginn#768; `anon_rss:`): no other key.
 */
const OTHER_SPELLINGS: ReadonlyMap<string, string> = new Map([
  ['vsz', 'total-vm'],
  ...['total-vm', 'anon-rss', 'file-rss', 'shmem-rss'].flatMap((key) => [
    [key.replace('-', ''), key] as const,
    [key.replace('-', '_'), key] as const,
  ]),
]);

/** The kill line's keys as the kernel prints them (4.x to 6.x). */
const KERNEL_KEYS = ['total-vm', 'anon-rss', 'file-rss', 'shmem-rss', 'UID', 'pgtables', 'oom_score_adj'];

/**
 * Each key the kill line may have, by its name in lower case: an author may retype a key in another case, as a
 * runbook's "Expected Output" did the uid's (`…, shmem-rss:0kB, uid:10001 pgtables:2180kB oom_score_adj:0`, 74th red
 * team A/04), as summary.ts reads the summary's. Only these names: any other key stays as printed.
 */
const KEYS_IN_ANY_CASE: ReadonlyMap<string, string> = new Map([
  ...KERNEL_KEYS.map((key) => [key.toLowerCase(), key] as const),
  ...[...OTHER_SPELLINGS].map(([printed, key]) => [printed.toLowerCase(), key] as const),
]);

function keyNamed(printed: string): string {
  return KEYS_IN_ANY_CASE.get(printed.toLowerCase()) ?? printed;
}

/**
 * Whether the token `i` of `tail` is the older `UID` without a colon (`(comm), UID 0, total-vm:…`): as the kernel
 * spells it anywhere, or in another case where the kernel prints it, right after the comm and its `, ` (`(palo_be),
 * uid 0, …`); a `uid` elsewhere is a writer's word (`… anon-rss:20kB as uid 0`).
 */
function isBareUid(token: string, i: number, tail: string): boolean {
  if (token === 'UID') return true;
  return i === 1 && tail.startsWith(', ') && token.toLowerCase() === 'uid';
}

/** The values the kernel prints without a unit; every other one is a size in kB. */
const UNITLESS_KEYS: ReadonlySet<string> = new Set(['UID', 'oom_score_adj']);

const ALL_DIGITS = /^\d+$/;
/**
 * What closes another writer's text around a kernel line: a brace or bracket, a quote, markdown's `*` and a table
 * cell's `|`, an escape, a control; a forum's or a page's markup (`[/FONT]`, `</div>`, `<br>`); a sentence's or a
 * list's punctuation (`;`, `。`, `，`, `、`).
 */
const CLOSER = /[}\])"'`*|\\\u0000-\u001f[<;。，、]/;

/** Whether the kernel's `kB` is at `at`, in any case: an author may retype it (`total-vm:2190612kb`). */
function isKbAt(text: string, at: number): boolean {
  return (text.charCodeAt(at) | 0x20) === 0x6b && (text.charCodeAt(at + 1) | 0x20) === 0x62;
}

/**
 * Sets `key` to the number that `text` holds from `start` on. A size counts only with its `kB` right after its
 * digits, which shows it whole whatever follows (an elision the writer put there, `295264kB...`; a time after
 * spaces; the backtick of a code span opened lines above, `shmem-rss:0kB\``). A value without a unit is cut when
 * the `next` token is digits alone: a wrap turned into spaces split it (`UID:10` … `00`); it may end at what
 * closes a writer's text around the line (`oom_score_adj:0}]`, `oom_score_adj:0</div>`, a sentence's full stop).
 */
function addField(
  fields: Record<string, number>,
  key: string,
  text: string,
  start: number,
  next: string | undefined,
): void {
  const unitless = UNITLESS_KEYS.has(key);
  if (unitless && next !== undefined && ALL_DIGITS.test(next)) return;
  const end = digitsEnd(text, start);
  if (unitless) {
    // Another writer's text around the kernel's may close right after its last value: `0}]`, `0\u0003",`.
    if (end < text.length && !CLOSER.test(text.charAt(end)) && !endsWithFullStop(text, end)) return;
  } else if (!isKbAt(text, end)) {
    const grouped = groupedSize(text, start);
    if (grouped !== null) fields[key] = grouped;
    return;
  }
  const value = signedNumber(text, start, end);
  if (value !== null) fields[key] = value;
}

/** A size an author wrote in groups of three digits with commas, then the `kB`: `26,184,840kB`. */
const GROUPED_SIZE = /(\d{1,3}(?:,\d{3})+)[kK][bB]/y;

/**
 * The size at `start` when an author grouped its digits in threes (`total-vm:26,184,840kB`, py-autovod#7, whose task
 * table's 6,546,210 pages say the same): whole with its `kB`, as the kernel's digits are. Not any other use of commas
 * (`153,700,88kB`: unknown).
 */
function groupedSize(text: string, start: number): number | null {
  GROUPED_SIZE.lastIndex = start;
  const m = GROUPED_SIZE.exec(text);
  return m === null ? null : Number((m[1] as string).replaceAll(',', ''));
}

/**
 * The values as 4.x to 6.x kernels print them (`UID:` on since 5.x), read by one match: into the same fields, in
 * the same order, that reading token by token gives. A store under a key made from the line costs as much as the
 * rest of the line.
 */
const USUAL_VALUES =
  /^ total-vm:(\d+)kB, anon-rss:(\d+)kB, file-rss:(\d+)kB, shmem-rss:(\d+)kB(?:, UID:(\d+) pgtables:(\d+)kB oom_score_adj:(-?\d+))?$/;

function usualFields(m: RegExpExecArray): Record<string, number> {
  const [totalVm, anonRss, fileRss, shmemRss] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  if (m[5] === undefined) {
    return { 'total-vm': totalVm, 'anon-rss': anonRss, 'file-rss': fileRss, 'shmem-rss': shmemRss };
  }
  return {
    'total-vm': totalVm,
    'anon-rss': anonRss,
    'file-rss': fileRss,
    'shmem-rss': shmemRss,
    UID: Number(m[5]),
    pgtables: Number(m[6]),
    oom_score_adj: Number(m[7]),
  };
}

/**
 * The tail less the quote that closes kernel text quoted whole (a JSON string `"message": "…",` in a pretty
 * JSON paste, a code span): the kernel's last value ends before it. Only a quote that the text opened before
 * the kill line is one.
 */
export function unquoted(text: string, at: number, tail: string): string {
  const close = tail.endsWith(',') ? tail.length - 2 : tail.length - 1;
  const quote = tail.charAt(close);
  if (quote !== '"' && quote !== '`') return tail;
  return openedBefore(text, quote, at) ? tail.slice(0, close) : tail;
}

/** Whether the text opened a quote of this kind before `at` that is still open there. */
function openedBefore(text: string, quote: string, at: number): boolean {
  let opened = false;
  for (let i = text.indexOf(quote); i >= 0 && i < at; i = text.indexOf(quote, i + 1)) opened = !opened;
  return opened;
}

/**
 * The kernel's messages before `Killed process` and `Kill process` (mm/oom_kill.c), each with the constraint it
 * names: `Memory cgroup out of memory` for a memcg OOM; `Out of memory`, or `Out of memory
 * (oom_kill_allocating_task)`, for a system one; before 2.6.35, `No available memory (MPOL_BIND)` and `No available
 * memory in cpuset` for an allocation its mempolicy or cpuset bound. 2.6.1x's `Out of Memory` before a choice of
 * victim is fixed text, printed whatever the constraint: it names none. Before a kill line (2.4 to 2.6.1x, when
 * the kernel told no constraints apart), it is a system OOM: report-event.ts reads it so.
 */
export const KILL_MESSAGES: ReadonlyArray<readonly [string, Constraint | null]> = [
  ['Memory cgroup out of memory', 'memcg'],
  ['Out of memory', 'system'],
  ['Out of Memory', null],
  ['Out of memory (oom_kill_allocating_task)', 'system'],
  ['No available memory (MPOL_BIND)', 'mempolicy'],
  ['No available memory in cpuset', 'cpuset'],
];

/**
 * The constraint the `<message>: ` before `Killed process` or `Kill process` names (KILL_MESSAGES). Read at its
 * end: a paste may put text before it (`kernel: `, a Kubernetes event's `1 OOMKilling: `).
 */
export function constraintOfMessage(message: string | null): Constraint | null {
  if (message === null) return null;
  for (const [kernel, constraint] of KILL_MESSAGES) if (message.endsWith(kernel)) return constraint;
  // The memcg message retyped in another case names the memory cgroup still (`memory cgroup out of memory: Kill
  // process …`, a node-log bundle's hand-written messages); `out of memory` alone does not tell 2.6.1x's fixed
  // `Out of Memory` from a system OOM.
  return message.toLowerCase().endsWith(MEMCG_MESSAGE) ? 'memcg' : null;
}

const MEMCG_MESSAGE = 'memory cgroup out of memory';

/**
 * Whether the text before `Killed process` is the kernel's: nothing, or one of its messages (after whatever a
 * paste put before it). A cut line is read only then: with the pid, that is what makes prose that mentions a
 * killed process not a kill.
 */
export function isKernelKillStart(message: string | null): boolean {
  return message === null || KILL_MESSAGES.some(([kernel]) => message.endsWith(kernel));
}

/**
 * `N (com…` (or `N(com…`, glued) or `N ...`, then the quotes that close the paste's text (`"`, `",`, a backtick).
 * The space or parenthesis after the digits shows the pid whole: digits that end the line, or that a cut mark
 * follows at once, may be cut themselves (`cut -c`, a terminal, a pager: `Killed process 14639` of 1463994), so
 * they give no pid.
 */
const CUT_KILL = /^(\d+)(?: ?\([^)]{0,15}(?:\.\.\.|…)?| (?:\.\.\.|…))(?:[`"']+,?)?$/;

/** The pid of a line cut at or inside the comm (CUT_KILL), a choice's as a kill's; else null. */
export function pidBeforeCut(rest: string): number | null {
  const m = CUT_KILL.exec(rest.trimStart());
  return m === null ? null : Number(m[1]);
}

/** A kill line cut at or inside the comm: the pid, no name, no values. */
function cutKill(message: string | null, rest: string): KillLine | null {
  if (!isKernelKillStart(message)) return null;
  const pid = pidBeforeCut(rest);
  return pid === null ? null : { kind: 'kill', message, pid, name: null, fields: {} };
}

/** The pid and the quote right after it, then what may close a value of code or data, or nothing. */
const PID_THEN_QUOTE = /^(\d+)(["'`])(?:[\s,;:)\]}]|$)/;

/**
 * Commands, and options, whose quoted argument is a pattern to search for, not a record: `grep "Killed process
 * 4321"`, `journalctl -k --grep "…"`.
 */
const SEARCH_WORDS: ReadonlySet<string> = new Set([
  'grep',
  'egrep',
  'fgrep',
  'zgrep',
  'rg',
  'ag',
  'ack',
  '--grep',
  '-g',
]);

/**
 * Whether the quote at `open` starts an argument of a search: a search command or option is among the words of the
 * shell command it is in (after a prompt, `sudo`, `time`, `LC_ALL=C`: anywhere before the quote).
 */
function quotesSearchPattern(text: string, open: number): boolean {
  const before = text.slice(0, open);
  const command = Math.max(before.lastIndexOf('|'), before.lastIndexOf(';'), before.lastIndexOf('&')) + 1;
  return before
    .slice(command)
    .split(/[ \t=]+/)
    .some((word) => SEARCH_WORDS.has(word));
}

/**
 * A kill line that a string closes right after its pid: a collector's record or a test's literal that kept only
 * the line's head (`"MESSAGE": "Out of memory: Killed process 4001"}`). The quote closes one the text opened before
 * the line, so the pid is whole, unlike digits that end a line, which a cut may have shortened. A kill of that pid,
 * its name unknown; unless the quotes hold a pattern a search command was given, which names no kill.
 */
function killClosedAtPid(message: string | null, text: string, at: number, rest: string): KillLine | null {
  if (!isKernelKillStart(message)) return null;
  const m = PID_THEN_QUOTE.exec(rest);
  if (m === null) return null;
  const quote = m[2] as string;
  if (!openedBefore(text, quote, at) || quotesSearchPattern(text, text.lastIndexOf(quote, at))) return null;
  return { kind: 'kill', message, pid: Number(m[1]), name: null, fields: {} };
}

/**
 * `N total-vm:…kB …`: the pid, or an author's mask of it (`xxx`, `...`), then a size the kernel prints first (or
 * 2.6.32's `vsz:`), whole with its `kB` (key and unit in any case, as keyValues reads them). What an author leaves when
 * they cut the comm out of the line; prose after a pid (`Killed process 123 was restarted`) has no such figure.
 */
const PID_THEN_FIGURE = /^([^\s,]{1,10}),? +(?:total-vm|vsz|anon-rss|file-rss|shmem-rss):\d+kB/i;

/**
 * A kill line without its comm, its figures right after the pid, after the kernel's message or none: a kill of N,
 * its name unknown; of a masked pid, its pid unknown too (an author who hid both, the figures real).
 */
function killWithoutComm(message: string | null, rest: string, truncated: boolean): KillLine | null {
  if (!isKernelKillStart(message)) return null;
  const m = PID_THEN_FIGURE.exec(rest);
  if (m === null) return null;
  const pid = m[1] as string;
  const real = ALL_DIGITS.test(pid);
  if (!real && !isMaskedPid(pid)) return null;
  const tail = rest.slice(pid.length);
  return {
    kind: 'kill',
    message,
    pid: real ? Number(pid) : null,
    name: null,
    fields: keyValues(tail, truncated),
  };
}

const PREFIX = 'Killed process ';
/**
 * A kill line's key (in any case), then the digits of its value: what a template's `total-vm:XXXXkB` has not.
 * oom_score_adj's too, where no size is masked (MASKED_SIZE): `Killed process ... (Plex Transcoder) ...
 * oom_score_adj:932`, an incident report that elided the pid and the sizes.
 */
const FIGURE_DIGITS = /(?:total-vm|vsz|anon-rss|file-rss|shmem-rss|UID|pgtables|oom_score_adj):? ?-?\d/i;
/** A kill line's size or uid that a template masked (`total-vm:XXXXkB`, `UID:***`), its key in any case. */
const MASKED_SIZE = /(?:total-vm|vsz|anon-rss|file-rss|shmem-rss|UID|pgtables):? ?[xX*]/i;

/** What the kernel prints right after the comm of a kill line: what no prose has. */
const KERNEL_FIELDS_AFTER = [') total-vm:', '), UID '];
/**
 * After a masked pid, also an author's ellipsis for the fields left out (`Killed process ... (Plex Transcoder) ...
 * oom_score_adj:932`): a kill only with a real figure after it (FIGURE_DIGITS), which a template has not.
 */
const AFTER_MASKED_COMM = [...KERNEL_FIELDS_AFTER, ') ...', ') …'];

export const killLine: Recognizer<KillLine> = {
  name: 'kill',
  marker: PREFIX,
  read(text, truncated) {
    const at = text.indexOf(PREFIX);
    if (at < 0) return null;
    const message = messageBefore(text, at);
    const rest = stripTruncation(text.slice(at + PREFIX.length), truncated);
    const plain = pidAndComm(rest, [') total-vm:', '), UID ', ')']);
    // Asked only where no pid was read: most kill lines have one.
    const masked = plain === null ? maskedPidAndComm(rest, AFTER_MASKED_COMM) : null;
    const parsed = plain ?? masked;
    if (parsed === null) {
      const hidden = pidBeforePlaceholder(rest, KERNEL_FIELDS_AFTER);
      if (hidden === null)
        return (
          cutKill(message, rest) ??
          killClosedAtPid(message, text, at, rest) ??
          killWithoutComm(message, rest, truncated)
        );
      const fields = keyValues(unquoted(text, at, hidden.tail), truncated);
      return { kind: 'kill', message, pid: hidden.pid, name: null, fields };
    }
    const fields = keyValues(unquoted(text, at, parsed.tail), truncated);
    // A masked pid with no figure's digits after it is a template of the line (`XXXX (name) total-vm:XXXXkB`), and so
    // is one with a size masked too, whatever oom_score_adj it sets (`… pgtables:XXXkB oom_score_adj:1000`); a figure an
    // author reformatted (`6,538,320,600 kB`, `1012836kb`) is still the kernel's.
    if (parsed === masked && (!FIGURE_DIGITS.test(parsed.tail) || MASKED_SIZE.test(parsed.tail))) return null;
    return {
      kind: 'kill',
      message,
      pid: parsed.pid,
      name: withoutWritersClosers(parsed.name, parsed.tail),
      fields,
    };
  },
};

/** What closes a writer's quote, code span, parenthesis or emphasis around a kill line. */
const WRITERS_CLOSERS = /^\)[)`"'*\]]*$/;
/** The end of a program's literal right after the comm's `)`: its newline escape, then its closing quote; code after. */
const LITERAL_END = /^\)(?:\\r)?(?:\\n)?["'`]/;

/**
 * The comm without what closes an author's text around a kill line with no figures: in prose, `` (`Killed process
 * 3718 (containerd)`) `` or `("Killed process 3718 (containerd)")`, the last `)` within a comm's length is the
 * author's, and what comes before it the writer's closers; in code, the literal's end and the code after it
 * (`"… Killed process 777 (other)\\n").encode())`). Only when no figure follows the comm (after one, the
 * kernel's `)` is certain) and the comm opens no parenthesis of its own (systemd's `(sd-pam)`).
 */
function withoutWritersClosers(name: string, tail: string): string {
  // The kernel's next field after the comm's `)` (KERNEL_FIELDS_AFTER, its `)` already taken).
  if (KERNEL_FIELDS_AFTER.some((next) => tail.startsWith(next.slice(1)))) return name;
  const close = name.indexOf(')');
  if (close <= 0 || name.slice(0, close).includes('(')) return name;
  const after = name.slice(close);
  return WRITERS_CLOSERS.test(after) || LITERAL_END.test(after) ? name.slice(0, close) : name;
}
