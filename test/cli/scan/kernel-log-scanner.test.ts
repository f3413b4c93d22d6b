import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { KernelLogScanner, MAX_LINE_CHARS } from '../../../cli/scan/kernel-log-scanner.ts';
import type { ScannerOptions, ScanOutput } from '../../../cli/scan/kernel-log-scanner.ts';
import { parseKernelLog } from '../../../shared/kernel-log.ts';
import { RecordJoiner } from '../../../shared/line-prefilter.ts';
import { GROUP_FIRST_PID, groupKillMessages } from '../../fixtures/group-kill-report.ts';
import { exampleFiles } from '../in-memory-io.ts';

const CONTAINER = '4f6b0a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f90';
const POD_SLICE =
  '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b4c3a2e_6f1d_4e8a_9c7b_5d2e1f0a3b4c.slice';

/**
 * One memory.oom.group report as mm/oom_kill.c prints it (oom_kill_process → mem_cgroup_print_oom_group →
 * a kill line per task of the group), with the reaper confirming the first kill.
 */
const OOM_GROUP_REPORT = [
  '[ 5120.104001] worker invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=984',
  '[ 5120.104019] CPU: 1 UID: 0 PID: 8812 Comm: worker Not tainted 6.1.115-126.197.amzn2023.x86_64 #1',
  '[ 5120.104177] memory: usage 262144kB, limit 262144kB, failcnt 311',
  '[ 5120.104179] swap: usage 0kB, limit 0kB, failcnt 0',
  `[ 5120.104181] Memory cgroup stats for ${POD_SLICE}/cri-containerd-${CONTAINER}.scope:`,
  '[ 5120.104215] anon 266887168',
  '[ 5120.104300] Tasks state (memory values in pages):',
  '[ 5120.104301] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
  '[ 5120.104305] [   8790]     0  8790      620      263    45056        0           984 sh',
  '[ 5120.104308] [   8812]     0  8812    70001    64891   581632        0           984 worker',
  '[ 5120.104310] [   8813]     0  8813    12001     1520   110592        0           984 worker',
  `[ 5120.104313] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-${CONTAINER}.scope,mems_allowed=0,oom_memcg=${POD_SLICE}/cri-containerd-${CONTAINER}.scope,task_memcg=${POD_SLICE}/cri-containerd-${CONTAINER}.scope,task=worker,pid=8812,uid=0`,
  '[ 5120.104330] Memory cgroup out of memory: Killed process 8812 (worker) total-vm:280004kB, anon-rss:259368kB, file-rss:196kB, shmem-rss:0kB, UID:0 pgtables:568kB oom_score_adj:984',
  `[ 5120.104345] Tasks in ${POD_SLICE}/cri-containerd-${CONTAINER}.scope are going to be killed due to memory.oom.group set`,
  '[ 5120.104352] Memory cgroup out of memory: Killed process 8790 (sh) total-vm:2480kB, anon-rss:88kB, file-rss:964kB, shmem-rss:0kB, UID:0 pgtables:44kB oom_score_adj:984',
  '[ 5120.104360] Memory cgroup out of memory: Killed process 8813 (worker) total-vm:48004kB, anon-rss:5912kB, file-rss:168kB, shmem-rss:0kB, UID:0 pgtables:108kB oom_score_adj:984',
  '[ 5120.118002] oom_reaper: reaped process 8812 (worker), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
  '[ 5121.000000] IPv6: ADDRCONF(NETDEV_CHANGE): eni8a7b6c5d4e3: link becomes ready',
].join('\n');

function scanInChunks(text: string, chunkBytes: number, batchRecords: number, file: string): ScanOutput {
  const scanner = new KernelLogScanner({ node: null, source: { file } }, { batchRecords });
  const bytes = new TextEncoder().encode(text);
  const output: ScanOutput = { kills: [], drift: [] };
  const take = (o: ScanOutput): void => {
    output.kills.push(...o.kills);
    output.drift.push(...o.drift);
  };
  for (let at = 0; at < bytes.length; at += chunkBytes)
    take(scanner.push(bytes.subarray(at, at + chunkBytes)));
  take(scanner.end());
  return output;
}

/**
 * JSON records with no message key that the readers know (twenty-first red team M/05): their strings of OOM text
 * are lines, flat ones (which record-shape.ts tells in place) and nested ones alike, among records with none.
 */
