/**
 * Report header, every kernel:
 * `<comm> invoked oom-killer: gfp_mask=…, [nodemask=…,] order=N, [oom_adj=N,] oom_score_adj=N`.
 */
import { COMM_MAX, digitsEnd, toInt } from './message-fields.ts';
import { startsWithPlaceholder } from './placeholder.ts';
import type { Recognizer } from './recognizer.ts';

export interface InvokedLine {
  kind: 'invoked';
  /** Null where the comm printed as blanks (2.6.24: `   invoked oom-killer: …`, the line's blanks then taken off). */
  name: string | null;
  gfpMask: string | null;
  order: number | null;
  oomScoreAdj: number | null;
  /**
   * Set on a header cut before its colon whose comm holds spaces (`C2 CompilerThre invoked oom-killer`, a JVM thread):
   * a comm, or a writer's sentence (`The kernel invoked oom-killer`). The assembler takes it for a header only from a
   * record with an envelope, whose text is the kernel's.
   */
  spacedCutName?: true;
}

/**
 * Whether a recognized line is a cut header whose name holds spaces (spacedCutName) in text with no envelope: a
 * writer's sentence (`The kernel invoked oom-killer`), as far as anyone can tell, not the kernel's line.
 */
export function isSentenceLikeHeader(
  line: { kind: string; spacedCutName?: true },
  enveloped: boolean,
): boolean {
  return line.kind === 'invoked' && line.spacedCutName === true && !enveloped;
}

const INVOKED = ' invoked oom-killer';
/** The header with its comm's blanks taken off with the line's: 2.6.24 printed a comm of blanks (`Pid: 6575, comm:    `). */
const NAMELESS = 'invoked oom-killer:';
const COLON = 0x3a;
const SPACE = 0x20;

/**
 * What an author leaves after a header cut before its colon (`python invoked oom-killer`, `… oom-killer ...`): nothing,
 * or an ellipsis.
 */
const CUT_BEFORE_COLON = /^ ?(?:\.{3}|…)?$/;
/**
 * An author's ellipsis for the colon and the first fields, then the fields kept (`node invoked oom-killer ...
 * order=0`, a Korean incident digest): each a key of the header and its value.
 */
const ELIDED_TO_FIELDS = /^ (?:\.{3}|…)((?: (?:gfp_mask|nodemask|order|oom_adj|oom_score_adj)=[^\s,=]+,?)+)$/;
/** A comm of one word: a header cut before its colon whose name has spaces may be a writer's sentence (spacedCutName). */
const ONE_WORD = /^\S+$/;
/** A comm of several words: at most TASK_COMM_LEN - 1 (15) characters, a word at each end. */
const SPACED_COMM = /^\S(?:[^\t\n]{0,13}\S)?$/;

/**
 * The fields as kernels print them, when no value holds `,`, `=` or a space: read by one match, as the parts would
 * be.
 */
const USUAL_FIELDS =
  /^gfp_mask=([^,=\s]*), (?:nodemask=[^,=\s]*, )?order=(-?\d+), (?:oom_adj=-?\d+, )?oom_score_adj=(-?\d+)$/;

type InvokedFields = Pick<InvokedLine, 'gfpMask' | 'order' | 'oomScoreAdj'>;

/**
 * The fields the plain way, `key=value` part by part (a key printed twice counts as its last): what reading the
 * usual layout at once is held to (its test).
 */
export function fieldsByPart(fields: string): InvokedFields {
  let gfpMask: string | undefined;
  let order: string | undefined;
  let oomScoreAdj: string | undefined;
  // Parts split at spaces, their commas dropped: an author's `...` in place of some (`... oom_score_adj=944`).
  let previous = '';
  for (const spaced of fields.split(' ')) {
    const split = spaced.endsWith(',') ? spaced.slice(0, -1) : spaced;
    const before = previous;
    previous = split;
    // A key a wrap split and that was joined with a space (`oom_score_ad j=0`): a name, then a part, that make it.
    const rejoined = NAME_ONLY.test(before) && !isKnownKey(split) && isKnownKey(before + split);
    const part = rejoined ? before + split : split;
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const value = part.slice(eq + 1);
    if (isKey(part, eq, 'gfp_mask')) gfpMask = value;
    else if (isKey(part, eq, 'order')) order = value;
    else if (isKey(part, eq, 'oom_score_adj')) oomScoreAdj = value;
  }
  return {
    gfpMask: withoutElision(gfpMask ?? null),
    order: toInt(order),
    oomScoreAdj: lastFieldInt(oomScoreAdj),
  };
}

/**
 * What may follow the header's last number, glued on: a record or an author's `[...]`
 * (`oom_score_adj=0[...][1880957.563400] Out of memory: …`, Gregg's "60 s" article with its records glued), a program
 * literal's escape or quote (`oom_score_adj=0\n,` in a Python fixture's literals), a level mark or tag (`<4>`). Not a
 * digit, a letter, `.` or `-`: part of another number.
 */
