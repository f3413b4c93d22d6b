/**
 * Texts near a real line, for the tests that hold a recognizer's one-match reading of the usual layout to its
 * plain reading: a few characters dropped from it, or inserted from those that matter to the reader.
 */
import fc from 'fast-check';

export function nearText(lines: readonly string[], inserts: readonly string[]): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat(), fc.boolean(), fc.constantFrom(...inserts));
  return fc.tuple(fc.constantFrom(...lines), fc.array(edit, { maxLength: 3 })).map(([line, edits]) =>
    edits.reduce((text, [at, drop, insert]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + (drop ? '' : insert) + text.slice(drop ? i + 1 : i);
    }, line),
  );
}
