/**
 * `scan --json`'s peak memory (max RSS) on logs of short lines, 100 MiB and 300 MiB, on 100 MiB of lines of 3 MiB,
 * and on 100 MiB of kill lines with long tails, against its goal of ≤ 100 MiB whatever the input (issue 14): short
 * lines are the most lines, and so the most records, per byte; long lines the most bytes per line; the storm's lines
 * are read, not set aside, each tens of kilobytes. The short lines are dmesg text, 28 to 60 bytes a line, with
 * the real OOM report of examples/kernel-6.18.dmesg.log
 * every 20,000 lines, its times moved on. Written into .bench/ once; the built bin (`npm run build`) is run on
 * each, in a fresh process under GNU time, `grep -c oom` beside it. Prints figures; not a test.
 *
 * Run: node bench/scan-memory.ts [runs]   (Node 24: npm scripts put it first on PATH)
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const BENCH_DIR = '.bench';
const BIN = 'dist/eks-oom-alerts.mjs';
const GNU_TIME = '/usr/bin/time';
const MIB = 1024 * 1024;
const REPORT_EVERY_LINES = 20_000;
const GOAL_MIB = 100;
const RUNS = Number(process.argv[2] ?? 3);

const NOISE = [
  'eth0: link up',
  'IPv6: ADDRCONF(NETDEV_CHANGE): eni8a7b6c: link becomes ready',
  'xfs filesystem being remounted at /var/lib/kubelet',
  'nf_conntrack: table full, dropping packet',
  'audit: backlog limit exceeded',
];

/** The example's report lines, without their dmesg time. */
function reportMessages(): string[] {
  return readFileSync('examples/kernel-6.18.dmesg.log', 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.slice(line.indexOf(']') + 2));
}

function dmesgLine(seconds: number, message: string): string {
  return `[${seconds.toFixed(6).padStart(12)}] ${message}\n`;
}

/** Writes `path` of about `bytes`, unless it is there already. */
function shortLineLog(path: string, bytes: number): void {
  if (existsSync(path) && statSync(path).size >= bytes) return;
  const report = reportMessages();
  const fd = openSync(path, 'w');
  let written = 0;
  let seconds = 1;
  let pieces: string[] = [];
  try {
    for (let line = 0; written < bytes; line++) {
      seconds += 0.001;
      if (line % REPORT_EVERY_LINES === REPORT_EVERY_LINES - 1) {
        seconds += 60;
        for (const message of report) pieces.push(dmesgLine(seconds, message));
      } else {
        pieces.push(dmesgLine(seconds, `${NOISE[line % NOISE.length] as string} ${line % 997}`));
      }
      if (pieces.length >= 4096) {
        const text = pieces.join('');
        writeSync(fd, text);
        written += Buffer.byteLength(text);
        pieces = [];
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `path` of about `bytes` of lines of 3 MiB (a binary file, a log with no newlines), OOM words and characters
 * beyond ASCII in every piece, then the example's report: `scan` reads each long line only to its cut, holds none
 * of them, and still finds the kills after them.
 */
function longLineLog(path: string, bytes: number): void {
  if (existsSync(path) && statSync(path).size >= bytes) return;
  const words = 'yyyy oom kill memory cgroup Out of memory invoked oom-killer é中 ';
  const piece = words.repeat(Math.ceil(MIB / words.length)).slice(0, MIB);
  const fd = openSync(path, 'w');
  try {
    for (let written = 0, i = 1; written < bytes; i++)
      written += writeSync(fd, i % 3 === 0 ? `${piece}\n` : piece);
    writeSync(fd, `\n${readFileSync('examples/kernel-6.18.dmesg.log', 'utf8')}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `path` of about `bytes` of kill lines with tails of 1 to 70 Ki characters (a storm whose lines a writer
 * padded, a review's adversarial input): every line holds OOM text and is read, those over 64 Ki characters to
 * their cut. The tails' lengths come from a fixed seed, so every run reads the same bytes.
 */
function stormLog(path: string, bytes: number): void {
  if (existsSync(path) && statSync(path).size >= bytes) return;
  let seed = 20261206;
  const nextTail = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return 1 + (seed % (70 * 1024));
  };
  const fd = openSync(path, 'w');
  try {
    for (let written = 0, pid = 1; written < bytes; pid++) {
      const kill = `Out of memory: Killed process ${pid} (x) total-vm:1kB, anon-rss:1kB, file-rss:0kB`;
      written += writeSync(fd, dmesgLine(1000 + pid / 1000, `${kill} ${'y'.repeat(nextTail())}`));
    }
  } finally {
    closeSync(fd);
  }
}

interface Run {
  wallMs: number;
  cpuMs: number;
  maxRssMiB: number;
  stdout: string;
}

function timed(command: string, args: readonly string[]): Run {
  const start = performance.now();
  const child = spawnSync(GNU_TIME, ['-f', 'bench-time %U %S %M', command, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * MIB,
  });
  const wallMs = performance.now() - start;
  const m = /^bench-time ([\d.]+) ([\d.]+) (\d+)$/m.exec(child.stderr);
  if (m === null) throw new Error(`no figures from GNU time: ${child.stderr}`);
  return {
    wallMs,
    cpuMs: (Number(m[1]) + Number(m[2])) * 1000,
    maxRssMiB: Number(m[3]) / 1024,
    stdout: child.stdout,
  };
}

if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} is needed for max RSS`);
if (spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' }).status !== 0) {
  throw new Error('npm run build failed');
}
mkdirSync(BENCH_DIR, { recursive: true });
const LOGS: ReadonlyArray<readonly [string, (path: string, bytes: number) => void, number]> = [
  ['short-lines-100mib.log', shortLineLog, 100],
  ['short-lines-300mib.log', shortLineLog, 300],
  ['long-lines-100mib.log', longLineLog, 100],
  ['storm-long-tails-100mib.log', stormLog, 100],
];
for (const [name, write, mib] of LOGS) {
  const path = join(BENCH_DIR, name);
  write(path, mib * MIB);
  const scans: Run[] = [];
  const greps: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    scans.push(timed(process.execPath, [BIN, 'scan', '--json', path]));
    greps.push(timed('grep', ['-c', 'oom', path]));
  }
  const least = (runs: readonly Run[], key: 'wallMs' | 'cpuMs'): number =>
    Math.min(...runs.map((r) => r[key]));
  const peak = Math.max(...scans.map((r) => r.maxRssMiB));
  const kills = (scans[0]?.stdout ?? '').split('\n').filter((line) => line.length > 0).length;
  console.log(
    `${path} (${(statSync(path).size / MIB).toFixed(0)} MiB): scan --json least ${(least(scans, 'wallMs') / 1000).toFixed(2)} s wall, ` +
      `${(least(scans, 'cpuMs') / 1000).toFixed(2)} s cpu, max RSS ${peak.toFixed(0)} MiB (goal ≤ ${GOAL_MIB} MiB: ${peak <= GOAL_MIB ? 'met' : 'missed'}), ` +
      `${kills} kills; grep -c oom least ${(least(greps, 'wallMs') / 1000).toFixed(2)} s wall (${RUNS} runs each)`,
  );
}
