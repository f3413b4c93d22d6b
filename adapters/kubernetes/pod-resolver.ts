/**
 * From the kernel's pod UID and container id to the pod's identity in the API: pods are listed per node
 * (never cluster-wide), the listing is cached per node and shared by all kills on that node, a pod that is
 * gone is looked up in its Events, and every failure ends in an enrichment that says why.
 */
import {
  findContainer,
  identityFromEvents,
  identityOfPod,
  impactOnContainer,
  workloadAbove,
  workloadFromPod,
} from '../../shared/kubernetes-identity.ts';
import {
  STATIC_POD_HASH,
  type OwnerReferenceView,
  type PodView,
  type Workload,
} from '../../shared/kubernetes-identity.ts';
import type { EnrichedOomEvent, OomEvent } from '../../shared/oom-event.ts';
import { dashedUid } from '../../shared/cgroup-path.ts';
import type { RetryTiming } from '../retry.ts';
import { DEFAULT_RETRY, callWithRetry } from './api-retry.ts';
import type { ApiFailure, CallResult } from './api-retry.ts';
import { ExpiringMap, SingleFlight } from './expiring-map.ts';
import type { KubeReader, PodName, PodPage } from './kube-reader.ts';

export type Enrichment = Pick<EnrichedOomEvent, 'kubernetes' | 'impact' | 'enrichment'>;

export interface PodResolver {
  /** Never throws for API trouble: an unreachable API gives status "unavailable" with the reason. */
  resolve(event: OomEvent, deadline: number): Promise<Enrichment>;
}

export interface PodResolverOptions {
  reader: KubeReader;
  timing: RetryTiming;
  /** How long a node's pod listing is reused. */
  listingTtlMs?: number;
  /**
   * How long after a kill the kubelet needs to report it in pod status. A listing fetched earlier may show
   * the container still running after its main process died, so it is not used for that kill when a later
   * one can be had.
   */
  statusSettleMs?: number;
  /**
   * Until then, a pod whose container still runs the instance the kernel named is listed again this often: the
   * restart shows within seconds when the kill took the container's main process.
   */
  statusPollMs?: number;
  /** A node is not listed again sooner than this, however many kills arrive: the storm bound. */
  minRelistMs?: number;
  pageSize?: number;
  attemptTimeoutMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Hears each call to the API that failed (api-retry.ts), before it is retried or given up. */
  onFailedAttempt?: (failure: ApiFailure) => void;
}

export const RESOLVER_DEFAULTS = {
  listingTtlMs: 30_000,
  statusSettleMs: 10_000,
  statusPollMs: 2_000,
  minRelistMs: 2_000,
  pageSize: 500,
  eventsTtlMs: 60_000,
  ownersTtlMs: 600_000,
} as const;

interface NodeListing {
  fetchedAt: number;
  pods: Map<string, PodView>;
}

function killTimeOf(event: OomEvent): number | null {
  if (event.observedAt === null) return null;
  const at = Date.parse(event.observedAt);
  return Number.isNaN(at) ? null : at;
}

function unavailable(reason: string): Enrichment {
  return { kubernetes: null, impact: 'unknown', enrichment: { status: 'unavailable', detail: reason } };
}

/** The kubelet's hash of a static pod's manifest: 32 hex digits. */
const STATIC_POD_HASH_VALUE = /^[0-9a-fA-F]{32}$/;

