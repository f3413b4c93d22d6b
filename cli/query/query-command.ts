/**
 * `eks-oom-alerts query`: the saved Logs Insights queries (shared/insights-queries.ts, the same strings the
 * stack saves as QueryDefinitions) run over the events log group from the terminal.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { fillQueryParameters, INSIGHTS_QUERIES } from '../../shared/insights-queries.ts';
import type { InsightsQuery } from '../../shared/insights-queries.ts';
import type { CliIo, Command, ParsedArgs } from '../command.ts';
import { EXIT, readCommandLine, runParsed, writeText } from '../command.ts';
import { readTimeRange } from '../time-range.ts';
import { POLL_PACING, runInsightsQuery } from './insights-run.ts';
import {
  formatQueryList,
  formatQueryListJson,
  formatResultsJson,
  formatResultsTable,
  queryProgressLine,
  resultsSummary,
} from './results-table.ts';
import { isTerminal, ProgressLine } from '../progress-line.ts';
import { eventsLogGroupOf } from '../stack-log-groups.ts';

const QUERY_USAGE = `Usage: eks-oom-alerts query NAME (--cluster NAME | --log-group G) [options]
       eks-oom-alerts query --list [--json]

Runs one of the saved Logs Insights queries over the events log group (one JSON line per OOM kill, written
by the notify function) and prints the rows as a table. The same queries are saved in the console as
eks-oom-alerts/<cluster>/NAME.

Options:
  --list             the query names, with a line on each (with --json: one JSON line each, with its
                     description and parameters)
  --cluster NAME     the EKS cluster: reads the stack's events log group, /eks-oom-alerts/<cluster>/events
  --log-group G      the events log group, when it has another name
  --since WHEN       start: a duration back from now (30m, 24h, 7d, 2w) or a date (default: 24h)
  --until WHEN       end (default: now)
  --param KEY=VALUE  a value the query needs (see --list), e.g. --param NAMESPACE=shop --param POD=api-7d9f8-x2x4k
  --region R         AWS region (default: the SDK's, from AWS_REGION or the profile)
  --json             print the rows as JSON Lines on stdout, nothing else
  -h, --help         show this help

While the query runs, stderr shows how long it has run and the records scanned (on a terminal one line
rewritten; otherwise a line every 10 s). The summary goes to stderr at the end.
Exit status: 0 query complete, 1 query failed or AWS refused, 2 wrong command line, 130 interrupted.
`;

export interface QueryOptions {
  query: InsightsQuery;
  queryString: string;
  logGroup: string;
  since: string;
  until: string | null;
  region: string | null;
  json: boolean;
}

type ParsedQueryArgs = ParsedArgs<QueryOptions> | { kind: 'list'; json: boolean };

function readParams(
  pairs: readonly string[],
): { ok: true; values: Record<string, string> } | { ok: false; problem: string } {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) return { ok: false, problem: `--param "${pair}" is not KEY=VALUE` };
    values[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return { ok: true, values };
}

function parseQueryArgs(args: readonly string[]): ParsedQueryArgs {
  const line = readCommandLine(
    args,
    {
      list: { type: 'boolean' },
      cluster: { type: 'string' },
      'log-group': { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      param: { type: 'string', multiple: true },
      region: { type: 'string' },
      json: { type: 'boolean' },
    },
    true,
  );
  if (line.kind !== 'run') return line;
  const { values, positionals } = line.options;
  if (values.list === true)
    return positionals.length === 0
      ? { kind: 'list', json: values.json === true }
      : { kind: 'wrong', problem: '--list takes no NAME' };
  const [name, ...extra] = positionals;
  if (name === undefined) return { kind: 'wrong', problem: 'no query NAME given (query --list shows them)' };
  if (extra.length > 0) return { kind: 'wrong', problem: `one query at a time: ${positionals.join(' ')}` };
  const query = INSIGHTS_QUERIES.find((q) => q.name === name);
  if (query === undefined)
    return { kind: 'wrong', problem: `no saved query named ${name} (query --list shows them)` };
  const logGroup =
    values['log-group'] ?? (values.cluster === undefined ? null : eventsLogGroupOf(values.cluster));
  if (logGroup === null)
    return { kind: 'wrong', problem: 'give --cluster NAME, or --log-group G for the events log group' };
  const params = readParams(values.param ?? []);
  if (!params.ok) return { kind: 'wrong', problem: params.problem };
  const unknown = Object.keys(params.values).filter(
    (key) => !query.parameters.some((p) => p.placeholder === key),
  );
  if (unknown.length > 0)
    return { kind: 'wrong', problem: `${query.name} takes no --param ${unknown.join(', ')}` };
  const filled = fillQueryParameters(query, params.values);
  if (!filled.ok) return { kind: 'wrong', problem: filled.error };
  return {
    kind: 'run',
    options: {
      query,
      queryString: filled.queryString,
      logGroup,
      since: values.since ?? '24h',
      until: values.until ?? null,
      region: values.region ?? null,
      json: values.json === true,
    },
  };
}

/** What the query reaches outside the process; tests hand their own client. */
export interface QueryEnvironment {
  logsClient(region: string | null): CloudWatchLogsClient;
}

