import { execFile, execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, buildStandaloneCli } from '../../cli/build.ts';
import { KubeApiStandin } from '../integration/k8s-api-standin.ts';
import type { OomEvent } from '../../shared/oom-event.ts';

// Inside the repo, so that the bundle finds its external packages in node_modules as the real bin does.
// Made before the first test, not when the file is collected: a run that filters every test out runs no hook.
let dir = '';
const MIB = 1024 * 1024;
beforeAll(() => {
  mkdirSync(join('node_modules', '.cache'), { recursive: true });
  dir = mkdtempSync(join('node_modules', '.cache', 'eks-oom-alerts-bin-'));
});
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

  it('eks-oom-alerts scan --json BUNDLE.tar.gz: a bundle the real tar and gzip made, as eks-log-collector.sh does', async (context) => {
    const run = promisify(execFile);
    const tools = await Promise.all(
      ['tar', 'gzip'].map((tool) =>
        run(tool, ['--version']).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (tools.includes(false)) {
      context.skip('needs GNU tar and gzip on PATH');
      return;
    }
    const bin = await builtBin();
    // The collector's layout: `dmesg > kernel/dmesg.current`, `/var/log/messages` and a rotated copy of it.
    const collected = join(dir, 'eks-log-collector');
    mkdirSync(join(collected, 'kernel'), { recursive: true });
    mkdirSync(join(collected, 'var_log'), { recursive: true });
    writeFileSync(join(collected, 'kernel', 'dmesg.current'), readFileSync('examples/kernel-6.18.dmesg.log'));
    writeFileSync(
      join(collected, 'var_log', 'messages-20261201'),
      readFileSync('examples/journalctl-4.18-el8-truncated.log'),
    );
    await run('gzip', [join(collected, 'var_log', 'messages-20261201')]);
    const bundle = join(dir, 'eks_i-0abc_2026-12-06_0400-UTC_0.7.3.tar.gz');
    await run('tar', ['--create', '--gzip', '--file', bundle, `--directory=${collected}`, '.']);
    const scanned = await run(bin, ['scan', '--json', bundle], { encoding: 'utf8' });
    const events = scanned.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as OomEvent);
    const fileOf = (e: OomEvent) => ('file' in e.source ? e.source.file : null);
    // tar stores a folder's files in the order the file system lists them.
    const kills = events.map((e) => [e.victim.pid, fileOf(e)]).sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(kills).toEqual([
      [2874, `${bundle}:kernel/dmesg.current`],
      [17777, `${bundle}:kernel/dmesg.current`],
      [1735923, `${bundle}:var_log/messages-20261201.gz`],
    ]);
    expect(scanned.stderr).toMatch(
      /^scan: 2 files read, \d+ lines, 3 kills \(0 incomplete\), 0 drift lines\n$/,
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

  it('node --no-optimize-for-size BIN scan FILE (the command scan --help and README give for a clone) prints the kills', async () => {
    const bin = await builtBin();
    const run = await promisify(execFile)(
      process.execPath,
      ['--no-optimize-for-size', bin, 'scan', 'examples/kernel-6.18.dmesg.log'],
      { encoding: 'utf8' },
    );
    expect(run.stdout.split('\n').filter((line) => line.includes('python3'))).toHaveLength(2);
    expect(run.stderr).toBe('scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines\n');
  });

  it('eks-oom-alerts scan NODE (this Node.js executable, 100 MiB and more): named as no text log at once, exit status 1', async () => {
    const bin = await builtBin();
    const run = (await promisify(execFile)(bin, ['scan', process.execPath], { encoding: 'utf8' }).catch(
      (error: unknown) => error,
    )) as { code: number; stdout: string; stderr: string };
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    // Read as text, it gave 30 lines of random bytes as format drift, and took 3 s and 109-153 MB.
    expect(run.stderr).toMatch(
      /^scan: cannot read .*: is not a text log: of its first characters, \d+% are NULs, control characters or invalid UTF-8\nscan: 0 files read, 0 lines, 0 kills \(0 incomplete\), 0 drift lines\n$/,
    );
  });

  it('eks-oom-alerts scan < . (stdin is a directory): said as for `scan .`, exit status 1', async () => {
    const bin = await builtBin();
    const folder = openSync('.', 'r');
    const child = spawn(bin, ['scan'], { stdio: [folder, 'pipe', 'pipe'] });
    closeSync(folder);
    const err: Buffer[] = [];
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(Buffer.concat(err).toString('utf8')).toBe(
      'scan: cannot read -: is a directory\n' +
        'scan: 0 files read, 0 lines, 0 kills (0 incomplete), 0 drift lines\n',
    );
    expect(code).toBe(1);
  });

  // A full disk: every write to /dev/full fails with ENOSPC.
  it.runIf(existsSync('/dev/full')).each<[string[], string]>([
    [['scan', 'examples/kernel-6.18.dmesg.log'], 'scan'],
    [['scan', '--json', 'examples/kernel-6.18.dmesg.log'], 'scan'],
    [['query', '--list'], 'query'],
    [['replay', '--dry-run', '--cluster', 'demo', 'examples/fluent-bit-5.1-kmsg-records.jsonl'], 'replay'],
    [['--help'], 'eks-oom-alerts'],
  ])(
    'eks-oom-alerts %j > /dev/full: one line on stderr, exit status 1, no stack trace',
    async (args, command) => {
      const bin = await builtBin();
      const full = openSync('/dev/full', 'w');
      const child = spawn(bin, args, { stdio: ['ignore', full, 'pipe'] });
      closeSync(full);
      const err: Buffer[] = [];
      child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(Buffer.concat(err).toString('utf8')).toBe(
        `${command}: cannot write output: no space left on device\n`,
      );
      expect(code).toBe(1);
    },
  );

  it('eks-oom-alerts scan - on 96 MiB of lines of megabytes (a binary file, a log with no newlines): its memory stays bounded, the kill after them is found', async () => {
    const bin = await builtBin();
    // Under a heap of 48 MiB, which `scan --json` of the 100 MiB bench log fits in: a scanner that holds long lines
    // until 4,096 of them wait for a batch (or for the widest line's sample) runs out of heap and aborts.
    const child = spawn(process.execPath, ['--max-old-space-size=48', bin, 'scan', '--json', '-'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    // A child that aborts closes its stdin: the writes after that fail, and the exit code tells.
    child.stdin.on('error', () => {});
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // OOM text in every piece, so that none is set aside unread; one in three ends its line; some not ASCII.
    const words = 'yyyy oom kill memory cgroup Out of memory invoked oom-killer é中 ';
    const piece = words.repeat(Math.ceil(MIB / words.length)).slice(0, MIB);
    for (let i = 1; i <= 96; i++) {
      const written = child.stdin.write(i % 3 === 0 ? `${piece}\n` : piece);
      if (!written) {
        const drained = await Promise.race([
          new Promise((resolve) => child.stdin.once('drain', () => resolve(true))),
          exited.then(() => false),
        ]);
        if (!drained) break;
      }
    }
    child.stdin.end(`\n${readFileSync('examples/kernel-6.18.dmesg.log', 'utf8')}`);
    const code = await exited;
    const said = Buffer.concat(err).toString('utf8').trimEnd().split('\n');
    expect(said.slice(-2)).toEqual([
      'scan: stdin: 32 lines longer than 65,536 characters (not a text log?), each read only to there',
      expect.stringMatching(/^scan: 1 file read, 196 lines, 2 kills \(0 incomplete\), [1-9]\d* drift lines$/),
    ]);
    // Each drift line shows the start of its line, not megabytes of it.
    const drift = said.slice(0, -2);
    expect(drift.length).toBeGreaterThan(0);
    for (const line of drift) {
      expect(line).toMatch(/^possible format drift: stdin:\d+: yyyy oom kill .*… \(61440 more characters\)$/);
    }
    expect(code).toBe(0);
    const victims = Buffer.concat(out)
      .toString('utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as OomEvent).victim.pid);
    expect(victims).toEqual([2874, 17777]);
  }, 60_000);
});

describe('the build for a node (dist/node): one folder that carries its packages', () => {
  // Outside the repo, with no node_modules above it: what it needs, it must carry.
  // Made before the first test, not when the file is collected: a run that filters every test out runs no hook.
  let away = '';
  beforeAll(() => {
    away = mkdtempSync(join(tmpdir(), 'eks-oom-alerts-node-'));
  });
  afterAll(() => rmSync(away, { recursive: true, force: true }));
  const examples = [
    'examples/kernel-6.18.dmesg.log',
    'examples/journalctl-4.18-el8-truncated.log',
    'examples/kernel-3.10-to-5.10-oneliners.log',
    'examples/fluent-bit-5.1-kmsg-records.jsonl',
  ].map((file) => resolve(file));
  const run = promisify(execFile);

  it('scan --json prints, byte for byte, what the package bin prints', async () => {
    const [standalone, bin] = await Promise.all([
      buildStandaloneCli(join(away, 'eks-oom-alerts')),
      builtBin(),
    ]);
    const [fromNode, fromBin] = await Promise.all([
      run(standalone, ['scan', '--json', ...examples], { encoding: 'utf8', cwd: away }),
      run(bin, ['scan', '--json', ...examples], { encoding: 'utf8' }),
    ]);
    expect(fromNode.stdout.trim().split('\n')).toHaveLength(7);
    expect(fromNode.stdout).toBe(fromBin.stdout);
    expect(fromNode.stderr).toBe(fromBin.stderr);
  });

  it("under a Node.js before 22 (the system's, where it has one): scan runs; replay says it needs 22", async (context) => {
    const older = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => {
      if (!existsSync(path)) return false;
      const version = execFileSync(path, ['--version'], { encoding: 'utf8' });
      return Number(/^v(\d+)/.exec(version)?.[1]) < 22;
    });
    if (older === undefined) {
      context.skip('no Node.js before 22 at /usr/bin/node or /usr/local/bin/node');
      return;
    }
    const standalone = await buildStandaloneCli(join(away, 'eks-oom-alerts-older'));
    const scanned = await run(older, [standalone, 'scan', '--json', examples[0] ?? ''], { encoding: 'utf8' });
    expect(scanned.stdout.trim().split('\n')).toHaveLength(2);
    const replayed = (await run(older, [standalone, 'replay', '--dry-run', examples[3] ?? ''], {
      encoding: 'utf8',
    }).catch((error: unknown) => error)) as { code: number; stdout: string; stderr: string };
    expect(replayed.code).toBe(2);
    expect(replayed.stderr).toMatch(
      /^eks-oom-alerts replay needs Node\.js 22 or later \(this is v\d+\.\d+\.\d+\)/,
    );
  });

  it("scan --kubeconfig: the Kubernetes client it carries lists the node's pods over HTTPS with the token", async () => {
    const api = await KubeApiStandin.start({ acceptsToken: (token) => token === 'sre-token' });
    try {
      const standalone = await buildStandaloneCli(join(away, 'eks-oom-alerts-kube'));
      const kubeconfig = join(away, 'kubeconfig');
      writeFileSync(
        kubeconfig,
        [
          'apiVersion: v1',
          'kind: Config',
          'current-context: prod',
          'clusters:',
          `- name: prod`,
          `  cluster: { server: "${api.url}", certificate-authority-data: "${api.caData}" }`,
          'users:',
          '- name: sre',
          '  user: { token: "sre-token" }',
          'contexts:',
          '- name: prod',
          '  context: { cluster: prod, user: sre }',
          '',
        ].join('\n'),
      );
      const scanned = await run(
        standalone,
        ['scan', '--json', '--kubeconfig', kubeconfig, '--node', 'ip-10-0-1-23', examples[0] ?? ''],
        { encoding: 'utf8', cwd: away },
      );
      const events = scanned.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { enrichment: { status: string; detail: string | null } });
      expect(events.map((e) => e.enrichment.status)).toEqual(['not-found', 'not-found']);
      expect(api.requestsTo('/api/v1/pods').length).toBeGreaterThan(0);
    } finally {
      await api.stop();
    }
  });
});
