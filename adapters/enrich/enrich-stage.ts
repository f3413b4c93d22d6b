/**
 * The enrich function's collaborators: AWS clients, the EKS-backed pod resolver, the DynamoDB claim store,
 * report completion from the node's log stream, and the EventBridge publisher. Built once per Lambda container; tests build them with their own clients.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EKSClient } from '@aws-sdk/client-eks';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { ENV } from '../../shared/runtime-config.ts';
import { realTiming } from '../retry.ts';
import type { RetryTiming } from '../retry.ts';
import type { ClaimStore } from '../state/claim-store.ts';
import { createDynamoDbClaimStore } from '../state/dynamodb-claim-store.ts';
import { ENRICH_DEFAULTS } from './enrich-events.ts';
import type { Deliver, EnrichDeps } from './enrich-events.ts';
import { createEksTokenSource } from '../kubernetes/eks-token.ts';
import { createEksKubeReader } from '../kubernetes/kube-client.ts';
import { createPodResolver } from '../kubernetes/pod-resolver.ts';
import type { PodResolver, PodResolverOptions } from '../kubernetes/pod-resolver.ts';
import { publishEvents } from '../sinks/publish-events.ts';
import { REPORT_CONTEXT_DEFAULTS, completeFromReportContext } from '../logs/report-context-fetch.ts';

export interface EnrichRuntime {
  cluster: string;
  resolver: PodResolver;
  claims: ClaimStore;
  completeReports: NonNullable<EnrichDeps['completeReports']>;
  deliver: Deliver;
  now: () => number;
  claimTtlMs: number;
}

export interface EnrichClients {
  clusterName: string;
  region: string;
  eks: EKSClient;
  credentials: AwsCredentialIdentityProvider;
  dynamo: DynamoDBDocumentClient;
  tableName: string;
  eventBridge: EventBridgeClient;
  busName: string;
  /** Reads the node streams named in the events' `source` to complete their reports. */
  logs: CloudWatchLogsClient;
  timing?: RetryTiming;
  resolver?: Partial<Omit<PodResolverOptions, 'reader' | 'timing'>>;
}

export function createEnrichRuntime(clients: EnrichClients): EnrichRuntime {
  const timing = clients.timing ?? realTiming;
  const tokens = createEksTokenSource(
    { clusterName: clients.clusterName, region: clients.region, credentials: clients.credentials },
    () => timing.now(),
  );
  const reader = createEksKubeReader({ clusterName: clients.clusterName, eks: clients.eks, tokens });
  return {
    cluster: clients.clusterName,
    resolver: createPodResolver({ ...clients.resolver, reader, timing }),
    claims: createDynamoDbClaimStore(clients.dynamo, clients.tableName),
    completeReports: (events, deadline) =>
      completeFromReportContext(events, {
        client: clients.logs,
        now: () => timing.now(),
        sleep: (ms) => timing.sleep(ms),
        budgetMs: Math.max(0, Math.min(REPORT_CONTEXT_DEFAULTS.budgetMs, deadline - timing.now())),
      }),
    deliver: (events) =>
      publishEvents(events, { client: clients.eventBridge, busName: clients.busName, timing }),
    now: () => timing.now(),
    claimTtlMs: ENRICH_DEFAULTS.claimTtlMs,
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The runtime the deployed function uses, configured by the stack's environment variables. */
export function runtimeFromEnv(env: NodeJS.ProcessEnv): EnrichRuntime {
  const region = required(env, 'AWS_REGION');
  return createEnrichRuntime({
    clusterName: required(env, ENV.clusterName),
    region,
    eks: new EKSClient({ region }),
    credentials: fromNodeProviderChain(),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({ region })),
    tableName: required(env, ENV.stateTableName),
    eventBridge: new EventBridgeClient({ region }),
    busName: required(env, ENV.eventBusName),
    logs: new CloudWatchLogsClient({ region }),
  });
}
