/**
 * What a CloudWatch log stream's name says about the lines in it: which node wrote them, and whether they can
 * be kernel lines at all.
 */

/** Container Insights host log group: one stream per node and per host log file. */
const CONTAINER_INSIGHTS_KERNEL_SUFFIXES = ['.host.messages', '.host.dmesg'] as const;
/** /var/log/secure: sshd, sudo and PAM; a command line quoted there may contain OOM words. */
const CONTAINER_INSIGHTS_SECURE_SUFFIX = '.host.secure';
/** This project's Fluent Bit: `log_stream_name ${NODE_NAME}.kernel`, or `log_stream_prefix kernel.` + node tag. */
const OWN_STREAM_SUFFIX = '.kernel';
const OWN_STREAM_PREFIX = 'kernel.';

function nonEmpty(node: string): string | null {
  return node.length > 0 ? node : null;
}

/**
 * The node name that a stream name carries, or null when the name has no known shape.
 *
 * The rule, in order:
 * - `<node>.host.messages`, `<node>.host.dmesg`, `<node>.host.secure` (Container Insights host group) → `<node>`;
 * - `<node>.kernel` and `kernel.<node>` (this project's Fluent Bit) → `<node>`;
 * - anything else → null: the caller then takes the record's `host`/`_HOSTNAME` field, and failing that the
 *   stream name as it is (a stream named after the node alone).
 *
 * Node names hold dots (`ip-10-0-1-23.eu-west-1.compute.internal`), so only the fixed suffix or prefix is cut.
 */
export function nodeFromStreamName(streamName: string): string | null {
  for (const suffix of [
    ...CONTAINER_INSIGHTS_KERNEL_SUFFIXES,
    CONTAINER_INSIGHTS_SECURE_SUFFIX,
    OWN_STREAM_SUFFIX,
  ]) {
    if (streamName.endsWith(suffix)) return nonEmpty(streamName.slice(0, -suffix.length));
  }
  if (streamName.startsWith(OWN_STREAM_PREFIX)) return nonEmpty(streamName.slice(OWN_STREAM_PREFIX.length));
  return null;
}

/**
 * False for streams whose lines are never kernel messages even when they match the subscription filter:
 * the Container Insights `<node>.host.secure` stream (auth log).
 */
export function streamCarriesKernelLog(streamName: string): boolean {
  return !streamName.endsWith(CONTAINER_INSIGHTS_SECURE_SUFFIX);
}
