import {
  appendFileSync,
  closeSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFileSystem, sleep, stdinProblem, streamReader } from '../../cli/node-io.ts';

// Made before the first test, not when the file is collected: a run that filters every test out runs no hook.
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eks-oom-alerts-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the CLI on Node I/O', () => {
  it('reads a file to its end', async () => {
    const file = join(dir, 'dmesg.log');
    writeFileSync(file, '[    1.000000] hello\n');
    const opened = await nodeFileSystem.open(file);
    if (!opened.ok) throw new Error(opened.problem);
    expect(opened.device).toBe(false);
    expect(new TextDecoder().decode(await opened.reader.read())).toBe('[    1.000000] hello\n');
    expect((await opened.reader.read()).length).toBe(0);
    await opened.reader.close();
  });

  it('reads a file of several chunks whole and in order, and a file that grows from where its data ended', async () => {
    const file = join(dir, 'big.log');
    const big = Buffer.alloc(2.5 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    writeFileSync(file, big);
    const opened = await nodeFileSystem.open(file);
    if (!opened.ok) throw new Error(opened.problem);
    const chunks: Uint8Array[] = [];
    for (let bytes = await opened.reader.read(); bytes.length > 0; bytes = await opened.reader.read()) {
      chunks.push(bytes);
    }
    expect(Buffer.concat(chunks).equals(big)).toBe(true);
    appendFileSync(file, 'more\n');
    expect(new TextDecoder().decode(await opened.reader.read())).toBe('more\n');
    expect((await opened.reader.read()).length).toBe(0);
    await opened.reader.close();
  });

  it('a followed file: tells a rotation once the old file is read to its end, then reads the new one', async () => {
    const file = join(dir, 'rotated.log');
    writeFileSync(file, 'one\n');
    const opened = await nodeFileSystem.open(file);
    if (!opened.ok) throw new Error(opened.problem);
    const reader = opened.reader;
    const text = async () => new TextDecoder().decode(await reader.read());
    expect(await text()).toBe('one\n');
    expect(await text()).toBe('');
    expect(await reader.switched?.()).toBeNull();
    // `mv`, and no new file yet: nothing to switch to.
    appendFileSync(file, 'two\n');
    renameSync(file, `${file}.1`);
    expect(await reader.switched?.()).toBeNull();
    writeFileSync(file, 'three\n');
    // The old file has more: read first.
    expect(await reader.switched?.()).toBeNull();
    expect(await text()).toBe('two\n');
    expect(await text()).toBe('');
    expect(await reader.switched?.()).toBe('rotated');
    expect(await text()).toBe('three\n');
    expect(await reader.switched?.()).toBeNull();
    await reader.close();
  });

  it('a followed file: tells a truncation (copytruncate), then reads it again from its start', async () => {
    const file = join(dir, 'truncated.log');
    writeFileSync(file, 'one\ntwo\n');
    const opened = await nodeFileSystem.open(file);
    if (!opened.ok) throw new Error(opened.problem);
    const reader = opened.reader;
    const text = async () => new TextDecoder().decode(await reader.read());
    expect(await text()).toBe('one\ntwo\n');
    truncateSync(file, 0);
    appendFileSync(file, 'new\n');
    expect(await text()).toBe('');
    expect(await reader.switched?.()).toBe('truncated');
    expect(await text()).toBe('new\n');
    expect(await reader.switched?.()).toBeNull();
    await reader.close();
  });

  it('reads into the chunks given back (recycle), never into one still held, and reads the same bytes', async () => {
    const file = join(dir, 'recycled.log');
    const big = Buffer.alloc(2.5 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 253;
    writeFileSync(file, big);
    const opened = await nodeFileSystem.open(file);
    if (!opened.ok) throw new Error(opened.problem);
    const reader = opened.reader;
    // The first chunk is held (a caller that peeks at the format keeps it); every other one is copied and given back.
    const first = await reader.read();
    const firstCopy = Buffer.from(first);
    const copies: Buffer[] = [firstCopy];
    const memory = new Set<ArrayBufferLike>([first.buffer]);
    for (let bytes = await reader.read(); bytes.length > 0; bytes = await reader.read()) {
      expect(bytes.buffer).not.toBe(first.buffer);
      copies.push(Buffer.from(bytes));
      memory.add(bytes.buffer);
      reader.recycle?.(bytes);
      // Given back twice, or a chunk it never gave: nothing changes.
      reader.recycle?.(bytes);
      reader.recycle?.(new Uint8Array(1 << 18));
    }
    expect(Buffer.concat(copies).equals(big)).toBe(true);
    expect(Buffer.from(first).equals(firstCopy)).toBe(true);
    // 10 chunks of 256 KiB read into 4 pieces of memory: the held one, two given back in turn, and the one read ahead.
    expect(copies.length).toBe(10);
    expect(memory.size).toBeLessThanOrEqual(4);
    await reader.close();
  });

  it('reads a named pipe (`scan <(dmesg)`) to its end', async () => {
    const fifo = join(dir, 'dmesg.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer = spawn('sh', ['-c', `printf '[    1.000000] one\\n[    2.000000] two\\n' > '${fifo}'`]);
    const opened = await nodeFileSystem.open(fifo);
    if (!opened.ok) throw new Error(opened.problem);
    const chunks: Uint8Array[] = [];
    for (let bytes = await opened.reader.read(); bytes.length > 0; bytes = await opened.reader.read()) {
      chunks.push(bytes);
    }
    await opened.reader.close();
    writer.kill();
    expect(Buffer.concat(chunks).toString()).toBe('[    1.000000] one\n[    2.000000] two\n');
  });

  it('names a missing file and a directory as such', async () => {
    expect(await nodeFileSystem.open(join(dir, 'missing.log'))).toEqual({
      ok: false,
      problem: 'no such file',
    });
    expect(await nodeFileSystem.open(dir)).toEqual({ ok: false, problem: 'is a directory' });
    // A path that goes on through a file (`k.log/`): Node's raw ENOTDIR text before.
    writeFileSync(join(dir, 'k.log'), 'x\n');
    expect(await nodeFileSystem.open(join(dir, 'k.log', 'x'))).toEqual({
      ok: false,
      problem: 'no such file (a part of the path is a file, not a directory)',
    });
  });

  it('opens a character device without blocking: nothing to read is an empty read', async () => {
    const opened = await nodeFileSystem.open('/dev/null');
    if (!opened.ok) throw new Error(opened.problem);
    expect(opened.device).toBe(true);
    expect((await opened.reader.read()).length).toBe(0);
    await opened.reader.close();
  });

  it('says why stdin cannot be read: a directory (`scan < .`), which Node reads as empty; a file can be', () => {
    const folder = openSync(dir, 'r');
    const file = join(dir, 'stdin.log');
    writeFileSync(file, 'x\n');
    const log = openSync(file, 'r');
    try {
      expect(stdinProblem(folder)).toBe('is a directory');
      expect(stdinProblem(log)).toBeUndefined();
    } finally {
      closeSync(folder);
      closeSync(log);
    }
  });

  it('reads a small text file, or says it cannot', async () => {
    const file = join(dir, 'uptime');
    writeFileSync(file, '1329.48 2406.84\n');
    expect(await nodeFileSystem.readSmallText(file)).toBe('1329.48 2406.84\n');
    expect(await nodeFileSystem.readSmallText(join(dir, 'nope'))).toBeNull();
  });

  it('reads a stream (stdin) chunk by chunk, then empty at its end', async () => {
    const reader = streamReader(Readable.from([Buffer.from('abc'), 'déf']));
    expect(new TextDecoder().decode(await reader.read())).toBe('abc');
    expect(new TextDecoder().decode(await reader.read())).toBe('déf');
    expect((await reader.read()).length).toBe(0);
  });

  it('ends a sleep when the signal aborts', async () => {
    const interrupt = new AbortController();
    const asleep = sleep(3_600_000, interrupt.signal);
    interrupt.abort();
    await expect(asleep).resolves.toBeUndefined();
  });
});