const RECORDS_WITHOUT_MESSAGE_KEY = [
  '{"host":"n1","count":3}',
  '{"textPayload":"Out of memory: Killed process 12345 (api) total-vm:4kB","timestamp":"2026-01-16T12:01:03Z"}',
  '{"a":{"b":["c","d"]}}',
  '{"oom_kill":3,"pgfault":77}',
  '{"stream":{"job":"kernel"},"values":[["1700000000000000000","[ 4194.691334] Memory cgroup out of memory: Killed process 4242 (worker) total-vm:8kB"],["1700000000000000001","eth0: link up"]]}',
  '{"evidence":{"timeline":[{"source":"dmesg","payload":{"version":1,"message":"Out of memory: Killed process 777 (db) total-vm:..."}},{"title":"OOMKill detected"}]}}',
  '{"host":"n1","ident":"kernel","count":4}',
].join('\n');

const INPUTS: Record<string, string> = {
  ...exampleFiles(),
  'oom-group.log': OOM_GROUP_REPORT,
  'records-without-message-key.log': RECORDS_WITHOUT_MESSAGE_KEY,
  'kmsg.log': readFileSync(
    'test/fixtures/real-kernel/kernel-6.18-cgroupv1-systemd-burstable-tail-child-killed-parent-survives.kmsg.log',
    'utf8',
  ),
};

describe('KernelLogScanner', () => {
  it('reads the memory.oom.group report as one kill with two co-victims', () => {
    const { kills } = scanInChunks(OOM_GROUP_REPORT, 4096, 8192, 'oom-group.log');
    expect(
      kills.map((k) => [k.victim.pid, k.coVictims.map((c) => c.pid), k.coVictimCount, k.container?.id]),
    ).toEqual([[8812, [8790, 8813], 2, CONTAINER]]);
  });

  // A batch may end anywhere and a read may cut a line or a UTF-8 character: the events never change.
  it.each(Object.keys(INPUTS))(
    'gives what parseKernelLog gives on %s, whatever the batch and chunk sizes',
    (file) => {
      const text = INPUTS[file] as string;
      const whole = parseKernelLog(text, { file });
      expect(whole.events.length).toBeGreaterThan(0);
      for (const chunkBytes of [1, 13, 4096]) {
        for (let batchRecords = 1; batchRecords <= 24; batchRecords += chunkBytes === 1 ? 12 : 1) {
          const streamed = scanInChunks(text, chunkBytes, batchRecords, file);
          expect(streamed.kills).toEqual(whole.events);
          expect(streamed.drift).toEqual(whole.drift);
        }
      }
    },
  );

  it('counts lines, records, kills, incomplete kills and drift lines', () => {
    const scanner = new KernelLogScanner({ node: null, source: { file: 'x' } });
    scanner.push(new TextEncoder().encode(`${INPUTS['examples/kernel-3.10-to-5.10-oneliners.log']}\n\n`));
    scanner.push(new TextEncoder().encode('Out of memory: Killed proc 1 (x)\nno newline at the end'));
    scanner.end();
    // Its two lone `Task in` lines are kills too (issue 10).
    expect(scanner.counts).toEqual({ lines: 8, cutLines: 0, records: 6, kills: 4, incomplete: 4, drift: 1 });
  });

  it('holds a report open across a pause until its kill line comes', () => {
    const lines = OOM_GROUP_REPORT.split('\n');
    const scanner = new KernelLogScanner({ node: null, source: { file: 'kmsg' } });
    scanner.push(new TextEncoder().encode(`${lines.slice(0, 12).join('\n')}\n`));
    expect(scanner.pause().kills).toEqual([]);
    scanner.push(new TextEncoder().encode(`${lines.slice(12).join('\n')}\n`));
    const kills = scanner.pause().kills;
    expect(kills.map((k) => [k.victim.pid, k.complete, k.tasks.length])).toEqual([[8812, true, 3]]);
    expect(scanner.end().kills).toEqual([]);
  });
});

/**
 * Scans `text` read `chunkBytes` at a time: the kills and drift lines, the ids of the kills each read gave
 * (which tells where the batches ended), and the counts.
 */
function scanWith(text: string, chunkBytes: number, options: ScannerOptions) {
  const scanner = new KernelLogScanner({ node: null, source: { file: 'x.log' } }, options);
  const output: ScanOutput = { kills: [], drift: [] };
  const perRead: string[][] = [];
  const take = (o: ScanOutput): void => {
    output.kills.push(...o.kills);
    output.drift.push(...o.drift);
    perRead.push(o.kills.map((k) => k.id));
  };
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length; at += chunkBytes)
    take(scanner.push(bytes.subarray(at, at + chunkBytes)));
  take(scanner.end());
  return { output, perRead, counts: scanner.counts };
}

