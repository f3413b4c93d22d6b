/**
 * What an input is, told by its first bytes (the magic number its format starts with) before any of it is read as
 * text: a log, a gzip stream (a rotated log, `messages-20261201.gz`), a tar archive (`eks-log-collector.sh`'s
 * bundle), or a file `scan` cannot read as a log and says so, with the command that gives the text. Read as text,
 * such a file gave no kill and no word: its kills were lost in silence.
 */

export type InputFormat =
  | { kind: 'text' }
  | { kind: 'gzip' }
  | { kind: 'tar' }
  /** `what` the input is, and `how` to get its text, where `NAME` stands for the input. */
  | { kind: 'refused'; what: string; how: string };

/** The bytes the tests below look at: a tar archive's first header. */
export const FORMAT_HEAD_BYTES = 512;

interface Magic {
  /** The bytes the format starts with, at `at`. */
  bytes: readonly number[];
  at: number;
  format: InputFormat;
}

const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));

/** `NAME`: the input's name goes there. */
const PIPED = '| eks-oom-alerts scan -';

const MAGIC: readonly Magic[] = [
  // RFC 1952: ID1 ID2.
  { bytes: [0x1f, 0x8b], at: 0, format: { kind: 'gzip' } },
  // POSIX ustar (`ustar\0`) and GNU tar (`ustar  \0`): the magic field of the first header.
  { bytes: ascii('ustar'), at: 257, format: { kind: 'tar' } },
  {
    // systemd's journal-def.h: the header's signature.
    bytes: ascii('LPKSHHRH'),
    at: 0,
    format: {
      kind: 'refused',
      what: 'a systemd journal file',
      how: `journalctl --file NAME -o short-precise ${PIPED}`,
    },
  },
  {
    bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    at: 0,
    format: { kind: 'refused', what: 'xz-compressed', how: `xz -dc NAME ${PIPED}` },
  },
  {
    bytes: [0x28, 0xb5, 0x2f, 0xfd],
    at: 0,
    format: { kind: 'refused', what: 'zstd-compressed', how: `zstd -dc NAME ${PIPED}` },
  },
  {
    bytes: [0x04, 0x22, 0x4d, 0x18],
    at: 0,
    format: { kind: 'refused', what: 'lz4-compressed', how: `lz4 -dc NAME ${PIPED}` },
  },
  {
    bytes: ascii('PK\u0003\u0004'),
    at: 0,
    format: { kind: 'refused', what: 'a zip archive', how: `unzip -p NAME ${PIPED}` },
  },
];

/** bzip2: `BZh` and the block size, a digit from 1 to 9. */
function isBzip2(head: Uint8Array): boolean {
  const level = head[3] ?? 0;
  return startsWith(head, ascii('BZh'), 0) && level >= 0x31 && level <= 0x39;
}

const BZIP2: InputFormat = { kind: 'refused', what: 'bzip2-compressed', how: `bzip2 -dc NAME ${PIPED}` };

function startsWith(head: Uint8Array, bytes: readonly number[], at: number): boolean {
  if (head.length < at + bytes.length) return false;
  return bytes.every((byte, i) => head[at + i] === byte);
}

/** The format of an input whose first bytes are `head` (FORMAT_HEAD_BYTES of them, or all there are). */
export function inputFormatOf(head: Uint8Array): InputFormat {
  for (const { bytes, at, format } of MAGIC) if (startsWith(head, bytes, at)) return format;
  return isBzip2(head) ? BZIP2 : { kind: 'text' };
}

/** What `scan` says of an input it refuses. */
export function refusal(name: string, format: { what: string; how: string }): string {
  return `is ${format.what}: give scan its text, as with \`${format.how.replace('NAME', name)}\``;
}
