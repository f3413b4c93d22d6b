import { describe, expect, it } from 'vitest';
import type { NotifyLog } from '../../../functions/notify/notify-telemetry.ts';
import { logNotifyReport, logUnreadableEvent } from '../../../functions/notify/notify-telemetry.ts';
import type { NotifyReport } from '../../../adapters/notify/notify-kills.ts';

function recorder(): { logger: NotifyLog; logs: unknown[][] } {
  const logs: unknown[][] = [];
  const at =
    (level: string) =>
    (message: string, ...attributes: Record<string, unknown>[]) =>
      void logs.push([level, message, ...attributes]);
  return { logs, logger: { info: at('info'), error: at('error') } };
}

describe('logNotifyReport', () => {
  it('logs a sweep that fell behind, each failed step, then what was sent', () => {
    const { logger, logs } = recorder();
    const report: NotifyReport = {
      outcomes: [{ eventId: 'e-1', result: 'alerted', ungrouped: false }],
      digestsSent: 2,
      failures: [{ step: 'history', subject: 'e-1', error: 'Error: Logs', retry: true }],
      digestsAbandonedBefore: '2025-11-19T10:00:00.000Z',
    };
    logNotifyReport(report, logger);
    expect(logs).toEqual([
      [
        'error',
        'digest sweep fell behind: windows closed before this time got no digest',
        { before: '2025-11-19T10:00:00.000Z' },
      ],
      [
        'error',
        'delivery step failed',
        { step: 'history', subject: 'e-1', error: 'Error: Logs', retry: true },
      ],
      ['info', 'delivered', { outcomes: report.outcomes, digestsSent: 2 }],
    ]);
  });

  it('logs only what was sent when nothing went wrong', () => {
    const { logger, logs } = recorder();
    logNotifyReport({ outcomes: [], digestsSent: 0, failures: [], digestsAbandonedBefore: null }, logger);
    expect(logs).toEqual([['info', 'delivered', { outcomes: [], digestsSent: 0 }]]);
  });
});

describe('logUnreadableEvent', () => {
  it('logs the problem as an error', () => {
    const { logger, logs } = recorder();
    logUnreadableEvent('field "id" is missing', logger);
    expect(logs).toEqual([
      [
        'error',
        'OOM event could not be read; alerting with what arrived',
        { problem: 'field "id" is missing' },
      ],
    ]);
  });
});
