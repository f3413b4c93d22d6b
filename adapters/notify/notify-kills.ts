/**
 * The notify step, in process: storm grouping, SNS alerts, the events history and the kill metric.
 * The Lambda handler, the scheduled digest run, `backfill --deliver` and `replay --dry-run` all call
 * these, with the parts adapters/notify/notify-stage.ts builds.
 *
 * Nothing is dropped quietly: when the storm state cannot be read the kill alerts on its own, and
 * every failure comes back in the report, marked `retry` when running the same step again would
 * send what is missing without sending anything twice.
 */
import type { AlertContext } from '../../shared/alert-format/alert-message.ts';
import { formatAlert } from '../../shared/alert-format/format-alert.ts';
import { formatUnreadableAlert } from '../../shared/alert-format/unreadable.ts';
import { formatDigest } from '../../shared/format-digest.ts';
import type { EnrichedOomEvent } from '../../shared/oom-event.ts';
import { stormGroupOf, sweepBuckets, sweepCursorAfter } from '../../shared/storm-window.ts';
import type { AlertSink } from '../sinks/alert-sink.ts';
import type { HistoryWriter } from '../sinks/history-writer.ts';
import type { KillMetrics } from '../sinks/kill-metrics.ts';
import type { KillDecision, StormStore } from '../state/storm-store.ts';
import { namedErrorText } from '../../shared/error-text.ts';

export interface NotifyDeps {
  alerts: AlertSink;
  history: HistoryWriter;
  storms: StormStore;
  metrics: KillMetrics;
  windowMinutes: number;
  /** Named in the Logs Insights queries of the alerts; null when there is no events log group. */
  eventsLogGroupName: string | null;
  now: () => Date;
}

/** What happened to one event. */
export type KillOutcome = {
  eventId: string;
  /** `alerted`: first kill of its window; `counted`: later kill, in a digest to come; `repeat`: seen before. */
  result: 'alerted' | 'counted' | 'repeat';
  /** The storm state could not be used, so the kill was alerted on its own. */
  ungrouped: boolean;
};

export interface NotifyFailure {
  step: 'storm-state' | 'alert' | 'alert-mark' | 'history' | 'metrics' | 'digest' | 'digest-sweep';
  /** The event, or the storm group of a digest. */
  subject: string;
  error: string;
  /** Running the same step again would complete it (an at-least-once retry is wanted). */
  retry: boolean;
}

export interface NotifyReport {
  outcomes: KillOutcome[];
  digestsSent: number;
  failures: NotifyFailure[];
  /** Set when the digest sweep fell so far behind that older windows were given up (reported, not silent). */
  digestsAbandonedBefore: string | null;
}

function alertContext(deps: NotifyDeps): AlertContext {
  return { eventsLogGroupName: deps.eventsLogGroupName };
}

function emptyReport(): NotifyReport {
  return { outcomes: [], digestsSent: 0, failures: [], digestsAbandonedBefore: null };
}

/** Runs `step`; a failure goes into the report instead of ending the run. */
async function attempt(
  report: NotifyReport,
  failure: Omit<NotifyFailure, 'error'>,
  step: () => Promise<void> | void,
): Promise<boolean> {
  try {
    await step();
    return true;
  } catch (error) {
    report.failures.push({ ...failure, error: namedErrorText(error) });
    return false;
  }
}

/** The storm decision for a kill; when the storm state fails, the kill alerts on its own. */
async function decideKill(
  event: EnrichedOomEvent,
  deps: NotifyDeps,
  now: Date,
  report: NotifyReport,
): Promise<KillDecision> {
  const kill = { eventId: event.id, at: event.observedAt ?? now.toISOString() };
  try {
    return await deps.storms.recordKill(stormGroupOf(event), kill, now, deps.windowMinutes);
  } catch (error) {
    report.failures.push({
      step: 'storm-state',
      subject: event.id,
      error: namedErrorText(error),
      retry: false,
    });
    return { kind: 'alert', window: null, seenBefore: false };
  }
}

