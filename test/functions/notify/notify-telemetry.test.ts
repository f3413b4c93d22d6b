import { describe, expect, it } from 'vitest';
import type { NotifyLog } from '../../../functions/notify/notify-telemetry.ts';
import { logUnreadableEvent, recordNotifyReport } from '../../../functions/notify/notify-telemetry.ts';
import type { NotifyReport } from '../../../adapters/notify/notify-kills.ts';

function recorder(): { logger: NotifyLog; logs: unknown[][] } {
  const logs: unknown[][] = [];
  const at =
    (level: string) =>
    (message: string, ...attributes: Record<string, unknown>[]) =>
      void logs.push([level, message, ...attributes]);
  return { logs, logger: { info: at('info'), error: at('error') } };
}

const noMetrics = { addMetric: () => undefined, publishStoredMetrics: () => undefined };

describe('recordNotifyReport', () => {
  it('logs a sweep that fell behind, each failed step, then what was sent', () => {
    const { logger, logs } = recorder();
    const report: NotifyReport = {
      outcomes: [{ eventId: 'e-1', result: 'alerted', ungrouped: false }],
      digestsSent: 2,
      failures: [{ step: 'history', subject: 'e-1', error: 'Error: Logs', retry: true }],
      digestsAbandonedBefore: '2025-11-19T10:00:00.000Z',
    };
    recordNotifyReport(report, logger, noMetrics);
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
    recordNotifyReport(
      { outcomes: [], digestsSent: 0, failures: [], digestsAbandonedBefore: null },
      logger,
      noMetrics,
    );
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

describe('recordNotifyReport: chat messages that could not be published', () => {
  function metricRecorder() {
    const added: unknown[][] = [];
    let published = 0;
    return {
      added,
      published: () => published,
      metrics: {
        addMetric: (...args: unknown[]) => void added.push(args),
        publishStoredMetrics: () => void (published += 1),
      },
    };
  }
  const report = (steps: string[]): NotifyReport => ({
    outcomes: [],
    digestsSent: 0,
    failures: steps.map((step) => ({ step, subject: 'e-1', error: 'Error: x', retry: false }) as never),
    digestsAbandonedBefore: null,
  });

  it('counts the chat messages that could not be published, and flushes them at once', () => {
    const { added, published, metrics } = metricRecorder();
    recordNotifyReport(report(['chat', 'history', 'chat']), recorder().logger, metrics);
    expect(added).toEqual([['ChatPublishFailures', 'Count', 2]]);
    expect(published()).toBe(1);
  });

  it('adds no zero', () => {
    const { added, published, metrics } = metricRecorder();
    recordNotifyReport(report(['history']), recorder().logger, metrics);
    expect(added).toEqual([]);
    expect(published()).toBe(0);
  });
});
