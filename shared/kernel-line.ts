/**
 * One recognizer per kernel OOM-report line format. Each reads the message text only (envelopes such as
 * `[ 3467.508223]`, syslog or kmsg prefixes are removed by log-record.ts first) and returns the facts it
 * carries, or null when the line is not its format.
 *
 * Comm names are at most 15 bytes but may hold spaces, parentheses, commas and `=`: recognizers locate them
 * between fixed markers with indexOf/lastIndexOf rather than with patterns, so that every regex stays
 * linear-time and no name can confuse a field boundary.
 */

export type CounterName = 'memory' | 'memory+swap' | 'swap' | 'kmem';

export type KernelLine =
  | {
      kind: 'invoked';
      name: string;
      gfpMask: string | null;
      order: number | null;
      oomScoreAdj: number | null;
    }
  | { kind: 'cpu'; pid: number; name: string }
  | { kind: 'cpuset'; name: string; cpuset: string; truncated: boolean }
  | {
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
  | { kind: 'task-in'; task: string; oom: string | null; truncated: boolean }
  | { kind: 'limit-reached'; oom: string }
  | { kind: 'counter'; counter: CounterName; usageKb: number; limitKb: number; failcnt: number }
  | { kind: 'memcg-stats'; path: string; truncated: boolean }
  | { kind: 'task-header'; columns: string[] }
  | {
      kind: 'task-row';
      pid: number;
      numbers: number[];
      /** The text after the `[pid]`, and where each number starts in it (a name may start with digits). */
      body: string;
      starts: number[];
    }
  | { kind: 'kill'; message: string | null; pid: number; name: string; fields: Record<string, number> }
  | { kind: 'sacrifice'; message: string | null; pid: number; name: string; score: number | null }
  | { kind: 'oom-group'; cgroup: string }
  | { kind: 'already-exiting'; pid: number; name: string }
  | { kind: 'reaped'; pid: number; name: string }
  | { kind: 'suppressed'; function: string; count: number }
  | { kind: 'context' };

export type LineResult =
  { kind: 'not-oom' } | { kind: 'unrecognised'; reason: string } | { kind: 'line'; line: KernelLine };

export interface Recognizer {
  name: string;
  /** Which kernels print it, and the real line its test was written from lives in test/fixtures. */
  doc: string;
  /** A cheap literal that every line of this format contains, checked before `read`. */
  marker: string;
  read(text: string, truncated: boolean): KernelLine | null;
}

const DIGITS = /^\d+$/;
const SIGNED = /^-?\d+$/;

function toInt(s: string | undefined): number | null {
  return s !== undefined && SIGNED.test(s) ? Number(s) : null;
}

function stripTruncation(text: string, truncated: boolean): string {
  return truncated && text.endsWith('>') ? text.slice(0, -1) : text;
}

/** TASK_COMM_LEN is 16 bytes with the NUL: a comm is at most 15 bytes, so at most 15 UTF-16 units. */
const COMM_MAX = 15;

/**
 * Where a comm that starts at `start` ends: the last place, within a comm's length, where one of the markers
 * that may follow it begins. A marker inside the comm comes before the real one, which is always the last.
 */
function commEnd(text: string, start: number, markers: readonly string[]): number {
  let end = -1;
  for (const marker of markers) {
    const at = text.lastIndexOf(marker, start + COMM_MAX);
    if (at >= start && at > end) end = at;
  }
  return end;
}

/** `<pid> (<comm>)<after>`, where one of `after` (each starting with `)`) closes the comm. */
function pidAndComm(
  rest: string,
  after: readonly string[],
): { pid: number; name: string; tail: string } | null {
  const space = rest.indexOf(' (');
  if (space <= 0) return null;
  const pid = rest.slice(0, space);
  if (!DIGITS.test(pid)) return null;
  const close = commEnd(rest, space + 2, after);
  if (close < 0) return null;
  return { pid: Number(pid), name: rest.slice(space + 2, close), tail: rest.slice(close + 1) };
}

/**
 * `total-vm:75160kB, anon-rss:65152kB, … UID:0 pgtables:184kB oom_score_adj:0`, and the older `, UID 0,`.
 * On a line a pager cut, the last value may be cut too, so it is not read.
 */
function keyValues(tail: string, truncated: boolean): Record<string, number> {
  const fields: Record<string, number> = {};
  // Split on `, ` and spaces only: a pasted `26,184,840kB` must read as unknown, not as 26.
  const tokens = tail.split(/,? +|,$/);
  if (truncated) tokens.pop();
  tokens.forEach((token, i) => {
    const colon = token.indexOf(':');
    const key = colon > 0 ? token.slice(0, colon) : token;
    let value = colon > 0 ? token.slice(colon + 1) : (tokens[i + 1] ?? '');
    if (colon <= 0 && key !== 'UID') return;
    if (value.endsWith('kB')) value = value.slice(0, -2);
    if (SIGNED.test(value)) fields[key] = Number(value);
  });
  return fields;
}

/** The text before `marker` when it is a `<message>: ` prefix such as `Memory cgroup out of memory`. */
function messageBefore(text: string, at: number): string | null {
  if (at === 0) return null;
  const head = text.slice(0, at).trimEnd();
  return head.endsWith(':') ? head.slice(0, -1) : head;
}

const INVOKED = ' invoked oom-killer: ';
const CPU_LINE = /^CPU: \d+ (?:UID: \d+ )?PID: (\d+) Comm: /;
const COUNTER = /^(memory|memory\+swap|swap|kmem): usage (\d+)kB, limit (\d+)kB, failcnt (\d+)$/;
const TASK_ROW = /^\[\s*(\d+)\]\s+(\S.*)$/;
const CALL_TRACE_FRAME =
  /^(?:\[<[0-9a-f]+>\] )?(?:\? )?[A-Za-z0-9_.$]+\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[[^\]]*\])?$/;
