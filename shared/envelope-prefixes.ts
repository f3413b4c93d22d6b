/**
 * The envelope prefixes that log-record.ts (its stages: envelope-stages.ts) takes off a kernel line, each with a
 * cheap test of the text that it passes wherever the prefix can match: most lines then try no pattern at all.
 */
import { mayBeOomText } from './kernel-line.ts';
import { CALL_TRACE_FRAME } from './kernel-lines/report-context.ts';
import { mayStartSeverityTemplate, SECONDS, SEVERITY } from './vendor-prefixes.ts';

const KMSG_RECORD = /^(\d{1,3}),(\d+),(\d+),[^;]{0,16};/;
const DMESG_LEVEL =
  /^(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7]) *:(?:emerg|alert|crit|err|warn|notice|info|debug) *: ?/;
// `dmesg -r` priority: only before a dmesg time, so that a comm such as `<4>x` stays part of the message.
const DMESG_RAW_PRIORITY = /^<\d{1,3}>(?=\[)/;
const DMESG_TIME = /^\[ *(\d+)\.(\d{1,9})\] ?/;
const PRINTK_CALLER = /^\[ *[TC]\d+\] ?/;
// A printk time an author masked before publishing (`[xxx.xxxxxx]`, `[52*2*5.*54*91]`, `[XXXXX.XXXXXX]`): its
// value is unknown, but it is the kernel's envelope all the same. Tried after DMESG_TIME, so at least one character
// is a mask's; its fraction has printk's six places, so that a word in brackets stays text (`[X.509] Loaded cert`).
// An ellipsis (`[...]`) is no time: it marks lines an author left out.
const DMESG_MASKED_TIME = /^\[ *[\dxX*]{1,12}\.[\dxX*]{6}\] ?/;
// `dmesg -d` and `dmesg --time-format=delta`: the time since the record before, in angle brackets, after the boot
// time or alone (`[31400.746127 <    0.000015>] `, `[<    0.000015>] `).
const DMESG_DELTA = /^\[(?: *(\d+)\.(\d{1,9}) )?< *\d+\.\d{1,9}>\] ?/;
// `dmesg -e`, `-H` and `--time-format=reltime`: the time since the record before (`[  +0.000015] `), and where the
// minute changes, that minute instead (`[Dec 6 00:12] `, `[Dec10 00:12] `: strftime's `%b%e %H:%M`, which a
// translation may turn to `%e%b`). Neither dates a record. util-linux's dmesg.c.
const DMESG_RELTIME =
  /^\[(?: *[+-]\d+\.\d{1,9}|([^\]\d\s<+-][^\]\d]{0,15} ?\d{1,2} \d\d:\d\d|\d{1,2} ?[^\]\d\s<][^\]\d]{0,15} \d\d:\d\d))\] ?/;
// `dmesg -T` dates, in any language: they hold a clock time. Not task-table brackets (`[   2874]`), trace
// addresses (`[<ffff…>]`) nor a comm such as `[worker1]`.
const DMESG_WALL = /^\[([^\]\d\s<][^\]]{0,40}\d:\d\d:\d\d[^\]]{0,20})\] ?/;
// A date and time in brackets that starts with the year (`[2016-02-02 07:09:26]  `: a collector's stamp before
// each kernel line, mesos/kibana#13): ISO 8601's order, a space or `T` between, a fraction and zone optional.
const BRACKETED_ISO =
  /^\[(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?: ?(?:Z|UTC|[+-]\d\d:?\d\d))?)\] ?/;
