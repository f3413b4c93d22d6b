/**
 * The watch function's settings, read once from the environment the stack sets (and the region Lambda sets).
 */
import { NODE_GRACE_MS } from '../../shared/node-shipping.ts';
import { ENV } from '../../shared/runtime-config.ts';
import { integerInRange, readEnvConfig, required } from '../env-config.ts';
import type { Env, EnvConfig } from '../env-config.ts';

export interface WatchConfig {
  region: string;
  clusterName: string;
  kernelLogGroupName: string;
  silentNodeMinutes: number;
  nodeGraceMinutes: number;
}

/** Ship mode's Fluent Bit writes a heartbeat every 5 minutes: six missed ones, then a node counts as silent. */
const DEFAULT_SILENT_NODE_MINUTES = 30;

export function readWatchConfig(env: Env): EnvConfig<WatchConfig> {
  return readEnvConfig(env, {
    region: required('AWS_REGION'),
    clusterName: required(ENV.clusterName),
    kernelLogGroupName: required(ENV.kernelLogGroupName),
    silentNodeMinutes: integerInRange(ENV.silentNodeMinutes, {
      min: 10,
      max: 7 * 24 * 60,
      unit: 'minutes',
      fallback: DEFAULT_SILENT_NODE_MINUTES,
    }),
    nodeGraceMinutes: integerInRange(ENV.nodeGraceMinutes, {
      min: 1,
      max: 7 * 24 * 60,
      unit: 'minutes',
      fallback: NODE_GRACE_MS / 60_000,
    }),
  });
}