describe('KernelLogScanner, lines read in place', () => {
  const noise = (i: number): string => `[ 5119.${String(i).padStart(6, '0')}] eth0: link up, é中 ${i}`;
  // Colour codes inside every word of OOM text: the raw line shows none of it.
  const coloured = (line: string): string =>
    line.replace(
      /(oom|memory|kill|Kill|group|reaper|victim|CPU|usage|tgid)/g,
      (w) => `${w.slice(0, 2)}\u001b[1m${w.slice(2)}`,
    );
  const report = OOM_GROUP_REPORT.split('\n');
  const jsonRecord = (message: string): string =>
    JSON.stringify({ host: 'ip-10-0-3-54', ident: 'kernel', message });
  const LOGS: Record<string, string> = {
    'noise and a report': [...Array.from({ length: 40 }, (_, i) => noise(i)), ...report].join('\n'),
    'colour codes': [...Array.from({ length: 5 }, (_, i) => noise(i)), ...report.map(coloured)].join('\n'),
    'records without a message, and escapes': [
      noise(1),
      '{"host":"ip-10-0-3-54","ident":"kernel"}',
      ...report.map((line, i) => (i % 2 === 0 ? jsonRecord(line.slice(15)) : line)),
      '{"host":"ip-10-0-3-54","message":"a \\"quoted\\" word \\u006f\\u006fm"}',
      '{"host":"ip-10-0-3-54","message":"Out of mem\\u006fry: Killed process 77 (x)"}',
    ].join('\n'),
    // A terminal wraps at 90 columns; the widest line, a record without a message, is wider, and so a wrap
    // joins with a space (joinWrappedLines looks at every line's width).
    'the widest line a record without a message': [
      ...Array.from({ length: 4 }, (_, i) => noise(i)),
      `{"host":"ip-10-0-3-54","ident":"kernel","note":"${'n'.repeat(120)}"}`,
      ...report.flatMap((line) => (line.length > 90 ? [line.slice(0, 90), line.slice(90)] : [line])),
    ].join('\n'),
    CRLF: [...Array.from({ length: 5 }, (_, i) => noise(i)), ...report].join('\r\n'),
    // Its widest line first: with the width sample off, scan knows only the widest line so far, and a 60-column
    // line before a wider one would join as a terminal wrap there and as a mail wrap in the whole-text join.
    'wrapped by a mail client': ((wrapped: string[]) =>
      [
        noise(0).padEnd(Math.max(...wrapped.map((line) => line.length)), 'x'),
        ...Array.from({ length: 6 }, (_, i) => noise(i)),
        ...wrapped,
      ].join('\n'))(
      report.flatMap((line) => [line.slice(0, 60), line.slice(60)]).filter((line) => line.length > 0),
    ),
    'lines longer than a read': [
      noise(1),
      `[ 5119.500000] ${'x'.repeat(200_000)}`,
      report[0] as string,
      jsonRecord(`${'é'.repeat(40_000)} Killed`),
      ...report.slice(1),
      'no newline at the end',
    ].join('\n'),
  };

  /**
   * The report again `seconds` later, with call-trace frames in every envelope: with a time (dmesg, kmsg,
   * kmsg JSON) and without (journalctl, `dmesg -T`, Container Insights), one that holds more OOM text
   * (`oom_kill_process`), one wrapped by a terminal, and, before the kill, one whose time is 15 s before the
   * header's (20 s after, `seconds` later): it closes the report.
   */
  const withFrames = (seconds: number): string[] => {
    const at = (s: number): string => `[${(5120 + seconds + s).toFixed(6).padStart(12)}]`;
    const kmsg = (s: number, text: string): string =>
      `4,901,${Math.round((5120 + seconds + s) * 1e6)},-;${text}`;
    const shifted = report.map((line) =>
      line.replace(/^\[ *(\d+\.\d+)\]/, (_, t: string) => at(Number(t) - 5120)),
    );
    return [
      ...shifted.slice(0, 2),
      `${at(0.000002)}  dump_stack+0x57/0x70`,
      kmsg(0.000003, ' dump_header+0x4a/0x1f0'),
      `{"priority":4,"sequence":902,"sec":${5120 + seconds},"usec":4,"msg":" ? schedule_timeout+0x11/0x20"}`,
      'Nov 20 06:12:45 ip-10-0-3-54 kernel:  oom_kill_process.cold+0xb/0x10',
      'Nov 20 06:12:45 ip-10-0-3-54 kernel:  out_of_line+0x1/0x2',
      '[Fri Nov 20 21:17:17 2026]  __schedule+0x2a5/0x8a0',
      '{"host":"ip-10-0-3-54","ident":"kernel","message":" io_schedule+0x42/0x70"}',
      `${at(0.000005)}  xfs_buf_read_map+0x4a/`,
      '0x1f0 [xfs]',
      ...shifted.slice(2, 12),
      // Only the time in the middle of the run is more than a report's span from the header's.
      `${at(0.1)}  schedule+0x5a/0xd0`,
      kmsg(seconds > 0 ? 20.5 : -15, ' io_schedule+0x42/0x70'),
      `${at(0.2)}  schedule+0x5a/0xd0`,
      ...shifted.slice(12),
      kmsg(40, ' far+0x1/0x2'),
      `${at(60)} [<ffffffff9c781340>] dump_stack+0x19/0x1b`,
      // Report context with another record glued on (a paste): the assembler reads that one too.
      `${at(70)} Out of memory and no killable processes (+0x)...${at(70.1)} memory: usage 1kB, limit 1kB, failcnt 1`,
    ];
  };
  // The head of the message holds no OOM text, so the fast path reads it in place; most lines are prose, so only the
  // rule for a wrap inside the message joins the rest to it (the property test's counterexample, shrunk).
  LOGS['a kill line wrapped inside its message, before `Memory`, among prose'] = [
    ...Array.from(
      { length: 6 },
      (_, i) => `some reason VMWare has got killed (${i}) with the following syslog`,
    ),
    'Nov 20 14:20:00 ip-10-0-3-54 kernel: Out of',
    ' Memory: Killed process 28804 (vmware).',
    'Nov 20 14:20:01 ip-10-0-3-54 kernel: Out of mem',
    'ory: Killed process 28805 (vmware-vmx) total-vm:1024kB, anon-rss:512kB, file-rss:0kB',
    'Nov 20 14:20:02 ip-10-0-3-54 kernel: ena 0000:00:06.0 eth1: Link is up',
  ].join('\n');
  // A kill line cut right after a key's hyphen, among lines told in place and prose (74th red team A/05, AWS's EC2
  // guide): only the rule for the rest of a hyphenated key joins it (keyRestGlue), on both paths.
  LOGS['a kill line wrapped at a key’s hyphen, among lines told in place and prose'] = [
    ...Array.from({ length: 5 }, (_, i) => noise(i)),
    ...Array.from({ length: 8 }, (_, i) => `the kernel killed php-cgi (${i}) and left this in the log`),
    '[115879.769795] Killed process 1917 (php-cgi) vsz:467184kB, anon-',
    'rss:101196kB, file-',
    'rss:204kB',
    ...Array.from({ length: 5 }, (_, i) => noise(i + 10)),
  ].join('\n');
  it('joins the rests of keys a wrap split at their hyphens on the fast path too', () => {
    const text = LOGS['a kill line wrapped at a key’s hyphen, among lines told in place and prose'] as string;
    const fast = scanWith(text, 1 << 16, { widthSampleLines: 0 });
    expect(fast.output.kills.map((k) => [k.victim.pid, k.victim.anonRssKb, k.victim.fileRssKb])).toEqual([
      [1917, 101196, 204],
    ]);
  });
  LOGS['call-trace frames, with times and without'] = [
    ...Array.from({ length: 5 }, (_, i) => noise(i)),
    ...withFrames(0),
    ...Array.from({ length: 5 }, (_, i) => noise(i)),
    ...withFrames(100),
  ].join('\n');

  it('reads a call-trace frame in place for its time alone, or sets it aside', () => {
    const pushQuiet = vi.spyOn(RecordJoiner.prototype, 'pushQuiet');
    const text = LOGS['call-trace frames, with times and without'] as string;
    const fast = scanWith(text, 1 << 16, { widthSampleLines: 0 });
    expect(fast).toEqual(scanWith(text, 1 << 16, { widthSampleLines: 0, prefilter: false }));
    const frameTimes = pushQuiet.mock.calls.map((call) => call[4]).filter((time) => time !== undefined);
    expect(frameTimes).toContain(5120.000002);
    expect(frameTimes).toContain(5220.2);
    expect(frameTimes).toContain(null);
    pushQuiet.mockRestore();
    // In each report, a frame 15 s before the header's time or 20 s after closed it before its kill line: the
    // kill the summary line names, then its kill line and group as a headerless report. The two are one kill,
    // and its event is the copy that shows more of it: the kill line's, with the group's co-victims.
    expect(fast.output.kills.map((k) => [k.victim.pid, k.complete, k.coVictimCount])).toEqual([
      [8812, true, 2],
      [8812, true, 2],
    ]);
    expect(fast.output.drift.map((d) => d.reason)).toEqual([
      'OOM report without a kill line',
      'OOM report without a kill line',
    ]);
  });

  const syslog = (writer: string, message: string): string =>
    `Nov 20 06:12:45 ip-10-0-3-54 ${writer}: ${message}`;
  const CONSIDERED = syslog(
    'systemd-oomd[812]',
    'Considered 13 cgroups for killing, top candidates were: none',
  );
  LOGS['other writers among the kernel lines'] = [
    ...Array.from({ length: 5 }, (_, i) => noise(i)),
    ...report.slice(0, 12).map((line) => syslog('kernel', line.slice(15))),
    CONSIDERED,
    syslog('systemd-oomd[812]', 'Killed process 78 (y): memory pressure'),
    syslog('kernelx', 'oom'),
    // journalctl --no-hostname: the kernel's line.
    `Nov 20 06:12:45 kernel: ${(report[12] as string).slice(15)}`,
    ...report.slice(13).map((line) => syslog('kernel', line.slice(15))),
    CONSIDERED,
    // A continuation (a terminal wrapped it): read with the line it continues.
    syslog('systemd-oomd[812]', 'Considered 13 cgroups for kill'),
    'ing',
  ].join('\n');

  it("sets another writer's line aside in place, unless it reads like a line that follows a kill", () => {
    const push = vi.spyOn(RecordJoiner.prototype, 'push');
    const text = LOGS['other writers among the kernel lines'] as string;
    const fast = scanWith(text, 1 << 16, { widthSampleLines: 0 });
    const read = push.mock.calls.map((call) => call[0]);
    push.mockRestore();
    expect(fast).toEqual(scanWith(text, 1 << 16, { widthSampleLines: 0, prefilter: false }));
    expect(read).not.toContain(CONSIDERED);
    expect(read).toContain(syslog('systemd-oomd[812]', 'Killed process 78 (y): memory pressure'));
    expect(fast.output.kills.map((k) => [k.victim.pid, k.coVictimCount])).toEqual([[8812, 2]]);
  });

  // A report pasted from its CPU line (twentieth red team K/07, arm64): a frame of the OOM killer's path, here
  // with a time, tells that the CPU line is the invoker's; the fast path reads such a frame whole.
  const fromCpuLine = [
    'CPU: 8 UID: 0 PID: 1327866 Comm: polars-0 Tainted: G S                 6.14.2-401.asahi.fc42.aarch64+16k #1',
    'Hardware name: Apple Mac mini (M2 Pro, 2023) (DT)',
    'Call trace:',
    ' show_stack+0x30/0x98 (C)',
    ' dump_header+0x48/0x190',
    ' oom_kill_process+0x2ac/0x350',
    ' out_of_memory+0xdc/0x350',
    ' mem_cgroup_out_of_memory+0x138/0x160',
    ' try_charge_memcg+0x3fc/0x6c0',
    'Memory cgroup out of memory: Killed process 1327212 (wrangle) total-vm:8633456kB, anon-rss:2049920kB, file-rss:31008kB, shmem-rss:0kB, UID:0 pgtables:3520kB oom_score_adj:0',
  ].map((line, i) => `[ 4194.${String(500000 + i)}] ${line}`);
  LOGS['a report pasted from its CPU line, its frames with a time'] = [
    ...Array.from({ length: 40 }, (_, i) => noise(i)),
    ...fromCpuLine,
    ...Array.from({ length: 40 }, (_, i) => noise(i)),
  ].join('\n');

  it('takes the CPU line that a frame of the OOM path follows as the invoker on the fast path too', () => {
    const text = LOGS['a report pasted from its CPU line, its frames with a time'] as string;
    const fast = scanWith(text, 1 << 16, { widthSampleLines: 0 });
    expect(fast.output.kills.map((k) => [k.victim.pid, k.trigger?.name, k.trigger?.pid])).toEqual([
      [1327212, 'polars-0', 1327866],
    ]);
  });

  it.each(Object.keys(LOGS))('gives what the plain path and parseKernelLog give: %s', (name) => {
    const text = LOGS[name] as string;
    const whole = parseKernelLog(text, { file: 'x.log' });
    expect(whole.events.length).toBeGreaterThan(0);
    const pushQuiet = vi.spyOn(RecordJoiner.prototype, 'pushQuiet');
    for (const chunkBytes of [7, 4099, 1 << 16, 1 << 20]) {
      for (const widthSampleLines of [0, 3]) {
        for (const batchRecords of [2, 8192]) {
          const plain = scanWith(text, chunkBytes, { widthSampleLines, batchRecords, prefilter: false });
          expect(scanWith(text, chunkBytes, { widthSampleLines, batchRecords })).toEqual(plain);
          expect(plain.output.kills).toEqual(whole.events);
        }
      }
    }
    // The in-place path was taken.
    expect(pushQuiet).toHaveBeenCalled();
    pushQuiet.mockRestore();
  });

  it('takes a line of 8,192 characters or more as a record no wrapped rest joins, on either path (the review of 711f022)', () => {
    // The plain path reads every record and so knew it full (JOINED_MAX); the fast path, which had only skimmed it or
    // told it in place, joined the next line on.
    const text = [
      `[   12.345000] oom ${'x'.repeat(8300)}`,
      'invoked oom-killer',
      `[   12.346000] eth0: ${'y'.repeat(9000)}`,
      'Out of memory: Killed process 7 (z) total-vm:1kB, anon-rss:1kB, file-rss:0kB',
    ].join('\n');
    for (const chunkBytes of [97, 4099, 1 << 16]) {
      for (const widthSampleLines of [0, 1, 3]) {
        const plain = scanWith(text, chunkBytes, { widthSampleLines, prefilter: false });
        expect(scanWith(text, chunkBytes, { widthSampleLines })).toEqual(plain);
        expect(plain.counts).toMatchObject({ lines: 4, records: 4, kills: 1 });
      }
    }
  });

  it('prints a memory.oom.group kill in records of several KiB once (the review of 711f022)', () => {
    // Fluent Bit records that carry a pod's labels and annotations: each line holds some 8 KiB beyond a kernel
    // record's, so its chars count towards the batch, and the run of 120 kill lines must not be cut by it.
    const members = 120;
    const labels = 'app.kubernetes.io/name=php-fpm,'.repeat(260);
    const text = groupKillMessages(members)
      .map((message) => JSON.stringify({ host: 'ip-10-0-7-41', ident: 'kernel', message, labels }))
      .join('\n');
    for (const chunkBytes of [4099, 1 << 18]) {
      const { output, perRead } = scanWith(text, chunkBytes, {});
      expect(output.kills.map((k) => [k.victim.pid, k.coVictimCount])).toEqual([
        [GROUP_FIRST_PID, members - 1],
      ]);
      expect(perRead.flat()).toHaveLength(1);
    }
  });

  it('reads a line longer than MAX_LINE_CHARS only to there, on either path, and counts it once', () => {
    const junk = 'yyyy oom kill memory é中 '.repeat(4000);
    const text = [
      noise(1),
      // Cut inside a character of three bytes; OOM text before the cut and a kill line after it.
      `${'é'.repeat(MAX_LINE_CHARS - 1)}中中 Killed process 99 (after-the-cut) total-vm:1kB`,
      noise(2),
      junk,
      `${junk}${junk}`,
      ...report,
      // No newline at its end: the input ends inside the part set aside.
      junk.repeat(3),
    ].join('\n');
    const lines = 6 + report.length;
    for (const chunkBytes of [97, 4099, 1 << 16, 1 << 20]) {
      for (const batchRecords of [2, 8192]) {
        const plain = scanWith(text, chunkBytes, { widthSampleLines: 3, batchRecords, prefilter: false });
        expect(scanWith(text, chunkBytes, { widthSampleLines: 3, batchRecords })).toEqual(plain);
        expect(plain.counts).toMatchObject({ lines, cutLines: 4, kills: 1 });
        // The report's first kill line is line 18 (the 13th of the report, after 5 lines): each long line counted once.
        expect(
          plain.output.kills.map((k) => [k.victim.pid, (k.source as { lines: number[] }).lines]),
        ).toEqual([[8812, expect.arrayContaining([6, 18])]]);
      }
    }
  });

  // Another writer's line that reads like a kill line: the assembler ignores it, but on either path no batch
  // ends near it, so the kill before it comes out of the same read.
  it('ends its batches where the plain path ends them, other writers among the kills', () => {
    const text = [
      ...report.slice(0, 13),
      ...Array.from({ length: 40 }, (_, i) => noise(i)),
      'Nov 20 06:12:45 ip-10-0-3-54 systemd-oomd[812]: Killed process 78 (y): memory pressure',
      ...Array.from({ length: 60 }, (_, i) => noise(i)),
      ...report.slice(13),
      ...Array.from({ length: 40 }, (_, i) => noise(i)),
    ].join('\n');
    for (let batchRecords = 30; batchRecords <= 130; batchRecords += 4) {
      const options = { widthSampleLines: 0, batchRecords };
      expect(scanWith(text, 97, options)).toEqual(scanWith(text, 97, { ...options, prefilter: false }));
    }
  });
});