// The same date whose `[` a copy lost (a paste that starts inside the first stamp): then the clock time must
// end in its year, and the line is no other bracket's.
const DMESG_WALL_CUT = /^\s?([^\][\d\s<][^\][]{0,40}\d:\d\d:\d\d \d{4})\] /;
// A template may print the facility and severity before the host (rsyslog's `%syslogfacility-text%.%syslogseverity-text%`:
// `2019-12-13T04:23:58.358162+01:00 kern.err bgo-compute-06 kernel: `, an OpenStack cloud's ops notes).
const SYSLOG =
  /^(\S{1,12} {1,2}\d{1,2} \d\d:\d\d:\d\d(?:\.\d{1,9})?) (?:(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7])\.(?:emerg|alert|crit|err|warning|warn|notice|info|debug) )?(\S{1,255}) ([^\s:[]{1,64})(?:\[\d{1,10}\])?: ?/;
// RFC 3339 syslog (rsyslog's high-precision stamp), or its stamp as people trim it: no fraction, no zone.
const RFC3339_SYSLOG =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?) (?:(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7])\.(?:emerg|alert|crit|err|warning|warn|notice|info|debug) )?(\S{1,255}) ([^\s:[]{1,64})(?:\[\d{1,10}\])?: ?/;
// OpenWrt's and busybox's `logread`: `Fri Aug  7 08:24:06 2026 kern.err kernel: `, the facility and level
// before the writer, no host; its day and month always in English, three letters each.
const LOGREAD_LINE =
  /^([A-Z][a-z]{2} [A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d \d{4}) [a-z]{2,8}\d?\.[a-z]{3,7} ([^\s:[]{1,64})(?:\[\d{1,10}\])?: ?/;
// busybox syslogd's own file (and its `logread` on Debian, Alpine): the host, then the facility and level before the
// writer, as OpenWrt's without the year (`Dec  6 01:59:29 vm kern.err kernel: `).
const BUSYBOX_SYSLOG_LINE =
  /^(\S{1,12} {1,2}\d{1,2} \d\d:\d\d:\d\d) (\S{1,255}) [a-z]{2,8}\d?\.[a-z]{3,7} ([^\s:[]{1,64})(?:\[\d{1,10}\])?: ?/;
// A journal field of `journalctl -o export` or `-o verbose` (indented there): the message.
const JOURNAL_MESSAGE_FIELD = /^MESSAGE=/;
// RFC 5424 syslog (rsyslog's RSYSLOG_SyslogProtocol23Format): `<4>1 <time> <host> <app> <procid> <msgid> <data> `.
const RFC5424_SYSLOG =
  /^<\d{1,3}>1 (\S{1,64}) (\S{1,255}) (\S{1,48}) \S{1,128} \S{1,32} (?:-|(?:\[[^\]]{0,2048}\])+) ?/;
// `journalctl -k -o short-monotonic`: the boot time, then the host and `kernel:` as in syslog, or `kernel:` alone
// (`--no-hostname`: `[ 1420.105100] kernel: …`, systemd/systemd#36434).
// `-o short-delta` adds the time since the record before (`[36586.672331 <    0.000005 >] `; spaces on the first).
const JOURNAL_MONOTONIC =
  /^\[ *(\d+)\.(\d{1,9})(?: < *\d+\.\d{1,9} >| *)\] (?:([A-Za-z0-9][\w.-]{0,252}) )?kernel: ?/;
// `journalctl -k --no-hostname`: the syslog stamp, then `kernel:` alone.
const SYSLOG_NO_HOST = /^(\S{1,12} {1,2}\d{1,2} \d\d:\d\d:\d\d(?:\.\d{1,9})?) {1,2}kernel: ?/;
// `journalctl -o short-full`: `Sat 2026-12-05 16:23:08 UTC host kernel: `, no host with `--no-hostname`.
// `-o short-unix`: seconds since the epoch, then the host (none with `--no-hostname`) and the writer. Without the
// host, `kernel:` is the writer: no host ends in a colon (else the message's `CPU:` would be the writer).
const JOURNAL_FULL =
  /^\S{1,12} (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d{1,9})?) ([A-Z]{1,6}|[+-]\d{4}) (?:(?!kernel:)(\S{1,255}) )?([^\s:[]{1,64})(?:\[\d{1,10}\])?: ?/;
const JOURNAL_UNIX = /^(\d{9,11}\.\d{1,9}) (?:(?!kernel:)(\S{1,255}) )?([^\s:[]{1,64})(?:\[\d{1,10}\])?: ?/;
// `dmesg --time-format iso`: `2026-12-05T16:23:08,123456+00:00 ` (a comma before the fraction).
const DMESG_ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d),(\d{1,9})([+-]\d\d:?\d\d) ?/;
// Talos (`talosctl dmesg`, its console): `<facility>: <level, %7s>: [<RFC 3339 time>]: `, after `<node>: ` with
// `-n`. The node is talosctl's label of the API target (the address it was given), not the node's name.
const TALOS_KMSG =
  /^(?:[^\s:]{1,253}: )?(kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7]): {1,7}(?:emerg|alert|crit|err|warning|warn|notice|info|debug): \[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d))\]: ?/;