const GLUED_AFTER_NUMBER = /^[[\\<"']/;

/** oom_score_adj's value: a whole number, or one with a record or a literal glued after it (GLUED_AFTER_NUMBER). */
function lastFieldInt(value: string | undefined): number | null {
  if (value === undefined) return null;
  const end = digitsEnd(value, 0);
  if (end === value.length || !GLUED_AFTER_NUMBER.test(value.slice(end, end + 1))) return toInt(value);
  return toInt(value.slice(0, end));
}

/** Whether the part's key, before the `=` at `eq`, is `key`. */
function isKey(part: string, eq: number, key: string): boolean {
  return eq === key.length && part.startsWith(key);
}

const KEYS = ['gfp_mask', 'nodemask', 'order', 'oom_adj', 'oom_score_adj'];

/** A part that is a name alone: what a wrap inside a key leaves before the space it was joined with. */
const NAME_ONLY = /^[a-z_]+$/;

/** Whether the part is `key=…` for a key of the header. */
function isKnownKey(part: string): boolean {
  const eq = part.indexOf('=');
  return eq > 0 && KEYS.some((key) => isKey(part, eq, key));
}

/** What a placeholder starts or holds: a line without any of them is no template. */
const PLACEHOLDER_SIGN = /[%{<]/;

/**
 * Whether a value of the line holds a program's placeholder (`gfp_mask=0xcc0({flags})` in a Rust `format!`, the
 * kernel's own `gfp_mask=%#x(%pGg)`): the line is a template, no header, and names no trigger.
 */
function holdsTemplateValue(fields: string): boolean {
  if (!PLACEHOLDER_SIGN.test(fields)) return false;
  for (const part of fields.split(' ')) {
    if (isKnownKey(part) && startsWithPlaceholder(part.slice(part.indexOf('=') + 1))) return true;
  }
  return false;
}

/** What a word (of any script) or a figure starts with: no kernel prints one right after the colon. */
const WORD_FIRST = /^[\p{L}\p{N}]/u;
/** A header's key first (every kernel, 2.6 to 6.x, prints `gfp_mask=` there; 2.6's keys and a reorder too). */
const KEY_FIRST = /^[a-z_]+=/;
const FIRST_KEY = 'gfp_mask=';
/** The letters and underscores a text starts with: a key's name, or what a cut left of it. */
const LEADING_NAME = /^[a-z_]*/;
/** The kernel's next line, glued on to a header cut at its colon: the CPU line (3.10+), 2.6's `Pid:`, the cpuset line. */
const NEXT_LINE_FIRST = /^(?:CPU: |Pid: |\S{1,64} cpuset=)/;

/**
 * Whether the text after the colon is a writer's words, not the header's fields: it starts with a word that is no
 * key, no start of `gfp_mask=` a cut left with a mark or nothing after it (`gfp_m…`, `gfp_mask...`; not a word
 * the writer goes on from: `gfp_mask is …`; nor split by a wrap joined with a space: `gfp_m ask=`), and not the kernel's
 * next line glued on, as an explanation quoting the header does (`kswapd0 invoked oom-killer: 由谁触发的 OOM Killer`).
 * A paste's mark there (`...`, a quote) is no word.
 */
export function isWritersText(fields: string): boolean {
  const rest = fields.trimStart();
  if (!WORD_FIRST.test(rest) || KEY_FIRST.test(rest) || NEXT_LINE_FIRST.test(rest)) return false;
  const name = LEADING_NAME.exec(rest)?.[0] ?? '';
  const cutInKey = name !== '' && FIRST_KEY.startsWith(name) && !/\s/.test(rest.charAt(name.length));
  return !cutInKey && !isSplitFirstKey(rest, name);
}

/** Whether the text starts with `gfp_mask=` that a wrap split at `name`'s end, joined with a space (`gfp_m ask=`). */
function isSplitFirstKey(rest: string, name: string): boolean {
  return (
    rest.charAt(name.length) === ' ' && name + rest.slice(name.length + 1, FIRST_KEY.length + 1) === FIRST_KEY
  );
}

export const invokedLine: Recognizer<InvokedLine> = {
  name: 'invoked',
  marker: 'invoked oom-killer',
  read(text) {
    const nameless = text.startsWith(NAMELESS);
    const at = nameless ? 0 : text.indexOf(INVOKED);
    if (at <= 0 && !nameless) return null;
    const end = nameless ? NAMELESS.length - 1 : at + INVOKED.length;
    if (text.charCodeAt(end) !== COLON) return cutBeforeColon(text, at, end);
    // The kernel prints a space after the colon; an author's copy may have lost it (`oom-killer:gfp_mask=0xd0, …`).
    const fields = text.slice(text.charCodeAt(end + 1) === SPACE ? end + 2 : end + 1);
    const usual = USUAL_FIELDS.exec(fields);
    // A writer's text quoting the header names no trigger: it must not end or replace the report it is about. (The
    // usual fields start with a key: no writer's text.)
    if ((usual === null && isWritersText(fields)) || holdsTemplateValue(fields)) return null;
    const { gfpMask, order, oomScoreAdj } =
      usual === null
        ? fieldsByPart(fields)
        : {
            gfpMask: withoutElision(usual[1] as string),
            order: Number(usual[2]),
            oomScoreAdj: Number(usual[3]),
          };
    return {
      kind: 'invoked',
      name: nameless ? null : commOf(text.slice(0, at)),
      gfpMask,
      order,
      oomScoreAdj,
    };
  },
};

/** What a query's format or a collector puts between its own label and each record (`{{.node}} - {{.MESSAGE}}`). */
const LABEL_SEPARATOR = ' - ';
/** A kernel syslog record's host and tag, the comm after them: `ldn-risk-prod04 kernel: mdreplay`. */
const KERNEL_TAG = ' kernel: ';

/**
 * The comm before ` invoked oom-killer`: a name longer than a comm's 15 bytes that holds a label's separator is a
 * label and the comm (`ip-10-0-204-71 - kube-state-metr`, a LogQL guide's `line_format "{{.node}} - {{.MESSAGE}}"`),
 * or that holds a kernel syslog tag is text and a record's host and tag before the comm (a program's concatenation
 * of a stamp it makes and a literal: `W.syslogStamp(ago(2400)) + ' ldn-risk-prod04 kernel: mdreplay invoked
 * oom-killer: …`, seventy-sixth red team B/06): the comm is what follows the last of them. An escaped UTF-8 comm
 * (`\xe4\xb8…`) is longer and holds neither.
 */
function commOf(name: string): string {
  if (name.length <= COMM_MAX) return name;
  return commAfter(name, LABEL_SEPARATOR) ?? commAfter(name, KERNEL_TAG) ?? name;
}

/** What follows the last `mark` in the name, when that is a comm (not empty, at most 15 bytes); else null. */
function commAfter(name: string, mark: string): string | null {
  const at = name.lastIndexOf(mark);
  const comm = at < 0 ? '' : name.slice(at + mark.length);
  return comm !== '' && comm.length <= COMM_MAX ? comm : null;
}

/** An author's ellipsis, which the kernel never prints in a gfp mask. */
const ELLIPSIS = /\.{3}|…/;
/** The mask's hex before its flags, where an author elided some or all of them (`0x140cca(...)`, `0xcc0(GFP_KERNEL|…)`). */
const HEX_BEFORE_ELIDED_FLAGS = /^(0x[0-9a-fA-F]{1,16})\(/;

/**
 * The gfp mask as the kernel printed it, as far as an author's ellipsis or a cut left it: the hex alone where the flags
 * were elided or cut short (the kernel closes their parenthesis: `0x140dca(GFP_HIGHUSER_MOVABLE|_0` is a line cut
 * inside them), null where the hex was elided (`0x...`).
 */
function withoutElision(gfpMask: string | null): string | null {
  if (gfpMask === null || !(ELLIPSIS.test(gfpMask) || flagsCutShort(gfpMask))) return gfpMask;
  const hex = HEX_BEFORE_ELIDED_FLAGS.exec(gfpMask);
  return hex === null || ELLIPSIS.test(hex[1] as string) ? null : (hex[1] as string);
}

/** Whether the mask's flags open and do not close: `%#x(%pGg)` cut inside the flags. */
function flagsCutShort(gfpMask: string): boolean {
  const open = gfpMask.indexOf('(');
  return open >= 0 && gfpMask.indexOf(')', open) < 0;
}

/**
 * A header an author cut before its colon, the fields gone (`rig-6600c kernel: python invoked oom-killer`): the
 * trigger's name alone (and the fields an author kept after an ellipsis), when nothing but an ellipsis follows, and it
 * is one word, or a comm's length with spaces (spacedCutName). Else null.
 */
function cutBeforeColon(text: string, at: number, end: number): InvokedLine | null {
  const name = text.slice(0, at);
  const rest = text.slice(end);
  const kept = ELIDED_TO_FIELDS.exec(rest);
  if (kept === null && !CUT_BEFORE_COLON.test(rest)) return null;
  const fields =
    kept === null ? { gfpMask: null, order: null, oomScoreAdj: null } : fieldsByPart(kept[1] as string);
  const line: InvokedLine = { kind: 'invoked', name, ...fields };
  if (ONE_WORD.test(name)) return line;
  return SPACED_COMM.test(name) ? { ...line, spacedCutName: true } : null;
}
