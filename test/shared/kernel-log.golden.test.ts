import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKernelLog } from '../../shared/kernel-log.ts';

const dir = join(import.meta.dirname, '../fixtures/kernel-logs');
const logs = readdirSync(dir).filter((f) => f.endsWith('.log'));

// Goldens are reviewed as diffs: UPDATE_GOLDEN=1 rewrites them.
describe('golden output of every real kernel log', () => {
  it.each(logs)('%s', (file) => {
    const parsed = parseKernelLog(readFileSync(join(dir, file), 'utf8'), { file });
    const actual = `${JSON.stringify({ events: parsed.events, drift: parsed.drift }, null, 2)}\n`;
    const goldenPath = join(dir, file.replace(/\.log$/, '.golden.json'));
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(goldenPath, actual);
    expect(actual).toBe(readFileSync(goldenPath, 'utf8'));
  });
});
