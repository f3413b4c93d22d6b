/**
 * `eks-oom-alerts backfill`: the OOM kills in a log group's history, found with FilterLogEvents and the
 * subscription's own filter pattern, printed as `scan` prints them; with `--deliver`, alerted through enrich
 * and delivery. Ctrl-C stops after the page in hand; the same command run again resumes from the checkpoint.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { KERNEL_OOM_FILTER_PATTERN } from '../../shared/subscription-pattern.ts';
import type { CliIo, Command, ParsedArgs } from '../command.ts';
import { EXIT, readCommandLine, runParsed, writeText } from '../command.ts';
import { KillPrinter } from '../kill-printer.ts';
import { isTerminal } from '../progress-line.ts';
import { eventsLogGroupOf, kernelLogGroupOf } from '../stack-log-groups.ts';
import type { BackfillCheckpoint, BackfillScope, CheckpointStore } from './backfill-checkpoint.ts';
import {
  checkpointWriteProblem,
  DEFAULT_CHECKPOINT_FILE,
  fileCheckpointStore,
  freshCheckpoint,
  sameScope,
} from './backfill-checkpoint.ts';
import { ProgressReporter } from './backfill-progress.ts';
import type { StackTarget } from './aws-delivery.ts';
import type { BackfillOutcome, DeliverKills, KillOutput } from './history-backfill.ts';
import { progressFiguresOf, runBackfill } from './history-backfill.ts';
import { readTimeRange } from '../time-range.ts';
import { readStackOutputs } from './stack-outputs.ts';

const BACKFILL_USAGE = `Usage: eks-oom-alerts backfill (--log-group G | --cluster NAME) --since WHEN [options]

Finds the OOM kills in a CloudWatch Logs group's history and prints them as scan does. Reads only the lines
that match the subscription's filter pattern. Works on this project's kernel group (/eks-oom-alerts/<cluster>/kernel)
and on the Container Insights host group (/aws/containerinsights/<cluster>/host).

Options:
  --log-group G          log group to read (default with --cluster: /eks-oom-alerts/<cluster>/kernel)
  --stream-prefix P      only streams whose name starts with P (a node: ip-10-0-1-23)
  --since WHEN           start: a duration back from now (30m, 24h, 7d, 2w) or a date (2025-11-20T10:00Z)
  --until WHEN           end (default: now)
  --region R             AWS region (default: the SDK's, from AWS_REGION or the profile)
  --cluster NAME         the EKS cluster: names the default log groups and the events --deliver sends
  --json                 print JSON Lines of OomEvent (schema version 1) on stdout, nothing else
  --state FILE           checkpoint file (default: ${DEFAULT_CHECKPOINT_FILE})
  --deliver              enrich and alert each kill through the deployed stack; a kill already delivered
                         (live or by an earlier backfill) is not sent again. Needs --cluster, and either:
  --stack NAME             the stack (EksOomAlerts-<cluster>): its outputs name the table, topic and group
                           (cloudformation:DescribeStacks)
                         or:
  --state-table NAME       the stack's DynamoDB state table
  --topic-arn ARN          the stack's alert topic
  --events-log-group G     the stack's events log group (default: /eks-oom-alerts/<cluster>/events)
  -h, --help             show this help

Progress (events scanned, kills found, time covered) goes to stderr. Ctrl-C stops after the current page;
running the same command again resumes where it stopped, and loses or repeats nothing. A checkpoint from a
finished backfill is started afresh.
Exit status: 0 finished, 1 failed (run it again to resume), 2 wrong command line (also: a --state FILE that
cannot be written, found before any request), 130 interrupted.
`;

export interface BackfillOptions {
  scope: BackfillScope;
  region: string | null;
  cluster: string | null;
  json: boolean;
  statePath: string;
  deliver: DeliverTo | null;
}

/** The stack to deliver through: named, its resources read from its outputs; or its resources named one by one. */
export type DeliverTo = { stack: string } | { stateTable: string; topicArn: string; eventsLogGroup: string };

const NAMED_RESOURCES = ['state-table', 'topic-arn', 'events-log-group'] as const;

type ParsedBackfillArgs = ParsedArgs<BackfillOptions>;

