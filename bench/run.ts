/**
 * `npm run bench`: how fast the kernel-log parser and `scan` are on a 100 MiB realistic kernel log, against
 * `grep -c oom` on the same file (the goal: `scan --json` within 3× of grep), and how much memory `scan`
 * needs. Prints figures; not a test. Then runs bench/parse-handler.ts when it is there.
 *
 * The log is generated into .bench/ (seeded, so every run and machine reads the same bytes) and reused
 * while the generator's options are unchanged.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KernelLogScanner } from '../cli/scan/kernel-log-scanner.ts';
import { mayBeOomText, parseKernelLine } from '../shared/kernel-line.ts';
import { joinWrappedLines, parseKernelLog } from '../shared/kernel-log.ts';
import type { ReadOptions } from '../shared/line-prefilter.ts';
import { SET_ASIDE } from '../shared/line-prefilter.ts';
import { readLogRecord, skimLogRecord } from '../shared/log-record.ts';
import type { GeneratedLog, GenerateOptions } from './kernel-log-generator.ts';
import { generateKernelLog } from './kernel-log-generator.ts';

const BENCH_DIR = '.bench';
const LOG = join(BENCH_DIR, 'kernel-100mib.log');
const LOG_FACTS = join(BENCH_DIR, 'kernel-100mib.json');
const OPTIONS: GenerateOptions = { seed: 20261123, targetBytes: 100 * 1024 * 1024, noisePerReport: 300 };
const BIN = 'dist/eks-oom-alerts.mjs';
const RUNS = 3;
const MIB = 1024 * 1024;
const GNU_TIME = '/usr/bin/time';
// Without GNU time: the node child reports its own CPU time and peak resident memory as it exits.
const USAGE_HOOK =
  'data:text/javascript,process.on("exit",()=>{const u=process.resourceUsage();process.stderr.write(`bench-usage ${(u.userCPUTime+u.systemCPUTime)/1e6} ${u.maxRSS}\\n`)})';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function timed<T>(fn: () => T): { value: T; ms: number; cpuMs: number } {
  const start = performance.now();
  const startCpu = process.cpuUsage();
  const value = fn();
  const cpu = process.cpuUsage(startCpu);
  return { value, ms: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function generatedLog(): GeneratedLog {
  mkdirSync(BENCH_DIR, { recursive: true });
  if (existsSync(LOG) && existsSync(LOG_FACTS)) {
    const saved = JSON.parse(readFileSync(LOG_FACTS, 'utf8')) as {
      options: GenerateOptions;
      log: GeneratedLog;
    };
    if (JSON.stringify(saved.options) === JSON.stringify(OPTIONS)) return saved.log;
  }
  process.stdout.write(`generating ${LOG} (seed ${OPTIONS.seed}) … `);
  const { value: log, ms } = timed(() => generateKernelLog(LOG, OPTIONS));
  process.stdout.write(`${(ms / 1000).toFixed(1)} s\n`);
  writeFileSync(LOG_FACTS, JSON.stringify({ options: OPTIONS, log }, null, 2));
  return log;
}

type Timing = Pick<ReturnType<typeof timed>, 'ms' | 'cpuMs'>;

interface InProcess {
  floor: Timing;
  parse: Timing;
  parsePlain: Timing;
  events: number;
  incomplete: number;
  drift: number;
  stream: Timing;
  streamPlain: Timing;
  streamKills: number;
  split: Timing;
  readRecord: Timing;
  skim: Timing;
  mayBeOom: Timing;
  recognize: Timing;
  recognizePlain: Timing;
  records: number;
  setAside: number;
}

/** What any reader that looks at every line pays: read, decode and split in 1 MiB chunks, one search per line. */
function floorPass(): number {
  const decoder = new TextDecoder('utf-8');
  const fd = openSync(LOG, 'r');
  const chunk = Buffer.allocUnsafe(MIB);
  let partial = '';
  let found = 0;
  for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) {
    const pieces = decoder.decode(chunk.subarray(0, n), { stream: true }).split('\n');
    pieces[0] = partial + (pieces[0] as string);
    partial = pieces.pop() as string;
    for (const line of pieces) if (mayBeOomText(line)) found++;
  }
  closeSync(fd);
  return found;
}

function scanFile(options: ReadOptions): number {
  const scanner = new KernelLogScanner({ node: null, source: { file: LOG } }, options);
  const fd = openSync(LOG, 'r');
  const chunk = Buffer.allocUnsafe(MIB);
  let kills = 0;
  for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk))
    kills += scanner.push(chunk.subarray(0, n)).kills.length;
  closeSync(fd);
  return kills + scanner.end().kills.length;
}

