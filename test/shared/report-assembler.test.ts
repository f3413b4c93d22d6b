import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKernelLog } from '../../shared/kernel-log.ts';
import { readLogRecord } from '../../shared/log-record.ts';
import type { OomEvent } from '../../shared/oom-event.ts';
import type { AssemblerState, InputLine } from '../../shared/report-assembler.ts';
import { assembleReports } from '../../shared/report-assembler.ts';

const fixtures = join(import.meta.dirname, '../fixtures/kernel-logs');
const realReport = readFileSync(join(fixtures, 'kernel-6.18-cgroupv1-memcg.dmesg.log'), 'utf8').split('\n');
// Lines 4–82 of the real 6.18 dmesg: the first OOM report, header to kill line.
const FIRST_REPORT = realReport.slice(3, 82);

const POD = '3962896b-ab69-4572-8f1d-ee756f9f3589';
const NODE_PREFIX =
  '/docker/5e1b7b2c9d0f4a6e8c3b1d2f0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2910/kubepods/burstable';
const POD_PATH = `${NODE_PREFIX}/pod${POD}`;
const VICTIM_ID = 'a2172e8d1101b4393d934a3a3fb902260c945c360ed278bbdef80cb45fbb9419';

function inputs(lines: readonly string[]): InputLine[] {
  return lines.flatMap((raw, i) => {
    const entry = readLogRecord(raw);
    return entry === null ? [] : [{ entry, ref: i + 1 }];
  });
}

const STREAM = { node: 'ip-10-0-1-23', source: { logGroup: '/k', logStream: 'ip-10-0-1-23.kernel' } };

function feed(lines: readonly string[], state: AssemblerState | null, final: boolean) {
  return assembleReports(inputs(lines), state, STREAM, { final });
}

function roundTrip(state: AssemblerState): AssemblerState {
  return JSON.parse(JSON.stringify(state)) as AssemblerState;
}

describe('a report split across inputs', () => {
  it('is completed when the state is carried between calls (JSON round-tripped)', () => {
    const whole = feed(FIRST_REPORT, null, true).events;
    for (const cut of [1, 20, 33, 78]) {
      const first = feed(FIRST_REPORT.slice(0, cut), null, false);
      expect(first.events).toEqual([]);
      const second = feed(FIRST_REPORT.slice(cut), roundTrip(first.state), false);
      expect(second.events.map((e) => ({ ...e, source: null }))).toEqual(
        whole.map((e) => ({ ...e, source: null })),
      );
      expect(second.events[0]).toMatchObject({
        complete: true,
        pod: { uid: POD },
        container: { id: VICTIM_ID },
      });
    }
  });

  it('keeps a report waiting for its kill line only while more input may come', () => {
    const headerOnly = FIRST_REPORT.slice(0, 40);
    expect(feed(headerOnly, null, false).state.open).not.toBeNull();
    expect(feed(headerOnly, null, true).state.open).toBeNull();
  });

  it("leaves the caller's state as it was: its open report, recent kills and recent tables", () => {
    // The first report closes on the second's header: its kill and task table are recent, the second is open.
    const before = feed([...FIRST_REPORT, ...FIRST_REPORT.slice(0, 40)], null, false).state;
    expect([before.open !== null, before.recentKills.length, before.recentTables.length]).toEqual([
      true,
      1,
      1,
    ]);
    const text = JSON.stringify(before);
    const rest = FIRST_REPORT.slice(40).map((line) => line.replace('[ 3467.', '[ 3471.'));

    const after = feed(rest, before, false);

    expect(JSON.stringify(before)).toBe(text);
    expect(after.state.recentKills).toHaveLength(2);
    expect(after).toEqual(feed(rest, roundTrip(before), false));
  });

  it('gives no second event when the same report is fed again (kmsg replay)', () => {
    const once = feed(FIRST_REPORT, null, false);
    expect(once.events).toHaveLength(1);
    expect(feed(FIRST_REPORT, roundTrip(once.state), false).events).toEqual([]);
  });
});

describe('storms, groups and the lines that are not kills', () => {
  it('turns kill lines with no header into incomplete events, placed by a recent task table', () => {
    // The real report, with a second python3 worker in its task table.
    const row = FIRST_REPORT.findIndex((l) => l.includes('[   2874]'));
    const withWorker = [
      ...FIRST_REPORT.slice(0, row + 1),
      '[ 3467.508220] [   2880]     0  2880    18790    17950    16288     1662         0   188416        0             0 python3',
      ...FIRST_REPORT.slice(row + 1),
    ];
    const storm = [
      ...withWorker,
      '[ 3467.700000] oom_kill_process: 5 callbacks suppressed',
      '[ 3467.800000] Memory cgroup out of memory: Killed process 2880 (python3) total-vm:75160kB, anon-rss:65152kB, file-rss:6648kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0',
      '[ 3467.900000] Memory cgroup out of memory: Killed process 5555 (stranger) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0',
    ];
    const events = parseKernelLog(storm.join('\n')).events;
    expect(events.map((e) => [e.victim.pid, e.complete, e.pod?.uid ?? null, e.constraint])).toEqual([
      [2874, true, POD, 'memcg'],
      [2880, false, POD, 'memcg'],
      [5555, false, null, 'memcg'],
    ]);
    expect(events[1]?.cgroup).toEqual({ oom: POD_PATH, task: null });
  });

  it('memory.oom.group: one invocation is one event, the others killed are its co-victims in kernel order', () => {
    const group = `${POD_PATH}/${VICTIM_ID}`;
    const events = parseKernelLog(
      [
        '[ 9.000000] app invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
        `[ 9.000001] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${group},task_memcg=${group},task=app,pid=100,uid=0`,
        '[ 9.000002] Memory cgroup out of memory: Killed process 100 (app) total-vm:9kB, anon-rss:800kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0',
        `[ 9.000003] Tasks in ${group} are going to be killed due to memory.oom.group set`,
        '[ 9.000004] Memory cgroup out of memory: Killed process 101 (worker 1) total-vm:9kB, anon-rss:300kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0',
        '[ 9.000005] Memory cgroup out of memory: Killed process 102 (worker 2) total-vm:9kB, anon-rss:200kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0',
      ].join('\n'),
    ).events;
    expect(events.map((e) => [e.victim.pid, e.container?.id, e.complete, e.limitScope])).toEqual([
      [100, VICTIM_ID, true, 'container'],
    ]);
    expect(events[0]?.coVictims).toEqual([
      { pid: 101, name: 'worker 1', anonRssKb: 300 },
      { pid: 102, name: 'worker 2', anonRssKb: 200 },
    ]);
    expect(events[0]?.coVictimCount).toBe(2);
  });

  it('memory.oom.group does not swallow later kills: not in its task table, too late, or after suppressed lines', () => {
    const group = `${POD_PATH}/${VICTIM_ID}`;
    const kill = (pid: number, name: string) =>
      `Memory cgroup out of memory: Killed process ${pid} (${name}) total-vm:9kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0`;
    const record = (msg: string) => JSON.stringify({ host: 'ip-10-0-1-23', ident: 'kernel', message: msg });
    // Container Insights records carry no time: only the task table can tell a member from a stranger.
    const events = parseKernelLog(
      [
        record('app invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0'),
        record('[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name'),
        record('[    100]     0   100     2000     1000    40960        0             0 app'),
        record('[    101]     0   101     2000      500    40960        0             0 worker'),
        record(
          `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${group},task_memcg=${group},task=app,pid=100,uid=0`,
        ),
        record(kill(100, 'app')),
        record(`Tasks in ${group} are going to be killed due to memory.oom.group set`),
        record(kill(101, 'worker')),
        record(kill(555, 'stranger')),
      ].join('\n'),
    ).events;
    expect(events.map((e) => [e.victim.pid, e.coVictims.map((c) => c.pid), e.pod?.uid ?? null])).toEqual([
      [100, [101], POD],
      [555, [], null],
    ]);
    const timed = parseKernelLog(
      [
        `[ 9.0] Tasks in ${group} are going to be killed due to memory.oom.group set`,
        `[ 9.1] ${kill(100, 'app')}`,
        `[ 9.2] ${kill(101, 'worker')}`,
        '[ 9.3] oom_kill_process: 4 callbacks suppressed',
        `[ 9.4] ${kill(102, 'worker')}`,
        `[ 12.0] ${kill(103, 'worker')}`,
      ].join('\n'),
    ).events;
    expect(timed.map((e) => [e.victim.pid, e.coVictimCount])).toEqual([
      [100, 1],
      [102, 0],
      [103, 0],
    ]);
  });

  it('a victim already exiting is not a kill', () => {
    const events = parseKernelLog(
      [
        `[ 5.0] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${POD_PATH},task_memcg=${POD_PATH}/${VICTIM_ID},task=php-fpm,pid=4242,uid=0`,
        '[ 5.1] Memory cgroup out of memory: OOM victim 4242 (php-fpm) is already exiting. Skip killing the task',
      ].join('\n'),
    ).events;
    expect(events).toEqual([]);
  });

  it('a summary line whose kill line never came still names the kill, as incomplete', () => {
    const [event] = parseKernelLog(
      `[ 5.0] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${POD_PATH},task_memcg=${POD_PATH}/${VICTIM_ID},task=php-fpm,pid=4242,uid=33`,
    ).events;
    expect(event).toMatchObject({
      victim: { pid: 4242, name: 'php-fpm', uid: 33, anonRssKb: null },
      complete: false,
      kernelTime: 5,
    });
  });

  it('a reaper line alone is evidence of a kill; after its kill line it adds nothing', () => {
    const reaped =
      '[ 7.5] oom_reaper: reaped process 3131 (celery), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB';
    const [alone] = parseKernelLog(reaped).events;
    expect(alone).toMatchObject({ victim: { pid: 3131, name: 'celery', anonRssKb: null }, complete: false });
    const afterKill = parseKernelLog(
      [
        '[ 7.4] Out of memory: Killed process 3131 (celery) total-vm:10kB, anon-rss:5kB, file-rss:0kB, shmem-rss:0kB',
        reaped,
      ].join('\n'),
    ).events;
    expect(afterKill.map((e) => [e.victim.pid, e.victim.anonRssKb, e.constraint, e.limitScope])).toEqual([
      [3131, 5, 'system', 'node'],
    ]);
  });

  it('a reaper line that arrives after the next header does not become that report victim', () => {
    const events = parseKernelLog(
      [
        '[ 8.0] app invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
        '[ 8.1] oom_reaper: reaped process 77 (old), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
        '[ 8.2] Memory cgroup out of memory: Killed process 78 (app) total-vm:10kB, anon-rss:5kB, file-rss:0kB, shmem-rss:0kB',
      ].join('\n'),
    ).events;
    expect(events.map((e) => [e.victim.pid, e.trigger?.name ?? null])).toEqual([
      [77, null],
      [78, 'app'],
    ]);
  });

  it('the older sacrifice-child pair: the second pid died (cri-o/cri-o#1975)', () => {
    const [event] = parseKernelLog(
      readFileSync(join(fixtures, 'dmesg-4.9-crio-runc-init-sacrifice.log'), 'utf8'),
    ).events;
    expect(event?.victim).toMatchObject({
      pid: 387951,
      name: 'runc:[2:INIT]',
      anonRssKb: 3000,
      oomScoreAdj: -998,
    });
  });

  it('a gap in time closes a report cut off before its kill', () => {
    const events = parseKernelLog(readFileSync(join(fixtures, 'kmsg-raw-fragments.log'), 'utf8')).events;
    expect(events.map((e) => [e.victim.pid, e.trigger])).toEqual([[61746, null]]);
  });

  it('a report a slow console printed over more than 10 s stays one: the gap is counted from its last line (thirty-second red team B)', () => {
    // The kernel writes each line to a serial console before the next: a 3.10 memcg report's 200 rows, 50 ms apart.
    const rows = Array.from(
      { length: 200 },
      (_, i) =>
        `[  ${(100.25 + i * 0.05).toFixed(6)}] [ ${5000 + i}]  1000  ${5000 + i}   100000     5000      20        0             0 worker`,
    );
    const { events, drift } = parseKernelLog(
      [
        '[  100.000000] java invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0',
        '[  100.000100] CPU: 3 PID: 4321 Comm: java Not tainted 3.10.0-957.el7.x86_64 #1',
        '[  100.100000] Task in /docker/abc killed as a result of limit of /docker/abc',
        '[  100.100100] memory: usage 524288kB, limit 524288kB, failcnt 77',
        '[  100.200000] [ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name',
        ...rows,
        '[  110.300000] Memory cgroup out of memory: Kill process 5003 (worker) score 1 or sacrifice child',
        '[  110.350000] Killed process 5003 (worker) total-vm:400000kB, anon-rss:20000kB, file-rss:0kB, shmem-rss:0kB',
      ].join('\n'),
    );
    expect(drift).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      victim: { pid: 5003, uid: 1000 },
      trigger: { name: 'java', pid: 4321 },
      cgroup: { oom: '/docker/abc' },
      complete: true,
    });
    // A report's own lines more than 10 s apart are two reports' (kmsg-raw-fragments above).
  });

  it('report context printed on another clock (a time before the report) neither joins nor closes it (seventy-third red team B, corpus 320)', () => {
    // rust-lang/rust-analyzer#16908: an author pasted an older report's task-table title and heading into a newer one.
    const { events, drift } = parseKernelLog(
      [
        '[2862128.625072] gjs invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=200',
        '[...]',
        '[2721289.221086] Tasks state (memory values in pages):',
        '[2721289.221087] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
        '[...]',
        '[2862128.625531] [3362372]  1000 3362372  7956223  4677234 37851136        0           100 rust-analyzer',
        '[2862128.625582] Out of memory: Killed process 3362372 (rust-analyzer) total-vm:31824892kB, anon-rss:18706536kB, file-rss:2400kB, shmem-rss:0kB, UID:1000 pgtables:36964kB oom_score_adj:100',
      ].join('\n'),
    );
    expect(drift).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      victim: { pid: 3362372, name: 'rust-analyzer', anonRssKb: 18706536 },
      trigger: { name: 'gjs', order: 0, oomScoreAdj: 200 },
      constraint: 'system',
    });
  });

  it('report context a moment after the report, or another clock’s report line before it, still closes it', () => {
    const header =
      '[ 5000.000000] gjs invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=200';
    const kill = (time: string) =>
      `[${time}] Out of memory: Killed process 42 (worker) total-vm:400000kB, anon-rss:20000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:100kB oom_score_adj:0`;
    // Forward: the report was cut off (a gap); backward: another boot's or node's kill line, which begins its own report.
    for (const [line, time] of [
      ['[ 5020.000000] Tasks state (memory values in pages):', '5020.000100'],
      [
        '[ 4000.000000] Out of memory: Killed process 7 (other) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0',
        ' 5000.000100',
      ],
    ] as const) {
      const { events, drift } = parseKernelLog([header, line, kill(time)].join('\n'));
      expect(drift.map((d) => d.text)).toContain(header.slice(15));
      expect(events.at(-1)).toMatchObject({ victim: { pid: 42 }, trigger: null });
    }
  });
});

