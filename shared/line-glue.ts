/**
 * How a line that continues the open record joins it (RecordJoiner, line-prefilter.ts): the rest of a line a
 * terminal, a mail client or an author wrapped (a key's rest, a size's, a comm's, a path's), a program literal's
 * backslash continuation, or a print layout's mark; and what a wrapped line must have in common with the record it
 * continues (its e-mail quoting).
 */
import type { LogEntry } from './log-record.ts';
import { isJsonRecordLine, readLogRecord } from './log-record.ts';
import { withoutLiteralRecordEnd } from './paste-wrapping.ts';
import { continuesCutLimit, continuesCutPath, LIMIT_OF } from './wrapped-path.ts';

export interface OpenRecord {
  /** Its first line, kept until the record is read. */
  raw: string;
  lineNo: number;
  /** The length of its last line. */
  rawLength: number;
  enveloped: boolean;
  /** What the prefilter looks at, while the record is not read. */
  holder: string;
  /** Null until read: with the prefilter, a record is read when it may be OOM text or a line joins it. */
  entry: LogEntry | null;
  /**
   * The quote of a program's string literal that its last line leaves to go on in the next; else -1. UNTOLD until
   * a line without an envelope asks (joinsLiteral): most records are followed by one with an envelope.
   */
  literalQuote: number;
}

export function readEntry(raw: string): LogEntry {
  const entry = readLogRecord(raw);
  if (entry === null) throw new Error(`skimLogRecord and readLogRecord disagree on ${JSON.stringify(raw)}`);
  return withoutRecordEnd(entry, raw);
}

