import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  LimitExceededException,
  StartQueryCommand,
  StopQueryCommand,
  ThrottlingException,
} from '@aws-sdk/client-cloudwatch-logs';
import type { GetQueryResultsCommandOutput, StartQueryCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createQueryCommand } from '../../../cli/query/query-command.ts';
import { INSIGHTS_QUERIES } from '../../../shared/insights-queries.ts';
import { memoryIo } from '../in-memory-io.ts';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const FIXTURES = join(import.meta.dirname, '../../fixtures/insights');

interface RecordedAnswers {
  startQuery: StartQueryCommandOutput;
  getQueryResults: GetQueryResultsCommandOutput[];
}

function recorded(name: string): RecordedAnswers {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as RecordedAnswers;
}

const logs = mockClient(CloudWatchLogsClient);
afterEach(() => logs.reset());

function answerWith(answers: RecordedAnswers): void {
  logs.on(StartQueryCommand).resolves(answers.startQuery);
  const polls = logs.on(GetQueryResultsCommand);
  for (const answer of answers.getQueryResults) polls.resolvesOnce(answer);
}

async function query(args: string[], onSleep: (ms: number, interrupt: AbortController) => void = () => {}) {
  const sleeps: number[] = [];
  let controller: AbortController | null = null;
  const run = memoryIo({
    now: NOW,
    sleep: (ms) => {
      sleeps.push(ms);
      onSleep(ms, controller as AbortController);
      return Promise.resolve();
    },
  });
  controller = run.interrupt;
  const code = await createQueryCommand({ logsClient: () => new CloudWatchLogsClient({}) }).run(args, run.io);
  return { code, stdout: run.stdout.text, stderr: run.stderr.text, sleeps };
}

const PARAMS: Record<string, string[]> = {
  'pod-history': ['--param', 'NAMESPACE=shop', '--param', 'POD=api-7d9f8-x2x4k'],
};

describe('query NAME --cluster demo: the table of each saved query', () => {
  it('has a recorded answer for every saved query', () => {
    expect(INSIGHTS_QUERIES.map((q) => existsSync(join(FIXTURES, `${q.name}.json`)))).toEqual(
      INSIGHTS_QUERIES.map(() => true),
    );
  });

  for (const saved of INSIGHTS_QUERIES) {
    it(`query ${saved.name} --cluster demo`, async () => {
      const answers = recorded(saved.name);
      answerWith(answers);

      const run = await query([saved.name, '--cluster', 'demo', ...(PARAMS[saved.name] ?? [])]);

      expect(run.code).toBe(0);
      const goldenPath = join(FIXTURES, `${saved.name}.table.txt`);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(goldenPath, run.stdout);
      expect(run.stdout).toBe(readFileSync(goldenPath, 'utf8'));
      const complete = answers.getQueryResults.at(-1) as GetQueryResultsCommandOutput;
      expect(run.stdout.trimEnd().split('\n')).toHaveLength((complete.results?.length ?? 0) + 1);
      expect(run.stdout).not.toContain('@ptr');
      const started = logs.commandCalls(StartQueryCommand).map((c) => c.args[0].input);
      expect(started).toEqual([
        {
          logGroupName: '/eks-oom-alerts/demo/events',
          queryString: saved.name === 'pod-history' ? expect.stringContaining('"shop"') : saved.queryString,
          startTime: (NOW - 86_400_000) / 1000,
          endTime: NOW / 1000,
        },
      ]);
      expect(logs.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input)).toEqual([
        { queryId: answers.startQuery.queryId },
        { queryId: answers.startQuery.queryId },
        { queryId: answers.startQuery.queryId },
      ]);
      // Polled with backoff: Scheduled, Running, then Complete.
      expect(run.sleeps).toEqual([500, 1000, 2000]);
      expect(run.stderr).toBe(
        `query: ${complete.results?.length} rows; ` +
          `${complete.statistics?.recordsMatched} of ${complete.statistics?.recordsScanned} records matched, 47 KiB scanned\n`,
      );
    });
  }

  it('shows kB figures as sizes, and a missing field as -', async () => {
    answerWith(recorded('top-workloads'));
    const run = await query(['top-workloads', '--cluster', 'demo']);
    expect(run.stdout.split('\n')).toEqual([
      'kubernetes.namespace  kubernetes.workload.kind  kubernetes.workload.name  kills  limitKb',
      'shop                  Deployment                api                       11     64.0 MiB',
      'payments              CronJob                   ledger-reconcile          6      1.0 GiB',
      'shop                  StatefulSet               search                    3      4.0 GiB',
      'kube-system           DaemonSet                 aws-node                  1      -',
      '',
    ]);
  });
});

