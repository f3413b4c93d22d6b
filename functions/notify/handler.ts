/**
 * notify: invoked by the bus rule with one enriched OOM event, and every 5 minutes by a schedule that sends
 * the digests of closed storm windows. Wiring only; the steps are in adapters/notify/notify-kills.ts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { CLUSTER_DIMENSION, METRIC_NAMESPACE, METRIC_SERVICES } from '../../shared/metric-names.ts';
import { ENV } from '../../shared/runtime-config.ts';
import {
  notifyKills,
  notifyUnreadable,
  sendDueDigests,
  type NotifyDeps,
  type NotifyReport,
} from '../../adapters/notify/notify-kills.ts';
import { retryReason, routeOf, type NotifyRoute } from './notify-route.ts';
import { logUnreadableEvent, recordNotifyReport } from './notify-telemetry.ts';

const SERVICE = METRIC_SERVICES.notify;
const defaultDimensions = { [CLUSTER_DIMENSION]: process.env[ENV.clusterName] ?? 'unknown' };
const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE, defaultDimensions });
const logger = new Logger({ serviceName: SERVICE });
// The SDK clients load with the first event, not at cold start (docs/benchmarks.md).
let built: Promise<NotifyDeps> | null = null;
const loadDeps = () =>
  import('../../adapters/notify/notify-stage.ts').then((stage) =>
    stage.notifyStageFromEnv(process.env, metrics),
  );

async function run(route: NotifyRoute): Promise<NotifyReport> {
  const deps = await (built ??= loadDeps());
  if (route.kind === 'digests') return sendDueDigests(deps);
  if (route.kind === 'kill') return notifyKills([route.event], deps);
  logUnreadableEvent(route.problem, logger);
  return notifyUnreadable(route.detail, route.problem, deps);
}

async function notify(event: EventBridgeEvent<string, unknown>): Promise<NotifyReport> {
  const report = await run(routeOf(event));
  recordNotifyReport(report, logger, metrics);
  const retry = retryReason(report);
  if (retry !== null) throw new Error(retry);
  return report;
}

export const handler = middy(notify).use(injectLambdaContext(logger));