/**
 * The parser in this process: whole text (parseKernelLog), the streaming scanner, each with and without the
 * prefilter, and the per-line stages: readLogRecord and parseKernelLine, which the prefilter spares most lines
 * of, and skimLogRecord and mayBeOomText, which it runs on every line instead.
 */
function inProcess(): InProcess {
  const text = readFileSync(LOG, 'utf8');
  // One warm-up pass over a slice, so that the figures are of optimised code, as in a long scan.
  parseKernelLog(text.slice(0, 4 * MIB));
  parseKernelLog(text.slice(0, 4 * MIB), {}, { prefilter: false });
  const floor = timed(floorPass);
  const parsed = timed(() => parseKernelLog(text, { file: LOG }));
  const parsedPlain = timed(() => parseKernelLog(text, { file: LOG }, { prefilter: false }));
  const stream = timed(() => scanFile({}));
  const streamPlain = timed(() => scanFile({ prefilter: false }));
  const lines = timed(() => text.split('\n'));
  const records = timed(() => lines.value.map(readLogRecord));
  const skims = timed(() => lines.value.map(skimLogRecord));
  const mayBeOom = timed(
    () => skims.value.filter((skim) => skim !== null && mayBeOomText(skim.holder)).length,
  );
  const recognize = (options: { prefilter: boolean }): number => {
    let oom = 0;
    for (const entry of records.value) {
      if (entry !== null && parseKernelLine(entry.text, entry.truncated, options).kind !== 'not-oom') oom++;
    }
    return oom;
  };
  const recognized = timed(() => recognize({ prefilter: true }));
  const recognizedPlain = timed(() => recognize({ prefilter: false }));
  const joined = joinWrappedLines(lines.value, { prefilter: true });
  return {
    floor,
    parse: parsed,
    parsePlain: parsedPlain,
    events: parsed.value.events.length,
    incomplete: parsed.value.events.filter((e) => !e.complete).length,
    drift: parsed.value.drift.length,
    stream,
    streamPlain,
    streamKills: stream.value,
    split: lines,
    readRecord: records,
    skim: skims,
    mayBeOom,
    recognize: recognized,
    recognizePlain: recognizedPlain,
    records: joined.length,
    setAside: joined.filter((r) => r.entry === SET_ASIDE).length,
  };
}

interface ChildRun {
  wallMs: number;
  /** User + system CPU time: the figure that holds when other work shares the machine. */
  cpuMs: number | null;
  maxRssKb: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command with stdout to /dev/null or captured; wall clock here, CPU and memory from GNU time or the node hook. */
function runChild(command: string, args: readonly string[], captureStdout = false): ChildRun {
  const gnuTime = existsSync(GNU_TIME);
  const [file, argv] = gnuTime
    ? [GNU_TIME, ['-f', 'bench-time %U %S %M', command, ...args]]
    : [command, command === process.execPath ? ['--import', USAGE_HOOK, ...args] : [...args]];
  const devNull = openSync('/dev/null', 'w');
  try {
    const start = performance.now();
    const child = spawnSync(file, argv, {
      stdio: ['ignore', captureStdout ? 'pipe' : devNull, 'pipe'],
      encoding: 'utf8',
      maxBuffer: 64 * MIB,
    });
    const wallMs = performance.now() - start;
    if (child.error !== undefined) throw child.error;
    const timeLine = /^bench-time ([\d.]+) ([\d.]+) (\d+)$/m.exec(child.stderr);
    const hookLine = /^bench-usage ([\d.]+) (\d+)$/m.exec(child.stderr);
    const cpuMs =
      timeLine !== null
        ? (Number(timeLine[1]) + Number(timeLine[2])) * 1000
        : hookLine !== null
          ? Number(hookLine[1]) * 1000
          : null;
    const maxRss = timeLine?.[3] ?? hookLine?.[2];
    return {
      wallMs,
      cpuMs,
      maxRssKb: maxRss === undefined ? null : Number(maxRss),
      stdout: child.stdout ?? '',
      stderr: child.stderr,
    };
  } finally {
    closeSync(devNull);
  }
}

function buildBin(): void {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('npm run build failed');
}

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
}

function printTable(rows: ReadonlyArray<readonly string[]>): void {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
  for (const r of rows) console.log(row(r, widths));
}

