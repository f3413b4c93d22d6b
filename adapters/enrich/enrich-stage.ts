/**
 * The one place that builds the enrich stage's collaborators from clients and configuration: the pod resolver
 * over the EKS API, the claim store on the state table, report completion from the node's log stream and the
 * EventBridge publisher. The Lambda (built once per container), `backfill --deliver` and `replay` take them
 * from here; tests hand their own clients.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EKSClient } from '@aws-sdk/client-eks';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { readEnrichConfig } from './enrich-config.ts';
import { realTiming } from '../retry.ts';
import type { RetryTiming } from '../retry.ts';
import { createMemoryClaimStore } from '../state/claim-store.ts';
import { createDynamoDbClaimStore } from '../state/dynamodb-claim-store.ts';
import { stateTableClient } from '../state/state-table-client.ts';
import { ENRICH_DEFAULTS } from './enrich-events.ts';
import type { EnrichDeps, Publish } from './enrich-events.ts';
import { createEksTokenSource } from '../kubernetes/eks-token.ts';
import { createEksKubeReader } from '../kubernetes/kube-client.ts';
import { createEksPodEventRecorder, type PodEventRecorder } from '../kubernetes/pod-events.ts';
import { createPodResolver } from '../kubernetes/pod-resolver.ts';
import type { PodResolver, PodResolverOptions } from '../kubernetes/pod-resolver.ts';
import { publishEvents } from '../sinks/publish-events.ts';
import { REPORT_CONTEXT_DEFAULTS, completeFromReportContext } from '../logs/report-context-fetch.ts';

/** What enrichEvents runs with, but the publish step and the time limits of one run. */
export type EnrichStage = Omit<EnrichDeps, 'publish' | 'deadline' | 'leaseMs'>;

/** The time limits of one run: when enrichment gives up on the API, and how long its claims hold. */
export type EnrichLimits = Pick<EnrichDeps, 'deadline' | 'leaseMs'>;

/**
 * The deployed function's stage: reports completed from the node's stream, events published to the bus, and
 * with `kubernetesEvents` a Kubernetes Event on the pod of each child process killed in a running container.
 */
export type EnrichRuntime = EnrichStage & { publish: Publish; podEvents: PodEventRecorder | null };

export interface EnrichClients {
  clusterName: string;
  region: string;
  eks: EKSClient;
  credentials: AwsCredentialIdentityProvider;
  dynamo: DynamoDBDocumentClient;
  tableName: string;
  timing?: RetryTiming;
  resolver?: Partial<Omit<PodResolverOptions, 'reader' | 'timing'>>;
  /** Reads the node streams named in the events' `source` to complete their reports; absent, they go on as they came. */
  logs?: CloudWatchLogsClient;
}

export interface EnrichRuntimeClients extends EnrichClients {
  logs: CloudWatchLogsClient;
  eventBridge: EventBridgeClient;
  busName: string;
  /** Context `kubernetesEvents`: create Kubernetes Events on pods (needs the event-writer RBAC). */
  kubernetesEvents?: boolean;
}

/** The state table and cluster of a deployed stack. */
export interface EnrichTarget {
  region: string;
  cluster: string;
  stateTable: string;
}

export function createEnrichStage(clients: EnrichClients): EnrichStage {
  const timing = clients.timing ?? realTiming;
  const tokens = createEksTokenSource(
    { clusterName: clients.clusterName, region: clients.region, credentials: clients.credentials },
    () => timing.now(),
  );
  const reader = createEksKubeReader({ clusterName: clients.clusterName, eks: clients.eks, tokens });
  const logs = clients.logs;
  return {
    cluster: clients.clusterName,
    resolver: createPodResolver({ ...clients.resolver, reader, timing }),
    claims: createDynamoDbClaimStore(clients.dynamo, clients.tableName),
    ...(logs === undefined
      ? {}
      : {
          completeReports: (events, deadline) =>
            completeFromReportContext(events, {
              client: logs,
              now: () => timing.now(),
              sleep: (ms) => timing.sleep(ms),
              budgetMs: Math.max(0, Math.min(REPORT_CONTEXT_DEFAULTS.budgetMs, deadline - timing.now())),
            }),
        }),
    now: () => timing.now(),
    sleep: (ms) => timing.sleep(ms),
    claimTtlMs: ENRICH_DEFAULTS.claimTtlMs,
  };
}

/** Onto the bus: PutEvents in tens, each rejected entry sent again with backoff. */
export function eventBridgePublish(
  client: EventBridgeClient,
  busName: string,
  timing: RetryTiming = realTiming,
): Publish {
  return (events, deadline) =>
    publishEvents(events, { client, busName, timing, ...(deadline === undefined ? {} : { deadline }) });
}

/** The Event writer on the cluster's API, with tokens of its own (signed locally: no request to STS). */
function podEventRecorder(clients: EnrichClients): PodEventRecorder {
  const timing = clients.timing ?? realTiming;
  const { clusterName, region, credentials } = clients;
  return createEksPodEventRecorder({
    clusterName,
    eks: clients.eks,
    tokens: createEksTokenSource({ clusterName, region, credentials }, () => timing.now()),
    now: () => timing.now(),
  });
}

export function createEnrichRuntime(clients: EnrichRuntimeClients): EnrichRuntime {
  return {
    ...createEnrichStage(clients),
    publish: eventBridgePublish(clients.eventBridge, clients.busName, clients.timing),
    podEvents: clients.kubernetesEvents === true ? podEventRecorder(clients) : null,
  };
}

/** The stack's clients in its region, signed by the default credential chain (the function's role, or the caller's). */
function stackClients(target: EnrichTarget): EnrichClients {
  const { region } = target;
  const eks = new EKSClient({ region });
  return {
    clusterName: target.cluster,
    region,
    eks,
    // The token is signed with the EKS client's own credential chain: one chain, and none to bundle.
    credentials: eks.config.credentials,
    dynamo: stateTableClient({ region }),
    tableName: target.stateTable,
  };
}

/**
 * A deployed stack's enrich stage run from outside it (`backfill --deliver`): its claims, the cluster's pods.
 * Reports are not completed from node streams: a backfill reads the whole history of the stream itself.
 */
export function stackEnrichStage(target: EnrichTarget): EnrichStage {
  return createEnrichStage(stackClients(target));
}

/**
 * One process without a state table (`replay`): claims in memory and kept for ever, since a replayed file
 * may be months old: its kills are still to be published, not taken for stale re-reads.
 */
export function inMemoryEnrichStage(cluster: string, resolver: PodResolver, now: () => number): EnrichStage {
  return { cluster, resolver, claims: createMemoryClaimStore(), now, claimTtlMs: Number.POSITIVE_INFINITY };
}

/** The runtime the deployed function uses, configured by the stack's environment variables. */
export function runtimeFromEnv(env: NodeJS.ProcessEnv): EnrichRuntime {
  const settings = readEnrichConfig(env);
  if (!settings.ok) throw new Error(`enrich is misconfigured: ${settings.problems.join('; ')}`);
  const { region, clusterName, stateTableName, eventBusName: busName } = settings.config;
  const target = { region, cluster: clusterName, stateTable: stateTableName };
  return createEnrichRuntime({
    ...stackClients(target),
    logs: new CloudWatchLogsClient({ region }),
    eventBridge: new EventBridgeClient({ region }),
    busName,
    kubernetesEvents: settings.config.kubernetesEvents === 'true',
  });
}
