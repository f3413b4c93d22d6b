import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import type { ApiFailure } from '../adapters/kubernetes/api-retry.ts';
import type { KubeconfigResolver, KubeconfigTarget } from '../adapters/kubernetes/kube-client.ts';
import { errorMessage } from '../shared/error-text.ts';

/**
 * What every subcommand of `eks-oom-alerts` is given and returns. The core never touches `process`: the bin
 * hands it argv, the streams, a filesystem and a clock, and turns the returned number into the exit code.
 */

/** Exit codes shared by every subcommand. */
export const EXIT = {
  ok: 0,
  /** Nothing could be done at all (no input could be read, the cluster could not be reached). */
  failure: 1,
  /** The command line was wrong: unknown flag, missing value, unknown subcommand. */
  usage: 2,
  /** Ctrl-C: the conventional 128 + SIGINT, so scripts can tell an unfinished run from a finished one. */
  interrupted: 130,
} as const;

/** A writable text stream; `process.stdout` and any `node:stream` Writable fit. */
export interface TextOutput {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/**
 * What became of a followed file, as `tail -F` tells it: renamed with another file made at its path (logrotate's create
 * mode), or cut shorter than what was read of it (copytruncate).
 */
export type FileSwitch = 'rotated' | 'truncated';

/** A source of bytes read piece by piece: a file, a growing file, a kmsg device or stdin. */
export interface ByteReader {
  /**
   * The bytes available now. An empty array means nothing more is available yet: the end of a file or of
   * stdin, or (for a device or a file being followed) no new data so far.
   */
  read(): Promise<Uint8Array>;
  /**
   * The caller is done with bytes `read` gave and holds no view of them: the reader may read into their memory again.
   * Optional, and only the caller that consumed the bytes may call it.
   */
  recycle?(bytes: Uint8Array): void;
  /**
   * Asked of a followed file once `read` found nothing new: whether its path now names another file (`rotated`: this
   * one was read to its end, and the reader reads the new one from its start) or the file is shorter than what was read
   * (`truncated`: the reader reads it again from its start); null when neither. A regular file's reader alone has it.
   */
  switched?(): Promise<FileSwitch | null>;
  close(): Promise<void>;
}

export type OpenResult = { ok: true; reader: ByteReader; device: boolean } | { ok: false; problem: string };

/** The part of the filesystem the CLI uses; tests hand an in-memory one. */
export interface CliFileSystem {
  /** Opens a file for reading; a missing file, a directory or a permission problem comes back as a value. */
  open(path: string): Promise<OpenResult>;
  /** A small text file such as `/proc/uptime`, or null when it cannot be read. */
  readSmallText(path: string): Promise<string | null>;
}

export interface CliStdin {
  reader: ByteReader;
  /** A terminal: nothing was piped in. */
  isTTY: boolean;
  /** Why stdin cannot be read, as `open` says it of a file: `is a directory` (`scan < .`, which reads as empty). */
  unreadable?: string;
}

export interface CliIo {
  stdin: CliStdin;
  stdout: TextOutput;
  stderr: TextOutput;
  fs: CliFileSystem;
  /** Wall clock in ms (to place kernel times on the wall clock when following a live kmsg device). */
  now(): number;
  /** Waits while following input; resolves early when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** Aborted on Ctrl-C: a command that follows input ends cleanly. */
  signal: AbortSignal;
  /**
   * Reaches the cluster a kubeconfig names, with the enrich function's pod lookup; `onFailedAttempt` hears each of
   * its calls to the API that failed.
   */
  connectCluster(
    target: KubeconfigTarget,
    onFailedAttempt?: (failure: ApiFailure) => void,
  ): Promise<KubeconfigResolver>;
}

export interface Command {
  name: string;
  /** One line for the top-level help. */
  summary: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Writes text, waiting when the stream asks the writer to slow down. */
export async function writeText(out: TextOutput, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', resolve));
}

/** What a command's argument parser says: run with these options, show the help, or a usage problem. */
export type ParsedArgs<T> =
  { kind: 'run'; options: T } | { kind: 'help' } | { kind: 'wrong'; problem: string };

/** The usage problem in a `node:util` parseArgs error: its first sentence (the rest explains `--`). */
function usageProblem(error: unknown): string {
  return errorMessage(error).replace(/\. To specify a positional argument.*$/s, '');
}

/** The flag every command takes. */
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

type CommandLineConfig<O extends ParseArgsOptionsConfig, P extends boolean> = {
  args: string[];
  options: O & typeof HELP_OPTION;
  allowPositionals: P;
  strict: true;
};

/** A command line as `node:util` parseArgs reads it: the values of its options, and its positionals. */
type CommandLine<O extends ParseArgsOptionsConfig, P extends boolean> = ReturnType<
  typeof parseArgs<CommandLineConfig<O, P>>
>;

/**
 * Reads a command line with `node:util` parseArgs, strictly, `-h`/`--help` added to `options`: the help when
 * asked for, the usage problem of an unknown flag or a missing value, else the line for the command to check.
 */
export function readCommandLine<const O extends ParseArgsOptionsConfig, const P extends boolean>(
  args: readonly string[],
  options: O,
  allowPositionals: P,
): ParsedArgs<CommandLine<O, P>> {
  let line: CommandLine<O, P>;
  try {
    line = parseArgs<CommandLineConfig<O, P>>({
      args: [...args],
      options: { ...options, ...HELP_OPTION },
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    return { kind: 'wrong', problem: usageProblem(error) };
  }
  return (line.values as { help?: boolean }).help === true
    ? { kind: 'help' }
    : { kind: 'run', options: line };
}

/**
 * What every command does with its parsed arguments: the help to stdout (exit 0), a usage problem with the
 * usage to stderr (exit 2), or the command itself.
 */
export async function runParsed<T>(
  command: string,
  usage: string,
  parsed: ParsedArgs<T>,
  io: CliIo,
  run: (options: T) => Promise<number>,
): Promise<number> {
  if (parsed.kind === 'help') {
    await writeText(io.stdout, usage);
    return EXIT.ok;
  }
  if (parsed.kind === 'wrong') {
    await writeText(io.stderr, `${command}: ${parsed.problem}\n\n${usage}`);
    return EXIT.usage;
  }
  return run(parsed.options);
}

/**
 * Connects to the cluster that `--kubeconfig FILE [--context NAME]` names. When it cannot, says why on stderr
 * (as `<command>: <reason>`) and returns null.
 */
export async function connectKubeconfig(
  command: string,
  kubeconfig: string,
  context: string | null,
  io: CliIo,
  onFailedAttempt?: (failure: ApiFailure) => void,
): Promise<Extract<KubeconfigResolver, { ok: true }> | null> {
  const target = context === null ? { path: kubeconfig } : { path: kubeconfig, context };
  const connected = await io.connectCluster(target, onFailedAttempt);
  if (connected.ok) return connected;
  await writeText(io.stderr, `${command}: ${connected.reason}\n`);
  return null;
}