/**
 * Quoted-printable mail (shared/quoted-printable.ts): decoded as parseKernelLog decodes it, the start of the
 * input held until it tells, a soft break or an escape cut by any read.
 */
describe('KernelLogScanner on quoted-printable mail', () => {
  const corpus = 'test/fixtures/kernel-logs/corpus';
  const mails = [
    '66-lkml-mglru-quoted-summary-and-kill-hand-wrapped.log',
    '81-lkml-nfsd-qp-5deep-quote-global-kill-then-panic.log',
    '82-lkml-mglru-qp-timestamps-mail-wrapped-kill-v1-memcg.log',
    '83-lkml-ltp-qp-soft-breaks-kubepods-pod-limit.log',
    '84-lkml-fsdevel-qp-x86-32-kill-line-soft-and-hard-wraps-then-header.log',
    '331-jailhouse-dev-2021-googlegroups-html-qp-div-nbsp-soft-breaks-only-five-kills.log',
    '332-jailhouse-dev-2021-googlegroups-html-qp-part-header-soft-breaks-five-kills.log',
  ];
  const mail83 = readFileSync(`${corpus}/${mails[3] as string}`, 'utf8');
  const noise = (lines: number): string =>
    Array.from({ length: lines }, (_, i) => `[ 10.${String(i).padStart(6, '0')}] eth0: uid=1000 é中`).join(
      '\n',
    );
  const INPUTS_QP: Record<string, string> = {
    ...Object.fromEntries(mails.map((file) => [file, readFileSync(`${corpus}/${file}`, 'utf8')])),
    // Its evidence within the first 64 Ki characters, the input longer: decoded.
    'mail after noise': `${noise(1500)}\n${mail83}\n${noise(2000)}\n`,
    // Only soft breaks at the encoder's width show it, after noise: decoded.
    'soft-broken mail after noise': `${noise(1500)}\n${readFileSync(`${corpus}/${mails[5] as string}`, 'utf8')}`,
    // Its evidence past them: read as it is.
    'mail after more noise than is looked at': `${noise(3000)}\n${mail83}\n`,
  };
  const READS = [7, 64, 4096, 1 << 16, 1 << 20];

  it.each(Object.keys(INPUTS_QP))('gives what parseKernelLog gives on %s, in reads of any size', (file) => {
    const text = INPUTS_QP[file] as string;
    const whole = parseKernelLog(text, { file: 'x.log' });
    expect(whole.events.length).toBeGreaterThan(0);
    for (const chunkBytes of READS) {
      for (const prefilter of [true, false]) {
        const { output } = scanWith(text, chunkBytes, { prefilter, batchRecords: 64 });
        expect(output.kills).toEqual(whole.events);
        expect(output.drift).toEqual(whole.drift);
      }
    }
  });

  it('decodes the mail only when the kernel text that shows it comes early enough', () => {
    const decoded = parseKernelLog(INPUTS_QP['mail after noise'] as string).events;
    const late = parseKernelLog(INPUTS_QP['mail after more noise than is looked at'] as string).events;
    expect(decoded.map((e) => [e.victim.pid, e.memory?.failcnt, e.pod?.uid])).toEqual([
      [5740, 52843037, 'f1c273d3-9b36-11ea-b3df-246e9693c184'],
    ]);
    // Undecoded, the counters' sizes still read (a line cut after the limit's kB), not the count a soft break ends.
    expect(late.map((e) => [e.victim.pid, e.memory?.usageKb, e.memory?.failcnt, e.pod?.uid])).toEqual([
      [5740, 16777216, null, undefined],
    ]);
  });
});

