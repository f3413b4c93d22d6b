/**
 * The parse function's settings, read once from the environment the stack sets (names in
 * shared/runtime-config.ts).
 */
import { ENV } from '../../shared/runtime-config.ts';

/** Long enough for the kubelet to record an OOMKilled container status before enrich looks the pod up. */
export const DEFAULT_ENRICH_DELAY_SECONDS = 30;
/** SQS's largest per-message delay. */
const MAX_DELAY_SECONDS = 900;

export interface ParseConfig {
  eventsQueueUrl: string;
  stateTableName: string;
  enrichDelaySeconds: number;
}

export type ConfigResult = { ok: true; config: ParseConfig } | { ok: false; problems: string[] };

function delayOf(raw: string | undefined): number | string {
  if (raw === undefined || raw.trim() === '') return DEFAULT_ENRICH_DELAY_SECONDS;
  const seconds = Number(raw);
  return Number.isInteger(seconds) && seconds >= 0 && seconds <= MAX_DELAY_SECONDS
    ? seconds
    : `${ENV.enrichDelaySeconds} must be a whole number of seconds from 0 to ${MAX_DELAY_SECONDS}, not ${JSON.stringify(raw)}`;
}

export function readParseConfig(env: Readonly<Record<string, string | undefined>>): ConfigResult {
  const problems: string[] = [];
  const required = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') problems.push(`${name} is not set`);
    return value ?? '';
  };
  const eventsQueueUrl = required(ENV.eventsQueueUrl);
  const stateTableName = required(ENV.stateTableName);
  const delay = delayOf(env[ENV.enrichDelaySeconds]);
  if (typeof delay === 'string') problems.push(delay);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: { eventsQueueUrl, stateTableName, enrichDelaySeconds: delay as number } };
}
