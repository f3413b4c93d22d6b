/**
 * How the parser copes with a memory.oom.group kill of thousands of processes (issue 10): one report of a 6.x
 * kernel on cgroup v2, its task dump listing every member, the victim's kill line, the group line, then a kill
 * line per member (the victim again among them), as Fluent Bit kmsg records. Each size is parsed in a fresh
 * process (`parseKernelLog`, the whole text in memory) that reports its wall time, its CPU time, and what the parse
 * added to the peak resident set and to the heap. `node bench/group-kill.ts` (Node 24); not a test.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { parseKernelLog } from '../shared/kernel-log.ts';

const SIZES = [0, 1000, 3000, 5000];
const RUNS = 5;
const CGROUP =
  '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod6b1f7c2e_0d3a_4e5b_9c8d_7a6f5e4d3c2b.slice/cri-containerd-c0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeecafe.scope';

interface Measured {
  members: number;
  bytes: number;
  events: number;
  coVictimCount: number;
  eventBytes: number;
  ms: number;
  cpuMs: number;
  rssGrowthKb: number;
  heapGrowthKb: number;
}

function groupKillLog(members: number): string {
  const pid = (i: number): number => 200_000 + i;
  const kill = (i: number): string =>
    `Memory cgroup out of memory: Killed process ${pid(i)} (php-fpm) total-vm:${300_000 + i}kB, anon-rss:${20_000 + i}kB, file-rss:1204kB, shmem-rss:0kB, UID:33 pgtables:${64 + (i % 50)}kB oom_score_adj:999`;
  const texts = [
    'php-fpm invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=999',
    `CPU: 3 PID: ${pid(0)} Comm: php-fpm Not tainted 6.1.115-126.197.amzn2023.x86_64 #1`,
    'memory: usage 2097152kB, limit 2097152kB, failcnt 4821',
    'swap: usage 0kB, limit 0kB, failcnt 0',
    `Memory cgroup stats for ${CGROUP}:`,
    'Tasks state (memory values in pages):',
    '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
    ...Array.from(
      { length: members },
      (_, i) =>
        `[${String(pid(i)).padStart(7)}]    33 ${pid(i)}    75000     5000   409600        0           999 php-fpm`,
    ),
    `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${CGROUP},task_memcg=${CGROUP},task=php-fpm,pid=${pid(0)},uid=33`,
    kill(0),
    `Tasks in ${CGROUP} are going to be killed due to memory.oom.group set`,
    ...Array.from({ length: members }, (_, i) => kill(i)),
  ];
  return texts
    .map((msg, i) => JSON.stringify({ priority: 3, sequence: i, sec: 4194, usec: 7 * i, msg }))
    .join('\n');
}

function measure(members: number): Measured {
  const text = groupKillLog(members);
  globalThis.gc?.();
  const rssBefore = process.resourceUsage().maxRSS;
  const heapBefore = process.memoryUsage().heapUsed;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const { events } = parseKernelLog(text, { node: 'ip-10-0-7-41' });
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    members,
    bytes: Buffer.byteLength(text),
    events: events.length,
    coVictimCount: events[0]?.coVictimCount ?? 0,
    eventBytes: Math.max(0, ...events.map((e) => Buffer.byteLength(JSON.stringify(e)))),
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssGrowthKb: process.resourceUsage().maxRSS - rssBefore,
    heapGrowthKb: Math.max(0, Math.round((process.memoryUsage().heapUsed - heapBefore) / 1024)),
  };
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

const child = process.argv.indexOf('--members');
if (child >= 0) {
  process.stdout.write(JSON.stringify(measure(Number(process.argv[child + 1]))));
} else {
  const rows = SIZES.map((members) => {
    const runs = Array.from({ length: RUNS }, () => {
      const out = spawnSync(
        process.execPath,
        ['--expose-gc', 'bench/group-kill.ts', '--members', String(members)],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      if (out.status !== 0)
        throw new Error(`bench/group-kill.ts --members ${members} exited with ${out.status}`);
      return JSON.parse(out.stdout) as Measured;
    });
    const first = runs[0] as Measured;
    const mid = (key: 'ms' | 'cpuMs' | 'rssGrowthKb' | 'heapGrowthKb'): number =>
      median(runs.map((r) => r[key]));
    return [
      String(members),
      `${(first.bytes / 1024).toFixed(0)} KiB`,
      `${first.events} (coVictimCount ${first.coVictimCount})`,
      `${(first.eventBytes / 1024).toFixed(1)} KiB`,
      `${mid('ms').toFixed(1)} ms`,
      `${mid('cpuMs').toFixed(1)} ms`,
      `${(mid('rssGrowthKb') / 1024).toFixed(1)} MiB`,
      `${(mid('heapGrowthKb') / 1024).toFixed(1)} MiB`,
    ];
  });
  const header = [
    'members',
    'input',
    'events',
    'event JSON',
    'parse (wall)',
    'parse (CPU)',
    'peak RSS +',
    'heap +',
  ];
  process.stdout.write(
    [
      `memory.oom.group report parsed by parseKernelLog, median of ${RUNS} fresh processes (Node ${process.version})`,
      `| ${header.join(' | ')} |`,
      `| ${header.map(() => '---').join(' | ')} |`,
      ...rows.map((row) => `| ${row.join(' | ')} |`),
      '',
    ].join('\n'),
  );
}
