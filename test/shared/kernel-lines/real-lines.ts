/**
 * The real kernel lines a recognizer was written for. Each is read through the whole table (parseKernelLine),
 * because order matters: it must come back as this recognizer's line, not a neighbour's.
 *
 * Every line is real kernel output as printed (only the envelope removed), except where the source says
 * "kernel format": those were printed from the kernel's own format string in the file named.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KernelLine } from '../../../shared/kernel-line.ts';
import { parseKernelLine } from '../../../shared/kernel-line.ts';

export interface RealLine<Kind extends KernelLine['kind']> {
  /** Where the line was printed: a file in this repo (path first), a public bug report, or the kernel's format string. */
  source: string;
  line: string;
  truncated?: boolean;
  expected: Partial<Extract<KernelLine, { kind: Kind }>>;
}

const ROOT = join(import.meta.dirname, '../../..');
const REPO_FILE = /^(?:test\/fixtures|examples)\/\S+/;

export function describeRealLines<Kind extends KernelLine['kind']>(
  kind: Kind,
  lines: readonly RealLine<Kind>[],
): void {
  describe(`${kind}: the real lines it was written for`, () => {
    it('has at least one', () => {
      expect(lines.length).toBeGreaterThan(0);
    });

    it.each(lines.map((c) => [c.source, c] as const))('%s', (_source, c) => {
      const expected: Record<string, unknown> = { kind, ...c.expected };
      const result = parseKernelLine(c.line, c.truncated ?? false);
      expect(result).toEqual({ kind: 'line', line: expect.objectContaining(expected) });
    });

    it('finds each line in the repo file its source names', () => {
      const named = lines.flatMap((c) => {
        const path = REPO_FILE.exec(c.source)?.[0];
        return path === undefined ? [] : [{ path, line: c.line.trim() }];
      });
      for (const { path, line } of named) expect(readFileSync(join(ROOT, path), 'utf8')).toContain(line);
    });
  });
}
