/**
 * The CLI's filesystem, stdin and clock on Node. Files are opened once and read in large chunks; a
 * character device (`/dev/kmsg`) is opened non-blocking, so that following it can stop on Ctrl-C, and it
 * gives one kernel record per read.
 */
import { constants, fstatSync, readSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { ByteReader, CliFileSystem, OpenResult } from './command.ts';
import { errorMessage } from '../shared/error-text.ts';

/** Large enough that a read costs little per byte; small enough that the reads in flight stay a few MiB. */
const FILE_CHUNK_BYTES = 1 << 18;
/** Chunks a file reader keeps to read into again: the one being read ahead and the one given back. */
const SPARE_CHUNKS = 2;
/** Larger than any kmsg record (the kernel refuses a read smaller than the record with EINVAL). */
const DEVICE_CHUNK_BYTES = 1 << 16;

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/** The problem as a person reads it: `no such file`, `is a directory`, `permission denied`. */
function describeFsError(error: unknown): string {
  switch (errorCode(error)) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory';
    // `k.log/`, `k.log/x`: a path that goes on through a file.
    case 'ENOTDIR':
      return 'no such file (a part of the path is a file, not a directory)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return errorMessage(error);
  }
}

/**
 * Reads where the handle stands: a pipe, or (`inPlace`) a character device. A device is opened non-blocking,
 * so its read never waits and is made in place (readSync) rather than on libuv's thread pool: kmsg gives one
 * record per read, and a boot's ring buffer holds thousands; a round trip to the pool for each cost `scan` a
 * tenth of a second before it could place its kills on this boot.
 */
function handleReader(handle: FileHandle, chunkBytes: number, inPlace: boolean): ByteReader {
  const buffer = Buffer.allocUnsafe(chunkBytes);
  return {
    async read() {
      for (;;) {
        try {
          const bytesRead = inPlace
            ? readSync(handle.fd, buffer, 0, chunkBytes, null)
            : (await handle.read(buffer, 0, chunkBytes, null)).bytesRead;
          return Uint8Array.prototype.slice.call(buffer, 0, bytesRead);
        } catch (error) {
          const code = errorCode(error);
          // kmsg: nothing new yet (non-blocking read).
          if (code === 'EAGAIN') return new Uint8Array(0);
          // kmsg: records were overwritten before they were read; the next read goes on from the oldest left.
          if (code === 'EPIPE') continue;
          throw error;
        }
      }
    },
    close: () => handle.close(),
  };
}

/**
 * A regular file, read ahead: after a full chunk the next one is read while the caller works on this one, so a
 * file read to its end does not wait for each read in turn (docs/benchmarks.md). Each read says where it
 * reads, and the next one is read ahead only after a full chunk: a file still growing (`--follow`) is read
 * again from where its data ended. A followed file that logrotate renamed or truncated is told by `path` (switched).
 */
function fileReader(opened: FileHandle, chunkBytes: number, path: string): ByteReader {
  let handle = opened;
  let position = 0;
  let ahead: Promise<Uint8Array> | null = null;
  // Chunks given back (recycle), read into again: a chunk each read would wait for the garbage collector, which a
  // scan that allocates little (a long line set aside) runs seldom, and the dead chunks' memory would pile up.
  const own = new WeakSet<ArrayBufferLike>();
  const spare: Buffer[] = [];
  const readAt = async (at: number): Promise<Uint8Array> => {
    const buffer = spare.pop() ?? Buffer.allocUnsafe(chunkBytes);
    own.add(buffer.buffer);
    const { bytesRead } = await handle.read(buffer, 0, chunkBytes, at);
    return buffer.subarray(0, bytesRead);
  };
  return {
    recycle(bytes) {
      if (!own.delete(bytes.buffer) || spare.length >= SPARE_CHUNKS) return;
      spare.push(Buffer.from(bytes.buffer, 0, chunkBytes));
    },
    async read() {
      const next = ahead ?? readAt(position);
      ahead = null;
      const bytes = await next;
      position += bytes.length;
      if (bytes.length === chunkBytes) {
        ahead = readAt(position);
        // Its failure is the next read's; until then it is not an unhandled one.
        ahead.catch(() => {});
      }
      return bytes;
    },
    async switched() {
      if (ahead !== null) return null;
      const [own, named] = await Promise.all([handle.stat(), stat(path).catch(() => null)]);
      if (own.size < position) {
        position = 0;
        return 'truncated';
      }
      // Renamed: what was written to it before the writer moved on is read first. Not there yet: `mv` and the new file.
      if (own.size > position || named === null || !named.isFile() || sameFile(own, named)) return null;
      const next = await open(path, constants.O_RDONLY).catch(() => null);
      if (next === null) return null;
      await handle.close();
      handle = next;
      position = 0;
      return 'rotated';
    },
    async close() {
      await ahead?.catch(() => {});
      await handle.close();
    },
  };
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.ino === b.ino && a.dev === b.dev;
}

export const nodeFileSystem: CliFileSystem = {
  async open(path): Promise<OpenResult> {
    try {
      const info = await stat(path);
      if (info.isDirectory()) return { ok: false, problem: 'is a directory' };
      const device = info.isCharacterDevice();
      const handle = await open(
        path,
        device ? constants.O_RDONLY | constants.O_NONBLOCK : constants.O_RDONLY,
      );
      return {
        ok: true,
        reader: device
          ? handleReader(handle, DEVICE_CHUNK_BYTES, true)
          : info.isFile()
            ? fileReader(handle, FILE_CHUNK_BYTES, path)
            : handleReader(handle, FILE_CHUNK_BYTES, false),
        device,
      };
    } catch (error) {
      return { ok: false, problem: describeFsError(error) };
    }
  },
  async readSmallText(path) {
    try {
      return await readFile(path, 'utf8');
    } catch {
      return null;
    }
  },
};

/**
 * Why the input on file descriptor `fd` (stdin) cannot be read: a directory (`scan < .`), which Node's stdin reads as
 * empty rather than failing as a read of it does. Undefined for anything else, a closed descriptor too.
 */
export function stdinProblem(fd = 0): string | undefined {
  try {
    return fstatSync(fd).isDirectory() ? 'is a directory' : undefined;
  } catch {
    return undefined;
  }
}

/** A readable stream (stdin) as a ByteReader; reading starts on the first read, so a terminal is left alone. */
export function streamReader(stream: AsyncIterable<Uint8Array | string>): ByteReader {
  let chunks: AsyncIterator<Uint8Array | string> | null = null;
  return {
    async read() {
      chunks ??= stream[Symbol.asyncIterator]();
      const next = await chunks.next();
      if (next.done === true) return new Uint8Array(0);
      return typeof next.value === 'string' ? new TextEncoder().encode(next.value) : next.value;
    },
    async close() {
      await chunks?.return?.();
    },
  };
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // Aborted: the caller checks its signal.
  }
}
