/**
 * Enrichment against a real HTTPS API server stand-in through the real @kubernetes/client-node: the EKS path
 * (DescribeCluster → endpoint + CA, presigned STS token) and the kubeconfig path, pagination, the storm bound
 * counted in HTTP requests, and the faults that must end in "unavailable" rather than a lost alert.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { KubeConfig } from '@kubernetes/client-node';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEksTokenSource } from '../../../adapters/kubernetes/eks-token.ts';
import {
  createEksKubeReader,
  createResolverFromKubeconfig,
} from '../../../adapters/kubernetes/kube-client.ts';
import { createKubeReader } from '../../../adapters/kubernetes/kube-reader.ts';
import { createPodResolver } from '../../../adapters/kubernetes/pod-resolver.ts';
import { fakeTiming } from '../fake-timing.ts';
import {
  CONTAINER_ID,
  KILL_TIME,
  NODE,
  POD_UID,
  oomEvent,
  ownedObjectJson,
  podEventJson,
  podJson,
} from '../../fixtures/kubernetes-objects.ts';
import { KubeApiStandin } from '../../integration/k8s-api-standin.ts';

const CLUSTER = 'prod-eu';
const AFTER_KILL = Date.parse(KILL_TIME) + 60_000;
const DEADLINE = AFTER_KILL + 20_000;
const credentials = { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'standin-secret' };

/** What the API server's authenticator would check before asking STS: an EKS token for this cluster's signer. */
function isEksToken(token: string): boolean {
  if (!token.startsWith('k8s-aws-v1.')) return false;
  const url = new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString());
  return (
    url.host === 'sts.eu-west-1.amazonaws.com' &&
    url.searchParams.get('Action') === 'GetCallerIdentity' &&
    (url.searchParams.get('X-Amz-SignedHeaders') ?? '').split(';').includes('x-k8s-aws-id') &&
    (url.searchParams.get('X-Amz-Credential') ?? '').startsWith('AKIDSTANDIN/')
  );
}

const eks = mockClient(EKSClient);
let api: KubeApiStandin;

beforeAll(async () => {
  api = await KubeApiStandin.start({ acceptsToken: isEksToken, maxPageSize: 2 });
});
afterAll(() => api.stop());
beforeEach(() => {
  api.reset();
  api.pods = [podJson()];
  eks.reset();
  eks.on(DescribeClusterCommand).resolves({
    cluster: {
      name: CLUSTER,
      endpoint: api.url,
      status: 'ACTIVE',
      certificateAuthority: { data: api.caData },
    },
  });
});

function eksResolver(
  timing = fakeTiming(AFTER_KILL),
  attemptTimeoutMs = 5_000,
  credentialsFor = (_signing: number) => Promise.resolve(credentials),
) {
  let signings = 0;
  const tokens = createEksTokenSource(
    {
      clusterName: CLUSTER,
      region: 'eu-west-1',
      // Asked once per token signed.
      credentials: () => credentialsFor(++signings),
    },
    () => timing.now(),
  );
  const reader = createEksKubeReader({
    clusterName: CLUSTER,
    eks: new EKSClient({ region: 'eu-west-1' }),
    tokens,
  });
  return {
    resolver: createPodResolver({ reader, timing, attemptTimeoutMs }),
    timing,
    signings: () => signings,
  };
}

