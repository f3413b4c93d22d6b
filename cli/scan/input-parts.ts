/**
 * The logs an input holds, each to be scanned on its own: the input itself when it is text, its content when it
 * is gzip (decompressed as it is read: a rotated log is never held whole), and each file of a tar archive
 * (`eks-log-collector.sh`'s bundle: `kernel/dmesg.current`, `var_log/messages`…), named `ARCHIVE:MEMBER`. What
 * input-format.ts refuses (a binary file too), and a part that fails before it gives a byte (a gzip stream that is not one), comes
 * back as a part with the reason.
 *
 * A part's reader needs no closing: what the parts of an input made (a gzip stream) is closed here once its part is
 * read. The caller closes the input's own reader, and never a pipe's: closing stdin waits for the read a pipe has
 * pending, which held Ctrl-C until the pipe ended.
 */
import { createGunzip } from 'node:zlib';
import type { ByteReader } from '../command.ts';
import { FORMAT_HEAD_BYTES, MAGIC_BYTES, holdsNonText, inputFormatOf, refusal } from './input-format.ts';
import { errorMessage } from '../../shared/error-text.ts';

export type InputPart =
  | { name: string; reader: ByteReader; refused?: undefined }
  | { name: string; reader?: undefined; refused: string };

/** How deep archives and gzip streams may nest (a gzip in a tar in a gzip is 3). */
const MAX_DEPTH = 4;
/** Gzip's output per read: what a file read gives, so that a scanner sees chunks of the same size. */
const GUNZIP_CHUNK_BYTES = 256 * 1024;
/** Decompressed chunks held for the scanner before the gzip stream waits for it. */
const GUNZIP_CHUNKS_AHEAD = 2;
/** Where a tar header's file name ends: a NUL before it is in a tar's first bytes, not in a log's. */
const TAR_NAME_BYTES = 100;

/**
 * Whether the first bytes tell a format yet. A file is read up to FORMAT_HEAD_BYTES (a tar header). A pipe may be
 * live (`dmesg -w`) and send no more for a while, so it is read only up to the magic numbers that start a file,
 * and on to a tar header only when a NUL among the first bytes says it may be one, or another byte of no text that
 * it may be binary.
 */
function headTellsFormat(head: Uint8Array, pipe: boolean): boolean {
  if (head.length >= FORMAT_HEAD_BYTES) return true;
  if (!pipe) return false;
  return head.length >= MAGIC_BYTES && !holdsNonText(head.subarray(0, TAR_NAME_BYTES));
}

/** What `scan` says of a binary input (input-format.ts). */
function binaryRefusal(share: number): string {
  const percent = Math.round(share * 100);
  return `is not a text log: of its first characters, ${percent}% are NULs, control characters or invalid UTF-8`;
}

interface Peeked {
  head: Uint8Array;
  /** Gives the head again, then the rest; a read that failed while peeking fails after the head. */
  reader: ByteReader;
  /** The failure of the first read: nothing of the part could be read. */
  unreadable: unknown;
}