describe('text that is not a kernel OOM report', () => {
  it('ignores OOM text written by other programs', () => {
    const { events, drift } = parseKernelLog(
      'Jul 12 12:11:16 node-4 systemd[1]: cri-containerd-1.scope: A process of this unit has been killed by the OOM killer.',
    );
    expect([events, drift]).toEqual([[], []]);
  });

  it('a writer quoting the header between the report’s fences neither ends nor replaces it (U/11, corpus 239)', () => {
    const stamp = '[Sun Aug 11 20:21:28 2024]';
    const prose = 'kswapd0 invoked oom-killer: 由谁触发的 OOM Killer, ';
    const { events, drift } = parseKernelLog(
      [
        `${stamp} kswapd0 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0`,
        `${stamp} CPU: 5 PID: 111 Comm: kswapd0 Not tainted 6.9.8-orbstack-00170-g7b4100b7ced4 #1`,
        '```',
        '',
        prose,
        '',
        '```',
        `${stamp} Out of memory: Killed process 5071 (a.out) total-vm:11165614668kB, anon-rss:9845504kB, file-rss:128kB, shmem-rss:0kB, UID:0 pgtables:21850556kB oom_score_adj:0`,
      ].join('\n'),
    );
    expect(events).toMatchObject([
      {
        victim: { pid: 5071, name: 'a.out' },
        trigger: { name: 'kswapd0', pid: 111, gfpMask: '0xcc0(GFP_KERNEL)', order: 0, oomScoreAdj: 0 },
      },
    ]);
    // Kept as OOM text no recognizer read, as other prose about the report is.
    expect(drift).toMatchObject([{ text: prose, ref: 5 }]);
  });
});