// A syslog line whose template has no program tag (RFC 3164 makes it optional): the stamp and the host, then the
// message. Only after every tagged form and a hypervisor's fields failed: the host is the first word after the
// stamp, no `]` in it (a `dmesg -T` date that lost its `[` ends in `2026] `); a priority may come first (`<4>`).
// The stamp alone, the message after it as it is (a space first: a frame's), where that word cannot be a host: it
// starts with `[` or holds a colon (`[  pid  ]`, `oom-kill:constraint=…`, `CPU:`), starts a kernel report's line
// (`Out of memory: …`, `Memory cgroup …`, `Tasks state …`; a capitalised host such as `Tower` stays one), or is a
// comm that `invoked oom-killer` follows (a paste whose host and tag an author cut away: `Oct 16 08:16:34 Out of
// memory: Killed process …`); or the stamp and a colon, where a template left out both (` 4월 25 15:08:38: php-fpm
// invoked oom-killer: …`). Another writer's tag with its pid and no host (`journalctl --no-hostname`:
// `Oct 16 08:16:35 kubelet[800]: …`) is that writer's.
const SYSLOG_NO_TAG =
  /^(?:<\d{1,3}>)?(?![[<{])(\S{1,12} {1,2}\d{1,2} \d\d:\d\d:\d\d(?:\.\d{1,9})?)(?:: (?= ?\S)| (?:([^\s:[]{1,64})\[\d{1,10}\]: ?|(?!(?:Out of [Mm]emory|Memory cgroup|Memory limit|Tasks state|Tasks in|Killed process|Kill process|Task in|Hardware name|Call Trace|Free swap|Total swap|OOM killed|OOM victim|Node \d)\b|\S+ invoked oom-killer)([^\s:[\]]{1,255}) (?=\S)|(?! ?\d{4}\] )(?= ?\S)))/;
// An RFC 3339 time with no program tag after it, after the tagged form failed. With a numeric zone, as rsyslog and
// `aws logs tail` print it, the host or the stream follows (`2026-11-22T14:41:50.508000+00:00 node-kernel Memory
// cgroup out of memory: …`), unless the word there is a capitalised word alone (no digit, `.` or `-`: `Memory`, not
// `DB01`), ends in a colon, as kernel text's first is (`Memory cgroup …`, `CPU: 1 …`), or is a comm that `invoked
// oom-killer` follows (`python3 invoked oom-killer: …`, no host); then, and with `Z` (Go's
// RFC 3339: kubectl, containerd) or no zone (`aws logs tail --format short`), the message follows: as it is, spaces
// first (a frame's).
const RFC3339_NO_TAG =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?)(?:([+-]\d\d:\d\d) (?![A-Z][^\s\d.-]* |\S+ invoked oom-killer)([^\s[\]]{0,254}[^\s[\]:])|(Z|[+-]\d\d:\d\d)?) (?= *\S)/;
// `fly logs` (Fly.io): the RFC 3339 time, the machine (`app[2865134a394268]`; before Machines, flyctl printed the
// instance's 8 hex digits alone), its region and the level, then the machine's console line as it printed it
// (`2024-10-07T11:37:16Z app[2865134a394268] cdg [info][  258.930660] Out of memory: …`, the space before the dmesg
// time there or not). The machine's id names no node.
const FLY_LOG =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?)(Z|[+-]\d\d:\d\d)? (?:app\[[0-9a-f]{1,64}\]|[0-9a-f]{8}) [a-z]{2,5} \[(?:trace|debug|info|warn|warning|error|fatal)\] ?/;
// A log viewer's date and time with a space between, a zone or none, then the host and the tag as in syslog: Home
// Assistant's host logs (`2025-04-22 18:23:14.930 homeassistant kernel: `, `2026-09-07 20:58:02 UTC homeassistant
// kernel: `; another writer's only with its pid, `dockerd[123]: `: words that may be no host and tag stay text);
// or, with no host and no tag, before a record's priority or dmesg time (QNAP's kernel log: `2023-11-22 03:01:56
// +01:00 <6> [62902.688020] oom-kill:…`).
const SPACED_ISO_SYSLOG =
  /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:[.,]\d{1,9})?)(?: (UTC|GMT|Z|[+-]\d\d:?\d\d))? (?:(?:(?!(?:UTC|GMT|Z|[+-]\d\d:?\d\d|stdout|stderr) )([^\s[]{1,255}) )?([Kk]ernel|KERNEL): ?|([^\s[]{1,255}) ([^\s:[]{1,64})\[\d{1,10}\]: ?|(?:<\d{1,3}> ?)?(?=\[ *\d+\.\d))/;
// journalctl -o short-iso --no-hostname: the RFC 3339 time, then `kernel:` alone.
const RFC3339_NO_HOST = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?)(Z|[+-]\d\d:?\d\d)? kernel: ?/;
// A syslog template of the tag alone, or of the time of day and the tag (`%timegenerated:::date-hour…%`):
// `kernel: `, `19:18:21 kernel: `; no date, no host.
const KERNEL_TAG = /^(?:(\d{1,2}:\d\d:\d\d(?:\.\d{1,9})?) )?kernel: ?/;
// A syslog line whose stamp an author cut off, or whose date a paste lost: the host, then the tag (`HOST1 kernel: `,
// `10:44:23 ip-10-0-3-115 kernel: `). The host starts with a letter, holds one after its first digits (`990x`,
// `4TELLT132`), or is an IPv4 address: digits alone are a wrap's rest of a stamp (`Jan 9 00:42:4` + `8 kernel: …`).
// Or a program's template of such a line, a placeholder where the stamp goes (a Python test's `f"{stamp} leaf01
// kernel: Out of memory: Killed process 900 (switchd)\n"`, seventy-third red team B/06): its host is as certain as
// a record's, its time none. A placeholder as templates write one: `{…}` (Python, C#, Rust), `${…}`, `#{…}`,
// `{{…}}` (Go's and Jinja's templates), printf's `%s` and logging's `%(asctime)s`, a shell's `$TS` or `$(date)`,
// a document's `<timestamp>`; no prose is written so, and the guards on the host below hold after it as before.
const HOST_AND_KERNEL_TAG =
  /^(?:(?:(\d{1,2}:\d\d:\d\d(?:\.\d{1,9})?)|[$#]?\{[^{}\n]{0,64}\}|\{\{[^{}\n]{0,64}\}\}|%(?:\([\w.]{1,32}\))?[-+#0-9.]{0,8}[sv]|\$\([^()\n]{0,64}\)|\$[A-Za-z_]\w{0,31}|<[A-Za-z][\w -]{0,30}>) )?([A-Za-z][\w.-]{0,252}|\d[\d.-]{0,62}[A-Za-z_][\w.-]{0,190}|\d{1,3}(?:\.\d{1,3}){3}) kernel: ?/;
// A time of day alone before the message (`12:00:52 oom-kill:…`, a list's mail, linux-mm 2019): no date, no host,
// no tag. A clock's values only, a space after it and the message: not a MAC address (`00:11:22:33`), a serial
// port's `00:05: `, a time glued to a word, a `dmesg -T` date a copy cut inside its time (`08:44:22 2026] `), nor
// the rest of a syslog stamp whose date a reflow left on the line above (`21:40:40 t6360003 kernel: `).
const CLOCK_ONLY =
  /^((?:[01]?\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:[.,]\d{1,9})?) (?!\d{4}\] |\S{1,255} kernel:)(?= *\S)/;
// Hypervisor and collector logs put their own fields before a dmesg time (`… Guest: <6>[39291577.009360] …`), a
// console its prompt (`root@vm:~# [ 1364.294650] …`); the time followed by a space or by printk's caller id
// (`-> # [ 1364.294650][T17314] …`, CONFIG_PRINTK_CALLER; not over a syslog or ISO stamp and at most a host, whose
// own rules read them; a hypervisor's fields after a stamp are still its: `…Z In(05) vcpu-5 - Guest: <6>[…][ T4242] `).
const EMBEDDED_DMESG =
  /^(?:[^[]{1,120}(?=\[ *\d+\.\d{1,9}\] )|(?!(?:\S{1,12} {1,2}\d{1,2} \d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d)\S{0,16}(?: [^\s:[]{1,255})? \[)[^[]{1,120}(?=\[ *\d+\.\d{1,9}\]\[ *[TC]\d+\]))/;
/**
 * Whether a /dev/kmsg record's priority (facility × 8 + level) is the kernel's: facility 0. A program may write to
 * /dev/kmsg too, under its own facility (`user`, 1, by default): `11,1,2,-;Out of memory: Killed process 1 (fake)` is
 * a test's line, not the kernel's (a Rust agent's tests: sixty-fifth red team A/14).
 */
export function isKernelPriority(priority: string): boolean {
  return Number(priority) < 8;
}

/** Whether a syslog tag is the kernel's: as syslog writes it, or as an author retyped it (`Kernel:`, `KERNEL:`). */
export function isKernelTag(tag: string | undefined): boolean {
  return tag !== undefined && tag.length === 6 && tag.toLowerCase() === 'kernel';
}

/** The envelope prefixes, for the in-place copies of record-shape.ts (its test checks that they agree). */
export const ENVELOPE_PATTERNS = {
  KMSG_RECORD,
  DMESG_LEVEL,
  DMESG_RAW_PRIORITY,
  DMESG_TIME,
  PRINTK_CALLER,
  DMESG_WALL,
  SYSLOG,
  RFC3339_SYSLOG,
} as const;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE_CODE = 0x7b;
const SPACE = 0x20;
const DOT = 0x2e;
const COMMA = 0x2c;

/** An envelope's pattern, and a cheap test of the text that it passes whenever the pattern can match. */
export interface Prefix {
  pattern: RegExp;
  mayStart(text: string): boolean;
  /** What the text must also be where the pattern matches (prefixMatches); none: the pattern says it all. */
  onlyBefore?(text: string): boolean;
}

/** Whether the prefix starts the text: its cheap test, its pattern and its further condition. */
export function prefixMatches(prefix: Prefix, text: string): boolean {
  return prefix.mayStart(text) && prefix.pattern.test(text) && (prefix.onlyBefore?.(text) ?? true);
}

/**
 * Whether a digit follows a space among the first 14 characters: the syslog-like prefixes start so
 * (`\S{1,12} {1,2}\d`, `\S{1,12} \d`: `Nov 20 06:12:45`, `Sat 2026-12-05`). Most kernel text has no such
 * space, and trying their three patterns was a quarter of reading a line that has no envelope.
 */
export function mayStartSyslog(text: string): boolean {
  for (let at = 1; at <= 13; at++) {
    if (text.charCodeAt(at) === SPACE && isDigit(text.charCodeAt(at + 1))) return true;
  }
  return false;
}

/**
 * The Talos envelope: the line's first `:` ends its facility or its node, and the time's `: [` is the first `[`
 * after it, 7 to 28 characters on (a facility of up to 8 letters, 1 to 7 spaces and a level of 3 to 7).
 */
function mayStartTalos(text: string): boolean {
  const colon = text.indexOf(':');
  if (colon < 1 || colon > 253 || text.charCodeAt(colon + 1) !== SPACE) return false;
  const open = text.indexOf('[', colon + 7);
  return (
    open > 0 &&
    open <= colon + 28 &&
    text.charCodeAt(open - 2) === 0x3a &&
    text.charCodeAt(open - 1) === SPACE
  );
}

const digitFirst = (text: string): boolean => isDigit(text.charCodeAt(0));
const bracketFirst = (text: string): boolean => text.charCodeAt(0) === OPEN_BRACKET;

export const KMSG: Prefix = { pattern: KMSG_RECORD, mayStart: digitFirst };
export const RFC5424: Prefix = { pattern: RFC5424_SYSLOG, mayStart: (text) => text.startsWith('<') };
export const MONOTONIC: Prefix = { pattern: JOURNAL_MONOTONIC, mayStart: bracketFirst };
export const NO_HOST: Prefix = { pattern: SYSLOG_NO_HOST, mayStart: mayStartSyslog };
export const FULL: Prefix = { pattern: JOURNAL_FULL, mayStart: mayStartSyslog };
export const ISO_TIME: Prefix = { pattern: DMESG_ISO, mayStart: digitFirst };
export const UNIX_TIME: Prefix = { pattern: JOURNAL_UNIX, mayStart: digitFirst };
export const RFC3339: Prefix = { pattern: RFC3339_SYSLOG, mayStart: digitFirst };
export const SPACED_ISO: Prefix = { pattern: SPACED_ISO_SYSLOG, mayStart: digitFirst };
export const SYSLOG_LINE: Prefix = { pattern: SYSLOG, mayStart: mayStartSyslog };
export const TALOS: Prefix = { pattern: TALOS_KMSG, mayStart: mayStartTalos };
export const LOGREAD: Prefix = { pattern: LOGREAD_LINE, mayStart: mayStartSyslog };
export const MESSAGE_FIELD: Prefix = {
  pattern: JOURNAL_MESSAGE_FIELD,
  mayStart: (text) => text.startsWith('MESSAGE='),
};
/** A syslog date's first word, or a priority before it: not a dmesg time's `[` or a JSON record's `{`. */
function mayStartNoTag(text: string): boolean {
  const first = text.charCodeAt(0);
  return first !== OPEN_BRACKET && first !== OPEN_BRACE_CODE && mayStartSyslog(text);
}
export const NO_TAG: Prefix = { pattern: SYSLOG_NO_TAG, mayStart: mayStartNoTag };
export const BUSYBOX_SYSLOG: Prefix = { pattern: BUSYBOX_SYSLOG_LINE, mayStart: mayStartNoTag };
/** `kernel: ` first, or a digit: the time of day before it. */
function mayStartKernelTag(text: string): boolean {
  return isDigit(text.charCodeAt(0)) || text.startsWith('kernel:');
}
/** ` kernel:` after a first word (a host), or after a time of day and a host. */
function mayStartHostTag(text: string): boolean {
  // Searched back from where the tag may be at the latest: the rest of a long line is not looked at.
  return text.lastIndexOf(' kernel:', 268) >= 1;
}
export const RFC3339_UNTAGGED: Prefix = { pattern: RFC3339_NO_TAG, mayStart: digitFirst };
export const FLY: Prefix = { pattern: FLY_LOG, mayStart: digitFirst };
export const RFC3339_KERNEL_TAG: Prefix = { pattern: RFC3339_NO_HOST, mayStart: digitFirst };
export const TAG_ONLY: Prefix = { pattern: KERNEL_TAG, mayStart: mayStartKernelTag };
/** A whole syslog stamp, host and tag inside a line: a record of a stamped paste glued on (glued-records.ts). */
const STAMPED_RECORD_INSIDE = /[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d \S{1,255} kernel: /;

/**
 * The words prose puts before `kernel:` (`Linux kernel: 5.15.0`, `the kernel: …`, `Guest kernel: …`), in lower case:
 * taken for a host, the kernel lines pasted below such a line without an envelope would read as its wrapped rest.
 */
const PROSE_WORDS = new Set([
  'linux',
  'the',
  'a',
  'an',
  'my',
  'your',
  'our',
  'this',
  'that',
  'its',
  'host',
  'guest',
  'new',
  'old',
  'current',
  'running',
  'custom',
  'stock',
  'default',
  'vanilla',
  'mainline',
  'upstream',
  'latest',
  'booted',
  'installed',
  'patched',
  'generic',
]);

/** A kernel's version alone after the tag and its space: prose (`Ubuntu kernel: 5.15.0-1034-aws`), no kernel line. */
// `\d` alone after the dot: `\S*` takes the rest of its digits (two runs that could split them would not be linear).
const VERSION_ALONE = /^v?\d+\.\d\S*\s*$/;

/**
 * Whether HOST_AND_KERNEL_TAG's match in the text is an envelope: not after a word of prose (PROSE_WORDS) nor before a
 * version alone (VERSION_ALONE), nor in a line that holds a whole stamp further on: its records kept their stamps,
 * and its first words are the rest of one a wrap cut (`… Apr 09 16:00:14 cdp-test-` + `server-05.bj kernel: memory:
 * … Apr 09 16:00:14 …`). Before any text: in a paste whose lines all start so, a line that is no OOM text would else
 * read as the wrapped rest of the OOM line above it.
 */
function hostTagIsEnvelope(text: string): boolean {
  const [tag, , host] = HOST_AND_KERNEL_TAG.exec(text) as RegExpExecArray;
  if (PROSE_WORDS.has((host as string).toLowerCase())) return false;
  if (tag.endsWith(' ') && VERSION_ALONE.test(text.slice(tag.length))) return false;
  return !STAMPED_RECORD_INSIDE.test(text);
}
export const HOST_TAG: Prefix = {
  pattern: HOST_AND_KERNEL_TAG,
  mayStart: mayStartHostTag,
  onlyBefore: hostTagIsEnvelope,
};
/**
 * Whether the text starts with a time of day as TIME_OF_DAY reads one, whatever follows it: a line so stamped is
 * a record of its own even where the stamp is no envelope (line-prefilter.ts: it joins no record above and none
 * joins it, but it counts among a paste's stamped lines).
 */
export function startsWithClock(text: string): boolean {
  return digitFirst(text) && CLOCK_ONLY.test(text);
}

/**
 * Only before text that may be OOM text: before other text a time of day is a program's own (`12:00:52 deploy
 * started`, `sar -r` rows, a logger's `12:00:52.123 [main]`), and taken as an envelope it would make the kernel
 * lines pasted below it without a stamp read as its wrapped rest (line-prefilter.ts joins an unenveloped line
 * to an enveloped one when most lines are stamped). The clock itself holds none of mayBeOomText's marks.
 */
export const TIME_OF_DAY: Prefix = { pattern: CLOCK_ONLY, mayStart: digitFirst, onlyBefore: mayBeOomText };
/** A printk time's start (`[ 12.`, `[39291577.`), sticky. */
const TIME_OPENS = /\[ *\d+\.\d/y;

/** A hypervisor's fields or a prompt before a printk time: the line's first `[`, 1 to 120 characters in, opens it. */
function timeAfterFields(text: string): boolean {
  const open = text.indexOf('[');
  if (open < 1 || open > 120) return false;
  TIME_OPENS.lastIndex = open;
  return TIME_OPENS.test(text);
}
export const EMBEDDED: Prefix = { pattern: EMBEDDED_DMESG, mayStart: timeAfterFields };

/**
 * A `dmesg -T` date's rest (WALL_CUT): a `] ` within a date's length of the line's start that closes a bracket the
 * line never opened.
 */
function closesUnopenedBracket(text: string): boolean {
  const close = text.indexOf('] ');
  return close > 0 && close <= 60 && text.lastIndexOf('[', close) < 0;
}
export const LEVEL: Prefix = {
  pattern: DMESG_LEVEL,
  mayStart: (text) => {
    const first = text.charCodeAt(0);
    return first >= 0x61 && first <= 0x7a;
  },
};
export const RAW_PRIORITY: Prefix = { pattern: DMESG_RAW_PRIORITY, mayStart: (text) => text.startsWith('<') };
export const TIME: Prefix = { pattern: DMESG_TIME, mayStart: bracketFirst };
export const ISO_BRACKETED: Prefix = { pattern: BRACKETED_ISO, mayStart: bracketFirst };
export const DELTA: Prefix = { pattern: DMESG_DELTA, mayStart: bracketFirst };
export const RELTIME: Prefix = { pattern: DMESG_RELTIME, mayStart: bracketFirst };
export const WALL: Prefix = { pattern: DMESG_WALL, mayStart: bracketFirst };
export const WALL_CUT: Prefix = { pattern: DMESG_WALL_CUT, mayStart: closesUnopenedBracket };
export const CALLER: Prefix = { pattern: PRINTK_CALLER, mayStart: bracketFirst };
export const MASKED_TIME: Prefix = { pattern: DMESG_MASKED_TIME, mayStart: bracketFirst };

export function matchOf(prefix: Prefix, text: string): RegExpExecArray | null {
  if (!prefix.mayStart(text)) return null;
  const m = prefix.pattern.exec(text);
  return m !== null && (prefix.onlyBefore?.(text) ?? true) ? m : null;
}

/**
 * Every prefix a stage of envelope-stages.ts strips, the most frequent first; the syslog pattern, which many lines
 * may start, after those for a line that starts with `[`. test/shared/envelope-prefixes.test.ts checks each
 * `mayStart` against its pattern.
 */
export const PREFIXES_BY_FREQUENCY: readonly Prefix[] = [
  TIME,
  KMSG,
  MONOTONIC,
  WALL,
  SYSLOG_LINE,
  RFC3339,
  SPACED_ISO,
  CALLER,
  LEVEL,
  RAW_PRIORITY,
  RFC5424,
  NO_HOST,
  FULL,
  ISO_TIME,
  UNIX_TIME,
  LOGREAD,
  BUSYBOX_SYSLOG,
  MESSAGE_FIELD,
  TALOS,
  EMBEDDED,
  NO_TAG,
  RFC3339_KERNEL_TAG,
  FLY,
  RFC3339_UNTAGGED,
  HOST_TAG,
  TAG_ONLY,
  TIME_OF_DAY,
  WALL_CUT,
  DELTA,
  RELTIME,
  ISO_BRACKETED,
  SECONDS,
  MASKED_TIME,
  SEVERITY,
];

/**
 * How long the envelope the text starts with is, or -1 without one: a prefix other than a hypervisor's fields
 * (EMBEDDED) or a `dmesg -T` date that lost its `[` (WALL_CUT), which may follow any text, prose too.
 */
export function envelopeLength(text: string): number {
  const prefix = envelopePrefixOf(text);
  return prefix === null ? -1 : (matchOf(prefix, text) as RegExpExecArray)[0].length;
}

/** The prefix of envelopeLength's envelope, or null. */
function envelopePrefixOf(text: string): Prefix | null {
  for (const prefix of PREFIXES_BY_FREQUENCY) {
    if (prefix === EMBEDDED || prefix === WALL_CUT) continue;
    if (prefixMatches(prefix, text)) return prefix;
  }
  return null;
}

// What grep prints before each line of several files or with -n (`/var/log/syslog:`, `syslog.1:13:`, `13:`, and
// before a context line `-` for the `:`: `syslog-`, `syslog-13-`, `13-`), pdsh or clush before each line of a host
// (`ip-10-0-1-23: `), and a syslog priority before a stamp (rsyslog's forward formats written to a file, a capture
// of the network: `<4>2026-12-06T01:56:03…`). Each form is tried in turn, and a context line's at each `-` of its
// first word: the first an envelope follows is the source.
const SOURCE_PREFIXES = [
  /<\d{1,3}>/y,
  /[^\s:"'=(),[\]{}]{1,255}: /y,
  /[^\s:"'=(),[\]{}]{1,255}:\d{1,9}:/y,
  /[^\s:"'=(),[\]{}]{1,255}:/y,
];
/** What no file name, host or line number of a source holds, but text does (`time="…`, `systemd[1]:`). */
const NOT_IN_SOURCE = new Set([...`"'=(),[]{}`].map((c) => c.charCodeAt(0)));

/**
 * What an envelope may start with after a source, in letters: a month or a weekday (`Dec  6`, `Sat 2026-…`, `janv.`),
 * `MESSAGE=`, dmesg's facility (`dmesg -x`), or the tag alone.
 */
const LETTERS_OF_ENVELOPE =
  /[A-Za-z][a-z]{2}[ .]|MESSAGE=|(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7]) *:|kernel:/y;

/**
 * Whether the digits at `at` may start an envelope: they end in what follows a year, a day, a clock's hour, a kmsg
 * record's priority or seconds since the epoch (`-`, ` `, `:`, `,`, `.`), or in a month's name in another language
 * (`12月`). Not a hash's or an id's (`…k8s.io-8f9c…`).
 */
function digitsMayStartEnvelope(text: string, at: number): boolean {
  let end = at;
  while (isDigit(text.charCodeAt(end))) end++;
  const next = text.charCodeAt(end);
  return next === 0x2d || next === SPACE || next === 0x3a || next === 0x2c || next === 0x2e || next >= 0x80;
}

/**
 * Whether an envelope may start at `at`: a digit (a time, a kmsg record), `[`, `<`, a letter beyond ASCII (a month in
 * another language), or the letters of one (LETTERS_OF_ENVELOPE).
 */
function mayStartEnvelopeAt(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (isDigit(code)) return digitsMayStartEnvelope(text, at);
  if (code === OPEN_BRACKET || code === 0x3c || code >= 0x80) return true;
  LETTERS_OF_ENVELOPE.lastIndex = at;
  return LETTERS_OF_ENVELOPE.test(text);
}

/**
 * Whether the line may start with a source: `<`, or a `:` or `-` in its first word after which an envelope may
 * start. Most kernel text that starts with a word and a colon (`eth0: link up`, `IPv6: ADDRCONF(…)`) or holds a
 * hyphen (`oom-kill:constraint=…`) goes on with no envelope's first letters.
 */
function mayStartSource(text: string): boolean {
  if (text.charCodeAt(0) === 0x3c) return true;
  const end = Math.min(text.length, 256);
  for (let at = 1; at < end; at++) {
    const code = text.charCodeAt(at);
    if (code === 0x2d && mayStartEnvelopeAt(text, at + 1)) return true;
    if (code === 0x3a) return mayStartEnvelopeAt(text, text.charCodeAt(at + 1) === SPACE ? at + 2 : at + 1);
    if (code === SPACE || code === 0x09 || NOT_IN_SOURCE.has(code)) return false;
  }
  return false;
}

/**
 * Whether an envelope follows a source that ends at `at`. The tag, a time of day or a journal field alone may follow
 * only a source that cannot be a word of kernel text: pdsh's host and its space, a line number, a path or a file's name
 * (`kern.log:kernel: …`); not a bare word (`h:kernel: invoked oom-killer: …`, a comm).
 */
function envelopeAfter(text: string, at: number): boolean {
  if (!mayStartEnvelopeAt(text, at)) return false;
  const rest = text.slice(at);
  // A source's own source is none of its envelope: asked for one, a line of `kern:kern:kern:…` went a level deeper
  // at each (a stack overflow at 13,000).
  if (!mayStartPrefixOrSource(rest, false)) return false;
  const prefix = envelopePrefixOf(rest);
  if (prefix === null || monthTookSource(rest, prefix)) return false;
  if (prefix !== TAG_ONLY && prefix !== HOST_TAG && prefix !== TIME_OF_DAY && prefix !== MESSAGE_FIELD)
    return true;
  const source = text.slice(0, at);
  return source.endsWith(' ') || /[\d>]:?$|[./]/.test(source);
}

/** The prefixes whose first word, a month or a weekday (`\S{1,12}`), may take a source in (`kern.log:Dec`). */
const MONTH_FIRST: readonly Prefix[] = [SYSLOG_LINE, NO_HOST, FULL, BUSYBOX_SYSLOG, NO_TAG];

/**
 * Whether the line's own envelope is one: a source is not taken off then, but where the envelope's month or weekday
 * holds a mark no month does (`:`, `>`, `-`: `13:Jan 09 14:15:16 kernel: …`), it took the source in.
 */
function ownEnvelopeStands(text: string): boolean {
  const own = envelopePrefixOf(text);
  return own !== null && !monthTookSource(text, own);
}

/**
 * Whether the envelope `prefix` found is month-first, its month or weekday holding a mark no month does; a syslog
 * priority before the month (`<4>Dec`) is none.
 */
function monthTookSource(text: string, prefix: Prefix): boolean {
  if (!MONTH_FIRST.includes(prefix)) return false;
  const space = text.indexOf(' ');
  const first = space < 0 ? text : text.slice(0, space);
  return /[:>-]/.test(withoutSyslogPriority(first));
}

/** The text without a syslog priority it starts with (`<4>Dec` → `Dec`: a forward format's record). */
export function withoutSyslogPriority(text: string): string {
  return text.charCodeAt(0) === 0x3c ? text.replace(PRIORITY_FIRST, '') : text;
}
const PRIORITY_FIRST = /^<\d{1,3}>/;

/**
 * How long the source a tool put before the line is (SOURCE_PREFIXES, and a context line's `-`), or -1: only where
 * an envelope follows it (envelopeAfter) and the line's own does not stand (ownEnvelopeStands). The syslog or dmesg
 * envelope after it is then read as usual.
 */
export function sourcePrefixLength(text: string): number {
  if (!mayStartSource(text)) return -1;
  const at = sourceEnd(text);
  return at < 0 || ownEnvelopeStands(text) ? -1 : at;
}

/**
 * A host that pdsh or clush put before each line of its output (`w17: `, `ip-10-0-1-23: `), from a source
 * `length` long (sourcePrefixLength): a name and a space after its colon, where grep prints a file's name and no
 * space. A log file's name (`kern.log: `, `syslog: `) is none. Else null.
 */
export function sourceHost(text: string, length: number): string | null {
  if (length < 3 || text.charCodeAt(length - 1) !== SPACE || text.charCodeAt(length - 2) !== 0x3a)
    return null;
  const label = text.slice(0, length - 2);
  return HOST_LABEL.test(label) && HOST_MARK.test(label) && !LOG_FILE_NAME.test(label) ? label : null;
}

/** A host's name (a letter first) or an IPv4 address. */
const HOST_LABEL = /^(?:[A-Za-z][\w.-]{0,252}|\d{1,3}(?:\.\d{1,3}){3})$/;
/** What a node's name holds and a writer's label before a colon does not (`Update: `, `Note: `, `pod: `): a digit, `-` or `.`. */
const HOST_MARK = /[\d.-]/;
/**
 * A log file's name as grep prints it (a log's own, or one with a log's extension or rotation number), or a stream's or
 * a level's label (`stderr: `, `console: `, `warn: `): no host.
 */
const LOG_FILE_NAME =
  /^(?:syslog|messages|kern|kernel|dmesg|daemon|auth|journal)(?:[.-]\S*)?$|\.(?:log|txt|out|err|gz)(?:\.\d+)?$|\.log\.|^(?:stdout|stderr|stdin|console|output|logs?|out|err|info|warn|warning|error|debug|notice|trace)$/i;

function sourceEnd(text: string): number {
  for (const source of SOURCE_PREFIXES) {
    source.lastIndex = 0;
    if (!source.test(text)) continue;
    // Kept before envelopeAfter: what it asks of the rest must not move where this source ends (it once asked the
    // rest for a source with these same patterns).
    const end = source.lastIndex;
    if (envelopeAfter(text, end)) return end;
  }
  // A context line: `file-`, `file-13-`, `13-` (a file's name may hold a `-` of its own).
  const end = Math.min(text.length, 256);
  for (let at = 1; at < end; at++) {
    const code = text.charCodeAt(at);
    if (code === SPACE || code === 0x09 || code === 0x3a || NOT_IN_SOURCE.has(code)) return -1;
    if (code === 0x2d && envelopeAfter(text, at + 1)) return at + 1;
  }
  return -1;
}

/** A bracket that opens as a printk time does: what a hypervisor's fields (EMBEDDED) or a dmesg stage looks for. */
const TIME_LIKE_BRACKET = /\[ *\d+\./;

/**
 * Whether the text, but for its margin, is a call-trace frame (CALL_TRACE_FRAME: ` __schedule+0x2a5/0x8a0`,
 * `[<ffffffff8172d1b9>] dump_stack+0x64/0x82`, `? foo+0x1/0x2 [mod]`) with no colon (every clock, tag and source
 * holds one) and no bracket that opens as a printk time, in a module's brackets, which the frame's pattern lets
 * hold anything: no prefix matches such a text, and no stage takes anything off it (test/shared/
 * envelope-prefixes.test.ts). Frames are most of the lines of a report that a reader reads in full; one that starts
 * with a mark or a margin tried every stage before.
 */
function isWholeFrame(text: string): boolean {
  return (
    text.includes('+0x') &&
    !text.includes(':') &&
    CALL_TRACE_FRAME.test(text.trim()) &&
    !TIME_LIKE_BRACKET.test(text)
  );
}

/**
 * Whether a syslog-like stamp may start the text (mayStartSyslog), a clock's or a date's first digits where its
 * patterns have them: `Nov 20 06:12:45`, `Sat 2026-12-05`, `<4>Dec  6 …`, logread's `Fri Aug  7 08:24:06`.
 */
const SYSLOG_STAMP_START =
  /^(?:<\d{1,3}>)?\S{1,12}(?: {1,2}\d{1,2} \d\d:| \d{4}-\d\d-)|^[A-Z][a-z]{2} [A-Z][a-z]{2} {1,2}\d{1,2} \d\d:/;

function mayStartSyslogStamp(text: string): boolean {
  return mayStartSyslog(text) && SYSLOG_STAMP_START.test(text);
}

/**
 * mayStartAnyPrefix of a text that starts with `[`: a bracketed prefix (a printk time, masked or not, a caller id,
 * dmesg's delta, reltime or `-T` date, a bracketed ISO stamp) holds no digit first, or, after its spaces, digits and
 * masks before a `.`; or, with no space, a day or an hour (`[6 Dec 00:12]`, `[12x 10:00]`). Not a task-table row
 * (`[   2874]     0  2874 …`), an index (`[0] 0 1`) nor a frame's address (`[<ffffffff8172d1b9>] dump_stack+0x64/0x82`).
 * Or a syslog stamp, a source or Talos's node before it: mayStartSource passes a bracketed ISO stamp's year and the
 * `-` after it (`[2016-02-02 …`), as it does a source's.
 */
function mayStartAfterBracket(text: string): boolean {
  let at = 1;
  while (text.charCodeAt(at) === SPACE) at++;
  if (!isDigit(text.charCodeAt(at))) return !isWholeFrame(text);
  const digitsAt = at;
  while (isDigit(text.charCodeAt(at))) at++;
  const digitsEnd = at;
  for (let code = text.charCodeAt(at); isDigit(code) || isTimeMask(code); code = text.charCodeAt(at)) at++;
  if (text.charCodeAt(at) === DOT) return true;
  if (digitsAt === 1 && unspacedBracketMayStart(text, digitsEnd)) return true;
  return mayStartSyslogStamp(text) || mayStartSource(text) || mayStartTalos(text);
}

/** After `[` and the digits that end at `end`: reltime's day first (`[6 Dec 00:12]`, `[12x 10:00]`). */
function unspacedBracketMayStart(text: string, end: number): boolean {
  const digits = end - 1;
  if (digits > 2) return false;
  const next = text.charCodeAt(text.charCodeAt(end) === SPACE ? end + 1 : end);
  return next !== CLOSE_BRACKET;
}

/** What an author masked a printk time's digits with (DMESG_MASKED_TIME). */
function isTimeMask(code: number): boolean {
  return code === 0x78 || code === 0x58 || code === 0x2a;
}

/**
 * mayStartAnyPrefix of a text that starts with a digit: a kmsg record (`6,`), seconds since the epoch (`1764950400.`);
 * or a syslog stamp, a source (grep's line number `13:`; and a date `2026-12-05` and a time of day `12:00:52 `, whose
 * `-` and `:` mayStartSource looks past as it does a source's), a host before the tag (`990x kernel:`), a hypervisor's
 * fields before a printk time, or Talos's node.
 */
function mayStartAfterDigit(text: string): boolean {
  let end = 1;
  while (isDigit(text.charCodeAt(end))) end++;
  const next = text.charCodeAt(end);
  if (next === COMMA && end <= 3) return true;
  if (next === DOT && end >= 9 && end <= 11) return true;
  return (
    mayStartSyslogStamp(text) ||
    mayStartSource(text) ||
    mayStartHostTag(text) ||
    EMBEDDED.mayStart(text) ||
    mayStartTalos(text)
  );
}

/**
 * Whether some prefix may match the text, or some stage take anything off it (a tool's source, spaces before a
 * printk time). Of a text that starts with a letter, only the syslog-like prefixes, dmesg's level, a hypervisor's
 * fields and Talos's envelope can; most kernel text starts so and matches none of them, and asking each prefix in
 * turn was most of reading such a line. A text that starts with `[` or a digit is told as narrowly, and a whole
 * frame is none (`[<ffffffff8172d1b9>] dump_stack+0x64/0x82`, ` __schedule+0x2a5/0x8a0`): frames, task-table
 * rows and a report's counters after a source-like word (`memory: usage …`, whose rest starts with a digit) tried
 * every stage, some of them twice. test/shared/envelope-prefixes.test.ts checks that it passes every text some
 * prefix matches or some stage changes.
 */
export function mayStartAnyPrefix(text: string): boolean {
  return mayStartPrefixOrSource(text, true);
}

/**
 * mayStartAnyPrefix; `realSource`: a text that starts with a letter is asked for a real source (sourcePrefixLength),
 * else only for what may start one (mayStartSource).
 */
function mayStartPrefixOrSource(text: string, realSource: boolean): boolean {
  const first = text.charCodeAt(0);
  if (first === OPEN_BRACKET) return mayStartAfterBracket(text);
  if (isDigit(first)) return mayStartAfterDigit(text);
  if (isWholeFrame(text)) return false;
  const lowerCased = first | 0x20;
  if (lowerCased < 0x61 || lowerCased > 0x7a) return true;
  return (
    mayStartSyslogStamp(text) ||
    text.startsWith('MESSAGE=') ||
    text.startsWith('kernel:') ||
    HOST_TAG.mayStart(text) ||
    EMBEDDED.mayStart(text) ||
    WALL_CUT.mayStart(text) ||
    (LEVEL.mayStart(text) && DMESG_LEVEL.test(text)) ||
    mayStartSeverityTemplate(text) ||
    mayStartTalos(text) ||
    // Last: a real source costs the most, and the stages ask for it again (after the envelopes of their own).
    (realSource ? sourcePrefixLength(text) >= 0 : mayStartSource(text))
  );
}
