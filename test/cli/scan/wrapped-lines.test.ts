import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WrappedLineJoiner } from '../../../cli/scan/wrapped-lines.ts';
import type { JoinedRecord } from '../../../cli/scan/wrapped-lines.ts';
import { joinWrappedLines } from '../../../shared/kernel-log.ts';

function joinStreaming(rawLines: readonly string[], widthSampleLines?: number): JoinedRecord[] {
  const joiner = new WrappedLineJoiner(widthSampleLines);
  const records: JoinedRecord[] = [];
  rawLines.forEach((raw, i) => records.push(...joiner.push(raw, i + 1)));
  records.push(...joiner.release());
  return records;
}

/** A terminal at `columns` wide cuts every longer line into pieces of exactly that many characters. */
function terminalWrap(lines: readonly string[], columns: number): string[] {
  return lines.flatMap((line) => {
    const pieces: string[] = [];
    for (let at = 0; at < line.length; at += columns) pieces.push(line.slice(at, at + columns));
    return pieces.length === 0 ? [''] : pieces;
  });
}

/** A mail client wraps at the last space before `columns`. */
function mailWrap(lines: readonly string[], columns: number): string[] {
  return lines.flatMap((line) => {
    const pieces: string[] = [];
    let rest = line;
    while (rest.length > columns) {
      const space = rest.lastIndexOf(' ', columns);
      const cut = space > 0 ? space : columns;
      pieces.push(rest.slice(0, cut));
      rest = rest.slice(cut).trimStart();
    }
    pieces.push(rest);
    return pieces;
  });
}

const DMESG = readFileSync('examples/kernel-6.18.dmesg.log', 'utf8').split('\n');
const SAMPLE_FILES = [
  'examples',
  'test/fixtures/real-kernel',
  'test/fixtures/cloudwatch-cli',
  'test/fixtures/tool-output',
].flatMap((dir) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.log') || name.endsWith('.jsonl'))
    .map((name) => join(dir, name)),
);

describe('WrappedLineJoiner', () => {
  it.each(SAMPLE_FILES)('agrees with joinWrappedLines on %s', (file) => {
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(joinStreaming(lines)).toEqual(
      joinWrappedLines(lines).map((r) => ({ entry: r.entry, lineNo: r.lineNo })),
    );
  });

  it.each([80, 120])(
    'agrees with joinWrappedLines on a dmesg pasted from a %i-column terminal',
    (columns) => {
      const pasted = terminalWrap(DMESG, columns);
      // Past the lines held to learn the widest, the widest so far is the terminal's width too.
      const joined = joinStreaming(pasted, 3);
      expect(joined).toEqual(joinWrappedLines(pasted).map((r) => ({ entry: r.entry, lineNo: r.lineNo })));
      // The kill line is whole again, cut words and all.
      expect(joined.map((r) => r.entry.text)).toContain(
        'Memory cgroup out of memory: Killed process 2874 (python3) total-vm:75160kB, anon-rss:65152kB, file-rss:6648kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0',
      );
    },
  );

  it('agrees with joinWrappedLines on a dmesg wrapped by a mail client at spaces', () => {
    const pasted = mailWrap(DMESG, 72);
    const joined = joinStreaming(pasted);
    expect(joined).toEqual(joinWrappedLines(pasted).map((r) => ({ entry: r.entry, lineNo: r.lineNo })));
    expect(joined.map((r) => r.entry.text)).toContain(
      'Memory cgroup out of memory: Killed process 2874 (python3) total-vm:75160kB, anon-rss:65152kB, file-rss:6648kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0',
    );
  });

  it('does not join across a release (a followed input that went quiet)', () => {
    const joiner = new WrappedLineJoiner();
    expect(joiner.push('[  10.000001] first line', 1)).toEqual([]);
    expect(joiner.release().map((r) => r.entry.text)).toEqual(['first line']);
    expect(joiner.push('continued?', 2)).toEqual([]);
    expect(joiner.release().map((r) => [r.entry.text, r.lineNo])).toEqual([['continued?', 2]]);
  });
});
