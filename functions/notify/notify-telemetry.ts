/**
 * What one notify invocation tells the operators: each failed step, a digest sweep that fell behind, and
 * what was sent. The kill metric itself is counted by the notify step (adapters/sinks/kill-metrics.ts).
 */
import type { NotifyReport } from '../../adapters/notify/notify-kills.ts';

/** Powertools Logger's calls with structured attributes; a test hands a recorder. */
export interface NotifyLog {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

export function logUnreadableEvent(problem: string, logger: NotifyLog): void {
  logger.error('OOM event could not be read; alerting with what arrived', { problem });
}

export function logNotifyReport(report: NotifyReport, logger: NotifyLog): void {
  if (report.digestsAbandonedBefore !== null) {
    logger.error('digest sweep fell behind: windows closed before this time got no digest', {
      before: report.digestsAbandonedBefore,
    });
  }
  for (const failure of report.failures) logger.error('delivery step failed', { ...failure });
  logger.info('delivered', { outcomes: report.outcomes, digestsSent: report.digestsSent });
}
