/**
 * The three ways `scan` reads an input into a KernelLogScanner: a file to its end, a pipe that may stay open
 * (`dmesg -w | eks-oom-alerts scan`), and `--follow` of a growing file or kmsg device. A pipe or a followed
 * input that goes quiet has what it sent so far assembled, so a kill is printed soon after the kernel
 * prints it. Ctrl-C (the abort signal) ends each of them cleanly: what was read is still assembled.
 */
import type { ByteReader, CliIo, FileSwitch } from '../command.ts';
import type { KernelLogScanner, ScanOutput } from './kernel-log-scanner.ts';

export type ScanSink = (output: ScanOutput) => Promise<void>;

/** How long a pipe stays quiet before what it sent is assembled. */
export const QUIET_MS = 250;
/** How often a followed input is read again once it has nothing new. */
const POLL_MS = 250;

type Waited = Uint8Array | 'quiet' | 'aborted';

function whenAborted(signal: AbortSignal, stop: AbortSignal): Promise<'aborted'> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve('aborted');
    const onAbort = (): void => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    stop.addEventListener('abort', () => signal.removeEventListener('abort', onAbort), { once: true });
  });
}

/** The next bytes, or `quiet` after `quietMs` with none (null: wait as long as it takes), or `aborted`. */
async function nextBytes(next: Promise<Uint8Array>, quietMs: number | null, io: CliIo): Promise<Waited> {
  const done = new AbortController();
  const racers: Array<Promise<Waited>> = [next, whenAborted(io.signal, done.signal)];
  if (quietMs !== null) racers.push(io.sleep(quietMs, done.signal).then(() => 'quiet' as const));
  try {
    return await Promise.race(racers);
  } finally {
    done.abort();
  }
}

export async function readFileToEnd(
  reader: ByteReader,
  scanner: KernelLogScanner,
  sink: ScanSink,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    const bytes = await reader.read();
    if (bytes.length === 0) break;
    await sink(pushed(scanner, reader, bytes));
  }
  await sink(scanner.end());
}

/** The scanner's output for the bytes; they are given back to the reader, which the scanner keeps no view of. */
function pushed(scanner: KernelLogScanner, reader: ByteReader, bytes: Uint8Array): ScanOutput {
  const output = scanner.push(bytes);
  reader.recycle?.(bytes);
  return output;
}

export async function readPipe(
  reader: ByteReader,
  scanner: KernelLogScanner,
  sink: ScanSink,
  io: CliIo,
): Promise<void> {
  let next = reader.read();
  let assembled = true;
  for (;;) {
    const waited = await nextBytes(next, assembled ? null : QUIET_MS, io);
    if (waited === 'aborted') break;
    if (waited === 'quiet') {
      await sink(scanner.pause());
      assembled = true;
      continue;
    }
    if (waited.length === 0) break;
    await sink(scanner.push(waited));
    assembled = false;
    next = reader.read();
  }
  await sink(scanner.end());
}

/**
 * Reads a growing file or a kmsg device until Ctrl-C. A file that logrotate renamed or truncated (ByteReader.switched)
 * is read on from the start of what now has its name, into the same scanner: its lines go on from the last ones read,
 * as `tail -F` shows them, and a report the switch cut in two is read whole. `switched` is told of each switch.
 */
export async function followInput(
  reader: ByteReader,
  scanner: KernelLogScanner,
  sink: ScanSink,
  io: CliIo,
  switched: (change: FileSwitch) => Promise<void>,
): Promise<void> {
  while (!io.signal.aborted) {
    let readAny = false;
    while (!io.signal.aborted) {
      const bytes = await reader.read();
      if (bytes.length === 0) break;
      await sink(pushed(scanner, reader, bytes));
      readAny = true;
    }
    const change = io.signal.aborted ? null : ((await reader.switched?.()) ?? null);
    if (change !== null) {
      await sink(scanner.nextFile());
      await switched(change);
      continue;
    }
    if (!readAny) await sink(scanner.pause());
    await io.sleep(POLL_MS, io.signal);
  }
  await sink(scanner.end());
}
