/**
 * `eks-oom-alerts replay`: recorded CloudWatch subscription batches through parse → enrich → publish in one
 * process, to test alerts end to end. With `--dry-run` nothing is sent; what would be sent is printed as JSON
 * Lines. Without it, the enriched events go to the EventBridge bus, where the deployed notify function picks
 * them up.
 */
import { basename, extname } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Publish } from '../../adapters/enrich/enrich-events.ts';
import { eventBridgePublish, inMemoryEnrichStage } from '../../adapters/enrich/enrich-stage.ts';
import type { PodResolver } from '../../adapters/kubernetes/pod-resolver.ts';
import { DEFAULT_WINDOW_MINUTES } from '../../shared/storm-window.ts';
import type { ByteReader, CliIo, Command, ParsedArgs } from '../command.ts';
import { EXIT, connectKubeconfig, readCommandLine, runParsed, writeText } from '../command.ts';
import { kernelLogGroupOf } from '../stack-log-groups.ts';
import { dryRunPublish } from './dry-run-publish.ts';
import { readReplayInput, type StreamBatch } from './replay-input.ts';
import { replayBatches } from './replay-pipeline.ts';
import { timingsReport } from './replay-timings.ts';

const REPLAY_USAGE = `Usage: eks-oom-alerts replay [options] FILE...

Feeds recorded CloudWatch Logs deliveries through parse, enrich and deliver in one process. A FILE holds
subscription payloads (the Lambda event with awslogs.data, or the decoded DATA_MESSAGE), PutLogEvents
bodies, or Fluent Bit records (one JSON record a line, as the kmsg input gives them), one JSON document or
one per line.

Options:
  --dry-run          send nothing: print one JSON line per would-be delivery, the EventBridge entry
                     ({"target":"eventbridge",...}) and the SNS message ({"target":"sns",...}), storm
                     digests included
  --cluster NAME     cluster name the events carry (default: the kubeconfig's cluster)
  --node NAME        node of the Fluent Bit records, which do not carry one (default: the FILE's name)
  --kubeconfig PATH  name pods from a live cluster; without it, enrichment is marked unavailable
  --context NAME     kubeconfig context (default: its current context)
  --bus NAME         EventBridge bus to publish to (needed without --dry-run, refused with it; AWS
                     credentials and region from the environment)
  --window MINUTES   storm grouping window of the dry run (default ${DEFAULT_WINDOW_MINUTES})
  --timings          print to stderr, for each kill, at most how long after its kernel line the deployed
                     pipeline makes its SNS publish: the steps as this run measured them, plus the
                     stack's waits (Fluent Bit's flush, the SQS batch window, the wait for the kubelet)
  -h, --help         show this help

The same kill given twice (in one file or across files) is delivered once.
Exit status: 0 when every file was read and every kill delivered, 1 otherwise, 2 for a wrong command line.
`;

/** How long enrichment may spend on the cluster's API in one run. */
const ENRICH_BUDGET_MS = 120_000;

interface ReplayOptions {
  dryRun: boolean;
  cluster: string | null;
  node: string | null;
  kubeconfig: string | null;
  context: string | null;
  bus: string | null;
  windowMinutes: number;
  timings: boolean;
  files: string[];
}

type ParsedReplayArgs = ParsedArgs<ReplayOptions>;

