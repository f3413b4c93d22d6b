/**
 * What an input is, told by its first bytes (the magic number its format starts with) before any of it is read as
 * text: a log, a gzip stream (a rotated log, `messages-20261201.gz`), a tar archive (`eks-log-collector.sh`'s
 * bundle), or a file `scan` cannot read as a log and says so, with the command that gives the text. Read as text,
 * such a file gave no kill and no word: its kills were lost in silence. A file of no known format whose first bytes
 * are mostly no text (an executable, a core dump) is binary: read as text, its random bytes that happened to say
 * `oom` were printed as format drift.
 */

export type InputFormat =
  | { kind: 'text' }
  | { kind: 'gzip' }
  | { kind: 'tar' }
  /** No text: a binary file. `share`: of the characters of its first bytes, how many no text holds. */
  | { kind: 'binary'; share: number }
  /**
   * `what` the input is, and `how` to get its text from the file, where `NAME` stands for it, and `piped` from a pipe
   * (stdin: `… | zstd -dc`, as `zstd -dc -` would read the terminal when typed as shown), and what to know of that.
   */
  | { kind: 'refused'; what: string; how: string; piped: string; pipedNote?: string };

/** The bytes the tests below look at: a tar archive's first header. */
export const FORMAT_HEAD_BYTES = 512;
/** The longest magic number at the start of a file (a systemd journal's). */
export const MAGIC_BYTES = 8;

interface Magic {
  /** The bytes the format starts with, at `at`. */
  bytes: readonly number[];
  at: number;
  format: InputFormat;
}

const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));

/** The pipe into scan that each command ends in. */
const PIPED = '| eks-oom-alerts scan -';

/** A format scan refuses, with the decompressor that reads it from a file (NAME) and, given none, from stdin. */
function compressed(what: string, decompress: string): InputFormat {
  return {
    kind: 'refused',
    what,
    how: `${decompress} NAME ${PIPED}`,
    piped: `… | ${decompress} ${PIPED}`,
  };
}

const MAGIC: readonly Magic[] = [
  // RFC 1952: ID1 ID2.
  { bytes: [0x1f, 0x8b], at: 0, format: { kind: 'gzip' } },
  {
    // systemd's journal-def.h: the header's signature.
    bytes: ascii('LPKSHHRH'),
    at: 0,
    format: {
      kind: 'refused',
      what: 'a systemd journal file',
      how: `journalctl --file NAME -o short-precise ${PIPED}`,
      // journalctl reads no journal from a pipe.
      piped: `… > log.journal; journalctl --file log.journal -o short-precise ${PIPED}`,
    },
  },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], at: 0, format: compressed('xz-compressed', 'xz -dc') },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], at: 0, format: compressed('zstd-compressed', 'zstd -dc') },
  { bytes: [0x04, 0x22, 0x4d, 0x18], at: 0, format: compressed('lz4-compressed', 'lz4 -dc') },
  {
    bytes: ascii('PK\u0003\u0004'),
    at: 0,
    format: {
      kind: 'refused',
      what: 'a zip archive',
      how: `unzip -p NAME ${PIPED}`,
      // unzip reads no archive from a pipe; funzip (in unzip's package) does, its first file alone.
      piped: `… | funzip ${PIPED}`,
      pipedNote: 'funzip gives its first file',
    },
  },
];

/** bzip2: `BZh` and the block size, a digit from 1 to 9. */
function isBzip2(head: Uint8Array): boolean {
  const level = head[3] ?? 0;
  return startsWith(head, ascii('BZh'), 0) && level >= 0x31 && level <= 0x39;
}

const BZIP2 = compressed('bzip2-compressed', 'bzip2 -dc');

function startsWith(head: Uint8Array, bytes: readonly number[], at: number): boolean {
  if (head.length < at + bytes.length) return false;
  return bytes.every((byte, i) => head[at + i] === byte);
}

const TAR_MAGIC = ascii('ustar');
const TAR_MAGIC_AT = 257;
const CHECKSUM_AT = 148;
const CHECKSUM_BYTES = 8;
const SPACE = 0x20;

/**
 * Whether the first 512 bytes are a tar header: POSIX ustar's (`ustar\0`) or GNU tar's (`ustar  \0`) magic field,
 * and the checksum field (octal) the sum of the header's bytes, that field counted as spaces (unsigned, or signed
 * as old tars summed): a log that says `ustar` at byte 257 is no archive.
 */
