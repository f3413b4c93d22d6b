/**
 * The one place that builds the notify stage's collaborators from clients and configuration: the alert topic,
 * the chat topic, the events history, the storm windows and the containers' recent kills in the state table
 * and the kill metric, or their in-memory stand-ins for `replay --dry-run`. The Lambda, `backfill --deliver`
 * and `replay` take them from here.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { EnrichedOomEvent } from '../../shared/oom-event.ts';
import type { Publish, PublishResult } from '../enrich/enrich-events.ts';
import type { AlertSettings } from '../../shared/alert-format/alert-message.ts';
import { DEFAULT_SMS_FOR } from '../../shared/alert-format/sms-policy.ts';
import { dryRunAlertSink, snsAlertSink } from '../sinks/alert-sink.ts';
import { dryRunChatSink, snsChatSink } from '../sinks/chat-sink.ts';
import { CloudWatchHistoryWriter } from '../sinks/history-writer.ts';
import { PowertoolsKillMetrics, type KillMetrics } from '../sinks/kill-metrics.ts';
import { MemoryContainerKillStore } from '../state/container-kill-store.ts';
import { DynamoContainerKillStore } from '../state/dynamo-container-kill-store.ts';
import { DynamoStormStore } from '../state/dynamo-storm-store.ts';
import { MemoryStormStore } from '../state/memory-storm-store.ts';
import { stateTableClient } from '../state/state-table-client.ts';
import { readNotifyConfig, type NotifyConfig } from './notify-config.ts';
import { notifyKills, type NotifyDeps } from './notify-kills.ts';

/** What a caller may leave out (`backfill --deliver` reads the stack's outputs only). */
type OptionalSetting =
  | 'chatTopicArn'
  | 'region'
  | 'kernelLogGroupName'
  | 'dashboardName'
  | 'runbookUrl'
  | 'smsFor'
  | 'chatIsOnlyChannel';

/**
 * The stack's topic, table and events log group, and what else it set: without a chat topic no chat message
 * (and without `chatIsOnlyChannel` a failed one is not retried), without a region (the SDK's default then) no
 * console link, without `smsFor` every alert by SMS.
 */
export type NotifyTarget = Omit<NotifyConfig, OptionalSetting> & Partial<Pick<NotifyConfig, OptionalSetting>>;

function alertSettings(target: NotifyTarget): AlertSettings {
  return {
    region: target.region ?? null,
    kernelLogGroupName: target.kernelLogGroupName ?? null,
    dashboardName: target.dashboardName ?? null,
    runbookUrl: target.runbookUrl ?? null,
    smsFor: target.smsFor ?? DEFAULT_SMS_FOR,
  };
}

export function createNotifyStage(target: NotifyTarget, metrics: KillMetrics): NotifyDeps {
  const region = target.region ? { region: target.region } : {};
  const documents = stateTableClient(region);
  const sns = new SNSClient(region);
  return {
    alerts: snsAlertSink(sns, target.topicArn),
    chat: target.chatTopicArn ? snsChatSink(sns, target.chatTopicArn) : null,
    chatIsOnlyChannel: target.chatIsOnlyChannel === 'true',
    alertSettings: alertSettings(target),
    history: new CloudWatchHistoryWriter(new CloudWatchLogsClient(region), target.eventsLogGroupName),
    storms: new DynamoStormStore(documents, target.stateTableName),
    containerKills: new DynamoContainerKillStore(documents, target.stateTableName),
    metrics,
    windowMinutes: target.windowMinutes,
    eventsLogGroupName: target.eventsLogGroupName,
    now: () => new Date(),
  };
}

/** The deployed function's stage, configured by the stack's environment variables; kills counted in `metrics`. */
export function notifyStageFromEnv(env: NodeJS.ProcessEnv, metrics: Metrics): NotifyDeps {
  const settings = readNotifyConfig(env);
  if (!settings.ok) throw new Error(`notify is misconfigured: ${settings.problems.join('; ')}`);
  return createNotifyStage(settings.config, new PowertoolsKillMetrics(metrics));
}

/**
 * Nothing leaves the process: alerts and their chat messages printed as JSON lines, storm windows and the
 * containers' recent kills in memory, no history, no metric.
 */
export function inMemoryNotifyStage(
  writeLine: (line: string) => void,
  windowMinutes: number,
  now: () => Date,
): NotifyDeps {
  return {
    alerts: dryRunAlertSink(writeLine),
    chat: dryRunChatSink(writeLine),
    history: { write: async () => undefined },
    storms: new MemoryStormStore(),
    containerKills: new MemoryContainerKillStore(),
    metrics: { countKill: () => undefined },
    windowMinutes,
    eventsLogGroupName: null,
    now,
  };
}

/**
 * notify as enrich's publish step, where no bus sits between them (`backfill --deliver`, `replay --dry-run`):
 * an event is published unless a step that a re-run would complete failed for it (its claim is then released,
 * and the storm state keeps the re-run from alerting twice).
 */
export function notifyAsPublish(deps: NotifyDeps): Publish {
  return async (events: readonly EnrichedOomEvent[]): Promise<PublishResult[]> => {
    const report = await notifyKills(events, deps);
    const retry = report.failures.filter((f) => f.retry);
    return events.map((event) => {
      // The history step's subject names all its events.
      const failure = retry.find((f) => f.subject.split(', ').includes(event.id));
      return failure === undefined
        ? { ok: true }
        : { ok: false, reason: `${failure.step}: ${failure.error}` };
    });
  };
}
