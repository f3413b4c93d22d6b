import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { inputFormatOf, refusal } from '../../../cli/scan/input-format.ts';

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
});
