/**
 * Records that a paste, a mail client or a program glued into one line (at a dmesg time, a syslog stamp or
 * priority, a newline inside a string), read apart; and a choice of victim a writer joined to its kill line.
 */
import { envelopeLength } from './envelope-prefixes.ts';
import { parseKernelLine } from './kernel-line.ts';
import { blankEntry, linesOf, readLogRecord, type LogEntry } from './log-record.ts';

/** A dmesg time inside a message: where a paste glued the next record on (`…failcnt 77[193038.106480] kmem: …`). */
const GLUED_DMESG_TIME = /\[ *\d+\.\d{6}\] /g;
/** `dmesg -T`'s stamp (C locale), as a record's own and glued on inside one: `[Thu Jul 18 15:03:59 2024] `. */
const DMESG_WALL_STAMP = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]?\d \d\d:\d\d:\d\d \d{4}$/;
const GLUED_DMESG_WALL = /\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]?\d \d\d:\d\d:\d\d \d{4}\] /g;

/** The ends of the choice of victim in each kernel's spelling (kernel-lines/sacrifice.ts, early-selection.ts). */
const CHOICE_ENDS = ['or sacrifice child', 'or a child', 'and children.'];
const KILLED_PROCESS = 'Killed process ';

/**
 * A kill or choice line that starts right after the `)` that ends a kill line of before 2.6.25 (`Killed process N
 * (comm)`) or a choice's last word, with nothing between: a paste that lost its newlines
 * (`Killed process 19271 (trashapplet)Out of memory: kill process 12475 (qemu) score 7899 or a childKilled process
 * 12475 (qemu)`); or with a printk level between, after the period a 2.2 or 2.4 kill line ends in, and a C string's
 * `\n` (2.4's syslog kept the next record's level mark in the line: `Out of Memory: Killed process 148
 * (perl).<3>Out of Memory: Killed process 198 (perl).`; a debugger's print of the log buffer, `….\n<3>Out of
 * Memory: …`). The match is where the glued line starts, after its level. Prose that names a kill ends a sentence or
 * a quote first (`(see above). Killed process 1 (a)`), so it is no start.
 */