function parseBackfillArgs(args: readonly string[]): ParsedBackfillArgs {
  const line = readCommandLine(
    args,
    {
      'log-group': { type: 'string' },
      'stream-prefix': { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      region: { type: 'string' },
      cluster: { type: 'string' },
      json: { type: 'boolean' },
      state: { type: 'string' },
      deliver: { type: 'boolean' },
      stack: { type: 'string' },
      'state-table': { type: 'string' },
      'topic-arn': { type: 'string' },
      'events-log-group': { type: 'string' },
    },
    false,
  );
  if (line.kind !== 'run') return line;
  const { values } = line.options;
  const cluster = values.cluster ?? null;
  const logGroup = values['log-group'] ?? (cluster === null ? null : kernelLogGroupOf(cluster));
  if (logGroup === null)
    return { kind: 'wrong', problem: 'give --log-group G, or --cluster NAME for its kernel group' };
  if (values.since === undefined)
    return { kind: 'wrong', problem: '--since is required (for example --since 7d)' };
  let deliver: BackfillOptions['deliver'] = null;
  if (values.deliver === true && values.stack !== undefined) {
    const named = NAMED_RESOURCES.find((f) => values[f] !== undefined);
    if (named !== undefined)
      return { kind: 'wrong', problem: `--stack names the resources: give it or --${named}, not both` };
    if (cluster === null) return { kind: 'wrong', problem: '--deliver needs --cluster' };
    deliver = { stack: values.stack };
  } else if (values.deliver === true) {
    const missing = [
      cluster === null ? '--cluster' : null,
      values['state-table'] === undefined ? '--state-table' : null,
      values['topic-arn'] === undefined ? '--topic-arn' : null,
    ].filter((flag) => flag !== null);
    if (missing.length > 0)
      return { kind: 'wrong', problem: `--deliver needs ${missing.join(', ')} (or --stack NAME)` };
    deliver = {
      stateTable: values['state-table'] as string,
      topicArn: values['topic-arn'] as string,
      eventsLogGroup: values['events-log-group'] ?? eventsLogGroupOf(cluster as string),
    };
  } else {
    const orphan = (['stack', ...NAMED_RESOURCES] as const).find((f) => values[f] !== undefined);
    if (orphan !== undefined) return { kind: 'wrong', problem: `--${orphan} is used only with --deliver` };
  }
  return {
    kind: 'run',
    options: {
      scope: {
        logGroup,
        streamPrefix: values['stream-prefix'] ?? null,
        filterPattern: KERNEL_OOM_FILTER_PATTERN,
        since: values.since,
        until: values.until ?? null,
      },
      region: values.region ?? null,
      cluster,
      json: values.json === true,
      statePath: values.state ?? DEFAULT_CHECKPOINT_FILE,
      deliver,
    },
  };
}

/** What the backfill reaches outside the process; tests hand their own. */
export interface BackfillEnvironment {
  logsClient(region: string | null): CloudWatchLogsClient;
  cloudFormationClient(region: string): CloudFormationClient;
  checkpoints: CheckpointStore;
  openDelivery(target: StackTarget): Promise<DeliverKills>;
}

const awsBackfillEnvironment: BackfillEnvironment = {
  logsClient: (region) => new CloudWatchLogsClient(region === null ? {} : { region }),
  cloudFormationClient: (region) => new CloudFormationClient({ region }),
  checkpoints: fileCheckpointStore,
  async openDelivery(target) {
    const { openStackDelivery } = await import('./aws-delivery.ts');
    return openStackDelivery(target);
  },
};

type DeliveryNames = Omit<StackTarget, 'region' | 'cluster'>;

/** The table, topic and events group to deliver through: as named on the command line, or the stack's outputs. */
async function deliveryTarget(
  to: DeliverTo,
  env: BackfillEnvironment,
  region: string,
): Promise<{ ok: true; names: DeliveryNames } | { ok: false; problem: string }> {
  if (!('stack' in to)) return { ok: true, names: to };
  const client = env.cloudFormationClient(region);
  const read = await readStackOutputs(client, to.stack);
  client.destroy();
  if (!read.ok) return read;
  const { stateTableName, alertTopicArn, eventsLogGroupName, chatTopicArn } = read.outputs;
  const { groupingWindowMinutes, smsFor, runbookUrl } = read.outputs;
  return {
    ok: true,
    names: {
      stateTable: stateTableName,
      topicArn: alertTopicArn,
      eventsLogGroup: eventsLogGroupName,
      ...(chatTopicArn === null ? {} : { chatTopicArn }),
      ...(groupingWindowMinutes === null ? {} : { windowMinutes: groupingWindowMinutes }),
      ...(smsFor === null ? {} : { smsFor }),
      ...(runbookUrl === null ? {} : { runbookUrl }),
    },
  };
}

type Start =
  | { ok: true; checkpoint: BackfillCheckpoint; resumed: boolean }
  | { ok: false; problem: string; exitCode: number };

/** Resume the unfinished backfill of the same scope, or start one; never overwrite another one's progress. */
async function startingPoint(
  options: BackfillOptions,
  env: BackfillEnvironment,
  nowMs: number,
): Promise<Start> {
  const loaded = await env.checkpoints.load(options.statePath);
  if (loaded.kind === 'unreadable') {
    return {
      ok: false,
      problem: `cannot use the checkpoint ${options.statePath}: ${loaded.problem}; remove it or pass --state FILE`,
      exitCode: EXIT.failure,
    };
  }
  if (loaded.kind === 'found' && !loaded.checkpoint.finished) {
    const saved = loaded.checkpoint;
    if (sameScope(saved, options.scope)) return { ok: true, checkpoint: saved, resumed: true };
    const what = `${saved.logGroup}${saved.streamPrefix === null ? '' : ` (streams ${saved.streamPrefix}*)`} --since ${saved.since}${saved.until === null ? '' : ` --until ${saved.until}`}`;
    return {
      ok: false,
      problem: `${options.statePath} holds an unfinished backfill of ${what}: run that again to finish it, or pass --state FILE for this one`,
      exitCode: EXIT.failure,
    };
  }
  const range = readTimeRange(options.scope.since, options.scope.until, nowMs);
  if (!range.ok) return { ok: false, problem: range.problem, exitCode: EXIT.usage };
  return { ok: true, checkpoint: freshCheckpoint(options.scope, range.startMs, range.endMs), resumed: false };
}

function summaryOf(outcome: BackfillOutcome, delivering: boolean): string {
  const { checkpoint, delivery } = outcome;
  const kills = checkpoint.kills === 1 ? '1 kill' : `${checkpoint.kills} kills`;
  const delivered = delivering
    ? `; this run delivered ${delivery.delivered}, ${delivery.duplicates} already delivered before`
    : '';
  return `backfill: ${outcome.kind}: ${checkpoint.scanned} events scanned, ${kills}${delivered}`;
}

/** The client's region (--region, else the SDK's chain); null when none is set, where the SDK would throw. */
async function regionOf(client: CloudWatchLogsClient): Promise<string | null> {
  try {
    return await client.config.region();
  } catch {
    return null;
  }
}

async function runBackfillCommand(
  options: BackfillOptions,
  io: CliIo,
  env: BackfillEnvironment,
): Promise<number> {
  const start = await startingPoint(options, env, io.now());
  if (!start.ok) {
    await writeText(io.stderr, `backfill: ${start.problem}\n`);
    return start.exitCode;
  }
  // Saved before the first request: a --state that cannot be written fails now, not after a page.
  try {
    await env.checkpoints.save(options.statePath, start.checkpoint);
  } catch (error) {
    await writeText(
      io.stderr,
      `backfill: cannot write the checkpoint ${options.statePath} (${checkpointWriteProblem(error)}): pass --state FILE where it can be written\n`,
    );
    return EXIT.usage;
  }
  const client = env.logsClient(options.region);
  const region = await regionOf(client);
  if (region === null) {
    await writeText(
      io.stderr,
      'backfill: no AWS region: pass --region R, or set AWS_REGION or a profile’s region\n',
    );
    return EXIT.failure;
  }
  let deliver: DeliverKills | null = null;
  if (options.deliver !== null) {
    const target = await deliveryTarget(options.deliver, env, region);
    if (!target.ok) {
      await writeText(io.stderr, `backfill: ${target.problem}\n`);
      return EXIT.failure;
    }
    deliver = await env.openDelivery({ region, cluster: options.cluster as string, ...target.names });
  }
  const progress = new ProgressReporter(io.stderr, isTerminal(io.stderr), () => io.now());
  if (start.resumed) {
    await progress.note(
      `backfill: resuming from ${options.statePath}: ${start.checkpoint.scanned} events scanned, ${start.checkpoint.kills} kills so far`,
    );
  }
  const printer = new KillPrinter(io, { json: options.json, streamRows: true, enriched: false });
  await printer.start();
  const output: KillOutput = {
    kills: async (events) => {
      // stdout and stderr are often the same terminal: rows must not land on the end of the progress line.
      if (events.length > 0) await progress.clear();
      await printer.kills(events);
    },
    drift: async (stream, lines) => {
      await progress.clear();
      await printer.drift(stream, lines);
    },
  };
  const outcome = await runBackfill(start.checkpoint, {
    client,
    checkpoints: env.checkpoints,
    checkpointPath: options.statePath,
    output,
    progress,
    deliver,
    now: () => io.now(),
    sleep: (ms) => io.sleep(ms, io.signal),
    signal: io.signal,
  });
  await progress.finish(progressFiguresOf(outcome.checkpoint));
  await writeText(io.stderr, `${summaryOf(outcome, deliver !== null)}\n`);
  if (outcome.kind === 'finished') return EXIT.ok;
  const resume = `run the same command again to resume (checkpoint: ${options.statePath})`;
  if (outcome.kind === 'interrupted') {
    await writeText(io.stderr, `backfill: ${resume}\n`);
    return EXIT.interrupted;
  }
  await writeText(io.stderr, `backfill: ${outcome.reason}\nbackfill: ${resume}\n`);
  return EXIT.failure;
}

export function createBackfillCommand(env: BackfillEnvironment): Command {
  return {
    name: 'backfill',
    summary: 'find the OOM kills in a CloudWatch Logs group’s history (resumable); --deliver alerts them',
    run: (args, io) =>
      runParsed('backfill', BACKFILL_USAGE, parseBackfillArgs(args), io, (options) =>
        runBackfillCommand(options, io, env),
      ),
  };
}

export const backfillCommand: Command = createBackfillCommand(awsBackfillEnvironment);