describe('enrichment on EKS through client-node', () => {
  it('describes the cluster once, authenticates with the EKS token, and pages through the node’s pods', async () => {
    api.pods = [
      ...Array.from({ length: 4 }, (_, i) =>
        podJson({ name: `other-${i}`, uid: `00000000-0000-4000-8000-00000000000${i}` }),
      ),
      podJson(),
    ];
    const { resolver } = eksResolver();
    const first = await resolver.resolve(oomEvent(), DEADLINE);
    await resolver.resolve(oomEvent({ id: 'ev-2' }), DEADLINE);

    expect(first).toMatchObject({
      kubernetes: {
        namespace: 'shop',
        pod: 'web-7d9f8b6c5d-x2x9k',
        container: 'app',
        workload: { kind: 'Deployment', name: 'web' },
        memoryLimit: '512Mi',
      },
      impact: 'process-killed-container-running',
      enrichment: { status: 'resolved', detail: null },
    });
    expect(eks.commandCalls(DescribeClusterCommand).map((c) => c.args[0].input)).toEqual([{ name: CLUSTER }]);
    const lists = api.requestsTo('/api/v1/pods');
    expect(lists).toHaveLength(3);
    expect(lists.every((r) => r.query.get('fieldSelector') === `spec.nodeName=${NODE}`)).toBe(true);
    expect(
      lists.every((r) => r.authorization !== null && isEksToken(r.authorization.slice('Bearer '.length))),
    ).toBe(true);
    expect([lists[0]?.query.get('resourceVersion'), lists[0]?.query.get('continue')]).toEqual(['0', null]);
    expect(
      lists.slice(1).map((r) => [r.query.get('resourceVersion'), r.query.get('continue') !== null]),
    ).toEqual([
      [null, true],
      [null, true],
    ]);
  });

  it('costs 50 pod lists for a storm of 1,000 kills on 50 nodes', async () => {
    const nodes = Array.from({ length: 50 }, (_, n) => `ip-10-0-${n}-9.eu-west-1.compute.internal`);
    api.pods = nodes.flatMap((node, n) =>
      [0, 1].map((p) =>
        podJson({
          node,
          name: `w-${n}-${p}`,
          uid: `${String(n).padStart(8, '0')}-0000-4000-8000-${String(p).padStart(12, '0')}`,
        }),
      ),
    );
    const { resolver } = eksResolver();
    const kills = Array.from({ length: 1000 }, (_, k) => {
      const pod = api.pods[k % api.pods.length] as ReturnType<typeof podJson>;
      return oomEvent({
        id: `storm-${k}`,
        node: pod.spec.nodeName,
        pod: { uid: pod.metadata.uid, qos: 'burstable' },
      });
    });
    const results = await Promise.all(kills.map((k) => resolver.resolve(k, DEADLINE)));
    expect(results.filter((r) => r.enrichment.status === 'resolved')).toHaveLength(1000);
    // Two pods per node and two per page: one list call per node.
    expect(api.requestsTo('/api/v1/pods')).toHaveLength(50);
    expect(api.requests.filter((r) => r.query.get('fieldSelector') === null)).toEqual([]);
  });

  it('finds a deleted pod through Events by involvedObject.uid', async () => {
    api.pods = [];
    api.events = [podEventJson(POD_UID, 'shop', 'web-7d9f8b6c5d-x2x9k')];
    const { resolver } = eksResolver();
    const result = await resolver.resolve(oomEvent(), DEADLINE);
    expect(result).toMatchObject({
      kubernetes: { namespace: 'shop', pod: 'web-7d9f8b6c5d-x2x9k' },
      impact: 'pod-deleted',
      enrichment: { status: 'resolved-from-events' },
    });
    expect(api.requestsTo('/api/v1/events').map((r) => r.query.get('fieldSelector'))).toEqual([
      `involvedObject.uid=${POD_UID}`,
    ]);
  });

  it('reads the ReplicaSet and the Job over HTTP when the pod alone cannot name the workload', async () => {
    const cronPod = podJson({
      name: 'report-28950840-x',
      uid: '44444444-4444-4444-8444-444444444444',
      owner: { kind: 'Job', name: 'report-28950840' },
    });
    api.pods = [podJson({ labels: { app: 'web' } }), cronPod];
    api.replicaSets = [
      ownedObjectJson('ReplicaSet', 'shop', 'web-7d9f8b6c5d', { kind: 'Rollout', name: 'web' }),
    ];
    api.jobs = [ownedObjectJson('Job', 'shop', 'report-28950840', { kind: 'CronJob', name: 'report' })];
    const { resolver } = eksResolver();
    const web = await resolver.resolve(oomEvent(), DEADLINE);
    const report = await resolver.resolve(
      oomEvent({ id: 'ev-2', pod: { uid: cronPod.metadata.uid, qos: 'burstable' } }),
      DEADLINE,
    );
    expect(web.kubernetes?.workload).toEqual({ kind: 'Rollout', name: 'web' });
    expect(report.kubernetes?.workload).toEqual({ kind: 'CronJob', name: 'report' });
    expect(api.requestsTo('/apis/').map((r) => r.path)).toEqual([
      '/apis/apps/v1/namespaces/shop/replicasets/web-7d9f8b6c5d',
      '/apis/batch/v1/namespaces/shop/jobs/report-28950840',
    ]);
  });
});

