/**
 * Where OOM text may be in a decoded chunk of a log: one search over the whole chunk instead of one per line,
 * while the chunk is still in the CPU's cache. A line that holds no mark holds nothing that mayBeOomText
 * (shared/kernel-line.ts) finds, in whatever part of it its record's message is, and no colour code (which
 * may hide OOM text, and which the envelope reader takes off first).
 */

/**
 * MAY_BE_RECOGNIZED of shared/kernel-line.ts, its white space kept from crossing a line end, then
 * FRAME_OFFSET; global, to search a whole chunk. Within a line it finds what they find.
 * test/cli/scan/chunk-marks.test.ts checks that it is made of those.
 */
export const OOM_TEXT_MARKS =
  /oom|omm:[ \t\u00a0]|memory|kill|uset=|k[ \t\u00a0]+in[ \t\u00a0]|sage[ \t\u00a0]|gid[ \t\u00a0]|suppressed|\][^\S\n]+-?\d|\+0x/gi;
/** Starts a colour code. Searched apart: in OOM_TEXT_MARKS it would make that search twice as slow. */
const ESCAPE = '\u001b';

/**
 * The places in a chunk where marks end, in order, and where the line that holds each ends: asked line by
 * line, in order. Reused from chunk to chunk.
 */
export class ChunkMarks {
  /** The last character of each mark (a mark lies within one line). */
  private readonly places: number[] = [];
  private next = 0;

  /** Finds the marks in `text[from, to)`; `within` then walks them. */
  find(text: string, from: number, to: number): void {
    const places = this.places;
    places.length = 0;
    this.next = 0;
    OOM_TEXT_MARKS.lastIndex = from;
    while (OOM_TEXT_MARKS.test(text) && OOM_TEXT_MARKS.lastIndex <= to)
      places.push(OOM_TEXT_MARKS.lastIndex - 1);
    const marks = places.length;
    for (let at = text.indexOf(ESCAPE, from); at >= 0 && at < to; at = text.indexOf(ESCAPE, at + 1)) {
      places.push(at);
    }
    // Escapes are rare: the two lists are merged only when there are some.
    if (places.length > marks) places.sort((a, b) => a - b);
  }

  /** Whether a mark lies in `[start, end)`; asked of lines in order, so the marks before `start` are passed. */
  within(start: number, end: number): boolean {
    const places = this.places;
    while (this.next < places.length && (places[this.next] as number) < start) this.next++;
    return this.next < places.length && (places[this.next] as number) < end;
  }

  /**
   * What the marks in the line ending at `end` are, asked after `within`: `frame` when each is a call trace's
   * `+0x` (FRAME_OFFSET as it is, not `+0X`), `escape` when one is a colour code, else `text`. No other mark
   * starts with `0` or `x`, and none ends inside a `+0x`, so the search, which does not look again inside what
   * it found, hides none behind one.
   */
  kindWithin(text: string, end: number): MarkKind {
    const places = this.places;
    let kind: MarkKind = 'frame';
    for (let i = this.next; i < places.length; i++) {
      const at = places[i] as number;
      if (at >= end) break;
      if (text.charCodeAt(at) === ESCAPE_CODE) return 'escape';
      if (!isFrameOffsetEnd(text, at)) kind = 'text';
    }
    return kind;
  }
}

export type MarkKind = 'frame' | 'text' | 'escape';

const ESCAPE_CODE = 0x1b;
const PLUS = 0x2b;
const ZERO = 0x30;
const LOWER_X = 0x78;

function isFrameOffsetEnd(text: string, at: number): boolean {
  return (
    text.charCodeAt(at) === LOWER_X && text.charCodeAt(at - 1) === ZERO && text.charCodeAt(at - 2) === PLUS
  );
}
