import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  ThrottlingException,
} from '@aws-sdk/client-cloudwatch-logs';
import type { FilterLogEventsCommandInput, FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../../cli/backfill/backfill-checkpoint.ts';
import type { BackfillCheckpoint } from '../../../cli/backfill/backfill-checkpoint.ts';
import { createBackfillCommand } from '../../../cli/backfill/backfill-command.ts';
import { EXIT } from '../../../cli/command.ts';
import type { BackfillEnvironment } from '../../../cli/backfill/backfill-command.ts';
import { fileCheckpointStore } from '../../../cli/backfill/backfill-checkpoint.ts';
import { enrichThenDeliver } from '../../../cli/backfill/backfill-delivery.ts';
import type { DeliverKills } from '../../../cli/backfill/history-backfill.ts';
import { FOLLOW_WIDTHS, tableHeader, tableLine } from '../../../cli/kill-table.ts';
import { createMemoryClaimStore } from '../../../adapters/state/claim-store.ts';
import type { PodResolver } from '../../../adapters/kubernetes/pod-resolver.ts';
import type { AlertMessage } from '../../../shared/alert-format/alert-message.ts';
import { MemoryStormStore } from '../../../adapters/state/memory-storm-store.ts';
import type { OomEvent } from '../../../shared/oom-event.ts';
import { FORWARDED_TERMS, KERNEL_OOM_FILTER_PATTERN } from '../../../shared/subscription-pattern.ts';
import { memoryIo } from '../in-memory-io.ts';
import {
  bodiesOfGroup,
  WHOLE_RECORD_GROUP,
  type PutLogEventsBody,
} from '../../fixtures/subscription/subscription-payloads.ts';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const GROUP = '/eks-oom-alerts/demo/kernel';
const NODE_A = 'ip-10-0-1-23.eu-west-1.compute.internal';
const NODE_B = 'ip-10-0-2-45.eu-west-1.compute.internal';
const STREAM_A = `${NODE_A}.kernel`;
const STREAM_B = `kernel.${NODE_B}`;
const POD_1 = '11111111-2222-3333-4444-555555555555';
const POD_9 = '99999999-2222-3333-4444-555555555555';

// The live 78-line report a real Fluent Bit 5.1 sent (whole kmsg records).
const liveReport = (bodiesOfGroup(WHOLE_RECORD_GROUP)[1] as PutLogEventsBody).logEvents;

interface KmsgRecord {
  sequence: number;
  sec: number;
  msg: string;
}

/** The real report moved `seconds` later, with another victim pid (and pod), as another kill. */
function variant(
  seconds: number,
  pid: string,
  podUid: string,
): Array<{ timestamp: number; message: string }> {
  return liveReport.map((e) => {
    const record = JSON.parse(e.message) as KmsgRecord;
    const msg = record.msg.replaceAll('17777', pid).replaceAll(POD_1, podUid);
    const shifted = { ...record, sequence: record.sequence + seconds, sec: record.sec + seconds, msg };
    return { timestamp: e.timestamp + seconds * 1000, message: JSON.stringify(shifted) };
  });
}

/** What FilterLogEvents with the subscription's pattern returns of a stream: the lines with a forwarded term. */
function matching(
  stream: string,
  lines: Array<{ timestamp: number; message: string }>,
  tag: string,
): FilteredLogEvent[] {
  return lines
    .filter((l) => FORWARDED_TERMS.some((term) => l.message.includes(term)))
    .map((l, i) => ({
      logStreamName: stream,
      timestamp: l.timestamp,
      ingestionTime: l.timestamp + 900,
      message: l.message,
      eventId: `${tag}${i}`,
    }));
}

/** Three kills on two nodes, 18 matching lines, in time order as FilterLogEvents interleaves streams. */
const HISTORY: FilteredLogEvent[] = [
  ...matching(STREAM_A, liveReport, 'a'),
  ...matching(STREAM_A, variant(3, '18888', POD_1), 'b'),
  ...matching(STREAM_B, variant(60, '19999', POD_9), 'c'),
].sort((x, y) => (x.timestamp as number) - (y.timestamp as number));

/** Pages of 4: the first report is cut between pages 1 and 2. */
function pagesOf(events: readonly FilteredLogEvent[], size = 4): FilteredLogEvent[][] {
  const pages: FilteredLogEvent[][] = [];
  for (let at = 0; at < events.length; at += size) pages.push(events.slice(at, at + size));
  return pages;
}

const logs = mockClient(CloudWatchLogsClient);
const cloudFormation = mockClient(CloudFormationClient);

/**
 * FilterLogEvents over `pages`: page i+1's token is `p<i+1>`; the last page gives back the token it was
 * asked with (the end of the stream). `onRequest` runs before a page is served and may throw instead.
 */
function servePages(pages: FilteredLogEvent[][], onRequest: (index: number) => void = () => {}) {
  logs.on(FilterLogEventsCommand).callsFake((input: FilterLogEventsCommandInput) => {
    const index = input.nextToken === undefined ? 0 : Number(input.nextToken.slice(1));
    onRequest(index);
    const last = index === pages.length - 1;
    return Promise.resolve({ events: pages[index], nextToken: last ? input.nextToken : `p${index + 1}` });
  });
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'backfill-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  logs.reset();
  cloudFormation.reset();
});

