/**
 * The subscription filter decides what the parse function ever sees: a line of a report that names a kill, its
 * victim or its cgroup and matches no term is lost to the Lambda path (scan and backfill read every line).
 * Every such line of every real report in the repo must match a term.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type KernelLine,
  parseKernelLine,
  withFirstLetterRetyped,
  withOneSpaces,
} from '../../shared/kernel-line.ts';
import { readLogRecord } from '../../shared/log-record.ts';
import { FORWARDED_TERMS, KERNEL_OOM_FILTER_PATTERN } from '../../shared/subscription-pattern.ts';

/** Lines that carry no fact the event needs, or whose facts the parse function fetches around the kill. */
const NOT_FORWARDED: ReadonlySet<KernelLine['kind']> = new Set(['context', 'cpu', 'task-header', 'task-row']);

const fixtures = join(import.meta.dirname, '../fixtures/kernel-logs');
const logs = [fixtures, join(fixtures, 'corpus')].flatMap((dir) =>
  readdirSync(dir)
    .filter((file) => file.endsWith('.log'))
    .map((file) => join(dir, file)),
);

function forwarded(text: string): boolean {
  return FORWARDED_TERMS.some((term) => text.includes(term));
}

/** Each recognized line of the file that should be forwarded and is not, with its kind. */
function unforwardedFactLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((raw) => {
      const entry = readLogRecord(raw);
      // A web page's source (`Killed&nbsp;process`) is no collector's record: the subscription never sees one.
      if (entry === null || raw.includes('&nbsp;')) return [];
      const result = parseKernelLine(entry.text);
      if (result.kind !== 'line' || NOT_FORWARDED.has(result.line.kind)) return [];
      const { kind } = result.line;
      // The counters other than memory's and swap's (kmem, tcp) add nothing the event holds.
      if (kind === 'counter' && !/^(?:memory|swap): /.test(entry.text)) return [];
      // A forum's reflow that doubled the spaces inside the kernel's words (`Killed  process`, corpus 271), or a
      // line whose first letter a paste's wrap or an author left in the other case (`killed process …`, corpus
      // 92's rest of a wrapped line): no collector writes it, and the terms are there as the kernel prints them.
      const kernels = withOneSpaces(raw);
      const retyped = withFirstLetterRetyped(entry.text) ?? '';
      return forwarded(raw) || forwarded(kernels) || forwarded(retyped) ? [] : [`${kind}: ${entry.text}`];
    });
}

describe('the subscription filter', () => {
  it('forwards every line of a real report that names a kill, a victim or its cgroup', () => {
    const lost = logs.flatMap((file) => unforwardedFactLines(file).map((line) => `${file}: ${line}`));
    expect(lost).toEqual([]);
  });

  it.each([
    // 2.6.19–2.6.25: the choice of victim in lower case (corpus 77, 88).
    ['Out of memory: kill process 2908 (sshd) score 379 or a child'],
    ['Memory cgroup out of memory: kill process 6593 (pagetest) score 1003 or a child'],
    // OpenVZ / Virtuozzo (corpus 92).
    [
      'Out of memory in UB 1234: OOM killed process 21738 (php-cgi) score 0 vm:281988kB, rss:17004kB, swap:0kB',
    ],
    // 4.x: the first of the `Task in` line's pr_cont pieces, a record of its own (corpus 5, 91).
    ['Task in /docker/0f2b3fcdd2578165ea77266cdc7b1ad43e75877b0ac1889ecda30a78cb78bd53'],
    ['Task in /lxc/foo'],
  ])('forwards %s', (line) => {
    expect(parseKernelLine(line).kind).toBe('line');
    expect(forwarded(line)).toBe(true);
  });

  it('quotes every term, as CloudWatch needs for spaces and symbols', () => {
    expect(KERNEL_OOM_FILTER_PATTERN).toBe(FORWARDED_TERMS.map((term) => `?"${term}"`).join(' '));
    expect(FORWARDED_TERMS.every((term) => !term.includes('"'))).toBe(true);
    // CloudWatch Logs caps a filter pattern at 1,024 characters.
    expect(KERNEL_OOM_FILTER_PATTERN.length).toBeLessThanOrEqual(1024);
  });
});
