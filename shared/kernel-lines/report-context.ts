/**
 * Report lines that carry no facts we use but are part of an OOM report, every kernel: call-trace frames
 * (they name oom functions), `Tasks state (memory values in pages):` and
 * `Out of memory and no killable processes…`. No marker finds them: the table tries them after every
 * recognizer.
 */

export interface ContextLine {
  kind: 'context';
}

export const CALL_TRACE_FRAME =
  /^(?:\[<[0-9a-f]+>\] )?(?:\? )?[A-Za-z0-9_.$]+\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[[^\]]*\])?$/;
/** All that a call-trace frame (CALL_TRACE_FRAME) surely holds; the other report context lines hold `memory`. */
export const FRAME_OFFSET = '+0x';

export function isReportContext(text: string): boolean {
  return (
    CALL_TRACE_FRAME.test(text) ||
    text === 'Tasks state (memory values in pages):' ||
    text.startsWith('Out of memory and no killable processes')
  );
}
