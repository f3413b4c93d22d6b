/**
 * The enrich function's settings, read once from the environment the stack sets (and the region Lambda sets).
 */
import { ENV } from '../../shared/runtime-config.ts';
import { oneOf, readEnvConfig, required } from '../env-config.ts';
import type { Env, EnvConfig } from '../env-config.ts';

export interface EnrichConfig {
  region: string;
  clusterName: string;
  stateTableName: string;
  eventBusName: string;
  /** A Kubernetes Event on the pod of each child process killed in a running container (adapters/kubernetes/pod-events.ts). */
  kubernetesEvents: 'true' | 'false';
}

export function readEnrichConfig(env: Env): EnvConfig<EnrichConfig> {
  return readEnvConfig(env, {
    region: required('AWS_REGION'),
    clusterName: required(ENV.clusterName),
    stateTableName: required(ENV.stateTableName),
    eventBusName: required(ENV.eventBusName),
    kubernetesEvents: oneOf(ENV.kubernetesEvents, ['true', 'false'], 'false'),
  });
}
