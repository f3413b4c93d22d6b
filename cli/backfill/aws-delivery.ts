/**
 * `backfill --deliver` against a deployed stack: the stack's state table (enrich's claims, notify's storm
 * windows), its alert topic and its events log group, with the caller's own AWS credentials. Loaded only
 * when `--deliver` is given: the Kubernetes client is large.
 */
import { stackEnrichStage } from '../../adapters/enrich/enrich-stage.ts';
import type { KillMetrics } from '../../adapters/sinks/kill-metrics.ts';
import { DEFAULT_WINDOW_MINUTES } from '../../shared/storm-window.ts';
import { createNotifyStage, type NotifyTarget } from '../../adapters/notify/notify-stage.ts';
import type { SmsFor } from '../../shared/alert-format/sms-policy.ts';
import { enrichThenDeliver } from './backfill-delivery.ts';
import type { DeliverKills } from './history-backfill.ts';

export interface StackTarget {
  region: string;
  cluster: string;
  stateTable: string;
  topicArn: string;
  eventsLogGroup: string;
  /** AWS Chatbot's topic, from the stack's outputs (`--stack`): the backfilled alerts go to chat as well. */
  chatTopicArn?: string;
  /** What notify alerts with, from the stack's outputs (`--stack`); without: a 10-minute window, every alert by SMS, no runbook link. */
  windowMinutes?: number;
  smsFor?: SmsFor;
  runbookUrl?: string;
}

// The OomKills metric counts kills when they are notified; a kill from last week counted now would put a
// spike at the wrong time, so backfilled kills are alerted and recorded in the history but not counted.
const backfilledKillsUncounted: KillMetrics = { countKill: () => undefined };

/** The notify stage's settings for a backfill: the stack's, where its outputs gave them. */
export function notifyTargetOf(target: StackTarget): NotifyTarget {
  return {
    region: target.region,
    topicArn: target.topicArn,
    stateTableName: target.stateTable,
    eventsLogGroupName: target.eventsLogGroup,
    windowMinutes: target.windowMinutes ?? DEFAULT_WINDOW_MINUTES,
    chatTopicArn: target.chatTopicArn ?? null,
    ...(target.smsFor !== undefined && { smsFor: target.smsFor }),
    ...(target.runbookUrl !== undefined && { runbookUrl: target.runbookUrl }),
  };
}

export function openStackDelivery(target: StackTarget): DeliverKills {
  return enrichThenDeliver(
    stackEnrichStage(target),
    createNotifyStage(notifyTargetOf(target), backfilledKillsUncounted),
  );
}
