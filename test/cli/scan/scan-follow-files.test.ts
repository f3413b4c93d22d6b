/**
 * `scan --follow FILE` on real files in a temp dir, as logrotate leaves them: renamed with a new file in its place
 * (create mode), or cut to nothing where it is (copytruncate). Time is the test's: each sleep of the follow loop
 * makes the next change to the files, and the last presses Ctrl-C.
 */
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/main.ts';
import { nodeFileSystem } from '../../../cli/node-io.ts';
import type { OomEvent } from '../../../shared/oom-event.ts';
import { memoryIo } from '../in-memory-io.ts';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eks-oom-alerts-follow-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DMESG_LINES = readFileSync('examples/kernel-6.18.dmesg.log', 'utf8').split(/(?<=\n)/);
/** Lines `from` to `to` of the example (1-based, both included). */
const dmesg = (from: number, to: number): string => DMESG_LINES.slice(from - 1, to).join('');
const JOURNAL = readFileSync('examples/journalctl-4.18-el8-truncated.log', 'utf8');

/**
 * Runs `scan --json --follow PATH` on the real file system; before the follow loop's n-th sleep, `steps[n]` changes
 * the files. Ctrl-C once the steps are done.
 */
async function follow(path: string, steps: Array<() => void>) {
  let sleeps = 0;
  const memory = memoryIo({
    sleep: () => {
      const step = steps[sleeps++];
      if (step === undefined) memory.interrupt.abort();
      else step();
      return Promise.resolve();
    },
  });
  // Real files; no /proc or /dev/kmsg of this host.
  const io = { ...memory.io, fs: { open: nodeFileSystem.open, readSmallText: () => Promise.resolve(null) } };
  const code = await runCli(['scan', '--json', '--follow', path], io);
  const events = memory.stdout.text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as OomEvent);
  return { code, events, stderr: memory.stderr.text, sleeps };
}

describe('scan --follow FILE across logrotate', () => {
  it('rotated (renamed, a new file made in its place): the old file is read to its end, then the new one from its start', async () => {
    const log = join(dir, 'kern.log');
    // The first report's header and call trace; its kill line will be in the new file.
    writeFileSync(log, dmesg(1, 40));
    const { code, events, stderr } = await follow(log, [
      () => {
        // Written to the old file before the rotation, then renamed; the writer goes on in a new file.
        appendFileSync(log, dmesg(41, 60));
        renameSync(log, `${log}.1`);
        writeFileSync(log, dmesg(61, 163));
      },
    ]);
    expect(code).toBe(0);
    // The report the rotation cut in two is one kill, whole; so is the one after it.
    expect(
      events.map((e) => [e.victim.pid, e.complete, 'lines' in e.source ? e.source.lines[0] : null]),
    ).toEqual([
      [2874, true, 4],
      [17777, true, 84],
    ]);
    expect(stderr).toBe(
      `scan: ${log} was rotated (another file has its name now): reading that one from its start, its line 1 as line 61\n` +
        'scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines\n',
    );
  });

  it('truncated (copytruncate): read again from its start, a kill written there below the old end included', async () => {
    const log = join(dir, 'messages');
    writeFileSync(log, dmesg(1, 83));
    const { code, events, stderr } = await follow(log, [
      () => truncateSync(log, 0),
      // Shorter than what was read before the truncation: a reader that kept its place would wait past it.
      () => appendFileSync(log, dmesg(84, 163)),
    ]);
    expect(code).toBe(0);
    expect(events.map((e) => [e.victim.pid, e.complete])).toEqual([
      [2874, true],
      [17777, true],
    ]);
    expect(stderr).toBe(
      `scan: ${log} was truncated: reading it again from its start, its line 1 as line 84\n` +
        'scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines\n',
    );
  });

  it('a report open at a truncation whose rest never comes is not format drift: it is said to be cut off', async () => {
    const log = join(dir, 'syslog');
    const filler = '[ 3000.000000] eth0: link up\n'.repeat(700);
    writeFileSync(log, filler + dmesg(4, 40));
    const { code, events, stderr } = await follow(log, [
      () => truncateSync(log, 0),
      // Another log altogether: its own report and kill.
      () => appendFileSync(log, JOURNAL),
    ]);
    expect(code).toBe(0);
    expect(events.map((e) => e.victim.pid)).toEqual([1735923]);
    const said = stderr.split('\n');
    expect(said[0]).toBe(
      `scan: ${log} was truncated: reading it again from its start, its line 1 as line 738`,
    );
    expect(said[1]).toBe(
      `scan: ${log}:701: an OOM report open when the file was rotated or truncated got no kill line after it: ` +
        'python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
    );
    expect(said.slice(2)).toEqual([
      expect.stringMatching(/^scan: 1 file read, \d+ lines, 1 kill \(0 incomplete\), 0 drift lines$/),
      '',
    ]);
    expect(stderr).not.toContain('possible format drift');
  });

  it('a file that stays where it is and grows is read on, with nothing said', async () => {
    const log = join(dir, 'grow.log');
    writeFileSync(log, dmesg(1, 40));
    const { events, stderr, sleeps } = await follow(log, [
      () => appendFileSync(log, dmesg(41, 100)),
      () => appendFileSync(log, dmesg(101, 163)),
    ]);
    expect(sleeps).toBe(3);
    expect(events.map((e) => e.victim.pid)).toEqual([2874, 17777]);
    expect(stderr).toBe('scan: 1 file read, 163 lines, 2 kills (0 incomplete), 0 drift lines\n');
  });
});