const log = generatedLog();
const mib = log.bytes / MIB;
console.log(
  `input: ${LOG}, ${mib.toFixed(1)} MiB, ${log.lines.toLocaleString('en')} lines, ${log.kills.toLocaleString('en')} kills written`,
);
console.log(
  `  reports: ${Object.entries(log.reports)
    .map(([format, n]) => `${format} ${n}`)
    .join(', ')}`,
);
console.log(
  `  envelopes (lines): ${Object.entries(log.envelopes)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ')}`,
);
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}\n`,
);

const parser = inProcess();
buildBin();
const scans = Array.from({ length: RUNS }, () => runChild(process.execPath, [BIN, 'scan', '--json', LOG]));
const greps = Array.from({ length: RUNS }, () => runChild('grep', ['-c', 'oom', LOG], true));
const wall = { scan: median(scans.map((r) => r.wallMs)), grep: median(greps.map((r) => r.wallMs)) };
const cpu = {
  scan: scans.every((r) => r.cpuMs !== null) ? median(scans.map((r) => r.cpuMs as number)) : null,
  grep: greps.every((r) => r.cpuMs !== null) ? median(greps.map((r) => r.cpuMs as number)) : null,
};
const peakRss = Math.max(...scans.map((s) => s.maxRssKb ?? 0));
const summary = /^scan: .*$/m.exec(scans[0]?.stderr ?? '')?.[0] ?? '(no summary)';

const seconds = (ms: number | null): string => (ms === null ? '-' : `${(ms / 1000).toFixed(2)} s`);
const perSecond = (ms: number): string =>
  `${(mib / (ms / 1000)).toFixed(1)} MiB/s, ${Math.round(log.lines / (ms / 1000)).toLocaleString('en')} lines/s`;
const inProcessCells = (t: Timing): string[] => [seconds(t.ms), seconds(t.cpuMs), perSecond(t.ms)];
printTable([
  ['measure', 'wall', 'cpu', 'throughput (wall)'],
  ['floor: read, decode, split, one search per line', ...inProcessCells(parser.floor)],
  ['parser in-process: parseKernelLog (whole text)', ...inProcessCells(parser.parse)],
  ['  the same with { prefilter: false }', ...inProcessCells(parser.parsePlain)],
  ['parser in-process: KernelLogScanner (1 MiB chunks)', ...inProcessCells(parser.stream)],
  ['  the same with { prefilter: false }', ...inProcessCells(parser.streamPlain)],
  ['  stage: split the text into lines', ...inProcessCells(parser.split)],
  ['  stage: readLogRecord (every line)', ...inProcessCells(parser.readRecord)],
  ['  stage: skimLogRecord (every line)', ...inProcessCells(parser.skim)],
  ['  stage: mayBeOomText (every skimmed record)', ...inProcessCells(parser.mayBeOom)],
  ['  stage: parseKernelLine (every record)', ...inProcessCells(parser.recognize)],
  ['  the same with { prefilter: false }', ...inProcessCells(parser.recognizePlain)],
  [
    `scan --json > /dev/null (built bin, median of ${RUNS})`,
    seconds(wall.scan),
    seconds(cpu.scan),
    perSecond(wall.scan),
  ],
  [`grep -c oom (median of ${RUNS})`, seconds(wall.grep), seconds(cpu.grep), perSecond(wall.grep)],
]);
console.log('');
const ratio = (a: number | null, b: number | null): string =>
  a === null || b === null ? '-' : `${(a / b).toFixed(1)}×`;
console.log(
  `scan / grep: ${ratio(wall.scan, wall.grep)} wall, ${ratio(cpu.scan, cpu.grep)} cpu (goal: ≤ 3×)`,
);
console.log(
  `prefilter: ${parser.setAside.toLocaleString('en')} of ${parser.records.toLocaleString('en')} records set aside unread`,
);
console.log(`scan peak memory (max RSS): ${(peakRss / 1024).toFixed(0)} MiB`);
console.log(`scan says: ${summary}`);
console.log(
  `events: parseKernelLog ${parser.events} (${parser.incomplete} incomplete, ${parser.drift} drift), scanner ${parser.streamKills}, written ${log.kills}; grep -c oom counts ${greps[0]?.stdout.trim() ?? '?'} lines`,
);
console.log(
  `load average while measuring: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

if (existsSync('bench/parse-handler.ts')) {
  console.log('\n--- bench/parse-handler.ts ---');
  spawnSync(process.execPath, ['bench/parse-handler.ts'], { stdio: 'inherit' });
}
