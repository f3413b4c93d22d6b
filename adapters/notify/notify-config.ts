/**
 * The notify function's settings, read once from the environment the stack sets.
 */
import { runbookTemplateProblems } from '../../shared/alert-format/next-steps.ts';
import { DEFAULT_SMS_FOR, SMS_FOR_VALUES, type SmsFor } from '../../shared/alert-format/sms-policy.ts';
import { DEFAULT_WINDOW_MINUTES, MAX_WINDOW_MINUTES } from '../../shared/storm-window.ts';
import { ENV } from '../../shared/runtime-config.ts';
import { integerInRange, oneOf, optional, readEnvConfig, required } from '../env-config.ts';
import type { Env, EnvConfig, Setting } from '../env-config.ts';

/** Set by Lambda itself in every function (the stack may not set it): the console links open in this region. */
const LAMBDA_REGION = 'AWS_REGION';

export interface NotifyConfig {
  topicArn: string;
  stateTableName: string;
  eventsLogGroupName: string;
  /** Length of a storm window, from the first kill of a group. */
  windowMinutes: number;
  /** AWS Chatbot's topic; null: no chat messages. */
  chatTopicArn: string | null;
  /** The region the function runs in; null outside Lambda. */
  region: string | null;
  kernelLogGroupName: string | null;
  dashboardName: string | null;
  /** Link template; see shared/alert-format/next-steps.ts. */
  runbookUrl: string | null;
  smsFor: SmsFor;
  /** `true`: chat is the only channel, so a failed chat message is retried (adapters/notify/notify-kills.ts). */
  chatIsOnlyChannel: 'true' | 'false';
}

/** A runbook link template that the stack's synth check would pass, or null when unset. */
function runbookTemplate(name: string): Setting<string | null> {
  return (env) => {
    const read = optional(name)(env);
    if (!read.ok || read.value === null) return read;
    const problems = runbookTemplateProblems(read.value);
    if (problems.length === 0) return read;
    return { ok: false, problem: `${name} ${JSON.stringify(read.value)} ${problems.join('; ')}` };
  };
}

export function readNotifyConfig(env: Env): EnvConfig<NotifyConfig> {
  return readEnvConfig(env, {
    topicArn: required(ENV.topicArn),
    stateTableName: required(ENV.stateTableName),
    eventsLogGroupName: required(ENV.eventsLogGroupName),
    windowMinutes: integerInRange(ENV.groupingWindowMinutes, {
      min: 1,
      max: MAX_WINDOW_MINUTES,
      unit: 'minutes',
      fallback: DEFAULT_WINDOW_MINUTES,
    }),
    chatTopicArn: optional(ENV.chatTopicArn),
    region: optional(LAMBDA_REGION),
    kernelLogGroupName: optional(ENV.kernelLogGroupName),
    dashboardName: optional(ENV.dashboardName),
    runbookUrl: runbookTemplate(ENV.runbookUrl),
    smsFor: oneOf(ENV.smsFor, SMS_FOR_VALUES, DEFAULT_SMS_FOR),
    chatIsOnlyChannel: oneOf(ENV.chatIsOnlyChannel, ['true', 'false'], 'false'),
  });
}
