/**
 * The log group names the stack gives (infra/oom-alerts.ts: `/eks-oom-alerts/<cluster>/…`), so that
 * `--cluster demo` is enough on the command line. test/cli/query-definitions.test.ts checks them against a
 * synthesized stack.
 */

/** Kernel lines shipped by this project's Fluent Bit (kernel log mode `ship`). */
export function kernelLogGroupOf(cluster: string): string {
  return `/eks-oom-alerts/${cluster}/kernel`;
}

/** One JSON line per enriched event, written by notify; the saved Logs Insights queries read it. */
export function eventsLogGroupOf(cluster: string): string {
  return `/eks-oom-alerts/${cluster}/events`;
}