function environment(deliver: DeliverKills | null = null, targets: unknown[] = []): BackfillEnvironment {
  return {
    logsClient: (region) => new CloudWatchLogsClient(region === null ? {} : { region }),
    cloudFormationClient: (region) => new CloudFormationClient({ region }),
    checkpoints: fileCheckpointStore,
    openDelivery(target) {
      targets.push(target);
      return deliver === null
        ? Promise.reject(new Error('no delivery in this test'))
        : Promise.resolve(deliver);
    },
  };
}

/** DescribeStacks of EksOomAlerts-demo: the outputs every stack has, and `more` (name, value). */
function demoStackWith(more: Array<[string, string]>) {
  return {
    Stacks: [
      {
        StackName: 'EksOomAlerts-demo',
        CreationTime: new Date(NOW),
        StackStatus: 'UPDATE_COMPLETE' as const,
        Outputs: [
          { OutputKey: 'AlertTopicArn', OutputValue: 'arn:aws:sns:eu-west-1:123456789012:demo-Alert' },
          { OutputKey: 'EventBusName', OutputValue: 'eks-oom-alerts-demo' },
          { OutputKey: 'StateTableName', OutputValue: 'EksOomAlerts-demo-StateTable1A2B' },
          { OutputKey: 'EventsLogGroupName', OutputValue: '/eks-oom-alerts/demo/events' },
          ...more.map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        ],
      },
    ],
  };
}

