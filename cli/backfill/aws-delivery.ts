/**
 * `backfill --deliver` against a deployed stack: the stack's state table (enrich's claims, notify's storm
 * windows), its alert topic and its events log group, with the caller's own AWS credentials. Loaded only
 * when `--deliver` is given: the Kubernetes client is large.
 */
import { stackEnrichStage } from '../../adapters/enrich/enrich-stage.ts';
import type { KillMetrics } from '../../adapters/sinks/kill-metrics.ts';
import { DEFAULT_WINDOW_MINUTES } from '../../shared/storm-window.ts';
import { createNotifyStage } from '../../adapters/notify/notify-stage.ts';
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
}

// The OomKills metric counts kills when they are notified; a kill from last week counted now would put a
// spike at the wrong time, so backfilled kills are alerted and recorded in the history but not counted.
const backfilledKillsUncounted: KillMetrics = { countKill: () => undefined };

export function openStackDelivery(target: StackTarget): DeliverKills {
  return enrichThenDeliver(
    stackEnrichStage(target),
    createNotifyStage(
      {
        region: target.region,
        topicArn: target.topicArn,
        stateTableName: target.stateTable,
        eventsLogGroupName: target.eventsLogGroup,
        windowMinutes: DEFAULT_WINDOW_MINUTES,
        chatTopicArn: target.chatTopicArn ?? null,
      },
      backfilledKillsUncounted,
    ),
  );
}
