/**
 * Every regex in the project's own source must match in linear time: process names and cgroup paths are
 * attacker-controlled text, and one backtracking pattern turns a log line into a stalled Lambda.
 *
 * The regexes are found by walking the TypeScript syntax tree (not by grepping), so a regex added later is
 * checked without touching this file. recheck decides each one; it runs locally (its native binary, else its
 * JVM or pure-JS build), offline, keeps nothing on disk, and is bounded in time per regex.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostics } from 'recheck';
import { check } from 'recheck';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE_FOLDERS = ['shared', 'adapters', 'functions', 'cli', 'infra'];
const SKIPPED_FOLDERS = new Set(['node_modules', 'cdk.out', 'dist']);
const SCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];
/** String methods that compile a string argument into a RegExp. */
const PATTERN_METHODS = new Set(['match', 'matchAll', 'search']);
/**
 * recheck's exact (automaton) checker answers most patterns in milliseconds, but a bounded repeat such as
 * `[^;]{0,16}` blows its automaton up (about 3 s for the kmsg record pattern). Past this budget the fuzzing
 * checker, seeded from the same automaton theory and with a fixed seed, decides instead.
 */
const EXACT_BUDGET_MS = 2_000;
const FUZZ_BUDGET_MS = 5_000;

interface FoundRegex {
  /** `file:line` of the regex in the repository. */
  where: string;
  source: string;
  flags: string;
}

interface RegexInventory {
  regexes: FoundRegex[];
  /** `new RegExp(x)` with a non-literal pattern: invisible to this check, so reported as a failure. */
  dynamic: string[];
}

function isScript(name: string): boolean {
  return SCRIPT_EXTENSIONS.some((extension) => name.endsWith(extension));
}

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (SKIPPED_FOLDERS.has(entry.name)) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.isFile() && isScript(entry.name)) files.push(path);
  }
  return files;
}

function literalText(node: ts.Node | undefined): string | null {
  return node !== undefined && ts.isStringLiteralLike(node) ? node.text : null;
}

