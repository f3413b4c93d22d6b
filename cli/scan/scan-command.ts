/**
 * `eks-oom-alerts scan`: kernel logs in, one line per OOM kill out. Files are streamed (never held whole in
 * memory), stdin may stay open (`dmesg -w | eks-oom-alerts scan`), and `--follow` reads a growing log or
 * the kmsg device until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import type { PodResolver } from '../../adapters/kubernetes/pod-resolver.ts';
import type { CliIo, Command, ParsedArgs } from '../command.ts';
import {
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  connectKubeconfig,
  runParsed,
  usageProblem,
  writeText,
} from '../command.ts';
import { localBootTimeMs } from './boot-time.ts';
import type { ScanCounts, ScanOutput } from './kernel-log-scanner.ts';
import { KernelLogScanner } from './kernel-log-scanner.ts';
import type { TableKill } from '../kill-table.ts';
import { followInput, readFileToEnd, readPipe } from './read-input.ts';
import { KillPrinter } from '../kill-printer.ts';
import { scanSummary } from './scan-summary.ts';
import { errorMessage } from '../../shared/error-text.ts';

export const SCAN_USAGE = `Usage: eks-oom-alerts scan [options] [FILE...|-]

Reads kernel logs and prints one row per OOM kill. Any of: dmesg (also -T, -x, caller ids), journalctl and
syslog, raw /dev/kmsg records, Fluent Bit JSON records, plain text. With no FILE (or -), reads stdin.

Options:
  --json             print JSON Lines of OomEvent (schema version 1) on stdout, nothing else
  --follow PATH      follow a growing kernel log or /dev/kmsg, printing kills as they happen; Ctrl-C ends
  --node NAME        node name for logs that do not carry one (dmesg, kmsg)
  --kubeconfig PATH  name the pod, namespace, container and workload from a live cluster
  --context NAME     kubeconfig context (default: its current context)
  -h, --help         show this help

Columns: TIME (wall clock, else [seconds since boot], else the stamp as printed), NODE, POD (its uid; host
when the victim's cgroup is not a pod's; ? when the kernel text does not say), CONTAINER (short id),
PROCESS (name and host pid), RSS / LIMIT (the victim's anon-rss and its cgroup's memory limit), LIMIT (the
limit that was hit: container, pod, qos, kubepods, node for a system OOM, other).
stderr gets a summary and every line that looks like OOM text but no recognizer read (possible format drift).
Exit status: 0 when any input was read, 1 when none could be, 2 for a wrong command line.
`;

/** How long one kill may wait on the cluster's API before it is printed with what the kernel gave. */
const ENRICH_TIMEOUT_MS = 20_000;

interface ScanOptions {
  json: boolean;
  follow: string | null;
  node: string | null;
  kubeconfig: string | null;
  context: string | null;
  files: string[];
}

type ParsedScanArgs = ParsedArgs<ScanOptions>;

export function parseScanArgs(args: readonly string[]): ParsedScanArgs {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        follow: { type: 'string' },
        node: { type: 'string' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { kind: 'wrong', problem: usageProblem(error) };
  }
  if (values.help === true) return { kind: 'help' };
  if (values.follow !== undefined && positionals.length > 0) {
    return { kind: 'wrong', problem: '--follow reads one input: give no FILE with it' };
  }
  if (values.context !== undefined && values.kubeconfig === undefined) {
    return { kind: 'wrong', problem: '--context needs --kubeconfig' };
  }
  return {
    kind: 'run',
    options: {
      json: values.json === true,
      follow: values.follow ?? null,
      node: values.node ?? null,
      kubeconfig: values.kubeconfig ?? null,
      context: values.context ?? null,
      files: positionals,
    },
  };
}

/** Adds the cluster's view of each kill; a kill is never held back or dropped for want of it. */
function enrichWith(
  cluster: { resolver: PodResolver; name: string },
  io: CliIo,
): (kills: readonly TableKill[]) => Promise<TableKill[]> {
  return (kills) =>
    Promise.all(
      kills.map(async (kill) => {
        const enrichment = await cluster.resolver.resolve(kill.event, io.now() + ENRICH_TIMEOUT_MS);
        return { ...kill, event: { ...kill.event, cluster: cluster.name, ...enrichment } };
      }),
    );
}

