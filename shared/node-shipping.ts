/**
 * Which nodes of the cluster ship no kernel lines: each node against the newest event of its kernel streams.
 * A blind node looks exactly like a node without OOM kills, so the scheduled check (functions/watch) counts
 * them. Pure: the node list and the stream times are read by adapters/kubernetes/node-lister.ts and
 * adapters/logs/kernel-streams.ts.
 */
import { nodeFromStreamName, streamCarriesKernelLog } from './stream-name.ts';

export interface ClusterNode {
  name: string;
  /** Epoch ms of `metadata.creationTimestamp`; null when the API server gave none. */
  createdAt: number | null;
  labels: Readonly<Record<string, string>>;
}

export interface KernelStreamTimes {
  name: string;
  /** DescribeLogStreams' `lastEventTimestamp` and `lastIngestionTime` (epoch ms), each possibly absent. */
  lastEventAt: number | null;
  lastIngestionAt: number | null;
}

export interface ShippingWindow {
  /** Nodes younger than this are not judged: Fluent Bit has yet to start there and send its first line. */
  graceMs: number;
  /** A node whose newest kernel line is older than this ships nothing. */
  silentAfterMs: number;
}

/** The grace for new nodes. */
export const NODE_GRACE_MS = 10 * 60_000;

export interface SilentNode {
  node: string;
  /** The newest kernel line of the node, epoch ms; null when it has no stream at all. */
  lastShippedAt: number | null;
}

export interface ShippingCheck {
  notShipping: SilentNode[];
  /** Nodes old enough to judge that ship. */
  shipping: number;
  inGrace: string[];
  /** Nodes with no kernel of their own to read (Fargate) or no Linux kernel log (Windows). */
  skipped: { node: string; reason: 'fargate' | 'windows' }[];
}

const COMPUTE_TYPE_LABEL = 'eks.amazonaws.com/compute-type';
const OS_LABEL = 'kubernetes.io/os';

function skipReason(node: ClusterNode): 'fargate' | 'windows' | null {
  if (node.labels[COMPUTE_TYPE_LABEL] === 'fargate') return 'fargate';
  if (node.labels[OS_LABEL] === 'windows') return 'windows';
  return null;
}

/**
 * The newest line per node over its kernel streams. Both times count: AWS documents each as eventually
 * consistent, and `lastEventTimestamp` is the kernel's clock, which a backlog sent late leaves behind.
 * A stream of no known shape is taken to be named after the node alone; `.host.secure` carries no kernel lines.
 */
export function newestLinePerNode(streams: readonly KernelStreamTimes[]): Map<string, number> {
  const newest = new Map<string, number>();
  for (const stream of streams) {
    if (!streamCarriesKernelLog(stream.name)) continue;
    const at = Math.max(stream.lastEventAt ?? -Infinity, stream.lastIngestionAt ?? -Infinity);
    if (at === -Infinity) continue;
    const node = nodeFromStreamName(stream.name) ?? stream.name;
    newest.set(node, Math.max(at, newest.get(node) ?? -Infinity));
  }
  return newest;
}

/** Every node sorted into shipping, silent, in grace or skipped; silent nodes by name. */
export function checkNodesShipping(
  nodes: readonly ClusterNode[],
  streams: readonly KernelStreamTimes[],
  now: number,
  window: ShippingWindow,
): ShippingCheck {
  const newest = newestLinePerNode(streams);
  const check: ShippingCheck = { notShipping: [], shipping: 0, inGrace: [], skipped: [] };
  for (const node of nodes) {
    const reason = skipReason(node);
    if (reason !== null) {
      check.skipped.push({ node: node.name, reason });
    } else if (node.createdAt !== null && now - node.createdAt < window.graceMs) {
      check.inGrace.push(node.name);
    } else {
      const last = newest.get(node.name);
      if (last !== undefined && now - last <= window.silentAfterMs) check.shipping++;
      else check.notShipping.push({ node: node.name, lastShippedAt: last ?? null });
    }
  }
  check.notShipping.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  return check;
}
