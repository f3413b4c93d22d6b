/**
 * `eks-oom-alerts <command> …`: the table of subcommands, each in its own module. Pure: the bin hands in
 * argv and the I/O, and turns the returned number into the exit code.
 */
import packageJson from '../package.json' with { type: 'json' };
import type { CliIo, Command } from './command.ts';
import { EXIT, writeText } from './command.ts';
import { errorMessage } from '../shared/error-text.ts';

/**
 * A command whose module is imported only when it runs: `scan` then loads no AWS or Kubernetes client, and
 * `--help` loads nothing. test/cli/main.test.ts checks that each summary here is the module's own.
 */
function lazyCommand(name: string, summary: string, load: () => Promise<Command>): Command {
  return { name, summary, run: async (args, io) => (await load()).run(args, io) };
}

export const COMMANDS: readonly Command[] = [
  lazyCommand(
    'scan',
    'print the OOM kills in kernel logs (files, stdin, or --follow /dev/kmsg)',
    async () => (await import('./scan/scan-command.ts')).scanCommand,
  ),
  lazyCommand(
    'replay',
    'feed recorded CloudWatch deliveries through parse, enrich and deliver (--dry-run prints them)',
    async () => (await import('./replay/replay-command.ts')).replayCommand,
  ),
  lazyCommand(
    'backfill',
    'find the OOM kills in a CloudWatch Logs group’s history (resumable); --deliver alerts them',
    async () => (await import('./backfill/backfill-command.ts')).backfillCommand,
  ),
  lazyCommand(
    'query',
    'run a saved Logs Insights query over the events log group (--list shows them)',
    async () => (await import('./query/query-command.ts')).queryCommand,
  ),
];

/** `help NAME` is `NAME --help`; any other command line is itself. */
function helpAsFlag(argv: readonly string[]): readonly string[] {
  const [first, name, ...more] = argv;
  return first === 'help' && name !== undefined && more.length === 0 ? [name, '--help'] : argv;
}

/**
 * What in `argv` loads the Kubernetes client, whose HTTP library (undici 7) needs Node.js 22 as it loads: `replay`
 * (its enrich stage), `backfill --deliver`; null for the rest, which Node.js 20.12 runs. (`scan --kubeconfig` loads
 * it only once it connects, and says so itself.)
 */
export function needsNode22(argv: readonly string[]): string | null {
  const [name, ...rest] = helpAsFlag(argv);
  if (name === 'replay') return 'replay';
  if (name === 'backfill' && rest.includes('--deliver')) return 'backfill --deliver';
  return null;
}

/**
 * Whether V8 is told to favour memory over speed (`--optimize-for-size`, which the bin sets before the command runs):
 * for `scan`, which reads logs of any size and shape, and whose peak V8's young generation otherwise takes past 100 MiB
 * on some (docs/benchmarks.md); not when Node was started with `--no-optimize-for-size`, which keeps V8's default.
 */
export function favoursMemory(argv: readonly string[], nodeFlags: readonly string[] = []): boolean {
  return argv[0] === 'scan' && !nodeFlags.includes('--no-optimize-for-size');
}

/**
 * What the bin says when stdout cannot be written (a full disk, an I/O error, a quota): the command and the reason, in
 * one line (`scan: cannot write output: no space left on device`). Node's message for a failed write is
 * `ENOSPC: no space left on device, write`: the middle is the reason.
 */
export function outputFailure(argv: readonly string[], error: unknown): string {
  const [name] = argv;
  const command = COMMANDS.some((c) => c.name === name) ? (name as string) : 'eks-oom-alerts';
  const message = errorMessage(error);
  const reason = /^[A-Z][A-Z0-9]*: (.+), [a-z]+$/.exec(message)?.[1] ?? message;
  return `${command}: cannot write output: ${reason}\n`;
}

function topLevelUsage(commands: readonly Command[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: eks-oom-alerts <command> [options]

Every kernel OOM kill on an EKS node, named by pod, namespace, container and workload.

Commands:
${lines.join('\n')}

Run "eks-oom-alerts <command> --help" (or "eks-oom-alerts help <command>") for a command's options;
"eks-oom-alerts --version" for the version.
`;
}

export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: readonly Command[] = COMMANDS,
): Promise<number> {
  const [name, ...rest] = helpAsFlag(argv);
  if (name === 'help' && rest.length > 1) {
    await writeText(io.stderr, `eks-oom-alerts: help takes one command name\n\n${topLevelUsage(commands)}`);
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    await writeText(io.stdout, topLevelUsage(commands));
    return EXIT.ok;
  }
  if (name === '--version') {
    await writeText(io.stdout, `eks-oom-alerts ${packageJson.version}\n`);
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    const problem = name === undefined ? 'no command given' : `unknown command: ${name}`;
    await writeText(io.stderr, `eks-oom-alerts: ${problem}\n\n${topLevelUsage(commands)}`);
    return EXIT.usage;
  }
  return command.run(rest, io);
}
