/**
 * The watch Lambda end to end on 127.0.0.1: nodes from the HTTPS API stand-in through client-node, kernel
 * streams from DescribeLogStreams and the cluster from DescribeCluster through aws-sdk-client-mock.
 */
import {
  CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import type { LogStream } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWatchHandler } from '../../../functions/watch/handler.ts';
import { createWatchStage } from '../../../adapters/watch/watch-stage.ts';
import { METRICS } from '../../../shared/metric-names.ts';
import { KubeApiStandin } from '../../integration/k8s-api-standin.ts';

const CLUSTER = 'prod-eu';
const GROUP = '/eks-oom-alerts/prod-eu/kernel';
const NOW = Date.parse('2025-03-14T09:30:00Z');
const MIN = 60_000;
const node = (index: number) => `ip-10-0-${index}-${index}.eu-west-1.compute.internal`;

const eks = mockClient(EKSClient);
const logs = mockClient(CloudWatchLogsClient);
let api: KubeApiStandin;

beforeAll(async () => {
  api = await KubeApiStandin.start({ acceptsToken: (t) => t.startsWith('k8s-aws-v1.'), maxPageSize: 2 });
});
afterAll(() => api.stop());
beforeEach(() => {
  api.reset();
  eks.reset();
  logs.reset();
  eks.on(DescribeClusterCommand).resolves({
    cluster: {
      name: CLUSTER,
      endpoint: api.url,
      status: 'ACTIVE',
      certificateAuthority: { data: api.caData },
    },
  });
});

function clusterNode(name: string, ageMs: number, labels: Record<string, string> = {}) {
  return {
    metadata: {
      name,
      creationTimestamp: new Date(NOW - ageMs).toISOString(),
      labels: { 'kubernetes.io/os': 'linux', ...labels },
    },
  };
}

function stream(logStreamName: string, agoMs: number): LogStream {
  return { logStreamName, lastEventTimestamp: NOW - agoMs, lastIngestionTime: NOW - agoMs };
}

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'watch',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:watch',
    memoryLimitInMB: '256',
    awsRequestId: 'req-1',
    logGroupName: '/aws/lambda/watch',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function makeHandler(silentNodeMinutes = 30) {
  const stage = createWatchStage({
    clusterName: CLUSTER,
    region: 'eu-west-1',
    eks: new EKSClient({ region: 'eu-west-1' }),
    credentials: () => Promise.resolve({ accessKeyId: 'AKIDWATCH', secretAccessKey: 'secret' }),
    logs: new CloudWatchLogsClient({ region: 'eu-west-1' }),
    kernelLogGroupName: GROUP,
    silentNodeMinutes,
    nodeGraceMinutes: 10,
    now: () => NOW,
  });
  const logger = new Logger({ logLevel: 'SILENT' });
  const warn = vi.spyOn(logger, 'warn');
  const info = vi.spyOn(logger, 'info');
  const metrics = new Metrics({ namespace: 'EksOomAlertsTest', serviceName: 'watch' });
  const addMetric = vi.spyOn(metrics, 'addMetric');
  const publish = vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
  const handler = createWatchHandler(() => stage, logger, metrics);
  return { invoke: () => handler({}, lambdaContext()) as Promise<void>, warn, info, addMetric, publish };
}

