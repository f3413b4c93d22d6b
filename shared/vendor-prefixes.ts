/**
 * Envelope prefixes of vendors' kernels and log templates (envelope-prefixes.ts holds the common ones): Android
 * vendors' printk stamp and the printing context they put after it, and rsyslog's severity-and-tag template of
 * Huawei Cloud EulerOS.
 */
import type { Prefix } from './envelope-prefixes.ts';

// Android vendors' printk stamp in seconds, with an `s` (Huawei: `[63651.040008s]`).
const DMESG_SECONDS = /^\[ *(\d+)\.(\d{1,9})s\] ?/;
// The printing context some Android vendors' printk puts after the stamp: Huawei `[pid:2912,cpu3,sh]`, MediaTek
// `(0)[1:swapper/0]` (PRINTK_MT_PREFIX: the CPU, `-` first in an interrupt, then pid and comm), Honor
// `[3701:11_see]`. A comm is at most 15 bytes (TASK_COMM_LEN); one holding `]` leaves the tag on the text.
const VENDOR_CONTEXT = /^ ?(?:-?\(\d{1,4}\))?\[(?:pid:\d{1,10},cpu\d{1,4},|\d{1,10}:)[^\]]{1,15}\] ?/;
// rsyslog's template `%syslogseverity-text%|%programname%[%procid%]|%msg%` (Huawei Cloud EulerOS's
// /var/log/messages: `warning|kernel[-]|[2919920.414131] …`): the severity, the writer and its pid, `|` between.
// Only with the pid's brackets: a second field without them may be a host, a facility or `kernel:` (other
// templates), which says nothing of the writer; such a line keeps the reading it had (a dmesg time after fields).
const SEVERITY_TEMPLATE =
  /^(?:emerg|panic|alert|crit|err|error|warning|warn|notice|info|debug)\|([^\s|[\]]{1,64})\[[^\s|\]]{0,10}\]\|/;

const OPEN_BRACKET = 0x5b;

export const SECONDS: Prefix = {
  pattern: DMESG_SECONDS,
  mayStart: (text) => text.charCodeAt(0) === OPEN_BRACKET,
};

/** `[`, or the space, `-` or `(` before MediaTek's CPU. */
function mayStartContext(text: string): boolean {
  const first = text.charCodeAt(0);
  return first === OPEN_BRACKET || first === 0x20 || first === 0x28 || first === 0x2d;
}

/** Only right after a stamp (log-record.ts): alone, `[3701:11_see]` may be the message's own text. */
export const CONTEXT: Prefix = { pattern: VENDOR_CONTEXT, mayStart: mayStartContext };

/** A severity's word, lower case, and the `|` after it, 3 to 7 letters on (`err|`, `warning|`). */
export function mayStartSeverityTemplate(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first < 0x61 || first > 0x7a) return false;
  for (let at = 3; at <= 7; at++) if (text.charCodeAt(at) === 0x7c) return true;
  return false;
}

export const SEVERITY: Prefix = { pattern: SEVERITY_TEMPLATE, mayStart: mayStartSeverityTemplate };