async function backfill(
  args: string[],
  env = environment(),
  setup: (io: ReturnType<typeof memoryIo>) => void = () => {},
) {
  const sleeps: number[] = [];
  const run = memoryIo({
    now: NOW,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  setup(run);
  const code = await createBackfillCommand(env).run(args, run.io);
  return { code, stdout: run.stdout.text, stderr: run.stderr.text, sleeps, interrupt: run.interrupt };
}

function jsonEvents(stdout: string): OomEvent[] {
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as OomEvent);
}

function checkpointIn(path: string): BackfillCheckpoint {
  const read = readCheckpoint(readFileSync(path, 'utf8'));
  if (read.kind !== 'found') throw new Error(`no checkpoint in ${path}`);
  return read.checkpoint;
}

const pages = pagesOf(HISTORY);
const args = () => ['--log-group', GROUP, '--since', '7d', '--json', '--state', join(dir, 'state.json')];

describe('backfill --log-group G --since 7d --json', () => {
  it('reads the range with the subscription pattern, page by page, and prints each kill once as JSON Lines', async () => {
    expect(pages).toHaveLength(5);
    servePages(pages);

    const run = await backfill(args());

    expect(run.code).toBe(0);
    const inputs = logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);
    expect(inputs).toHaveLength(5);
    expect(inputs[0]).toEqual({
      logGroupName: GROUP,
      logStreamNamePrefix: undefined,
      filterPattern: KERNEL_OOM_FILTER_PATTERN,
      startTime: NOW - 7 * 86_400_000,
      endTime: NOW,
      nextToken: undefined,
    });
    expect(inputs.map((i) => i.nextToken)).toEqual([undefined, 'p1', 'p2', 'p3', 'p4']);
    const events = jsonEvents(run.stdout);
    expect(events.map((e) => [e.node, e.victim.pid, e.pod?.uid, e.complete])).toEqual([
      [NODE_A, 17777, POD_1, true],
      [NODE_A, 18888, POD_1, true],
      [NODE_B, 19999, POD_9, true],
    ]);
    expect(events[0]).toMatchObject({
      source: {
        logGroup: GROUP,
        logStream: STREAM_A,
        eventIds: expect.arrayContaining(['a0', 'a5']) as string[],
      },
      memory: { usageKb: 65536, limitKb: 65536 },
      victim: { name: 'python3', anonRssKb: 65152 },
    });
    expect(run.stderr).toContain('backfill: finished: 18 events scanned, 3 kills');
    expect(checkpointIn(join(dir, 'state.json'))).toMatchObject({
      finished: true,
      nextToken: null,
      scanned: 18,
      kills: 3,
    });
  });

  it('prints the table as scan --follow does', async () => {
    servePages(pages);
    const run = await backfill(args().filter((a) => a !== '--json'));
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(tableLine(tableHeader(false), FOLLOW_WIDTHS).trimEnd());
    expect(lines).toHaveLength(5);
    // The real EKS names (39 characters) as the alerts give them, every column under its title.
    expect(lines[1]).toContain('  ip-10-0-1-23  ');
    expect(lines[3]).toContain('  ip-10-0-2-45  ');
    expect(lines[1]).toContain(POD_1);
    expect(lines[1]).toContain('python3 (17777)');
    expect(lines[3]).toContain('python3 (19999)');
    for (const row of lines.slice(1, 4)) {
      for (const title of tableHeader(false).slice(1)) {
        const at = lines[0]?.indexOf(title) ?? -1;
        expect(row.slice(at - 2, at + 1), title).toMatch(/^ {2}\S$/);
      }
    }
  });

  it('waits and retries when CloudWatch throttles', async () => {
    logs
      .on(FilterLogEventsCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves({ events: HISTORY });
    const run = await backfill(args());
    expect(run.code).toBe(0);
    expect(run.sleeps).toEqual([500]);
    expect(jsonEvents(run.stdout)).toHaveLength(3);
  });

  it('stops on an error with the reason, and a re-run resumes at the page that failed', async () => {
    let fail = true;
    servePages(pages, (index) => {
      if (index === 2 && fail) {
        fail = false;
        throw Object.assign(new Error('User is not authorized to perform: logs:FilterLogEvents'), {
          name: 'AccessDeniedException',
        });
      }
    });
    const first = await backfill(args());
    expect(first.code).toBe(1);
    expect(first.stderr).toContain(
      'backfill: FilterLogEvents: AccessDeniedException: User is not authorized',
    );
    const second = await backfill(args());
    expect(second.code).toBe(0);
    expect(jsonEvents(first.stdout + second.stdout).map((e) => e.victim.pid)).toEqual([17777, 18888, 19999]);
  });
});

describe('backfill interrupted and resumed', () => {
  const uninterrupted = async (): Promise<string> => {
    servePages(pages);
    const run = await backfill([
      '--log-group',
      GROUP,
      '--since',
      '7d',
      '--json',
      '--state',
      join(dir, 'whole.json'),
    ]);
    logs.reset();
    return run.stdout;
  };

  for (const at of [1, 2, 3, 4]) {
    it(`Ctrl-C while page ${at + 1} is being fetched: the resumed run asks for it again, nothing lost or repeated`, async () => {
      const whole = await uninterrupted();
      let controller: AbortController | null = null;
      servePages(pages, (index) => {
        if (index === at && controller !== null) {
          controller.abort();
          controller = null;
          throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
        }
      });
      const first = await backfill(args(), environment(), (io) => {
        controller = io.interrupt;
      });
      expect(first.code).toBe(EXIT.interrupted);
      expect(first.stderr).toContain('run the same command again to resume');
      expect(checkpointIn(join(dir, 'state.json'))).toMatchObject({ finished: false, nextToken: `p${at}` });

      const second = await backfill(args());
      expect(second.code).toBe(0);
      expect(second.stderr).toContain(`backfill: resuming from ${join(dir, 'state.json')}`);
      expect(first.stdout + second.stdout).toBe(whole);
      const tokens = logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input.nextToken);
      expect(tokens.filter((t) => t === `p${at}`)).toHaveLength(2);
    });

    it(`Ctrl-C just after page ${at} was read: it is kept, the resumed run starts at page ${at + 1}`, async () => {
      const whole = await uninterrupted();
      let controller: AbortController | null = null;
      servePages(pages, (index) => {
        if (index === at - 1) controller?.abort();
      });
      const first = await backfill(args(), environment(), (io) => {
        controller = io.interrupt;
      });
      expect(first.code).toBe(EXIT.interrupted);
      const second = await backfill(args());
      expect(second.code).toBe(0);
      expect(first.stdout + second.stdout).toBe(whole);
      const tokens = logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input.nextToken);
      expect(new Set(tokens).size).toBe(tokens.length);
    });
  }

  it('resumes the same range when --since 7d is given again a day later', async () => {
    let controller: AbortController | null = null;
    servePages(pages, (index) => {
      if (index === 1) controller?.abort();
    });
    await backfill(args(), environment(), (io) => {
      controller = io.interrupt;
    });
    const later = memoryIo({ now: NOW + 86_400_000 });
    expect(await createBackfillCommand(environment()).run(args(), later.io)).toBe(0);
    const inputs = logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);
    expect(new Set(inputs.map((i) => `${i.startTime}-${i.endTime}`))).toEqual(
      new Set([`${NOW - 7 * 86_400_000}-${NOW}`]),
    );
  });

  it('will not overwrite the unfinished backfill of another range', async () => {
    let controller: AbortController | null = null;
    servePages(pages, (index) => {
      if (index === 1) controller?.abort();
    });
    await backfill(args(), environment(), (io) => {
      controller = io.interrupt;
    });
    const saved = readFileSync(join(dir, 'state.json'), 'utf8');
    const other = await backfill(['--log-group', GROUP, '--since', '2d', '--state', join(dir, 'state.json')]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`holds an unfinished backfill of ${GROUP} --since 7d`);
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe(saved);
  });

  it('starts afresh over a finished checkpoint, and refuses one it cannot read', async () => {
    servePages(pages);
    await backfill(args());
    const again = await backfill(args());
    expect(jsonEvents(again.stdout)).toHaveLength(3);
    writeFileSync(join(dir, 'state.json'), '{"version":1,');
    const broken = await backfill(args());
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`cannot use the checkpoint ${join(dir, 'state.json')}: not JSON`);
  });
});

