import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backfillCommand } from '../../cli/backfill/backfill-command.ts';
import { COMMANDS, favoursMemory, needsNode22, outputFailure, runCli } from '../../cli/main.ts';
import { queryCommand } from '../../cli/query/query-command.ts';
import { replayCommand } from '../../cli/replay/replay-command.ts';
import { scanCommand } from '../../cli/scan/scan-command.ts';
import { memoryIo } from './in-memory-io.ts';

describe('eks-oom-alerts', () => {
  it('eks-oom-alerts --help lists the commands', async () => {
    const { io, stdout, stderr } = memoryIo();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(stdout.text).toContain('\nCommands:\n  scan      print the OOM kills in kernel logs');
    for (const name of ['replay', 'backfill', 'query']) expect(stdout.text).toContain(`\n  ${name} `);
    expect(stderr.text).toBe('');
  });

  it('names each command as its own module does, in the lazy table', () => {
    const modules = [scanCommand, replayCommand, backfillCommand, queryCommand];
    expect(COMMANDS.map((c) => [c.name, c.summary])).toEqual(modules.map((c) => [c.name, c.summary]));
  });

  it('eks-oom-alerts query --list runs the query command it loads on demand', async () => {
    const { io, stdout } = memoryIo();
    expect(await runCli(['query', '--list'], io)).toBe(0);
    expect(stdout.text).toContain('kills-by-namespace');
  });

  it.each(['scan', 'replay', 'backfill', 'query'])(
    'eks-oom-alerts help %s prints that command’s help, as --help does',
    async (name) => {
      const asked = memoryIo();
      expect(await runCli(['help', name], asked.io)).toBe(0);
      const flag = memoryIo();
      expect(await runCli([name, '--help'], flag.io)).toBe(0);
      expect(asked.stdout.text).toMatch(new RegExp(`^Usage: eks-oom-alerts ${name} `));
      expect(asked.stdout.text).toBe(flag.stdout.text);
      expect(asked.stderr.text).toBe('');
    },
  );

  it('eks-oom-alerts help frobnicate, or help with two names, is a usage error', async () => {
    const unknown = memoryIo();
    expect(await runCli(['help', 'frobnicate'], unknown.io)).toBe(2);
    expect(unknown.stderr.text).toMatch(/^eks-oom-alerts: unknown command: frobnicate\n\nUsage:/);
    const two = memoryIo();
    expect(await runCli(['help', 'scan', 'query'], two.io)).toBe(2);
    expect(two.stderr.text).toMatch(/^eks-oom-alerts: help takes one command name\n\nUsage:/);
  });

  it('eks-oom-alerts --version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const { io, stdout, stderr } = memoryIo();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(stdout.text).toBe(`eks-oom-alerts ${version}\n`);
    expect(stderr.text).toBe('');
  });

  it('eks-oom-alerts (no command) shows the usage and exits 2', async () => {
    const { io, stdout, stderr } = memoryIo();
    expect(await runCli([], io)).toBe(2);
    expect(stdout.text).toBe('');
    expect(stderr.text).toMatch(/^eks-oom-alerts: no command given\n\nUsage: eks-oom-alerts <command>/);
  });

  it('eks-oom-alerts frobnicate shows the usage and exits 2', async () => {
    const { io, stderr } = memoryIo();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(stderr.text).toMatch(/^eks-oom-alerts: unknown command: frobnicate\n\nUsage:/);
  });

  it('hands the rest of the command line to the command it names', async () => {
    const { io } = memoryIo();
    const seen: Array<readonly string[]> = [];
    const echo = {
      name: 'echo',
      summary: 'test',
      run: (args: readonly string[]) => (seen.push(args), Promise.resolve(7)),
    };
    expect(await runCli(['echo', '--a', 'b'], io, [echo])).toBe(7);
    expect(seen).toEqual([['--a', 'b']]);
  });
});

describe('needsNode22', () => {
  it('names what loads the Kubernetes client, which needs Node.js 22, and nothing else', () => {
    expect(needsNode22(['replay', '--dry-run', 'x.jsonl'])).toBe('replay');
    expect(needsNode22(['replay', '--help'])).toBe('replay');
    expect(needsNode22(['help', 'replay'])).toBe('replay');
    expect(needsNode22(['backfill', '--cluster', 'c', '--since', '1h', '--deliver', '--stack', 's'])).toBe(
      'backfill --deliver',
    );
    expect(needsNode22(['backfill', '--cluster', 'c', '--since', '1h'])).toBeNull();
    expect(needsNode22(['scan', '--kubeconfig', 'k', 'x.log'])).toBeNull();
    expect(needsNode22(['query', '--list'])).toBeNull();
    expect(needsNode22([])).toBeNull();
  });
});

describe('favoursMemory', () => {
  it('is true of `scan` alone, which reads logs of any size', () => {
    expect(favoursMemory(['scan', '--json', 'x.log'])).toBe(true);
    expect(favoursMemory(['replay', '--dry-run', 'scan'])).toBe(false);
    expect(favoursMemory(['--help'])).toBe(false);
    expect(favoursMemory([])).toBe(false);
    // Node started with V8's default kept: `node --no-optimize-for-size dist/eks-oom-alerts.mjs scan …`.
    expect(favoursMemory(['scan', 'x.log'], ['--no-optimize-for-size'])).toBe(false);
    expect(favoursMemory(['scan', 'x.log'], ['--max-old-space-size=64'])).toBe(true);
  });
});

describe('outputFailure', () => {
  /** What Node's fs gives a write that fails: `ENOSPC: no space left on device, write`, with its code. */
  const failedWrite = (code: string, text: string) =>
    Object.assign(new Error(`${code}: ${text}, write`), { code, syscall: 'write' });

  it('names the command and the reason in one line, as a person reads it', () => {
    expect(outputFailure(['scan', 'x.log'], failedWrite('ENOSPC', 'no space left on device'))).toBe(
      'scan: cannot write output: no space left on device\n',
    );
    expect(outputFailure(['query', '--list'], failedWrite('EIO', 'i/o error'))).toBe(
      'query: cannot write output: i/o error\n',
    );
    expect(outputFailure(['--help'], failedWrite('EDQUOT', 'quota exceeded'))).toBe(
      'eks-oom-alerts: cannot write output: quota exceeded\n',
    );
    expect(outputFailure(['scan'], new Error('write after end'))).toBe(
      'scan: cannot write output: write after end\n',
    );
  });
});