describe('query progress on stderr while Logs Insights runs', () => {
  /** The query over a clock that each wait moves on; stderr a terminal or a log. */
  async function timedQuery(terminal: boolean) {
    let clock = NOW;
    const run = memoryIo({
      sleep: (ms) => {
        clock += ms;
        return Promise.resolve();
      },
    });
    Object.assign(run.io, { now: () => clock });
    Object.assign(run.io.stderr, { isTTY: terminal });
    const code = await createQueryCommand({ logsClient: () => new CloudWatchLogsClient({}) }).run(
      ['kills-by-namespace', '--cluster', 'demo'],
      run.io,
    );
    return { code, stdout: run.stdout.text, stderr: run.stderr.text };
  }

  const complete = recorded('kills-by-namespace').getQueryResults.at(-1) as GetQueryResultsCommandOutput;
  const running = (recordsScanned: number, bytesScanned: number): GetQueryResultsCommandOutput => ({
    status: 'Running',
    results: [],
    statistics: { recordsMatched: 0, recordsScanned, bytesScanned },
    $metadata: {},
  });

  it('on a terminal: one line rewritten at each poll, with the time and the records scanned, blanked at the end', async () => {
    logs.on(StartQueryCommand).resolves({ queryId: 'q-3' });
    logs
      .on(GetQueryResultsCommand)
      .resolvesOnce(running(120_000, 50 * 1024 * 1024))
      .resolvesOnce(running(1_234_567, 1_288_490_189))
      .resolves(complete);
    const run = await timedQuery(true);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(readFileSync(join(FIXTURES, 'kills-by-namespace.table.txt'), 'utf8'));
    const first = 'query: kills-by-namespace running, 0 s, 120000 records scanned (50.0 MiB)';
    const second = 'query: kills-by-namespace running, 1 s, 1234567 records scanned (1.2 GiB)';
    expect(run.stderr).toBe(
      `\r${first}\r${second.padEnd(first.length)}\r${' '.repeat(second.length)}\r` +
        'query: 4 rows; 24 of 24 records matched, 47 KiB scanned\n',
    );
  });

  it('into a log: a line every 10 s of a long query, none for a short one', async () => {
    logs.on(StartQueryCommand).resolves({ queryId: 'q-4' });
    const polls = logs.on(GetQueryResultsCommand);
    // Polls at 0.5, 1.5, 3.5, 7.5, 12.5, 17.5, 22.5 and 27.5 s; complete at 32.5 s.
    for (let poll = 1; poll <= 8; poll++) polls.resolvesOnce(running(poll * 1000, poll * 1024 * 1024));
    polls.resolves(complete);
    const run = await timedQuery(false);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      [
        'query: kills-by-namespace running, 12 s, 5000 records scanned (5.0 MiB)',
        'query: kills-by-namespace running, 22 s, 7000 records scanned (7.0 MiB)',
        'query: 4 rows; 24 of 24 records matched, 47 KiB scanned',
        '',
      ].join('\n'),
    );
  });
});