const awsQueryEnvironment: QueryEnvironment = {
  logsClient: (region) => new CloudWatchLogsClient(region === null ? {} : { region }),
};

async function runQueryCommand(options: QueryOptions, io: CliIo, env: QueryEnvironment): Promise<number> {
  const range = readTimeRange(options.since, options.until, io.now());
  if (!range.ok) {
    await writeText(io.stderr, `query: ${range.problem}\n`);
    return EXIT.usage;
  }
  const startedMs = io.now();
  // While the query runs (up to the service's hour), how long it has run and what it has scanned.
  const progress = new ProgressLine(io.stderr, isTerminal(io.stderr), () => io.now(), { quietStart: true });
  const run = await runInsightsQuery(
    env.logsClient(options.region),
    {
      logGroupName: options.logGroup,
      queryString: options.queryString,
      startMs: range.startMs,
      endMs: range.endMs,
    },
    {
      ...POLL_PACING,
      timing: { now: () => io.now(), sleep: (ms) => io.sleep(ms, io.signal) },
      signal: io.signal,
    },
    (poll) => progress.show(queryProgressLine(options.query.name, poll, io.now() - startedMs)),
  );
  await progress.clear();
  switch (run.kind) {
    case 'complete':
      await writeText(io.stdout, options.json ? formatResultsJson(run.rows) : formatResultsTable(run.rows));
      await writeText(io.stderr, resultsSummary(run.rows.length, run.statistics));
      return EXIT.ok;
    case 'ended':
      await writeText(
        io.stderr,
        `query: ${options.query.name} ended ${run.status} (query id ${run.queryId})\n`,
      );
      return EXIT.failure;
    case 'interrupted':
      await writeText(io.stderr, 'query: interrupted; the query was stopped\n');
      return EXIT.interrupted;
    case 'error':
      await writeText(io.stderr, `query: ${run.reason}\n`);
      return EXIT.failure;
  }
}

export function createQueryCommand(env: QueryEnvironment): Command {
  return {
    name: 'query',
    summary: 'run a saved Logs Insights query over the events log group (--list shows them)',
    async run(args, io) {
      const parsed = parseQueryArgs(args);
      if (parsed.kind === 'list') {
        const list = parsed.json ? formatQueryListJson(INSIGHTS_QUERIES) : formatQueryList(INSIGHTS_QUERIES);
        await writeText(io.stdout, list);
        return EXIT.ok;
      }
      return runParsed('query', QUERY_USAGE, parsed, io, (options) => runQueryCommand(options, io, env));
    },
  };
}

export const queryCommand: Command = createQueryCommand(awsQueryEnvironment);
