/**
 * The Kubernetes Event on the pod of a child process killed in a running container, created through the real
 * @kubernetes/client-node against the HTTPS API stand-in (EKS path: DescribeCluster, presigned STS token), which
 * checks the body as the API server would.
 */
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEksTokenSource } from '../../../adapters/kubernetes/eks-token.ts';
import {
  POD_EVENT_REASON,
  REPORTING_CONTROLLER,
  createEksPodEventRecorder,
  podEventName,
} from '../../../adapters/kubernetes/pod-events.ts';
import { kubernetesEventNote, wantsKubernetesEvent } from '../../../shared/alert-format/kubernetes-event.ts';
import type { EnrichedOomEvent } from '../../../shared/oom-event.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';
import { KubeApiStandin } from '../../integration/k8s-api-standin.ts';

const CLUSTER = 'prod-eu';
const NOW = Date.parse('2025-11-20T11:46:00.000Z');
const EVENT_ID = '5d41402abc4b2a76b9719d911017c592';

const eks = mockClient(EKSClient);
let api: KubeApiStandin;

beforeAll(async () => {
  api = await KubeApiStandin.start({ acceptsToken: (token) => token.startsWith('k8s-aws-v1.') });
});
afterAll(() => api.stop());
beforeEach(() => {
  api.reset();
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

function recorder() {
  const tokens = createEksTokenSource(
    {
      clusterName: CLUSTER,
      region: 'eu-west-1',
      credentials: () => Promise.resolve({ accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'standin-secret' }),
    },
    () => NOW,
  );
  return createEksPodEventRecorder({ clusterName: CLUSTER, eks: new EKSClient({}), tokens, now: () => NOW });
}

/** php-fpm, a child of the web pod's php container, killed at its 256Mi limit; the container kept running. */
const childKill = (): EnrichedOomEvent => ({ ...exampleEvent('child-process'), id: EVENT_ID });

describe('Kubernetes Event on the pod (kubernetesEvents=true)', () => {
  it('creates an events.k8s.io/v1 Warning on the pod and its container, as kubectl describe pod lists it', async () => {
    const result = await recorder().record(childKill(), AbortSignal.timeout(10_000));
    expect(result).toBe('created');
    const posts = api.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.path)).toEqual(['/apis/events.k8s.io/v1/namespaces/prod/events']);
    expect(api.createdEvents).toEqual([
      {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: {
          name: 'web-7d9c6b5f4-zt8qw.oom-5d41402abc4b2a76',
          namespace: 'prod',
          labels: { 'app.kubernetes.io/part-of': 'eks-oom-alerts' },
          uid: 'event-1',
        },
        eventTime: '2025-11-20T11:45:03.903000Z',
        reportingController: REPORTING_CONTROLLER,
        reportingInstance: 'eks-oom-alerts-prod-eu',
        action: 'Killed',
        reason: POD_EVENT_REASON,
        type: 'Warning',
        note: kubernetesEventNote(childKill()),
        regarding: {
          apiVersion: 'v1',
          kind: 'Pod',
          namespace: 'prod',
          name: 'web-7d9c6b5f4-zt8qw',
          uid: '0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5',
          fieldPath: 'spec.containers{php}',
        },
      },
    ]);
    expect(api.createdEvents[0]?.note).toBe(
      'Out of memory: the kernel killed process php-fpm (pid 88213) in container php, which kept running. ' +
        "The container's own memory limit (256Mi) was hit. eks-oom-alerts event 5d41402abc4b2a76b9719d911017c592.",
    );
  });

  it('finds the Event already there on a retry of the same kill (409), and adds no second one', async () => {
    const events = recorder();
    expect(await events.record(childKill(), AbortSignal.timeout(10_000))).toBe('created');
    expect(await events.record(childKill(), AbortSignal.timeout(10_000))).toBe('exists');
    expect(api.createdEvents).toHaveLength(1);
  });

  it('throws what the API server said when it refuses (RBAC without create on events)', async () => {
    api.inject({ pathPrefix: '/apis/events.k8s.io/', status: 403 });
    await expect(recorder().record(childKill(), AbortSignal.timeout(10_000))).rejects.toMatchObject({
      code: 403,
    });
    expect(api.createdEvents).toEqual([]);
  });

  it('is for child-process kills of a named pod only', () => {
    expect(wantsKubernetesEvent(childKill())).toBe(true);
    expect(wantsKubernetesEvent(exampleEvent('container-limit'))).toBe(false);
    expect(wantsKubernetesEvent({ ...childKill(), kubernetes: null })).toBe(false);
  });

  it('names the Event after the pod and the event id, within 253 characters', () => {
    expect(podEventName('web-1', EVENT_ID)).toBe('web-1.oom-5d41402abc4b2a76');
    // Cut after 232 characters, where a `-` would end the name's first part: it goes too.
    const long = podEventName(`${'a'.repeat(231)}-${'b'.repeat(21)}`, EVENT_ID);
    expect(long).toMatch(/^a{231}\.oom-5d41402abc4b2a76$/);
    expect(podEventName('b'.repeat(253), EVENT_ID)).toHaveLength(253);
  });
});