describe('kills known by one line, and lines that name no kill (issue 10)', () => {
  const DOCKER_ID = 'e8b39b5a5eb111575dbf5707c7df00580a7739ea0a024c5524cd19ad64880730';

  it('a `Task in` line alone is a kill of a process with no pid: its cgroup names the container', () => {
    // PaddlePaddle/Paddle#21802 (corpus 07): grep output, two of its four lines.
    const { events, drift } = parseKernelLog(
      [
        `Task in /docker/${DOCKER_ID} killed as a result of limit of /docker/${DOCKER_ID}`,
        'Task in /docker/4ecde816f991142f2218fbdff2669553c37a8ce91a0d1852352e76f2410d0368 killed as a result of limit of /docker/4ecde816f991142f2218fbdff2669553c37a8ce91a0d1852352e76f2410d0368',
      ].join('\n'),
    );
    expect(drift).toEqual([]);
    expect(events.map((e) => [e.victim.pid, e.container, e.limitScope, e.constraint, e.complete])).toEqual([
      [null, { id: DOCKER_ID, runtime: 'docker' }, 'container', 'memcg', false],
      [
        null,
        { id: '4ecde816f991142f2218fbdff2669553c37a8ce91a0d1852352e76f2410d0368', runtime: 'docker' },
        'container',
        'memcg',
        false,
      ],
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
  });

  it('a long task table leaves room in `lines` for the selection line after it', () => {
    // cadvisor 3.13 global report (corpus 02), its table grown to 40 rows and its kill line cut off.
    const report = readFileSync(join(fixtures, 'corpus/02-cadvisor-3.13-global-sacrifice.log'), 'utf8')
      .trimEnd()
      .split('\n');
    const header = report.findIndex((l) => l.startsWith('[ pid ]'));
    const selection = report.findIndex((l) => l.includes('or sacrifice child'));
    const rows = Array.from(
      { length: 40 },
      (_, i) =>
        `[${String(2000 + i).padStart(5)}]  1020  ${2000 + i}     1809       25       9        0             0 worker`,
    );
    const text = [...report.slice(0, header + 1), ...rows, ...report.slice(header + 1, selection + 1)];
    const [event] = parseKernelLog(text.join('\n')).events;
    expect(event!.lines.length).toBeLessThanOrEqual(40);
    expect(event!.lines.at(-1)).toBe(report[selection]);
    expect(event!.victim).toMatchObject({ pid: 1532, name: 'badsysprogram' });
    expect(event!.complete).toBe(false);
  });

  it('a selection line alone names the process the kernel chose, in an incomplete event that keeps the line', () => {
    // corpus 06 ends after it: the kernel may then have killed a child of pid 27281 instead.
    const line = 'Memory cgroup out of memory: Kill process 27281 (java) score 1027 or sacrifice child';
    const [event, ...more] = parseKernelLog(`[193038.106574] ${line}`).events;
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      victim: { pid: 27281, name: 'java', totalVmKb: null },
      constraint: 'memcg',
      complete: false,
      lines: [line],
    });
  });

  it('a header with no kill after it is drift, not a kill; a victim already exiting explains its report', () => {
    // shakenfist/shakenfist#177 (corpus 39).
    const header =
      'CPU 0/KVM invoked oom-killer: gfp_mask=0x15000c0(GFP_KERNEL_ACCOUNT), nodemask=(null), order=0, oom_score_adj=0';
    expect(parseKernelLog(`[1310061.327439] ${header}`)).toMatchObject({
      events: [],
      drift: [{ text: header, reason: 'OOM report without a kill line', ref: 1 }],
    });
    const exiting = parseKernelLog(
      [
        `[ 5.0] ${header}`,
        '[ 5.1] Memory cgroup out of memory: OOM victim 4242 (php-fpm) is already exiting. Skip killing the task',
      ].join('\n'),
    );
    expect([exiting.events, exiting.drift]).toEqual([[], []]);
  });

  it('a `Task in` line that journalctl -k printed after the kill line belongs to that kill', () => {
    // The real lines of corpus 12 (a check_docker_OOMkiller README), `Task in` moved after the kill line.
    const id = '1da1ac35179e4a431244118025a4806f88ca172ffdba9e035076add06e912e6f';
    const scope = `/system.slice/docker-${id}.scope`;
    const prefix = 'Dec 17 00:34:31 fanatica kernel:';
    const { events } = parseKernelLog(
      [
        `${prefix} stress invoked oom-killer: gfp_mask=0x24000c0(GFP_KERNEL), order=0, oom_score_adj=0`,
        `${prefix} memory: usage 1048576kB, limit 1048576kB, failcnt 70428`,
        `${prefix} Memory cgroup stats for ${scope}: cache:0KB rss:1043868KB rss_huge:0KB`,
        `${prefix} Memory cgroup out of memory: Kill process 12906 (stress) score 999 or sacrifice child`,
        `${prefix} Killed process 12906 (stress) total-vm:2104620kB, anon-rss:956008kB, file-rss:0kB, shmem-rss:0kB`,
        `${prefix} Task in ${scope} killed as a result of limit of ${scope}`,
      ].join('\n'),
    );
    expect(events.map((e) => [e.victim.pid, e.cgroup.task, e.container?.id, e.complete])).toEqual([
      [12906, scope, id, true],
    ]);
  });

  it('an `oom-kill:` summary after the kill line of its pid belongs to that kill (journalctl -r, corpus 200)', () => {
    const prefix = 'Jan 09 14:15:16 kernel:';
    const kill = `${prefix} Out of memory: Killed process 569725 (uvicorn) total-vm:44099472kB, anon-rss:19645212kB, file-rss:200140kB, shmem-rss:16384kB, UID:1000 pgtables:41196kB oom_score_adj:0`;
    const summary = (pid: number) =>
      `${prefix} oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=user.slice,mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice/session-1.scope,task=uvicorn,pid=${pid},uid=1000`;
    const newestFirst = parseKernelLog([kill, summary(569725)].join('\n'));
    expect(newestFirst.events.map((e) => [e.victim.pid, e.cgroup.task, e.complete])).toEqual([
      [569725, '/user.slice/user-1000.slice/session-1.scope', true],
    ]);
    // A summary of another pid is the next report's.
    const next = parseKernelLog([kill, summary(569726)].join('\n'));
    expect(next.events.map((e) => [e.victim.pid, e.cgroup.task])).toEqual([
      [569725, null],
      [569726, '/user.slice/user-1000.slice/session-1.scope'],
    ]);
    // Nor does another node's summary of the same pid join it, nor one of another comm (a review: `aws logs tail`
    // of a group interleaves its nodes).
    const otherNode = parseKernelLog(
      [
        `2026-12-06T01:56:03.100000+00:00 ip-10-0-1-1.kernel ${kill.slice(prefix.length + 1)}`,
        `2026-12-06T01:56:03.400000+00:00 ip-10-0-1-2.kernel ${summary(569725).slice(prefix.length + 1)}`,
      ].join('\n'),
    );
    // (The other node's summary alone is then taken for a copy of the same kill: one input of several nodes' lines
    // interleaved is a gap of its own, docs/parser.md.)
    expect(otherNode.events.map((e) => [e.node, e.victim.pid, e.cgroup.task])).toEqual([
      ['ip-10-0-1-1', 569725, null],
    ]);
    const otherComm = parseKernelLog(
      [kill, summary(569725).replace('task=uvicorn', 'task=python3')].join('\n'),
    );
    expect(otherComm.events.map((e) => [e.victim.name, e.cgroup.task])).toEqual([
      ['uvicorn', null],
      ['python3', '/user.slice/user-1000.slice/session-1.scope'],
    ]);
  });

  it('a `Task in` line after a headerless kill starts the next report', () => {
    const { events } = parseKernelLog(
      [
        '[ 9.0] Killed process 41 (a) total-vm:1kB, anon-rss:1kB, file-rss:0kB',
        `[ 9.1] Task in /docker/${DOCKER_ID} killed as a result of limit of /docker/${DOCKER_ID}`,
      ].join('\n'),
    );
    expect(events.map((e) => [e.victim.pid, e.container?.id ?? null])).toEqual([
      [41, null],
      [null, DOCKER_ID],
    ]);
  });

  it('the trigger comes from the CPU line when the header line is lost, never from an earlier warning', () => {
    const cut = parseKernelLog(
      [
        '[ 7.0] CPU: 0 PID: 27424 Comm: java Tainted: G  OE    4.15.0-1037 #39-Ubuntu',
        '[ 7.0]  oom_kill_process+0x220/0x440',
        `[ 7.0] Task in /docker/${DOCKER_ID} killed as a result of limit of /docker/${DOCKER_ID}`,
        '[ 7.1] Killed process 27281 (java) total-vm:4613208kB, anon-rss:517316kB, file-rss:20168kB, shmem-rss:0kB',
      ].join('\n'),
    ).events;
    expect(cut.map((e) => e.trigger)).toEqual([
      { name: 'java', pid: 27424, gfpMask: null, order: null, oomScoreAdj: null },
    ]);
    const storm = parseKernelLog(
      [
        '[ 7.0] CPU: 3 PID: 99 Comm: kworker/3:1 Not tainted 4.15.0-1037 #39-Ubuntu',
        '[ 7.1] Killed process 27281 (java) total-vm:4613208kB, anon-rss:517316kB, file-rss:20168kB, shmem-rss:0kB',
      ].join('\n'),
    ).events;
    expect(storm.map((e) => e.trigger)).toEqual([null]);
  });

  it('a limit hit by an outer container is not the victim container limit (minikube, corpus 10)', () => {
    const outer = '722f40c6405f6933ac2722e40a40fef4c52e36b2ba0e44bdd1a8aba0027ca313';
    const [event] = parseKernelLog(
      `Task in /docker/${outer}/kubepods/besteffort/pod4909103c-cdc2-432e-92aa-2e06c2c7d1e3/9d62c1f82041c40d691498b2ded86caa663404489f7c3a62ad37c72eb2470911 killed as a result of limit of /docker/${outer}`,
    ).events;
    expect(event).toMatchObject({
      limitScope: 'other',
      pod: { uid: '4909103c-cdc2-432e-92aa-2e06c2c7d1e3' },
      container: { id: '9d62c1f82041c40d691498b2ded86caa663404489f7c3a62ad37c72eb2470911' },
    });
  });
});

describe('memory.oom.group of any size (issue 10)', () => {
  const group = `${POD_PATH}/${VICTIM_ID}`;
  const kill = (pid: number, at: string) =>
    `[ ${at}] Memory cgroup out of memory: Killed process ${pid} (worker) total-vm:9kB, anon-rss:${pid % 1000}kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0`;
  const reaped = (pid: number, at: string) =>
    `[ ${at}] oom_reaper: reaped process ${pid} (worker), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB`;
  const head = [
    '[ 9.000000] worker invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
    `[ 9.000001] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${group},task_memcg=${group},task=worker,pid=1000,uid=0`,
    kill(1000, '9.000002'),
    `[ 9.000003] Tasks in ${group} are going to be killed due to memory.oom.group set`,
  ];
  const members = (count: number) =>
    Array.from({ length: count }, (_, i) => kill(1000 + i, `9.${String(4 + i).padStart(6, '0')}`));

  it('lists the first 100 others in kernel order, counts them all, once each, the victim again among them', () => {
    const lines = [...head, ...members(250), reaped(1000, '9.5'), reaped(1200, '9.6')];
    const { events, drift } = parseKernelLog(lines.join('\n'));
    expect(drift).toEqual([]);
    expect(events).toHaveLength(1);
    const [event] = events as [OomEvent];
    expect(event.victim.pid).toBe(1000);
    expect(event.coVictimCount).toBe(249);
    expect(event.coVictims.map((c) => c.pid)).toEqual(Array.from({ length: 100 }, (_, i) => 1001 + i));
    expect(event.coVictims[0]).toEqual({ pid: 1001, name: 'worker', anonRssKb: 1 });
  });

  it('its members in a later batch join the event already sent, which goes again with its id, counting them', () => {
    const lines = inputs([...head, ...members(300)]);
    const first = assembleReports(lines.slice(0, 150), null, STREAM, { final: false });
    const second = assembleReports(lines.slice(150), roundTrip(first.state), STREAM, { final: false });
    expect(first.events.map((e) => [e.victim.pid, e.coVictimCount])).toEqual([[1000, 145]]);
    expect(second.events.map((e) => [e.id, e.victim.pid, e.coVictimCount, e.coVictims.length])).toEqual([
      [first.events[0]?.id, 1000, 299, 100],
    ]);
    expect(second.drift).toEqual([]);
    const reaper = assembleReports(inputs([reaped(1290, '9.9')]), roundTrip(second.state), STREAM, {
      final: true,
    });
    expect(reaper.events).toEqual([]);
    // A later report ends the group: its lines do not join it.
    const later = assembleReports(
      inputs([
        '[ 9.7] other invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
        kill(7, '9.8'),
      ]),
      roundTrip(second.state),
      STREAM,
      { final: true },
    );
    expect(later.events.map((e) => [e.victim.pid, e.coVictimCount])).toEqual([[7, 0]]);
  });
});

describe('a comm of UTF-8 bytes, escaped by kmsg (a real OOM on this machine, kernel 6.18)', () => {
  it('is one kill, the name as printed in every line', () => {
    const text = readFileSync(
      join(import.meta.dirname, '../fixtures/real-kernel/kernel-6.18-cgroupv1-utf8-comm-escaped.kmsg.log'),
      'utf8',
    );
    const { events, drift } = parseKernelLog(text);
    const name = '\\xe4\\xb8\\xad\\xe6\\x96\\x87app';
    expect(
      events.map((e) => [e.victim.pid, e.victim.name, e.victim.anonRssKb, e.complete, e.trigger?.name]),
    ).toEqual([[9151, name, 65152, true, name]]);
    expect(drift).toEqual([]);
  });
});

