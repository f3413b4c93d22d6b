/**
 * The notify function's settings, read once from the environment the stack sets.
 */
import { DEFAULT_WINDOW_MINUTES } from '../../shared/storm-window.ts';
import { ENV } from '../../shared/runtime-config.ts';
import { integerInRange, readEnvConfig, required } from '../env-config.ts';
import type { Env, EnvConfig } from '../env-config.ts';

export interface NotifyConfig {
  topicArn: string;
  stateTableName: string;
  eventsLogGroupName: string;
  /** Length of a storm window, from the first kill of a group. */
  windowMinutes: number;
}

export function readNotifyConfig(env: Env): EnvConfig<NotifyConfig> {
  return readEnvConfig(env, {
    topicArn: required(ENV.topicArn),
    stateTableName: required(ENV.stateTableName),
    eventsLogGroupName: required(ENV.eventsLogGroupName),
    windowMinutes: integerInRange(ENV.groupingWindowMinutes, {
      min: 1,
      max: 24 * 60,
      unit: 'minutes',
      fallback: DEFAULT_WINDOW_MINUTES,
    }),
  });
}
