/**
 * `backfill --deliver` against a deployed stack: the stack's state table (enrich's claims, notify's storm
 * windows), its alert topic and its events log group, with the caller's own AWS credentials. Loaded only
 * when `--deliver` is given: the Kubernetes client is large.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EKSClient } from '@aws-sdk/client-eks';
import { SNSClient } from '@aws-sdk/client-sns';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { realTiming } from '../../adapters/retry.ts';
import { createDynamoDbClaimStore } from '../../adapters/state/dynamodb-claim-store.ts';
import { ENRICH_DEFAULTS } from '../../adapters/enrich/enrich-events.ts';
import { createEksTokenSource } from '../../adapters/kubernetes/eks-token.ts';
import { createEksKubeReader } from '../../adapters/kubernetes/kube-client.ts';
import { createPodResolver } from '../../adapters/kubernetes/pod-resolver.ts';
import { SnsAlertSink } from '../../adapters/sinks/alert-sink.ts';
import { DynamoStormStore } from '../../adapters/state/dynamo-storm-store.ts';
import { CloudWatchHistoryWriter } from '../../adapters/sinks/history-writer.ts';
import type { KillMetrics } from '../../adapters/sinks/kill-metrics.ts';
import { DEFAULT_WINDOW_MINUTES } from '../../adapters/notify/notify-config.ts';
import { enrichThenDeliver } from './backfill-delivery.ts';
import type { DeliverKills } from './history-backfill.ts';

export interface StackTarget {
  region: string;
  cluster: string;
  stateTable: string;
  topicArn: string;
  eventsLogGroup: string;
}

// The OomKills metric counts kills when they are delivered; a kill from last week counted now would put a
// spike at the wrong time, so backfilled kills are alerted and recorded in the history but not counted.
const backfilledKillsUncounted: KillMetrics = { countKill: () => undefined };

export function openStackDelivery(target: StackTarget): DeliverKills {
  const { region, cluster } = target;
  const credentials = fromNodeProviderChain();
  const tokens = createEksTokenSource({ clusterName: cluster, region, credentials }, () => realTiming.now());
  const reader = createEksKubeReader({ clusterName: cluster, eks: new EKSClient({ region }), tokens });
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ region }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return enrichThenDeliver(
    {
      cluster,
      resolver: createPodResolver({ reader, timing: realTiming }),
      claims: createDynamoDbClaimStore(dynamo, target.stateTable),
      now: () => realTiming.now(),
      claimTtlMs: ENRICH_DEFAULTS.claimTtlMs,
    },
    {
      alerts: new SnsAlertSink(new SNSClient({ region }), target.topicArn),
      history: new CloudWatchHistoryWriter(new CloudWatchLogsClient({ region }), target.eventsLogGroup),
      storms: new DynamoStormStore(dynamo, target.stateTable),
      metrics: backfilledKillsUncounted,
      windowMinutes: DEFAULT_WINDOW_MINUTES,
      eventsLogGroupName: target.eventsLogGroup,
      now: () => new Date(),
    },
  );
}