describe('watch handler', () => {
  it('counts and names the nodes without recent kernel lines, reading every page of nodes and streams', async () => {
    api.nodes = [
      clusterNode(node(1), 60 * MIN),
      clusterNode(node(2), 60 * MIN),
      clusterNode(node(3), 5 * MIN),
      clusterNode(node(4), 60 * MIN),
      clusterNode('fargate-ip-10-0-5-5', 60 * MIN, { 'eks.amazonaws.com/compute-type': 'fargate' }),
      clusterNode('akswin000000', 60 * MIN, { 'kubernetes.io/os': 'windows' }),
    ];
    logs
      .on(DescribeLogStreamsCommand, { nextToken: undefined })
      .resolves({ logStreams: [stream(`${node(1)}.kernel`, 2 * MIN)], nextToken: 'page-2' })
      .on(DescribeLogStreamsCommand, { nextToken: 'page-2' })
      .resolves({ logStreams: [stream(`${node(2)}.kernel`, 45 * MIN)] });
    const { invoke, warn, addMetric, publish } = makeHandler();

    await invoke();

    expect(addMetric.mock.calls).toEqual([[METRICS.nodesNotShipping, 'Count', 2]]);
    expect(publish).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('nodes ship no kernel lines'), {
      notShipping: 2,
      shipping: 1,
      inGrace: 1,
      skipped: 2,
      nodes: [
        { node: node(2), lastShippedAt: new Date(NOW - 45 * MIN).toISOString() },
        { node: node(4), lastShippedAt: null },
      ],
    });
    // Three pages of two nodes: the first from the watch cache, the others by continue token alone.
    const nodePages = api.requestsTo('/api/v1/nodes');
    expect(nodePages.map((r) => [r.query.get('resourceVersion'), r.query.get('continue') !== null])).toEqual([
      ['0', false],
      [null, true],
      [null, true],
    ]);
    expect(logs.commandCalls(DescribeLogStreamsCommand).map((c) => c.args[0].input)).toEqual([
      { logGroupName: GROUP, orderBy: 'LastEventTime', descending: true, limit: 50, nextToken: undefined },
      { logGroupName: GROUP, orderBy: 'LastEventTime', descending: true, limit: 50, nextToken: 'page-2' },
    ]);
  });

  it('publishes no datapoint when every node ships', async () => {
    api.nodes = [clusterNode(node(1), 60 * MIN)];
    logs.on(DescribeLogStreamsCommand).resolves({ logStreams: [stream(`${node(1)}.kernel`, 4 * MIN)] });
    const { invoke, info, addMetric, publish } = makeHandler();

    await invoke();

    expect(addMetric).not.toHaveBeenCalled();
    expect(publish).not.toHaveBeenCalled();
    expect(info).toHaveBeenCalledWith('every node ships kernel lines', {
      notShipping: 0,
      shipping: 1,
      inGrace: 0,
      skipped: 0,
    });
  });

  it('reads the Container Insights host group: dmesg and messages count, the auth log does not', async () => {
    api.nodes = [clusterNode(node(1), 600 * MIN), clusterNode(node(2), 600 * MIN)];
    logs.on(DescribeLogStreamsCommand).resolves({
      logStreams: [
        stream(`${node(2)}.host.secure`, 1 * MIN),
        stream(`${node(1)}.host.messages`, 3 * MIN),
        stream(`${node(1)}.host.dmesg`, 200 * MIN),
      ],
    });
    const { invoke, addMetric, warn } = makeHandler(360);

    await invoke();

    expect(addMetric.mock.calls).toEqual([[METRICS.nodesNotShipping, 'Count', 1]]);
    expect(warn.mock.calls[0]?.[1]).toMatchObject({ nodes: [{ node: node(2), lastShippedAt: null }] });
  });

  it('stops listing streams once they are older than the silence window and the documented lag', async () => {
    api.nodes = [clusterNode(node(1), 600 * MIN), clusterNode(node(2), 600 * MIN)];
    logs
      .on(DescribeLogStreamsCommand, { nextToken: undefined })
      .resolves({
        logStreams: [stream(`${node(1)}.kernel`, 1 * MIN), stream(`${node(2)}.kernel`, 200 * MIN)],
        nextToken: 'page-2',
      })
      .on(DescribeLogStreamsCommand, { nextToken: 'page-2' })
      .rejects(new Error('must not be asked'));
    const { invoke, addMetric } = makeHandler();

    await invoke();

    expect(logs.commandCalls(DescribeLogStreamsCommand)).toHaveLength(1);
    expect(addMetric.mock.calls).toEqual([[METRICS.nodesNotShipping, 'Count', 1]]);
  });

  it('fails the invocation, with no metric, when the nodes cannot be read (403)', async () => {
    api.nodes = [clusterNode(node(1), 60 * MIN)];
    api.inject({ pathPrefix: '/api/v1/nodes', status: 403 });
    logs.on(DescribeLogStreamsCommand).resolves({ logStreams: [] });
    const { invoke, addMetric } = makeHandler();

    await expect(invoke()).rejects.toThrow();
    expect(addMetric).not.toHaveBeenCalled();
  });

  it('fails the invocation when the kernel log group is gone', async () => {
    api.nodes = [clusterNode(node(1), 60 * MIN)];
    logs
      .on(DescribeLogStreamsCommand)
      .rejects(
        new ResourceNotFoundException({ message: 'The specified log group does not exist.', $metadata: {} }),
      );
    const { invoke, addMetric } = makeHandler();

    await expect(invoke()).rejects.toThrow('The specified log group does not exist.');
    expect(addMetric).not.toHaveBeenCalled();
  });
});