describe('a memory.oom.group line and the report it joins', () => {
  // A blog on AKS OOMs (red team F/05): a summary pasted alone, prose, then another node's group line.
  const SUMMARY =
    'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-4d2af8acef61505159dd1fb6e232eacd1b724e1d629f043fcaa47809544f6d92.scope,mems_allowed=0,oom_memcg=/kubepods.slice,task_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-poda9d4b3f1_0189_4f5e_a8ee_94f0a3f53ab0.slice/cri-containerd-4d2af8acef61505159dd1fb6e232eacd1b724e1d629f043fcaa47809544f6d92.scope,task=stress-ng-vm,pid=728241,uid=0';
  const OTHER_GROUP =
    'Dec 13 07:54:24 aks-ubuntu-26253795-vmss000000 kernel: [41725.949137] Tasks in /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podc9658b52_5194_4250_87f2_ec380cce2915.slice/cri-containerd-6793e00dcd36f430871d321242bbd79c1c186a3fad6615a98a1cc0b24c3e7f8f.scope are going to be killed due to memory.oom.group set';

  it('joins the report of its kill line whatever the summary named: in a sacrifice-child report, another pid', () => {
    // 4.19 to 5.0: the summary names the chosen parent, the group is the child's (a review's case, built from
    // the kernel's order of lines).
    const lines = [
      '[ 3457.600000] agent invoked oom-killer: gfp_mask=0x6280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), nodemask=(null), order=0, oom_score_adj=0',
      '[ 3457.600001] CPU: 1 PID: 500 Comm: agent Not tainted 4.19.0-6-amd64 #1 Debian 4.19.67-2',
      '[ 3457.652054] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/ci-agent.service,task=agent,pid=500,uid=0',
      '[ 3457.652060] Out of memory: Kill process 500 (agent) score 900 or sacrifice child',
      '[ 3457.652078] Killed process 10843 (build) total-vm:719984kB, anon-rss:5064kB, file-rss:0kB, shmem-rss:0kB',
      '[ 3457.652105] Tasks in /kubepods/burstable/pod3902af1e-8ce1-42e1-a2a5-dc04f4240c4f/ed9dcd836d0c7e3e379b2387ef5e15e70f1c932dbce0fce685606bb2f4d62036 are going to be killed due to memory.oom.group set',
      '[ 3457.652109] Killed process 10843 (build) total-vm:719984kB, anon-rss:5064kB, file-rss:0kB, shmem-rss:0kB',
      '[ 3457.652119] Killed process 10844 (build-worker) total-vm:719984kB, anon-rss:5064kB, file-rss:0kB, shmem-rss:0kB',
    ];
    const { events } = parseKernelLog(lines.join('\n'));
    expect(
      events.map((e) => [e.victim.pid, e.constraint, e.trigger?.name, e.coVictims.map((c) => c.pid)]),
    ).toEqual([[10843, 'system', 'agent', [10844]]]);
  });

  it('joins no report whose victim is outside its cgroup: that report ends, and the line is its own', () => {
    const { events, drift } = parseKernelLog([SUMMARY, 'Some prose between them.', OTHER_GROUP].join('\n'));
    expect(events.map((e) => [e.victim.pid, e.lines.length, e.coVictimCount])).toEqual([[728241, 1, 0]]);
    expect(drift.map((d) => d.text)).toEqual([OTHER_GROUP.slice(OTHER_GROUP.indexOf('Tasks in'))]);
  });
});

