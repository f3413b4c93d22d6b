/**
 * Removes the envelope around one kernel message, whichever way it was carried: raw `/dev/kmsg` records,
 * `dmesg` (with `-T`, `-x`, `-r` and printk caller ids), journalctl/syslog, Fluent Bit JSON records (kmsg,
 * systemd, Container Insights), e-mail quoting, or plain text.
 */

export interface LogEntry {
  /** The kernel message without any prefix. */
  text: string;
  /** Seconds since boot, when the envelope carried it (`[ 4194.691334]`, kmsg `sec`/`usec`). */
  kernelTime: number | null;
  /** ISO-8601 wall-clock time, only when the envelope said it with date and zone. */
  wallTime: string | null;
  /** The time stamp as printed when it cannot be an ISO time (syslog has no year, `dmesg -T` no zone). */
  stamp: string | null;
  host: string | null;
  sequence: number | null;
  /** The line ends in a pager's `>`: its last field is cut short. */
  truncated: boolean;
  /** False when the envelope names another writer (systemd, dockerd): such lines are never kernel reports. */
  fromKernel: boolean;
  /** Whether any envelope prefix was found (pasted logs: a line without one continues the line above). */
  enveloped: boolean;
}

const KMSG_RECORD = /^(\d{1,3}),(\d+),(\d+),[^;]{0,16};/;
const KMSG_DICTIONARY = /^ [A-Z][A-Z0-9_]*=/;
const DMESG_LEVEL =
  /^(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7]) *:(?:emerg|alert|crit|err|warn|notice|info|debug) *: ?/;
