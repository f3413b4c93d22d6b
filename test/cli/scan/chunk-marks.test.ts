import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkMarks, OOM_TEXT_MARKS } from '../../../cli/scan/chunk-marks.ts';
import { MAY_BE_RECOGNIZED, mayBeOomText } from '../../../shared/kernel-line.ts';
import { FRAME_OFFSET } from '../../../shared/kernel-lines/report-context.ts';

describe('OOM_TEXT_MARKS', () => {
  it("is mayBeOomText's search, its white space kept within a line, over a whole chunk", () => {
    expect(OOM_TEXT_MARKS.source).toBe(
      `${MAY_BE_RECOGNIZED.source.replace('\\s', '[^\\S\\n]')}|${FRAME_OFFSET.replace('+', '\\+')}`,
    );
    expect(OOM_TEXT_MARKS.flags).toBe(`g${MAY_BE_RECOGNIZED.flags}`);
  });
});

describe('ChunkMarks', () => {
  const fragment = fc.oneof(
    fc.constantFrom('oom', 'omm: ', 'OoM', 'memory', 'KILL', 'uset=', 'k in ', 'sage ', 'gid ', 'suppressed'),
    fc.constantFrom(']', ' ', '\t', '\r', '\u00a0', '-', '7', '+0x', '+0', 'x', '\u001b', '\u001b[1m', 'é'),
    fc.string({ maxLength: 6 }),
  );
  const line = fc.array(fragment, { maxLength: 6 }).map((parts) => parts.join('').replaceAll('\n', ''));

  // The search is case-insensitive throughout: it also marks `+0X`, which mayBeOomText does not look for.
  it('marks the lines that hold what mayBeOomText finds or a colour code, and no others; tells what marks them', () => {
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 12 }),
        fc.string({ maxLength: 5 }),
        (lines, head) => {
          const from = head.length + 1;
          const text = `${head.replaceAll('\n', '')}\n${lines.join('\n')}\n`;
          const marks = new ChunkMarks();
          marks.find(text, from, text.length);
          let start = from;
          for (const l of lines) {
            const expected = mayBeOomText(l) || l.includes('\u001b') || l.includes('+0X');
            const marked = marks.within(start, start + l.length);
            expect({ line: l, marked }).toEqual({ line: l, marked: expected });
            // Marked by a colour code, else by a call trace's `+0x` alone, else by other text.
            const frameOnly = !MAY_BE_RECOGNIZED.test(l) && !l.includes('+0X');
            const kind = l.includes('\u001b') ? 'escape' : frameOnly ? 'frame' : 'text';
            if (marked) {
              expect({ line: l, kind: marks.kindWithin(text, start + l.length) }).toEqual({ line: l, kind });
            }
            start += l.length + 1;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
