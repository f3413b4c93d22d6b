/**
 * The Kubernetes Event that `kubernetesEvents` adds on the pod of a child process killed in a container that
 * kept running (shared/alert-format/kubernetes-event.ts says which kills and what it says). events.k8s.io/v1,
 * which `kubectl describe pod` lists with the kubelet's own Events. Its name comes from the event id, so a
 * retry finds it already there (409) rather than adding a second one.
 */
import type { EKSClient } from '@aws-sdk/client-eks';
import type { EventsV1Event, KubeConfig } from '@kubernetes/client-node';
// Deep imports, as in kube-reader.ts: only this API group's request builder and answer reader.
import {
  EventsV1ApiRequestFactory,
  EventsV1ApiResponseProcessor,
} from '@kubernetes/client-node/dist/gen/apis/EventsV1Api.js';
import { V1MicroTime } from '@kubernetes/client-node/dist/types.js';
import { kubernetesEventNote } from '../../shared/alert-format/kubernetes-event.ts';
import type { EnrichedOomEvent, KubernetesIdentity } from '../../shared/oom-event.ts';
import type { EksTokenSource } from './eks-token.ts';
import { describeClusterEndpoint, kubeConfigForEks } from './kube-client.ts';
import { ApiConfiguration, send } from './kube-reader.ts';

/** What the Event says it is: the kubelet's own OOM Event on a node is `OOMKilling`; this one is on the pod. */
export const POD_EVENT_REASON = 'OOMKilledProcess';
/** A qualified name, as the API server requires of events.k8s.io/v1 `reportingController`. */
export const REPORTING_CONTROLLER = 'eks-oom-alerts/enrich';
/** An object name is a DNS subdomain of at most 253 characters. */
const NAME_MAX = 253;
const ID_CHARS = 16;

export type PodEventResult = 'created' | 'exists';

export interface PodEventRecorder {
  /** Adds the Event on the event's pod; throws when the API refuses it (RBAC, an unknown namespace …). */
  record(event: EnrichedOomEvent, signal: AbortSignal): Promise<PodEventResult>;
}

/** A DNS subdomain's part ends in a letter or digit: a cut pod name loses the `.` and `-` it ends in. */
function withoutTrailingSeparators(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
  return text.slice(0, end);
}

/** `<pod>.oom-<16 hex of the event id>`, the pod name cut where the whole would be too long. */
export function podEventName(pod: string, eventId: string): string {
  const suffix = `.oom-${eventId.slice(0, ID_CHARS)}`;
  return `${withoutTrailingSeparators(pod.slice(0, NAME_MAX - suffix.length))}${suffix}`;
}

/** `spec.containers{api}`: the part of the pod the Event is about, as the kubelet names it. */
function containerFieldPath(k8s: KubernetesIdentity): string | undefined {
  if (k8s.container === null) return undefined;
  const field =
    k8s.containerType === 'init'
      ? 'initContainers'
      : k8s.containerType === 'ephemeral'
        ? 'ephemeralContainers'
        : 'containers';
  return `spec.${field}{${k8s.container}}`;
}

/** The Event for a kill whose pod enrichment named; `instance` is the reporting instance (the function). */
function podEventBody(
  event: EnrichedOomEvent,
  k8s: KubernetesIdentity,
  instance: string,
  nowMs: number,
): EventsV1Event {
  const observed = event.observedAt === null ? Number.NaN : Date.parse(event.observedAt);
  const fieldPath = containerFieldPath(k8s);
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: {
      name: podEventName(k8s.pod, event.id),
      namespace: k8s.namespace,
      labels: { 'app.kubernetes.io/part-of': 'eks-oom-alerts' },
    },
    // MicroTime: the API server reads exactly six decimals, which a plain Date's JSON does not give.
    eventTime: new V1MicroTime(Number.isNaN(observed) ? nowMs : observed),
    reportingController: REPORTING_CONTROLLER,
    reportingInstance: instance,
    action: 'Killed',
    reason: POD_EVENT_REASON,
    type: 'Warning',
    note: kubernetesEventNote(event),
    regarding: {
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: k8s.namespace,
      name: k8s.pod,
      ...(event.pod === null ? {} : { uid: event.pod.uid }),
      ...(fieldPath === undefined ? {} : { fieldPath }),
    },
  };
}

function isConflict(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 409;
}

/** Events created through client-node's request builder, on the cluster `kubeConfig` reaches. */
function createPodEventRecorder(
  kubeConfig: (signal: AbortSignal) => Promise<KubeConfig>,
  options: { instance: string; now: () => number },
): PodEventRecorder {
  return {
    async record(event, signal) {
      if (event.kubernetes === null) throw new Error(`event ${event.id} names no pod`);
      const body = podEventBody(event, event.kubernetes, options.instance, options.now());
      const { configuration } = (await kubeConfig(signal)).makeApiClient(ApiConfiguration);
      const build = new EventsV1ApiRequestFactory(configuration);
      const read = new EventsV1ApiResponseProcessor();
      try {
        await send(
          configuration,
          build.createNamespacedEvent(event.kubernetes.namespace, body),
          (response) => read.createNamespacedEventWithHttpInfo(response),
          signal,
        );
        return 'created';
      } catch (error) {
        if (isConflict(error)) return 'exists';
        throw error;
      }
    },
  };
}

/** The recorder for an EKS cluster: described on first use (again after a failure), signed with EKS tokens. */
export function createEksPodEventRecorder(options: {
  clusterName: string;
  eks: EKSClient;
  tokens: EksTokenSource;
  now: () => number;
}): PodEventRecorder {
  let connected: Promise<KubeConfig> | null = null;
  const kubeConfig = (signal: AbortSignal): Promise<KubeConfig> => {
    if (connected === null) {
      const connecting = describeClusterEndpoint(options.eks, options.clusterName, signal).then((endpoint) =>
        kubeConfigForEks(options.clusterName, endpoint, options.tokens),
      );
      connecting.catch(() => {
        if (connected === connecting) connected = null;
      });
      connected = connecting;
    }
    return connected;
  };
  return createPodEventRecorder(kubeConfig, {
    instance: `eks-oom-alerts-${options.clusterName}`,
    now: options.now,
  });
}