describe('copies of one kill, and kills that only look alike (pid and comm are not a key)', () => {
  it('keeps the kernel’s own line over an author’s quote of it in prose before it (thirty-fourth red team A/11)', () => {
    const kill =
      'Killed process 2188 (mysqld) total-vm:1000kB, anon-rss:500kB, file-rss:0kB, shmem-rss:0kB, UID:27 pgtables:100kB oom_score_adj:0';
    const { events } = parseKernelLog(
      [
        `The kernel said: ${kill}`,
        'and here is the log:',
        `Dec  1 10:00:00 web1 kernel: [ 100.000002] Out of memory: ${kill}`,
      ].join('\n'),
    );
    expect(events).toMatchObject([
      { node: 'web1', kernelTime: 100.000002, constraint: 'system', victim: { pid: 2188, uid: 27 } },
    ]);
  });

  // linux-mm, the memcg __GFP_FS patch (red team C 01): two test boots kill pid 2746 (leaker), no timestamps.
  const leakerReport = (gfp: string, failcnt: number, anonRss: number, fileRss: number) => [
    ` leaker invoked oom-killer: gfp_mask=${gfp}, nodemask=(null), order=0, oom_score_adj=0`,
    ' Task in /leaker killed as a result of limit of /leaker',
    ` memory: usage 524288kB, limit 524288kB, failcnt ${failcnt}`,
    ' Memory cgroup out of memory: Kill process 2746 (leaker) score 998 or sacrifice child',
    ` Killed process 2746 (leaker) total-vm:536704kB, anon-rss:${anonRss}kB, file-rss:${fileRss}kB, shmem-rss:0kB`,
    ' oom_reaper: reaped process 2746 (leaker), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
  ];
  const FIRST_BOOT = leakerReport('0x6200ca(GFP_HIGHUSER_MOVABLE)', 158965, 521176, 1208);
  const SECOND_BOOT = leakerReport('0x600040(GFP_NOFS)', 7221, 518264, 1188);

  it('two reports with their own header and figures are two kills, with two ids, even with no time', () => {
    const { events } = parseKernelLog([...FIRST_BOOT, '', ...SECOND_BOOT].join('\n'));
    expect(
      events.map((e) => [e.victim.pid, e.victim.anonRssKb, e.memory?.failcnt, e.trigger?.gfpMask]),
    ).toEqual([
      [2746, 521176, 158965, '0x6200ca(GFP_HIGHUSER_MOVABLE)'],
      [2746, 518264, 7221, '0x600040(GFP_NOFS)'],
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
  });

  it('a fragment of the first kept before both does not make the second a copy (a review of this rule)', () => {
    for (const fragment of [
      '> Killed process 2746 (leaker)',
      '> oom_reaper: reaped process 2746 (leaker), now anon-rss:0kB',
      'Memory cgroup out of memory: Killed process 2746 (lea',
    ]) {
      const { events } = parseKernelLog([fragment, 'text', ...FIRST_BOOT, '', ...SECOND_BOOT].join('\n'));
      expect(
        events.map((e) => [e.victim.pid, e.memory?.failcnt]),
        fragment,
      ).toEqual([
        [2746, 158965],
        [2746, 7221],
      ]);
    }
  });

  it('a victim printed again in a report of its own, with a kernel time, is the same kill whatever its figures', () => {
    const task =
      '/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-poda5d8fdd1_1369_469e_8a7d_2c1047529435.slice/cri-containerd-9192cb33411ff69d015a3577db136757f5b145064a1703efea3d0e12e8a64987.scope';
    const bash = (anon: number, file: number) =>
      `Memory cgroup out of memory: Killed process 7788 (bash) total-vm:7169492kB, anon-rss:${anon}kB, file-rss:${file}kB, shmem-rss:0kB, UID:0 pgtables:14076kB oom_score_adj:1000`;
    const { events } = parseKernelLog(
      [
        '[  139.201253] bash invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=1000',
        '[  139.201360] memory: usage 7464436kB, limit 7464436kB, failcnt 1133',
        `[  139.201465] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=x,mems_allowed=0,oom_memcg=/kubepods.slice,task_memcg=${task},task=bash,pid=7788,uid=0`,
        `[  139.201482] ${bash(7165824, 956)}`,
        `[  139.208991] Tasks in ${task} are going to be killed due to memory.oom.group set`,
        '[  139.209001] Memory cgroup out of memory: Killed process 7620 (nginx) total-vm:11464kB, anon-rss:1156kB, file-rss:3900kB, shmem-rss:0kB, UID:0 pgtables:60kB oom_score_adj:1000',
        '[  139.210000] Memory cgroup stats for /kubepods.slice/x:',
        `[  139.243276] ${bash(7000000, 44)}`,
      ].join('\n'),
    );
    expect(events.map((e) => [e.victim.pid, e.victim.anonRssKb, e.coVictimCount])).toEqual([
      [7788, 7165824, 1],
    ]);
  });

  it('the same two reports fed again, or one of them printed twice, are not new kills', () => {
    const once = feed([...FIRST_BOOT, ...SECOND_BOOT], null, true);
    expect(feed([...FIRST_BOOT, ...SECOND_BOOT], roundTrip(once.state), true).events).toEqual([]);
    expect(parseKernelLog([...FIRST_BOOT, '', ...FIRST_BOOT].join('\n')).events).toHaveLength(1);
  });

  it('two untimed kill lines of one pid and comm, one a memcg kill and one not, are two kills (seventy-seventh red team B/02)', () => {
    // A Go test's strings: one kernel's kill line prints one message, so the two prefixes are two kills.
    const system = 'Out of memory: Killed process 123, UID 48, (httpd).';
    const memcg = 'Memory cgroup out of memory: Killed process 123, UID 48, (httpd).';
    for (const lines of [
      [system, memcg],
      [memcg, system],
    ]) {
      const { events } = parseKernelLog(lines.join('\n'));
      expect(events.map((e) => [e.victim.pid, e.victim.name, e.constraint])).toEqual(
        lines.map((line) => [123, 'httpd', line === memcg ? 'memcg' : 'system']),
      );
    }
    // The same message twice is one kill printed twice.
    expect(parseKernelLog([memcg, memcg].join('\n')).events).toHaveLength(1);
  });

  // LKML, syzbot report bab151e82a4e973fa325 (red team C 14): a quoted, untimed kill line, then the full report.
  const QUOTED_KILL = '> Killed process 23767 (syz-executor2) total-vm:70472kB, anon-rss:104kB,';
  const SYZ_REPORT = [
    ': [  367.085870] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/ile0,task_memcg=/ile0,task=syz-executor2,pid=23767,uid=0',
    ': [  367.100073] memory: usage 112kB, limit 0kB, failcnt 1615',
    ': [  367.118593] Memory cgroup stats for /ile0: cache:12KB rss:0KB rss_huge:0KB shmem:0KB mapped_file:0KB dirty:0KB writeback:0KB swap:0KB inactive_anon:0KB active_anon:0KB inactive_file:0KB active_file:0KB unevictable:0KB',
    ': [  367.169994] Memory cgroup out of memory: Kill process 23767 (syz-executor2) score 8249000 or sacrifice child',
    ': [  367.180119] Killed process 23767 (syz-executor2) total-vm:70472kB, anon-rss:104kB, file-rss:32768kB, shmem-rss:0kB',
  ];
  const fullSyz = {
    victim: { pid: 23767, name: 'syz-executor2', fileRssKb: 32768 },
    constraint: 'memcg',
    cgroup: { oom: '/ile0', task: '/ile0' },
    memory: { usageKb: 112, limitKb: 0, failcnt: 1615 },
    complete: true,
  };

  it('an untimed fragment of a kill, then its full report: one event, showing the full report', () => {
    const { events } = parseKernelLog(
      [QUOTED_KILL, 'More interesting stuff is higher', ...SYZ_REPORT].join('\n'),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ ...fullSyz, kernelTime: 367.180119 });
    // The other way round, the fragment adds nothing.
    const reversed = parseKernelLog([...SYZ_REPORT, 'quoted again:', QUOTED_KILL].join('\n')).events;
    expect(reversed).toHaveLength(1);
    expect(reversed[0]).toMatchObject(fullSyz);
  });

  it('the fragment sent in an earlier batch is sent again, same id, as the full report', () => {
    const first = feed([QUOTED_KILL], null, false);
    expect(first.events.map((e) => [e.victim.pid, e.complete])).toEqual([[23767, false]]);
    const second = feed(SYZ_REPORT, roundTrip(first.state), true);
    expect(second.events).toHaveLength(1);
    expect(second.events[0]).toMatchObject({ ...fullSyz, id: first.events[0]?.id });
    // And a third copy that shows no more is not sent.
    expect(feed(SYZ_REPORT, roundTrip(second.state), true).events).toEqual([]);
  });

  // A kill line cut inside its comm (`dmesg -T` at 80 columns, discuss.kubernetes.io 22058): the name is unknown,
  // and unknown tells no kill apart from one whose name the next lines show.
  const CUT_KILL = '[ +0.000022] Memory cgroup out of memory: Killed process 1463994 (jav';
  it('a kill line cut inside its comm, then its reaper line or its whole kill line: one kill', () => {
    const reaper = 'oom_reaper: reaped process 1463994 (java), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB';
    for (const text of [
      [CUT_KILL, `[ +0.019710] ${reaper}`],
      ['[81262.126315] Memory cgroup out of memory: Killed process 1463994 (jav', `[81262.146025] ${reaper}`],
      ['Memory cgroup out of memory: Killed process 1463994 (jav', reaper],
    ]) {
      const reaped = parseKernelLog(text.join('\n')).events;
      expect(reaped.map((e) => [e.victim.pid, e.victim.name])).toEqual([[1463994, null]]);
    }
    const whole = parseKernelLog(
      [
        '> ' + CUT_KILL,
        '[ 8812.000000] Memory cgroup out of memory: Killed process 1463994 (java) total-vm:9264836kB, anon-rss:4191804kB, file-rss:22636kB, shmem-rss:0kB, UID:0 pgtables:8708kB oom_score_adj:999',
      ].join('\n'),
    ).events;
    expect(whole.map((e) => [e.victim.pid, e.victim.name, e.victim.anonRssKb])).toEqual([
      [1463994, 'java', 4191804],
    ]);
  });

  it('reads a state stored before kills kept their evidence and rank: such a kill is never sent again', () => {
    const first = feed([QUOTED_KILL], null, false);
    const stored = roundTrip(first.state);
    stored.recentKills = stored.recentKills.map(({ id, pid, name, time }) => ({ id, pid, name, time }));
    expect(feed(SYZ_REPORT, stored, true).events).toEqual([]);
  });

  it('a `kubectl describe node` copy of the kill line does not stand for the full report (AKS, red team B 10)', () => {
    const pod = 'a5d8fdd1_1369_469e_8a7d_2c1047529435';
    const container = '9192cb33411ff69d015a3577db136757f5b145064a1703efea3d0e12e8a64987';
    const task = `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${pod}.slice/cri-containerd-${container}.scope`;
    const syslog = (time: string, text: string) =>
      `May 19 18:14:43 aks-np0cas-14924781-vmss000008 kernel: [  ${time}] ${text}`;
    const killed = (pid: number, name: string, figures: string) =>
      `Memory cgroup out of memory: Killed process ${pid} (${name}) ${figures}`;
    const bash = (fileRss: number) =>
      `total-vm:7169492kB, anon-rss:7165824kB, file-rss:${fileRss}kB, shmem-rss:0kB, UID:0 pgtables:14076kB oom_score_adj:1000`;
    const lines = [
      'kubectl describe no',
      `  Warning  OOMKilling          65s                kernel-monitor                                                ${killed(7788, 'bash', bash(44))}`,
      syslog(
        '139.201253',
        'bash invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=1000',
      ),
      syslog('139.201360', 'memory: usage 7464436kB, limit 7464436kB, failcnt 1133'),
      syslog('139.201364', 'Memory cgroup stats for /kubepods.slice:'),
      syslog(
        '139.201465',
        `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-${container}.scope,mems_allowed=0,oom_memcg=/kubepods.slice,task_memcg=${task},task=bash,pid=7788,uid=0`,
      ),
      syslog('139.201482', killed(7788, 'bash', bash(956))),
      syslog('139.208991', `Tasks in ${task} are going to be killed due to memory.oom.group set`),
      syslog(
        '139.209001',
        killed(
          7620,
          'nginx',
          'total-vm:11464kB, anon-rss:1156kB, file-rss:3900kB, shmem-rss:0kB, UID:0 pgtables:60kB oom_score_adj:1000',
        ),
      ),
      syslog('139.243276', killed(7788, 'bash', bash(44))),
    ];
    const { events } = parseKernelLog(lines.join('\n'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      victim: { pid: 7788, name: 'bash', fileRssKb: 956 },
      limitScope: 'kubepods',
      pod: { uid: 'a5d8fdd1-1369-469e-8a7d-2c1047529435', qos: 'besteffort' },
      container: { id: container, runtime: 'containerd' },
      memory: { usageKb: 7464436, limitKb: 7464436, failcnt: 1133 },
      coVictims: [{ pid: 7620, name: 'nginx' }],
      complete: true,
    });
  });
});

describe('a kill known only by its reaper line, in a report whose kill line was lost', () => {
  // Red team B 16 (LoongArch 4.19, syslog): `Task in`, the task table, `callbacks suppressed`, the reaper.
  const pod = '776b973b_ea34_4ae9_9d79_5b9a2cb363b6';
  const container = '198301288f1414171589a049d5f75f9e4c871b8b3e5ad5af12051fdcc65da726';
  const k = (text: string) => `Apr 14 05:21:34 cc-zzhk-loongarch-controller-1 kernel: ${text}`;
  const report = [
    k(
      'C1 CompilerThre invoked oom-killer: gfp_mask=0x6000c0(GFP_KERNEL), nodemask=(null), order=0, oom_score_adj=-997',
    ),
    k(
      `Task in /kubepods.slice/kubepods-pod${pod}.slice/cri-containerd-${container}.scope killed as a result of limit of /kubepods.slice/kubepods-pod${pod}.slice`,
    ),
    k('memory: usage 409600kB, limit 409600kB, failcnt 13061'),
    k('Tasks state (memory values in pages):'),
    k('[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name'),
    k('[1916799] 65535 1916799       56        1    98304        0          -998 pause'),
    k('[ 585588]     0 585588   307156    26597  1196032        0          -997 java'),
    k('oom_kill_process: 1520 callbacks suppressed'),
  ];
  const reaped = (pid: number, name: string) =>
    k(`oom_reaper: reaped process ${pid} (${name}), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB`);

  it('is the kill the `Task in` line implies when its table lists the pid: one event', () => {
    const { events } = parseKernelLog([...report, reaped(585588, 'java')].join('\n'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      victim: { pid: 585588, name: 'java' },
      constraint: 'memcg',
      limitScope: 'pod',
      pod: { uid: '776b973b-ea34-4ae9-9d79-5b9a2cb363b6', qos: 'guaranteed' },
      container: { id: container, runtime: 'containerd' },
      memory: { usageKb: 409600, limitKb: 409600, failcnt: 13061 },
      complete: false,
    });
    // Wherever a batch ends.
    const lines = inputs([...report, reaped(585588, 'java')]);
    for (let cut = 0; cut <= lines.length; cut++) {
      const first = assembleReports(lines.slice(0, cut), null, STREAM, { final: false });
      const second = assembleReports(lines.slice(cut), roundTrip(first.state), STREAM, { final: true });
      expect([...first.events, ...second.events].map((e) => [e.victim.pid, e.pod?.uid])).toEqual([
        [585588, '776b973b-ea34-4ae9-9d79-5b9a2cb363b6'],
      ]);
    }
  });

  it('is a kill of its own when the table does not list it, or the report names another victim', () => {
    const other = parseKernelLog([...report, reaped(4242, 'java')].join('\n')).events;
    expect(other.map((e) => [e.victim.pid, e.pod?.uid ?? null])).toEqual([
      [4242, null],
      [null, '776b973b-ea34-4ae9-9d79-5b9a2cb363b6'],
    ]);
    const exiting = k(
      'Memory cgroup out of memory: OOM victim 585588 (java) is already exiting. Skip killing the task',
    );
    const skipped = parseKernelLog([...report, exiting, reaped(585588, 'java')].join('\n')).events;
    expect(skipped.filter((e) => e.victim.pid === 585588).map((e) => e.pod)).toEqual([null]);
  });

  it('is the kill the `oom-kill:` summary names when the pid and comm are the same', () => {
    const summary = k(
      `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/kubepods.slice/kubepods-pod${pod}.slice,task_memcg=/kubepods.slice/kubepods-pod${pod}.slice/cri-containerd-${container}.scope,task=java,pid=585588,uid=0`,
    );
    const header = report[0] as string;
    const events = parseKernelLog([header, summary, reaped(585588, 'java')].join('\n')).events;
    expect(events.map((e) => [e.victim.pid, e.victim.name, e.pod?.qos, e.complete])).toEqual([
      [585588, 'java', 'guaranteed', false],
    ]);
  });
});

describe('processes killed because they share the victim’s memory (kernels of the 2.6.3x to 4.x era)', () => {
  // linux-mm, "[PATCH] mm/oom: Suppress unnecessary \"sharing same memory\" message." (4.2.0-rc8-next): corpus 87.
  const HEAD = [
    '[   70.947578] fool-sysrq-f invoked oom-killer: gfp_mask=0x280da, order=0, oom_score_adj=0',
    '[   73.001334] Out of memory: Kill process 4802 (fool-sysrq-f) score 874 or sacrifice child',
    '[   73.003061] Killed process 4802 (fool-sysrq-f) total-vm:2170956kB, anon-rss:1562884kB, file-rss:0kB',
  ];
  const SHARERS = [
    '[   73.004929] Kill process 4803 (fool-sysrq-f) sharing same memory',
    '[   74.244404] Kill process 5801 (fool-sysrq-f) sharing same memory',
  ];

  it('are co-victims of the kill before them: one event for the invocation', () => {
    const events = parseKernelLog([...HEAD, ...SHARERS].join('\n')).events;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      victim: { pid: 4802 },
      coVictims: [
        { pid: 4803, name: 'fool-sysrq-f', anonRssKb: null },
        { pid: 5801, name: 'fool-sysrq-f', anonRssKb: null },
      ],
      coVictimCount: 2,
    });
  });

  it('join the event a batch end already sent, and are counted once when a line comes again', () => {
    const first = feed(HEAD, null, false);
    expect(first.events.map((e) => e.coVictimCount)).toEqual([0]);
    const second = feed([...SHARERS, SHARERS[0] as string], roundTrip(first.state), false);
    expect(second.events.map((e) => [e.id, e.coVictimCount])).toEqual([[first.events[0]?.id, 2]]);
  });

  it('is killed again by a later OOM within 2 s: that kill, with its own header, is a second event (a review)', () => {
    const again = [
      '[   73.250564] kworker/3:2 invoked oom-killer: gfp_mask=0x2000d0, order=0, oom_score_adj=0',
      '[   73.321326] Out of memory: Kill process 4803 (fool-sysrq-f) score 874 or sacrifice child',
      '[   73.321327] Killed process 4803 (fool-sysrq-f) total-vm:2170956kB, anon-rss:1563232kB, file-rss:0kB',
    ];
    const events = parseKernelLog([...HEAD, SHARERS[0] as string, ...again].join('\n')).events;
    expect(events.map((e) => [e.victim.pid, e.coVictimCount, e.trigger?.name])).toEqual([
      [4802, 1, 'fool-sysrq-f'],
      [4803, 0, 'kworker/3:2'],
    ]);
    // A bare kill line of a co-victim (a `grep 'Killed process'` pasted after the report) is no second kill.
    const grepped = parseKernelLog([...HEAD, SHARERS[0] as string, '', again[2] as string].join('\n')).events;
    expect(grepped.map((e) => e.victim.pid)).toEqual([4802]);
  });

  it('is a kill of its own when no kill line came before it (the report cut above it)', () => {
    const events = parseKernelLog(SHARERS[1] as string).events;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ victim: { pid: 5801, name: 'fool-sysrq-f' }, complete: false });
  });
});

