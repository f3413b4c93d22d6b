/**
 * `node bench/profile-scan.ts`: where `scan --json` spends its CPU on the benchmark's log. Runs the built bin
 * (npm run build; the log from npm run bench) under `node --cpu-prof` and prints the functions with the most
 * time, by their own time and with what they call, as shares of the profile.
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
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
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
  console.log(`profile of ${BIN} scan --json ${LOG}: ${(total / 1000).toFixed(0)} ms\n\nown time:`);
  console.log(top(selfTime, total).join('\n'));
  console.log('\nwith what it calls:');
  console.log(top(totalTime, total).join('\n'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
