/**
 * The notify function's settings, read once from the environment the stack sets.
 */
import { ENV } from '../../shared/runtime-config.ts';

export interface NotifyConfig {
  topicArn: string;
  stateTableName: string;
  eventsLogGroupName: string;
  /** Length of a storm window, from the first kill of a group. */
  windowMinutes: number;
}

export const DEFAULT_WINDOW_MINUTES = 30;

export type ReadConfig = { ok: true; config: NotifyConfig } | { ok: false; problems: string[] };

export function readNotifyConfig(env: Readonly<Record<string, string | undefined>>): ReadConfig {
  const problems: string[] = [];
  const required = (name: string): string => {
    const value = env[name]?.trim() ?? '';
    if (value === '') problems.push(`${name} is not set`);
    return value;
  };
  const topicArn = required(ENV.topicArn);
  const stateTableName = required(ENV.stateTableName);
  const eventsLogGroupName = required(ENV.eventsLogGroupName);
  const rawWindow = env[ENV.groupingWindowMinutes]?.trim() ?? '';
  const windowMinutes = rawWindow === '' ? DEFAULT_WINDOW_MINUTES : Number(rawWindow);
  if (!Number.isInteger(windowMinutes) || windowMinutes < 1 || windowMinutes > 24 * 60) {
    problems.push(
      `${ENV.groupingWindowMinutes} must be a whole number of minutes from 1 to 1440, not "${rawWindow}"`,
    );
  }
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, config: { topicArn, stateTableName, eventsLogGroupName, windowMinutes } };
}
