/**
 * The four reads enrichment makes against the Kubernetes API, and their implementation on
 * @kubernetes/client-node. Pods are kept as the few fields matching needs, so that a per-node cache of a
 * large cluster stays small.
 */
// Deep imports: the package's index loads every API group and feature (watch, exec, cp, WebSockets); the
// enrich bundle takes only the request builders and answer readers of the three groups it reads.
import {
  AppsV1ApiRequestFactory,
  AppsV1ApiResponseProcessor,
} from '@kubernetes/client-node/dist/gen/apis/AppsV1Api.js';
import {
  BatchV1ApiRequestFactory,
  BatchV1ApiResponseProcessor,
} from '@kubernetes/client-node/dist/gen/apis/BatchV1Api.js';
import {
  CoreV1ApiRequestFactory,
  CoreV1ApiResponseProcessor,
} from '@kubernetes/client-node/dist/gen/apis/CoreV1Api.js';
import type {
  Configuration,
  KubeConfig,
  RequestContext,
  ResponseContext,
  V1Container,
  V1ContainerState,
  V1ContainerStatus,
  V1EphemeralContainer,
  V1ObjectMeta,
  V1OwnerReference,
  V1Pod,
} from '@kubernetes/client-node';
import {
  STATIC_POD_HASH,
  type ContainerSpecView,
  type ContainerStateView,
  type ContainerStatusView,
  type OwnerReferenceView,
  type PodView,
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
  /** Drops the cached token after a 401, so that the next request signs a fresh one; absent where none is cached. */
  renewCredentials?(): void;
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

/** Of a pod's annotations, only a static pod's hash (STATIC_POD_HASH), which matching reads. */
function staticPodHashOf(annotations: Record<string, string> | undefined): {
  annotations?: Record<string, string>;
} {
  const hash = annotations?.[STATIC_POD_HASH];
  return hash === undefined ? {} : { annotations: { [STATIC_POD_HASH]: hash } };
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
      ...staticPodHashOf(meta?.annotations),
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

/** The configuration client-node's `makeApiClient` hands an API class: the server, TLS and auth, its User-Agent. */
export class ApiConfiguration {
  readonly configuration: Configuration;
  constructor(configuration: Configuration) {
    this.configuration = configuration;
  }
}

/**
 * One call as client-node's generated API classes make it (the configuration's middleware around its HTTP
 * library, the answer read by the generated processor, which throws ApiException for an error status),
 * with the attempt's abort signal on the request.
 */
export async function send<T>(
  configuration: Configuration,
  request: Promise<RequestContext>,
  read: (response: ResponseContext) => Promise<{ data: T }>,
  signal: AbortSignal,
): Promise<T> {
  let context = await request;
  context.setSignal(signal);
  for (const middleware of configuration.middleware) context = await middleware.pre(context).toPromise();
  let response = await configuration.httpApi.send(context).toPromise();
  for (const middleware of configuration.middleware.toReversed())
    response = await middleware.post(response).toPromise();
  return (await read(response)).data;
}

/** The reads on client-node's generated request builders and answer readers, configured from `kubeConfig`. */
export function createKubeReader(kubeConfig: KubeConfig): KubeReader {
  const { configuration } = kubeConfig.makeApiClient(ApiConfiguration);
  const core = { build: new CoreV1ApiRequestFactory(configuration), read: new CoreV1ApiResponseProcessor() };
  const apps = { build: new AppsV1ApiRequestFactory(configuration), read: new AppsV1ApiResponseProcessor() };
  const batch = {
    build: new BatchV1ApiRequestFactory(configuration),
    read: new BatchV1ApiResponseProcessor(),
  };
  /** The owners named in the metadata of what one read returns: a ReplicaSet, a Job. */
  const ownersIn = async (
    request: Promise<RequestContext>,
    read: (response: ResponseContext) => Promise<{ data: { metadata?: V1ObjectMeta } }>,
    signal: AbortSignal,
  ): Promise<OwnerReferenceView[]> =>
    ownersOf((await send(configuration, request, read, signal)).metadata?.ownerReferences);
  return {
    async listPodsOnNode(node, page, signal) {
      // resourceVersion=0 lets the API server answer from its watch cache instead of etcd; it may not be
      // combined with `continue`, so later pages go without it. The builders take positional arguments.
      const first = page.continueToken === null;
      const list = await send(
        configuration,
        core.build.listPodForAllNamespaces(
          undefined, // allowWatchBookmarks
          page.continueToken ?? undefined, // continue
          `spec.nodeName=${node}`, // fieldSelector
          undefined, // labelSelector
          page.limit,
          undefined, // pretty
          first ? '0' : undefined, // resourceVersion
        ),
        (answer) => core.read.listPodForAllNamespacesWithHttpInfo(answer),
        signal,
      );
      const next = list.metadata?._continue;
      return {
        pods: list.items.map(compactPod),
        continueToken: next === undefined || next === '' ? null : next,
      };
    },
    async podNamedInEvents(uid, signal) {
      const list = await send(
        configuration,
        core.build.listEventForAllNamespaces(
          undefined, // allowWatchBookmarks
          undefined, // continue
          `involvedObject.uid=${uid}`, // fieldSelector
          undefined, // labelSelector
          20, // limit
        ),
        (answer) => core.read.listEventForAllNamespacesWithHttpInfo(answer),
        signal,
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
      const request = apps.build.readNamespacedReplicaSet(name, namespace);
      return ownersIn(request, (answer) => apps.read.readNamespacedReplicaSetWithHttpInfo(answer), signal);
    },
    async jobOwners(namespace, name, signal) {
      const request = batch.build.readNamespacedJob(name, namespace);
      return ownersIn(request, (answer) => batch.read.readNamespacedJobWithHttpInfo(answer), signal);
    },
  };
}
