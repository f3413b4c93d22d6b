import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { replayCommand } from '../../../cli/replay/replay-command.ts';
import { readReplayInput } from '../../../cli/replay/replay-input.ts';
import type { EnrichedOomEvent, OomEvent } from '../../../shared/oom-event.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';
import { memoryIo, type MemoryIoOptions } from '../in-memory-io.ts';

/** What a real Fluent Bit 5.1 sent: 4 PutLogEvents bodies, two kills, each in two log groups. */
const FLUENT_BIT = readFileSync(
  new URL('../../fixtures/fluent-bit/putlogevents.jsonl', import.meta.url),
  'utf8',
);
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';

interface PutLogEventsBody {
  logGroupName: string;
  logStreamName: string;
  logEvents: Array<{ timestamp: number; message: string }>;
}

/** The whole-record bodies as a Container Insights-style subscription delivers them: decoded DATA_MESSAGEs. */
function decodedPayloads(): object[] {
  return FLUENT_BIT.split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as PutLogEventsBody)
    .filter((body) => body.logGroupName === '/fluentbit/oom-whole')
    .map((body, b) => ({
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: '/aws/containerinsights/prod-eu/host',
      logStream: `${NODE}.host.dmesg`,
      subscriptionFilters: ['oom'],
      logEvents: body.logEvents.map((e, i) => ({ id: String(10n ** 55n + BigInt(b * 1000 + i)), ...e })),
    }));
}

function rawPayload(decoded: object): object {
  return { awslogs: { data: gzipSync(JSON.stringify(decoded)).toString('base64') } };
}

async function replay(args: string[], files: Record<string, string>, options: MemoryIoOptions = {}) {
  const memory = memoryIo({ ...options, files });
  const code = await replayCommand.run(args, memory.io);
  const lines = memory.stdout.text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, lines, stderr: memory.stderr.text, stdout: memory.stdout.text };
}

type SnsLine = { target: 'sns'; subject: string; message: { default: string; email: string; sms: string } };
type BusLine = { target: 'eventbridge'; entry: { Source: string; DetailType: string; Detail: string } };

const eventBridge = mockClient(EventBridgeClient);

afterEach(() => {
  eventBridge.reset();
});