/**
 * A syslog line whose first field starts with a program's quote is told in place like any syslog line; the next
 * line may be the rest of its literal (a review of the adjacent-literals join).
 */
describe('KernelLogScanner on adjacent string literals after lines told in place', () => {
  const ID = '9c36374e8d75e9428a6006bb7a5dc4cb698e0f87cf7d4a1794d411d381ab1cc0';
  const text = [
    ...Array.from(
      { length: 300 },
      (_, i) => `Mar 16 21:40:${String(i % 60).padStart(2, '0')} host1 systemd[1]: Started session ${i}.`,
    ),
    '"Mar 16 21:40:40 host1 kernel: [ 100.000001] "',
    `"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=docker-${ID}.scope,mems_allowed=0,oom_memcg=/system.slice/docker-${ID}.scope,task_memcg=/system.slice/docker-${ID}.scope,task=psi-agent,pid=2439793,uid=0"`,
    '"Mar 16 21:40:40 host1 kernel: [ 100.000002] Memory cgroup "',
    '"out of memory: Killed process 2439793 (psi-agent) total-vm:5112132kB, anon-rss:3498384kB, file-rss:8kB, shmem-rss:8kB, UID:0 pgtables:7564kB oom_score_adj:0"',
  ].join('\n');

  it('joins them as the plain path does', () => {
    const plain = parseKernelLog(text, { file: 'x.log' }, { prefilter: false });
    expect(plain.events[0]).toMatchObject({
      victim: { pid: 2439793 },
      container: { id: ID, runtime: 'docker' },
      complete: true,
    });
    for (const chunkBytes of [7, 4096, 1 << 20]) {
      const { output } = scanWith(text, chunkBytes, { widthSampleLines: 16, batchRecords: 64 });
      expect(output.kills.map((k) => ({ ...k, source: null }))).toEqual(
        plain.events.map((e) => ({ ...e, source: null })),
      );
    }
  });
});

