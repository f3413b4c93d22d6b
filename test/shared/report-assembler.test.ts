import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKernelLog } from '../../shared/kernel-log.ts';
import { readLogRecord } from '../../shared/log-record.ts';
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

  it('memory.oom.group: every task killed is an event, placed by the group line', () => {
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
      [101, VICTIM_ID, true, 'container'],
      [102, VICTIM_ID, true, 'container'],
    ]);
    expect(events[0]?.coVictims).toEqual([
      { pid: 101, name: 'worker 1', anonRssKb: 300 },
      { pid: 102, name: 'worker 2', anonRssKb: 200 },
    ]);
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
      [101, [100], POD],
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
    expect(timed.map((e) => [e.victim.pid, e.coVictims.length])).toEqual([
      [100, 1],
      [101, 1],
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
});

describe('text that is not a kernel OOM report', () => {
  it('ignores OOM text written by other programs', () => {
    const { events, drift } = parseKernelLog(
      'Jul 12 12:11:16 node-4 systemd[1]: cri-containerd-1.scope: A process of this unit has been killed by the OOM killer.',
    );
    expect([events, drift]).toEqual([[], []]);
  });
});