function isTarHeader(head: Uint8Array): boolean {
  if (head.length < FORMAT_HEAD_BYTES || !startsWith(head, TAR_MAGIC, TAR_MAGIC_AT)) return false;
  const field = String.fromCharCode(...head.subarray(CHECKSUM_AT, CHECKSUM_AT + CHECKSUM_BYTES));
  const octal = /^ *([0-7]{1,7})[ \u0000]/.exec(field);
  if (octal === null) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < FORMAT_HEAD_BYTES; i++) {
    const byte = i >= CHECKSUM_AT && i < CHECKSUM_AT + CHECKSUM_BYTES ? SPACE : (head[i] as number);
    unsigned += byte;
    signed += byte > 0x7f ? byte - 0x100 : byte;
  }
  const sum = parseInt(octal[1] as string, 8);
  return sum === unsigned || sum === signed;
}

/** The first bytes the text test reads: a log's first lines. */
const TEXT_SAMPLE_BYTES = 4096;
/**
 * A run of NULs this long is a hole, not a binary's: the blocks of a log that an unclean shutdown left unwritten read
 * as NULs (a hole in /var/log/messages), and the log goes on after them. A binary's own NULs come mostly in shorter
 * runs (padding, small integers), which count against it.
 */
const HOLE_NULS = 16;
/** Fewer characters than this outside holes tell nothing: the input is read as text. */
const MIN_JUDGED_CHARS = 64;
/**
 * Above this share of characters that no text holds, an input is no text log. A log written in Latin-1 has a few
 * (each accented letter is invalid UTF-8), every log of examples/ and test/fixtures/ under 0.2%; a binary far more:
 * 53% in random bytes, 66-86% in the first 4 KiB of ELF executables (node, ls, libc).
 */
const MAX_NON_TEXT_SHARE = 0.1;
const NUL = 0x00;

/** The first `limit` bytes that are in no hole: each run of HOLE_NULS or more NULs is passed over. */
function outsideHoles(bytes: Uint8Array, limit: number): Uint8Array {
  const kept: number[] = [];
  for (let at = 0; at < bytes.length && kept.length < limit;) {
    let end = at;
    while (end < bytes.length && bytes[end] === NUL) end++;
    if (end - at < HOLE_NULS) for (let i = at; i < end; i++) kept.push(NUL);
    if (end < bytes.length) kept.push(bytes[end] as number);
    at = end + 1;
  }
  return Uint8Array.from(kept.slice(0, limit));
}

/**
 * Whether text holds this character: not a C0 control other than tab, newline, vertical tab, form feed, carriage
 * return, backspace and escape (terminal colours); not DEL, a C1 control, or U+FFFD (a byte of no valid UTF-8).
 */
function isTextChar(code: number): boolean {
  if (code < 0x20) return code >= 0x08 && code <= 0x0d ? true : code === 0x1b;
  return !(code >= 0x7f && code <= 0x9f) && code !== 0xfffd;
}

/** The characters of `bytes` decoded as UTF-8, but for a character cut at their end (not an invalid one). */
function decoded(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes, { stream: true });
}

function nonTextChars(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (!isTextChar(text.charCodeAt(i))) count++;
  return count;
}

/** Whether the bytes hold a character that no text holds (a NUL too): the input may be binary. */
export function holdsNonText(bytes: Uint8Array): boolean {
  return nonTextChars(decoded(bytes)) > 0;
}

/**
 * Of the characters of `head`'s first TEXT_SAMPLE_BYTES outside holes, the share no text holds (NULs in shorter runs,
 * control characters, invalid UTF-8); null when too few are there to tell.
 */
export function nonTextShare(head: Uint8Array): number | null {
  const text = decoded(outsideHoles(head, TEXT_SAMPLE_BYTES));
  return text.length < MIN_JUDGED_CHARS ? null : nonTextChars(text) / text.length;
}

/** The format of an input whose first bytes are `head` (FORMAT_HEAD_BYTES of them, or all there are). */
export function inputFormatOf(head: Uint8Array): InputFormat {
  for (const { bytes, at, format } of MAGIC) if (startsWith(head, bytes, at)) return format;
  if (isTarHeader(head)) return { kind: 'tar' };
  if (isBzip2(head)) return BZIP2;
  const share = nonTextShare(head);
  return share !== null && share > MAX_NON_TEXT_SHARE ? { kind: 'binary', share } : { kind: 'text' };
}

/** What `scan` says of an input it refuses; `-` is stdin, whose text the command gives from the pipe. */
export function refusal(name: string, format: Extract<InputFormat, { kind: 'refused' }>): string {
  const command = name === '-' ? format.piped : format.how.replace('NAME', name);
  const note = name === '-' && format.pipedNote !== undefined ? ` (${format.pipedNote})` : '';
  return `is ${format.what}: give scan its text, as with \`${command}\`${note}`;
}