describe('backfill on the Container Insights host group', () => {
  it('reads the journald records of <node>.host.messages and ignores .host.secure', async () => {
    const group = '/aws/containerinsights/demo/host';
    const journald = liveReport.map((l) => ({
      timestamp: l.timestamp,
      message: JSON.stringify({
        host: 'ip-10-0-1-23',
        ident: 'kernel',
        message: (JSON.parse(l.message) as KmsgRecord).msg,
      }),
    }));
    const secure = [
      {
        timestamp: liveReport[0]?.timestamp as number,
        message: JSON.stringify({
          host: 'ip-10-0-1-23',
          ident: 'sudo',
          message: 'admin : COMMAND=/bin/echo Killed process 1 (init)',
        }),
      },
    ];
    const history = [
      ...matching(`${NODE_A}.host.messages`, journald, 'm'),
      ...matching(`${NODE_A}.host.secure`, secure, 's'),
    ];
    servePages([history]);

    const run = await backfill([
      '--log-group',
      group,
      '--stream-prefix',
      NODE_A,
      '--since',
      '2d',
      '--json',
      '--state',
      join(dir, 'ci.json'),
    ]);

    expect(logs.commandCalls(FilterLogEventsCommand)[0]?.args[0].input).toMatchObject({
      logGroupName: group,
      logStreamNamePrefix: NODE_A,
    });
    const events = jsonEvents(run.stdout);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      node: NODE_A,
      victim: { pid: 17777, name: 'python3' },
      pod: { uid: POD_1 },
      observedAt: new Date(liveReport[0]?.timestamp as number).toISOString(),
      source: { logGroup: group, logStream: `${NODE_A}.host.messages` },
    });
  });
});

