/**
 * The one place that builds the scheduled shipping check from clients and configuration: the cluster's nodes
 * through the EKS API (signed as enrich signs its pod reads), the kernel streams through CloudWatch Logs.
 * The Lambda builds it once per container; tests hand their own clients.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EKSClient } from '@aws-sdk/client-eks';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { checkNodesShipping } from '../../shared/node-shipping.ts';
import type {
  ClusterNode,
  KernelStreamTimes,
  ShippingCheck,
  ShippingWindow,
} from '../../shared/node-shipping.ts';
import { createEksTokenSource } from '../kubernetes/eks-token.ts';
import { createEksNodeLister } from '../kubernetes/node-lister.ts';
import { readKernelStreams } from '../logs/kernel-streams.ts';
import { readWatchConfig } from './watch-config.ts';

export interface WatchStage {
  listNodes(signal: AbortSignal): Promise<ClusterNode[]>;
  /** The kernel streams with a line at or after `since`, epoch ms. */
  readStreams(since: number, signal: AbortSignal): Promise<KernelStreamTimes[]>;
  window: ShippingWindow;
  now(): number;
}

export interface WatchClients {
  clusterName: string;
  region: string;
  eks: EKSClient;
  credentials: AwsCredentialIdentityProvider;
  logs: CloudWatchLogsClient;
  kernelLogGroupName: string;
  silentNodeMinutes: number;
  nodeGraceMinutes: number;
  now?: () => number;
}

export function createWatchStage(clients: WatchClients): WatchStage {
  const now = clients.now ?? Date.now;
  const tokens = createEksTokenSource(
    { clusterName: clients.clusterName, region: clients.region, credentials: clients.credentials },
    now,
  );
  const nodes = createEksNodeLister({ clusterName: clients.clusterName, eks: clients.eks, tokens });
  return {
    listNodes: (signal) => nodes.listNodes(signal),
    readStreams: (since, signal) =>
      readKernelStreams(clients.logs, { logGroupName: clients.kernelLogGroupName, since, signal }),
    window: {
      graceMs: clients.nodeGraceMinutes * 60_000,
      silentAfterMs: clients.silentNodeMinutes * 60_000,
    },
    now,
  };
}

/** Both reads at once, then the comparison; either read failing fails the check. */
export async function checkShipping(stage: WatchStage, signal: AbortSignal): Promise<ShippingCheck> {
  const now = stage.now();
  const [nodes, streams] = await Promise.all([
    stage.listNodes(signal),
    stage.readStreams(now - stage.window.silentAfterMs, signal),
  ]);
  return checkNodesShipping(nodes, streams, now, stage.window);
}

/** The stage the deployed function uses, configured by the stack's environment variables. */
export function watchStageFromEnv(env: NodeJS.ProcessEnv): WatchStage {
  const settings = readWatchConfig(env);
  if (!settings.ok) throw new Error(`watch is misconfigured: ${settings.problems.join('; ')}`);
  const { region } = settings.config;
  return createWatchStage({
    ...settings.config,
    eks: new EKSClient({ region }),
    credentials: fromNodeProviderChain(),
    logs: new CloudWatchLogsClient({ region }),
  });
}
