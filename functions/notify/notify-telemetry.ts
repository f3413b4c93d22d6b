/**
 * What one notify invocation tells the operators: each failed step, a digest sweep that fell behind, what was
 * sent, and the chat messages that could not be published (ChatPublishFailures: with e-mail or SMS as well they
 * are not retried, and the log line alone would tell no one). The kill metric itself is counted by the notify
 * step (adapters/sinks/kill-metrics.ts).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { NotifyReport } from '../../adapters/notify/notify-kills.ts';
import { METRICS } from '../../shared/metric-names.ts';

/** Powertools Logger's calls with structured attributes; a test hands a recorder. */
export interface NotifyLog {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** Powertools Metrics' `addMetric` and flush; a test hands a recorder. */
export interface MetricSink {
  addMetric(name: string, unit: typeof MetricUnit.Count, value: number): unknown;
  publishStoredMetrics(): unknown;
}

export function logUnreadableEvent(problem: string, logger: NotifyLog): void {
  logger.error('OOM event could not be read; alerting with what arrived', { problem });
}

export function recordNotifyReport(report: NotifyReport, logger: NotifyLog, metrics: MetricSink): void {
  if (report.digestsAbandonedBefore !== null) {
    logger.error('digest sweep fell behind: windows closed before this time got no digest', {
      before: report.digestsAbandonedBefore,
    });
  }
  for (const failure of report.failures) logger.error('delivery step failed', { ...failure });
  logger.info('delivered', { outcomes: report.outcomes, digestsSent: report.digestsSent });
  countChatFailures(report, metrics);
}

/** Only when there is one: a zero costs a custom metric and tells no alarm anything. */
function countChatFailures(report: NotifyReport, metrics: MetricSink): void {
  const failed = report.failures.filter((failure) => failure.step === 'chat').length;
  if (failed === 0) return;
  metrics.addMetric(METRICS.chatPublishFailures, MetricUnit.Count, failed);
  metrics.publishStoredMetrics();
}
