/**
 * Issue 10's corpus: real kernel OOM reports of every vintage, gathered from public bug trackers, mailing lists,
 * vendor docs and blog posts (../fixtures/kernel-logs/corpus/README.md gives each one's source). Each sample's
 * `.expected.json` lists, in order, the events parseKernelLog must give, with only the fields its text makes
 * certain: an event passes when it holds them all (toMatchObject), and no event may be missing or added.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKernelLog } from '../../shared/kernel-log.ts';

const dir = join(import.meta.dirname, '../fixtures/kernel-logs/corpus');
const samples = readdirSync(dir)
  .filter((file) => file.endsWith('.log'))
  .sort();

function expectedEvents(file: string): Array<Record<string, unknown>> {
  const text = readFileSync(join(dir, file.replace(/\.log$/, '.expected.json')), 'utf8');
  return JSON.parse(text) as Array<Record<string, unknown>>;
}

describe('real kernel reports of every vintage (issue 10 corpus)', () => {
  for (const file of samples) {
    it(file, () => {
      const expected = expectedEvents(file);
      const { events } = parseKernelLog(readFileSync(join(dir, file), 'utf8'), { file });
      expected.forEach((event, i) => expect(events[i], `event ${i}`).toMatchObject(event));
      expect(events).toHaveLength(expected.length);
    });
  }
});
