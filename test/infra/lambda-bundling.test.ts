/**
 * The function bundles built with the deployed options (infra/lambda-bundling.ts), run the way the Lambda
 * runtime runs them: `require`d in a fresh Node process, the SDK clients from node_modules as the runtime
 * provides them. The enrich bundle handles an SQS batch end to end on 127.0.0.1: DescribeCluster, PutEvents
 * and FilterLogEvents from a local AWS stand-in, claims on dynalite, the pod from the HTTPS Kubernetes API
 * stand-in through the bundled client-node, undici subset and stand-ins: what the bundle leaves out is never
 * needed on the way. The parse bundle handles a real Fluent Bit batch split across two invocations: the
 * report left open by the first is carried in the state table (dynalite, through the bundled marshalling) and
 * completed by the second, and each kill reaches the queue stand-in.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../infra/lambda-bundling.ts';
import type { EnrichedOomEvent } from '../../shared/oom-event.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { OomEvent } from '../../shared/oom-event.ts';
import { NODE, POD_UID, oomEvent, podJson } from '../fixtures/kubernetes-objects.ts';
import {
  bodiesOfGroup,
  dataMessage,
  logEventsOf,
  subscriptionEvent,
  WHOLE_RECORD_GROUP,
} from '../fixtures/subscription/subscription-payloads.ts';
import { KubeApiStandin } from '../integration/k8s-api-standin.ts';
import { startStateTable, type StateTable } from '../integration/local-dynamo.ts';

const ROOT = join(import.meta.dirname, '../..');
const CLUSTER = 'prod-eu';
const FUNCTIONS = ['parse', 'enrich', 'notify'] as const;

/** DescribeCluster, PutEvents and FilterLogEvents as the SDK clients call them; every PutEvents body kept. */
class AwsStandin {
  readonly putEvents: { Entries: { Detail: string; DetailType: string }[] }[] = [];
  readonly queued: { Id: string; MessageBody: string }[] = [];
  readonly unexpected: string[] = [];
  url = '';
  readonly #cluster: { endpoint: string; caData: string };
  #server: Server | null = null;

  constructor(cluster: { endpoint: string; caData: string }) {
    this.#cluster = cluster;
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => void this.#answer(req, res));
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server?.close(() => resolve()));
  }

  async #answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const target = req.headers['x-amz-target'];
    const json = (status: number, value: unknown, type = 'application/x-amz-json-1.1') => {
      res.writeHead(status, { 'content-type': type });
      res.end(JSON.stringify(value));
    };
    if (req.method === 'GET' && req.url === `/clusters/${CLUSTER}`) {
      const { endpoint, caData } = this.#cluster;
      const cluster = { name: CLUSTER, endpoint, status: 'ACTIVE', certificateAuthority: { data: caData } };
      return json(200, { cluster }, 'application/json');
    }
    if (target === 'AWSEvents.PutEvents') {
      const request = JSON.parse(body) as AwsStandin['putEvents'][number];
      this.putEvents.push(request);
      return json(200, {
        FailedEntryCount: 0,
        Entries: request.Entries.map((_, i) => ({ EventId: `e-${i}` })),
      });
    }
    if (target === 'AmazonSQS.SendMessageBatch') {
      const request = JSON.parse(body) as { Entries: AwsStandin['queued'] };
      this.queued.push(...request.Entries);
      // The SQS client checks each body's MD5 against the answer's.
      const md5 = (text: string) => createHash('md5').update(text).digest('hex');
      return json(
        200,
        {
          Successful: request.Entries.map((e) => ({
            Id: e.Id,
            MessageId: `m-${e.Id}`,
            MD5OfMessageBody: md5(e.MessageBody),
          })),
          Failed: [],
        },
        'application/x-amz-json-1.0',
      );
    }
    if (target === 'Logs_20140328.FilterLogEvents') return json(200, { events: [], searchedLogStreams: [] });
    this.unexpected.push(`${req.method} ${req.url} ${String(target)}`);
    return json(400, { __type: 'UnknownOperationException', message: 'not in the stand-in' });
  }
}

/**
 * Runs `script` in a fresh Node process with the bundle's `require` path and `env`; what it printed after
 * `RESULT`. Asynchronous: the stand-ins it talks to answer from this process.
 */
