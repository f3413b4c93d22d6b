/**
 * `node bench/profile-scan.ts`: where `scan --json` spends its CPU on the benchmark's log. Runs the built bin
 * (npm run build; the log from npm run bench) under `node --cpu-prof` and prints the time of each stage of
 * the scan, then the functions with the most time, by their own time and with what they call, as shares of
 * the profile.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOG = '.bench/kernel-100mib.log';
const BIN = 'dist/eks-oom-alerts.mjs';
const SHOWN = 25;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function nameOf(node: ProfileNode): string {
  const file = node.callFrame.url.split('/').at(-1) ?? '';
  return `${node.callFrame.functionName || '(anonymous)'} ${file}:${node.callFrame.lineNumber + 1}`;
}

/**
 * The stages of a scan, each by the functions that start it: a sample counts towards the stage of the
 * innermost of them on its stack (the assembler's own search for OOM text is the assembler's), else `other`.
 */
const STAGES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['garbage collection', ['(garbage collector)']],
  ['idle (waiting for reads)', ['(idle)']],
  ['search for OOM text (chunk-marks.ts)', ['find']],
  ['line shapes in place (record-shape.ts lineShapeAt)', ['lineShapeAt']],
  ['frames and other writers in place (frameTimeAt, otherWriterAt)', ['frameTimeAt', 'otherWriterAt']],
  ['the assembler (assembleReports)', ['assembleReports']],
  [
    'lines read in full (readLogRecord, the joiner, pendingOf)',
    [
      'readLogRecord',
      'skimLogRecord',
      'lineCopy',
      'pendingOf',
      'takeRecords',
      'release',
      'finish',
      'endSample',
    ],
  ],
  ['UTF-8 decoding', ['decode']],
  ['file reads', ['readAt']],
  ['JSON output', ['kills']],
  [
    'the line loop (takeInPlace, takeMarked, batches)',
    [
      'takeInPlace',
      'takeMarked',
      'takeQuiet',
      'takeSlices',
      'takeSlice',
      'takeText',
      'takeLine',
      'push',
      'assemble',
    ],
  ],
];
const OTHER = 'other (module loading, start, boot time)';

function stageOf(id: number, byId: Map<number, ProfileNode>, parent: Map<number, number>): string {
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const name = (byId.get(at) as ProfileNode).callFrame.functionName;
    for (const [stage, names] of STAGES) if (names.includes(name)) return stage;
  }
  return OTHER;
}

function top(times: Map<string, number>, total: number): string[] {
  return [...times]
    .sort((a, b) => b[1] - a[1])
    .slice(0, SHOWN)
    .map(
      ([name, us]) =>
        `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(5)} ms  ${name}`,
    );
}

const dir = mkdtempSync(join(tmpdir(), 'scan-profile-'));
try {
  const run = spawnSync(
    process.execPath,
    ['--cpu-prof', `--cpu-prof-dir=${dir}`, BIN, 'scan', '--json', LOG],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (run.status !== 0) throw new Error(`scan exited with ${run.status}`);
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error('no profile written');
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfTime = new Map<string, number>();
  const totalTime = new Map<string, number>();
  const stageTime = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const stage = stageOf(id, byId, parent);
    stageTime.set(stage, (stageTime.get(stage) ?? 0) + us);
    const node = byId.get(id) as ProfileNode;
    selfTime.set(nameOf(node), (selfTime.get(nameOf(node)) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = nameOf(byId.get(at) as ProfileNode);
      if (seen.has(name)) continue;
      seen.add(name);
      totalTime.set(name, (totalTime.get(name) ?? 0) + us);
    }
  });
  console.log(`profile of ${BIN} scan --json ${LOG}: ${(total / 1000).toFixed(0)} ms\n\nby stage:`);
  console.log(top(stageTime, total).join('\n'));
  console.log('\nown time:');
  console.log(top(selfTime, total).join('\n'));
  console.log('\nwith what it calls:');
  console.log(top(totalTime, total).join('\n'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
