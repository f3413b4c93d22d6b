/**
 * The envelope stages of a kernel line, in the one order they nest: the collector's envelope (raw kmsg, syslog in
 * its many forms, journalctl, Talos, a tool's source before one), dmesg's level, dmesg's time (with an Android
 * vendor's printing context after it), the printk caller id. Each takes what its prefix says into the entry.
 */
import {
  CALLER,
  DELTA,
  EMBEDDED,
  FULL,
  HOST_TAG,
  isKernelPriority,
  isKernelTag,
  ISO_BRACKETED,
  ISO_TIME,
  KMSG,
  LEVEL,
  LOGREAD,
  MASKED_TIME,
  BUSYBOX_SYSLOG,
  MESSAGE_FIELD,
  NO_TAG,
  RFC3339_KERNEL_TAG,
  FLY,
  RFC3339_UNTAGGED,
  TAG_ONLY,
  TIME_OF_DAY,
  matchOf,
  mayStartSyslog,
  MONOTONIC,
  NO_HOST,
  RAW_PRIORITY,
  RELTIME,
  RFC3339,
  RFC5424,
  sourceHost,
  sourcePrefixLength,
  SPACED_ISO,
  withoutSyslogPriority,
  SYSLOG_LINE,
  TALOS,
  TIME,
  UNIX_TIME,
  WALL,
  WALL_CUT,
} from './envelope-prefixes.ts';
import { isoFromDateTime, isoFromMs } from './iso-time.ts';
import type { LogEntry } from './log-record.ts';
import { CONTEXT, SECONDS, SEVERITY } from './vendor-prefixes.ts';

type Stage = (text: string, entry: LogEntry) => string | null;

/** An RFC 3339 stamp that ends in its zone. */
const ZONED = /(?:Z|[+-]\d\d:?\d\d)$/;

/** What a host as printed holds: a letter or digit (a relay's `web01/loghost`, an address `::ffff:10.0.0.5`). */
const HOST_CHARACTER = /[A-Za-z0-9]/;

/** A syslog severity in capitals: what ChromeOS's syslog template prints where the host would be. */
const SEVERITY_WORD = /^(?:EMERG|ALERT|CRIT|ERR|ERROR|WARNING|WARN|NOTICE|INFO|DEBUG)$/;

/**
 * A host an author masked with x's (`xxxxx`, `XXX`, an address as `x.x.x.x`), or wrote as the word itself
 * (`hostname`): no machine's name.
 */
const MASKED_HOST = /^(?:[xX]{3,}|[xX]+(?:[.:-][xX]+)+|[Hh][Oo][Ss][Tt][Nn][Aa][Mm][Ee])$/;

/**
 * A program's template placeholder where the host goes (`{host}`, `${HOSTNAME}`, `#{host}`, `{{.node}}`, `%s`,
 * `$HOST`): no machine's name starts with those marks.
 */