/** A reflowed mail's line that holds a glued syslog record, after a syslog line told in place (a self-review). */
describe('KernelLogScanner on a reflowed syslog paste after lines told in place', () => {
  const text = [
    ...Array.from({ length: 20 }, (_, i) => `prose line ${i} of a mail that says nothing of the node`),
    'Mar 16 21:40:40 t6360003 kernel: Process basename (pid: 30555, task:',
    '000000007baa6838, ksp: 0000000063867968) Mar 16 21:40:40 t6360003 kernel: Out of memory: kill process 30502',
    '(cc1) score 3672 or a child Mar 16 21:40:40 t6360003 kernel: Killed process 30502 (cc1)',
  ].join('\n');

  it('joins it as the plain path does, whatever most lines are', () => {
    const plain = parseKernelLog(text, { file: 'x.log' }, { prefilter: false });
    expect(plain.events.map((e) => [e.victim.pid, e.victim.name, e.constraint])).toEqual([
      [30502, 'cc1', 'system'],
    ]);
    for (const chunkBytes of [7, 4096, 1 << 20]) {
      const { output } = scanWith(text, chunkBytes, { widthSampleLines: 4, batchRecords: 64 });
      expect(output.kills.map((k) => ({ ...k, source: null }))).toEqual(
        plain.events.map((e) => ({ ...e, source: null })),
      );
    }
  });
});

