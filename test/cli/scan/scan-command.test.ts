import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/main.ts';
import { QUIET_MS } from '../../../cli/scan/read-input.ts';
import type { ByteReader } from '../../../cli/command.ts';
import { createResolverFromKubeconfig } from '../../../adapters/kubernetes/kube-client.ts';
import type { Enrichment } from '../../../adapters/kubernetes/pod-resolver.ts';
import { fakeTiming } from '../../adapters/fake-timing.ts';
import type { EnrichedOomEvent, OomEvent } from '../../../shared/oom-event.ts';
import { parseKernelLog } from '../../../shared/kernel-log.ts';
import type { MemoryIoOptions } from '../in-memory-io.ts';
import { exampleFiles, memoryIo, recycledChunks } from '../in-memory-io.ts';
import { GROUP_FIRST_PID, groupKillMessages } from '../../fixtures/group-kill-report.ts';

const EXAMPLES = exampleFiles();

/** A loopback port nothing listens on: bound, then closed again. */
async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
const KMSG_FIXTURE =
  'test/fixtures/real-kernel/kernel-6.18-cgroupv1-systemd-burstable-tail-child-killed-parent-survives.kmsg.log';

async function scan(args: string[], options: MemoryIoOptions = {}) {
  const memory = memoryIo({ ...options, files: { ...EXAMPLES, ...options.files } });
  const code = await runCli(['scan', ...args], memory.io);
  return { code, stdout: memory.stdout.text, stderr: memory.stderr.text };
}

/** The columns of the scan table, as issue 12 set them; IMPACT only with --kubeconfig. */
const COLUMNS = ['TIME', 'NODE', 'NAMESPACE/POD', 'CONTAINER', 'PROCESS', 'USAGE/LIMIT', 'LIMIT HIT'];

/** Goldens are reviewed as diffs: UPDATE_GOLDEN=1 rewrites them. */
function expectGolden(actual: string, name: string): void {
  const path = `test/fixtures/scan/${name}`;
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  expect(existsSync(path), `${path}: run with UPDATE_GOLDEN=1 to write it`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

function jsonLines<T = OomEvent>(stdout: string): T[] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as T);
}

/** Table rows as cells: columns are separated by at least two spaces. */
function tableRows(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split(/ {2,}/));
}