describe('backfill --deliver', () => {
  const IDENTITIES: Record<string, { pod: string; workload: string }> = {
    [POD_1]: { pod: 'api-7d9f8-x2x4k', workload: 'api' },
    [POD_9]: { pod: 'worker-5c6d7-qq8zp', workload: 'worker' },
  };
  const resolver: PodResolver = {
    resolve(event) {
      const identity = IDENTITIES[event.pod?.uid ?? ''];
      if (identity === undefined)
        return Promise.resolve({
          kubernetes: null,
          impact: 'unknown',
          enrichment: { status: 'not-found', detail: 'no pod' },
        });
      return Promise.resolve({
        kubernetes: {
          namespace: 'shop',
          pod: identity.pod,
          container: 'app',
          containerType: 'regular',
          workload: { kind: 'Deployment', name: identity.workload },
          qosClass: 'Burstable',
          image: 'registry.example/shop:1.4.2',
          labels: {},
          memoryRequest: '32Mi',
          memoryLimit: '64Mi',
          restartCount: 3,
          lastTermination: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-11-22T15:00:38Z' },
        },
        impact: 'container-restarted',
        enrichment: { status: 'resolved', detail: null },
      });
    },
  };

  /** The enrich and delivery steps in process, with the stores a deployed stack keeps in DynamoDB. */
  function pipeline(failAlertFor: (event: OomEvent) => boolean = () => false) {
    const alerts: AlertMessage[] = [];
    const history: string[] = [];
    let failing: OomEvent | null = null;
    const deliver = enrichThenDeliver(
      {
        cluster: 'demo',
        resolver,
        claims: createMemoryClaimStore(),
        now: () => NOW,
        claimTtlMs: 30 * 86_400_000,
      },
      {
        alerts: {
          publish(message) {
            if (failing !== null) return Promise.reject(new Error('SNS is down'));
            alerts.push(message);
            return Promise.resolve();
          },
        },
        history: {
          write(events) {
            history.push(...events.map((e) => e.id));
            return Promise.resolve();
          },
        },
        storms: new MemoryStormStore(),
        metrics: { countKill: () => undefined },
        windowMinutes: 30,
        eventsLogGroupName: '/eks-oom-alerts/demo/events',
        now: () => new Date(NOW),
      },
    );
    const watched: DeliverKills = (events) => {
      failing = events.find((e) => failAlertFor(e)) ?? null;
      return deliver(events);
    };
    return { deliver: watched, alerts, history, heal: () => (failAlertFor = () => false) };
  }

  const deliverArgs = () => [
    ...args(),
    '--deliver',
    '--cluster',
    'demo',
    '--region',
    'eu-west-1',
    '--state-table',
    'demo-StateTable',
    '--topic-arn',
    'arn:aws:sns:eu-west-1:123456789012:demo-AlertTopic',
  ];

  it('alerts each kill through enrich and delivery once; re-running the same range sends nothing new', async () => {
    servePages(pages);
    const sent = pipeline();
    const targets: unknown[] = [];

    const first = await backfill(deliverArgs(), environment(sent.deliver, targets));
    expect(first.code).toBe(0);
    expect(targets).toEqual([
      {
        region: 'eu-west-1',
        cluster: 'demo',
        stateTable: 'demo-StateTable',
        topicArn: 'arn:aws:sns:eu-west-1:123456789012:demo-AlertTopic',
        eventsLogGroup: '/eks-oom-alerts/demo/events',
      },
    ]);
    // Two workloads: the second kill of shop/api falls in its storm window and waits for the digest.
    expect(sent.alerts.map((a) => a.subject)).toEqual([
      expect.stringContaining('api') as string,
      expect.stringContaining('worker') as string,
    ]);
    expect(sent.history).toHaveLength(3);
    expect(first.stderr).toContain('this run delivered 3, 0 already delivered before');

    const second = await backfill(deliverArgs(), environment(sent.deliver));
    expect(second.code).toBe(0);
    expect(jsonEvents(second.stdout)).toHaveLength(3);
    expect(sent.alerts).toHaveLength(2);
    expect(sent.history).toHaveLength(3);
    expect(second.stderr).toContain('this run delivered 0, 3 already delivered before');
  });

  it('backfill --deliver --cluster demo --stack EksOomAlerts-demo: the names come from the stack outputs', async () => {
    servePages(pages);
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'EksOomAlerts-demo' })
      .resolves(demoStackWith([['ChatTopicArn', 'arn:aws:sns:eu-west-1:123456789012:demo-Chat']]));
    const sent = pipeline();
    const targets: unknown[] = [];
    const run = await backfill(
      [...args(), '--deliver', '--cluster', 'demo', '--region', 'eu-west-1', '--stack', 'EksOomAlerts-demo'],
      environment(sent.deliver, targets),
    );
    expect(run.code).toBe(0);
    expect(targets).toEqual([
      {
        region: 'eu-west-1',
        cluster: 'demo',
        stateTable: 'EksOomAlerts-demo-StateTable1A2B',
        topicArn: 'arn:aws:sns:eu-west-1:123456789012:demo-Alert',
        eventsLogGroup: '/eks-oom-alerts/demo/events',
        chatTopicArn: 'arn:aws:sns:eu-west-1:123456789012:demo-Chat',
      },
    ]);
    expect(sent.history).toHaveLength(3);
  });

  it("backfill --deliver --stack: the stack's storm window, smsFor and runbook link go with the delivery", async () => {
    servePages(pages);
    const runbookUrl = 'https://wiki.example.com/oom/{namespace}/{workload}';
    cloudFormation.on(DescribeStacksCommand, { StackName: 'EksOomAlerts-demo' }).resolves(
      demoStackWith([
        ['GroupingWindowMinutes', '30'],
        ['SmsFor', 'restarts-and-node'],
        ['RunbookUrl', runbookUrl],
      ]),
    );
    const targets: unknown[] = [];
    const deliver = [
      '--deliver',
      '--cluster',
      'demo',
      '--region',
      'eu-west-1',
      '--stack',
      'EksOomAlerts-demo',
    ];
    const run = await backfill([...args(), ...deliver], environment(pipeline().deliver, targets));
    expect(run.code).toBe(0);
    expect(targets).toEqual([
      {
        region: 'eu-west-1',
        cluster: 'demo',
        stateTable: 'EksOomAlerts-demo-StateTable1A2B',
        topicArn: 'arn:aws:sns:eu-west-1:123456789012:demo-Alert',
        eventsLogGroup: '/eks-oom-alerts/demo/events',
        windowMinutes: 30,
        smsFor: 'restarts-and-node',
        runbookUrl,
      },
    ]);

    cloudFormation.reset();
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'EksOomAlerts-demo' })
      .resolves(demoStackWith([['SmsFor', 'some']]));
    const wrong = await backfill([...args(), ...deliver], environment(pipeline().deliver, []));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(
      'backfill: stack EksOomAlerts-demo\'s output SmsFor is not all or restarts-and-node: "some"',
    );

    // notify takes 1 to 1440 minutes: a longer window is no stack's.
    cloudFormation.reset();
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'EksOomAlerts-demo' })
      .resolves(demoStackWith([['GroupingWindowMinutes', '2000']]));
    const long = await backfill([...args(), ...deliver], environment(pipeline().deliver, []));
    expect(long.code).toBe(1);
    expect(long.stderr).toContain(
      'backfill: stack EksOomAlerts-demo\'s output GroupingWindowMinutes is not a number of minutes: "2000"',
    );
  });

  it('backfill --deliver --stack of a stack without the outputs (or none at all) exits 1 and says why', async () => {
    servePages(pages);
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'old' })
      .resolves({
        Stacks: [
          {
            StackName: 'old',
            CreationTime: new Date(NOW),
            StackStatus: 'CREATE_COMPLETE',
            Outputs: [{ OutputKey: 'EventBusName', OutputValue: 'eks-oom-alerts-demo' }],
          },
        ],
      })
      .on(DescribeStacksCommand, { StackName: 'gone' })
      .rejects(Object.assign(new Error('Stack with id gone does not exist'), { name: 'ValidationError' }));
    const targets: unknown[] = [];
    const deliverTo = (stack: string) => [
      ...args(),
      '--deliver',
      '--cluster',
      'demo',
      '--region',
      'eu-west-1',
      '--stack',
      stack,
    ];
    const old = await backfill(deliverTo('old'), environment(pipeline().deliver, targets));
    expect(old.code).toBe(1);
    expect(old.stderr).toContain(
      'backfill: stack old has no output AlertTopicArn, StateTableName, EventsLogGroupName: deploy this version',
    );
    const gone = await backfill(deliverTo('gone'), environment(pipeline().deliver, targets));
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(
      'backfill: cannot describe stack gone: ValidationError: Stack with id gone does not exist',
    );
    expect(targets).toEqual([]);
  });

  it('interrupted and resumed, alerts each kill once', async () => {
    const sent = pipeline();
    let controller: AbortController | null = null;
    servePages(pages, (index) => {
      if (index === 3) controller?.abort();
    });
    const first = await backfill(deliverArgs(), environment(sent.deliver), (io) => {
      controller = io.interrupt;
    });
    expect(first.code).toBe(EXIT.interrupted);
    const second = await backfill(deliverArgs(), environment(sent.deliver));
    expect(second.code).toBe(0);
    expect(sent.alerts).toHaveLength(2);
    expect(sent.history).toHaveLength(3);
  });

  it('stops when a kill cannot be delivered, prints nothing of that page, and the re-run delivers it', async () => {
    servePages(pages);
    const sent = pipeline((event) => event.victim.pid === 19999);
    const first = await backfill(deliverArgs(), environment(sent.deliver));
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('1 of 1 kills not delivered');
    expect(first.stderr).toContain('SNS is down');
    expect(jsonEvents(first.stdout).map((e) => e.victim.pid)).toEqual([17777, 18888]);
    expect(checkpointIn(join(dir, 'state.json')).finished).toBe(false);

    sent.heal();
    const second = await backfill(deliverArgs(), environment(sent.deliver));
    expect(second.code).toBe(0);
    expect(jsonEvents(second.stdout).map((e) => e.victim.pid)).toEqual([19999]);
    expect(sent.alerts.map((a) => a.subject)).toEqual([
      expect.stringContaining('api') as string,
      expect.stringContaining('worker') as string,
    ]);
  });
});