const TEMPLATE_HOST = /^(?:[{$%]|#\{)/;

/**
 * The syslog host as printed, or null when it is none: an author hid it, with marks alone (`**`, `...`), x's
 * or the word `hostname` (MASKED_HOST) or a placeholder in angle brackets (`<hostname>`) or a template's
 * (TEMPLATE_HOST); or the template put the severity there (ChromeOS's `2021-04-24T18:03:53.804300Z WARNING kernel: `).
 */
function hostOf(printed: string): string | null {
  const placeholder =
    (printed.startsWith('<') && printed.endsWith('>')) ||
    MASKED_HOST.test(printed) ||
    TEMPLATE_HOST.test(printed);
  return HOST_CHARACTER.test(printed) && !placeholder && !SEVERITY_WORD.test(printed) ? printed : null;
}

/**
 * The collector's envelope: a raw kmsg record, a syslog line, Talos's kernel log, or a hypervisor's fields
 * before a dmesg time; or a tool's source before one of them (stripSource, once: `sourcedOnce`).
 */
function stripCollector(text: string, entry: LogEntry, sourcedOnce = false): string | null {
  return stripStampedCollector(text, entry) ?? stripSyslogCollector(text, entry, sourcedOnce);
}

/** The envelopes that start with a kernel time, a priority or an RFC 3339 stamp: raw kmsg, RFC 5424, rsyslog's template. */
function stripStampedCollector(text: string, entry: LogEntry): string | null {
  let m = matchOf(KMSG, text);
  if (m !== null) {
    entry.fromKernel = isKernelPriority(m[1] as string);
    entry.sequence = Number(m[2]);
    entry.kernelTime = Number(m[3]) / 1e6;
    return text.slice(m[0].length);
  }
  m = matchOf(MONOTONIC, text);
  if (m !== null) {
    entry.kernelTime = Number(`${m[1]}.${m[2]}`);
    entry.host = m[3] === undefined ? null : hostOf(m[3]);
    return text.slice(m[0].length);
  }
  m = matchOf(RFC5424, text);
  if (m !== null) {
    entry.wallTime = isoFromDateTime(m[1]);
    entry.host = hostOf(m[2] as string);
    entry.fromKernel = isKernelTag(m[3]);
    return text.slice(m[0].length);
  }
  m = matchOf(SEVERITY, text);
  if (m !== null) {
    entry.fromKernel = m[1] === 'kernel';
    return text.slice(m[0].length);
  }
  // `journalctl -o short-iso --no-hostname`: before the tagged form, which would take `kernel:` for a host.
  m = matchOf(RFC3339_KERNEL_TAG, text);
  if (m !== null) {
    if (m[2] === undefined) entry.stamp = m[1] as string;
    else entry.wallTime = isoFromDateTime(`${m[1]}${m[2]}`);
    return text.slice(m[0].length);
  }
  m = matchOf(RFC3339, text);
  if (m !== null) {
    // A stamp without its zone is the writer's local time: no wall clock, only the stamp.
    if (ZONED.test(m[1] as string)) entry.wallTime = isoFromDateTime(m[1]);
    else entry.stamp = m[1] as string;
    entry.host = hostOf(m[2] as string);
    entry.fromKernel = isKernelTag(m[3]);
    return text.slice(m[0].length);
  }
  m = matchOf(SPACED_ISO, text);
  if (m !== null) {
    // With a zone (a word for UTC, or an offset) a wall clock; without, the writer's local time: the stamp alone.
    const zone = m[3];
    const time = (m[2] as string).replace(',', '.');
    if (zone === undefined) entry.stamp = `${m[1]} ${m[2]}`;
    else entry.wallTime = isoFromDateTime(`${m[1]}T${time}${zone === 'UTC' || zone === 'GMT' ? 'Z' : zone}`);
    // The kernel's tag, after a host or none; another writer's tag with its pid; or no tag: a kernel record's
    // priority or time follows.
    if (m[4] !== undefined) entry.host = hostOf(m[4]);
    if (m[7] !== undefined) {
      entry.host = hostOf(m[6] as string);
      entry.fromKernel = isKernelTag(m[7]);
    }
    return text.slice(m[0].length);
  }
  return null;
}

/**
 * The syslog-like envelopes (a month or weekday first, busybox's, logread's, a Unix time), Talos's, and the looser
 * ones after a tool's source (stripLooseCollector).
 */
function stripSyslogCollector(text: string, entry: LogEntry, sourcedOnce: boolean): string | null {
  // What six of the syslog-like prefixes ask first (mayStart), asked once; two of them also the first character.
  const syslogLike = mayStartSyslog(text);
  const untaggedLike = syslogLike && NO_TAG.mayStart(text);
  // A source that their month or weekday would take in (`kern.log:Dec  6 …`, `13:Jan 09 …`) comes off first; asked
  // here, it is not asked again below (stripSource changes nothing when it finds none).
  const sourceAskedEarly = syslogLike && !sourcedOnce;
  if (sourceAskedEarly) {
    const sourced = stripSource(text, entry);
    if (sourced !== null) return sourced;
  }
  // A stamp as printed, but for the priority its month's word took in (`<4>Dec  6 01:56:03`: a forward format).
  let m = syslogLike ? NO_HOST.pattern.exec(text) : null;
  if (m !== null) {
    entry.stamp = withoutSyslogPriority(m[1] as string);
    return text.slice(m[0].length);
  }
  m = syslogLike ? FULL.pattern.exec(text) : null;
  if (m !== null) {
    const utc = m[3] === 'UTC' || m[3] === 'GMT' || m[3] === '+0000';
    entry.wallTime = utc ? isoFromDateTime(`${m[1]}T${m[2]}Z`) : null;
    if (!utc) entry.stamp = `${m[1]} ${m[2]} ${m[3]}`;
    entry.host = m[4] === undefined ? null : hostOf(m[4]);
    entry.fromKernel = isKernelTag(m[5]);
    return text.slice(m[0].length);
  }
  m = matchOf(UNIX_TIME, text);
  if (m !== null) {
    entry.wallTime = isoFromMs(Number(m[1]) * 1000);
    entry.host = m[2] === undefined ? null : hostOf(m[2]);
    entry.fromKernel = isKernelTag(m[3]);
    return text.slice(m[0].length);
  }
  // Syslog, and busybox syslogd's own file (its facility and level between the host and the writer).
  m =
    (syslogLike ? SYSLOG_LINE.pattern.exec(text) : null) ??
    (untaggedLike ? BUSYBOX_SYSLOG.pattern.exec(text) : null);
  if (m !== null) {
    entry.stamp = withoutSyslogPriority(m[1] as string);
    entry.host = hostOf(m[2] as string);
    entry.fromKernel = isKernelTag(m[3]);
    return text.slice(m[0].length);
  }
  m = matchOf(MESSAGE_FIELD, text);
  if (m !== null) return text.slice(m[0].length);
  m = syslogLike ? LOGREAD.pattern.exec(text) : null;
  if (m !== null) {
    entry.stamp = m[1] as string;
    entry.fromKernel = isKernelTag(m[2]);
    return text.slice(m[0].length);
  }
  m = matchOf(TALOS, text);
  if (m !== null) {
    // go-kmsg's wall clock of the record; userspace writes to /dev/kmsg get LOG_USER, the kernel's text `kern`.
    entry.wallTime = isoFromDateTime(m[2]);
    entry.fromKernel = m[1] === 'kern';
    return text.slice(m[0].length);
  }
  // A tool's source before the envelope (grep, pdsh), before a hypervisor's fields would take it with the envelope.
  const sourced = sourcedOnce || sourceAskedEarly ? null : stripSource(text, entry);
  return sourced ?? stripLooseCollector(text, entry, untaggedLike);
}

/** A hypervisor's fields before a dmesg time, a stamp and host with no tag, an RFC 3339 stamp alone, a tag alone. */
function stripLooseCollector(text: string, entry: LogEntry, untaggedLike: boolean): string | null {
  // The host and the tag, before a hypervisor's fields would take them with no host (`HOST1 kernel: [ 12.5] `).
  let m = matchOf(HOST_TAG, text);
  if (m !== null) {
    entry.stamp = m[1] ?? null;
    entry.host = hostOf(m[2] as string);
    return text.slice(m[0].length);
  }
  m = matchOf(EMBEDDED, text);
  if (m !== null) {
    takeKernelSyslogEnding(m[0], entry);
    return text.slice(m[0].length);
  }
  // Not a `dmesg -T` date that lost its `[` (stripDmesgTime reads it): NO_TAG's host holds no `]`.
  m = untaggedLike ? NO_TAG.pattern.exec(text) : null;
  if (m !== null) {
    entry.stamp = m[1] as string;
    // Another writer's tag with its pid, no host; or a host, or the stamp alone.
    if (m[2] !== undefined) entry.fromKernel = isKernelTag(m[2]);
    entry.host = m[3] === undefined ? null : hostOf(m[3]);
    return text.slice(m[0].length);
  }
  m = matchOf(FLY, text);
  if (m !== null) {
    if (m[2] === undefined) entry.stamp = m[1] as string;
    else entry.wallTime = isoFromDateTime(`${m[1]}${m[2]}`);
    return text.slice(m[0].length);
  }
  m = matchOf(RFC3339_UNTAGGED, text);
  if (m !== null) {
    const zone = m[2] ?? m[4];
    if (zone === undefined) entry.stamp = m[1] as string;
    else entry.wallTime = isoFromDateTime(`${m[1]}${zone}`);
    if (m[3] !== undefined) entry.host = hostOf(m[3]);
    return text.slice(m[0].length);
  }
  // The tag, after the time of day or alone; or the time of day alone: the stamp as printed, no clock.
  m = matchOf(TAG_ONLY, text) ?? matchOf(TIME_OF_DAY, text);
  if (m !== null) {
    entry.stamp = m[1] ?? null;
    return text.slice(m[0].length);
  }
  return null;
}

/**
 * The stamp and host of a kernel syslog record that ends the fields before a dmesg time (EMBEDDED): a listener's
 * label before each record it received (`Received message  <3>Jun  8 11:15:26 LEDE kernel: [  350.072170] …`, a
 * router's remote syslog). Tried at the fields' start and after each blank; only a record that ends where the dmesg
 * time starts, with the kernel's tag, counts.
 */
function takeKernelSyslogEnding(fields: string, entry: LogEntry): void {
  for (let at = 0; at >= 0 && at < fields.length; at = nextWordStart(fields, at)) {
    const m = SYSLOG_LINE.pattern.exec(fields.slice(at));
    if (m === null || at + m[0].length !== fields.length || !isKernelTag(m[3])) continue;
    entry.stamp = withoutSyslogPriority(m[1] as string);
    entry.host = hostOf(m[2] as string);
    return;
  }
}

/** Where the word after the one at `at` starts (after a run of blanks), or -1. */
function nextWordStart(text: string, at: number): number {
  const blank = text.indexOf(' ', at);
  if (blank < 0) return -1;
  let next = blank + 1;
  while (text.charCodeAt(next) === 0x20) next++;
  return next;
}

/**
 * grep's file name or line number, pdsh's host label or a syslog priority before an envelope (sourcePrefixLength),
 * and the collector's envelope after it, if that is one. Tried after the envelopes no source can be taken into: most
 * lines have one of their own.
 */
function stripSource(text: string, entry: LogEntry): string | null {
  const length = sourcePrefixLength(text);
  if (length < 0) return null;
  const rest = text.slice(length);
  const stripped = stripCollector(rest, entry, true) ?? rest;
  // pdsh's host names the node where the envelope after it names none (`w17: [ 4714.953470] Out of memory: …`).
  entry.host ??= sourceHost(text, length);
  return stripped;
}

/** `dmesg -x` level (`kern  :err   : `), or `dmesg -r` priority (`<3>`) before a dmesg time. */
function stripDmesgLevel(text: string): string | null {
  const m = matchOf(LEVEL, text) ?? matchOf(RAW_PRIORITY, text);
  return m === null ? null : text.slice(m[0].length);
}

/**
 * `[ 3467.508223]` (or an Android vendor's `[63651.040008s]`, and the printing context after either), or the `dmesg -T`
 * date, or dmesg's other times (`-d`, `--time-format=delta`, `-e`).
 */
function stripDmesgTime(text: string, entry: LogEntry): string | null {
  let m = matchOf(TIME, text) ?? matchOf(SECONDS, text);
  if (m !== null) {
    entry.kernelTime = Number(`${m[1]}.${m[2]}`);
    return withoutVendorContext(text.slice(m[0].length));
  }
  const spaced = spacesBeforeKernelTime(text);
  if (spaced > 0) return stripDmesgTime(text.slice(spaced), entry);
  m = matchOf(ISO_TIME, text);
  if (m !== null) {
    entry.wallTime = isoFromDateTime(`${m[1]}.${m[2]}${m[3]}`);
    return text.slice(m[0].length);
  }
  m = matchOf(WALL, text) ?? matchOf(WALL_CUT, text) ?? matchOf(ISO_BRACKETED, text);
  if (m !== null) {
    entry.stamp = m[1] as string;
    return withKernelTimeAfterStamp(text.slice(m[0].length), entry);
  }
  m = matchOf(DELTA, text);
  if (m !== null) {
    if (m[1] !== undefined) entry.kernelTime = Number(`${m[1]}.${m[2]}`);
    return text.slice(m[0].length);
  }
  m = matchOf(RELTIME, text);
  if (m !== null) {
    entry.stamp = m[1] ?? m[2] ?? null;
    return text.slice(m[0].length);
  }
  // A masked time says nothing of when: the line is timed as one without a time.
  m = matchOf(MASKED_TIME, text);
  return m === null ? null : withoutVendorContext(text.slice(m[0].length));
}

const MAX_SPACES_BEFORE_TIME = 3;

/**
 * How many spaces come before a printk time that follows a collector's envelope with more than the one it takes
 * (rsyslog writing a message that starts with a space: `kernel:  [304389.834034] clang++ invoked oom-killer: …`),
 * or 0. A frame of a log without printk times (`kernel:  [<ffffffff8172d1b9>] dump_stack+0x64/0x82`) keeps its
 * indent: only a time is looked for after the spaces.
 */
function spacesBeforeKernelTime(text: string): number {
  let spaces = 0;
  while (spaces < MAX_SPACES_BEFORE_TIME && text.charCodeAt(spaces) === 0x20) spaces++;
  if (spaces === 0 || text.charCodeAt(spaces) !== 0x5b) return 0;
  const after = text.slice(spaces);
  return matchOf(TIME, after) !== null ||
    matchOf(SECONDS, after) !== null ||
    matchOf(MASKED_TIME, after) !== null
    ? spaces
    : 0;
}

/**
 * The text after a date stamp, without the kernel's own time when one follows: a serial console's capture tool, or a
 * collector, stamps each line it got before the dmesg time the kernel printed (`[2025-06-04 17:51:20] [   21.646907] `).
 */
function withKernelTimeAfterStamp(text: string, entry: LogEntry): string {
  // The stamp's pattern takes one space after it; a collector may print two (`[2016-02-02 07:09:26]  `).
  const spaced = spacesBeforeKernelTime(text);
  const m = matchOf(TIME, spaced === 0 ? text : text.slice(spaced));
  if (m === null) return text;
  entry.kernelTime = Number(`${m[1]}.${m[2]}`);
  return withoutVendorContext(text.slice(spaced + m[0].length));
}

/**
 * The text after a printk stamp without the printing context an Android vendor's printk put there (CONTEXT); but
 * not a comm shaped as one (`[6: ] invoked oom-killer: …`): the kernel prints the comm before ` invoked oom-killer`,
 * so a context is never followed by those words.
 */
function withoutVendorContext(text: string): string {
  const m = matchOf(CONTEXT, text);
  if (m === null) return text;
  const rest = text.slice(m[0].length);
  return rest.startsWith('invoked oom-killer') ? text : rest;
}

/** The printk caller id of CONFIG_PRINTK_CALLER (`[T9185]`, `[ C3]`). */
function stripCaller(text: string): string | null {
  const m = matchOf(CALLER, text);
  return m === null ? null : text.slice(m[0].length);
}

/**
 * Envelopes nest in one order only, each at most once: the collector's, dmesg's level, dmesg's time, the
 * caller id. So a comm that looks like a prefix (`[worker1] job`, `<4>x`) stays part of the message.
 */
export const STAGES: readonly Stage[] = [stripCollector, stripDmesgLevel, stripDmesgTime, stripCaller];
