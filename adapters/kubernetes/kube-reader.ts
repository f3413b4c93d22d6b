/**
 * The four reads enrichment makes against the Kubernetes API, and their implementation on
 * @kubernetes/client-node. Pods are kept as the few fields matching needs, so that a per-node cache of a
 * large cluster stays small.
 */
import { AppsV1Api, BatchV1Api, CoreV1Api, Observable } from '@kubernetes/client-node';
import type {
  ConfigurationOptions,
  KubeConfig,
  ObservableMiddleware,
  RequestContext,
  ResponseContext,
  V1Container,
  V1ContainerState,
  V1ContainerStatus,
  V1EphemeralContainer,
  V1OwnerReference,
  V1Pod,
} from '@kubernetes/client-node';
import type {
  ContainerSpecView,
  ContainerStateView,
  ContainerStatusView,
  OwnerReferenceView,
  PodView,
} from '../../shared/kubernetes-identity.ts';

export interface PodPage {
  pods: PodView[];
  continueToken: string | null;
}

export interface PodName {
  namespace: string;
  name: string;
}

export interface KubeReader {
  /** One page of the pods bound to `node`; the first page is served from the API server's watch cache. */
  listPodsOnNode(
    node: string,
    page: { limit: number; continueToken: string | null },
    signal: AbortSignal,
  ): Promise<PodPage>;
  /** The pod an Event with `involvedObject.uid` names, or null when no Event does. */
  podNamedInEvents(uid: string, signal: AbortSignal): Promise<PodName | null>;
  replicaSetOwners(namespace: string, name: string, signal: AbortSignal): Promise<OwnerReferenceView[]>;
  jobOwners(namespace: string, name: string, signal: AbortSignal): Promise<OwnerReferenceView[]>;
}

/** Per-call options that hand the attempt's abort signal to client-node's fetch. */
function withSignal(signal: AbortSignal): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (context: RequestContext) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

function ownersOf(refs: V1OwnerReference[] | undefined): OwnerReferenceView[] {
  return (refs ?? []).map((r) => ({
    kind: r.kind,
    name: r.name,
    ...(r.controller === undefined ? {} : { controller: r.controller }),
  }));
}

function stateOf(state: V1ContainerState | undefined): ContainerStateView | undefined {
  if (state === undefined) return undefined;
  const view: ContainerStateView = {};
  if (state.running !== undefined) view.running = {};
  if (state.waiting !== undefined) view.waiting = {};
  if (state.terminated !== undefined) {
    const t = state.terminated;
    view.terminated = { exitCode: t.exitCode };
    if (t.containerID !== undefined) view.terminated.containerID = t.containerID;
    if (t.reason !== undefined) view.terminated.reason = t.reason;
    if (t.finishedAt !== undefined) view.terminated.finishedAt = t.finishedAt;
  }
  return view;
}

function statusesOf(statuses: V1ContainerStatus[] | undefined): ContainerStatusView[] {
  return (statuses ?? []).map((s) => {
    const view: ContainerStatusView = { name: s.name, restartCount: s.restartCount, image: s.image };
    if (s.containerID !== undefined) view.containerID = s.containerID;
    const state = stateOf(s.state);
    if (state !== undefined) view.state = state;
    const lastState = stateOf(s.lastState);
    if (lastState !== undefined) view.lastState = lastState;
    return view;
  });
}

function specsOf(containers: (V1Container | V1EphemeralContainer)[] | undefined): ContainerSpecView[] {
  return (containers ?? []).map((c) => {
    const view: ContainerSpecView = { name: c.name };
    if (c.image !== undefined) view.image = c.image;
    const requests = c.resources?.requests;
    const limits = c.resources?.limits;
    if (requests !== undefined || limits !== undefined) {
      view.resources = {};
      if (requests !== undefined) view.resources.requests = { ...requests };
      if (limits !== undefined) view.resources.limits = { ...limits };
    }
    return view;
  });
}

/** The fields of a pod that matching and the identity read; managedFields, volumes and the rest are dropped. */
export function compactPod(pod: V1Pod): PodView {
  const meta = pod.metadata;
  return {
    metadata: {
      ...(meta?.name === undefined ? {} : { name: meta.name }),
      ...(meta?.namespace === undefined ? {} : { namespace: meta.namespace }),
      ...(meta?.uid === undefined ? {} : { uid: meta.uid }),
      labels: { ...meta?.labels },
      ownerReferences: ownersOf(meta?.ownerReferences),
    },
    spec: {
      containers: specsOf(pod.spec?.containers),
      initContainers: specsOf(pod.spec?.initContainers),
      ephemeralContainers: specsOf(pod.spec?.ephemeralContainers),
    },
    status: {
      ...(pod.status?.qosClass === undefined ? {} : { qosClass: pod.status.qosClass }),
      containerStatuses: statusesOf(pod.status?.containerStatuses),
      initContainerStatuses: statusesOf(pod.status?.initContainerStatuses),
      ephemeralContainerStatuses: statusesOf(pod.status?.ephemeralContainerStatuses),
    },
  };
}

/** The reads on client-node API clients made from `kubeConfig` (built for EKS in code, or from a kubeconfig file). */
export function createKubeReader(kubeConfig: KubeConfig): KubeReader {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  return {
    async listPodsOnNode(node, page, signal) {
      // resourceVersion=0 lets the API server answer from its watch cache instead of etcd; it may not be
      // combined with `continue`, so later pages go without it.
      const list = await core.listPodForAllNamespaces(
        {
          fieldSelector: `spec.nodeName=${node}`,
          limit: page.limit,
          ...(page.continueToken === null ? { resourceVersion: '0' } : { _continue: page.continueToken }),
        },
        withSignal(signal),
      );
      const next = list.metadata?._continue;
      return {
        pods: list.items.map(compactPod),
        continueToken: next === undefined || next === '' ? null : next,
      };
    },
    async podNamedInEvents(uid, signal) {
      const list = await core.listEventForAllNamespaces(
        { fieldSelector: `involvedObject.uid=${uid}`, limit: 20 },
        withSignal(signal),
      );
      for (const event of list.items) {
        const subject = event.involvedObject;
        const namespace = subject.namespace ?? event.metadata.namespace;
        if (subject.kind === 'Pod' && subject.name !== undefined && namespace !== undefined) {
          return { namespace, name: subject.name };
        }
      }
      return null;
    },
    async replicaSetOwners(namespace, name, signal) {
      const rs = await apps.readNamespacedReplicaSet({ namespace, name }, withSignal(signal));
      return ownersOf(rs.metadata?.ownerReferences);
    },
    async jobOwners(namespace, name, signal) {
      const job = await batch.readNamespacedJob({ namespace, name }, withSignal(signal));
      return ownersOf(job.metadata?.ownerReferences);
    },
  };
}