describe('API faults end in a delivered event', () => {
  it('waits out a 429 for its Retry-After, then resolves', async () => {
    api.inject({ pathPrefix: '/api/v1/pods', status: 429, retryAfter: '2' });
    const { resolver, timing } = eksResolver();
    const result = await resolver.resolve(oomEvent(), DEADLINE);
    expect(result.enrichment.status).toBe('resolved');
    expect(timing.sleeps).toEqual([2_000]);
    expect(api.requestsTo('/api/v1/pods')).toHaveLength(2);
  });

  it('retries 500s with backoff, then resolves', async () => {
    api.inject({ status: 500 }, { status: 503 });
    const { resolver, timing } = eksResolver();
    expect((await resolver.resolve(oomEvent(), DEADLINE)).enrichment.status).toBe('resolved');
    expect(timing.sleeps).toEqual([150, 300]);
  });

  it('gives "unavailable" with the reason when every answer is 500', async () => {
    api.inject(...Array.from({ length: 10 }, () => ({ status: 500 })));
    const { resolver } = eksResolver();
    const result = await resolver.resolve(oomEvent(), AFTER_KILL + 3_000);
    expect(result).toEqual({
      kubernetes: null,
      impact: 'unknown',
      enrichment: {
        status: 'unavailable',
        detail: `pods on node ${NODE} could not be listed: the API server failed (500); gave up after 5 attempts`,
      },
    });
  });

  it('gives up on a hanging API server at the attempt timeout', async () => {
    api.inject({ hang: true }, { hang: true });
    const { resolver } = eksResolver(fakeTiming(AFTER_KILL), 150);
    const result = await resolver.resolve(oomEvent(), AFTER_KILL + 400);
    expect(result.enrichment).toEqual({
      status: 'unavailable',
      detail: `pods on node ${NODE} could not be listed: the API server did not answer in time; gave up after 2 attempts`,
    });
  });

  it('answers within the attempt timeout despite latency', async () => {
    api.inject({ delayMs: 50 });
    const { resolver } = eksResolver(fakeTiming(AFTER_KILL), 5_000);
    expect((await resolver.resolve(oomEvent(), DEADLINE)).enrichment.status).toBe('resolved');
  });

  it('says the API server is unreachable when nothing listens', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromClusterAndUser(
      { name: 'gone', server: `https://127.0.0.1:${closed}`, caData: api.caData, skipTLSVerify: false },
      { name: 'u', token: 't' },
    );
    const resolver = createPodResolver({
      reader: createKubeReader(kubeConfig),
      timing: fakeTiming(AFTER_KILL),
    });
    const result = await resolver.resolve(oomEvent(), AFTER_KILL + 1_000);
    expect(result.enrichment).toEqual({
      status: 'unavailable',
      detail: `pods on node ${NODE} could not be listed: the API server is unreachable (ECONNREFUSED); gave up after 3 attempts`,
    });
  });

  it('says why when DescribeCluster fails, and asks again next time', async () => {
    eks.reset();
    eks
      .on(DescribeClusterCommand)
      .rejectsOnce(
        Object.assign(new Error('User is not authorized to perform eks:DescribeCluster'), {
          name: 'AccessDeniedException',
        }),
      )
      .resolves({
        cluster: { name: CLUSTER, endpoint: api.url, certificateAuthority: { data: api.caData } },
      });
    const { resolver } = eksResolver();
    const failed = await resolver.resolve(oomEvent(), DEADLINE);
    expect(failed.enrichment).toEqual({
      status: 'unavailable',
      detail: `pods on node ${NODE} could not be listed: DescribeCluster ${CLUSTER} failed: AccessDeniedException: User is not authorized to perform eks:DescribeCluster`,
    });
    expect((await resolver.resolve(oomEvent(), DEADLINE)).enrichment.status).toBe('resolved');
  });
});

describe('auth errors end the lookup at once', () => {
  it('signs a fresh token once after a 401, and resolves with it without backing off', async () => {
    api.inject({ pathPrefix: '/api/v1/pods', status: 401 });
    const { resolver, signings, timing } = eksResolver();
    expect((await resolver.resolve(oomEvent(), DEADLINE)).enrichment.status).toBe('resolved');
    expect(api.requestsTo('/api/v1/pods')).toHaveLength(2);
    expect(signings()).toBe(2);
    expect(timing.sleeps).toEqual([]);
  });

  it('gives "unavailable" at once when the fresh token is rejected too', async () => {
    api.inject(...Array.from({ length: 10 }, () => ({ pathPrefix: '/api/v1/pods', status: 401 })));
    const { resolver, signings, timing } = eksResolver();
    const result = await resolver.resolve(oomEvent(), DEADLINE);
    expect(result.enrichment).toEqual({
      status: 'unavailable',
      detail: `pods on node ${NODE} could not be listed: the API server rejected the token (401 Unauthorized), a freshly signed one too: check that the role has an EKS access entry`,
    });
    expect(api.requestsTo('/api/v1/pods')).toHaveLength(2);
    expect(signings()).toBe(2);
    expect(timing.sleeps).toEqual([]);
  });

  it('gives "unavailable" at the first 403, with what the API server said', async () => {
    api.inject(...Array.from({ length: 10 }, () => ({ pathPrefix: '/api/v1/pods', status: 403 })));
    const { resolver, signings } = eksResolver();
    const result = await resolver.resolve(oomEvent(), DEADLINE);
    expect(result.enrichment).toEqual({
      status: 'unavailable',
      detail: `pods on node ${NODE} could not be listed: the API server refused access (403 Forbidden: injected 403): check the access entry and the eks-oom-alerts-reader ClusterRole bound to its group`,
    });
    expect(api.requestsTo('/api/v1/pods')).toHaveLength(1);
    expect(signings()).toBe(1);
  });
});