describe('the reaper giving up on a victim (`oom_reaper: unable to reap pid:N`, 4.6 to 5.x)', () => {
  // linux-mm, "[PATCH 2/2] mm,oom_reaper: Correct MAX_OOM_REAP_RETRIES'th attempt." (4.16).
  const KILL =
    '[  663.593821] Killed process 7558 (a.out) total-vm:4176kB, anon-rss:84kB, file-rss:0kB, shmem-rss:0kB';
  const UNABLE = '[  664.684801] oom_reaper: unable to reap pid:7558 (a.out)';

  it('confirms the kill before it: no second event, no drift', () => {
    const parsed = parseKernelLog([KILL, UNABLE].join('\n'));
    expect(parsed.events.map((e) => e.victim.pid)).toEqual([7558]);
    expect(parsed.drift).toEqual([]);
  });

  it('alone, is the only evidence of the kill', () => {
    expect(parseKernelLog(UNABLE).events).toMatchObject([
      { victim: { pid: 7558, name: 'a.out' }, complete: false },
    ]);
  });
});

describe('a reaper line after its report’s kill line, its comm not the kill line’s (sixth red team L/01)', () => {
  it('confirms that kill: the reaper reaps only the victim it was handed', () => {
    const events = parseKernelLog(
      [
        '[89942.480388] Memory cgroup out of memory: Kill process 46211 (process) score 561 or sacrifice child',
        '[89942.482095] Killed process 46433 (process) total-vm:536552kB, anon-rss:12012kB, file-rss:53740kB, shmem-rss:4kB',
        '[89942.488774] oom_reaper: reaped process 46433 (chrome), now anon-rss:0kB, file-rss:0kB, shmem-rss:4kB',
      ].join('\n'),
    ).events;
    expect(events.map((e) => [e.victim.pid, e.victim.name])).toEqual([[46433, 'process']]);
  });
});

describe('reaper lines of a victim’s threads, marked victims as they died (seventh red team O/07, 4.13)', () => {
  const KILL =
    '[  240.940617] Killed process 4775 (a.out) total-vm:16781892kB, anon-rss:88kB, file-rss:0kB, shmem-rss:3443560kB';
  const reaped = (at: string, pid: number, shmem: number) =>
    `[  ${at}] oom_reaper: reaped process ${pid} (a.out), now anon-rss:0kB, file-rss:0kB, shmem-rss:${shmem}kB`;

  it('confirm the kill before them when they leave its memory as its own reaper line did', () => {
    const lines = [KILL, reaped('240.962810', 4775, 3445880), reaped('240.965513', 4863, 3445880)];
    expect(parseKernelLog([...lines, reaped('240.968192', 4896, 3445880)].join('\n')).events).toHaveLength(1);
  });

  it('confirm it across a batch end, the state carried as JSON', () => {
    const lines = [KILL, reaped('240.962810', 4775, 3445880), reaped('240.965513', 4863, 3445880)];
    for (const cut of [2, 3]) {
      const first = feed(lines.slice(0, cut), null, false);
      const second = feed(lines.slice(cut), roundTrip(first.state), true);
      expect([...first.events, ...second.events].map((e) => e.victim.pid)).toEqual([4775]);
    }
  });

  it('do not reach across a batch end without times (a review)', () => {
    const untimed = (pid: number) =>
      `oom_reaper: reaped process ${pid} (java), now anon-rss:0kB, file-rss:132kB, shmem-rss:0kB`;
    const first = feed([untimed(1111)], null, false);
    const second = feed([untimed(2222)], roundTrip(first.state), true);
    expect([...first.events, ...second.events].map((e) => e.victim.pid)).toEqual([1111, 2222]);
  });

  it('are kills of their own when they leave other memory, or none that tells', () => {
    const other = [KILL, reaped('240.962810', 4775, 3445880), reaped('240.965513', 4863, 12)];
    expect(parseKernelLog(other.join('\n')).events.map((e) => e.victim.pid)).toEqual([4775, 4863]);
    const zero = [KILL, reaped('240.962810', 4775, 0), reaped('240.965513', 4863, 0)];
    expect(parseKernelLog(zero.join('\n')).events.map((e) => e.victim.pid)).toEqual([4775, 4863]);
  });
});

describe('one kill seen twice, the first time without its kill line (eleventh red team V/04, a Chinese blog)', () => {
  it('gives the copy that holds the kill line’s figures, over one with more lines of the report', () => {
    const lines = [
      'Jul 27 13:29:54 kernel: Out of memory: Kill process 17982 (java) score 77 or sacrifice child',
      '[511250.459172] [ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name',
      '[511250.459178] [  444]     0   444    30482      118      63        0             0 systemd-journal',
      '[511250.459180] [  476]     0   476    14365      114      28        0         -1000 auditd',
      '[511250.459581] Out of memory: Kill process 17982 (java) score 77 or sacrifice child',
      '[511250.459642] Killed process 17982 (java) total-vm:19803312kB, anon-rss:2540308kB, file-rss:0kB, shmem-rss:0kB',
    ];
    const { events } = parseKernelLog(lines.join('\n'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kernelTime: 511250.459642,
      victim: {
        pid: 17982,
        name: 'java',
        totalVmKb: 19803312,
        anonRssKb: 2540308,
        fileRssKb: 0,
        shmemRssKb: 0,
      },
    });
  });
});

describe('the invoker of a report whose header is lost (twelfth red team X/11, a Go test of a QEMU runner)', () => {
  it('is no CPU line printed after the report: a kernel panic’s, above it in the paste', () => {
    const lines = [
      '[    0.578502] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100',
      '[    0.579013] CPU: 0 PID: 76 Comm: init Not tainted 6.4.3-arch1-1 #1 13c144d261447e0acbf2632534d4009bddc4c3ab',
      '[    0.378012] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=main,pid=116,uid=0',
      '[    0.378083] Out of memory: Killed process 116 (main) total-vm:48156kB, anon-rss:43884kB, file-rss:4kB, shmem-rss:2924kB, UID:0 pgtables:140kB oom_score_adj:0',
    ];
    const [kill] = parseKernelLog(lines.join('\n')).events;
    expect(kill).toMatchObject({ victim: { pid: 116, name: 'main' }, constraint: 'system', trigger: null });
    // A CPU line just before the report is its invoker's.
    const before = [
      '[    0.377000] CPU: 0 PID: 99 Comm: main Not tainted 6.4.3-arch1-1 #1',
      ...lines.slice(2),
    ];
    expect(parseKernelLog(before.join('\n')).events[0]?.trigger).toMatchObject({ name: 'main', pid: 99 });
  });
});

describe('a report pasted from its CPU line, its next report line a kill line (twentieth red team K/07, arm64)', () => {
  // The sample's lines, a Go raw string opening on the CPU line; frames unindented as the test holds them.
  const CPU =
    'CPU: 8 UID: 0 PID: 1327866 Comm: polars-0 Tainted: G S                 6.14.2-401.asahi.fc42.aarch64+16k #1';
  const HEAD = [
    `\tcaptured := \`${CPU}`,
    'Tainted: [S]=CPU_OUT_OF_SPEC',
    'Hardware name: Apple Mac mini (M2 Pro, 2023) (DT)',
    'Call trace:',
    'show_stack+0x30/0x98 (C)',
    'dump_stack_lvl+0x7c/0xa0',
    'dump_stack+0x18/0x2c',
  ];
  const OOM_PATH = [
    'dump_header+0x48/0x190',
    'oom_kill_process+0x2ac/0x350',
    'out_of_memory+0xdc/0x350',
    'mem_cgroup_out_of_memory+0x138/0x160',
  ];
  const REST = ['try_charge_memcg+0x3fc/0x6c0', 'charge_memcg+0x4c/0xa0', 'el0t_64_sync+0x1b0/0x1b8'];
  const KILL =
    'Memory cgroup out of memory: Killed process 1327212 (wrangle) total-vm:8633456kB, anon-rss:2049920kB, file-rss:31008kB, shmem-rss:0kB, UID:0 pgtables:3520kB oom_score_adj:0';
  const triggerOf = (lines: readonly string[]) => {
    const { events } = parseKernelLog(lines.join('\n'));
    expect(events.map((e) => [e.victim.pid, e.victim.name])).toEqual([[1327212, 'wrangle']]);
    return events[0]?.trigger ?? null;
  };
  const dmesg = (lines: readonly string[], seconds: (i: number) => number) =>
    lines.map((line, i) => `[${seconds(i).toFixed(6).padStart(12)}] ${line}`);

  it('takes the CPU line as the trigger when a frame between them names the OOM path', () => {
    const expected = { name: 'polars-0', pid: 1327866, gfpMask: null, order: null, oomScoreAdj: null };
    expect(triggerOf([...HEAD, ...OOM_PATH, ...REST, KILL])).toEqual(expected);
    // One frame of the path is enough, in any unwinder's layout.
    expect(triggerOf([CPU, ' [<ffffffff811a3b4e>] ? oom_kill_process+0x2ac/0x350', KILL])).toEqual(expected);
    expect(triggerOf([CPU, '? out_of_memory (mm/oom_kill.c:1161)', KILL])).toEqual(expected);
    const timed = dmesg([CPU, ...HEAD.slice(1), ...OOM_PATH, ...REST, KILL], (i) => 4194.5 + i * 1e-6);
    expect(triggerOf(timed)).toEqual(expected);
  });

  it('takes no CPU line that no frame of the OOM path follows: a warning’s, or one a paste kept alone', () => {
    expect(triggerOf([CPU, KILL])).toBeNull();
    expect(triggerOf([...HEAD, ...REST, KILL])).toBeNull();
    expect(triggerOf(dmesg([CPU, KILL], (i) => 4194.5 + i * 1e-6))).toBeNull();
    // A frame only in the name: not the OOM killer's path.
    expect(
      triggerOf([CPU, 'pagefault_out_of_memory+0x36/0x7b', '__oom_kill_process+0x1/0x2', KILL]),
    ).toBeNull();
  });

  it('takes none more than a report’s span before the kill, or with another report line between', () => {
    const late = dmesg([CPU, ...OOM_PATH, KILL], (i) => (i < 5 ? 4194.5 + i * 1e-6 : 4205));
    expect(triggerOf(late)).toBeNull();
    const panic = 'Kernel panic - not syncing: Out of memory: compulsory panic_on_oom is enabled';
    expect(triggerOf([CPU, ...OOM_PATH, 'oom_kill_process: 12 callbacks suppressed', KILL])).toBeNull();
    expect(triggerOf([CPU, ...OOM_PATH, panic, CPU.replace('1327866', '1'), KILL])).toBeNull();
    // A frame of the path before the CPU line proves nothing of it.
    expect(triggerOf([...OOM_PATH, CPU, ...REST, KILL])).toBeNull();
  });

  it('gives a kill storm’s headerless kill lines no trigger, as before', () => {
    const second = KILL.replace('1327212 (wrangle)', '1327213 (wrangle2)');
    const { events } = parseKernelLog([CPU, ...OOM_PATH, KILL, second].join('\n'));
    expect(events.map((e) => [e.victim.pid, e.trigger?.pid ?? null])).toEqual([
      [1327212, 1327866],
      [1327213, null],
    ]);
    const header =
      'polars-0 invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0';
    const storm = [header, CPU, ...OOM_PATH, KILL, 'oom_kill_process: 3 callbacks suppressed', second];
    const stormEvents = parseKernelLog(storm.join('\n')).events;
    expect(stormEvents.map((e) => [e.victim.pid, e.trigger?.pid ?? null])).toEqual([
      [1327212, 1327866],
      [1327213, null],
    ]);
  });

  it('carries the proof between batches', () => {
    const first = feed([CPU, ...OOM_PATH], null, false);
    const second = feed([KILL], roundTrip(first.state), true);
    expect(second.events[0]?.trigger).toMatchObject({ name: 'polars-0', pid: 1327866 });
    // The caller's state is not changed by the call that read the frames.
    const before = feed([CPU], null, false).state;
    const copy = roundTrip(before);
    feed(OOM_PATH, before, false);
    expect(before).toEqual(copy);
  });
});

