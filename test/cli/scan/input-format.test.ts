import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inputFormatOf, refusal } from '../../../cli/scan/input-format.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (value: string) => new TextEncoder().encode(value);

/** A tar header block whose magic field (at 257) holds `magic`. */
function tarHead(magic: string): Uint8Array {
  const head = new Uint8Array(512);
  head.set(text('kernel/dmesg.current'), 0);
  head.set(text(magic), 257);
  return head;
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

  it('gzip, and a tar archive (POSIX and GNU magic)', () => {
    expect(inputFormatOf(gzipSync('x'))).toEqual({ kind: 'gzip' });
    expect(inputFormatOf(tarHead('ustar\u000000'))).toEqual({ kind: 'tar' });
    expect(inputFormatOf(tarHead('ustar  \u0000'))).toEqual({ kind: 'tar' });
    // A tar header cut before its magic is no archive that can be read.
    expect(inputFormatOf(tarHead('ustar').subarray(0, 260))).toEqual({ kind: 'text' });
  });

  it.each([
    [
      'a systemd journal file',
      text('LPKSHHRH\u0000\u0000'),
      'journalctl --file system.journal -o short-precise',
    ],
    ['xz-compressed', bytes(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00), 'xz -dc system.journal'],
    ['zstd-compressed', bytes(0x28, 0xb5, 0x2f, 0xfd, 0x00), 'zstd -dc system.journal'],
    ['lz4-compressed', bytes(0x04, 0x22, 0x4d, 0x18, 0x64), 'lz4 -dc system.journal'],
    ['bzip2-compressed', text('BZh91AY&SY'), 'bzip2 -dc system.journal'],
    ['a zip archive', text('PK\u0003\u0004\u0014\u0000'), 'unzip -p system.journal'],
  ])('refuses %s, saying how to give scan its text', (what, head, command) => {
    const format = inputFormatOf(head);
    expect(format).toMatchObject({ kind: 'refused', what });
    if (format.kind !== 'refused') return;
    expect(refusal('system.journal', format)).toBe(
      `is ${what}: give scan its text, as with \`${command} | eks-oom-alerts scan -\``,
    );
  });
});