/**
 * Notifies enriched events: the first kill of each storm window alerts at once, later ones are
 * counted for the window's digest; every event goes to the history; each kill is counted once in
 * the metrics (a retried event is not counted again).
 */
export async function notifyKills(
  events: readonly EnrichedOomEvent[],
  deps: NotifyDeps,
): Promise<NotifyReport> {
  const report = emptyReport();
  const now = deps.now();
  for (const event of events) {
    const decision = await decideKill(event, deps, now, report);
    if (decision.kind === 'alert') {
      const sent = await attempt(report, { step: 'alert', subject: event.id, retry: true }, () =>
        deps.alerts.publish(formatAlert(event, alertContext(deps))),
      );
      const window = decision.window;
      if (sent && window !== null) {
        await attempt(report, { step: 'alert-mark', subject: event.id, retry: false }, () =>
          deps.storms.markAlertSent(window, now),
        );
      }
    }
    const result = decision.kind === 'alert' ? 'alerted' : decision.kind;
    report.outcomes.push({ eventId: event.id, result, ungrouped: decision.window === null });
    const seenBefore = decision.kind === 'repeat' || (decision.kind === 'alert' && decision.seenBefore);
    if (!seenBefore) {
      await attempt(report, { step: 'metrics', subject: event.id, retry: false }, () =>
        deps.metrics.countKill(event),
      );
    }
  }
  if (events.length > 0) {
    await attempt(report, { step: 'history', subject: events.map((e) => e.id).join(', '), retry: true }, () =>
      deps.history.write(events, now),
    );
  }
  return report;
}

/** A detail that is not an EnrichedOomEvent still stands for a kill: alert with what arrived. */
export async function notifyUnreadable(
  raw: unknown,
  problem: string,
  deps: NotifyDeps,
): Promise<NotifyReport> {
  const report = emptyReport();
  await attempt(report, { step: 'alert', subject: 'unreadable event', retry: true }, () =>
    deps.alerts.publish(formatUnreadableAlert(raw, problem)),
  );
  return report;
}

/**
 * The scheduled run: sends the digest of every closed window that counted later kills, then moves
 * the sweep cursor past the buckets that are fully settled. A digest that failed, or that another
 * run still holds, keeps the cursor before its bucket, so the next run tries it again.
 */
export async function sendDueDigests(deps: NotifyDeps): Promise<NotifyReport> {
  const report = emptyReport();
  const now = deps.now();
  const storms = deps.storms;
  await attempt(report, { step: 'digest-sweep', subject: 'storm windows', retry: true }, async () => {
    const { buckets, lostBefore } = sweepBuckets(await storms.readSweepCursor(), now.getTime());
    report.digestsAbandonedBefore = lostBefore === null ? null : new Date(lostBefore).toISOString();
    const outstanding = new Set<number>();
    for (const bucket of buckets) {
      for (const window of await storms.windowsDueIn(bucket)) {
        const claim = await storms.claimDigest(window, now);
        if (claim.kind === 'busy') outstanding.add(bucket);
        if (claim.kind !== 'claimed') continue;
        const sent = await attempt(report, { step: 'digest', subject: window.groupKey, retry: true }, () =>
          deps.alerts.publish(formatDigest(claim.digest, alertContext(deps))),
        );
        if (sent) {
          report.digestsSent += 1;
          // Sent is sent: if marking fails, the cursor still moves on, so it is not sent twice.
          await attempt(report, { step: 'digest', subject: window.groupKey, retry: false }, () =>
            storms.markDigestSent(window, now),
          );
        } else {
          outstanding.add(bucket);
          // Unreleased, the claim goes stale and a later run takes it over.
          await attempt(report, { step: 'digest', subject: window.groupKey, retry: false }, () =>
            storms.releaseDigest(window, claim.claimedAt),
          );
        }
      }
    }
    const through = sweepCursorAfter(buckets, outstanding);
    if (through !== null) await storms.advanceSweepCursor(through);
  });
  return report;
}