describe('stalled calls end within the deadline', () => {
  it('gives "unavailable" in time when DescribeCluster never answers, and describes again next time', async () => {
    eks.reset();
    eks.on(DescribeClusterCommand).callsFake(() => new Promise(() => undefined));
    const { resolver } = eksResolver(fakeTiming(AFTER_KILL), 200);
    const stalled = await resolver.resolve(oomEvent(), AFTER_KILL + 400);
    expect(stalled.enrichment).toEqual({
      status: 'unavailable',
      detail: `pods on node ${NODE} could not be listed: DescribeCluster ${CLUSTER} did not answer in time; gave up after 2 attempts`,
    });
    eks.reset();
    eks.on(DescribeClusterCommand).resolves({
      cluster: { name: CLUSTER, endpoint: api.url, certificateAuthority: { data: api.caData } },
    });
    expect((await resolver.resolve(oomEvent(), DEADLINE)).enrichment.status).toBe('resolved');
  }, 5_000);

  it('signs a fresh token when signing the cached one stalled', async () => {
    const { resolver, signings } = eksResolver(fakeTiming(AFTER_KILL), 200, (signing) =>
      signing === 1 ? new Promise(() => undefined) : Promise.resolve(credentials),
    );
    expect((await resolver.resolve(oomEvent(), DEADLINE)).enrichment.status).toBe('resolved');
    expect(signings()).toBe(2);
  }, 5_000);

  it('drops the cached connection after a request stalls, and describes the cluster again', async () => {
    api.inject({ pathPrefix: '/api/v1/pods', hang: true });
    const { resolver } = eksResolver(fakeTiming(AFTER_KILL), 200);
    expect((await resolver.resolve(oomEvent(), DEADLINE)).enrichment.status).toBe('resolved');
    expect(api.requestsTo('/api/v1/pods')).toHaveLength(2);
    expect(eks.commandCalls(DescribeClusterCommand)).toHaveLength(2);
  }, 5_000);
});

describe('createResolverFromKubeconfig (scan --kubeconfig)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function writeKubeconfig(): string {
    const path = join(dir, 'config');
    const token = `k8s-aws-v1.${Buffer.from('https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Credential=AKIDSTANDIN%2Fx').toString('base64url')}`;
    writeFileSync(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: elsewhere',
        'clusters:',
        `- name: arn:aws:eks:eu-west-1:111122223333:cluster/${CLUSTER}`,
        `  cluster: { server: "${api.url}", certificate-authority-data: "${api.caData}" }`,
        '- name: elsewhere',
        '  cluster: { server: "https://127.0.0.1:9" }',
        'users:',
        `- name: sre`,
        `  user: { token: "${token}" }`,
        'contexts:',
        `- name: prod`,
        `  context: { cluster: "arn:aws:eks:eu-west-1:111122223333:cluster/${CLUSTER}", user: sre }`,
        '- name: elsewhere',
        '  context: { cluster: elsewhere, user: sre }',
        '',
      ].join('\n'),
    );
    return path;
  }

  it('resolves through the named context and names the cluster after it', async () => {
    const made = createResolverFromKubeconfig(
      { path: writeKubeconfig(), context: 'prod' },
      { timing: fakeTiming(AFTER_KILL) },
    );
    if (!made.ok) throw new Error(made.reason);
    expect(made.cluster).toBe(`arn:aws:eks:eu-west-1:111122223333:cluster/${CLUSTER}`);
    expect(made.server).toBe(api.url);
    const result = await made.resolver.resolve(
      oomEvent({ container: { id: CONTAINER_ID, runtime: 'containerd' } }),
      DEADLINE,
    );
    expect(result.kubernetes).toMatchObject({ pod: 'web-7d9f8b6c5d-x2x9k', container: 'app' });
  });

  it('explains a missing context or file instead of throwing', () => {
    expect(createResolverFromKubeconfig({ path: writeKubeconfig(), context: 'staging' })).toEqual({
      ok: false,
      reason: `kubeconfig ${join(dir, 'config')} has no context named staging`,
    });
    const missing = createResolverFromKubeconfig({ path: join(dir, 'nope') });
    expect(missing.ok === false && missing.reason).toMatch(/^cannot read kubeconfig .*nope: ENOENT/);
  });
});