describe('eks-oom-alerts replay --dry-run', () => {
  it('replay --dry-run --cluster prod-eu fluent-bit.jsonl: one entry and one alert per kill, copies dropped', async () => {
    const { code, lines, stderr } = await replay(['--dry-run', '--cluster', 'prod-eu', 'fluent-bit.jsonl'], {
      'fluent-bit.jsonl': FLUENT_BIT,
    });
    expect(code).toBe(0);
    expect(stderr).toBe(
      'replay: 4 kills parsed, 2 would be delivered, 2 duplicates, 0 failed; 0 unrecognised OOM lines\n',
    );
    expect(lines.map((l) => l.target)).toEqual(['eventbridge', 'eventbridge', 'sns', 'chat', 'sns', 'chat']);
    const entry = (lines[0] as BusLine).entry;
    expect(Object.keys(lines[0]!)).toEqual(['target', 'entry']);
    expect(Object.keys(entry)).toEqual(['Source', 'DetailType', 'Detail']);
    expect(entry.Source).toBe('eks-oom-alerts');
    expect(entry.DetailType).toBe('Pod OOM Killed');
    const detail = JSON.parse(entry.Detail) as EnrichedOomEvent;
    expect(detail).toMatchObject({
      cluster: 'prod-eu',
      pod: { uid: '3962896b-ab69-4572-8f1d-ee756f9f3589' },
      victim: { pid: 2874, name: 'python3' },
      memory: { limitKb: 65536 },
      kubernetes: null,
      enrichment: { status: 'unavailable', detail: 'replay was run without --kubeconfig' },
    });
    const sns = lines[2] as SnsLine;
    expect(Object.keys(sns)).toEqual(['target', 'subject', 'message']);
    expect(Object.keys(sns.message)).toEqual(['default', 'email', 'sms']);
    expect(sns.subject).toBe(
      'OOM: process python3 in pod 3962896b (unresolved) 64Mi pod limit on node-kernel',
    );
    expect(sns.message.email).toContain('replay was run without --kubeconfig');
  });

  it('replay --dry-run examples/fluent-bit-5.1-kmsg-records.jsonl: Fluent Bit records, one a line', async () => {
    const file = 'examples/fluent-bit-5.1-kmsg-records.jsonl';
    const { code, lines, stderr } = await replay(['--dry-run', '--cluster', 'prod-eu', file], {
      [file]: readFileSync(file, 'utf8'),
    });
    expect(code).toBe(0);
    expect(stderr).toBe(
      'replay: 2 kills parsed, 2 would be delivered, 0 duplicates, 0 failed; 0 unrecognised OOM lines\n',
    );
    const details = lines
      .filter((l) => l.target === 'eventbridge')
      .map((l) => JSON.parse((l as BusLine).entry.Detail) as EnrichedOomEvent);
    expect(details.map((d) => [d.node, d.kernelTime, d.victim.pid, d.pod?.uid, d.source])).toEqual([
      [
        'fluent-bit-5.1-kmsg-records',
        3467.508244,
        2874,
        '3962896b-ab69-4572-8f1d-ee756f9f3589',
        expect.objectContaining({
          logGroup: '/eks-oom-alerts/prod-eu/kernel',
          logStream: 'fluent-bit-5.1-kmsg-records.kernel',
        }),
      ],
      [
        'fluent-bit-5.1-kmsg-records',
        4194.691334,
        17777,
        '11111111-2222-3333-4444-555555555555',
        expect.anything(),
      ],
    ]);
    const subjects = lines.filter((l) => l.target === 'sns').map((l) => (l as SnsLine).subject);
    expect(subjects).toHaveLength(2);
  });

  it('replay --dry-run --node N records.jsonl names the node the records came from', async () => {
    const file = 'examples/fluent-bit-5.1-kmsg-records.jsonl';
    const { lines } = await replay(['--dry-run', '--node', NODE, 'records.jsonl'], {
      'records.jsonl': readFileSync(file, 'utf8'),
    });
    const bus = lines.find((l) => l.target === 'eventbridge') as BusLine;
    expect((JSON.parse(bus.entry.Detail) as OomEvent).node).toBe(NODE);
  });

  it('replay --dry-run FILE FILE: the same input twice alerts once', async () => {
    const payload = JSON.stringify(decodedPayloads());
    const { code, lines } = await replay(['--dry-run', 'a.json', 'b.json'], {
      'a.json': payload,
      'b.json': payload,
    });
    expect(code).toBe(0);
    expect(lines.filter((l) => l.target === 'sns')).toHaveLength(2);
    expect(lines.filter((l) => l.target === 'eventbridge')).toHaveLength(2);
  });

  it('reads raw subscription payloads (awslogs.data) as JSON Lines, names the node from the stream', async () => {
    const raw = decodedPayloads()
      .map((d) => JSON.stringify(rawPayload(d)))
      .join('\n');
    const { code, lines } = await replay(['--dry-run', '--cluster', 'prod-eu', 'raw.jsonl'], {
      'raw.jsonl': raw,
    });
    expect(code).toBe(0);
    const subjects = lines.filter((l) => l.target === 'sns').map((l) => (l as SnsLine).subject);
    expect(subjects).toEqual([
      'OOM: process python3 in pod 3962896b (unresolved) 64Mi pod limit on ip-10-0-1-23',
      'OOM: process python3 in pod 11111111 (unresolved) 64Mi pod limit on ip-10-0-1-23',
    ]);
    const detail = JSON.parse((lines[0] as BusLine).entry.Detail) as OomEvent;
    expect(detail.node).toBe(NODE);
    expect(detail.source).toMatchObject({
      logGroup: '/aws/containerinsights/prod-eu/host',
      logStream: `${NODE}.host.dmesg`,
    });
  });

  it('groups a storm: the first kill alerts, the digest of the rest is printed at the end', async () => {
    const resolved = exampleEvent('container-limit');
    const identity = {
      kubernetes: resolved.kubernetes,
      impact: resolved.impact,
      enrichment: resolved.enrichment,
    };
    const connectCluster = async () => ({
      ok: true as const,
      cluster: 'prod-eu',
      server: 'https://prod-eu.example',
      resolver: { resolve: async () => identity },
    });
    const { code, lines } = await replay(
      ['--dry-run', '--kubeconfig', 'kubeconfig.yaml', '--window', '15', 'raw.json'],
      { 'raw.json': JSON.stringify(decodedPayloads().map(rawPayload)) },
      { connectCluster },
    );
    expect(code).toBe(0);
    const sns = lines.filter((l) => l.target === 'sns') as SnsLine[];
    expect(sns.map((l) => l.subject)).toEqual([
      'OOM: prod/checkout-api (api) 64Mi pod limit on ip-10-0-1-23',
      'OOM storm: 1 more OOM kill of prod/checkout-api (api) in 12 min',
    ]);
    expect(sns[1]!.message.sms).toBe(
      'OOM prod-eu: 1 more OOM kill of prod/checkout-api (api) in 12 min, 14:41Z-14:53Z',
    );
  });
});

describe('eks-oom-alerts replay (publishing)', () => {
  it('replay --bus oom-bus FILE: puts the enriched events on the bus and prints nothing', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, i) => ({ EventId: `e-${i}` })),
    }));
    const { code, stdout, stderr } = await replay(['--bus', 'oom-bus', '--cluster', 'prod-eu', 'raw.json'], {
      'raw.json': JSON.stringify(decodedPayloads().map(rawPayload)),
    });
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('2 delivered');
    const entries = eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries.map((e) => [e.EventBusName, e.Source, e.DetailType])).toEqual([
      ['oom-bus', 'eks-oom-alerts', 'Pod OOM Killed'],
      ['oom-bus', 'eks-oom-alerts', 'Pod OOM Killed'],
    ]);
    expect((JSON.parse(entries[0]!.Detail!) as EnrichedOomEvent).cluster).toBe('prod-eu');
  });

  it('exits 1 and names the kill when the bus refuses it', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'no' }],
    });
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const { code, stderr } = await replay(
      ['--bus', 'oom-bus', 'one.json'],
      { 'one.json': JSON.stringify(rawPayload(decodedPayloads()[1]!)) },
      { sleep },
    );
    expect(waits.length).toBeGreaterThan(0);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(waits.length + 1);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /not delivered: PutEvents rejected the entry \d+ times; last: AccessDeniedException: no/,
    );
  });
});

