import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main.ts';
import { memoryIo } from './in-memory-io.ts';

describe('eks-oom-alerts', () => {
  it('eks-oom-alerts --help lists the commands', async () => {
    const { io, stdout, stderr } = memoryIo();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(stdout.text).toContain('\nCommands:\n  scan  print the OOM kills in kernel logs');
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
