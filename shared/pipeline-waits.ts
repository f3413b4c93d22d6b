/**
 * The waits between a kernel line and its alert that the stack sets, in one place: infra configures them with
 * these values, and `replay --timings` and docs/deploy.md add them up. The wait for the kubelet is enrich's
 * (RESOLVER_DEFAULTS in adapters/kubernetes/pod-resolver.ts).
 */
export const PIPELINE_WAITS = {
  /** Fluent Bit sends what it read every this many seconds (`flush` in infra/fluent-bit/config.yaml). */
  shipFlushSeconds: 5,
  /** SQS holds a parsed kill this long before enrich may receive it (the stack's `enrichDelay` default). */
  enrichDelaySeconds: 0,
  /** The enrich event source waits up to this long to fill a batch (`maxBatchingWindow`). */
  enrichBatchWindowSeconds: 5,
} as const;
