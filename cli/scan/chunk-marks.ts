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
export const OOM_TEXT_MARKS = /oom|memory|kill|uset=|k in |sage |gid |pu: |suppressed|\][^\S\n]+-?\d|\+0x/gi;
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
}
