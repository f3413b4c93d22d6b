/**
 * The parse function's settings, read once from the environment the stack sets (names in
 * shared/runtime-config.ts).
 */
import { integerInRange, readEnvConfig, required } from '../../adapters/env-config.ts';
import type { Env, EnvConfig } from '../../adapters/env-config.ts';
import { PIPELINE_WAITS } from '../../shared/pipeline-waits.ts';
import { ENV } from '../../shared/runtime-config.ts';

/** None: enrich waits for the kubelet to report the kill itself (adapters/kubernetes/pod-resolver.ts). */
export const DEFAULT_ENRICH_DELAY_SECONDS = PIPELINE_WAITS.enrichDelaySeconds;
/** SQS's largest per-message delay. */
const MAX_DELAY_SECONDS = 900;

export interface ParseConfig {
  eventsQueueUrl: string;
  stateTableName: string;
  enrichDelaySeconds: number;
}

export function readParseConfig(env: Env): EnvConfig<ParseConfig> {
  return readEnvConfig(env, {
    eventsQueueUrl: required(ENV.eventsQueueUrl),
    stateTableName: required(ENV.stateTableName),
    enrichDelaySeconds: integerInRange(ENV.enrichDelaySeconds, {
      min: 0,
      max: MAX_DELAY_SECONDS,
      unit: 'seconds',
      fallback: DEFAULT_ENRICH_DELAY_SECONDS,
    }),
  });
}