function parseReplayArgs(args: readonly string[]): ParsedReplayArgs {
  const line = readCommandLine(
    args,
    {
      'dry-run': { type: 'boolean', default: false },
      cluster: { type: 'string' },
      node: { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      bus: { type: 'string' },
      window: { type: 'string' },
      timings: { type: 'boolean', default: false },
    },
    true,
  );
  if (line.kind !== 'run') return line;
  const { values, positionals } = line.options;
  if (positionals.length === 0) return { kind: 'wrong', problem: 'no FILE given' };
  const windowMinutes = values.window === undefined ? DEFAULT_WINDOW_MINUTES : Number(values.window);
  if (!Number.isInteger(windowMinutes) || windowMinutes < 1) {
    return { kind: 'wrong', problem: `--window must be a whole number of minutes, not "${values.window}"` };
  }
  if (values['dry-run'] && values.bus !== undefined) {
    return { kind: 'wrong', problem: '--dry-run sends nothing and --bus NAME publishes: give one of them' };
  }
  if (!values['dry-run'] && values.bus === undefined) {
    return { kind: 'wrong', problem: '--bus NAME is needed to publish; or use --dry-run to send nothing' };
  }
  if (values.context !== undefined && values.kubeconfig === undefined) {
    return { kind: 'wrong', problem: '--context needs --kubeconfig' };
  }
  return {
    kind: 'run',
    options: {
      dryRun: values['dry-run'],
      cluster: values.cluster ?? null,
      node: values.node ?? null,
      kubeconfig: values.kubeconfig ?? null,
      context: values.context ?? null,
      bus: values.bus ?? null,
      windowMinutes,
      timings: values.timings,
      files: positionals,
    },
  };
}

async function readAll(reader: ByteReader): Promise<string> {
  const chunks: Uint8Array[] = [];
  for (let chunk = await reader.read(); chunk.length > 0; chunk = await reader.read()) chunks.push(chunk);
  await reader.close();
  return Buffer.concat(chunks).toString('utf8');
}

/** Without a cluster to ask, every kill goes on with what the kernel gave, marked so. */
const NO_CLUSTER: PodResolver = {
  resolve: async () => ({
    kubernetes: null,
    impact: 'unknown',
    enrichment: { status: 'unavailable', detail: 'replay was run without --kubeconfig' },
  }),
};

async function readBatches(
  options: ReplayOptions,
  cluster: string,
  io: CliIo,
): Promise<{ batches: StreamBatch[]; unread: number }> {
  const batches: StreamBatch[] = [];
  let unread = 0;
  for (const file of options.files) {
    const opened = await io.fs.open(file);
    const records = {
      logGroup: kernelLogGroupOf(cluster),
      node: options.node ?? basename(file, extname(file)),
    };
    const input = opened.ok
      ? readReplayInput(await readAll(opened.reader), file, records)
      : { ok: false as const, problem: opened.problem };
    if (!input.ok) {
      unread += 1;
      await writeText(io.stderr, `replay: cannot read ${file}: ${input.problem}\n`);
      continue;
    }
    batches.push(...input.batches);
  }
  return { batches, unread };
}

async function run(options: ReplayOptions, io: CliIo): Promise<number> {
  let resolver = NO_CLUSTER;
  let cluster = options.cluster ?? 'unknown';
  if (options.kubeconfig !== null) {
    const connected = await connectKubeconfig('replay', options.kubeconfig, options.context, io);
    if (connected === null) return EXIT.failure;
    resolver = connected.resolver;
    cluster = options.cluster ?? connected.cluster;
  }

  const { batches, unread } = await readBatches(options, cluster, io);
  const lines: string[] = [];
  const dryRun = options.dryRun
    ? dryRunPublish((line) => lines.push(line), options.windowMinutes, io.now)
    : null;
  // Building a client does no I/O; a dry run never sends with it.
  const eventBridge = new EventBridgeClient({});
  const publish: Publish =
    dryRun?.publish ??
    eventBridgePublish(eventBridge, options.bus ?? '', {
      // Backoff between PutEvents retries waits on the CLI's clock, so Ctrl-C ends it.
      now: io.now,
      sleep: (ms) => io.sleep(ms, io.signal),
      random: Math.random,
    });
  const result = await replayBatches(batches, {
    stage: inMemoryEnrichStage(cluster, resolver, io.now),
    publish,
    enrichBudgetMs: ENRICH_BUDGET_MS,
    ...(options.timings ? { clock: io.now } : {}),
  });
  await dryRun?.flushDigests();
  eventBridge.destroy();
  for (const line of lines) await writeText(io.stdout, `${line}\n`);

  const count = (status: string) => result.outcomes.filter((o) => o.status === status).length;
  for (const outcome of result.outcomes) {
    if (outcome.status === 'failed')
      await writeText(io.stderr, `replay: ${outcome.eventId} not delivered: ${outcome.reason}\n`);
  }
  for (const stream of result.skippedStreams) {
    await writeText(io.stderr, `replay: skipped stream ${stream}: it never carries kernel lines\n`);
  }
  if (result.timings !== undefined) {
    const published = result.outcomes.flatMap((o) => (o.status === 'published' ? [o.event] : []));
    for (const line of timingsReport(published, result.timings))
      await writeText(io.stderr, `replay: ${line}\n`);
  }
  await writeText(
    io.stderr,
    `replay: ${result.events.length} kills parsed, ${count('published')} ${options.dryRun ? 'would be delivered' : 'delivered'}, ` +
      `${count('duplicate')} duplicates, ${count('failed')} failed; ${result.drift} unrecognised OOM lines\n`,
  );
  return unread > 0 || count('failed') > 0 ? EXIT.failure : EXIT.ok;
}

export const replayCommand: Command = {
  name: 'replay',
  summary: 'feed recorded CloudWatch deliveries through parse, enrich and deliver (--dry-run prints them)',
  run: (args, io) =>
    runParsed('replay', REPLAY_USAGE, parseReplayArgs(args), io, (options) => run(options, io)),
};
