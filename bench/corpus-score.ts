/**
 * Issue 10's score on the corpus of real reports (test/fixtures/kernel-logs/corpus): of the fields the samples'
 * `.expected.json` make certain, how many parseKernelLog gets right; how many expected kills it misses; how many
 * it invents. `node bench/corpus-score.ts` (Node 24, as the npm scripts run it) prints the figures against the goals
 * (≥ 99% of fields, 0 missed, 0 invented) and the samples that fall short; `--verbose` adds each wrong field.
 * `npm run bench` runs it too. Not a test: test/shared/kernel-log.corpus.test.ts asserts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseKernelLog } from '../shared/kernel-log.ts';

const CORPUS = join(import.meta.dirname, '../test/fixtures/kernel-logs/corpus');

type Expected = Record<string, unknown>;

interface Leaf {
  path: string[];
  value: unknown;
}

interface SampleScore {
  file: string;
  fields: number;
  right: number;
  expectedKills: number;
  missed: number;
  invented: number;
  wrong: string[];
}

/** Each field of an expected event as a path and a value. An array is one field: coVictims is right as a whole. */
function leaves(value: unknown, path: string[] = []): Leaf[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, child]) => leaves(child, [...path, key]));
  }
  return [{ path, value }];
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * The parsed event each expected one is scored against: the one with its victim pid, else the next one not yet
 * taken (so a kill read with a wrong pid costs its fields, not a miss and an invention). Undefined: missed.
 */
function pairEvents(expected: readonly Expected[], parsed: readonly unknown[]): Array<number | undefined> {
  const taken = new Set<number>();
  return expected.map((event) => {
    const pid = valueAt(event, ['victim', 'pid']);
    let index = parsed.findIndex(
      (candidate, i) => !taken.has(i) && valueAt(candidate, ['victim', 'pid']) === pid,
    );
    if (pid === undefined || index === -1) index = parsed.findIndex((_, i) => !taken.has(i));
    if (index === -1) return undefined;
    taken.add(index);
    return index;
  });
}

function scoreSample(file: string): SampleScore {
  const expected = JSON.parse(
    readFileSync(join(CORPUS, file.replace(/\.log$/, '.expected.json')), 'utf8'),
  ) as Expected[];
  const parsed = parseKernelLog(readFileSync(join(CORPUS, file), 'utf8'), { file }).events;
  const pairs = pairEvents(expected, parsed);
  const score: SampleScore = {
    file,
    fields: 0,
    right: 0,
    expectedKills: expected.length,
    missed: pairs.filter((index) => index === undefined).length,
    invented: parsed.length - pairs.filter((index) => index !== undefined).length,
    wrong: [],
  };
  expected.forEach((event, i) => {
    const index = pairs[i];
    const actual = index === undefined ? undefined : parsed[index];
    for (const leaf of leaves(event)) {
      score.fields++;
      const got = valueAt(actual, leaf.path);
      if (actual !== undefined && isDeepStrictEqual(got, leaf.value)) score.right++;
      else if (actual !== undefined) {
        score.wrong.push(
          `event ${i} ${leaf.path.join('.')}: ${JSON.stringify(leaf.value)}, got ${JSON.stringify(got)}`,
        );
      }
    }
    if (actual === undefined) score.wrong.push(`event ${i}: missed`);
  });
  return score;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '100.0%' : `${((100 * part) / whole).toFixed(1)}%`;
}

const verbose = process.argv.includes('--verbose');
const samples = readdirSync(CORPUS)
  .filter((file) => file.endsWith('.log'))
  .sort()
  .map(scoreSample);
const total = (key: 'fields' | 'right' | 'expectedKills' | 'missed' | 'invented'): number =>
  samples.reduce((sum, sample) => sum + sample[key], 0);

const met = (ok: boolean): string => (ok ? 'met' : 'missed');
const rightShare = total('fields') === 0 ? 1 : total('right') / total('fields');
process.stdout.write(
  [
    `corpus: ${samples.length} samples, ${total('expectedKills')} expected kills`,
    `fields right: ${total('right')} / ${total('fields')} (${percent(total('right'), total('fields'))}; goal ≥ 99%: ${met(rightShare >= 0.99)})`,
    `kills missed: ${total('missed')} of ${total('expectedKills')} (goal 0: ${met(total('missed') === 0)})`,
    `kills invented: ${total('invented')} (goal 0: ${met(total('invented') === 0)})`,
    '',
  ].join('\n'),
);
for (const sample of samples.filter((s) => s.right < s.fields || s.invented > 0)) {
  process.stdout.write(
    `${sample.file}: ${sample.right}/${sample.fields} fields, ${sample.missed} missed, ${sample.invented} invented\n`,
  );
  if (verbose) for (const line of sample.wrong) process.stdout.write(`  ${line}\n`);
}
