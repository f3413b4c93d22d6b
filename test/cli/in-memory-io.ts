/**
 * CliIo for tests: files and devices in memory, stdout and stderr collected, no real time. Files are handed
 * out in small chunks so that the streaming path (lines and UTF-8 characters cut across reads) is exercised.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiFailure } from '../../adapters/kubernetes/api-retry.ts';
import type { KubeconfigResolver, KubeconfigTarget } from '../../adapters/kubernetes/kube-client.ts';
import type { ByteReader, CliIo, OpenResult, TextOutput } from '../../cli/command.ts';

/** A device read by `--follow`: each string is what one read returns; null is a read that finds nothing new. */
export interface ScriptedDevice {
  reads: Array<string | null>;
  /** Called once the script is used up (typically: press Ctrl-C). */
  whenDone: () => void;
}

export type MemoryEntry = string | Uint8Array | 'directory' | ScriptedDevice;

export interface CollectedOutput extends TextOutput {
  text: string;
}

export function collectedOutput(onWrite: (text: string) => void = () => {}): CollectedOutput {
  const output = {
    text: '',
    write(chunk: string) {
      output.text += chunk;
      onWrite(output.text);
      return true;
    },
    once() {
      return output;
    },
  };
  return output;
}

/** Chunks given back to the files' readers (recycle), over every memoryIo. */
export const recycledChunks = { count: 0 };

/**
 * A file's bytes in chunks of `chunkBytes`, each a copy. A chunk given back (recycle) is overwritten with NULs, as a
 * reader that reads into its memory again would overwrite it: whoever used it after that would read them.
 */
function chunkReader(bytes: Uint8Array, chunkBytes: number): ByteReader {
  let at = 0;
  return {
    read() {
      const chunk = bytes.slice(at, at + chunkBytes);
      at += chunk.length;
      return Promise.resolve(chunk);
    },
    recycle(chunk) {
      chunk.fill(0);
      recycledChunks.count++;
    },
    close: () => Promise.resolve(),
  };
}

function deviceReader(device: ScriptedDevice): ByteReader {
  const reads = [...device.reads];
  let done = false;
  return {
    read() {
      const next = reads.shift();
      if (next === undefined && !done) {
        done = true;
        device.whenDone();
      }
      return Promise.resolve(typeof next === 'string' ? new TextEncoder().encode(next) : new Uint8Array(0));
    },
    close: () => Promise.resolve(),
  };
}

/** Every kernel log of the repo's examples/, keyed as a command line names them (`examples/kernel-6.18.dmesg.log`). */
export function exampleFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync('examples')) {
    if (name.endsWith('.log') || name.endsWith('.jsonl')) {
      files[`examples/${name}`] = readFileSync(join('examples', name), 'utf8');
    }
  }
  return files;
}

export interface MemoryIoOptions {
  files?: Record<string, MemoryEntry>;
  /** Piped stdin content; absent means stdin is a terminal. */
  stdin?: string | ByteReader;
  /** Why stdin cannot be read (`is a directory`: `scan < .`). */
  stdinUnreadable?: string;
  chunkBytes?: number;
  now?: number;
  /** Resolves a `sleep`; the default waits only for the abort signal (time never passes). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  connectCluster?: (
    target: KubeconfigTarget,
    onFailedAttempt?: (failure: ApiFailure) => void,
  ) => Promise<KubeconfigResolver>;
  /** Sees stdout after each write. */
  onStdout?: (text: string) => void;
}

export interface MemoryIo {
  io: CliIo;
  stdout: CollectedOutput;
  stderr: CollectedOutput;
  interrupt: AbortController;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

export function memoryIo(options: MemoryIoOptions = {}): MemoryIo {
  const files = options.files ?? {};
  const chunkBytes = options.chunkBytes ?? 997;
  const interrupt = new AbortController();
  const stdout = collectedOutput(options.onStdout);
  const stderr = collectedOutput();
  const stdin = options.stdin;
  const io: CliIo = {
    stdin: {
      reader:
        stdin === undefined
          ? chunkReader(new Uint8Array(0), 1)
          : typeof stdin === 'string'
            ? chunkReader(new TextEncoder().encode(stdin), chunkBytes)
            : stdin,
      isTTY: stdin === undefined,
      ...(options.stdinUnreadable === undefined ? {} : { unreadable: options.stdinUnreadable }),
    },
    stdout,
    stderr,
    fs: {
      open(path): Promise<OpenResult> {
        const entry = files[path];
        if (entry === undefined) return Promise.resolve({ ok: false, problem: 'no such file' });
        if (entry === 'directory') return Promise.resolve({ ok: false, problem: 'is a directory' });
        if (typeof entry === 'string' || entry instanceof Uint8Array) {
          const bytes = typeof entry === 'string' ? new TextEncoder().encode(entry) : entry;
          return Promise.resolve({ ok: true, reader: chunkReader(bytes, chunkBytes), device: false });
        }
        return Promise.resolve({ ok: true, reader: deviceReader(entry), device: true });
      },
      readSmallText(path) {
        const entry = files[path];
        return Promise.resolve(typeof entry === 'string' ? entry : null);
      },
    },
    now: () => options.now ?? Date.parse('2026-11-23T12:00:00.000Z'),
    sleep: options.sleep ?? ((_ms, signal) => untilAborted(signal)),
    signal: interrupt.signal,
    connectCluster:
      options.connectCluster ?? (() => Promise.resolve({ ok: false, reason: 'no cluster in this test' })),
  };
  return { io, stdout, stderr, interrupt };
}
