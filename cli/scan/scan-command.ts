/**
 * `eks-oom-alerts scan`: kernel logs in, one line per OOM kill out. Files are streamed (never held whole in
 * memory), stdin may stay open (`dmesg -w | eks-oom-alerts scan`), and `--follow` reads a growing log or
 * the kmsg device until Ctrl-C.
 */
import { resolve } from 'node:path';
import type { PodResolver } from '../../adapters/kubernetes/pod-resolver.ts';
import type { CliIo, Command, ParsedArgs } from '../command.ts';
import { EXIT, connectKubeconfig, readCommandLine, runParsed, writeText } from '../command.ts';
import { KillPrinter } from '../kill-printer.ts';
import { ClusterReach } from './cluster-reach.ts';
import type { Enrich, ScanInput } from './scan-run.ts';
import { ScanRun } from './scan-run.ts';
import { scanSummary } from './scan-summary.ts';

const SCAN_USAGE = `Usage: eks-oom-alerts scan [options] [FILE...|-]

Reads kernel logs and prints one row per OOM kill. Any of: dmesg (also -T, -x, caller ids), journalctl and
syslog, raw /dev/kmsg records, Fluent Bit JSON records, plain text; gzip-compressed (a rotated log), and tar
archives, each file scanned (eks-log-collector.sh's bundle). With no FILE (or -), reads stdin.

Options:
  --json             print JSON Lines of OomEvent (schema version 1) on stdout, nothing else
  --follow PATH      follow a growing kernel log or /dev/kmsg, printing kills as they happen; Ctrl-C ends. A log
                     rotated (renamed, a new one in its place) or truncated is followed on, as tail -F does
  --node NAME        node name for logs that do not carry one (dmesg, kmsg); --kubeconfig needs it then
  --kubeconfig PATH  name the pod, namespace, container and workload from a live cluster
  --context NAME     kubeconfig context (default: its current context)
  -h, --help         show this help

Columns:
  TIME           UTC ISO-8601 when the wall clock is known, else +seconds since boot. Seconds since boot are
                 put on the wall clock for kills of this host's current boot: read from its kmsg device, or
                 whose kill line its ring buffer (/dev/kmsg) still holds (dmesg on the node)
  NODE           the node, when the log or --node names it; with --follow (fixed columns) an EC2 name by its
                 first label, as the alerts give it (ip-10-0-1-23), --json has it whole
  NAMESPACE/POD  with --kubeconfig; else the pod's uid (host: not a pod's cgroup; ?: the kernel did not say)
  CONTAINER      with --kubeconfig its name; else the short container id
  PROCESS        name and host pid
  USAGE/LIMIT    the process's RSS (anon + file + shmem, as the e-mail gives it) against its cgroup's memory
                 limit, in Ki/Mi/Gi
  LIMIT HIT      container, pod, qos, kubepods, node (a system OOM) or other
  IMPACT         with --kubeconfig: container-restarted, process-killed-container-running, pod-deleted,
                 host-process or unknown (with why the pod was not named)
stderr gets a summary and every line that looks like OOM text but no recognizer read (possible format drift);
with --kubeconfig, once, that the API is not answering while a lookup retries (up to 20 s a kill), and at the
end why pods shown as unknown (unavailable) were not named.
Memory: scan has V8 favour memory over speed (--optimize-for-size): its peak stayed under 100 MiB on every log
measured. Node started with --no-optimize-for-size keeps V8's default, faster: in a clone, after npm run build,
node --no-optimize-for-size dist/eks-oom-alerts.mjs scan …; an installed bin:
node --no-optimize-for-size "$(command -v eks-oom-alerts)" scan …
Exit status: 0 when every input was read whole, 1 when any could not be (or failed part way), 2 for a wrong
command line (also: --kubeconfig on a log that names no node, without --node).
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

function parseScanArgs(args: readonly string[]): ParsedScanArgs {
  const line = readCommandLine(
    args,
    {
      json: { type: 'boolean' },
      follow: { type: 'string' },
      node: { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
    },
    true,
  );
  if (line.kind !== 'run') return line;
  const { values, positionals } = line.options;
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

/**
 * The inputs named, each once, in the order first named, and the names given again: overlapping globs (`scan *.log
 * k*.log`) name a file twice, and `./k.log` is `k.log`. Read twice, each of its kills was printed twice.
 */
function distinctInputs(names: readonly string[]): { inputs: ScanInput[]; repeated: string[] } {
  const firstNamed = new Map<string, string>();
  const repeated = new Set<string>();
  for (const name of names) {
    // The path from the working directory: `k.log`, `./k.log` and `/home/me/k.log` are one file (a symlink's
    // two names are not told).
    const key = name === '-' ? name : resolve(name);
    const first = firstNamed.get(key);
    if (first === undefined) firstNamed.set(key, name);
    else repeated.add(first);
  }
  const inputs = [...firstNamed.values()].map((name): ScanInput => ({
    name,
    kind: name === '-' ? 'stdin' : 'file',
  }));
  return { inputs, repeated: [...repeated] };
}

/** Adds the cluster's view of each kill; a kill is never held back or dropped for want of it. */
function enrichWith(
  cluster: { resolver: PodResolver; name: string },
  reach: ClusterReach,
  io: CliIo,
): Enrich {
  return (kills) =>
    Promise.all(
      kills.map(async (kill) => {
        const enrichment = await cluster.resolver.resolve(kill, io.now() + ENRICH_TIMEOUT_MS);
        reach.enriched(enrichment);
        return { ...kill, cluster: cluster.name, ...enrichment };
      }),
    );
}

/** The kill lookup is by node: a kmsg device never names one, and neither do many files. */
function nodeNeeded(input: string): string {
  return `scan: ${input} names no node, and --kubeconfig looks pods up on their node: give --node NAME\n\n${SCAN_USAGE}`;
}

async function runScan(options: ScanOptions, io: CliIo): Promise<number> {
  const { inputs, repeated }: ReturnType<typeof distinctInputs> =
    options.follow !== null
      ? { inputs: [{ name: options.follow, kind: 'follow' }], repeated: [] }
      : distinctInputs(options.files);
  for (const name of repeated)
    await writeText(io.stderr, `scan: ${name} is named more than once: read once\n`);
  if (inputs.length === 0) {
    if (io.stdin.isTTY) {
      await writeText(
        io.stderr,
        `scan: no input: give a FILE, pipe a log to stdin, or --follow /dev/kmsg\n\n${SCAN_USAGE}`,
      );
      return EXIT.usage;
    }
    inputs.push({ name: '-', kind: 'stdin' });
  }

  let enrich: Enrich | null = null;
  let reach: ClusterReach | null = null;
  if (options.kubeconfig !== null) {
    // The lookup's failed attempts come only once kills are looked up, after `reach` is set.
    const connected = await connectKubeconfig('scan', options.kubeconfig, options.context, io, (failure) =>
      reach?.attemptFailed(failure),
    );
    if (connected === null) return EXIT.failure;
    reach = new ClusterReach(connected.server, io.stderr, ENRICH_TIMEOUT_MS);
    enrich = enrichWith({ resolver: connected.resolver, name: connected.cluster }, reach, io);
  }

  const printer = new KillPrinter(io, {
    json: options.json,
    streamRows: options.follow !== null,
    enriched: enrich !== null,
  });
  await printer.start();
  const run = new ScanRun(io, printer, { node: options.node, enrich });
  await run.readAll(inputs);
  if (run.nodeMissingIn !== null) {
    await writeText(io.stderr, nodeNeeded(run.nodeMissingIn));
    return EXIT.usage;
  }
  await printer.finish();
  if (reach !== null) await writeText(io.stderr, reach.summary());
  await writeText(io.stderr, scanSummary(run.inputsRead, run.total, run.repeated, run.printedAgain));
  return run.unread > 0 || run.inputsRead === 0 ? EXIT.failure : EXIT.ok;
}

export const scanCommand: Command = {
  name: 'scan',
  summary: 'print the OOM kills in kernel logs (files, stdin, or --follow /dev/kmsg)',
  run: (args, io) =>
    runParsed('scan', SCAN_USAGE, parseScanArgs(args), io, (options) => runScan(options, io)),
};