describe('KernelLogScanner.nextFile: a followed file rotated or truncated', () => {
  const DMESG = (exampleFiles()['examples/kernel-6.18.dmesg.log'] as string).split(/(?<=\n)/);
  const encoded = (from: number, to: number) => new TextEncoder().encode(DMESG.slice(from - 1, to).join(''));

  it('ends the last line it had no newline for, and numbers the lines on; a report cut in two by it is one kill', () => {
    const scanner = new KernelLogScanner({ node: null, source: { file: 'kern.log' } });
    const outputs: ScanOutput[] = [];
    // The old file ends in the middle of line 50, before its newline: that line's rest is not in the new file.
    const head = encoded(1, 50);
    outputs.push(scanner.push(head.subarray(0, head.length - 10)));
    outputs.push(scanner.nextFile());
    expect(scanner.counts.lines).toBe(50);
    outputs.push(scanner.push(encoded(51, 163)), scanner.end());
    expect(scanner.counts.lines).toBe(163);
    const kills = outputs.flatMap((o) => o.kills);
    expect(kills.map((k) => [k.victim.pid, k.complete])).toEqual([
      [2874, true],
      [17777, true],
    ]);
    expect(outputs.flatMap((o) => o.drift)).toEqual([]);
  });

  it('gives a report open at the switch that closes with no kill line as cut off, not as drift', () => {
    const scanner = new KernelLogScanner({ node: null, source: { file: 'kern.log' } });
    const outputs = [
      scanner.push(encoded(1, 40)),
      scanner.nextFile(),
      scanner.push(encoded(84, 163)),
      scanner.end(),
    ];
    expect(outputs.flatMap((o) => o.kills).map((k) => k.victim.pid)).toEqual([17777]);
    expect(outputs.flatMap((o) => o.drift)).toEqual([]);
    expect(outputs.flatMap((o) => o.cutBySwitch ?? [])).toEqual([
      {
        text: expect.stringMatching(/^python3 invoked oom-killer: /),
        reason: 'OOM report without a kill line',
        ref: 4,
      },
    ]);
    expect(scanner.counts.drift).toBe(0);
  });

  it('says a report with no kill line that opens after the switch is drift, as ever', () => {
    const scanner = new KernelLogScanner({ node: null, source: { file: 'kern.log' } });
    const outputs = [
      scanner.push(encoded(1, 3)),
      scanner.nextFile(),
      scanner.push(encoded(4, 40)),
      scanner.end(),
    ];
    expect(outputs.flatMap((o) => o.drift).map((d) => d.ref)).toEqual([4]);
    expect(outputs.flatMap((o) => o.cutBySwitch ?? [])).toEqual([]);
  });
});
