/**
 * `npm run bench`: how fast the kernel-log parser and `scan` are on a 100 MiB realistic kernel log, against
 * `grep -c oom` on the same file (the goal: `scan --json` within 3× of grep), and how much memory `scan`
 * needs. Prints figures against their goals; not a test. Then runs the other benches: the parse handler's cost per
 * batch, the bundle sizes and cold imports, a kill's latency to its SNS publish, what the subscription forwards of
 * a real report, the parser on memory.oom.group kills of thousands of processes, and the parser's score on the
 * corpus of real reports.
 *
 * The parser's own figures come from bench/parser-stages.ts, one fresh process per measurement, taking turns
 * (the machine may be shared: a slow spell then touches every measure alike).
 *
 * The log is generated into .bench/ (seeded, so every run and machine reads the same bytes) and reused
 * while the generator's options are unchanged.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Measured } from './parser-stages.ts';
import type { GeneratedLog, GenerateOptions } from './kernel-log-generator.ts';
import { BENCH_LOG_OPTIONS, generateKernelLog } from './kernel-log-generator.ts';

const BENCH_DIR = '.bench';
const LOG = join(BENCH_DIR, 'kernel-100mib.log');
const LOG_FACTS = join(BENCH_DIR, 'kernel-100mib.json');
const OPTIONS: GenerateOptions = BENCH_LOG_OPTIONS;
const BIN = 'dist/eks-oom-alerts.mjs';
const RUNS = 5;
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

interface Timing {
  ms: number;
  cpuMs: number;
  /** The least CPU time of the runs: the one the machine's other work disturbed least. */
  leastCpuMs: number;
}

/** The in-process measures (bench/parser-stages.ts), as the table shows them. */
const STAGE_ROWS: ReadonlyArray<[string, string]> = [
  ['floor', 'floor: read, decode, split, one search per line'],
  ['floor-in-place', 'floor of the in-place path: read, decode, one search per 64 KiB, line ends'],
  ['parse', 'parser in-process: parseKernelLog (whole text)'],
  ['parse-plain', '  the same with { prefilter: false }'],
  ['scan', 'parser in-process: KernelLogScanner (1 MiB chunks)'],
  ['scan-plain', '  the same with { prefilter: false }'],
  ['split', '  stage: split the text into lines'],
  ['read-log-record', '  stage: readLogRecord (every line)'],
  ['skim-log-record', '  stage: skimLogRecord (every line)'],
  ['may-be-oom-text', '  stage: mayBeOomText (every skimmed record)'],
  ['parse-kernel-line', '  stage: parseKernelLine (every record)'],
  ['parse-kernel-line-plain', '  the same with { prefilter: false }'],
];

function measureInChild(name: string): Measured {
  const child = spawnSync(process.execPath, ['bench/parser-stages.ts', name], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: MIB,
  });
  if (child.status !== 0) throw new Error(`bench/parser-stages.ts ${name} exited with ${child.status}`);
  return JSON.parse(child.stdout) as Measured;
}