/** A task-table row whole up to its comm, which is its last column: it may end in `\n"` itself. */
const WHOLE_ROW = /^\[\s*\d+\]\s+(?:-?\d+\s+){6}/;
/** A line that opens a program's literal: its quote first, after indentation, `(`, `[`, `+` or `,`, a prefix (`b"`, `L"`, `u8"`). */
const OPENS_LITERAL = /^\s*(?:[([+,]\s*)?(?:[bBrRuUfFL]{0,2}|u8)["'`]/;
/** A line that a literal's backslash goes on from. */
const CONTINUED = /\\$/;

/**
 * The entry of the line `raw` without the escapes that end a program literal's record there (`\n\`, `\n",`:
 * paste-wrapping.ts), whether the line is a record or the last of one joined from several. A whole task row ends
 * in its comm, which, printed as it is, may end in `\n"`: it keeps that end unless its line opens the literal, or
 * the literal goes on from it with a backslash (a comm ending `\n\` is not told from a literal's row).
 */
export function withoutRecordEnd(entry: LogEntry, raw: string): LogEntry {
  if (WHOLE_ROW.test(entry.text) && !CONTINUED.test(raw) && !OPENS_LITERAL.test(raw)) return entry;
  entry.text = withoutLiteralRecordEnd(entry.text, raw);
  return entry;
}

/** The mark a print layout puts before a wrapped line's rest (Linux Journal: `↪`). */
const WRAP_MARK = '\u21aa';

export function continuationText(text: string): string {
  const rest = text.trimStart();
  return rest.startsWith(WRAP_MARK) ? rest.slice(WRAP_MARK.length).trimStart() : rest;
}

/**
 * A mail client wraps at a space: the rest joins with one, unless the line kept it at its end. A web page wraps a
 * cgroup path after a `/`, a summary (which has no space) is wrapped after a comma, and some mail clients wrap
 * after a word's hyphen too (Evolution: `kernel: oom-` + `kill:constraint=…`, `mems_allowed=0-` + `1,global_oom`):
 * the rest joins with nothing.
 */
export function glueAfter(text: string): string {
  const last = text.charCodeAt(text.length - 1);
  if (Number.isNaN(last) || last === 0x2f || last === 0x20 || last === 0x09) return '';
  if (last === 0x2d && isWordCharacter(text.charCodeAt(text.length - 2))) return '';
  return last === 0x2c && text.includes(SUMMARY) ? '' : ' ';
}

/** A letter, a digit or `_`: what a hyphen inside a word follows (a dash follows a space). */
function isWordCharacter(code: number): boolean {
  const letter = code | 0x20;
  return (letter >= 0x61 && letter <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x5f;
}

/**
 * The entry of the open record when it is an envelope alone on its line, which its message follows on the next: an
 * author's or a viewer's layout (`May 20 08:50:57 mgmt-nsx-01 kernel:` + `  Memory cgroup out of memory: Killed
 * process 1987236 (/opt/saltstack/)`, an incident's notes; seventy-fourth red team A/02), or a terminal's wrap right
 * after the envelope. Else null. The envelope must say something of the message, when (a time, a stamp, a sequence),
 * where (a host) or whose it is (another writer); a JSON record holds its message inside it, however empty. Read
 * apart from the open record: most records it is asked of are not such an envelope, and stay unread.
 */
export function envelopeAlone(open: OpenRecord): LogEntry | null {
  if (!open.enveloped) return null;
  const entry = open.entry ?? readEntry(open.raw);
  if (entry.text.trim() !== '' || !saysOfMessage(entry) || isJsonRecordLine(open.raw)) return null;
  return entry;
}

/** Whether an envelope says when, where or whose its message is. */
function saysOfMessage(entry: LogEntry): boolean {
  return (
    entry.kernelTime !== null ||
    entry.wallTime !== null ||
    entry.stamp !== null ||
    entry.sequence !== null ||
    entry.host !== null ||
    !entry.fromKernel
  );
}

/**
 * The longest text lines join into. printk holds a record's text to 1 KiB, and a paste's wrapping adds little;
 * past this, a line starts a record of its own, so a long run of lines without an envelope joins in linear time.
 */
export const JOINED_MAX = 8192;

/** OpenRecord.literalQuote not told yet: continuedLiteralQuote of the record's line, when it has one line. */
export const UNTOLD = -2;

// The margin a paste puts before every line: its indent and its e-mail quoting.
const MARGIN = /^[ \t]*(?:> ?)*/;

/** How deep the line is quoted (`> `, `>>`). A mail client wraps a quoted line with its quote marks. */
export function quoteDepth(line: string): number {
  const margin = MARGIN.exec(line)?.[0] ?? '';
  let depth = 0;
  for (let i = 0; i < margin.length; i++) if (margin.charCodeAt(i) === 0x3e) depth++;
  return depth;
}

/** A line blank once its margin is off (indentation, quote marks, a CR): a paragraph ends there. */
export const BLANK = /^[\s>\ufeff]*$/;
/** A comment's mark or gutter alone on a line (`#`, `//`, ` * ` in a block comment): a blank line of the comment. */
export const COMMENT_MARK_ALONE = /^[ \t>]*(?:#|\/\/|\*)[ \t\r]*$/;
/**
 * What a paste puts where it left lines out or around them: `...`, `[...]`, `…`, a mark that says so
 * (`(...snipped...)`, `[ snip ]`, `<cut>`, `-- 40 lines omitted --`), a bare `:` (`: ` quoting), the `--` that
 * `grep -A/-B/-C` prints between its groups of lines, a markdown code fence (```` ``` ````, `~~~` or longer, with its
 * language).
 */
export const ELISION =
  /^[\s:[(]*(?:\.\.|\u2026)[.\u2026\s\])]*$|^[\s[(<.\u2026-]*(?:\d+ (?:more )?lines? )?(?:snip(?:ped)?|cut|omitted|trimmed|skipped|elided|truncated)[\s.\u2026\])>-]*$|^\s*:\s*$|^\s*--\s*$|^\s*(?:`{3,}|~{3,})[\w+-]*\s*$/i;
/**
 * A backtick or two alone on a line: the close of inline code opened lines above (thirty-first red team A/04). It
 * ends the record above as a blank line does: no wrap of it.
 */
export const LONE_BACKTICKS = /^\s*`{1,2}\s*$/;

const KILL = 'Killed process ';
const SUMMARY = 'oom-kill:';
/**
 * A key of the kill line (2.6.32 to 2.6.35 print `vsz:` for `total-vm:`) or of the summary, which starts the rest of
 * one wrapped: `total-vm:`, `task_memcg=`, the summary's `global_oom`.
 */
export const KEY =
  /^(?:(?:total-vm|vsz|anon-rss|file-rss|shmem-rss|UID|pgtables|oom_score_adj):|(?:gfp_mask|nodemask|cpuset|mems_allowed|oom_memcg|task_memcg|task|pid|uid|order|oom_score_adj|oom_adj|oomkilladj)=|global_oom(?=,task_memcg=|,?\s*$))/;
const HEADER = 'invoked oom-killer:';
const GLOBAL_OOM = 'global_oom';
/**
 * The header's keys: its first, `gfp_mask=`, after `invoked oom-killer: `, and each after it after `, ` (`nodemask=`
 * too, before 4.19: the summary's first).
 */
const HEADER_KEYS: ReadonlySet<string> = new Set([
  'gfp_mask=',
  'order=',
  'oom_score_adj=',
  'oom_adj=',
  'oomkilladj=',
]);
const FIRST_HEADER_KEY = 'gfp_mask=';

/** The open record, read, when it is the kernel's line of this kind (`Killed process `, `oom-kill:`); else null. */
function kernelLineOf(open: OpenRecord, kind: string): LogEntry | null {
  // While the record is not read, its holder holds its text: most records are not of the kind, and stay unread.
  if (!(open.entry?.text ?? open.holder).includes(kind)) return null;
  const head = (open.entry ??= readEntry(open.raw));
  return head.fromKernel && head.text.includes(kind) ? head : null;
}

/**
 * How the rest of the open record joins it, when the record is the kernel's kill line, summary or header and does
 * not have `key` yet; else null. The kill line has a space before each key, the summary a comma and no space, the
 * header a comma and a space.
 */
export function keyGlue(open: OpenRecord, key: string): string | null {
  // The summary's `global_oom` is its one key without a value.
  const kind =
    key === GLOBAL_OOM ? SUMMARY : !key.endsWith('=') ? KILL : HEADER_KEYS.has(key) ? HEADER : SUMMARY;
  let head = kernelLineOf(open, kind);
  let joinsHeader = kind === HEADER;
  // `nodemask=`: the summary's first key, and the header's after its gfp_mask before 4.19.
  if (head === null && key === 'nodemask=') {
    head = kernelLineOf(open, HEADER);
    joinsHeader = true;
  }
  if (head === null || head.text.includes(key)) return null;
  // A summary names either the limit's cgroup or `global_oom`, never both.
  if (key === GLOBAL_OOM && head.text.includes(',oom_memcg=')) return null;
  // The kernel's line ends in no space: spaces a paste kept at its end go, and the key's separator comes instead.
  head.text = head.text.trimEnd();
  // The first key follows the header's colon and a space, the only place it goes: a wrap there joins with the space.
  if (key === FIRST_HEADER_KEY) return head.text.endsWith(HEADER) ? ' ' : null;
  // The header's other keys follow a comma and a space: a wrap after the comma joins with the space.
  if (joinsHeader) return head.text.endsWith(',') ? ' ' : ', ';
  // The summary's keys follow a comma: a wrap after it joins with nothing, one an author made before it with one.
  if (kind === SUMMARY) return head.text.endsWith(',') ? '' : ',';
  return ' ';
}

/**
 * The rest of a kill line's hyphenated key, first on a line: `rss:` of `anon-rss:`, `file-rss:` and `shmem-rss:`,
 * `vm:` of `total-vm:`. A wrap that breaks after a word's hyphen (glueAfter) cut the key there: `[115879.769795]
 * Killed process 1917 (php-cgi) vsz:467184kB, anon-` + `rss:101196kB, file-rss:204kB` (AWS's EC2 guide, its markdown
 * source: seventy-fourth red team A/05). In any case, as the kill line's keys are read (kernel-lines/kill.ts).
 */
export const KEY_REST = /^(?:rss|vm):/i;
/** A kill line that ends right after the hyphen of a key it splits, at the key's start (after a space or a comma). */
const ENDS_IN_KEY_HEAD = /[\s,](total|anon|file|shmem)-$/i;

/**
 * How the rest of a hyphenated key (KEY_REST) joins the open record: with nothing, when that is the kernel's kill line
 * cut right after the hyphen of that very key (`total-` goes on with `vm:`, the others with `rss:`), which it does not
 * have yet; else null. The value after the key is whole, on the rest's line.
 */
export function keyRestGlue(open: OpenRecord, text: string): string | null {
  const head = kernelLineOf(open, KILL);
  const cut = head === null ? null : ENDS_IN_KEY_HEAD.exec(head.text);
  if (head === null || cut === null) return null;
  const name = (cut[1] as string).toLowerCase();
  const rest = text.slice(0, text.indexOf(':')).toLowerCase();
  if (rest !== (name === 'total' ? 'vm' : 'rss')) return null;
  // The kernel prints each key once: a line that has it already ends in another's text.
  return head.text.slice(0, cut.index).toLowerCase().includes(`${name}-${rest}:`) ? null : '';
}

/** The separator the kernel prints before a key, where a wrap left it first on the rest: `, UID:1000 …`, `,pid=…`. */
const SEPARATOR_FIRST = /^, ?/;

/**
 * How a rest that starts with a key of the open record's kernel line (KEY) joins it (keyGlue); or, where a wrap fell
 * right before the key's separator (`… shmem-rss:0kB` + `, UID:1000 pgtables:1900kB oom_score_adj:0`, an editor's
 * wrap at 118 columns), with nothing, the rest bringing its own. Else null.
 */
export function restByKeyGlue(open: OpenRecord, text: string): string | null {
  const separator = text.charCodeAt(0) === 0x2c ? (SEPARATOR_FIRST.exec(text) as RegExpExecArray)[0] : '';
  const key = KEY.exec(separator === '' ? text : text.slice(separator.length))?.[0];
  if (key === undefined) return null;
  const glue = keyGlue(open, key);
  if (glue === null || separator === '') return glue;
  // The head's own separator, left at its end, and the rest's make one (keyGlue read the head into the record).
  const head = open.entry as LogEntry;
  if (head.text.endsWith(',')) head.text = head.text.slice(0, -1);
  return '';
}

/**
 * Whether the line `source[…, end)` ends in a backslash, spaces and a CR after it aside: a shell's or a
 * program's line continuation (a docstring's copy of a syslog line, `…oom_memcg=/kubepods/…,\`). The writer
 * says so: the next line goes on with its text, whatever lines so far were like.
 */
export function endsInBackslash(source: string, end: number): boolean {
  return backslashAt(source, end) >= 0;
}

/** Where the backslash that ends `source[…, end)` is, spaces, tabs and a CR after it aside; else -1. */
function backslashAt(source: string, end: number): number {
  let at = end - 1;
  for (let c = source.charCodeAt(at); c === 0x20 || c === 0x09 || c === 0x0d; c = source.charCodeAt(--at));
  return at >= 0 && source.charCodeAt(at) === 0x5c ? at : -1;
}

/**
 * Whether the backslash that ends `source[…, end)` comes right after a `\n` escape (`echo '…'\n\`): it continues a
 * program's literal, but the escape ended the line of text the literal holds, and the record with it.
 */
export function endsAfterNewlineEscape(source: string, end: number): boolean {
  const at = backslashAt(source, end);
  if (at < 2 || source.charCodeAt(at - 1) !== 0x6e) return false;
  let slashes = 0;
  while (source.charCodeAt(at - 2 - slashes) === 0x5c) slashes++;
  return slashes % 2 === 1;
}

/**
 * Whether joining the text `tail` onto `head` would hide a kill line or a summary in it: each is a line of its own,
 * which the kernel never prints after another on one line, and a record holds one.
 */
export function hidesKill(head: string, tail: string): boolean {
  const tailHolds = tail.includes(KILL) || tail.includes(SUMMARY);
  return tailHolds && (head.includes(KILL) || head.includes(SUMMARY));
}

/**
 * A task-table row up to its comm: its pid and the six numbers or more after it that every layout prints (2.6.18's
 * `uid tgid total_vm rss cpu oom_adj` the fewest), then text that is not only numbers and the backslash (a row cut
 * before its comm, or before its last numbers, in a 4.19+ layout of seven).
 */
const ROW_BEFORE_COMM = /^\[\s*\d+\]\s+(?:-?\d+\s+){6}(?!(?:-?\d+\s+)*\\$)\S/;

/**
 * The open record less its backslash, and what joins its rest: nothing after a comma or nothing, else a space.
 * Null for a task-table row (`[ 1234] …`) cut after its columns: it ends in the comm, which may end in a backslash
 * itself. The table's header and a row cut before its comm (`[16169]     0 \`) go on.
 */
export function backslashGlue(open: OpenRecord): string | null {
  const head = (open.entry ??= readEntry(open.raw));
  if (ROW_BEFORE_COMM.test(head.text)) return null;
  const at = backslashAt(head.text, head.text.length);
  if (at >= 0) head.text = head.text.slice(0, at).trimEnd();
  return head.text === '' || head.text.endsWith(',') ? '' : ' ';
}

/**
 * The rest of a kill-line size that a wrap split inside its number, `total-vm:22239` + `788kB, anon-rss:…`, or right
 * after its key's colon, as KMail breaks a line: `total-vm:` + `105068kB, anon-rss:…`.
 */
export const SIZE_REST = /^\d+kB(?:[,\s]|$)/;
/**
 * A kill line that ends inside a size or right after its key (not in its last value, `oom_score_adj:N`, which is
 * whole): `total-vm:22239`, `pgtables:`; before 2.6.36 `vsz:`.
 */
const ENDS_IN_A_VALUE = /(?:total-vm|vsz|anon-rss|file-rss|shmem-rss|pgtables):\d*$/;

/** How the rest of a size joins the open record: with nothing, when that is a kill line ending in its digits or key. */
export function sizeRestGlue(open: OpenRecord): string | null {
  const head = kernelLineOf(open, KILL);
  return head !== null && ENDS_IN_A_VALUE.test(head.text) ? '' : null;
}

/**
 * A counter of cgroup v1's `Memory cgroup stats for <path>: cache:0KB rss:204800KB …` (4.x and before), first on a
 * line: the rest of a stats line that a wrap cut before it.
 */
export const STATS_COUNTER_REST = /^[a-z_]+:\d+KB(?:\s|$)/;
const STATS_LINE = 'Memory cgroup stats for /';

/**
 * How a rest that starts with a counter (STATS_COUNTER_REST) joins the open record: with a space, when that is a stats
 * line that ends in its path's colon. mm/memcontrol.c prints each counter after a space (` %s:%luKB`),
 * so the space is the kernel's wherever the wrap fell: a mail client that could not break the path put it on a line
 * of its own, the widest of the paste, and the counters on the next (kubernetes#12905, a reply quoting dmesg).
 */
export function statsRestGlue(open: OpenRecord): string | null {
  const head = kernelLineOf(open, STATS_LINE);
  return head !== null && head.text.startsWith(STATS_LINE) && head.text.trimEnd().endsWith(':') ? ' ' : null;
}

/**
 * The rest of a kill line an author wrapped before its pid: `2891034 (otel-collector) total-vm:…`. After the comm
 * (which an escaped UTF-8 name makes longer than 15) comes the line's end, its next key or RHEL 8's `, UID `: prose
 * that quotes `Killed process` before `2 (or more) times` is no kill, nor a `/proc/N/stat` line (`4412 (java) S 1`).
 */
export const PID_REST = /^\d+ \(.{0,60}?\)(?:,? *$| (?:total-vm|vsz):|, UID )/;
const ENDS_BEFORE_PID = /Killed process$/;

/**
 * How the rest of a kill line that starts with the pid (PID_REST) joins the open record: with a space, when that is a
 * kill line that ends right before its pid (`…Memory cgroup out of memory: Killed process`, a hand wrap in a blog).
 */
export function pidRestGlue(open: OpenRecord): string | null {
  const head = kernelLineOf(open, 'Killed process');
  if (head === null || !ENDS_BEFORE_PID.test(head.text.trimEnd())) return null;
  return glueAfter(head.text);
}

/**
 * The rest of a header a mail's reflow cut right after its comm's ` invoked` (`[   31.251333] mkfs.ext4 invoked` +
 * `oom-killer: gfp_mask=0x101cc0(GFP_USER|__GFP_WRITE), order=0,`: LKFT 2020), or right after its comm
 * (`… kernel: [ 2288.493439] redis-server` + `invoked oom-killer: gfp_mask=0xd0, …`: linux-mm 2011, corpus 259).
 */
export const HEADER_REST = /^(?:invoked )?oom-killer:(?:\s|$)/;
/** A kernel line that is a comm, at most 15 characters (TASK_COMM_LEN), then ` invoked`. */
const COMM_INVOKED = /^\S.{0,14} invoked$/;
/**
 * A comm alone: at most 15 characters, and not a kernel line that short of its own (`Call Trace:`, `Mem-Info:`,
 * `<TASK>`, a count: `65536 pages RAM`).
 */
const COMM_ALONE = /^(?!\d+ )[^\s<].{0,14}$/;

/**
 * How the rest of a header (HEADER_REST) joins the open record: with a space, when that is a kernel line with an
 * envelope (not a writer's sentence that ends in `invoked`) that is a comm and ` invoked`, or, for a rest that starts
 * with `invoked`, a comm alone.
 */
export function headerRestGlue(open: OpenRecord, rest: string): string | null {
  if (!open.enveloped) return null;
  const afterComm = rest.startsWith('invoked');
  const head = kernelLineOf(open, afterComm ? '' : ' invoked');
  const text = head?.text.trimEnd() ?? '';
  const fits = afterComm ? COMM_ALONE.test(text) && !text.endsWith(':') : COMM_INVOKED.test(text);
  if (head === null || !fits) return null;
  // A space the wrap left at the end is the line's own; a comm may end in a `/` or `-` (glueAfter's cases).
  return head.text === text ? ' ' : '';
}

/** A kill line that ends with its pid: `…Killed process 2692`, its comm and values wrapped to the next line. */
const ENDS_IN_A_PID = /Killed process \d+$/;

/**
 * How the rest of a kill line that starts with the comm (`(systemd-udevd) total-vm:…`) joins the open record: with
 * a space, when that is a kill line that ends with its pid (a hand wrap in a commit message or a mail).
 */
export function commRestGlue(open: OpenRecord): string | null {
  const head = kernelLineOf(open, KILL);
  if (head === null || !ENDS_IN_A_PID.test(head.text.trimEnd())) return null;
  // A terminal's wrap may have left the space on the line before.
  return glueAfter(head.text);
}

/**
 * The kernel lines a terminal's wrap may cut, told by their `marker` or, at a cut before it, by how the line starts
 * (`leads`). `end` is the end the kernel gives the line: a kill line's last key's value (`oom_score_adj:N`, 5.x and
 * later) or its last size before that (`file-rss:NkB` before 4.x, `shmem-rss:NkB` in 4.x); a summary's uid; a
 * header's last number. `final` is the last value of any kernel's line of the kind: after it only the rest of its own
 * number may come, where a wrap fell inside it.
 */
const WRAPPED_KINDS: ReadonlyArray<{
  marker: string;
  leads: readonly string[];
  end: RegExp;
  final: RegExp | null;
}> = [
  {
    marker: KILL,
    leads: [KILL, 'out of memory: ', 'Out of memory: ', 'Out of Memory: '],
    end: /(?:oom_score_adj:-?\d+|(?:file|shmem)-rss:\d+kB)\s*$/,
    final: /oom_score_adj:(-?\d+)\s*$/,
  },
  // A uid or an order may have been cut inside its digits.
  { marker: SUMMARY, leads: [SUMMARY], end: /,uid=\d+\s*$/, final: null },
  {
    marker: HEADER,
    leads: [HEADER],
    end: /(?:order|oom_score_adj|oom_adj|oomkilladj)=-?\d+\s*$/,
    final: /oom_score_adj=(-?\d+)\s*$/,
  },
];
/** The least width at which a line as long as the widest is taken for a terminal's wrap (wrapOrMailGlue's too). */
export const LEAST_WRAP_WIDTH = 60;
const LEADING_SPACE = /^\s*/;
const DIGIT_FIRST = /^\d/;
const SCORE_ADJUST = /^(?:0|-?[1-9]\d{0,3})$/;

/** Whether `text` is an oom_score_adj as the kernel prints it: -1000 to 1000, no leading zero. */
function isScoreAdjust(text: string | undefined): boolean {
  return text !== undefined && SCORE_ADJUST.test(text) && Math.abs(Number(text)) <= 1000;
}

/**
 * Whether `rest` is indented as a terminal's wrap of `first` is: as it (a paste indents or quotes both), or one space
 * more (the wrap fell before a space of the text).
 */
function indentedAsWrap(first: string, rest: string): boolean {
  const margin = LEADING_SPACE.exec(first)?.[0] ?? '';
  const indent = LEADING_SPACE.exec(rest)?.[0] ?? '';
  return indent === margin || indent === `${margin} `;
}

/**
 * Whether `joined` holds the kernel line of `kind` from a start inside its first `headLength` characters: its marker,
 * or a lead right before it (`…Memory cgroup ou` + `t of memory: Killed process …`).
 */
function startsInHead(joined: string, kind: (typeof WRAPPED_KINDS)[number], headLength: number): boolean {
  const at = joined.indexOf(kind.marker);
  if (at < 0) return false;
  return (
    at < headLength ||
    kind.leads.some((lead) => at - lead.length < headLength && joined.startsWith(lead, at - lead.length))
  );
}

/**
 * Whether the open record is a kill line or header that ends as the kernel ends it, in its `oom_score_adj` (5.x on):
 * nothing but a wrap inside that number goes on from it (cutLineRestGlue), so the paste's next line without an
 * envelope is the author's (`In CloudWatch Logs …` under a syslog excerpt), not its rest.
 */
export function endsWhole(open: OpenRecord): boolean {
  const text = open.entry?.text ?? open.holder;
  if (!text.includes('oom_score_adj')) return false;
  const head = (open.entry ??= readEntry(open.raw));
  return (
    head.fromKernel &&
    WRAPPED_KINDS.some((kind) => head.text.includes(kind.marker) && kind.final?.test(head.text) === true)
  );
}

/**
 * How the next line joins the open record when a terminal wrapped a kill line, summary or header at its width,
 * whatever the rest of the paste (a fenced paste after a sentence has more lines without an envelope than with):
 * the record has a log's envelope, is as long as the widest line and does not end in a value nothing follows; the
 * next line is indented as a wrap of it; and with it the record holds such a line, which starts in the record, and
 * either ends as the kernel ends it (`…pgtables:524kB oom_scor` + `e_adj:0`; `…file-rss:11516kB` + `, shmem-rss:…`)
 * or is as long as the widest line itself (it wraps again). Else null: any other line after a cut kernel line (a
 * writer's prose, a shell prompt, a program's next line) stays a record of its own, and the cut line is read as cut.
 */
export function cutLineRestGlue(open: OpenRecord, raw: string, width: number): string | null {
  if (!open.enveloped || open.rawLength !== width || width < LEAST_WRAP_WIDTH) return null;
  if (!indentedAsWrap(open.raw, raw)) return null;
  const head = (open.entry ??= readEntry(open.raw));
  if (!head.fromKernel) return null;
  const rest = continuationText(readEntry(raw).text);
  // A wrap may fall inside the last number itself (`oom_score_adj:-99` + `7`): then the rest starts with a digit.
  const ended = WRAPPED_KINDS.find(
    (kind) => head.text.includes(kind.marker) && kind.final?.test(head.text) === true,
  );
  if (ended !== undefined && !DIGIT_FIRST.test(rest)) return null;
  const glue = wrapGlue(open.raw, raw);
  const joined = `${head.text}${glue}${rest}`;
  // A number after a whole value is another command's output (`grep -c`'s `14`), unless with it the value is still
  // one the kernel prints: -1000 to 1000, no leading zero.
  if (ended !== undefined && !isScoreAdjust(ended.final?.exec(joined)?.[1])) return null;
  const wrapsAgain = raw.length === width;
  const continues = WRAPPED_KINDS.some(
    (kind) => startsInHead(joined, kind, head.text.length) && (wrapsAgain || kind.end.test(joined)),
  );
  return continues ? glue : null;
}

/**
 * How the rest of a path an author wrapped after a `/` joins the open kernel line (wrapped-path.ts), or the rest of a
 * `Task in` line's limit a wrap cut inside a segment: with nothing.
 */
export function pathRestGlue(open: OpenRecord, raw: string, text: string): string | null {
  if (!(open.entry?.text ?? open.holder).trimEnd().endsWith('/')) {
    const head = kernelLineOf(open, LIMIT_OF);
    return head !== null && continuesCutLimit(head.text, text) ? '' : null;
  }
  const head = kernelLineOf(open, '/');
  return head !== null && continuesCutPath(head.text, open.raw, text, raw) ? '' : null;
}

/**
 * Kernel lines of which the kernel prints every word, but for numbers, a comm and paths: the `Task in` line, a
 * memcg counter, the choice of a victim before 4.19 (`Kill process` of 2.6.3x to 4.x, `kill process … or a child` of
 * 2.6.2x). A wrap at a space anywhere in one (a mail client's, at 72 to 78 columns, whatever else the paste holds)
 * leaves a head that is not such a line whole and a rest that makes it whole. Each from the start of the message: a
 * rest that holds a line of its own (its marker) makes none.
 */
const WHOLE_CHOICE =
  /^(?:Memory cgroup out of memory|Out of memory|Out of Memory): [Kk]ill process \d+ \(.{1,64}\) score \d+ or (?:sacrifice child|a child)(?:\s*$| Killed process \d+ \()/;
const WHOLE_LINES: ReadonlyArray<{ marker: string; whole: RegExp; fromMessage?: boolean }> = [
  // No cgroup path ends in a `/`: a limit that does was cut after one.
  { marker: 'Task in /', whole: /^Task in \/\S* killed as a result of limit of \/\S*[^\s/]\s*$/ },
  {
    marker: ': usage ',
    whole: /^(?:memory|memory\+swap|kmem|kmem\.tcp|swap): usage \d+kB, limit \d+kB, failcnt \d+\s*$/,
  },
  // The message first (a cut may fall before `process`): `Out of memory: `, `Memory cgroup out of memory: `, 2.6.1x's
  // `Out of Memory: `.
  // A kill line a reflow glued on after it is its own record (choiceApartFromKill), and so is a record before its message
  // (`… file-rss:1088kB Memory cgroup out of memory: kill process 9140` + `(memcg_test_1) score 3 or a child Killed
  // process 9140 …`, KMail on linux-mm): the choice is read from its message's last start in the head.
  ...['of memory: ', 'of Memory: '].map((marker) => ({ marker, whole: WHOLE_CHOICE, fromMessage: true })),
];

/**
 * How the next line's text joins the open kernel line when with it the line is one of WHOLE_LINES whole; else null.
 * A rest as long as the widest line may be cut itself (`…, failcnt 43` + `4715`; a limit's path): it makes no line
 * whole, and the other rules join it. A line as long as the widest was cut by a terminal, which keeps every
 * character: with nothing first (`Kill process 8308 (` + `java) score …`); any other by a mail client at a space it
 * dropped: with a space first (`(Web` + `Content)`).
 */
export function wholeLineGlue(open: OpenRecord, raw: string, text: string, width: number): string | null {
  const glues = open.rawLength === width ? ['', ' '] : [' ', ''];
  // Of a rest after a kill message, only the start of the choice or kill line is read: its length says nothing
  // (`> [49461.739303] Out of memory: ` + `> Killed process 2004 (tailscaled) total-vm:…`, below prose).
  // So is the rest of a choice of victim with a kill line glued on after it, which makes the choice whole.
  if (raw.length >= width) return choiceWithKillGlue(open, text, glues) ?? messageCutGlue(open, text, glues);
  // A record glued on after a level mark, its message cut (`… (mke2fs).<3>Out` + `of Memory: Killed process …`).
  const afterLevelMark = messageAfterLevelMark(open) === null ? null : messageCutGlue(open, text, glues);
  if (afterLevelMark !== null) return afterLevelMark;
  for (const { marker, whole, fromMessage } of WHOLE_LINES) {
    const head = kernelLineOf(open, marker);
    if (head === null) continue;
    const line = fromMessage === true ? head.text.slice(lastKillMessageStart(head.text)) : head.text;
    if (whole.test(line)) continue;
    const rest = continuationText(text);
    if (rest.includes(marker)) return null;
    return glues.find((glue) => whole.test(`${line}${glue}${rest}`)) ?? null;
  }
  return messageCutGlue(open, text, glues);
}

/** The messages before a choice of victim or a kill line. */
const KILL_MESSAGES = ['Memory cgroup out of memory: ', 'Out of memory: ', 'Out of Memory: '];

/** A choice of victim whole, and the start of a kill line glued on after it (`… or a child Killed process 9140 (`). */
const CHOICE_THEN_KILL =
  /^(?:Memory cgroup out of memory|Out of memory|Out of Memory): [Kk]ill process \d+ \(.{1,64}\) score \d+ or (?:sacrifice child|a child) Killed process \d+ \(/;

/**
 * The glue of a kernel line that ends inside a choice of victim (from its message's last start) to a rest that ends the
 * choice and holds a kill line glued on after it, however long the rest; else null.
 */
function choiceWithKillGlue(open: OpenRecord, text: string, glues: string[]): string | null {
  const head = kernelLineOf(open, 'emory: ');
  if (head === null) return null;
  const line = head.text.slice(lastKillMessageStart(head.text));
  // A choice whole on its line takes no kill line after it: the kernel printed them as two.
  if (!startsKillMessageOf(line) || WHOLE_CHOICE.test(line)) return null;
  const rest = continuationText(text);
  return glues.find((glue) => CHOICE_THEN_KILL.test(`${line}${glue}${rest}`)) ?? null;
}

/** Whether the text starts with one of KILL_MESSAGES. */
function startsKillMessageOf(text: string): boolean {
  return KILL_MESSAGES.some((message) => text.startsWith(message));
}

/** Where the last of KILL_MESSAGES in the text starts (after records a reflow glued on before it), or 0. */
function lastKillMessageStart(text: string): number {
  let start = 0;
  for (const message of KILL_MESSAGES) {
    const at = text.lastIndexOf(message);
    // `Memory cgroup out of memory: ` holds no other message, and no other holds it.
    if (at > start) start = at;
  }
  return start;
}

/** Whether `cut` is a start of one of KILL_MESSAGES: a head a wrap cut inside the message. */
export function startsKillMessage(cut: string): boolean {
  return KILL_MESSAGES.some((message) => message.startsWith(cut));
}
/** A choice of victim whole, or a kill line up to its comm's parenthesis (the rest of its values may be cut again). */
const CHOICE_OR_KILL_START =
  /^(?:Memory cgroup out of memory|Out of memory|Out of Memory): (?:[Kk]ill process \d+ \(.{1,64}\) score \d+ or (?:sacrifice child|a child)\s*$|Killed process \d+ \()/;

/**
 * The glue of a kernel line that is a start of the message before a choice of victim or a kill line, cut there by a
 * wrap (`Memory cgroup out of` + `memory: kill process 6016 (java) score 0 or a child`, a mail at 72 columns), or that
 * ends in one after a level mark (messageAfterLevelMark), to a rest that makes it one; else null.
 */
function messageCutGlue(open: OpenRecord, text: string, glues: string[]): string | null {
  const head = kernelLineOf(open, 'emory') ?? kernelLineOf(open, 'Out');
  if (head === null) return null;
  const cut = head.text.trimEnd();
  const start = cut !== '' && startsKillMessage(cut) ? head.text : messageAfterLevelMark(open);
  if (start === null) return null;
  const rest = continuationText(text);
  if (KILL_MESSAGES.some((message) => rest.includes(message))) return null;
  // The head as read: a space the wrap left at its end is the message's own.
  return glues.find((glue) => CHOICE_OR_KILL_START.test(`${start}${glue}${rest}`)) ?? null;
}

/** A console's level mark (`<3>`): where 2.2's and 2.4's consoles glued the next record on (glued-records.ts). */
const LEVEL_MARK_CHARS = 3;

/**
 * The start of a kill message that ends the open kernel line after a level mark, the record glued on there cut by a
 * wrap (`Out of Memory: Killed process 106 (portmap), saved process 2165 (mke2fs).<3>Out`, a 2.2 console in a mail);
 * else null.
 */
function messageAfterLevelMark(open: OpenRecord): string | null {
  const text = (open.entry?.text ?? open.holder).trimEnd();
  const at = text.lastIndexOf('<');
  if (at < 0 || text.charCodeAt(at + 2) !== 0x3e) return null;
  const level = text.charCodeAt(at + 1);
  if (level < 0x30 || level > 0x37) return null;
  const tail = text.slice(at + LEVEL_MARK_CHARS);
  return tail !== '' && startsKillMessage(tail) ? tail : null;
}

/**
 * A terminal wraps between any two characters, a space among them: when the rest of a line starts with one
 * beyond the margin the first line has (`order=0,` + ` oom_score_adj=0`), that space is text.
 */
export function wrapGlue(first: string, rest: string): string {
  const margin = MARGIN.exec(first)?.[0].length ?? 0;
  if (rest.slice(0, margin).trim() !== first.slice(0, margin).trim()) return '';
  const code = rest.charCodeAt(margin);
  return code === 0x20 || code === 0x09 ? ' ' : '';
}