async function runInFreshProcess(script: string, env: Record<string, string>): Promise<unknown> {
  const child = spawn(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH ?? '', NODE_PATH: join(ROOT, 'node_modules'), ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [status] = (await once(child, 'close')) as [number | null];
  const result = /^RESULT (.*)$/m.exec(stdout)?.[1];
  if (status !== 0 || result === undefined) {
    throw new Error(`fresh process failed (${status}): ${stderr}\n${stdout}`);
  }
  return JSON.parse(result);
}

// Made before the first test, not when the file is collected: a run that filters every test out runs no hook.
let outdir = '';
const bundle = (name: string) => join(outdir, `${name}.cjs`);

/**
 * One invocation of a function bundle's handler in a fresh process, against the AWS stand-in and dynalite: what
 * it returned (null: nothing). `env`: the function's own settings.
 */
async function invokeBundle(
  name: (typeof FUNCTIONS)[number],
  event: unknown,
  stand: { aws: AwsStandin; table: StateTable; memoryMb: string },
  env: Record<string, string>,
): Promise<unknown> {
  const context = {
    functionName: name,
    memoryLimitInMB: stand.memoryMb,
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:111122223333:function:${name}`,
    awsRequestId: 'req-1',
  };
  const script = `
    const { handler } = require(${JSON.stringify(bundle(name))});
    const context = ${JSON.stringify(context)};
    context.getRemainingTimeInMillis = () => 30000;
    handler(${JSON.stringify(event)}, context).then(
      (answer) => console.log('RESULT ' + JSON.stringify(answer ?? null)),
      (error) => { console.error(error); process.exit(1); },
    );`;
  return runInFreshProcess(script, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDBUNDLETEST',
    AWS_SECRET_ACCESS_KEY: 'bundle-test',
    AWS_ENDPOINT_URL: stand.aws.url,
    AWS_ENDPOINT_URL_DYNAMODB: stand.table.endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    CLUSTER_NAME: CLUSTER,
    STATE_TABLE_NAME: stand.table.tableName,
    POWERTOOLS_METRICS_NAMESPACE: 'test',
    ...env,
  });
}

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'lambda-bundles-'));
  for (const name of FUNCTIONS) {
    const result = await build({ ...esbuildOptions(ROOT, name, bundle(name)), logLevel: 'silent' });
    expect(result.warnings).toEqual([]);
  }
}, 60_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('function bundles', () => {
  it('load in a fresh process without the AWS SDK until their first event, and export the handler', async () => {
    for (const name of FUNCTIONS) {
      const script = `
        const handler = require(${JSON.stringify(bundle(name))}).handler;
        const sdk = Object.keys(require.cache).filter((file) => file.includes('/@aws-sdk/client-'));
        console.log('RESULT ' + JSON.stringify({ handler: typeof handler, sdk }));`;
      expect(await runInFreshProcess(script, { AWS_REGION: 'eu-west-1' })).toEqual({
        handler: 'function',
        sdk: [],
      });
    }
  });
});

describe('the enrich bundle', () => {
  let api: KubeApiStandin;
  let aws: AwsStandin;
  let table: StateTable;

  beforeAll(async () => {
    [api, table] = await Promise.all([
      KubeApiStandin.start({ acceptsToken: (token) => token.startsWith('k8s-aws-v1.') }),
      startStateTable(),
    ]);
    aws = new AwsStandin({ endpoint: api.url, caData: api.caData });
    await aws.start();
  });
  afterAll(async () => {
    await Promise.all([api.stop(), aws.stop(), table.close()]);
  });

  it('enriches a kill from the API server in a fresh process and publishes it to the bus', async () => {
    api.pods = [podJson()];
    const kill = oomEvent({ observedAt: new Date(Date.now() - 60_000).toISOString() });
    const sqsEvent = {
      Records: [
        { messageId: 'm-1', body: JSON.stringify(kill), attributes: { ApproximateReceiveCount: '1' } },
      ],
    };
    const answer = await invokeBundle(
      'enrich',
      sqsEvent,
      { aws, table, memoryMb: '512' },
      { EVENT_BUS_NAME: 'oom-bus', KERNEL_LOG_GROUP_NAME: '/eks/prod-eu/kernel' },
    );

    expect(answer).toEqual({ batchItemFailures: [] });
    expect(aws.unexpected).toEqual([]);
    expect(api.requestsTo('/api/v1/pods')[0]?.query.get('fieldSelector')).toBe(`spec.nodeName=${NODE}`);
    const entries = aws.putEvents.flatMap((request) => request.Entries);
    expect(entries).toHaveLength(1);
    const published = JSON.parse(entries[0]?.Detail ?? '{}') as EnrichedOomEvent;
    expect(published.pod?.uid).toBe(POD_UID);
    expect(published.enrichment.status).toBe('resolved');
    expect(published.kubernetes?.pod).toBe(podJson().metadata.name);
  });
});

describe('the parse bundle', () => {
  let aws: AwsStandin;
  let table: StateTable;

  beforeAll(async () => {
    table = await startStateTable();
    aws = new AwsStandin({ endpoint: 'https://127.0.0.1:1', caData: '' });
    await aws.start();
  });
  afterAll(async () => {
    await Promise.all([aws.stop(), table.close()]);
  });

  /** One invocation of the parse bundle in a fresh process: what the handler returned (null: nothing). */
  const invokeParseBundle = (event: unknown): Promise<unknown> =>
    invokeBundle(
      'parse',
      event,
      { aws, table, memoryMb: '256' },
      { EVENTS_QUEUE_URL: `${aws.url}/111122223333/events` },
    );

  it('completes a report split across two invocations through the state table, and queues each kill', async () => {
    const events = bodiesOfGroup(WHOLE_RECORD_GROUP).flatMap((body, i) => logEventsOf(body, i));
    // The first invocation ends after the first report's header: the report is open when its state is saved.
    const split = events.findIndex((e) => e.message.includes('invoked oom-killer')) + 1;
    expect(split).toBeGreaterThan(0);
    const stream = 'node-kernel';
    const key = { pk: `parse#${WHOLE_RECORD_GROUP}#${stream}` };
    const savedItem = async () =>
      (await table.documents.send(new GetCommand({ TableName: table.tableName, Key: key }))).Item;

    expect(
      await invokeParseBundle(
        subscriptionEvent(dataMessage(WHOLE_RECORD_GROUP, stream, events.slice(0, split))),
      ),
    ).toBeNull();
    expect(aws.queued).toEqual([]);
    const first = await savedItem();
    expect(first?.version).toBe(1);
    expect(JSON.parse(String(first?.state)).open.trigger.name).toBe('python3');

    expect(
      await invokeParseBundle(
        subscriptionEvent(dataMessage(WHOLE_RECORD_GROUP, stream, events.slice(split))),
      ),
    ).toBeNull();
    expect(aws.unexpected).toEqual([]);
    const kills = aws.queued.map((entry) => JSON.parse(entry.MessageBody) as OomEvent);
    expect(kills.map((k) => [k.victim.pid, k.complete, k.memory?.failcnt])).toEqual([
      [2874, true, 98],
      [17777, true, 142],
    ]);
    expect((await savedItem())?.version).toBe(2);
  });
});