export function createPodResolver(options: PodResolverOptions): PodResolver {
  const { reader, timing } = options;
  const listingTtlMs = options.listingTtlMs ?? RESOLVER_DEFAULTS.listingTtlMs;
  const statusSettleMs = options.statusSettleMs ?? RESOLVER_DEFAULTS.statusSettleMs;
  const minRelistMs = options.minRelistMs ?? RESOLVER_DEFAULTS.minRelistMs;
  const statusPollMs = options.statusPollMs ?? RESOLVER_DEFAULTS.statusPollMs;
  const pageSize = options.pageSize ?? RESOLVER_DEFAULTS.pageSize;
  const retry = {
    attemptTimeoutMs: options.attemptTimeoutMs ?? DEFAULT_RETRY.attemptTimeoutMs,
    baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
  };
  const listings = new ExpiringMap<string, NodeListing>(10_000);
  const listingCalls = new SingleFlight<string, CallResult<NodeListing>>();
  const eventNames = new ExpiringMap<string, PodName | null>(10_000);
  const eventCalls = new SingleFlight<string, CallResult<PodName | null>>();
  const owners = new ExpiringMap<string, OwnerReferenceView[]>(10_000);
  const ownerCalls = new SingleFlight<string, CallResult<OwnerReferenceView[]>>();

  const renewCredentials = reader.renewCredentials?.bind(reader);
  const { onFailedAttempt } = options;
  const call = <T>(fn: (signal: AbortSignal) => Promise<T>, deadline: number): Promise<CallResult<T>> =>
    callWithRetry(fn, {
      timing,
      deadline,
      ...retry,
      ...(renewCredentials === undefined ? {} : { renewCredentials }),
      ...(onFailedAttempt === undefined ? {} : { onFailedAttempt }),
    });

  async function podsOnNode(node: string, deadline: number): Promise<CallResult<PodView[]>> {
    const pods: PodView[] = [];
    let continueToken: string | null = null;
    do {
      const page = { limit: pageSize, continueToken };
      const listed: CallResult<PodPage> = await call(
        (signal: AbortSignal): Promise<PodPage> => reader.listPodsOnNode(node, page, signal),
        deadline,
      );
      if (!listed.ok) return listed;
      pods.push(...listed.value.pods);
      continueToken = listed.value.continueToken;
    } while (continueToken !== null);
    return { ok: true, value: pods };
  }

  function listNode(node: string, deadline: number): Promise<CallResult<NodeListing>> {
    return listingCalls.run(node, async () => {
      const fetchedAt = timing.now();
      const listed = await podsOnNode(node, deadline);
      if (!listed.ok) return listed;
      const pods = new Map<string, PodView>();
      for (const pod of listed.value) {
        if (pod.metadata?.uid !== undefined) pods.set(pod.metadata.uid, pod);
        // A static pod's cgroup shows the kubelet's uid, which its mirror pod keeps as an annotation; the event
        // spells it as a uid (cgroup-path.ts).
        const hash = pod.metadata?.annotations?.[STATIC_POD_HASH];
        if (hash !== undefined && STATIC_POD_HASH_VALUE.test(hash)) pods.set(dashedUid(hash), pod);
      }
      const listing = { fetchedAt, pods };
      listings.set(node, listing, fetchedAt);
      return { ok: true, value: listing };
    });
  }

  /** A cached listing that can answer for a kill at `killAt`, if there is one. */
  function cachedListing(node: string, killAt: number | null): NodeListing | null {
    const now = timing.now();
    const stored = listings.get(node, now, listingTtlMs);
    if (stored === undefined) return null;
    const listing = stored.value;
    if (killAt === null || now - listing.fetchedAt < minRelistMs) return listing;
    // Settled status where the kill is old enough for one; otherwise at least a listing from after the kill.
    const wanted = now >= killAt + statusSettleMs ? killAt + statusSettleMs : killAt;
    return listing.fetchedAt >= wanted ? listing : null;
  }

  async function podOnNode(
    node: string,
    uid: string,
    killAt: number | null,
    deadline: number,
  ): Promise<CallResult<PodView | null>> {
    const listing = cachedListing(node, killAt);
    if (listing === null) {
      const listed = await listNode(node, deadline);
      if (!listed.ok) return listed;
      return { ok: true, value: listed.value.pods.get(uid) ?? null };
    }
    const pod = listing.pods.get(uid);
    if (pod !== undefined) return { ok: true, value: pod };
    // A miss in a listing from after the kill is final (the pod existed before it was killed); otherwise the
    // pod may be newer than the listing, so list once more.
    const final =
      killAt === null ? timing.now() - listing.fetchedAt < minRelistMs : listing.fetchedAt >= killAt;
    if (final) return { ok: true, value: null };
    const relisted = await listNode(node, deadline);
    if (!relisted.ok) return relisted;
    return { ok: true, value: relisted.value.pods.get(uid) ?? null };
  }

  /**
   * A listing fetched at `wantedAt` or later, listing the node no sooner than `minRelistMs` after its last
   * listing (the storm bound holds for the kills that wait, too); null when the deadline comes first or the
   * listing fails.
   */
  async function listingSince(node: string, wantedAt: number, deadline: number): Promise<NodeListing | null> {
    const last = listings.get(node, timing.now(), listingTtlMs)?.value.fetchedAt ?? Number.NEGATIVE_INFINITY;
    const startAt = Math.max(wantedAt, last + minRelistMs);
    if (startAt > deadline) return null;
    if (startAt > timing.now()) await timing.sleep(startAt - timing.now());
    const cached = listings.get(node, timing.now(), listingTtlMs)?.value;
    if (cached !== undefined && cached.fetchedAt >= wantedAt) return cached;
    const listed = await listNode(node, deadline);
    return listed.ok ? listed.value : null;
  }

  /**
   * The pod once its status tells what the kill did. While the container still runs the instance the kernel
   * named and the kubelet may not have reported the kill yet (less than `statusSettleMs` since), the node is
   * listed again every `statusPollMs`: the wait ends as soon as the restart shows, and a container still
   * running after `statusSettleMs` lost a process, not its main one. Within the deadline; the pod as last
   * seen otherwise.
   */
  async function settledPod(event: OomEvent, node: string, pod: PodView, deadline: number): Promise<PodView> {
    const killAt = killTimeOf(event);
    const containerId = event.container?.id;
    if (killAt === null || containerId === undefined || pod.metadata?.uid === undefined) return pod;
    const uid = pod.metadata.uid;
    const settledAt = killAt + statusSettleMs;
    const stillRunning = (view: PodView) =>
      impactOnContainer(findContainer(view, containerId), event.observedAt) ===
      'process-killed-container-running';
    let current = pod;
    while (stillRunning(current) && timing.now() < settledAt) {
      const listing = await listingSince(node, Math.min(settledAt, timing.now() + statusPollMs), deadline);
      if (listing === null) break;
      current = listing.pods.get(uid) ?? current;
    }
    return current;
  }

  function podInEvents(uid: string, deadline: number): Promise<CallResult<PodName | null>> {
    const stored = eventNames.get(uid, timing.now(), RESOLVER_DEFAULTS.eventsTtlMs);
    if (stored !== undefined) return Promise.resolve({ ok: true, value: stored.value });
    return eventCalls.run(uid, async () => {
      const result = await call((signal) => reader.podNamedInEvents(uid, signal), deadline);
      if (result.ok) eventNames.set(uid, result.value, timing.now());
      return result;
    });
  }

  function ownersOf(
    kind: 'ReplicaSet' | 'Job',
    namespace: string,
    name: string,
    deadline: number,
  ): Promise<CallResult<OwnerReferenceView[]>> {
    const key = `${kind}/${namespace}/${name}`;
    const stored = owners.get(key, timing.now(), RESOLVER_DEFAULTS.ownersTtlMs);
    if (stored !== undefined) return Promise.resolve({ ok: true, value: stored.value });
    return ownerCalls.run(key, async () => {
      const result = await call(
        (signal) =>
          kind === 'ReplicaSet'
            ? reader.replicaSetOwners(namespace, name, signal)
            : reader.jobOwners(namespace, name, signal),
        deadline,
      );
      if (result.ok) owners.set(key, result.value, timing.now());
      return result;
    });
  }

  async function workloadOf(
    pod: PodView,
    deadline: number,
  ): Promise<{ workload: Workload | null; note: string | null }> {
    const step = workloadFromPod(pod);
    if (step.next === 'done') return { workload: step.workload, note: null };
    const kind = step.next === 'read-replicaset' ? 'ReplicaSet' : 'Job';
    const child = { kind, name: step.name };
    const read = await ownersOf(kind, step.namespace, step.name, deadline);
    if (read.ok) return { workload: workloadAbove(child, read.value), note: null };
    return {
      workload: child,
      note: `owner of ${kind} ${step.namespace}/${step.name} not read: ${read.failure.reason}`,
    };
  }

  async function identify(event: OomEvent, pod: PodView, deadline: number): Promise<Enrichment> {
    const match = event.container === null ? null : findContainer(pod, event.container.id);
    const { workload, note } = await workloadOf(pod, deadline);
    const notes: string[] = [];
    if (event.container === null) notes.push('the kernel report named the pod but not the container');
    else if (match === null)
      notes.push(`container ${event.container.id} is not among the pod's current or previous containers`);
    if (note !== null) notes.push(note);
    return {
      kubernetes: identityOfPod(pod, match, workload),
      impact: impactOnContainer(match, event.observedAt),
      enrichment: { status: 'resolved', detail: notes.length === 0 ? null : notes.join('; ') },
    };
  }

  async function resolvePodGone(uid: string, node: string, deadline: number): Promise<Enrichment> {
    const named = await podInEvents(uid, deadline);
    if (!named.ok)
      return unavailable(
        `pod ${uid} is not on node ${node}, and its Events could not be read: ${named.failure.reason}`,
      );
    if (named.value === null) {
      return {
        kubernetes: null,
        impact: 'unknown',
        enrichment: {
          status: 'not-found',
          detail: `pod ${uid} is not on node ${node} and no Event names it (deleted over an hour ago?)`,
        },
      };
    }
    return {
      kubernetes: identityFromEvents(named.value.namespace, named.value.name),
      impact: 'pod-deleted',
      enrichment: {
        status: 'resolved-from-events',
        detail: `pod ${uid} is no longer on node ${node}; its name comes from its Events`,
      },
    };
  }

  return {
    async resolve(event, deadline) {
      if (event.pod === null) {
        if (event.cgroup.task === null) {
          // Storms rate-limit the report's cgroup line: the victim may well be in a pod, but which is unknown.
          const detail = "the kernel report did not show the victim's cgroup, so there is no pod to look up";
          return { kubernetes: null, impact: 'unknown', enrichment: { status: 'not-found', detail } };
        }
        const detail = `the victim's cgroup ${event.cgroup.task} is not a pod's`;
        return { kubernetes: null, impact: 'host-process', enrichment: { status: 'not-a-pod', detail } };
      }
      if (event.node === null) {
        const detail = `pod ${event.pod.uid}: the event names no node, and pods are only listed per node, never cluster-wide`;
        return { kubernetes: null, impact: 'unknown', enrichment: { status: 'not-found', detail } };
      }
      const found = await podOnNode(event.node, event.pod.uid, killTimeOf(event), deadline);
      if (!found.ok)
        return unavailable(`pods on node ${event.node} could not be listed: ${found.failure.reason}`);
      if (found.value === null) return resolvePodGone(event.pod.uid, event.node, deadline);
      return identify(event, await settledPod(event, event.node, found.value, deadline), deadline);
    },
  };
}