const GLUED_KILL_RUN =
  /(?<=(?:\)|or sacrifice child|or a child|and children\.)(?:\.?(?:\\n)?<[0-7]>)?)(?:Killed process \d+ \(|(?:Out of [Mm]emory|Memory cgroup out of memory): (?:[Kk]ill|Killed) process \d+ \()/g;

/** Where kill and choice lines glued on after a kill line's `)` or a choice's last word start (GLUED_KILL_RUN), in order. */
function killRunStarts(text: string): number[] {
  return text.indexOf(')') < 0 ? [] : gluedStarts(text, GLUED_KILL_RUN, 1);
}

/**
 * The choice of victim and the kill line after it, when a writer joined them with a space or with nothing:
 * node-problem-detector's `OOMKilling` event, which matched the two lines of a pre-5.x kill (`Out of memory: Kill
 * process A (comm) score S or sacrifice child Killed process B (comm), …`; `…childKilled process B` on GKE's event
 * pages); and a run of old kill and choice lines glued with nothing between (GLUED_KILL_RUN), each line with the
 * entry's envelope. Else the entry alone.
 */
export function choiceApartFromKill(entry: LogEntry): LogEntry[] {
  const text = entry.text;
  const run = killRunStarts(text);
  if (run.length > 0) return piecesAt(entry, run);
  const at = text.indexOf(KILLED_PROCESS);
  if (at < 0) return [entry];
  const choiceEnd = choiceEndBefore(text, at);
  if (choiceEnd < 0) return [entry];
  return [
    { ...entry, text: text.slice(0, choiceEnd), truncated: false },
    killAfterChoice(entry, text, choiceEnd, at),
  ];
}

/** The entry cut at each start, each piece with its envelope; only the last may be cut short, as the entry was. */
function piecesAt(entry: LogEntry, starts: readonly number[]): LogEntry[] {
  const ends = [...starts, entry.text.length];
  return ends.map((end, i) => ({
    ...entry,
    text: entry.text.slice(i === 0 ? 0 : (starts[i - 1] as number), end),
    truncated: end === entry.text.length && entry.truncated,
  }));
}

/** The kill line at `at` as a record of its own: with what its own envelope in the gap says, where it has one. */
function killAfterChoice(entry: LogEntry, text: string, choiceEnd: number, at: number): LogEntry {
  const kill = { ...entry, text: text.slice(at) };
  const gap = text.slice(choiceEnd, at).trimStart();
  const own = gap === '' ? null : readLogRecord(gap + kill.text);
  if (own === null) return kill;
  kill.host = own.host ?? entry.host;
  kill.stamp = own.stamp ?? entry.stamp;
  kill.kernelTime = own.kernelTime ?? entry.kernelTime;
  kill.wallTime = own.wallTime ?? entry.wallTime;
  return kill;
}

/** Blanks, and what follows them: a paste's run of spaces between two records. */
const BLANKS_THEN = /^[ \t]*/;

/**
 * Where the choice of victim before the kill line at `at` ends, or -1: the two joined with nothing, with blanks (a
 * writer's space, a page's run of spaces where a newline was), or with blanks and the kill line's own envelope
 * (`… or sacrifice child        HOST1 kernel: Killed process …`).
 */
function choiceEndBefore(text: string, at: number): number {
  for (const end of CHOICE_ENDS) {
    const start = text.lastIndexOf(end, at - end.length);
    if (start < 0) continue;
    const choiceEnd = start + end.length;
    const gap = text.slice(choiceEnd, at);
    const envelope = gap.slice((BLANKS_THEN.exec(gap) as RegExpExecArray)[0].length);
    if (
      envelope === '' ||
      (envelope.length < gap.length && envelopeLength(text.slice(at - envelope.length)) === envelope.length)
    )
      return choiceEnd;
  }
  return -1;
}

/**
 * A kernel syslog record glued on inside a line: its stamp, host and tag, after a space (a mail client that reflowed
 * a syslog paste: `… or a child Mar 16 21:40:40 t6360003 kernel: Killed process 30502`) or after the record before
 * with nothing between (a web page's copy that lost the newlines: `…dirty:0KBSep 13 20:05:55 devops101 kernel: `).
 * English months; the match is the month's first letter. Inside a record of journalctl's `--no-hostname`, the glued
 * records have no host either (`… swap:993020kB Jan 9 00:42:48 kernel: …`); elsewhere a stamp without a host is
 * another writer's text quoting the kernel, and stays its text.
 */
const GLUED_SYSLOG_STAMP = /[A-Z](?=[a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d [^\s:[]{1,255} kernel: )/g;
const GLUED_NO_HOST_STAMP = /[A-Z](?=[a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d kernel: )/g;

/** Where glued kernel syslog records start: at the space before each stamp, else at the stamp. */
function syslogStampStarts(text: string, stamp: RegExp = GLUED_SYSLOG_STAMP): number[] {
  return gluedStarts(text, stamp, 1).map((at) => (text.charCodeAt(at - 1) === 0x20 ? at - 1 : at));
}

/**
 * A kernel syslog record glued on after its priority, as rsyslog's forward formats write them with no newline
 * between (`…failcnt 175<6>2026-12-06T01:56:03.590726+00:00 vm kernel: [31400.746073] memory+swap: …`), also after
 * a record that ends in a space (6.x's CPU line: `…PREEMPT(none) <6>…`). Another writer's line that quotes such a
 * record is read so too, as a kernel syslog record quoted after its stamp is (GLUED_SYSLOG_STAMP).
 */
const GLUED_PRIORITY =
  /<\d{1,3}>(?=(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^\s]{0,16}|[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d) [^\s:[]{1,255} kernel: )/g;

/**
 * Whether the text holds a kernel syslog record glued on (GLUED_SYSLOG_STAMP, GLUED_PRIORITY): a line of a reflowed
 * syslog paste, which goes on with the record above whatever lines so far were like, or of a forward format.
 */
export function holdsGluedSyslogRecord(text: string): boolean {
  if (text.indexOf(' kernel: ') <= 0) return false;
  // After a space: a reflow's glue (a web copy's, with nothing between, is read apart but says nothing of a paste).
  if (syslogStampStarts(text).some((at) => text.charCodeAt(at) === 0x20)) return true;
  GLUED_PRIORITY.lastIndex = 1;
  return text.includes('>') && GLUED_PRIORITY.test(text);
}

/** Where each glued record starts: the index of each match of `glued`, a global pattern, from `from` on. */
function gluedStarts(text: string, glued: RegExp, from: number): number[] {
  const starts: number[] = [];
  glued.lastIndex = from;
  for (let m = glued.exec(text); m !== null; m = glued.exec(text)) starts.push(m.index);
  return starts;
}

interface GluedStart {
  at: number;
  /** Where the record before it ends: at `at`, or before the newline that ends it. */
  cut: number;
  /** Whether the record names its writer (a syslog tag), or is the writer's of the line it is glued to. */
  ownWriter: boolean;
  /** A record without an envelope of its own (bareMessageStarts): it has the entry's. */
  bare?: boolean;
}

/** The longest a syslog envelope is: its stamp, a host of up to 255 characters, a tag and a pid. */
const ENVELOPE_MOST = 400;

/** The longest text printk gives a record. */
const RECORD_MOST = 1024;

/** A newline inside a record's text: a program's `\n` escape (its literal read as written), or a read one. */
const NEWLINE = /\\n|\n/g;

/** A newline inside a record's text (NEWLINE): where it starts and where the text after it does. */
interface Newline {
  at: number;
  end: number;
}

/** The newlines inside the text, in order (NEWLINE): an escaped backslash before an `n` is no newline. */
function newlinesOf(text: string): Newline[] {
  const newlines: Newline[] = [];
  NEWLINE.lastIndex = 0;
  for (let m = NEWLINE.exec(text); m !== null; m = NEWLINE.exec(text)) {
    if (m[0].length === 2 && escapedBackslashAt(text, m.index)) continue;
    newlines.push({ at: m.index, end: m.index + m[0].length });
  }
  return newlines;
}

/**
 * Where records start that a string joined by newlines (a program's literal, a JSON value): after each newline
 * that an envelope of any kind follows (a dmesg time, a `dmesg -T` date, a syslog stamp), each record's own; and
 * after each newline that an untimed kernel message follows (bareMessageStarts).
 */
function newlineStarts(text: string): GluedStart[] {
  const newlines = newlinesOf(text);
  const starts: GluedStart[] = [];
  const bare: number[] = [];
  newlines.forEach(({ at, end }, i) => {
    // A record's text is at most printk's 1 KiB: so much after each newline is looked at, in linear time.
    if (envelopeLength(text.slice(end, end + RECORD_MOST)) > 0)
      starts.push({ at: end, cut: at, ownWriter: true });
    else bare.push(i);
  });
  const messages = bareMessageStarts(text, newlines, bare);
  return messages.length === 0 ? starts : [...starts, ...messages].sort((a, b) => a.at - b.at);
}

/**
 * Where untimed kernel messages start that a program's literal joined by `\n` escapes (a Rust doc comment's test
 * data, the header first: `let log = "worker invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0,
 * oom_score_adj=0\nOut of memory: Killed process 7 (worker) total-vm:100kB, …";`, a Go constant's `"ok\nx invoked
 * oom-killer: order=0\noom-kill:constraint=CONSTRAINT_MEMCG,…\nMemory cgroup out of memory: Killed process 7 …"`;
 * seventy-sixth red team B/08, B/17): after each newline of `bare` (those no envelope follows) whose text up to the
 * next newline a recognizer reads, when two of the text's lines so read are kernel messages. Such a record has no
 * envelope of its own: it keeps the entry's. A comm or prose may hold a backslash and an `n` (`a\nb invoked
 * oom-killer: …` is one header of the comm `a\nb`): one message after it is no second record, and the rest of a
 * comm is no kernel message.
 */
function bareMessageStarts(
  text: string,
  newlines: readonly Newline[],
  bare: readonly number[],
): GluedStart[] {
  const messages: GluedStart[] = [];
  for (const i of bare) {
    const { at, end } = newlines[i] as Newline;
    if (isKernelMessage(text.slice(end, newlines[i + 1]?.at)))
      messages.push({ at: end, cut: at, ownWriter: false, bare: true });
  }
  if (messages.length === 0) return messages;
  const first = (newlines[0] as Newline).at;
  return messages.length >= 2 || isKernelMessage(text.slice(0, first)) ? messages : [];
}

/** Whether a recognizer reads the text as a kernel message of a report, more than its context (a frame, `Mem-Info:`). */
function isKernelMessage(text: string): boolean {
  const result = parseKernelLine(text);
  return result.kind === 'line' && result.line.kind !== 'context';
}

/** Whether the backslash at `at` is itself escaped: an odd run of backslashes before it. */
function escapedBackslashAt(text: string, at: number): boolean {
  let slashes = 0;
  while (text.charCodeAt(at - 1 - slashes) === 0x5c) slashes++;
  return slashes % 2 === 1;
}

/** Whether the text holds a newline, read or escaped: told without a search of a pattern. */
function holdsNewline(text: string): boolean {
  return text.indexOf('\n') >= 0 || text.indexOf('\\n') >= 0;
}

/** Whether the text is an envelope and nothing else: a glued syslog record's, before its dmesg time. */
function envelopeOnly(text: string): boolean {
  return readLogRecord(text)?.text.trim() === '';
}

/**
 * Where records glued onto the entry start: at dmesg times inside a record that has a kernel time of its own (of
 * the record's writer), or `dmesg -T` stamps inside a record with one (a web copy that lost the newlines); at dmesg
 * times, real or masked, inside a record with no time at all (its own masked: untimedStarts); at kernel syslog stamps
 * inside a syslog record (the kernel's, whoever wrote the line they are glued to); after a newline that an envelope
 * follows (newlineStarts). A glued syslog record's own dmesg time is part of its envelope. Null when none are.
 */
function gluedRecordStarts(entry: LogEntry): GluedStart[] | null {
  const text = entry.text;
  // Most records have nothing glued on: told without a search or an array unless a `[` follows their start.
  const bracketed = text.indexOf('[', 1) >= 0;
  const timed =
    bracketed && (entry.kernelTime !== null || (entry.stamp !== null && DMESG_WALL_STAMP.test(entry.stamp)));
  const timeless = entry.kernelTime === null && entry.stamp === null && entry.wallTime === null;
  const untimed = bracketed && timeless;
  // A writer's prose may quote a whole kernel syslog record, stamp, host and tag (`… E.g.: \`Nov 27 01:26:57 hostname
  // kernel: oom-kill:…\``, `$ sudo grep -i kill /var/log/messages* May 10 18:07:27 server1 kernel: Out of memory: …`):
  // read apart, as one glued onto a syslog record is.
  const prose = timeless && !entry.enveloped;
  // Without a stamp, only a priority's record may be glued on (syslogStarts): told by its `>` first.
  const syslogged =
    (entry.stamp !== null || prose || (entry.wallTime !== null && text.includes('>'))) &&
    text.indexOf(' kernel: ') > 0;
  const newlined = holdsNewline(text);
  if (!timed && !untimed && !syslogged && !newlined) return null;
  let dmesg: number[] = [];
  if (timed) dmesg = gluedStarts(text, entry.kernelTime !== null ? GLUED_DMESG_TIME : GLUED_DMESG_WALL, 1);
  else if (untimed) dmesg = untimedStarts(entry);
  const syslog = syslogged ? syslogStarts(entry, prose) : [];
  const newline = newlined ? newlineStarts(text) : [];
  if (dmesg.length === 0 && syslog.length === 0 && newline.length === 0) return null;
  const own = syslog.map((at) => ({ at, cut: at, ownWriter: true }));
  const timedStarts: GluedStart[] = [];
  let next = 0;
  for (const at of dmesg) {
    while (next < syslog.length && (syslog[next] as number) < at) next++;
    // Only the nearest stamp before it, and only an envelope's length away, may hold this time in its envelope.
    const stamp = syslog[next - 1];
    const held = stamp !== undefined && at - stamp <= ENVELOPE_MOST && envelopeOnly(text.slice(stamp, at));
    if (!held) timedStarts.push({ at, cut: at, ownWriter: false });
  }
  const starts = [...own, ...timedStarts].sort((a, b) => a.at - b.at);
  return newline.length === 0 ? starts : withNewlineStarts(starts, newline);
}

/** A dmesg time glued on, real or masked by an author (MASKED_TIME of envelope-prefixes.ts): `[xxxxxx.xxxxxx] `. */
const GLUED_ANY_TIME = /\[ *[\dxX*]{1,12}\.[\dxX*]{6}\] /g;

/**
 * Where records start inside a record that has no time at all, at each dmesg time, real or masked: a record whose own
 * printk time an author masked (`[xxxxxx.xxxxxx] Task in … [xxxxxx.xxxxxx] Memory cgroup out of memory: …`, its
 * envelope said no time), or a writer's prose that a web copy glued records onto, the newlines lost (a commit
 * message's `… Result=oom-kill: [ 51.008765] TEST-55-OOMD.sh[906]: … [ 51.066596] kworker/1:0 invoked oom-killer: …`).
 * Prose needs two: with one, it is prose that quotes a record, read as before (its recognizer finds the kill
 * anywhere in it). In prose, `dmesg -T` stamps count as well.
 */
function untimedStarts(entry: LogEntry): number[] {
  let starts = gluedStarts(entry.text, GLUED_ANY_TIME, 1);
  // `dmesg -T` stamps too, in prose a digest flattened (`… in my logs  ```bash [Sat Sep  9 14:11:34 2023] [ 910813] …
  // [Sat Sep  9 14:11:34 2023] oom-kill:…`): never in a record an author masked, whose envelope was a printk time.
  if (!entry.enveloped) {
    const wall = gluedStarts(entry.text, GLUED_DMESG_WALL, 1);
    if (wall.length > 0) starts = [...starts, ...wall].sort((a, b) => a - b);
  }
  return entry.enveloped || starts.length >= 2 ? starts : [];
}

/**
 * The starts with those after newlines, in order: a start that a newline comes just before (`\n[10523.450250] `)
 * is one, whose record before it ends before the newline.
 */
function withNewlineStarts(starts: GluedStart[], newline: GluedStart[]): GluedStart[] {
  const byAt = new Map(starts.map((start) => [start.at, start]));
  for (const start of newline) {
    const same = byAt.get(start.at);
    if (same === undefined) byAt.set(start.at, start);
    else same.cut = start.cut;
  }
  return [...byAt.values()].sort((a, b) => a.at - b.at);
}

/**
 * Where kernel syslog records glued on start, in order: at their stamps, in a syslog record with a stamp or in prose
 * (a writer's words before a record they quote, the shell prompt and command that printed it); at their priorities, in
 * a syslog record of any writer (rsyslog's forward formats glue every writer's records).
 */
function syslogStarts(entry: LogEntry, prose: boolean): number[] {
  const text = entry.text;
  // A record without a host (journalctl's `--no-hostname`, a paste whose first host an author cut) may have records
  // with a host glued on too; the two patterns never match at one place (no host holds `kernel:`'s colon).
  let stamps = entry.stamp !== null || prose ? syslogStampStarts(text) : [];
  if (entry.stamp !== null && entry.host === null)
    stamps = [...syslogStampStarts(text, GLUED_NO_HOST_STAMP), ...stamps].sort((a, b) => a - b);
  if (!text.includes('>')) return stamps;
  const priorities = gluedStarts(text, GLUED_PRIORITY, 1);
  return priorities.length === 0 ? stamps : [...stamps, ...priorities].sort((a, b) => a - b);
}

/**
 * The records that a paste glued into one line, each read on its own, or the entry alone: a record with a
 * kernel time may have others glued on at their dmesg times, a syslog record at their syslog stamps; and the lines
 * of a JSON record that holds several (`more`). (A choice of victim glued to its kill line is read apart by the
 * assembler, which alone knows it reads a kill line.)
 */
export function splitGluedRecords(entry: LogEntry): LogEntry[] {
  // A JSON record's several lines (recordWithoutMessage), each of which a paste may have glued records into.
  if (entry.more !== undefined) return linesOf(entry).flatMap(splitGluedRecords);
  const starts = gluedRecordStarts(entry);
  if (starts === null) return [entry];
  const text = entry.text;
  const glued = starts.map(({ at, ownWriter, bare }, i) => {
    const end = starts[i + 1]?.cut;
    if (bare === true)
      return { ...entry, text: text.slice(at, end), truncated: end === undefined && entry.truncated };
    const piece = readLogRecord(text.slice(at, end)) ?? blankEntry('');
    const fromKernel = ownWriter ? piece.fromKernel : entry.fromKernel;
    return { ...piece, host: piece.host ?? entry.host, fromKernel, enveloped: true };
  });
  const first = starts[0] as GluedStart;
  return [{ ...entry, text: text.slice(0, first.cut), truncated: false }, ...glued];
}