describe('a `Task in` line after a kill that its message says is no memcg OOM (thirtieth red team A/17, linux-mm 3.2)', () => {
  // A global OOM prints no `Task in` line: this one is the next, memcg, OOM's, its header lost in the paste.
  const lines = [
    'Nov 30 02:53:56 server01 kernel: [  818.233159] Pid: 9247, comm: apache2 Not tainted 3.2.34-grsec #1',
    'Nov 30 02:53:56 server01 kernel: [  818.233289] Call Trace:',
    'Nov 30 02:53:56 server01 kernel: [  818.233470]  [<ffffffff810cc90e>] dump_header+0x7e/0x1e0',
    'Nov 30 02:53:56 server01 kernel: [  818.233721]  [<ffffffff810ccdd5>] oom_kill_process+0x85/0x2a0',
    '[...]',
    'Nov 30 02:53:56 server01 kernel: [  818.356297] Out of memory: Kill process 2188 (mysqld) score 60 or sacrifice child',
    'Nov 30 02:53:56 server01 kernel: [  818.356493] Killed process 2188 (mysqld) total-vm:3330016kB, anon-rss:864176kB, file-rss:8072kB',
    'Then you also have memcg oom killer:',
    'Nov 30 02:53:56 server01 kernel: [  818.375717] Task in /1037/uid killed as a result of limit of /1037',
    'Nov 30 02:53:56 server01 kernel: [  818.375886] memory: usage 102400kB, limit 102400kB, failcnt 736',
  ];

  it('starts the next report: the global kill keeps no cgroup', () => {
    const { events } = parseKernelLog(lines.join('\n'));
    expect(
      events.map((e) => [e.victim.pid, e.constraint, e.limitScope, e.cgroup.oom, e.cgroup.task]),
    ).toEqual([
      [2188, 'system', 'node', null, null],
      [null, 'memcg', 'other', '/1037', '/1037/uid'],
    ]);
    expect(events[1]?.memory).toMatchObject({ usageKb: 102400, limitKb: 102400, failcnt: 736 });
  });

  it('still joins a kill whose message names no constraint, or the memcg', () => {
    for (const message of ['Memory cgroup out of memory: Kill process', 'Kill process']) {
      const kill = lines.map((line) => line.replace('Out of memory: Kill process', message));
      const { events } = parseKernelLog(kill.join('\n'));
      expect(events.map((e) => [e.victim.pid, e.constraint, e.cgroup.oom])).toEqual([
        [2188, 'memcg', '/1037'],
      ]);
    }
  });
});

describe('kills whose pid an author masked (forty-first red team C/01, corpus 275)', () => {
  const CHOICE = '[39994236.283140] Out of memory: Kill process xxx (beam.smp) score 727 or sacrifice child';
  const KILL =
    '[39994236.284751] Killed process xxx (beam.smp) total-vm:10094180kB, anon-rss:5992724kB, file-rss:0kB, shmem-rss:0kB';

  it('is one kill of the comm, its pid unknown, the choice giving the constraint', () => {
    const { events } = parseKernelLog([CHOICE, KILL].join('\n'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      constraint: 'system',
      limitScope: 'node',
      victim: { pid: null, name: 'beam.smp', totalVmKb: 10094180, anonRssKb: 5992724 },
      lines: [CHOICE.slice(18), KILL.slice(18)],
    });
  });

  it('is confirmed by a reaper line of the same comm, whatever pid it shows', () => {
    const reaper =
      '[39994236.301234] oom_reaper: reaped process 4242 (beam.smp), now anon-rss:0kB, file-rss:0kB';
    const { events } = parseKernelLog([CHOICE, KILL, reaper].join('\n'));
    expect(events.map((e) => [e.victim.pid, e.victim.name])).toEqual([[null, 'beam.smp']]);
  });

  it('gives each masked kill of one moment its own id, by its comm', () => {
    const other = KILL.replace('beam.smp', 'epmd');
    const { events } = parseKernelLog([KILL, other].join('\n'));
    expect(events.map((e) => e.victim.name)).toEqual(['beam.smp', 'epmd']);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
  });

  it('is the kernel’s choice alone when no kill line follows: that comm or a child of it', () => {
    const { events } = parseKernelLog(CHOICE);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ complete: false, victim: { pid: null, name: 'beam.smp' } });
  });
});

describe('a group block pasted twice (forty-fourth red team B/10, corpus 276)', () => {
  const head = [
    '[   82.522782] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0-1,oom_memcg=/build-kernel-tmpfs,task_memcg=/build-kernel-tmpfs,task=cc1,pid=5646,uid=1000',
    '[   82.528351] Memory cgroup out of memory: Killed process 5646 (cc1) total-vm:63292kB, anon-rss:21852kB, file-rss:12704kB, shmem-rss:0kB, UID:1000 pgtables:148kB oom_score_adj:0',
  ];
  const block = [
    '[   82.534240] Tasks in /build-kernel-tmpfs are going to be killed due to memory.oom.group set',
    '[   82.535005] Memory cgroup out of memory: Killed process 2025 (kbench) total-vm:7180kB, anon-rss:0kB, file-rss:1800kB, shmem-rss:0kB, UID:1000 pgtables:60kB oom_score_adj:0',
    '[   82.536248] Memory cgroup out of memory: Killed process 4734 (time) total-vm:2544kB, anon-rss:0kB, file-rss:1196kB, shmem-rss:0kB, UID:1000 pgtables:48kB oom_score_adj:0',
  ];
  const rest = [
    '[   82.537464] Memory cgroup out of memory: Killed process 4735 (make) total-vm:12284kB, anon-rss:0kB, file-rss:3004kB, shmem-rss:0kB, UID:1000 pgtables:72kB oom_score_adj:0',
    '[   82.692119] Memory cgroup out of memory: Killed process 5574 (make) total-vm:10156kB, anon-rss:576kB, file-rss:3008kB, shmem-rss:0kB, UID:1000 pgtables:60kB oom_score_adj:0',
  ];

  it('is one invocation: every member after the repeat is a co-victim, the repeated ones counted once', () => {
    const { events } = parseKernelLog([...head, ...block, ...block, ...rest].join('\n'));
    expect(events).toHaveLength(1);
    expect(events[0]?.victim).toMatchObject({ pid: 5646, name: 'cc1' });
    expect(events[0]?.coVictims.map((c) => c.pid)).toEqual([2025, 4734, 4735, 5574]);
    expect(events[0]?.coVictimCount).toBe(4);
  });

  it('gives what the block given once gives', () => {
    const once = parseKernelLog([...head, ...block, ...rest].join('\n')).events;
    const twice = parseKernelLog([...head, ...block, ...block, ...rest].join('\n')).events;
    expect(twice.map((e) => ({ ...e, lines: [], source: null }))).toEqual(
      once.map((e) => ({ ...e, lines: [], source: null })),
    );
  });

  it('still starts a new report for a group line after the kills, at a later time', () => {
    const later = block.map((line) => line.replace('[   82.53', '[   95.53'));
    const { events } = parseKernelLog([...head, ...block, ...later].join('\n'));
    expect(events.map((e) => e.coVictimCount)).toEqual([2, expect.any(Number)]);
    expect(events).toHaveLength(2);
  });
});