function addCounts(total: ScanCounts, counts: ScanCounts): void {
  total.lines += counts.lines;
  total.records += counts.records;
  total.kills += counts.kills;
  total.incomplete += counts.incomplete;
  total.drift += counts.drift;
}

type InputKind = 'file' | 'stdin' | 'follow';

async function runScan(options: ScanOptions, io: CliIo): Promise<number> {
  const inputs: Array<{ name: string; kind: InputKind }> =
    options.follow !== null
      ? [{ name: options.follow, kind: 'follow' }]
      : options.files.map((name) => ({ name, kind: name === '-' ? 'stdin' : 'file' }));
  if (inputs.length === 0) {
    if (io.stdin.isTTY) {
      await writeText(
        io.stderr,
        `scan: no input: give a FILE, pipe a log to stdin, or --follow /dev/kmsg\n\n${SCAN_USAGE}`,
      );
      return EXIT_USAGE;
    }
    inputs.push({ name: '-', kind: 'stdin' });
  }

  let enrich: ((kills: readonly TableKill[]) => Promise<TableKill[]>) | null = null;
  if (options.kubeconfig !== null) {
    const connected = await connectKubeconfig('scan', options.kubeconfig, options.context, io);
    if (connected === null) return EXIT_FAILURE;
    enrich = enrichWith({ resolver: connected.resolver, name: connected.cluster }, io);
  }

  const printer = new KillPrinter(io, {
    json: options.json,
    streamRows: options.follow !== null,
    enriched: enrich !== null,
  });
  await printer.start();
  const total: ScanCounts = { lines: 0, records: 0, kills: 0, incomplete: 0, drift: 0 };
  let inputsRead = 0;
  for (const input of inputs) {
    if (io.signal.aborted) break;
    const shown = input.kind === 'stdin' ? 'stdin' : input.name;
    const sink = async (output: ScanOutput): Promise<void> => {
      await printer.drift(shown, output.drift);
      await printer.kills(enrich === null ? output.kills : await enrich(output.kills));
    };
    if (input.kind === 'stdin') {
      const scanner = new KernelLogScanner({ node: options.node, source: { file: '-' } });
      await readPipe(io.stdin.reader, scanner, sink, io);
      addCounts(total, scanner.counts);
      inputsRead++;
      continue;
    }
    const opened = await io.fs.open(input.name);
    if (!opened.ok) {
      await writeText(io.stderr, `scan: cannot read ${input.name}: ${opened.problem}\n`);
      continue;
    }
    const bootTimeMs =
      input.kind === 'follow' && opened.device ? await localBootTimeMs(io.fs, io.now()) : null;
    const scanner = new KernelLogScanner({ node: options.node, source: { file: input.name }, bootTimeMs });
    try {
      if (input.kind === 'follow') await followInput(opened.reader, scanner, sink, io);
      else await readFileToEnd(opened.reader, scanner, sink, io.signal);
    } catch (error) {
      // A read that fails part way (an I/O error, a file truncated under us): what was read still counts.
      await writeText(io.stderr, `scan: error reading ${input.name}: ${errorMessage(error)}\n`);
      await sink(scanner.end());
    } finally {
      await opened.reader.close();
    }
    addCounts(total, scanner.counts);
    inputsRead++;
  }
  await printer.finish();
  await writeText(io.stderr, scanSummary(inputsRead, total));
  return inputsRead > 0 ? EXIT_OK : EXIT_FAILURE;
}

export const scanCommand: Command = {
  name: 'scan',
  summary: 'print the OOM kills in kernel logs (files, stdin, or --follow /dev/kmsg)',
  run: (args, io) =>
    runParsed('scan', SCAN_USAGE, parseScanArgs(args), io, (options) => runScan(options, io)),
};