describe('backfill command line', () => {
  it.each([
    [['--since', '7d'], 'give --log-group G, or --cluster NAME for its kernel group'],
    [['--log-group', GROUP], '--since is required (for example --since 7d)'],
    [
      ['--log-group', GROUP, '--since', '7d', '--deliver'],
      '--deliver needs --cluster, --state-table, --topic-arn (or --stack NAME)',
    ],
    [
      ['--log-group', GROUP, '--since', '7d', '--deliver', '--stack', 's', '--topic-arn', 'arn'],
      '--stack names the resources: give it or --topic-arn, not both',
    ],
    [['--log-group', GROUP, '--since', '7d', '--stack', 's'], '--stack is used only with --deliver'],
    [
      ['--log-group', GROUP, '--since', '7d', '--topic-arn', 'arn'],
      '--topic-arn is used only with --deliver',
    ],
    [['--log-group', GROUP, '--since', 'last week'], '--since "last week" is neither a duration'],
    [['--log-group', GROUP, '--since', '1d', '--until', '2d'], 'is not after --since'],
  ])('backfill %j is a usage error', async (line, problem) => {
    const run = await backfill([...line, '--state', join(dir, 'state.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(problem);
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(0);
  });

  it('backfill --cluster demo reads the stack’s kernel group', async () => {
    servePages([[]]);
    await backfill(['--cluster', 'demo', '--since', '1h', '--state', join(dir, 'state.json')]);
    expect(logs.commandCalls(FilterLogEventsCommand)[0]?.args[0].input.logGroupName).toBe(
      '/eks-oom-alerts/demo/kernel',
    );
  });

  it.each([
    [['--cluster', 'demo', '--since', '7d', '--deliver', '--stack', 'EksOomAlerts-demo']],
    [['--cluster', 'demo', '--since', '7d']],
  ])('backfill %j with no AWS region exits 1 asking for --region, reading nothing', async (line) => {
    // What the SDK's region provider does when neither AWS_REGION nor a profile names one.
    const regionless: BackfillEnvironment = {
      ...environment(),
      logsClient: () =>
        new CloudWatchLogsClient({ region: () => Promise.reject<string>(new Error('Region is missing')) }),
    };
    const run = await backfill([...line, '--state', join(dir, 'state.json')], regionless);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'backfill: no AWS region: pass --region R, or set AWS_REGION or a profile’s region\n',
    );
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(0);
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it.each([
    ['in a directory that does not exist', 'missing/state.json', 'no such directory'],
    ['under a file', 'plain/state.json', 'a part of its path is not a directory'],
  ])(
    'backfill --state FILE %s exits 2 before any request, with no advice to run it again',
    async (_what, state, problem) => {
      servePages(pages);
      writeFileSync(join(dir, 'plain'), 'not a directory\n');
      const path = join(dir, state);
      const run = await backfill(['--log-group', GROUP, '--since', '7d', '--state', path]);
      expect(run.code).toBe(EXIT.usage);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        `backfill: cannot write the checkpoint ${path} (${problem}): pass --state FILE where it can be written\n`,
      );
      expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(0);
    },
  );

  it('backfill --help prints the usage', async () => {
    const run = await backfill(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: eks-oom-alerts backfill');
  });
});

describe('backfill progress on stderr', () => {
  it('rewrites one line on a terminal', async () => {
    servePages(pages);
    const run = memoryIo({ now: NOW });
    Object.assign(run.io.stderr, { isTTY: true });
    await createBackfillCommand(environment()).run(args(), run.io);
    const updates = run.stderr.text.split('\r').filter((l) => l.startsWith('backfill: '));
    expect(updates[0]).toMatch(
      /^backfill: 4 events scanned, 0 kills, through 2026-11-22 \d\d:\d\dZ \(\d+% of 2026-11-16 12:00Z – 2026-11-23 12:00Z\)/,
    );
    expect(run.stderr.text).toContain(
      'backfill: 18 events scanned, 3 kills, through 2026-11-23 12:00Z (100% of',
    );
    expect(run.stderr.text.split('\n').filter((l) => l.includes('events scanned'))).toHaveLength(2);
  });

  it('blanks the progress line before a row goes to the same terminal', async () => {
    servePages(pages);
    const stderrAtEachRow: string[] = [];
    const run = memoryIo({ now: NOW, onStdout: () => stderrAtEachRow.push(run.stderr.text) });
    Object.assign(run.io.stderr, { isTTY: true });
    await createBackfillCommand(environment()).run(
      args().filter((a) => a !== '--json'),
      run.io,
    );
    // The header comes before any progress; each row after a blanked line (`\r   …   \r`).
    expect(stderrAtEachRow[0]).toBe('');
    expect(stderrAtEachRow.slice(1)).toHaveLength(3);
    for (const stderr of stderrAtEachRow.slice(1)) expect(stderr).toMatch(/\r {20,}\r$/);
  });

  it('prints periodic lines into a log', async () => {
    servePages(pages);
    const run = await backfill(args());
    const lines = run.stderr.split('\n').filter((l) => l.includes('events scanned'));
    // The clock stands still in this test: the first update, the final figures and the summary.
    expect(lines).toEqual([
      expect.stringMatching(/^backfill: 4 events scanned, 0 kills/) as string,
      expect.stringMatching(
        /^backfill: 18 events scanned, 3 kills, through 2026-11-23 12:00Z \(100%/,
      ) as string,
      'backfill: finished: 18 events scanned, 3 kills',
    ]);
  });
});