describe('query options', () => {
  it('query pod-history --json prints the rows as JSON Lines, values as Insights gave them, without @ptr', async () => {
    answerWith(recorded('pod-history'));
    const run = await query([
      'pod-history',
      '--log-group',
      '/custom/events',
      '--json',
      '--since',
      '7d',
      ...(PARAMS['pod-history'] ?? []),
    ]);
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      {
        '@timestamp': '2026-11-23 09:41:12.204',
        'kubernetes.container': 'app',
        'victim.name': 'php-fpm',
        'victim.pid': '48211',
        impact: 'process-killed-container-running',
        'memory.usageKb': '65532',
        'memory.limitKb': '65536',
        'kubernetes.restartCount': '0',
      },
      {
        '@timestamp': '2026-11-23 07:30:44.610',
        'kubernetes.container': 'app',
        'victim.name': 'php-fpm: pool www',
        'victim.pid': '1',
        impact: 'container-restarted',
        'memory.usageKb': '65536',
        'memory.limitKb': '65536',
        'kubernetes.restartCount': '3',
      },
    ]);
    expect(logs.commandCalls(StartQueryCommand)[0]?.args[0].input).toEqual({
      logGroupName: '/custom/events',
      queryString: [
        'filter kubernetes.namespace = "shop" and kubernetes.pod = "api-7d9f8-x2x4k"',
        'fields @timestamp, kubernetes.container, victim.name, victim.pid, impact, memory.usageKb, memory.limitKb, kubernetes.restartCount',
        'sort @timestamp desc',
      ].join('\n| '),
      startTime: (NOW - 7 * 86_400_000) / 1000,
      endTime: NOW / 1000,
    });
  });

  it('query --list names each saved query with its line and the values it needs', async () => {
    const run = await query(['--list']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.trim().split(' ')[0])).toEqual([
      'kills-by-namespace',
      'top-workloads',
      'child-process-kills',
      'system-ooms-by-node',
      'pod-history',
      '--param',
      '--param',
      'unattributed-kills',
    ]);
    expect(run.stdout).toContain('  top-workloads        The 20 workloads killed most often');
    expect(run.stdout).toContain('--param NAMESPACE=… (Kubernetes namespace of the pod)');
  });

  it('query --list --json prints one JSON line per saved query: name, description, parameters', async () => {
    const run = await query(['--list', '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toHaveLength(INSIGHTS_QUERIES.length);
    expect(lines[1]).toEqual({
      name: 'top-workloads',
      description: INSIGHTS_QUERIES[1]?.description,
      parameters: [],
    });
    expect(lines.find((l) => (l as { name: string }).name === 'pod-history')).toEqual({
      name: 'pod-history',
      description: INSIGHTS_QUERIES.find((q) => q.name === 'pod-history')?.description,
      parameters: [
        { name: 'NAMESPACE', description: 'Kubernetes namespace of the pod' },
        { name: 'POD', description: 'Pod name' },
      ],
    });
  });

  it('waits out throttling and the concurrent-query limit', async () => {
    const answers = recorded('kills-by-namespace');
    logs
      .on(StartQueryCommand)
      .rejectsOnce(
        new LimitExceededException({
          message: 'Account maximum query concurrency limit of [30] reached.',
          $metadata: {},
        }),
      )
      .resolves(answers.startQuery);
    logs
      .on(GetQueryResultsCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves(answers.getQueryResults.at(-1) as GetQueryResultsCommandOutput);
    const run = await query(['kills-by-namespace', '--cluster', 'demo']);
    expect(run.code).toBe(0);
    expect(run.sleeps).toEqual([500, 500, 1000]);
    expect(run.stdout).toContain('(not a pod)');
  });

  it.each(['Failed', 'Cancelled', 'Timeout'] as const)(
    'says so and exits 1 when the query ends %s',
    async (status) => {
      logs.on(StartQueryCommand).resolves({ queryId: 'q-1' });
      logs
        .on(GetQueryResultsCommand)
        .resolvesOnce({ status: 'Running', results: [] })
        .resolves({ status, results: [] });
      const run = await query(['kills-by-namespace', '--cluster', 'demo']);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(`query: kills-by-namespace ended ${status} (query id q-1)\n`);
    },
  );

  it('reports a refused StartQuery', async () => {
    logs.on(StartQueryCommand).rejects(
      Object.assign(new Error('The specified log group does not exist.'), {
        name: 'ResourceNotFoundException',
      }),
    );
    const run = await query(['kills-by-namespace', '--cluster', 'demo']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'query: StartQuery: ResourceNotFoundException: The specified log group does not exist.\n',
    );
  });

  it('Ctrl-C while the query runs stops it on the service', async () => {
    logs.on(StartQueryCommand).resolves({ queryId: 'q-2' });
    logs.on(GetQueryResultsCommand).resolves({ status: 'Running', results: [] });
    logs.on(StopQueryCommand).resolves({ success: true });
    const run = await query(['kills-by-namespace', '--cluster', 'demo'], (ms, interrupt) => {
      if (ms === 2000) interrupt.abort();
    });
    expect(run.code).toBe(130);
    expect(logs.commandCalls(GetQueryResultsCommand)).toHaveLength(2);
    expect(logs.commandCalls(StopQueryCommand).map((c) => c.args[0].input)).toEqual([{ queryId: 'q-2' }]);
    expect(run.stderr).toBe('query: interrupted; the query was stopped\n');
  });

  it.each([
    [[], 'no query NAME given (query --list shows them)'],
    [['top-pods', '--cluster', 'demo'], 'no saved query named top-pods'],
    [['kills-by-namespace'], 'give --cluster NAME, or --log-group G for the events log group'],
    [['pod-history', '--cluster', 'demo', '--param', 'NAMESPACE=shop'], 'pod-history needs POD (Pod name)'],
    [
      ['pod-history', '--cluster', 'demo', '--param', 'NAMESPACE=shop" or 1=1 or "', '--param', 'POD=x'],
      'NAMESPACE "shop" or 1=1 or "" is not a Kubernetes name',
    ],
    [
      ['kills-by-namespace', '--cluster', 'demo', '--param', 'POD=x'],
      'kills-by-namespace takes no --param POD',
    ],
    [['kills-by-namespace', '--cluster', 'demo', '--param', 'POD'], '--param "POD" is not KEY=VALUE'],
    [['kills-by-namespace', 'top-workloads', '--cluster', 'demo'], 'one query at a time'],
    [['kills-by-namespace', '--cluster', 'demo', '--since', 'yesterday'], '--since "yesterday" is neither'],
    [['--list', 'top-workloads'], '--list takes no NAME'],
  ])('query %j is a usage error', async (line, problem) => {
    const run = await query(line);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(problem);
    expect(logs.commandCalls(StartQueryCommand)).toHaveLength(0);
  });
});