describe('eks-oom-alerts replay: wrong input', () => {
  it('replay FILE without --bus or --dry-run is a usage error', async () => {
    const { code, stderr } = await replay(['x.json'], { 'x.json': '{}' });
    expect(code).toBe(2);
    expect(stderr).toContain('--bus NAME is needed to publish; or use --dry-run to send nothing');
  });

  it('replay --dry-run --bus oom-bus FILE is a usage error: the two are alternatives, and nothing is sent', async () => {
    const { code, stdout, stderr } = await replay(['--dry-run', '--bus', 'oom-bus', 'x.jsonl'], {
      'x.jsonl': readFileSync('examples/fluent-bit-5.1-kmsg-records.jsonl', 'utf8'),
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^replay: --dry-run sends nothing and --bus NAME publishes: give one of them\n\nUsage: eks-oom-alerts replay/,
    );
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('replay --dry-run with no FILE, or a bad --window, is a usage error', async () => {
    expect((await replay(['--dry-run'], {})).code).toBe(2);
    expect((await replay(['--dry-run', '--window', '0', 'x.json'], {})).stderr).toContain('--window must be');
  });

  it('a file that is not a delivery is named, the rest still replayed, exit 1', async () => {
    const { code, stderr, lines } = await replay(['--dry-run', 'bad.json', 'missing.json', 'good.jsonl'], {
      'bad.json': '{"hello":\n"world"}\nnot json',
      'good.jsonl': FLUENT_BIT,
    });
    expect(code).toBe(1);
    expect(stderr).toContain('replay: cannot read bad.json: bad.json:1: not JSON');
    expect(stderr).toContain('replay: cannot read missing.json: no such file');
    expect(lines.filter((l) => l.target === 'sns')).toHaveLength(2);
  });
});

/** Where Fluent Bit records go in these tests. */
const RECORDS = { logGroup: '/eks-oom-alerts/prod-eu/kernel', node: NODE };

describe('readReplayInput', () => {
  it('knows the four shapes and says what is wrong with anything else', () => {
    const decoded = decodedPayloads()[0]!;
    expect(readReplayInput(JSON.stringify(decoded), 'f', RECORDS)).toMatchObject({
      ok: true,
      batches: [{ logStream: `${NODE}.host.dmesg` }],
    });
    expect(readReplayInput(JSON.stringify(rawPayload(decoded)), 'f', RECORDS)).toEqual(
      readReplayInput(JSON.stringify(decoded), 'f', RECORDS),
    );
    expect(
      readReplayInput(
        '{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"m"}]}',
        'f',
        RECORDS,
      ),
    ).toEqual({
      ok: true,
      batches: [{ logGroup: 'g', logStream: 's', logEvents: [{ id: 'f:1#0', timestamp: 1, message: 'm' }] }],
    });
    expect(readReplayInput(JSON.stringify({ awslogs: { data: 'not base64!' } }), 'f', RECORDS)).toMatchObject(
      {
        ok: false,
      },
    );
    expect(readReplayInput('{"logGroupName":"g"}', 'f', RECORDS)).toEqual({
      ok: false,
      problem: 'f:1: a PutLogEvents body needs logGroupName, logStreamName and logEvents',
    });
    // Fluent Bit records, one a line: consecutive ones are one batch of the node's kernel stream, no timestamp.
    const kmsg = '{"priority":6,"sequence":7,"sec":1,"usec":5,"msg":"a"}\n{"MESSAGE":"b"}\n';
    expect(readReplayInput(kmsg, 'f', RECORDS)).toEqual({
      ok: true,
      batches: [
        {
          logGroup: '/eks-oom-alerts/prod-eu/kernel',
          logStream: `${NODE}.kernel`,
          logEvents: [
            {
              id: 'f:1',
              timestamp: undefined,
              message: '{"priority":6,"sequence":7,"sec":1,"usec":5,"msg":"a"}',
            },
            { id: 'f:2', timestamp: undefined, message: '{"MESSAGE":"b"}' },
          ],
        },
      ],
    });
    expect(readReplayInput('{"msg":1}', 'f', RECORDS)).toEqual({
      ok: false,
      problem: 'f:1: a PutLogEvents body needs logGroupName, logStreamName and logEvents',
    });
    expect(readReplayInput('[1]', 'f', RECORDS)).toEqual({ ok: false, problem: 'f:1: not a JSON object' });
    const control = { ...decoded, messageType: 'CONTROL_MESSAGE', logEvents: [] };
    expect(readReplayInput(JSON.stringify(rawPayload(control)), 'f', RECORDS)).toEqual({
      ok: true,
      batches: [],
    });
  });
});
