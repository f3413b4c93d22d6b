/**
 * Two ways to reach a cluster's API: from inside AWS (DescribeCluster for the endpoint and CA, an EKS token
 * from the function's IAM role), and from a kubeconfig file for `eks-oom-alerts scan --kubeconfig`.
 * Both end in the same KubeReader and PodResolver.
 */
import { DescribeClusterCommand } from '@aws-sdk/client-eks';
import type { EKSClient } from '@aws-sdk/client-eks';
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { isAbortedRequest } from '../aws-errors.ts';
import { realTiming } from '../retry.ts';
import { DescribedApiFailure, untilAborted } from './api-retry.ts';
import type { EksTokenSource } from './eks-token.ts';
import { createKubeReader } from './kube-reader.ts';
import type { KubeReader } from './kube-reader.ts';
import { createPodResolver } from './pod-resolver.ts';
import type { PodResolver, PodResolverOptions } from './pod-resolver.ts';
import { errorMessage, namedErrorText } from '../../shared/error-text.ts';

export interface ClusterEndpoint {
  server: string;
  /** Base64 PEM, as DescribeCluster returns it and as a kubeconfig's `certificate-authority-data` holds it. */
  caData: string;
}

// Names the token-bearing user inside the in-code kubeconfig.
const EKS_USER = 'eks-oom-alerts';

/** The cluster's endpoint and CA; `signal` ends the call (the SDK aborts the request, and the wait ends too). */
export async function describeClusterEndpoint(
  eks: EKSClient,
  clusterName: string,
  signal?: AbortSignal,
): Promise<ClusterEndpoint> {
  const command = new DescribeClusterCommand({ name: clusterName });
  const { cluster } = await (signal === undefined
    ? eks.send(command)
    : untilAborted(eks.send(command, { abortSignal: signal }), signal));
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

/** Why DescribeCluster did not give the endpoint: a stall is worth another attempt, a refusal is the answer. */
function describeFailure(clusterName: string, error: unknown, signal: AbortSignal): DescribedApiFailure {
  const stalled = signal.aborted || isAbortedRequest(error);
  const reason = stalled
    ? `DescribeCluster ${clusterName} did not answer in time`
    : `DescribeCluster ${clusterName} failed: ${namedErrorText(error)}`;
  return new DescribedApiFailure(
    { status: null, reason, retryable: stalled, retryAfterMs: null },
    { cause: error },
  );
}

/**
 * A KubeReader for an EKS cluster that describes the cluster on first use and keeps the answer, the clients
 * made from it and the token. A failed DescribeCluster is asked again on the next use; after a call that ran
 * out of time, the cluster is described again and a token signed anew: what stalled is not reused.
 */
export function createEksKubeReader(options: {
  clusterName: string;
  eks: EKSClient;
  tokens: EksTokenSource;
}): KubeReader {
  let reader: Promise<KubeReader> | null = null;
  const connect = (signal: AbortSignal): Promise<KubeReader> => {
    if (reader === null) {
      const connecting: Promise<KubeReader> = describeClusterEndpoint(
        options.eks,
        options.clusterName,
        signal,
      ).then(
        (endpoint) => createKubeReader(kubeConfigForEks(options.clusterName, endpoint, options.tokens)),
        (error: unknown) => {
          if (reader === connecting) reader = null;
          throw describeFailure(options.clusterName, error, signal);
        },
      );
      reader = connecting;
    }
    return reader;
  };
  const use = async <T>(signal: AbortSignal, read: (connected: KubeReader) => Promise<T>): Promise<T> => {
    const connected = connect(signal);
    // A call still open when its attempt times out leaves nothing cached behind it: clients, endpoint, token.
    const forget = (): void => {
      if (reader === connected) reader = null;
      options.tokens.renew();
    };
    signal.addEventListener('abort', forget, { once: true });
    try {
      return await read(await connected);
    } finally {
      signal.removeEventListener('abort', forget);
    }
  };
  return {
    listPodsOnNode: (node, page, signal) => use(signal, (r) => r.listPodsOnNode(node, page, signal)),
    podNamedInEvents: (uid, signal) => use(signal, (r) => r.podNamedInEvents(uid, signal)),
    replicaSetOwners: (namespace, name, signal) =>
      use(signal, (r) => r.replicaSetOwners(namespace, name, signal)),
    jobOwners: (namespace, name, signal) => use(signal, (r) => r.jobOwners(namespace, name, signal)),
    renewCredentials: () => options.tokens.renew(),
  };
}

export interface KubeconfigTarget {
  /** A kubeconfig file (exec plugins such as `aws eks get-token` work as they do for kubectl). */
  path: string;
  /** The context to use; the file's current context when absent. */
  context?: string;
}

export type KubeconfigResolver =
  | {
      ok: true;
      resolver: PodResolver;
      cluster: string;
      /** The API server's URL, to name in what the CLI says about reaching it. */
      server: string;
    }
  | { ok: false; reason: string };

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
  return { ok: true, resolver, cluster: cluster.name, server: cluster.server };
}
