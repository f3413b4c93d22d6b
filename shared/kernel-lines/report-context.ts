/**
 * Report lines that carry no facts we use but are part of an OOM report, every kernel: call-trace frames
 * of every unwinder (they name oom functions), register lines that name one, `Tasks state (memory values in
 * pages):`, `Out of memory and no killable processes…` and a fault's `Huh VM_FAULT_OOM leaked out…`. No marker
 * finds them: the table tries them after every recognizer.
 */

export interface ContextLine {
  kind: 'context';
}

/**
 * A frame as each unwinder prints it: `[<addr>] ` (older x86, s390, MIPS, RISC-V, LoongArch) or powerpc's
 * `[sp] [addr] `, then `? sym+0x…/0x… [module]`, with arm64's unwind source (`(C)`, 6.13+) or powerpc's
 * `(unreliable)` after it; or ARM32's `[<addr>] (sym) from [<addr>] (sym+0x…/0x…)` (the caller with an offset
 * before 4.x; some Android logs lose the first address; a BeagleBone 3.12 prints no space after each address:
 * `[<c05ba42c>](dump_header.isra.8+0x78/0x17c) from [<c00b5e00>](oom_kill_process+0x6c/0x360)`) and, since 5.x
 * without CONFIG_BACKTRACE_VERBOSE, `sym from sym+0x…/0x…`. sysklogd's klogd writes the `[<addr>]` as the symbol it
 * looked up, a module's name before it where it found one: `[sg:__alloc_pages+0x36c/0x3a0] __alloc_pages+0x36c/0x3a0`.
 */
export const CALL_TRACE_FRAME =
  /^(?:(?:\[<[0-9a-f]+>\] |\[[0-9a-f]+\] \[[0-9a-f]+\] |\[(?:\w+:)?[A-Za-z0-9_.$]+\+0x[0-9a-f]+\/0x[0-9a-f]+\] )?(?:\? )?[A-Za-z0-9_.$]+\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[[^\]]*\])?(?: \((?:[A-Z]{1,3}|unreliable)\))?|(?:\[<[0-9a-f]+>\] ?)?\([A-Za-z0-9_.$]+(?:\+0x[0-9a-f]+\/0x[0-9a-f]+)?(?: \[[^\]]*\])?\) from \[<[0-9a-f]+>\] ?\([A-Za-z0-9_.$]+\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[[^\]]*\])?\)|[A-Za-z0-9_.$]+(?: \[[^\]]*\])? from [A-Za-z0-9_.$]+\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[[^\]]*\])?)$/;
/**
 * The commonest frame alone, blanks around it: `? sym+0x…/0x…`, no address, module or unwind source. Nothing in it but
 * a symbol's characters, `+`, `/` and `? `: no recognizer's marker or start fits in that (each holds a space after a
 * word, a colon, `=`, a dash or a bracket; test/shared/kernel-line.test.ts holds the table to it), so it is report
 * context whatever the recognizers say, and parseKernelLine tells it without asking them.
 */
const PLAIN_FRAME = /^\s*(?:\? )?[A-Za-z0-9_.$]+\+0x[0-9a-f]+\/0x[0-9a-f]+\s*$/;

/** Whether the text, blanks around it, is a plain frame (PLAIN_FRAME): a subset of CALL_TRACE_FRAME's lines. */
export function isPlainFrame(text: string): boolean {
  // The offset first: the pattern reads a long run of a symbol's characters back and forth.
  return text.includes(FRAME_OFFSET) && PLAIN_FRAME.test(text);
}

/**
 * What any part of a PLAIN_FRAME line fits (and more): a recognizer whose marker, or each of whose starts, does not
 * fit it never reads one.
 */
export const PLAIN_FRAME_PIECE = /^\?? ?[A-Za-z0-9_.$+/]*$/;

/**
 * Half of an ARM32 frame that a mail or terminal wrap cut at ` from`, on a line of its own: the caller
 * `[<addr>] (sym[+0x…/0x…])`, its ` from` and the callee's address after it or not, or the callee
 * `from [<addr>] (sym+0x…/0x…)` (alone, `[<addr>] (sym+0x…/0x…)`, it has the caller's shape). Report context only
 * where it names an OOM function (isReportContext): elsewhere it stays what it was, `not-oom`, so that the
 * readers that set lines aside by CALL_TRACE_FRAME and FRAME_OFFSET read it alike.
 */