const SUPPRESSED = /^([A-Za-z0-9_]+): (\d+) callbacks suppressed$/;
const OOM_GROUP_TAIL = ' are going to be killed due to memory.oom.group set';
const LEGACY_TASK_IN = ' killed as a result of limit of ';

function readSummary(text: string, truncated: boolean): KernelLine {
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

/**
 * The table, in the order a report prints its lines. Order matters only where markers overlap
 * (`Killed process` is checked before `Kill process`'s looser neighbours).
 */
export const RECOGNIZERS: readonly Recognizer[] = [
  {
    name: 'invoked',
    doc: 'Report header, every kernel: `<comm> invoked oom-killer: gfp_mask=…, [nodemask=…,] order=N, [oom_adj=N,] oom_score_adj=N`.',
    marker: INVOKED,
    read(text) {
      const at = text.indexOf(INVOKED);
      if (at <= 0) return null;
      const fields = new Map<string, string>();
      for (const part of text.slice(at + INVOKED.length).split(', ')) {
        const eq = part.indexOf('=');
        if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
      }
      return {
        kind: 'invoked',
        name: text.slice(0, at),
        gfpMask: fields.get('gfp_mask') ?? null,
        order: toInt(fields.get('order')),
        oomScoreAdj: toInt(fields.get('oom_score_adj')),
      };
    },
  },
  {
    name: 'cpu',
    doc: 'dump_stack header naming the invoking task: `CPU: 0 [UID: 0 ]PID: 2874 Comm: python3 Not tainted …` (UID: since 6.x).',
    marker: 'CPU: ',
    read(text) {
      const m = CPU_LINE.exec(text);
      if (m === null) return null;
      const rest = text.slice(m[0].length);
      const end = commEnd(rest, 0, [' Not tainted', ' Tainted: ']);
      return { kind: 'cpu', pid: Number(m[1]), name: end < 0 ? rest : rest.slice(0, end) };
    },
  },
  {
    name: 'summary',
    doc: 'One-line summary, 4.19+: `oom-kill:constraint=…,nodemask=…,cpuset=…,mems_allowed=…,oom_memcg=…|global_oom,task_memcg=…,task=…,pid=…,uid=…`.',
    marker: 'oom-kill:constraint=',
    read(text, truncated) {
      return text.startsWith('oom-kill:constraint=') ? readSummary(text, truncated) : null;
    },
  },
  {
    name: 'cpuset',
    doc: "Before 4.19: `<comm> cpuset=<cgroup name> mems_allowed=<mask>`; the invoker's cpuset cgroup name.",
    marker: ' cpuset=',
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
  },
  {
    name: 'task-in',
    doc: 'Before 4.19, memcg OOM: `Task in <victim cgroup> killed as a result of limit of <oom cgroup>`.',
    marker: 'Task in ',
    read(text, truncated) {
      if (!text.startsWith('Task in ')) return null;
      const body = stripTruncation(text.slice('Task in '.length), truncated);
      const at = body.indexOf(LEGACY_TASK_IN);
      if (at < 0) return truncated ? { kind: 'task-in', task: body, oom: null, truncated: true } : null;
      return {
        kind: 'task-in',
        task: body.slice(0, at),
        oom: body.slice(at + LEGACY_TASK_IN.length),
        truncated: false,
      };
    },
  },
  {
    name: 'limit-reached',
    doc: '4.19–5.x when no task is known: `Memory limit reached of cgroup <oom cgroup>`.',
    marker: 'Memory limit reached of cgroup ',
    read(text) {
      return text.startsWith('Memory limit reached of cgroup ')
        ? { kind: 'limit-reached', oom: text.slice('Memory limit reached of cgroup '.length) }
        : null;
    },
  },
  {
    name: 'counter',
    doc: 'Memcg page counters: `memory: usage NkB, limit NkB, failcnt N`; `memory+swap:`/`kmem:` (v1), `swap:` (v2).',
    marker: ': usage ',
    read(text) {
      const m = COUNTER.exec(text);
      if (m === null) return null;
      return {
        kind: 'counter',
        counter: m[1] as CounterName,
        usageKb: Number(m[2]),
        limitKb: Number(m[3]),
        failcnt: Number(m[4]),
      };
    },
  },
  {
    name: 'memcg-stats',
    doc: '`Memory cgroup stats for <cgroup>:` (one per cgroup on ≤4.x v1, with counters on the same line).',
    marker: 'Memory cgroup stats for ',
    read(text, truncated) {
      if (!text.startsWith('Memory cgroup stats for ')) return null;
      const body = stripTruncation(text.slice('Memory cgroup stats for '.length), truncated);
      const inline = body.indexOf(': ');
      if (inline >= 0) return { kind: 'memcg-stats', path: body.slice(0, inline), truncated: false };
      if (body.endsWith(':')) return { kind: 'memcg-stats', path: body.slice(0, -1), truncated: false };
      return truncated ? { kind: 'memcg-stats', path: body, truncated: true } : null;
    },
  },
  {
    name: 'task-header',
    doc: 'Task dump header: `[ pid ]   uid  tgid total_vm      rss …  oom_score_adj name`; columns vary by kernel.',
    marker: ' tgid ',
    read(text) {
      if (!text.startsWith('[') || !text.endsWith(' name')) return null;
      const close = text.indexOf(']');
      if (close < 0 || text.slice(1, close).trim() !== 'pid') return null;
      return {
        kind: 'task-header',
        columns: text
          .slice(close + 1)
          .trim()
          .split(/\s+/),
      };
    },
  },
  {
    name: 'task-row',
    doc: 'Task dump row: `[   2874]     0  2874    18790    17950 … python3`; the name is whatever follows the numbers.',
    marker: '[',
    read(text) {
      const m = TASK_ROW.exec(text);
      if (m === null) return null;
      const body = m[2] as string;
      const numbers: number[] = [];
      const starts: number[] = [];
      let at = 0;
      for (;;) {
        const space = body.indexOf(' ', at);
        if (space < 0) break;
        const token = body.slice(at, space);
        if (!SIGNED.test(token)) break;
        numbers.push(Number(token));
        starts.push(at);
        at = space;
        while (body.charCodeAt(at) === 32) at++;
      }
      if (numbers.length < 4) return null;
      starts.push(at);
      return { kind: 'task-row', pid: Number(m[1]), numbers, body, starts };
    },
  },
  {
    name: 'kill',
    doc: 'The kill: `[<message>: ]Killed process N (comm)[, UID N,] total-vm:…kB, anon-rss:…kB, …[, UID:N pgtables:…kB oom_score_adj:N]`.',
    marker: 'Killed process ',
    read(text, truncated) {
      const at = text.indexOf('Killed process ');
      if (at < 0) return null;
      const rest = stripTruncation(text.slice(at + 'Killed process '.length), truncated);
      const parsed = pidAndComm(rest, [') total-vm:', '), UID ', ')']);
      if (parsed === null) return null;
      return {
        kind: 'kill',
        message: messageBefore(text, at),
        pid: parsed.pid,
        name: parsed.name,
        fields: keyValues(parsed.tail, truncated),
      };
    },
  },
  {
    name: 'sacrifice',
    doc: 'Before 5.x: `<message>: Kill process A (comm) score S or sacrifice child`; the next `Killed process B` is the victim.',
    marker: 'Kill process ',
    read(text) {
      const at = text.indexOf('Kill process ');
      if (at < 0) return null;
      const parsed = pidAndComm(text.slice(at + 'Kill process '.length), [') score ', ')']);
      if (parsed === null) return null;
      const score = /^ score (\d+)/.exec(parsed.tail);
      return {
        kind: 'sacrifice',
        message: messageBefore(text, at),
        pid: parsed.pid,
        name: parsed.name,
        score: toInt(score?.[1]),
      };
    },
  },
  {
    name: 'oom-group',
    doc: '4.19+, memory.oom.group: `Tasks in <cgroup> are going to be killed due to memory.oom.group set`.',
    marker: OOM_GROUP_TAIL,
    read(text) {
      if (!text.startsWith('Tasks in ') || !text.endsWith(OOM_GROUP_TAIL)) return null;
      return { kind: 'oom-group', cgroup: text.slice('Tasks in '.length, -OOM_GROUP_TAIL.length) };
    },
  },
  {
    name: 'already-exiting',
    doc: '`<message>: OOM victim N (comm) is already exiting. Skip killing the task`: not a kill.',
    marker: 'OOM victim ',
    read(text) {
      const at = text.indexOf('OOM victim ');
      if (at < 0) return null;
      const parsed = pidAndComm(text.slice(at + 'OOM victim '.length), [') is already exiting']);
      return parsed === null ? null : { kind: 'already-exiting', pid: parsed.pid, name: parsed.name };
    },
  },
  {
    name: 'reaped',
    doc: '4.6+: `oom_reaper: reaped process N (comm), now anon-rss:0kB, …`: confirms the kill of N.',
    marker: 'oom_reaper: reaped process ',
    read(text, truncated) {
      if (!text.startsWith('oom_reaper: reaped process ')) return null;
      const rest = stripTruncation(text.slice('oom_reaper: reaped process '.length), truncated);
      const parsed = pidAndComm(rest, ['), now ', ')']);
      return parsed === null ? null : { kind: 'reaped', pid: parsed.pid, name: parsed.name };
    },
  },
  {
    name: 'suppressed',
    doc: '`oom_kill_process: N callbacks suppressed`: the ratelimit dropped report lines; kill lines may follow alone.',
    marker: ' callbacks suppressed',
    read(text) {
      const m = SUPPRESSED.exec(text);
      return m === null ? null : { kind: 'suppressed', function: m[1] as string, count: Number(m[2]) };
    },
  },
];

/** Report lines that carry no facts we use but are part of an OOM report (call-trace frames name oom functions). */
function isReportContext(text: string): boolean {
  return (
    CALL_TRACE_FRAME.test(text) ||
    text === 'Tasks state (memory values in pages):' ||
    text.startsWith('Out of memory and no killable processes')
  );
}

// Text that a human would call OOM text; if no recognizer reads it, it is reported as format drift.
const LOOKS_LIKE_OOM = /(?:^|[^a-z])oom(?:[^a-z]|$)|out of memory|kill(?:ed)? process|memory cgroup/i;

/**
 * Something every text a recognizer reads or LOOKS_LIKE_OOM finds contains: `oom`, `memory` or `kill` (what
 * LOOKS_LIKE_OOM looks for, and the markers that hold one of them), or part of another recognizer's marker
 * (` cpuset=`, `Task in `, `: usage `, ` tgid `, `CPU: `, ` callbacks suppressed`; for the task row, whose
 * `[` is in most lines, what follows it: `]`, spaces and a number). Each part starts with a letter rarer in
 * logs than the marker's own first one, which makes the search about a third faster: the parts only need to
 * be in the markers. Case-insensitive: it may say yes to more, never to less. A text that holds it passes on
 * every longer text holding that one.
 */
const MAY_BE_RECOGNIZED = /oom|memory|kill|uset=|k in |sage |gid |pu: |suppressed|\]\s+-?\d/i;
/** All that a call-trace frame (CALL_TRACE_FRAME) surely holds; the other report context lines hold `memory`. */
const FRAME_OFFSET = '+0x';

