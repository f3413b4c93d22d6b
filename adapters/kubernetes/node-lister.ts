/**
 * The cluster's nodes as the shipping check reads them (name, creation time, labels), listed page by page.
 * Only the scheduled check (functions/watch) lists nodes; enrichment never does.
 */
import type { EKSClient } from '@aws-sdk/client-eks';
// Deep imports, as kube-reader.ts: the package's index would bring every API group and feature into the bundle.
import {
  CoreV1ApiRequestFactory,
  CoreV1ApiResponseProcessor,
} from '@kubernetes/client-node/dist/gen/apis/CoreV1Api.js';
import type { KubeConfig, V1Node } from '@kubernetes/client-node';
import { errorMessage } from '../../shared/error-text.ts';
import type { ClusterNode } from '../../shared/node-shipping.ts';
import type { EksTokenSource } from './eks-token.ts';
import { describeClusterEndpoint, kubeConfigForEks } from './kube-client.ts';
import { ApiConfiguration, send } from './kube-reader.ts';

export interface NodeLister {
  /** Every node of the cluster; `signal` ends the listing (the invocation's deadline). */
  listNodes(signal: AbortSignal): Promise<ClusterNode[]>;
}

/** Nodes per page: a large cluster stays a handful of requests, each answer a few MB at most. */
const NODE_PAGE_SIZE = 500;

/** The three fields the check reads; status, images and the rest are dropped at once. */
function clusterNodeOf(node: V1Node): ClusterNode | null {
  const name = node.metadata?.name;
  if (name === undefined) return null;
  const created = node.metadata?.creationTimestamp;
  const createdAt = created === undefined ? NaN : new Date(created).getTime();
  return {
    name,
    createdAt: Number.isNaN(createdAt) ? null : createdAt,
    labels: { ...node.metadata?.labels },
  };
}

function createNodeLister(kubeConfig: KubeConfig): NodeLister {
  const { configuration } = kubeConfig.makeApiClient(ApiConfiguration);
  const build = new CoreV1ApiRequestFactory(configuration);
  const read = new CoreV1ApiResponseProcessor();
  return {
    async listNodes(signal) {
      const nodes: ClusterNode[] = [];
      let continueToken: string | undefined;
      do {
        // resourceVersion=0 lets the API server answer from its watch cache; it may not go with `continue`.
        // The builder takes positional arguments.
        const page = await send(
          configuration,
          build.listNode(
            undefined, // pretty
            undefined, // allowWatchBookmarks
            continueToken, // continue
            undefined, // fieldSelector
            undefined, // labelSelector
            NODE_PAGE_SIZE, // limit
            continueToken === undefined ? '0' : undefined, // resourceVersion
          ),
          (answer) => read.listNodeWithHttpInfo(answer),
          signal,
        );
        for (const item of page.items) {
          const node = clusterNodeOf(item);
          if (node !== null) nodes.push(node);
        }
        const next = page.metadata?._continue;
        continueToken = next === undefined || next === '' ? undefined : next;
      } while (continueToken !== undefined);
      return nodes;
    },
  };
}

/**
 * A NodeLister for an EKS cluster: DescribeCluster on first use, within the caller's deadline, and kept; a
 * failed or stalled describe is asked again next time.
 */
export function createEksNodeLister(options: {
  clusterName: string;
  eks: EKSClient;
  tokens: EksTokenSource;
}): NodeLister {
  let lister: Promise<NodeLister> | null = null;
  const connect = (signal: AbortSignal): Promise<NodeLister> => {
    lister ??= describeClusterEndpoint(options.eks, options.clusterName, signal).then(
      (endpoint) => createNodeLister(kubeConfigForEks(options.clusterName, endpoint, options.tokens)),
      (error: unknown) => {
        lister = null;
        throw new Error(`DescribeCluster ${options.clusterName} failed: ${errorMessage(error)}`, {
          cause: error,
        });
      },
    );
    return lister;
  };
  return { listNodes: async (signal) => (await connect(signal)).listNodes(signal) };
}
