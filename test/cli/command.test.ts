import { describe, expect, it } from 'vitest';
import { readCommandLine } from '../../cli/command.ts';

const OPTIONS = { since: { type: 'string' }, json: { type: 'boolean' } } as const;

describe('readCommandLine', () => {
  it('reads the values and positionals of a command line', () => {
    expect(readCommandLine(['--since', '7d', 'a.log'], OPTIONS, true)).toEqual({
      kind: 'run',
      options: { values: { since: '7d' }, positionals: ['a.log'] },
    });
  });

  it('-h and --help ask for the help, whatever else the line holds', () => {
    expect(readCommandLine(['-h'], OPTIONS, false)).toEqual({ kind: 'help' });
    expect(readCommandLine(['--json', '--help'], OPTIONS, false)).toEqual({ kind: 'help' });
  });

  it('an unknown flag, a missing value or an unwanted positional is a usage problem in one sentence', () => {
    expect(readCommandLine(['--bogus'], OPTIONS, true)).toEqual({
      kind: 'wrong',
      problem: "Unknown option '--bogus'",
    });
    expect(readCommandLine(['--since'], OPTIONS, true)).toEqual({
      kind: 'wrong',
      problem: "Option '--since <value>' argument missing",
    });
    expect(readCommandLine(['a.log'], OPTIONS, false)).toEqual({
      kind: 'wrong',
      problem: "Unexpected argument 'a.log'. This command does not take positional arguments",
    });
  });
});
