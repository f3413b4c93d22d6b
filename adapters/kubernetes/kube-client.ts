/**
 * Two ways to reach a cluster's API: from inside AWS (DescribeCluster for the endpoint and CA, an EKS token
 * from the function's IAM role), and from a kubeconfig file for `eks-oom-alerts scan --kubeconfig`.
 * Both end in the same KubeReader and PodResolver.
 */
import { DescribeClusterCommand } from '@aws-sdk/client-eks';
import type { EKSClient } from '@aws-sdk/client-eks';
import { KubeConfig } from '@kubernetes/client-node';
import { realTiming } from '../retry.ts';
import type { EksTokenSource } from './eks-token.ts';
import { createKubeReader } from './kube-reader.ts';
import type { KubeReader } from './kube-reader.ts';
import { createPodResolver } from './pod-resolver.ts';
import type { PodResolver, PodResolverOptions } from './pod-resolver.ts';
import { errorMessage } from '../../shared/error-text.ts';

export interface ClusterEndpoint {
  server: string;
  /** Base64 PEM, as DescribeCluster returns it and as a kubeconfig's `certificate-authority-data` holds it. */
  caData: string;
}

// Names the token-bearing user inside the in-code kubeconfig.
const EKS_USER = 'eks-oom-alerts';

export async function describeClusterEndpoint(eks: EKSClient, clusterName: string): Promise<ClusterEndpoint> {
  const { cluster } = await eks.send(new DescribeClusterCommand({ name: clusterName }));
  const server = cluster?.endpoint;
  const caData = cluster?.certificateAuthority?.data;
  if (server === undefined || caData === undefined) {
    throw new Error(
      `EKS cluster ${clusterName} has no API endpoint or CA yet (status ${cluster?.status ?? 'unknown'})`,
    );
  }
  return { server, caData };
}

/** A kubeconfig built in code: the cluster's endpoint and CA, and a bearer token fetched per request. */
export function kubeConfigForEks(
  clusterName: string,
  endpoint: ClusterEndpoint,
  tokens: EksTokenSource,
): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromClusterAndUser(
    { name: clusterName, server: endpoint.server, caData: endpoint.caData, skipTLSVerify: false },
    { name: EKS_USER },
  );
  // client-node asks the authenticator on every request, so a refreshed token is picked up without
  // rebuilding the clients.
  kubeConfig.addAuthenticator({
    isAuthProvider: (user) => user.name === EKS_USER,
    applyAuthentication: async (_user, opts) => {
      opts.headers = { ...opts.headers, Authorization: `Bearer ${await tokens.token()}` };
    },
  });
  return kubeConfig;
}

/**
 * A KubeReader for an EKS cluster that describes the cluster on first use and keeps the answer; a failed
 * DescribeCluster is asked again on the next use.
 */
export function createEksKubeReader(options: {
  clusterName: string;
  eks: EKSClient;
  tokens: EksTokenSource;
}): KubeReader {
  let reader: Promise<KubeReader> | null = null;
  const connect = (): Promise<KubeReader> => {
    if (reader === null) {
      const connecting = describeClusterEndpoint(options.eks, options.clusterName).then(
        (endpoint) => createKubeReader(kubeConfigForEks(options.clusterName, endpoint, options.tokens)),
        (error: unknown) => {
          reader = null;
          const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          throw new Error(`DescribeCluster ${options.clusterName} failed: ${message}`, { cause: error });
        },
      );
      reader = connecting;
    }
    return reader;
  };
  return {
    listPodsOnNode: async (node, page, signal) => (await connect()).listPodsOnNode(node, page, signal),
    podNamedInEvents: async (uid, signal) => (await connect()).podNamedInEvents(uid, signal),
    replicaSetOwners: async (namespace, name, signal) =>
      (await connect()).replicaSetOwners(namespace, name, signal),
    jobOwners: async (namespace, name, signal) => (await connect()).jobOwners(namespace, name, signal),
  };
}

export interface KubeconfigTarget {
  /** A kubeconfig file (exec plugins such as `aws eks get-token` work as they do for kubectl). */
  path: string;
  /** The context to use; the file's current context when absent. */
  context?: string;
}

export type KubeconfigResolver =
  { ok: true; resolver: PodResolver; cluster: string } | { ok: false; reason: string };

/**
 * The resolver `scan --kubeconfig` uses, and the cluster name its events carry (the context's cluster).
 * A missing file, bad YAML or unknown context is a reason to show the user, not an exception.
 */
export function createResolverFromKubeconfig(
  target: KubeconfigTarget,
  options: Partial<Omit<PodResolverOptions, 'reader'>> = {},
): KubeconfigResolver {
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromFile(target.path);
  } catch (error) {
    return {
      ok: false,
      reason: `cannot read kubeconfig ${target.path}: ${errorMessage(error)}`,
    };
  }
  if (target.context !== undefined) {
    if (kubeConfig.getContextObject(target.context) === null) {
      return { ok: false, reason: `kubeconfig ${target.path} has no context named ${target.context}` };
    }
    kubeConfig.setCurrentContext(target.context);
  }
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null)
    return { ok: false, reason: `kubeconfig ${target.path} has no current context with a cluster` };
  const resolver = createPodResolver({
    timing: realTiming,
    ...options,
    reader: createKubeReader(kubeConfig),
  });
  return { ok: true, resolver, cluster: cluster.name };
}