const DMESG_RAW_PRIORITY = /^<\d{1,3}>/;
const DMESG_TIME = /^\[ *(\d+)\.(\d{1,9})\] ?/;
const PRINTK_CALLER = /^\[ *[TC]\d+\] ?/;
// `dmesg -T` dates, in any language; not task-table brackets (`[   2874]`) nor trace addresses (`[<ffff…>]`).
const DMESG_WALL = /^\[([^\]\d\s<][^\]]{6,60})\] ?/;
const SYSLOG =
  /^(\S{1,12} {1,2}\d{1,2} \d\d:\d\d:\d\d(?:\.\d{1,9})?) (\S{1,255}) ([^\s:[]{1,64})(?:\[\d{1,10}\])?: ?/;
const RFC3339_SYSLOG =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)) (\S{1,255}) ([^\s:[]{1,64})(?:\[\d{1,10}\])?: ?/;
// Hypervisor and collector logs put their own fields before a dmesg time (`… Guest: <6>[39291577.009360] …`).
const EMBEDDED_DMESG = /^[^[]{1,120}(?=\[ *\d+\.\d{1,9}\] )/;
const QUOTE = /^(?:> ?)+/;
const ANSI = /\u001b\[[0-9;]{0,16}m/g;
const TRAILING_TRUNCATION = />$/;
const MARKUP_TAG = /<\/?[A-Z]+>$/;

function blankEntry(text: string): LogEntry {
  return {
    text,
    kernelTime: null,
    wallTime: null,
    stamp: null,
    host: null,
    sequence: null,
    truncated: false,
    fromKernel: true,
    enveloped: false,
  };
}

function isoOrNull(value: unknown): string | null {
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT/.test(value)) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function microsToIso(value: unknown): string | null {
  const micros = typeof value === 'string' ? Number(value) : value;
  if (typeof micros !== 'number' || !Number.isFinite(micros) || micros <= 0) return null;
  return new Date(Math.floor(micros / 1000)).toISOString();
}

function stringField(record: Record<string, unknown>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'string') return value;
  }
  return null;
}

/** Fluent Bit records: kmsg `{priority, sequence, sec, usec, msg}`, systemd `{MESSAGE, …}`, Container Insights `{host, ident, message}`. */
function fromJsonRecord(record: Record<string, unknown>, entry: LogEntry): string | null {
  const message = stringField(record, ['msg', 'message', 'MESSAGE', 'log']);
  if (message === null) return null;
  entry.enveloped = true;
  if (typeof record.sec === 'number') {
    const usec = typeof record.usec === 'number' ? record.usec : 0;
    entry.kernelTime = record.sec + usec / 1e6;
  } else if (record._SOURCE_MONOTONIC_TIMESTAMP !== undefined) {
    const micros = Number(record._SOURCE_MONOTONIC_TIMESTAMP);
    if (Number.isFinite(micros)) entry.kernelTime = micros / 1e6;
  }
  if (typeof record.sequence === 'number') entry.sequence = record.sequence;
  entry.host = stringField(record, ['host', '_HOSTNAME', 'hostname', 'HOSTNAME']);
  entry.wallTime =
    microsToIso(record.__REALTIME_TIMESTAMP) ??
    isoOrNull(record.time) ??
    isoOrNull(record['@timestamp']) ??
    isoOrNull(record.timestamp);
  const ident = stringField(record, ['ident', 'SYSLOG_IDENTIFIER', 'syslog_identifier']);
  const transport = stringField(record, ['_TRANSPORT']);
  entry.fromKernel = transport === 'kernel' || ident === null || ident === 'kernel';
  // kmsg `msg` may carry dictionary lines (`\n SUBSYSTEM=…`) after the message.
  const newline = message.indexOf('\n');
  return newline < 0 ? message : message.slice(0, newline);
}

function parseJsonObject(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{') || !line.endsWith('}')) return null;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Strips one text prefix, recording what it said; returns null when no prefix is there. */
function stripOnePrefix(text: string, entry: LogEntry): string | null {
  let m = KMSG_RECORD.exec(text);
  if (m !== null) {
    entry.sequence = Number(m[2]);
    entry.kernelTime = Number(m[3]) / 1e6;
    return text.slice(m[0].length);
  }
  m = DMESG_LEVEL.exec(text) ?? DMESG_RAW_PRIORITY.exec(text);
  if (m !== null) return text.slice(m[0].length);
  m = DMESG_TIME.exec(text);
  if (m !== null) {
    entry.kernelTime = Number(`${m[1]}.${m[2]}`);
    return text.slice(m[0].length);
  }
  m = PRINTK_CALLER.exec(text);
  if (m !== null) return text.slice(m[0].length);
  m = RFC3339_SYSLOG.exec(text);
  if (m !== null) {
    entry.wallTime = isoOrNull(m[1]);
    entry.host = m[2] as string;
    entry.fromKernel = m[3] === 'kernel';
    return text.slice(m[0].length);
  }
  m = SYSLOG.exec(text);
  if (m !== null) {
    entry.stamp = m[1] as string;
    entry.host = m[2] as string;
    entry.fromKernel = m[3] === 'kernel';
    return text.slice(m[0].length);
  }
  m = DMESG_WALL.exec(text);
  if (m !== null) {
    entry.stamp = m[1] as string;
    return text.slice(m[0].length);
  }
  return null;
}

function stripForeignHead(text: string): string | null {
  if (!text.includes('] ')) return null;
  const m = EMBEDDED_DMESG.exec(text);
  return m === null ? null : text.slice(m[0].length);
}

/**
 * Reads one line of a kernel log in any envelope. Returns null for lines that carry no message:
 * empty lines and kmsg dictionary continuation lines (` SUBSYSTEM=…`).
 */
export function readLogRecord(raw: string): LogEntry | null {
  let line = raw.replace(ANSI, '');
  if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
  if (line.endsWith('\r')) line = line.slice(0, -1);
  if (KMSG_DICTIONARY.test(line)) return null;
  const quote = QUOTE.exec(line);
  if (quote !== null) line = line.slice(quote[0].length);
  if (line.trim().length === 0) return null;

  const entry = blankEntry(line);
  let text = line;
  const record = parseJsonObject(line.trim());
  if (record !== null) {
    const inner = fromJsonRecord(record, entry);
    if (inner === null) return null;
    // kmsg and journald records carry the kernel's text as printed: there is no prefix to look for.
    if (record.sec !== undefined || record.MESSAGE !== undefined) return finishEntry(entry, inner);
    text = inner;
  }
  // Prefixes nest: `kern  :warn  : [ 12.3] …`, `Jul 12 … kernel: [ 12.3] …`, `[ 12.3] [T9185] …`.
  for (let depth = 0; depth < 6; depth++) {
    const rest = stripOnePrefix(text, entry) ?? (depth === 0 ? stripForeignHead(text) : null);
    if (rest === null) break;
    entry.enveloped = true;
    text = rest;
  }
  return finishEntry(entry, text);
}

function finishEntry(entry: LogEntry, text: string): LogEntry {
  entry.text = text;
  entry.truncated = TRAILING_TRUNCATION.test(text) && !MARKUP_TAG.test(text);
  return entry;
}
