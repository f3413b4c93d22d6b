import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKernelLine, RECOGNIZERS } from '../../shared/kernel-line.ts';

// Each recognizer's real lines are in ./kernel-lines/<name>.test.ts, beside its source in shared/kernel-lines/.
const ROOT = join(import.meta.dirname, '../..');

describe('the table of recognizers', () => {
  it('has one file and one test file of real lines for every recognizer', () => {
    const missing = RECOGNIZERS.map((r) => r.name).filter(
      (name) =>
        !existsSync(join(ROOT, `shared/kernel-lines/${name}.ts`)) ||
        !existsSync(join(ROOT, `test/shared/kernel-lines/${name}.test.ts`)),
    );
    expect(missing).toEqual([]);
  });
});

describe('parseKernelLine outside the table', () => {
  it('says "not an OOM line" for unrelated kernel text', () => {
    expect(
      parseKernelLine('EXT4-fs (vda): mounted filesystem r/w without journal. Quota mode: none.'),
    ).toEqual({ kind: 'not-oom' });
    expect(parseKernelLine('idle-reclaim (80): drop_caches: 1')).toEqual({ kind: 'not-oom' });
  });

  it('reports OOM-looking text that no recognizer reads, for format drift', () => {
    const result = parseKernelLine('Memory cgroup out of memory: Slaughtered process 12 (x) total-vm:1kB');
    expect(result).toEqual({ kind: 'unrecognised', reason: expect.stringContaining('no recognizer') });
  });
});