/** Regex literals, `RegExp(…)`/`new RegExp(…)` with literal arguments, and `.match('…')`-style string patterns. */
function regexesIn(fileName: string, text: string): RegexInventory {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const inventory: RegexInventory = { regexes: [], dynamic: [] };
  const whereOf = (node: ts.Node): string =>
    `${fileName}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`;

  const visit = (node: ts.Node): void => {
    if (ts.isRegularExpressionLiteral(node)) {
      const close = node.text.lastIndexOf('/');
      inventory.regexes.push({
        where: whereOf(node),
        source: node.text.slice(1, close),
        flags: node.text.slice(close + 1),
      });
    } else if (
      (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'RegExp'
    ) {
      const pattern = node.arguments?.[0];
      const source = literalText(pattern);
      if (source !== null) {
        inventory.regexes.push({
          where: whereOf(node),
          source,
          flags: literalText(node.arguments?.[1]) ?? '',
        });
      } else if (pattern !== undefined && !ts.isRegularExpressionLiteral(pattern)) {
        inventory.dynamic.push(`${whereOf(node)} ${node.getText(file)}`);
      }
    } else if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      PATTERN_METHODS.has(node.expression.name.text)
    ) {
      const source = literalText(node.arguments[0]);
      if (source !== null) inventory.regexes.push({ where: whereOf(node), source, flags: '' });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return inventory;
}

function projectRegexes(): RegexInventory {
  const inventory: RegexInventory = { regexes: [], dynamic: [] };
  for (const folder of SOURCE_FOLDERS) {
    for (const path of sourceFiles(join(ROOT, folder))) {
      const found = regexesIn(relative(ROOT, path), readFileSync(path, 'utf8'));
      inventory.regexes.push(...found.regexes);
      inventory.dynamic.push(...found.dynamic);
    }
  }
  return inventory;
}

/** One line a reviewer can act on: where, what, and the input that makes it slow. */
function verdict(regex: FoundRegex, diagnostics: Diagnostics): string {
  const shown = `${regex.where} /${regex.source}/${regex.flags}`;
  switch (diagnostics.status) {
    case 'safe':
      return `${shown} is safe (${diagnostics.complexity.summary}, ${diagnostics.checker} checker)`;
    case 'vulnerable':
      return `${shown} is vulnerable (${diagnostics.complexity.summary}); attack string: ${diagnostics.attack.pattern}`;
    case 'unknown':
      return `${shown} could not be decided: ${diagnostics.error.kind}${'message' in diagnostics.error ? ` ${diagnostics.error.message}` : ''}`;
  }
}

async function recheck(regex: FoundRegex): Promise<Diagnostics> {
  const exact = await check(regex.source, regex.flags, { timeout: EXACT_BUDGET_MS, randomSeed: 0 });
  if (exact.status !== 'unknown' || exact.error.kind !== 'timeout') return exact;
  return check(regex.source, regex.flags, { checker: 'fuzz', timeout: FUZZ_BUDGET_MS, randomSeed: 0 });
}

describe('the regex inventory', () => {
  it('finds regex literals, RegExp calls with literal arguments and string patterns, not look-alikes', () => {
    const source = [
      'const A = /^(\\d+)\\.(\\d+)$/gu;',
      "const B = new RegExp('x+y', 'i');",
      'const C = RegExp(`[a-z]{1,3}`);',
      "const quoted = '/(a+)+/'; // /(b+)+/ in a comment",
      "const D = text.match('a|b');",
      'const E = text.split(/[ ,]+/);',
      'const dynamic = new RegExp(pattern);',
      'const ratio = a / b / c;',
    ].join('\n');

    expect(regexesIn('example.ts', source)).toEqual({
      regexes: [
        { where: 'example.ts:1', source: '^(\\d+)\\.(\\d+)$', flags: 'gu' },
        { where: 'example.ts:2', source: 'x+y', flags: 'i' },
        { where: 'example.ts:3', source: '[a-z]{1,3}', flags: '' },
        { where: 'example.ts:5', source: 'a|b', flags: '' },
        { where: 'example.ts:6', source: '[ ,]+', flags: '' },
      ],
      dynamic: ['example.ts:7 new RegExp(pattern)'],
    });
  });

  it('sees the regexes of the parser in shared/', () => {
    const { regexes } = projectRegexes();
    const files = new Set(regexes.map((r) => r.where.slice(0, r.where.lastIndexOf(':'))));

    expect(files).toContain('shared/log-record.ts');
    expect(files).toContain('shared/kernel-line.ts');
    expect(files).toContain('shared/kernel-lines/counter.ts');
    expect(files).toContain('shared/cgroup-path.ts');
  });
});

describe('recheck', () => {
  it('reports a catastrophic regex as vulnerable, with the attack string', async () => {
    const known = { where: 'known-bad', source: '^(a+)+$', flags: '' };
    const diagnostics = await recheck(known);

    expect(diagnostics.status).toBe('vulnerable');
    expect(verdict(known, diagnostics)).toMatch(
      /^known-bad \/\^\(a\+\)\+\$\/ is vulnerable \(exponential\); attack string: .+/,
    );
  });

  it('reports a polynomial regex as vulnerable', async () => {
    // Quadratic: a run of spaces not followed by the end is re-scanned from every start.
    const diagnostics = await recheck({ where: 'known-bad', source: '\\s+$', flags: '' });

    expect(diagnostics.status).toBe('vulnerable');
    expect(diagnostics.status === 'vulnerable' && diagnostics.complexity.type).toBe('polynomial');
  });

  it("catches a catastrophic regex behind a bounded repeat that strains the exact checker's budget", async () => {
    const diagnostics = await recheck({
      where: 'known-bad',
      source: '^(\\d{1,3}),(\\d+),(\\d+),[^;]{0,16};(a+)+$',
      flags: '',
    });

    // Whichever checker finishes (the automaton within its budget, else the fuzzer), the verdict is the same.
    expect(diagnostics.status).toBe('vulnerable');
  });

  it('reports a linear regex as safe', async () => {
    const diagnostics = await recheck({
      where: 'known-good',
      source: '^\\[ *(\\d+)\\.(\\d{1,9})\\] ?',
      flags: '',
    });

    expect(diagnostics.status).toBe('safe');
  });
});

/** One entry per distinct pattern, naming every place it appears: the same regex is checked once. */
function distinct(regexes: readonly FoundRegex[]): FoundRegex[] {
  const byPattern = new Map<string, FoundRegex>();
  for (const regex of regexes) {
    const key = `/${regex.source}/${regex.flags}`;
    const seen = byPattern.get(key);
    byPattern.set(key, seen === undefined ? regex : { ...seen, where: `${seen.where}, ${regex.where}` });
  }
  return [...byPattern.values()];
}

describe('every regex in shared/, adapters/, functions/, cli/ and infra/', () => {
  const { regexes, dynamic } = projectRegexes();

  it('is built from a literal, so that this check can see it', () => {
    expect(dynamic).toEqual([]);
  });

  it.each(
    distinct(regexes).map((regex) => [`${regex.where} /${regex.source}/${regex.flags}`, regex] as const),
  )(
    '%s is linear-time',
    async (_name, regex) => {
      const diagnostics = await recheck(regex);

      expect(diagnostics.status, verdict(regex, diagnostics)).toBe('safe');
    },
    (EXACT_BUDGET_MS + FUZZ_BUDGET_MS) * 2,
  );
});
