/**
 * `eks-oom-alerts <command> …`: the table of subcommands, each in its own module. Pure: the bin hands in
 * argv and the I/O, and turns the returned number into the exit code.
 */
import type { CliIo, Command } from './command.ts';
import { EXIT_OK, EXIT_USAGE, writeText } from './command.ts';
import { scanCommand } from './scan/scan-command.ts';

export const COMMANDS: readonly Command[] = [scanCommand];

export function topLevelUsage(commands: readonly Command[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: eks-oom-alerts <command> [options]

Every kernel OOM kill on an EKS node, named by pod, namespace, container and workload.

Commands:
${lines.join('\n')}

Run "eks-oom-alerts <command> --help" for a command's options.
`;
}

export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: readonly Command[] = COMMANDS,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    await writeText(io.stdout, topLevelUsage(commands));
    return EXIT_OK;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    const problem = name === undefined ? 'no command given' : `unknown command: ${name}`;
    await writeText(io.stderr, `eks-oom-alerts: ${problem}\n\n${topLevelUsage(commands)}`);
    return EXIT_USAGE;
  }
  return command.run(rest, io);
}
