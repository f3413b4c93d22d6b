import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { inputFormatOf, nonTextShare, refusal } from '../../../cli/scan/input-format.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (value: string) => new TextEncoder().encode(value);

/** The first header block of a tar that tar-stream writes (ustar), and of the same with GNU's magic field. */
async function tarHeads(): Promise<[Uint8Array, Uint8Array]> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk) => chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve) => archive.on('end', () => resolve()));
  archive.entry({ name: 'kernel/dmesg.current' }, 'x');
  archive.finalize();
  await ended;
  const posix = Buffer.concat(chunks).subarray(0, 512);
  const gnu = Buffer.from(posix);
  gnu.set(text('ustar  \u0000'), 257);
  // The checksum counts every byte: write GNU's magic's again.
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : (gnu[i] as number);
  gnu.set(text(`${sum.toString(8).padStart(6, '0')}\u0000 `), 148);
  return [posix, gnu];
}

describe('inputFormatOf: what an input is, by its first bytes', () => {
  it('text: a log in any envelope, an empty input, binary bytes of no known format', () => {
    for (const head of [
      text('[ 3467.508223] python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0'),
      text('{"priority":6,"sequence":1,"sec":0,"usec":0,"msg":"Linux version 6.18"}'),
      new Uint8Array(0),
      bytes(0, 0, 0, 0, 0),
      bytes(0x1f),
      text('BZh'),
      text('BZh0 is no block size'),
    ])
      expect(inputFormatOf(head)).toEqual({ kind: 'text' });
  });

  it('gzip, and a tar archive (POSIX and GNU magic, the header checksum right)', async () => {
    expect(inputFormatOf(gzipSync('x'))).toEqual({ kind: 'gzip' });
    const [posix, gnu] = await tarHeads();
    expect(inputFormatOf(posix)).toEqual({ kind: 'tar' });
    expect(inputFormatOf(gnu)).toEqual({ kind: 'tar' });
    // A header cut short, or one whose checksum is not its sum (a log that says `ustar` at byte 257), is none.
    expect(inputFormatOf(posix.subarray(0, 511))).toEqual({ kind: 'text' });
    const wrongSum = Buffer.from(posix);
    wrongSum[0] = 0x79;
    expect(inputFormatOf(wrongSum)).toEqual({ kind: 'text' });
    expect(inputFormatOf(text(`${'x'.repeat(257)}ustar is a word\n${'y'.repeat(300)}`))).toEqual({
      kind: 'text',
    });
  });

  it.each([
    [
      'a systemd journal file',
      text('LPKSHHRH\u0000\u0000'),
      'journalctl --file system.journal -o short-precise',
      '… > log.journal; journalctl --file log.journal -o short-precise | eks-oom-alerts scan -`',
    ],
    [
      'xz-compressed',
      bytes(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00),
      'xz -dc system.journal',
      '… | xz -dc | eks-oom-alerts scan -`',
    ],
    [
      'zstd-compressed',
      bytes(0x28, 0xb5, 0x2f, 0xfd, 0x00),
      'zstd -dc system.journal',
      '… | zstd -dc | eks-oom-alerts scan -`',
    ],
    [
      'lz4-compressed',
      bytes(0x04, 0x22, 0x4d, 0x18, 0x64),
      'lz4 -dc system.journal',
      '… | lz4 -dc | eks-oom-alerts scan -`',
    ],
    [
      'bzip2-compressed',
      text('BZh91AY&SY'),
      'bzip2 -dc system.journal',
      '… | bzip2 -dc | eks-oom-alerts scan -`',
    ],
    [
      'a zip archive',
      text('PK\u0003\u0004\u0014\u0000'),
      'unzip -p system.journal',
      '… | funzip | eks-oom-alerts scan -` (funzip gives its first file)',
    ],
  ])(
    'refuses %s, saying how to give scan its text, from the file and from a pipe',
    (what, head, command, piped) => {
      const format = inputFormatOf(head);
      expect(format).toMatchObject({ kind: 'refused', what });
      if (format.kind !== 'refused') return;
      expect(refusal('system.journal', format)).toBe(
        `is ${what}: give scan its text, as with \`${command} | eks-oom-alerts scan -\``,
      );
      // On stdin (`-`) the command reads the pipe: `zstd -dc -` typed as shown would read the terminal.
      expect(refusal('-', format)).toBe(`is ${what}: give scan its text, as with \`${piped}`);
    },
  );

  it('binary: an executable (this Node), random bytes; the share of what no text holds is given', () => {
    const executable = readFileSync(process.execPath).subarray(0, 1 << 18);
    let seed = 7;
    const random = Uint8Array.from({ length: 4096 }, () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 24;
    });
    for (const head of [executable, random]) {
      const format = inputFormatOf(head);
      expect(format.kind).toBe('binary');
      if (format.kind === 'binary') expect(format.share).toBeGreaterThan(0.5);
    }
  });

  it('text: a log in Latin-1, with colours, with NUL holes an unclean shutdown left (at its start too), or too short to tell', () => {
    const log = readFileSync('examples/journalctl-4.18-el8-truncated.log');
    const latin1 = Buffer.from(log.toString('utf8'), 'latin1');
    const hole = new Uint8Array(8192);
    for (const head of [
      latin1,
      text(`\u001b[0;1;31m${log.toString('utf8')}`),
      Buffer.concat([hole, log]),
      Buffer.concat([log.subarray(0, 700), hole, log.subarray(700)]),
      bytes(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0),
    ])
      expect(inputFormatOf(head)).toEqual({ kind: 'text' });
    expect(nonTextShare(Buffer.concat([hole, log]))).toBe(0);
  });

  it('nonTextShare counts NULs in short runs, control characters and invalid UTF-8, not a character cut at the end', () => {
    const line = 'kernel: Out of memory: Killed process 2874 (python3) total-vm:96336kB, anon-rss:69680kB\n';
    expect(nonTextShare(text(line))).toBe(0);
    expect(nonTextShare(Buffer.concat([text(line), bytes(0, 0, 1, 2)]))).toBeCloseTo(4 / (line.length + 4));
    expect(nonTextShare(Buffer.concat([text(line), bytes(0xff, 0xfe)]))).toBeCloseTo(2 / (line.length + 2));
    expect(nonTextShare(Buffer.concat([text(line), text('é').subarray(0, 1)]))).toBe(0);
  });
});