/**
 * False only for text parseKernelLine calls `not-oom`, whatever text around it: a cheap first test, and what
 * lets a reader set most lines of a log aside unread (shared/line-prefilter.ts).
 */
export function mayBeOomText(text: string): boolean {
  return MAY_BE_RECOGNIZED.test(text) || text.includes(FRAME_OFFSET);
}

export interface LineOptions {
  /** False: every recognizer is tried, without the cheap first test (the same result, slower). */
  prefilter?: boolean;
}

const PREFILTERED: LineOptions = { prefilter: true };

/** Classifies one kernel message: a recognized OOM line, OOM-looking text no recognizer reads, or neither. */
export function parseKernelLine(
  rawText: string,
  truncated = false,
  options: LineOptions = PREFILTERED,
): LineResult {
  if (options.prefilter !== false && !MAY_BE_RECOGNIZED.test(rawText)) {
    // No recognizer reads it and LOOKS_LIKE_OOM finds nothing: of the report context, only a frame is left.
    return rawText.includes(FRAME_OFFSET) && CALL_TRACE_FRAME.test(rawText.trim())
      ? { kind: 'line', line: { kind: 'context' } }
      : { kind: 'not-oom' };
  }
  const text = rawText.trim();
  for (const recognizer of RECOGNIZERS) {
    if (!text.includes(recognizer.marker)) continue;
    const line = recognizer.read(text, truncated);
    if (line !== null) return { kind: 'line', line };
  }
  if (isReportContext(text)) return { kind: 'line', line: { kind: 'context' } };
  if (LOOKS_LIKE_OOM.test(text))
    return { kind: 'unrecognised', reason: 'looks like OOM text but no recognizer read it' };
  return { kind: 'not-oom' };
}