const ARM_FRAME_HALF =
  /^(?:\[<[0-9a-f]+>\] ?\([A-Za-z0-9_.$]+(?:\+0x[0-9a-f]+\/0x[0-9a-f]+)?(?: \[[^\]]*\])?\)(?: from(?: \[<[0-9a-f]+>\])?)?|from \[<[0-9a-f]+>\] ?\([A-Za-z0-9_.$]+\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[[^\]]*\])?\))$/;

/**
 * A register line that names where a CPU stopped, inside the OOM killer when a lockup, a stall or a warning hit
 * it: x86-64's `RIP: 0010:sym+0x…/0x…`, arm64's `pc : ` and `lr : `, powerpc's `NIP [addr] `, `LR [addr] `,
 * `--- Exception: 901 at ` and `    LR = `, MIPS's `epc   : addr ` and `ra    : addr `, ARM32's `PC is at ` and
 * `LR is at `, each then the symbol as `%pS` prints it. Report context only where it names an OOM function
 * (isReportContext), as ARM_FRAME_HALF.
 */
const REGISTER_LINE =
  /^(?:RIP: [0-9a-f]{4}:|(?:pc|lr) : |(?:NIP|LR) \[[0-9a-f]+\] |--- Exception: [0-9a-f]+ at |LR = |(?:epc|ra) +: [0-9a-f]+ |(?:PC|LR) is at )[A-Za-z0-9_.$]+\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[[^\]]*\])?$/;

/**
 * All that a call-trace frame (CALL_TRACE_FRAME) surely holds; the other report context lines hold `memory` or
 * `oom`.
 */
export const FRAME_OFFSET = '+0x';

/**
 * A frame that scripts/decode_stacktrace.sh symbolized, as syzbot, LKP and most LKML reports show it:
 * `? sym (path/file.c:NN[ path/file.h:NN…])`, the offset gone; or as syzbot printed it until 2019, the offset kept and
 * the source after it (`dump_header+0x27b/0xf72 mm/oom_kill.c:441`), an inlined function's without one
 * (`mem_cgroup_oom mm/memcontrol.c:1701 [inline]`). Report context only where it names OOM text (parseKernelLine):
 * without an offset it has no mark that sets it apart from other text.
 */
const DECODED_FRAME =
  /^(?:\? )?[A-Za-z0-9_.$]+(?: \([\w./-]+:\d+(?: [\w./-]+:\d+)*\)|(?:\+0x[0-9a-f]+\/0x[0-9a-f]+)? [\w/-][\w./-]*\.[chS]:\d+(?: \[inline\])?)$/;

/**
 * What a symbolized frame names where it is report context: `oom` (`__alloc_pages_may_oom`, `mm/oom_kill.c`), or
 * the OOM path's `out_of_memory` (`mem_cgroup_out_of_memory (mm/memcontrol.c:1701)`), whose CPU line it tells
 * (namesOomPath). Not `memory` or `kill` alone: `handle_mm_fault (mm/memory.c:5000)` and `__x64_sys_kill` are in
 * every other trace; nor are they drift, LOOKS_LIKE_OOM finding nothing in them. mayBeOomLine finds both names.
 */
const DECODED_OOM_NAME = /oom|out_of_memory/i;

/** A symbolized frame (DECODED_FRAME) that names OOM text: report context. */
export function isDecodedOomFrame(text: string): boolean {
  return DECODED_OOM_NAME.test(text) && DECODED_FRAME.test(text);
}

/**
 * mm/oom_kill.c's pagefault_out_of_memory() when a fault's VM_FAULT_OOM reached it with no OOM kill to wait for (no
 * killable task, a memcg's OOM handled elsewhere): `Huh VM_FAULT_OOM leaked out to the #PF handler. Retrying PF`.
 * No kill.
 */
const FAULT_LEAKED = 'Huh VM_FAULT_OOM leaked out';

export function isReportContext(text: string): boolean {
  return (
    CALL_TRACE_FRAME.test(text) ||
    (text.includes('oom') && (ARM_FRAME_HALF.test(text) || REGISTER_LINE.test(text))) ||
    text === 'Tasks state (memory values in pages):' ||
    text.startsWith('Out of memory and no killable processes') ||
    text.startsWith(FAULT_LEAKED)
  );
}