describe('eks-oom-alerts scan', () => {
  it('scan examples/kernel-6.18.dmesg.log', async () => {
    const { code, stdout, stderr } = await scan(['examples/kernel-6.18.dmesg.log']);
    expect(code).toBe(0);
    expect(tableRows(stdout)).toEqual([
      COLUMNS,
      [
        '+3467.5',
        '-',
        '3962896b-ab69-4572-8f1d-ee756f9f3589',
        'a2172e8d1101',
        'python3 (2874)',
        // anon 65152 kB + file 6648 kB + shmem 0 against 65536 kB, as the e-mail adds them up.
        '70.1Mi/64Mi',
        'pod',
      ],
      [
        '+4194.7',
        '-',
        '11111111-2222-3333-4444-555555555555',
        'abcdef012345',
        'python3 (17777)',
        '70.1Mi/64Mi',
        'pod',
      ],
    ]);
    expect(stderr).toBe('scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines\n');
  });

  it('scan examples/* (golden: test/fixtures/scan/examples.table.txt)', async () => {
    const files = Object.keys(EXAMPLES).sort();
    const { code, stdout } = await scan(files);
    expect(code).toBe(0);
    expect(tableRows(stdout)[0]).toEqual(COLUMNS);
    expectGolden(stdout, 'examples.table.txt');
  });

  it('scan --json the same boot as dmesg and as Fluent Bit records: each kill printed once, the repeats counted', async () => {
    const { code, stdout, stderr } = await scan([
      '--json',
      'examples/kernel-6.18.dmesg.log',
      'examples/fluent-bit-5.1-kmsg-records.jsonl',
    ]);
    expect(code).toBe(0);
    const events = jsonLines(stdout);
    expect(events.map((event) => [event.victim.pid, event.source])).toEqual([
      [2874, { file: 'examples/kernel-6.18.dmesg.log', lines: expect.any(Array) }],
      [17777, { file: 'examples/kernel-6.18.dmesg.log', lines: expect.any(Array) }],
    ]);
    expect(stderr).toBe(
      'scan: 2 files read, 661 lines, 2 kills (0 incomplete), 0 drift lines; ' +
        '2 kills also in an earlier input, printed once\n',
    );
  });

  it('scan --json paste.log: a fragment of a kill, then its full report thousands of lines later, is printed again with it', async () => {
    // LKML, syzbot report bab151e82a4e973fa325 (red team C 14): a quoted, untimed kill line, then the full report.
    const fragment = '> Killed process 23767 (syz-executor2) total-vm:70472kB, anon-rss:104kB,';
    const noise = Array.from({ length: 9_000 }, (_, i) => `: [  ${100 + i / 1000}] eth0: link up`);
    const report = [
      ': [  367.085870] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/ile0,task_memcg=/ile0,task=syz-executor2,pid=23767,uid=0',
      ': [  367.100073] memory: usage 112kB, limit 0kB, failcnt 1615',
      ': [  367.169994] Memory cgroup out of memory: Kill process 23767 (syz-executor2) score 8249000 or sacrifice child',
      ': [  367.180119] Killed process 23767 (syz-executor2) total-vm:70472kB, anon-rss:104kB, file-rss:32768kB, shmem-rss:0kB',
    ];
    const text = [fragment, ...noise, ...report, ''].join('\n');
    const { code, stdout, stderr } = await scan(['--json', 'paste.log'], { files: { 'paste.log': text } });
    expect(code).toBe(0);
    const events = jsonLines(stdout);
    expect(events.map((e) => [e.id, e.complete, e.cgroup?.oom ?? null])).toEqual([
      [events[0]?.id, false, null],
      [events[0]?.id, true, '/ile0'],
    ]);
    expect(stderr).toBe(
      'scan: 1 file read, 9005 lines, 1 kill (0 incomplete), 0 drift lines; 1 kill printed again with more of it\n',
    );
  });

  it('scan --json examples/kernel-6.18.dmesg.log', async () => {
    const { code, stdout, stderr } = await scan(['--json', 'examples/kernel-6.18.dmesg.log']);
    expect(code).toBe(0);
    const events = jsonLines(stdout);
    expect(
      events.map((e) => [e.victim.pid, e.victim.name, e.kernelTime, e.pod?.uid, e.container?.id]),
    ).toEqual([
      [
        2874,
        'python3',
        3467.508244,
        '3962896b-ab69-4572-8f1d-ee756f9f3589',
        'a2172e8d1101b4393d934a3a3fb902260c945c360ed278bbdef80cb45fbb9419',
      ],
      [
        17777,
        'python3',
        4194.691334,
        '11111111-2222-3333-4444-555555555555',
        'abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789',
      ],
    ]);
    expect(events[0]?.memory).toEqual({
      usageKb: 65536,
      limitKb: 65536,
      failcnt: 98,
      swapUsageKb: 0,
      swapLimitKb: null,
    });
    expect(events[0]?.source).toEqual({
      file: 'examples/kernel-6.18.dmesg.log',
      lines: [4, 5, 32, 33, 34, 35, 79, 80, 81, 82],
    });
    // The streamed scan gives exactly what the whole-text parser gives.
    const whole = parseKernelLog(EXAMPLES['examples/kernel-6.18.dmesg.log'] as string, {
      file: 'examples/kernel-6.18.dmesg.log',
    });
    expect(events).toEqual(whole.events);
    expect(stderr).toBe('scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines\n');
  });

  it('scan examples/journalctl-4.18-el8-truncated.log (printed twice, pager-truncated, local-language dates)', async () => {
    const { code, stdout } = await scan(['examples/journalctl-4.18-el8-truncated.log']);
    expect(code).toBe(0);
    // A journal stamp has no year and no zone: not a time in the table's one format.
    expect(tableRows(stdout).slice(1)).toEqual([
      [
        '?',
        'k8s-node-04',
        'f05bdc36-dd14-4537-9b91-57cc07df0932',
        '052d52a163eb',
        'systembusin (1735923)',
        '1010.8Mi/1000Mi',
        'pod',
      ],
    ]);
  });

  it('scan --json group.log (a memory.oom.group kill of 3,000 processes): one event, every line within 64 KiB', async () => {
    const text = groupKillMessages(3000)
      .map((message, i) => `[ 5021.${String(100000 + i).slice(1)}1] ${message}`)
      .join('\n');
    const { code, stdout } = await scan(['--json', 'group.log'], { files: { 'group.log': text } });
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter((line) => line.length > 0);
    expect(lines).toHaveLength(1);
    expect(Buffer.byteLength(lines[0]!)).toBeLessThanOrEqual(64 * 1024);
    const [event] = jsonLines(stdout);
    expect(event).toMatchObject({ victim: { pid: GROUP_FIRST_PID }, coVictimCount: 2999 });
    expect(event!.coVictims).toHaveLength(100);
  });

  it('scan --json examples/fluent-bit-5.1-kmsg-records.jsonl', async () => {
    const { stdout } = await scan(['--json', 'examples/fluent-bit-5.1-kmsg-records.jsonl']);
    const events = jsonLines(stdout);
    expect(events.map((e) => [e.kernelTime, e.victim.pid, e.limitScope, e.complete])).toEqual([
      [3467.508244, 2874, 'pod', true],
      [4194.691334, 17777, 'pod', true],
    ]);
  });

  it('scan examples/kernel-3.10-to-5.10-oneliners.log (lone `Task in` and summary lines: incomplete, no time, no memory)', async () => {
    const { stdout, stderr } = await scan(['examples/kernel-3.10-to-5.10-oneliners.log']);
    expect(tableRows(stdout).slice(1)).toEqual([
      ['?', '-', 'f01c1049-ebf4-4b9d-b04c-345e8da5d1a8', '15bbd7bed86a', 'unknown', '?/?', 'pod'],
      ['?', '-', '9693eb91-d071-4564-895b-fc504afa8f00', '1d4c8e1115f9', 'unknown', '?/?', 'pod'],
      ['?', '-', '3962896b-ab69-4572-8f1d-ee756f9f3589', 'a2172e8d1101', 'memc (387602)', '?/?', 'pod'],
      ['?', '-', '748bebc7-7fde-4fef-b2a3-fe45e29392df', '-', 'memc (26036)', '?/?', 'pod'],
    ]);
    expect(stderr).toBe('scan: 1 file read, 4 lines, 4 kills (4 incomplete), 0 drift lines\n');
  });

  it('scan --node ip-10-0-1-23.ec2.internal --json examples/kernel-6.18.dmesg.log', async () => {
    const { stdout } = await scan([
      '--node',
      'ip-10-0-1-23.ec2.internal',
      '--json',
      'examples/kernel-6.18.dmesg.log',
    ]);
    expect(jsonLines(stdout).map((e) => e.node)).toEqual([
      'ip-10-0-1-23.ec2.internal',
      'ip-10-0-1-23.ec2.internal',
    ]);
  });

  it('scan K.log ./K.log K.log D.log (overlapping globs): an input named again is read once, and stderr says so', async () => {
    const log = 'examples/journalctl-4.18-el8-truncated.log';
    const { code, stdout, stderr } = await scan([log, `./${log}`, log, 'examples/kernel-6.18.dmesg.log']);
    expect(code).toBe(0);
    expect(tableRows(stdout).map((row) => row[4])).toEqual([
      'PROCESS',
      'systembusin (1735923)',
      'python3 (2874)',
      'python3 (17777)',
    ]);
    expect(stderr).toBe(
      `scan: ${log} is named more than once: read once\n` +
        'scan: 2 files read, 245 lines, 3 kills (0 incomplete), 0 drift lines\n',
    );
  });

  it('scan K.log /abs/path/K.log: the same file by a relative and an absolute path is read once', async () => {
    const log = 'examples/kernel-6.18.dmesg.log';
    const { code, stdout, stderr } = await scan([log, resolve(log)]);
    expect(code).toBe(0);
    expect(tableRows(stdout).map((row) => row[4])).toEqual(['PROCESS', 'python3 (2874)', 'python3 (17777)']);
    expect(stderr).toBe(
      `scan: ${log} is named more than once: read once\n` +
        'scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines\n',
    );
  });

  it('scan - - < examples/kernel-6.18.dmesg.log: stdin named twice is read once', async () => {
    const { code, stdout, stderr } = await scan(['-', '-'], {
      stdin: EXAMPLES['examples/kernel-6.18.dmesg.log'],
    });
    expect(code).toBe(0);
    expect(tableRows(stdout).map((row) => row[4])).toEqual(['PROCESS', 'python3 (2874)', 'python3 (17777)']);
    expect(stderr).toBe(
      'scan: - is named more than once: read once\n' +
        'scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines\n',
    );
  });

  it('scan - < examples/kernel-6.18.dmesg.log', async () => {
    const { code, stdout, stderr } = await scan(['-'], { stdin: EXAMPLES['examples/kernel-6.18.dmesg.log'] });
    expect(code).toBe(0);
    expect(tableRows(stdout).map((row) => row[4])).toEqual(['PROCESS', 'python3 (2874)', 'python3 (17777)']);
    expect(stderr).toBe('scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines\n');
  });

  it('scan --json < examples/kernel-6.18.dmesg.log (no FILE, piped stdin)', async () => {
    const { stdout } = await scan(['--json'], { stdin: EXAMPLES['examples/kernel-6.18.dmesg.log'] });
    expect(jsonLines(stdout).map((e) => e.source)).toEqual([
      { file: '-', lines: [4, 5, 32, 33, 34, 35, 79, 80, 81, 82] },
      { file: '-', lines: [84, 85, 111, 112, 113, 114, 158, 159, 160, 161] },
    ]);
  });

  it('dmesg -w | scan --json: a kill is printed once the pipe goes quiet, before it ends', async () => {
    const text = new TextEncoder().encode(EXAMPLES['examples/kernel-6.18.dmesg.log']);
    let reads = 0;
    // The pipe sends the log, then stays open until Ctrl-C. Closing it waits for the read it has pending, as
    // closing Node's stdin does (the return of its async iterator): scan must not, or Ctrl-C waits for the pipe.
    const stdin: ByteReader = {
      read: () => (reads++ === 0 ? Promise.resolve(text) : new Promise<Uint8Array>(() => {})),
      close: () => new Promise<void>(() => {}),
    };
    const sleeps: number[] = [];
    const memory = memoryIo({
      stdin,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      // Ctrl-C as soon as the second kill is on stdout.
      onStdout: (out) => {
        if (out.includes('"pid":17777')) memory.interrupt.abort();
      },
    });
    const code = await runCli(['scan', '--json'], memory.io);
    expect(code).toBe(0);
    expect(sleeps).toEqual([QUIET_MS]);
    expect(jsonLines(memory.stdout.text).map((e) => e.victim.pid)).toEqual([2874, 17777]);
    expect(memory.stderr.text).toBe('scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines\n');
  });

  it('… | scan: Ctrl-C ends a pipe that has sent nothing yet, while its format is still unknown (a review)', async () => {
    // `journalctl -kf | grep --line-buffered oom | eks-oom-alerts scan`: quiet until a kill, maybe for hours.
    const stdin: ByteReader = {
      read: () => new Promise<Uint8Array>(() => {}),
      close: () => new Promise<void>(() => {}),
    };
    const memory = memoryIo({ stdin });
    const run = runCli(['scan', '--json'], memory.io);
    await new Promise((resolve) => setTimeout(resolve, 20));
    memory.interrupt.abort();
    expect(await run).toBe(0);
    expect(memory.stderr.text).toBe('scan: 1 file read, 0 lines, 0 kills (0 incomplete), 0 drift lines\n');
  });

  it('scan (stdin is a terminal) shows the usage and exits 2', async () => {
    const { code, stdout, stderr } = await scan([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^scan: no input: give a FILE, pipe a log to stdin, or --follow \/dev\/kmsg\n\nUsage: eks-oom-alerts scan/,
    );
  });

  it('scan missing.log examples/kernel-6.18.dmesg.log reads the rest, prints its kills, then exits 1', async () => {
    const { code, stdout, stderr } = await scan(['missing.log', 'examples/kernel-6.18.dmesg.log']);
    expect(code).toBe(1);
    expect(tableRows(stdout)).toHaveLength(3);
    expect(stderr).toBe(
      'scan: cannot read missing.log: no such file\n' +
        'scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines\n',
    );
  });

  it('scan missing.log examples exits 1: nothing could be read', async () => {
    const { code, stdout, stderr } = await scan(['missing.log', 'examples'], {
      files: { examples: 'directory' },
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'scan: cannot read missing.log: no such file\n' +
        'scan: cannot read examples: is a directory\n' +
        'scan: 0 files read, 0 lines, 0 kills (0 incomplete), 0 drift lines\n',
    );
  });

  it.each([[[]], [['-']]])(
    'scan %j < . (stdin is a directory) says so, as scan . does, and exits 1',
    async (args) => {
      const memory = memoryIo({ stdin: '', stdinUnreadable: 'is a directory' });
      const code = await runCli(['scan', ...args], memory.io);
      expect(code).toBe(1);
      expect(memory.stdout.text).toBe('');
      expect(memory.stderr.text).toBe(
        'scan: cannot read -: is a directory\n' +
          'scan: 0 files read, 0 lines, 0 kills (0 incomplete), 0 drift lines\n',
      );
    },
  );

  it('scan drift.log prints OOM-looking lines no recognizer reads, with file and line', async () => {
    const drift = [
      '[  812.000001] eth0: link up',
      '[  812.000002] Out of memory: Killed proc 4242 (future-format)',
      '[  812.000003] EXT4-fs (nvme0n1p1): re-mounted',
    ].join('\n');
    const { code, stdout, stderr } = await scan(['drift.log'], { files: { 'drift.log': drift } });
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'possible format drift: drift.log:2: Out of memory: Killed proc 4242 (future-format)\n' +
        'scan: 1 file read, 3 lines, 0 kills (0 incomplete), 1 drift line\n',
    );
  });

  /** Bytes from a fixed linear congruential sequence, with every newline byte turned into NUL. */
  function garbage(length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    let seed = 20261123;
    for (let i = 0; i < bytes.length; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const byte = seed >>> 24;
      bytes[i] = byte === 10 ? 0 : byte;
    }
    return bytes;
  }

  it('scan garbage.bin examples/kernel-6.18.dmesg.log: binary input is not read as a log, but named as no text log; the rest is read', async () => {
    const { code, stdout, stderr } = await scan(['garbage.bin', 'examples/kernel-6.18.dmesg.log'], {
      files: { 'garbage.bin': garbage(70_000) },
    });
    expect(code).toBe(1);
    expect(tableRows(stdout)).toHaveLength(3);
    // Not one line of it as format drift: random bytes say `oom` now and then.
    expect(stderr).toMatch(
      /^scan: cannot read garbage\.bin: is not a text log: of its first characters, [5-9]\d% are NULs, control characters or invalid UTF-8\nscan: 1 file read, 163 lines, 2 kills \(0 incomplete\), 0 drift lines\n$/,
    );
  });

  it('scan tail.log (a log whose end is binary, no newline) reads it without a crash, and says which line was cut', async () => {
    const log = Buffer.concat([
      Buffer.from(EXAMPLES['examples/kernel-6.18.dmesg.log'] as string),
      garbage(70_000),
    ]);
    const { code, stdout, stderr } = await scan(['tail.log'], { files: { 'tail.log': log } });
    expect(code).toBe(0);
    expect(tableRows(stdout)).toHaveLength(3);
    // Its last line is longer than a line is read (70,000 bytes, most of them a character each): said so.
    expect(stderr).toMatch(
      /^(possible format drift: .*\n)*scan: tail.log: 1 line longer than 65,536 characters \(not a text log\?\), each read only to there\nscan: 1 file read, 164 lines, 2 kills \(0 incomplete\), \d+ drift lines?\n$/,
    );
  });

  it('… | scan -: binary bytes on a pipe whose first read is 8 bytes with no NUL are still told (read on to 512)', async () => {
    const bytes = garbage(4096).map((byte) => (byte === 0 ? 1 : byte));
    let at = 0;
    const stdin: ByteReader = {
      read() {
        const chunk = bytes.subarray(at, at === 0 ? 8 : at + 100);
        at += chunk.length;
        return Promise.resolve(chunk);
      },
      close: () => Promise.resolve(),
    };
    const { code, stderr } = await scan(['-'], { stdin });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^scan: cannot read -: is not a text log: /);
  });

  it('scan messages (NUL holes an unclean shutdown left, one at its start): read as the log it is', async () => {
    const log = EXAMPLES['examples/kernel-6.18.dmesg.log'] as string;
    const lines = log.split('\n');
    const hole = '\u0000'.repeat(8192);
    const holed = `${hole}${lines.slice(0, 50).join('\n')}\n${hole}${lines.slice(50).join('\n')}`;
    // Read in chunks as large as a file's, so that its format is told from the hole and the lines after it.
    const { code, stdout, stderr } = await scan(['--json', 'messages'], {
      files: { messages: holed },
      chunkBytes: 1 << 18,
    });
    expect(code).toBe(0);
    expect(jsonLines(stdout).map((e) => e.victim.pid)).toEqual([2874, 17777]);
    expect(stderr).toBe('scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines\n');
  });

  it('scan --json random.bin never throws on random bytes and prints only JSON on stdout; binary is refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 3000 }),
        fc.integer({ min: 1, max: 64 }),
        async (bytes, chunkBytes) => {
          const { code, stdout, stderr } = await scan(['--json', 'random.bin'], {
            files: { 'random.bin': bytes },
            chunkBytes,
          });
          // Read as text, or not read at all: binary.
          expect(code).toBe(stderr.includes(': is not a text log: ') ? 1 : 0);
          for (const line of stdout.split('\n').filter((l) => l.length > 0))
            expect(() => JSON.parse(line)).not.toThrow();
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each([
    [['--bogus', 'examples/kernel-6.18.dmesg.log'], "scan: Unknown option '--bogus'\n"],
    [['--follow'], "scan: Option '--follow <value>' argument missing\n"],
    [
      ['--follow', '/dev/kmsg', 'examples/kernel-6.18.dmesg.log'],
      'scan: --follow reads one input: give no FILE with it\n',
    ],
    [['--context', 'prod', 'examples/kernel-6.18.dmesg.log'], 'scan: --context needs --kubeconfig\n'],
  ])('scan %j shows the usage and exits 2', async (args, problem) => {
    const { code, stdout, stderr } = await scan(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith(`${problem}\nUsage: eks-oom-alerts scan [options] [FILE...|-]\n`)).toBe(true);
  });

  it('scan --help', async () => {
    const { code, stdout, stderr } = await scan(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: eks-oom-alerts scan \[options\] \[FILE\.\.\.\|-\]\n/);
    expect(stdout).toContain('--follow PATH');
    expect(stderr).toBe('');
  });

  it('scan --help names a --no-optimize-for-size command for a clone (the package bin built) and for an installed bin', async () => {
    const { stdout } = await scan(['--help']);
    const { bin } = JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string> };
    // The package is private and its bin on no PATH in a clone: `$(command -v eks-oom-alerts)` is empty there.
    expect(stdout.replace(/\s+/g, ' ')).toContain(
      `after npm run build, node --no-optimize-for-size ${bin['eks-oom-alerts']} scan …; ` +
        'an installed bin: node --no-optimize-for-size "$(command -v eks-oom-alerts)" scan …',
    );
    expect(readFileSync('README.md', 'utf8')).toContain(
      `\`node --no-optimize-for-size ${bin['eks-oom-alerts']} scan …\` in a clone (after \`npm run build\`)`,
    );
  });
});

describe('eks-oom-alerts scan --follow', () => {
  /** The real kmsg capture, one record per read as the device gives them. */
  const records = readFileSync(KMSG_FIXTURE, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .map((line) => `${line}\n`);
  const killAt = records.findIndex((r) => r.includes('Killed process 6654'));

  it('scan --follow /dev/kmsg prints each kill when the device goes quiet, at its wall-clock time', async () => {
    let stdoutWhenDone = '';
    const memory = memoryIo({
      files: {
        '/proc/uptime': '1100.25 2000.00\n',
        '/dev/kmsg': {
          // The report arrives in two bursts; the device is quiet between them and after.
          reads: [...records.slice(0, 40), null, ...records.slice(40), null, null],
          whenDone: () => {
            stdoutWhenDone = memory.stdout.text;
            memory.interrupt.abort();
          },
        },
      },
      now: Date.parse('2026-11-23T12:00:00.000Z'),
      sleep: () => Promise.resolve(),
    });
    const code = await runCli(['scan', '--follow', '/dev/kmsg'], memory.io);
    expect(code).toBe(0);
    // Booted at 12:00:00 − 1100.25 s = 11:41:39.750; the kill line is at 1054.814609 s after boot.
    expect(tableRows(stdoutWhenDone)).toEqual([
      COLUMNS,
      [
        '2026-11-23T11:59:14Z',
        '-',
        'f86ac37d-bb45-4a35-aaf2-0c146931ca85',
        '532672d00f5e',
        'tail (6654)',
        '65.1Mi/64Mi',
        'pod',
      ],
    ]);
    expect(memory.stdout.text).toBe(stdoutWhenDone);
    expect(memory.stderr.text).toBe(
      `scan: 1 file read, ${records.length} lines, 1 kill (0 incomplete), 0 drift lines\n`,
    );
    expect(killAt).toBeGreaterThan(40);
  });

  it('scan --follow /dev/kmsg --node <EKS name>: the node as the alerts name it, every column under its title', async () => {
    const node = 'ip-10-0-1-23.eu-west-1.compute.internal';
    const follow = async (json: string[]) => {
      const memory = memoryIo({
        files: {
          '/proc/uptime': '1100.25 2000.00\n',
          '/dev/kmsg': { reads: [...records, null], whenDone: () => memory.interrupt.abort() },
        },
        sleep: () => Promise.resolve(),
      });
      await runCli(['scan', ...json, '--follow', '/dev/kmsg', '--node', node], memory.io);
      return memory.stdout.text;
    };
    const [header = '', row = ''] = (await follow([])).split('\n');
    expect(tableRows(row)[0]?.slice(0, 3)).toEqual([
      '2026-11-23T11:59:14Z',
      'ip-10-0-1-23',
      'f86ac37d-bb45-4a35-aaf2-0c146931ca85',
    ]);
    for (const title of COLUMNS.slice(1)) {
      const at = header.indexOf(title);
      expect(row.slice(at - 2, at + 1), title).toMatch(/^ {2}\S$/);
    }
    expect(jsonLines(await follow(['--json']))[0]?.node).toBe(node);
  });

  it('scan --json --follow /dev/kmsg gives observedAt from /proc/stat btime when /proc/uptime is missing', async () => {
    const memory = memoryIo({
      files: {
        '/proc/stat': 'cpu  1 2 3\nbtime 1795432426\nprocesses 9\n',
        '/dev/kmsg': { reads: records, whenDone: () => memory.interrupt.abort() },
      },
      sleep: () => Promise.resolve(),
    });
    await runCli(['scan', '--json', '--follow', '/dev/kmsg'], memory.io);
    const [event] = jsonLines(memory.stdout.text);
    expect(event?.observedAt).toBe(new Date(1795432426_000 + 1054.814609 * 1000).toISOString());
    expect(event?.kernelTime).toBe(1054.814609);
  });

  it('scan --json --follow node.log (a growing file, not a device) leaves observedAt null', async () => {
    let sleeps = 0;
    const memory = memoryIo({
      files: { '/proc/uptime': '1100.25 2000.00\n', 'node.log': records.join('') },
      // Ctrl-C on the second pause: the first follows the burst that read the file, the second finds nothing new.
      sleep: () => {
        if (++sleeps === 2) memory.interrupt.abort();
        return Promise.resolve();
      },
    });
    const code = await runCli(['scan', '--json', '--follow', 'node.log'], memory.io);
    expect(code).toBe(0);
    const events = jsonLines(memory.stdout.text);
    expect(events.map((e) => [e.victim.pid, e.kernelTime, e.observedAt])).toEqual([
      [6654, 1054.814609, null],
    ]);
  });
});

describe('eks-oom-alerts scan on the node: kernel times of this boot on the wall clock', () => {
  const dmesg = EXAMPLES['examples/kernel-6.18.dmesg.log'] as string;
  /** This host's ring buffer as /dev/kmsg gives it, one record a read; it still holds the first kill only. */
  const kmsg = (): MemoryIoOptions['files'] => ({
    '/proc/uptime': '5000.00 9000.00\n',
    '/dev/kmsg': {
      reads: [
        '6,2040,3467508000,-;python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n',
        '3,2101,3467508244,-;Memory cgroup out of memory: Killed process 2874 (python3) total-vm:75160kB, anon-rss:65152kB, file-rss:6648kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0\n',
        '6,2102,3467600000,-;eth0: link up\n',
      ],
      whenDone: () => undefined,
    },
  });

  it('dmesg | scan --json: a kill whose line this host still holds gets observedAt from the boot time', async () => {
    const { code, stdout } = await scan(['--json', '-'], { stdin: dmesg, files: kmsg() });
    expect(code).toBe(0);
    // Booted at 12:00:00 − 5000 s = 10:36:40; the first kill line is 3467.508244 s after boot.
    expect(jsonLines(stdout).map((e) => [e.victim.pid, e.observedAt])).toEqual([
      [2874, '2026-11-23T11:34:27.508Z'],
      [17777, null],
    ]);
  });

  it('scan dmesg.log: the table gives ISO time for this boot, +seconds for the kill it cannot place', async () => {
    const { stdout } = await scan(['dmesg.log'], { files: { ...kmsg(), 'dmesg.log': dmesg } });
    expect(tableRows(stdout).map((row) => row[0])).toEqual(['TIME', '2026-11-23T11:34:27Z', '+4194.7']);
  });

  it('scan dmesg.log without a readable /dev/kmsg keeps seconds since boot', async () => {
    const { stdout } = await scan(['dmesg.log'], {
      files: { '/proc/uptime': '5000.00 9000.00\n', 'dmesg.log': dmesg },
    });
    expect(tableRows(stdout).map((row) => row[0])).toEqual(['TIME', '+3467.5', '+4194.7']);
  });
});

describe('eks-oom-alerts scan --kubeconfig', () => {
  const identity: Enrichment = {
    kubernetes: {
      namespace: 'shop',
      pod: 'api-7d4b9c-x2x9q',
      container: 'api',
      containerType: 'regular',
      workload: { kind: 'Deployment', name: 'api' },
      qosClass: 'Burstable',
      image: 'registry.example/api:1.4.2',
      labels: { app: 'api' },
      memoryRequest: '32Mi',
      memoryLimit: '64Mi',
      restartCount: 3,
      lastTermination: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-11-23T11:59:15Z' },
    },
    impact: 'container-restarted',
    enrichment: { status: 'resolved', detail: null },
  };
  const targets: unknown[] = [];
  const resolved: Array<[number | null, number]> = [];
  const connectCluster: MemoryIoOptions['connectCluster'] = (target) => {
    targets.push(target);
    return Promise.resolve({
      ok: true,
      cluster: 'prod-eu',
      server: 'https://prod-eu.example',
      resolver: {
        resolve: (event: OomEvent, deadline: number) => {
          resolved.push([event.victim.pid, deadline]);
          return Promise.resolve(
            event.victim.pid === 2874
              ? identity
              : {
                  kubernetes: null,
                  impact: 'unknown',
                  enrichment: { status: 'not-found', detail: 'pod gone' },
                },
          );
        },
      },
    });
  };

  it('scan --kubeconfig kube.yaml --context prod --node N --json examples/kernel-6.18.dmesg.log', async () => {
    targets.length = 0;
    resolved.length = 0;
    const { code, stdout } = await scan(
      [
        '--kubeconfig',
        'kube.yaml',
        '--context',
        'prod',
        '--node',
        'ip-10-0-1-23.ec2.internal',
        '--json',
        'examples/kernel-6.18.dmesg.log',
      ],
      { connectCluster, now: 1_000 },
    );
    expect(code).toBe(0);
    expect(targets).toEqual([{ path: 'kube.yaml', context: 'prod' }]);
    expect(resolved).toEqual([
      [2874, 21_000],
      [17777, 21_000],
    ]);
    const events = jsonLines<EnrichedOomEvent>(stdout);
    expect(
      events.map((e) => [
        e.cluster,
        e.kubernetes?.namespace,
        e.kubernetes?.pod,
        e.impact,
        e.enrichment.status,
      ]),
    ).toEqual([
      ['prod-eu', 'shop', 'api-7d4b9c-x2x9q', 'container-restarted', 'resolved'],
      ['prod-eu', undefined, undefined, 'unknown', 'not-found'],
    ]);
    expect(events[0]?.victim.pid).toBe(2874);
    expect(events[0]?.pod?.uid).toBe('3962896b-ab69-4572-8f1d-ee756f9f3589');
  });

  it('scan --kubeconfig kube.yaml --node N examples/kernel-6.18.dmesg.log names namespace/pod and container, and the impact', async () => {
    const { code, stdout } = await scan(
      ['--kubeconfig', 'kube.yaml', '--node', 'ip-10-0-1-23.ec2.internal', 'examples/kernel-6.18.dmesg.log'],
      { connectCluster },
    );
    expect(code).toBe(0);
    expect(tableRows(stdout)).toEqual([
      [...COLUMNS, 'IMPACT'],
      [
        '+3467.5',
        'ip-10-0-1-23.ec2.internal',
        'shop/api-7d4b9c-x2x9q',
        'api',
        'python3 (2874)',
        '70.1Mi/64Mi',
        'pod',
        'container-restarted',
      ],
      [
        '+4194.7',
        'ip-10-0-1-23.ec2.internal',
        '11111111-2222-3333-4444-555555555555',
        'abcdef012345',
        'python3 (17777)',
        '70.1Mi/64Mi',
        'pod',
        'unknown (not-found)',
      ],
    ]);
    expectGolden(stdout, 'kernel-6.18.enriched.table.txt');
  });

  it('scan --kubeconfig kube.yaml examples/kernel-6.18.dmesg.log (no node in the log, no --node) is a usage error', async () => {
    resolved.length = 0;
    const { code, stdout, stderr } = await scan(
      ['--kubeconfig', 'kube.yaml', 'examples/kernel-6.18.dmesg.log'],
      { connectCluster },
    );
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(resolved).toEqual([]);
    expect(stderr).toMatch(
      /^scan: examples\/kernel-6\.18\.dmesg\.log names no node, and --kubeconfig looks pods up on their node: give --node NAME\n\nUsage: eks-oom-alerts scan/,
    );
  });

  it('scan --kubeconfig kube.yaml --json examples/journalctl-4.18-el8-truncated.log (the log names its node) needs no --node', async () => {
    resolved.length = 0;
    const { code, stdout } = await scan(
      ['--kubeconfig', 'kube.yaml', '--json', 'examples/journalctl-4.18-el8-truncated.log'],
      { connectCluster },
    );
    expect(code).toBe(0);
    expect(jsonLines<EnrichedOomEvent>(stdout).map((e) => [e.node, e.enrichment.status])).toEqual([
      ['k8s-node-04', 'not-found'],
    ]);
  });

  it('scan --kubeconfig kube.yaml --follow /dev/kmsg without --node is a usage error before any wait', async () => {
    const memory = memoryIo({
      files: { '/dev/kmsg': { reads: [], whenDone: () => undefined } },
      connectCluster,
    });
    const code = await runCli(['scan', '--kubeconfig', 'kube.yaml', '--follow', '/dev/kmsg'], memory.io);
    expect(code).toBe(2);
    expect(memory.stderr.text).toMatch(/^scan: \/dev\/kmsg names no node, .*give --node NAME\n/);
  });

  it('scan --kubeconfig at a closed port: says once while retrying that the API is not answering, and why at the end', async () => {
    const closed = await closedLoopbackPort();
    const server = `https://127.0.0.1:${closed}`;
    const dir = mkdtempSync(join(tmpdir(), 'scan-kubeconfig-'));
    try {
      const kubeconfig = join(dir, 'config');
      writeFileSync(
        kubeconfig,
        [
          'apiVersion: v1',
          'kind: Config',
          'current-context: prod',
          'clusters:',
          `- { name: prod-eu, cluster: { server: "${server}", insecure-skip-tls-verify: true } }`,
          'users:',
          '- { name: sre, user: { token: "t" } }',
          'contexts:',
          '- { name: prod, context: { cluster: prod-eu, user: sre } }',
          '',
        ].join('\n'),
      );
      // The retries' waits move this clock, which the command's deadline reads too: no real time passes.
      const timing = fakeTiming(Date.parse('2026-11-23T12:00:00.000Z'));
      const node = 'ip-10-0-1-23.eu-west-1.compute.internal';
      const memory = memoryIo({
        files: EXAMPLES,
        connectCluster: (target, onFailedAttempt) =>
          Promise.resolve(createResolverFromKubeconfig(target, { timing, onFailedAttempt })),
      });
      Object.assign(memory.io, { now: timing.now });
      const code = await runCli(
        ['scan', '--kubeconfig', kubeconfig, '--node', node, 'examples/kernel-6.18.dmesg.log'],
        memory.io,
      );
      expect(code).toBe(0);
      expect(tableRows(memory.stdout.text).map((row) => row[7])).toEqual([
        'IMPACT',
        'unknown (unavailable)',
        'unknown (unavailable)',
      ]);
      const lines = memory.stderr.text.split('\n');
      expect(lines).toEqual([
        `scan: the Kubernetes API at ${server} is not answering (the API server is unreachable (ECONNREFUSED)); still trying, up to 20 s a kill`,
        expect.stringMatching(
          new RegExp(
            `^scan: could not look up the pods of 2 kills at the Kubernetes API at ${server} \\(shown as unknown\\): ` +
              `pods on node ${node} could not be listed: the API server is unreachable \\(ECONNREFUSED\\); gave up after \\d+ attempts$`,
          ),
        ) as string,
        'scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines',
        '',
      ]);
      expect(timing.sleeps.length).toBeGreaterThan(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('scan --kubeconfig broken.yaml examples/kernel-6.18.dmesg.log exits 1 with the reason', async () => {
    const { code, stdout, stderr } = await scan(
      ['--kubeconfig', 'broken.yaml', 'examples/kernel-6.18.dmesg.log'],
      {
        connectCluster: () =>
          Promise.resolve({ ok: false, reason: 'cannot read kubeconfig broken.yaml: bad YAML' }),
      },
    );
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('scan: cannot read kubeconfig broken.yaml: bad YAML\n');
  });
});

/** A tar archive of these files (a string or bytes) and folders, as tar-stream writes one (ustar). */
async function tarOf(
  entries: Array<[name: string, content: string | Uint8Array | 'directory']>,
): Promise<Buffer> {
  const archive = tarPack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk) => chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve) => archive.on('end', () => resolve()));
  for (const [name, content] of entries) {
    if (content === 'directory') archive.entry({ name, type: 'directory' });
    else archive.entry({ name }, typeof content === 'string' ? Buffer.from(content) : content);
  }
  archive.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/** The file a scanned kill came from. */
const fileOf = (event: OomEvent): string | null => ('file' in event.source ? event.source.file : null);

describe('eks-oom-alerts scan: compressed logs and archives', () => {
  const DMESG = EXAMPLES['examples/kernel-6.18.dmesg.log'] as string;
  const JOURNAL = EXAMPLES['examples/journalctl-4.18-el8-truncated.log'] as string;
  const plain = () => scan(['--json', 'examples/kernel-6.18.dmesg.log']);
  const withFile = (events: OomEvent[], file: string) =>
    events.map((e) => ({ ...e, source: { ...e.source, file } }));

  it('gives back to a file its chunks once read, but the first (held to tell the format), and none a gzip stream gave', async () => {
    // The files' chunks (997 bytes) are overwritten with NULs once given back: a scan that used one later would show it.
    const before = recycledChunks.count;
    const expected = await plain();
    const chunks = Math.ceil(new TextEncoder().encode(DMESG).length / 997);
    expect(recycledChunks.count - before).toBe(chunks - 1);
    expect(jsonLines(expected.stdout).map((e) => [e.victim.pid, e.victim.name, e.memory?.limitKb])).toEqual([
      [2874, 'python3', 65536],
      [17777, 'python3', 65536],
    ]);
    const gzipped = await scan(['--json', 'messages.gz'], { files: { 'messages.gz': gzipSync(DMESG) } });
    expect(recycledChunks.count - before).toBe(chunks - 1);
    expect(jsonLines(gzipped.stdout)).toHaveLength(2);
  });

  it('scan --json messages-20261201.gz: a rotated log read as its text is, named as given', async () => {
    const { code, stdout, stderr } = await scan(['--json', 'messages-20261201.gz'], {
      files: { 'messages-20261201.gz': gzipSync(DMESG) },
    });
    const expected = await plain();
    expect(code).toBe(0);
    expect(jsonLines(stdout)).toEqual(withFile(jsonLines(expected.stdout), 'messages-20261201.gz'));
    expect(stderr).toBe(expected.stderr);
    expect(jsonLines(stdout)).toHaveLength(2);
  });

  it('scan --json - < dmesg.gz, and two gzip members one after the other (`cat a.gz b.gz`)', async () => {
    const gz = gzipSync(DMESG);
    const reader = await memoryIo({ files: { gz } }).io.fs.open('gz');
    if (!reader.ok) throw new Error('no gz');
    const fromStdin = await scan(['--json', '-'], { stdin: reader.reader });
    expect(jsonLines(fromStdin.stdout).map((e) => [e.victim.pid, fileOf(e)])).toEqual([
      [2874, '-'],
      [17777, '-'],
    ]);
    const both = Buffer.concat([gzipSync(JOURNAL), gzipSync(DMESG)]);
    const concatenated = await scan(['--json', 'both.gz'], { files: { 'both.gz': both } });
    expect(jsonLines(concatenated.stdout).map((e) => e.victim.pid)).toEqual([1735923, 2874, 17777]);
  });

  it('scan dmesg.current dmesg.human.current: one kill on two clocks (the collector keeps both) is printed once', async () => {
    const real = 'test/fixtures/real-kernel/kernel-6.18-cgroupv1-cgroupfs-guaranteed-python3-single-process';
    const files = {
      'dmesg.current': readFileSync(`${real}.dmesg.log`, 'utf8'),
      'dmesg.human.current': readFileSync(`${real}.dmesg-ctime.log`, 'utf8'),
    };
    const { code, stdout, stderr } = await scan(['--json', 'dmesg.current', 'dmesg.human.current'], {
      files,
    });
    expect(code).toBe(0);
    expect(jsonLines(stdout).map((e) => [e.victim.name, fileOf(e)])).toEqual([['python3', 'dmesg.current']]);
    expect(stderr).toMatch(
      / 1 kill \(0 incomplete\), 0 drift lines; 1 kill also in an earlier input, printed once\n$/,
    );
    // Another kill of that pid and comm, its figures otherwise: two kills.
    files['dmesg.human.current'] = files['dmesg.human.current'].replace(
      /anon-rss:(\d+)kB/,
      (_m, kb: string) => `anon-rss:${Number(kb) + 4}kB`,
    );
    const other = await scan(['--json', 'dmesg.current', 'dmesg.human.current'], { files });
    expect(jsonLines(other.stdout)).toHaveLength(2);
  });

  it('scan bundle.tar: one kill in two files of one archive, on two clocks, is printed once', async () => {
    const real = 'test/fixtures/real-kernel/kernel-6.18-cgroupv1-cgroupfs-guaranteed-python3-single-process';
    const tar = await tarOf([
      ['kernel/dmesg.current', readFileSync(`${real}.dmesg.log`, 'utf8')],
      ['kernel/dmesg.human.current', readFileSync(`${real}.dmesg-ctime.log`, 'utf8')],
    ]);
    const { code, stdout, stderr } = await scan(['--json', 'bundle.tar'], { files: { 'bundle.tar': tar } });
    expect(code).toBe(0);
    expect(jsonLines(stdout).map((e) => fileOf(e))).toEqual(['bundle.tar:kernel/dmesg.current']);
    expect(stderr).toMatch(/; 1 kill also in an earlier input, printed once\n$/);
  });

  it('scan cut.gz: a gzip stream cut short prints the kills before the cut, and says where reading stopped', async () => {
    const gz = gzipSync(DMESG + DMESG.replaceAll('python3', 'python4'));
    const { code, stdout, stderr } = await scan(['--json', 'cut.gz'], {
      files: { 'cut.gz': gz.subarray(0, gz.length - 40) },
    });
    expect(code).toBe(1);
    expect(jsonLines(stdout).map((e) => e.victim.name)).toContain('python3');
    expect(stderr).toMatch(/^scan: error reading cut\.gz: unexpected end of file\n/);
    expect(stderr).toContain('scan: 1 file read, ');
  });

  it('scan eks_i-0abc.tar.gz: every file of an EKS log collector bundle, a rotated log in it too', async () => {
    const bundle = gzipSync(
      await tarOf([
        ['./kernel', 'directory'],
        ['./kernel/dmesg.current', DMESG],
        ['./var_log/messages-20261201.gz', gzipSync(JOURNAL)],
        ['./system/system.journal', 'LPKSHHRH\u0000\u0000\u0000\u0000'],
        ['./system/uname.txt', 'Linux ip-10-0-1-23 6.18.0 #1 SMP x86_64 GNU/Linux\n'],
      ]),
    );
    const { code, stdout, stderr } = await scan(['--json', 'eks_i-0abc.tar.gz'], {
      files: { 'eks_i-0abc.tar.gz': bundle },
    });
    expect(code).toBe(1);
    expect(jsonLines(stdout).map((e) => [e.victim.pid, fileOf(e)])).toEqual([
      [2874, 'eks_i-0abc.tar.gz:kernel/dmesg.current'],
      [17777, 'eks_i-0abc.tar.gz:kernel/dmesg.current'],
      [1735923, 'eks_i-0abc.tar.gz:var_log/messages-20261201.gz'],
    ]);
    expect(stderr).toMatch(
      /^scan: cannot read eks_i-0abc\.tar\.gz:system\/system\.journal: is a systemd journal file: extract it from the archive, and give scan its text\nscan: 3 files read, \d+ lines, 3 kills /,
    );
  });

  it('scan cut.tar: an archive cut inside its second file reads the first, and names the second unread', async () => {
    const tar = await tarOf([
      ['a.log', DMESG],
      ['b.log', JOURNAL],
    ]);
    // tar-stream drops the bytes of a file an archive ends inside: that file cannot be read, and says so.
    const blocks = (bytes: number) => Math.ceil(bytes / 512) * 512;
    const cut = tar.subarray(0, 512 + blocks(Buffer.byteLength(DMESG)) + 512 + 300);
    const { code, stdout, stderr } = await scan(['--json', 'cut.tar'], { files: { 'cut.tar': cut } });
    expect(code).toBe(1);
    expect(jsonLines(stdout).map((e) => [e.victim.pid, fileOf(e)])).toEqual([
      [2874, 'cut.tar:a.log'],
      [17777, 'cut.tar:a.log'],
    ]);
    expect(stderr).toBe(
      'scan: cannot read cut.tar:b.log: Unexpected end of data\n' +
        'scan: error reading cut.tar: Unexpected end of data\n' +
        'scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines\n',
    );
  });

  it('scan t1.tar: a file of the archive that is no gzip it claims to be is named, and the next file read', async () => {
    const broken = gzipSync(JOURNAL).subarray(0, 15);
    const tar = await tarOf([
      ['messages-20261101.gz', broken],
      ['messages', DMESG],
    ]);
    const { code, stdout, stderr } = await scan(['--json', 't1.tar'], { files: { 't1.tar': tar } });
    expect(code).toBe(1);
    expect(jsonLines(stdout).map((e) => [e.victim.pid, fileOf(e)])).toEqual([
      [2874, 't1.tar:messages'],
      [17777, 't1.tar:messages'],
    ]);
    expect(stderr).toBe(
      'scan: cannot read t1.tar:messages-20261101.gz: unexpected end of file\n' +
        'scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines\n',
    );
  });

  it('scan dirs.tar: an archive of folders alone says so (a review)', async () => {
    const tar = await tarOf([
      ['kernel', 'directory'],
      ['var_log', 'directory'],
    ]);
    const { code, stderr } = await scan(['dirs.tar'], { files: { 'dirs.tar': tar } });
    expect(code).toBe(1);
    expect(stderr).toBe(
      'scan: cannot read dirs.tar: is a tar archive that holds no file\n' +
        'scan: 0 files read, 0 lines, 0 kills (0 incomplete), 0 drift lines\n',
    );
  });

  it('scan bad.gz: gzip magic before text cannot be read at all: named, and the exit status 1', async () => {
    const bad = Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from(DMESG)]);
    const { code, stdout, stderr } = await scan(['bad.gz', 'examples/kernel-6.18.dmesg.log'], {
      files: { 'bad.gz': bad },
    });
    expect(code).toBe(1);
    expect(tableRows(stdout)).toHaveLength(3);
    expect(stderr).toMatch(/^scan: cannot read bad\.gz: unknown compression method\n/);
  });

  it('scan junk.gz: junk after the gzip stream is named, and what zlib gave before it is read', async () => {
    // zlib fails on the junk and drops what it decompressed of the same read: the error is named and the exit
    // status is 1, no kill is lost in silence (gzip -dc warns "trailing garbage ignored" and prints it all).
    const junk = Buffer.concat([gzipSync(DMESG), Buffer.from('junk\n')]);
    const { code, stdout, stderr } = await scan(['--json', 'junk.gz'], { files: { 'junk.gz': junk } });
    expect(code).toBe(1);
    expect(jsonLines(stdout).map((e) => e.victim.pid)).toContain(2874);
    expect(stderr).toMatch(/^scan: error reading junk\.gz: incorrect header check\n/);
  });

  it('… | scan -: a gzip stream whose first byte comes alone is still read as gzip', async () => {
    const gz = gzipSync(DMESG);
    let at = 0;
    const stdin: ByteReader = {
      read() {
        const chunk = gz.subarray(at, at === 0 ? 1 : at + 4096);
        at += chunk.length;
        return Promise.resolve(chunk);
      },
      close: () => Promise.resolve(),
    };
    const { code, stdout } = await scan(['--json', '-'], { stdin });
    expect(code).toBe(0);
    expect(jsonLines(stdout).map((e) => e.victim.pid)).toEqual([2874, 17777]);
  });

  it('scan ustar.log: a log that says `ustar` where a tar header has its magic is read as a log', async () => {
    const log = `${'x'.repeat(257)}ustar is a word\n${DMESG}`;
    const { code, stdout } = await scan(['--json', 'ustar.log'], { files: { 'ustar.log': log } });
    expect(code).toBe(0);
    expect(jsonLines(stdout).map((e) => e.victim.pid)).toEqual([2874, 17777]);
  });

  it.each([
    ['system.journal', 'LPKSHHRH\u0000\u0000', 'journalctl --file system.journal -o short-precise'],
    ['kern.log.2.xz', '\u00fd7zXZ\u0000', 'xz -dc kern.log.2.xz'],
  ])(
    'scan %s: a log in a format scan cannot read is refused, with the command that gives its text',
    async (name, head, command) => {
      const { code, stdout, stderr } = await scan([name], { files: { [name]: Buffer.from(head, 'latin1') } });
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toBe(
        `scan: cannot read ${name}: is ${name.endsWith('xz') ? 'xz-compressed' : 'a systemd journal file'}: ` +
          `give scan its text, as with \`${command} | eks-oom-alerts scan -\`\n` +
          'scan: 0 files read, 0 lines, 0 kills (0 incomplete), 0 drift lines\n',
      );
    },
  );
  it('… | scan -: a zstd stream on stdin is refused with a command that reads the pipe (`… | zstd -dc | …`)', async () => {
    let sent = false;
    const stdin: ByteReader = {
      read() {
        const chunk = sent
          ? new Uint8Array(0)
          : Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0x45, 0x00]);
        sent = true;
        return Promise.resolve(chunk);
      },
      close: () => Promise.resolve(),
    };
    const { code, stdout, stderr } = await scan(['-'], { stdin });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'scan: cannot read -: is zstd-compressed: give scan its text, as with `… | zstd -dc | eks-oom-alerts scan -`\n' +
        'scan: 0 files read, 0 lines, 0 kills (0 incomplete), 0 drift lines\n',
    );
  });
});