describe('one kill printed again under one stamp with no clock (fifty-fourth red team A/04, an el6 syslog)', () => {
  // A test of an `oom_analyzer` tool: el6's oom_kill_allocating_task chose the same exiting child three times in one
  // second, its anon-rss 4 kB apart. Syslog stamps give no year, so no clock: only the stamp tells it is one moment.
  const el6 = [
    '    Jun 29 15:39:16 server-03 kernel: Out of memory (oom_kill_allocating_task): Kill process 20353 (httpd.worker) score 0 or sacrifice child',
    '    Jun 29 15:39:16 server-03 kernel: Killed process 22386, UID 48, (httpd.worker) total-vm:4085280kB, anon-rss:2509624kB, file-rss:15112kB',
    '    Jun 29 15:39:16 server-03 kernel: Out of memory (oom_kill_allocating_task): Kill process 20353 (httpd.worker) score 0 or sacrifice child',
    '    Jun 29 15:39:16 server-03 kernel: Killed process 22386, UID 48, (httpd.worker) total-vm:4085280kB, anon-rss:2509628kB, file-rss:15112kB',
    '    Jun 29 15:39:16 server-03 kernel: Out of memory (oom_kill_allocating_task): Kill process 20353 (httpd.worker) score 0 or sacrifice child',
    '    Jun 29 15:39:16 server-03 kernel: Killed process 22386, UID 48, (httpd.worker) total-vm:4085280kB, anon-rss:2509628kB, file-rss:15112kB',
    '    Jun 29 15:39:16 server-03 kernel: Out of memory (oom_kill_allocating_task): Kill process 14534 (php-fpm) score 0 or sacrifice child',
    '    Jun 29 15:39:16 server-03 kernel: Killed process 12081, UID 48, (php-fpm) total-vm:455224kB, anon-rss:4792kB, file-rss:24kB',
  ];
  const victims = (events: readonly OomEvent[]) =>
    events.map((e) => [e.node, e.victim.pid, e.victim.name, e.victim.anonRssKb]);

  it('is one event, as under one clock: the first print', () => {
    expect(victims(parseKernelLog(el6.join('\n')).events)).toEqual([
      ['server-03', 22386, 'httpd.worker', 2509624],
      ['server-03', 12081, 'php-fpm', 4792],
    ]);
  });

  it('is one event when the copies come in a later call, the state stored between', () => {
    const first = feed(el6.slice(0, 2), null, false);
    expect(victims(first.events)).toEqual([[STREAM.node, 22386, 'httpd.worker', 2509624]]);
    expect(victims(feed(el6.slice(2), roundTrip(first.state), true).events)).toEqual([
      [STREAM.node, 12081, 'php-fpm', 4792],
    ]);
  });

  it('is two kills of a masked pid under one stamp where the figures differ: pid and comm make the kill one', () => {
    // A review's case: an author masked the pids, so the kills' ids are of comm and cgroup alone.
    const masked = (failcnt: number, anonRss: number) => [
      'Jun 29 15:39:16 node-a kernel: Task in /docker/abc killed as a result of limit of /docker/abc',
      `Jun 29 15:39:16 node-a kernel: memory: usage 1048576kB, limit 1048576kB, failcnt ${failcnt}`,
      'Jun 29 15:39:16 node-a kernel: Memory cgroup out of memory: Kill process XXXX (java) score 900 or sacrifice child',
      `Jun 29 15:39:16 node-a kernel: Killed process XXXX (java) total-vm:2000000kB, anon-rss:${anonRss}kB, file-rss:1000kB`,
    ];
    const { events } = parseKernelLog([...masked(12, 900000), ...masked(40, 600000)].join('\n'));
    expect(events.map((e) => [e.victim.pid, e.memory?.failcnt, e.victim.anonRssKb])).toEqual([
      [null, 12, 900000],
      [null, 40, 600000],
    ]);
  });

  it('is two kills under two hosts’ stamps, or two stamps, where the figures differ (no clock tells them one)', () => {
    const otherHost = el6
      .slice(0, 4)
      .map((line, i) => (i < 2 ? line : line.replace('server-03', 'server-04')));
    expect(victims(parseKernelLog(otherHost.join('\n')).events)).toEqual([
      ['server-03', 22386, 'httpd.worker', 2509624],
      ['server-04', 22386, 'httpd.worker', 2509628],
    ]);
    const nextDay = el6.slice(0, 4).map((line, i) => (i < 2 ? line : line.replace('Jun 29', 'Jun 30')));
    expect(victims(parseKernelLog(nextDay.join('\n')).events)).toEqual([
      ['server-03', 22386, 'httpd.worker', 2509624],
      ['server-03', 22386, 'httpd.worker', 2509628],
    ]);
  });
});

describe('a 2.6.24 header whose comm printed as blanks (fifty-fifth red team A/12, Ubuntu Forums 2008)', () => {
  const report = [
    'Oct  6 13:19:44 afrotc-server kernel: [12541.403664]    invoked oom-killer: gfp_mask=0x40d0, order=1, oomkilladj=0',
    'Oct  6 13:19:44 afrotc-server kernel: [12541.403670] Pid: 6575, comm:    Not tainted 2.6.24-19-generic #1',
    'Oct  6 13:19:44 afrotc-server kernel: [12541.403692]  [out_of_memory+0x167/0x1a0] out_of_memory+0x167/0x1a0',
    'Oct  6 13:19:44 afrotc-server kernel: [12541.408279] 1013 pages pagetables',
    'Oct  6 13:19:44 afrotc-server kernel: [12541.408282] Out of memory: kill process 5662 (x-session-manag) score 26980 or a child',
    'Oct  6 13:19:44 afrotc-server kernel: [12541.408328] Killed process 6147 (trackerd)',
  ];

  it('names no trigger but gives its pid, from the Pid: line, and its fields', () => {
    const { events, drift } = parseKernelLog(report.join('\n'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      victim: { pid: 6147, name: 'trackerd' },
      constraint: 'system',
      trigger: { name: null, pid: 6575, gfpMask: '0x40d0', order: 1, oomScoreAdj: null },
    });
    // klogd's frames (`[sym+0x…/0x…] sym+0x…/0x…`) are report context too.
    expect(drift).toEqual([]);
  });
});

describe('a header without its comm or a time: the rest of a wrapped line (corpus 259’s HTML copy, red team 34 A/02)', () => {
  const kill = [
    'May 30 03:13:08 vicky kernel: [ 1578.117055] Memory cgroup out of memory: kill process 6016 (java) score 0 or a child',
  ];

  it('is drift, and lends its fields to no later kill', () => {
    const lines = [
      '> ./log/syslog:May 30 07:44:43 vicky kernel: [ 2288.493439] redis-server',
      '',
      '> invoked oom-killer: gfp_mask=0xd0, order=0, oom_adj=-17',
      'If the OOM killer kicks in, it gets stuck in a loop.',
      ...kill,
    ];
    const { events, drift } = parseKernelLog(lines.join('\n'));
    expect(events).toMatchObject([{ victim: { pid: 6016, name: 'java' }, trigger: null }]);
    expect(drift).toContainEqual(
      expect.objectContaining({
        text: 'invoked oom-killer: gfp_mask=0xd0, order=0, oom_adj=-17',
        reason: expect.stringContaining('without its comm or a time'),
      }),
    );
  });

  it('but one with a time or a stamp opens its report (2.6.24’s comm of blanks)', () => {
    for (const header of [
      '[ 1578.100000]    invoked oom-killer: gfp_mask=0xd0, order=0, oom_adj=-17',
      'May 30 03:13:08 vicky kernel:    invoked oom-killer: gfp_mask=0xd0, order=0, oom_adj=-17',
    ]) {
      const { events } = parseKernelLog([header, ...kill].join('\n'));
      expect(events[0]?.trigger, header).toMatchObject({ name: null, gfpMask: '0xd0', order: 0 });
    }
  });
});

describe('one kill printed twice, the fuller copy first (sixty-third red team A/13, a Japanese error page)', () => {
  // The kill line whole, alone; then dmesg's summary, the same kill line cut after anon-rss, and its reaper line.
  const whole =
    'Out of memory: Killed process 12345 (java) total-vm:4096000kB, anon-rss:3500000kB, file-rss:0kB, shmem-rss:0kB';
  const report = [
    '[12345.678901] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/myapp.service,task=java,pid=12345,uid=1000',
    '[12345.678902] Out of memory: Killed process 12345 (java) total-vm:4096000kB, anon-rss:3500000kB',
    '[12345.678903] oom_reaper: reaped process 12345 (java), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
  ];

  it("is one event, the report's copy with the figures only the copy before it showed", () => {
    const { events } = parseKernelLog([whole, '', ...report].join('\n'));
    expect(events).toMatchObject([
      {
        victim: { pid: 12345, name: 'java', uid: 1000, totalVmKb: 4096000, fileRssKb: 0, shmemRssKb: 0 },
        cgroup: { task: '/system.slice/myapp.service' },
        complete: true,
      },
    ]);
  });

  it('gives the same in two batches, the first copy in the first: the state keeps its figures', () => {
    const first = feed([whole], null, false);
    const second = feed(report, roundTrip(first.state), true);
    expect(second.events).toMatchObject([
      { id: first.events[0]?.id, victim: { fileRssKb: 0, shmemRssKb: 0 }, complete: true },
    ]);
  });

  it('takes the figures the evidence keeps too: uid, pgtables and oom_score_adj of a whole line before a cut copy', () => {
    const fuller =
      'Out of memory: Killed process 12345 (java) total-vm:4096000kB, anon-rss:3500000kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:8000kB oom_score_adj:-998';
    const { events } = parseKernelLog([fuller, '', report[0] as string, report[1] as string].join('\n'));
    expect(events).toMatchObject([
      {
        victim: { pid: 12345, uid: 1000, pgtablesKb: 8000, oomScoreAdj: -998, fileRssKb: 0 },
        complete: true,
      },
    ]);
  });

  it('takes no figure from a kill of another boot that shares the pid and comm (the review of that rule)', () => {
    // Syslog stamps give no clock: the matcher takes the June kill for the May one, but no figure of its own is alike.
    const lines = [
      'May 10 18:07:27 db1 kernel: Out of memory: Killed process 1523 (mysqld) total-vm:4096000kB, anon-rss:3500000kB, file-rss:1200kB, shmem-rss:64kB, UID:27 pgtables:8000kB oom_score_adj:0',
      'Jun  2 03:00:01 db1 kernel: mysqld invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0',
      'Jun  2 03:00:01 db1 kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/mysqld.service,task=mysqld,pid=1523,uid=27',
      'Jun  2 03:00:01 db1 kernel: Out of memory: Killed process 1523 (mysqld)',
    ];
    const { events } = parseKernelLog(lines.join('\n'));
    expect(events.at(-1)?.victim).toMatchObject({
      pid: 1523,
      totalVmKb: null,
      fileRssKb: null,
      pgtablesKb: null,
    });
  });

  it("keeps the report's copy as it is when the fuller line comes after it (a copy that shows less is not sent)", () => {
    // Sent first, the report's event cannot take what a later copy shows in another batch; in one pass neither.
    const { events } = parseKernelLog([...report, '', whole].join('\n'));
    expect(events).toMatchObject([{ victim: { pid: 12345, fileRssKb: null }, complete: true }]);
  });
});
