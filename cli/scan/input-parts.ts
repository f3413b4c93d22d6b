/**
 * The logs an input holds, each to be scanned on its own: the input itself when it is text, its content when it
 * is gzip (decompressed as it is read: a rotated log is never held whole), and each file of a tar archive
 * (`eks-log-collector.sh`'s bundle: `kernel/dmesg.current`, `var_log/messages`…), named `ARCHIVE:MEMBER`. What
 * input-format.ts refuses comes back as a part with the reason and the command that gives its text.
 *
 * A part's reader closes only what it made (a gzip stream); the caller closes the input's own reader.
 */
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract, type Extract } from 'tar-stream';
import type { ByteReader } from '../command.ts';
import { FORMAT_HEAD_BYTES, inputFormatOf, refusal } from './input-format.ts';

export type InputPart =
  | { name: string; reader: ByteReader; refused?: undefined }
  | { name: string; reader?: undefined; refused: string };

/** How deep archives and gzip streams may nest (a gzip in a tar in a gzip is 3). */
const MAX_DEPTH = 4;
/** Gzip's output per read: what a file read gives, so that a scanner sees chunks of the same size. */
const GUNZIP_CHUNK_BYTES = 256 * 1024;

/**
 * The first bytes of a reader (FORMAT_HEAD_BYTES, or fewer at its end), and a reader that gives them again
 * before the rest. `firstChunk`: a pipe's first chunk alone, whatever its size: a live pipe (`dmesg -w`) may
 * send no more for a while, and its first chunk is all the format tests need of anything piped whole.
 */
async function peeked(
  reader: ByteReader,
  firstChunk: boolean,
): Promise<{ head: Uint8Array; reader: ByteReader }> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  while (bytes < FORMAT_HEAD_BYTES) {
    const chunk = await reader.read();
    if (chunk.length === 0) break;
    chunks.push(chunk);
    bytes += chunk.length;
    if (firstChunk) break;
  }
  const head = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
  let replay: Uint8Array | null = head.length > 0 ? head : null;
  return {
    head,
    reader: {
      async read() {
        if (replay === null) return reader.read();
        const first = replay;
        replay = null;
        return first;
      },
      close: () => reader.close(),
    },
  };
}

/** The reader's bytes as an async iterable, to its end. */
async function* bytesOf(reader: ByteReader): AsyncGenerator<Uint8Array> {
  for (let chunk = await reader.read(); chunk.length > 0; chunk = await reader.read()) yield chunk;
}

/** A readable stream (Node's or streamx's) as a ByteReader; `close` does what the stream's maker needs. */
function streamReader(stream: AsyncIterable<Uint8Array>, close: () => void): ByteReader {
  const chunks = stream[Symbol.asyncIterator]();
  return {
    async read() {
      const next = await chunks.next();
      return next.done === true ? new Uint8Array(0) : next.value;
    },
    async close() {
      close();
    },
  };
}

/** The gzip stream's content, decompressed as it is read; a corrupt or cut stream fails a read with zlib's error. */
function gunzipped(reader: ByteReader): ByteReader {
  const gunzip = pipeline(
    Readable.from(bytesOf(reader), { objectMode: false }),
    createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }),
    () => {},
  );
  return streamReader(gunzip, () => gunzip.destroy());
}

/** Resolves when the writable takes more, or is closed. */
function drained(writable: Extract): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      writable.off('drain', done);
      writable.off('close', done);
      resolve();
    };
    writable.on('drain', done);
    writable.on('close', done);
  });
}

/** Writes the reader's bytes into the archive's extractor, as fast as it takes them; a failed read destroys it. */
async function feed(reader: ByteReader, archive: Extract): Promise<void> {
  try {
    for await (const chunk of bytesOf(reader)) {
      if (archive.destroyed) return;
      if (!archive.write(chunk)) await drained(archive);
    }
    archive.end(null);
  } catch (error) {
    archive.destroy(error as Error);
  }
}

/** Reads what is left of a stream, to its end. */
async function readAway(bytes: AsyncIterable<Uint8Array>): Promise<void> {
  const chunks = bytes[Symbol.asyncIterator]();
  while (!(await chunks.next()).done);
}

/**
 * The tar archive's regular files, each as a reader of its bytes, in the archive's order. The archive goes on only
 * once a file's bytes are all read: what the caller leaves (a part it stopped reading) is read away. A file's
 * reader never ends the file's stream: ending it would end the archive.
 */
async function* tarMembers(reader: ByteReader): AsyncGenerator<{ name: string; reader: ByteReader }> {
  const archive = tarExtract();
  const fed = feed(reader, archive);
  try {
    for await (const entry of archive) {
      const { type, name } = entry.header;
      const bytes = entry as AsyncIterable<Uint8Array>;
      if (type === 'file' || type === 'contiguous-file')
        yield { name, reader: streamReader(bytes, () => {}) };
      await readAway(bytes);
    }
  } finally {
    archive.destroy();
    await fed;
  }
}

/** A file's path in an archive as `tar -C dir .` stores it, less its `./`. */
function memberPath(name: string): string {
  return name.startsWith('./') ? name.slice(2) : name;
}

/**
 * The parts of the input `name` that `reader` reads, each a log to scan or a refusal. `pipe`: the input is a pipe
 * (peeked), `inArchive`: a file of an archive, whose name a shell command cannot take.
 */
export async function* inputParts(
  name: string,
  reader: ByteReader,
  options: { pipe: boolean; inArchive?: boolean; depth?: number },
): AsyncGenerator<InputPart> {
  const { pipe, inArchive = false, depth = 0 } = options;
  const { head, reader: whole } = await peeked(reader, pipe);
  const format = inputFormatOf(head);
  if (format.kind === 'text') {
    yield { name, reader: whole };
  } else if (format.kind === 'refused') {
    const extract = `is ${format.what}: extract it from the archive, and give scan its text`;
    yield { name, refused: inArchive ? extract : refusal(name, format) };
  } else if (depth >= MAX_DEPTH) {
    yield { name, refused: `holds archives or compressed streams nested more than ${MAX_DEPTH} deep` };
  } else if (format.kind === 'gzip') {
    const content = gunzipped(whole);
    try {
      yield* inputParts(name, content, { pipe, inArchive, depth: depth + 1 });
    } finally {
      await content.close();
    }
  } else {
    for await (const member of tarMembers(whole)) {
      yield* inputParts(`${name}:${memberPath(member.name)}`, member.reader, {
        pipe: false,
        inArchive: true,
        depth: depth + 1,
      });
    }
  }
}