/** The next bytes, or none (as at the end) once `signal` aborts: Ctrl-C on a pipe that has sent nothing yet. */
async function readOrAbort(reader: ByteReader, signal: AbortSignal | undefined): Promise<Uint8Array> {
  if (signal === undefined) return reader.read();
  if (signal.aborted) return new Uint8Array(0);
  let onAbort = (): void => {};
  const aborted = new Promise<Uint8Array>((resolve) => {
    onAbort = () => resolve(new Uint8Array(0));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([reader.read(), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

async function peeked(reader: ByteReader, pipe: boolean, signal: AbortSignal | undefined): Promise<Peeked> {
  const chunks: Uint8Array[] = [];
  let failure: unknown = null;
  let head: Uint8Array = new Uint8Array(0);
  try {
    while (!headTellsFormat(head, pipe)) {
      const chunk = await readOrAbort(reader, signal);
      if (chunk.length === 0) break;
      chunks.push(chunk);
      head = chunks.length === 1 ? chunk : Buffer.concat(chunks);
    }
  } catch (error) {
    failure = error;
  }
  let replay: Uint8Array | null = head.length > 0 ? head : null;
  return {
    head,
    unreadable: head.length === 0 ? failure : null,
    reader: {
      // Not the head: the caller holds it.
      recycle: (bytes) => (bytes === head ? undefined : reader.recycle?.(bytes)),
      async read() {
        if (replay !== null) {
          const first = replay;
          replay = null;
          return first;
        }
        if (failure !== null) throw failure;
        return reader.read();
      },
      close: async () => {},
    },
  };
}

/** The reader's bytes as an async iterable, to its end. */
async function* bytesOf(reader: ByteReader): AsyncGenerator<Uint8Array> {
  for (let chunk = await reader.read(); chunk.length > 0; chunk = await reader.read()) yield chunk;
}

/** What feed writes into: zlib's gunzip or tar-stream's extractor. */
interface Sink {
  readonly destroyed: boolean;
  write(chunk: Uint8Array): boolean;
  destroy(error?: Error): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

/** Resolves when the sink takes more, or is closed. */
function drained(sink: Sink): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      sink.off('drain', done);
      sink.off('close', done);
      resolve();
    };
    sink.once('drain', done);
    sink.once('close', done);
  });
}

/** Writes the reader's bytes into the sink, as fast as it takes them, then ends it; a failed read destroys it. */
async function feed(reader: ByteReader, sink: Sink, end: () => void): Promise<void> {
  try {
    for await (const chunk of bytesOf(reader)) {
      if (sink.destroyed) return;
      if (!sink.write(chunk)) await drained(sink);
    }
    end();
  } catch (error) {
    sink.destroy(error as Error);
  }
}

/**
 * The gzip stream's content, decompressed as it is read. What zlib gave before it failed (a stream cut short,
 * junk after the last member) is read first; the read after it fails with zlib's error.
 */
function gunzipped(reader: ByteReader): ByteReader {
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
  const ready: Uint8Array[] = [];
  let failure: unknown = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  gunzip.on('data', (chunk: Uint8Array) => {
    ready.push(chunk);
    if (ready.length >= GUNZIP_CHUNKS_AHEAD) gunzip.pause();
    notify();
  });
  gunzip.on('end', () => {
    ended = true;
    notify();
  });
  gunzip.on('error', (error) => {
    failure = error;
    notify();
  });
  void feed(reader, gunzip, () => gunzip.end());
  return {
    async read() {
      for (;;) {
        const chunk = ready.shift();
        if (chunk !== undefined) {
          if (ready.length < GUNZIP_CHUNKS_AHEAD && !ended) gunzip.resume();
          return chunk;
        }
        if (failure !== null) throw failure;
        if (ended) return new Uint8Array(0);
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async close() {
      gunzip.destroy();
    },
  };
}

/** A streamx readable (a tar file's bytes) as a ByteReader; closing it leaves the stream to the archive. */
function entryReader(entry: AsyncIterable<Uint8Array>): ByteReader {
  const chunks = entry[Symbol.asyncIterator]();
  return {
    async read() {
      const next = await chunks.next();
      return next.done === true ? new Uint8Array(0) : next.value;
    },
    close: async () => {},
  };
}

/** Reads what is left of a file's stream, to its end; the archive's own failure is the archive's to tell. */
async function readAway(bytes: AsyncIterable<Uint8Array>): Promise<void> {
  const chunks = bytes[Symbol.asyncIterator]();
  try {
    while (!(await chunks.next()).done);
  } catch {
    // The archive failed (cut short, a header it cannot read): its iterator says so next.
  }
}

/**
 * The tar archive's regular files, each as a reader of its bytes, in the archive's order. The archive goes on only
 * once a file's bytes are all read: what the caller leaves (a part it stopped reading) is read away. A file's
 * reader never ends the file's stream: ending it would end the archive. Its feed is not waited for: on a pipe it
 * waits for the pipe's next bytes.
 */
async function* tarMembers(reader: ByteReader): AsyncGenerator<{ name: string; reader: ByteReader }> {
  // Loaded with the first archive: it cost every scan 20 ms and 1.6 MiB at start.
  const { extract } = await import('tar-stream');
  const archive = extract();
  void feed(reader, archive as unknown as Sink, () => archive.end(null));
  try {
    for await (const entry of archive) {
      const { type, name } = entry.header;
      const bytes = entry as AsyncIterable<Uint8Array>;
      if (type === 'file' || type === 'contiguous-file') yield { name, reader: entryReader(bytes) };
      await readAway(bytes);
    }
  } finally {
    archive.destroy();
  }
}

/** A file's path in an archive as `tar -C dir .` stores it, less its `./`. */
function memberPath(name: string): string {
  return name.startsWith('./') ? name.slice(2) : name;
}

/**
 * The parts of the input `name` that `reader` reads, each a log to scan or a refusal. `pipe`: the input is a pipe,
 * `inArchive`: a file of an archive, whose name a shell command cannot take.
 */
export async function* inputParts(
  name: string,
  reader: ByteReader,
  options: { pipe: boolean; signal?: AbortSignal; inArchive?: boolean; depth?: number },
): AsyncGenerator<InputPart> {
  const { pipe, signal, inArchive = false, depth = 0 } = options;
  const { head, reader: whole, unreadable } = await peeked(reader, pipe, signal);
  if (unreadable !== null) {
    yield { name, refused: errorMessage(unreadable) };
    return;
  }
  const format = inputFormatOf(head);
  if (format.kind === 'text') {
    yield { name, reader: whole };
  } else if (format.kind === 'binary') {
    yield { name, refused: binaryRefusal(format.share) };
  } else if (format.kind === 'refused') {
    const extract = `is ${format.what}: extract it from the archive, and give scan its text`;
    yield { name, refused: inArchive ? extract : refusal(name, format) };
  } else if (depth >= MAX_DEPTH) {
    yield { name, refused: `holds archives or compressed streams nested more than ${MAX_DEPTH} deep` };
  } else if (format.kind === 'gzip') {
    const content = gunzipped(whole);
    try {
      yield* inputParts(name, content, { pipe, signal, inArchive, depth: depth + 1 });
    } finally {
      await content.close();
    }
  } else {
    let files = 0;
    for await (const member of tarMembers(whole)) {
      files++;
      yield* inputParts(`${name}:${memberPath(member.name)}`, member.reader, {
        pipe: false,
        signal,
        inArchive: true,
        depth: depth + 1,
      });
    }
    if (files === 0) yield { name, refused: 'is a tar archive that holds no file' };
  }
}