/** Each measure RUNS times, each in a fresh process, the measures taking turns; the median of each. */
function inProcess(): Map<string, { timing: Timing; value: unknown }> {
  const runs = new Map<string, Measured[]>(STAGE_ROWS.map(([name]) => [name, []]));
  for (let round = 0; round < RUNS; round++) {
    for (const [name] of STAGE_ROWS) runs.get(name)?.push(measureInChild(name));
  }
  return new Map(
    [...runs].map(([name, measured]) => [
      name,
      {
        timing: {
          ms: median(measured.map((m) => m.ms)),
          cpuMs: median(measured.map((m) => m.cpuMs)),
          leastCpuMs: Math.min(...measured.map((m) => m.cpuMs)),
        },
        value: measured[0]?.value,
      },
    ]),
  );
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

const stages = inProcess();
const timing = (name: string): Timing =>
  stages.get(name)?.timing ?? { ms: Number.NaN, cpuMs: Number.NaN, leastCpuMs: Number.NaN };
const parsed = stages.get('parse')?.value as { events: number; incomplete: number; drift: number };
const setAside = measureInChild('set-aside').value as { records: number; setAside: number };
buildBin();
const scans: ChildRun[] = [];
const greps: ChildRun[] = [];
for (let round = 0; round < RUNS; round++) {
  scans.push(runChild(process.execPath, [BIN, 'scan', '--json', LOG]));
  greps.push(runChild('grep', ['-c', 'oom', LOG], true));
}
const wall = { scan: median(scans.map((r) => r.wallMs)), grep: median(greps.map((r) => r.wallMs)) };
const cpuOf = (runs: readonly ChildRun[]): number[] | null =>
  runs.every((r) => r.cpuMs !== null) ? runs.map((r) => r.cpuMs as number) : null;
const cpuRuns = { scan: cpuOf(scans), grep: cpuOf(greps) };
const cpu = {
  scan: cpuRuns.scan === null ? null : median(cpuRuns.scan),
  grep: cpuRuns.grep === null ? null : median(cpuRuns.grep),
};
const leastCpu = {
  scan: cpuRuns.scan === null ? null : Math.min(...cpuRuns.scan),
  grep: cpuRuns.grep === null ? null : Math.min(...cpuRuns.grep),
};
const peakRss = Math.max(...scans.map((s) => s.maxRssKb ?? 0));
const summary = /^scan: .*$/m.exec(scans[0]?.stderr ?? '')?.[0] ?? '(no summary)';

const seconds = (ms: number | null): string => (ms === null ? '-' : `${(ms / 1000).toFixed(2)} s`);
const perSecond = (ms: number): string =>
  `${(mib / (ms / 1000)).toFixed(1)} MiB/s, ${Math.round(log.lines / (ms / 1000)).toLocaleString('en')} lines/s`;
printTable([
  [`measure (median of ${RUNS}, each in a fresh process)`, 'wall', 'cpu', 'least cpu', 'throughput (wall)'],
  ...STAGE_ROWS.map(([name, label]) => {
    const t = timing(name);
    return [label, seconds(t.ms), seconds(t.cpuMs), seconds(t.leastCpuMs), perSecond(t.ms)];
  }),
  [
    'scan --json > /dev/null (built bin)',
    seconds(wall.scan),
    seconds(cpu.scan),
    seconds(leastCpu.scan),
    perSecond(wall.scan),
  ],
  ['grep -c oom', seconds(wall.grep), seconds(cpu.grep), seconds(leastCpu.grep), perSecond(wall.grep)],
]);
console.log('');
const ratio = (a: number | null, b: number | null): string =>
  a === null || b === null ? '-' : `${(a / b).toFixed(1)}×`;
console.log(
  `scan / grep: ${ratio(wall.scan, wall.grep)} wall, ${ratio(cpu.scan, cpu.grep)} cpu, ${ratio(leastCpu.scan, leastCpu.grep)} least cpu (goal: ≤ 3×)`,
);
console.log(
  `prefilter: ${setAside.setAside.toLocaleString('en')} of ${setAside.records.toLocaleString('en')} records set aside unread`,
);
const SCAN_MEMORY_GOAL_MIB = 100;
console.log(
  `scan peak memory (max RSS): ${(peakRss / 1024).toFixed(0)} MiB (goal ≤ ${SCAN_MEMORY_GOAL_MIB} MiB: ${peakRss / 1024 <= SCAN_MEMORY_GOAL_MIB ? 'met' : 'missed'})`,
);
console.log(`scan says: ${summary}`);
console.log(
  `events: parseKernelLog ${parsed.events} (${parsed.incomplete} incomplete, ${parsed.drift} drift), scanner ${String(stages.get('scan')?.value)}, written ${log.kills}; grep -c oom counts ${greps[0]?.stdout.trim() ?? '?'} lines`,
);
console.log(
  `load average while measuring: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

for (const bench of [
  'bench/parse-handler.ts',
  'bench/scan-memory.ts',
  'bench/lambda-bundles.ts',
  'bench/pipeline-latency.ts',
  'bench/forwarding-cost.ts',
  'bench/group-kill.ts',
  'bench/corpus-score.ts',
]) {
  console.log(`\n--- ${bench} ---`);
  spawnSync(process.execPath, [bench], { stdio: 'inherit' });
}
