import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../cli/build.ts';
import type { OomEvent } from '../../shared/oom-event.ts';

// Inside the repo, so that the bundle finds its external packages in node_modules as the real bin does.
mkdirSync(join('node_modules', '.cache'), { recursive: true });
const dir = mkdtempSync(join('node_modules', '.cache', 'eks-oom-alerts-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let built: Promise<string> | undefined;
const builtBin = () => (built ??= buildCli(dir));

describe('the built eks-oom-alerts bin', () => {
  it('eks-oom-alerts scan --json missing.log examples/kernel-6.18.dmesg.log', async () => {
    // Built by the function `npm run build` calls, into this folder instead of dist/, and run as a user runs
    // it: the file itself, through its `#!/usr/bin/env node` line and its executable bit.
    const bin = await builtBin();
    // A missing input is read past, and makes the exit status 1 (execFile's error carries the output).
    const run = (await promisify(execFile)(
      bin,
      ['scan', '--json', 'missing.log', 'examples/kernel-6.18.dmesg.log'],
      { encoding: 'utf8' },
    ).catch((error: unknown) => error)) as { code: number; stdout: string; stderr: string };
    expect(run.code).toBe(1);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as OomEvent);
    expect(events.map((e) => [e.victim.pid, e.pod?.uid, e.memory?.limitKb, e.limitScope])).toEqual([
      [2874, '3962896b-ab69-4572-8f1d-ee756f9f3589', 65536, 'pod'],
      [17777, '11111111-2222-3333-4444-555555555555', 65536, 'pod'],
    ]);
    expect(run.stderr).toBe(
      'scan: cannot read missing.log: no such file\n' +
        'scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines\n',
    );
  });

  it('eks-oom-alerts scan --json empty.log 2>&1 | head: a reader gone from stderr ends it as from stdout', async () => {
    const bin = await builtBin();
    const empty = join(dir, 'empty.log');
    writeFileSync(empty, '');
    // Nothing goes to stdout; the summary line goes to a stderr whose reader has already left (EPIPE).
    const child = spawn(bin, ['scan', '--json', empty], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    child.stderr.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
  });
});
