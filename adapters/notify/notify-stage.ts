/**
 * The one place that builds the notify stage's collaborators from clients and configuration: the alert topic,
 * the events history, the storm windows in the state table and the kill metric, or their in-memory stand-ins
 * for `replay --dry-run`. The Lambda, `backfill --deliver` and `replay` take them from here.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { EnrichedOomEvent } from '../../shared/oom-event.ts';
import type { Publish, PublishResult } from '../enrich/enrich-events.ts';
import { DryRunAlertSink, SnsAlertSink } from '../sinks/alert-sink.ts';
import { CloudWatchHistoryWriter } from '../sinks/history-writer.ts';
import { PowertoolsKillMetrics, type KillMetrics } from '../sinks/kill-metrics.ts';
import { DynamoStormStore } from '../state/dynamo-storm-store.ts';
import { MemoryStormStore } from '../state/memory-storm-store.ts';
import { stateTableClient } from '../state/state-table.ts';
import { readNotifyConfig, type NotifyConfig } from './notify-config.ts';
import { notifyKills, type NotifyDeps } from './notify-kills.ts';

/** The stack's topic, table and events log group; the SDK's default region when none is named (in the Lambda). */
export type NotifyTarget = NotifyConfig & { region?: string };

export function createNotifyStage(target: NotifyTarget, metrics: KillMetrics): NotifyDeps {
  const region = target.region === undefined ? {} : { region: target.region };
  const documents = stateTableClient(region);
  return {
    alerts: new SnsAlertSink(new SNSClient(region), target.topicArn),
    history: new CloudWatchHistoryWriter(new CloudWatchLogsClient(region), target.eventsLogGroupName),
    storms: new DynamoStormStore(documents, target.stateTableName),
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

/** Nothing leaves the process: alerts printed as JSON lines, storm windows in memory, no history, no metric. */
export function inMemoryNotifyStage(
  writeLine: (line: string) => void,
  windowMinutes: number,
  now: () => Date,
): NotifyDeps {
  return {
    alerts: new DryRunAlertSink(writeLine),
    history: { write: async () => undefined },
    storms: new MemoryStormStore(),
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
