/**
 * The notify step, in process: storm grouping, SNS alerts, the events history and the kill metric.
 * The Lambda handler, the scheduled digest run, `backfill --deliver` and `replay --dry-run` all call
 * these, with the parts adapters/notify/notify-stage.ts builds.
 *
 * Nothing is dropped quietly: when the storm state cannot be read the kill alerts on its own, and
 * every failure comes back in the report, marked `retry` when running the same step again would
 * send what is missing without sending anything twice.
 */
import type { AlertContext, AlertMessage, AlertSettings } from '../../shared/alert-format/alert-message.ts';
import { formatAlert } from '../../shared/alert-format/format-alert.ts';
import { formatUnreadableAlert } from '../../shared/alert-format/unreadable.ts';
import { formatDigest } from '../../shared/format-digest.ts';
import type { EnrichedOomEvent } from '../../shared/oom-event.ts';
import {
  containerKeyOf,
  containerKeyOfGroup,
  containerKillOf,
  killsInDayBefore,
  type ContainerKill,
} from '../../shared/right-sizing.ts';
import { stormGroupOf, sweepBuckets, sweepCursorAfter, type StormDigest } from '../../shared/storm-window.ts';
import type { AlertSink } from '../sinks/alert-sink.ts';
import type { ChatSink } from '../sinks/chat-sink.ts';
import type { HistoryWriter } from '../sinks/history-writer.ts';
import type { KillMetrics } from '../sinks/kill-metrics.ts';
import type { ContainerKillStore } from '../state/container-kill-store.ts';
import type { DigestProgress, KillDecision, StormStore } from '../state/storm-store.ts';
import { namedErrorText } from '../../shared/error-text.ts';

export interface NotifyDeps {
  alerts: AlertSink;
  history: HistoryWriter;
  storms: StormStore;
  metrics: KillMetrics;
  windowMinutes: number;
  /** Named in the Logs Insights queries of the alerts; null when there is no events log group. */
  eventsLogGroupName: string | null;
  /** What the alerts link to and which go by SMS; absent: no console links, SMS for every alert. */
  alertSettings?: AlertSettings;
  /** AWS Chatbot's topic, for a chat copy of each alert and digest; absent or null: none. */
  chat?: ChatSink | null;
  /**
   * Chat is the only channel: the alert topic has no e-mail or SMS subscriber. An alert or digest then counts as
   * sent only once its chat message is, and a failed chat message asks for a retry. Absent: false.
   */
  chatIsOnlyChannel?: boolean;
  /** Each container's recent limit hits, for the right-sizing hint; absent or null: no hint from them. */
  containerKills?: ContainerKillStore | null;
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
  step:
    | 'storm-state'
    | 'right-sizing'
    | 'alert'
    | 'alert-mark'
    | 'chat'
    | 'history'
    | 'metrics'
    | 'digest'
    | 'digest-sweep';
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
  return { ...deps.alertSettings, eventsLogGroupName: deps.eventsLogGroupName };
}

function emptyReport(): NotifyReport {
  return { outcomes: [], digestsSent: 0, failures: [], digestsAbandonedBefore: null };
}

/** Runs `step`; a failure goes into the report instead of ending the run, and null stands for its value. */
async function attemptValue<T>(
  report: NotifyReport,
  failure: Omit<NotifyFailure, 'error'>,
  step: () => Promise<T>,
): Promise<T | null> {
  try {
    return await step();
  } catch (error) {
    report.failures.push({ ...failure, error: namedErrorText(error) });
    return null;
  }
}

/** Runs `step` as attemptValue does; says whether it succeeded. */
async function attempt(
  report: NotifyReport,
  failure: Omit<NotifyFailure, 'error'>,
  step: () => Promise<void> | void,
): Promise<boolean> {
  const done = await attemptValue(report, failure, async () => {
    await step();
    return true;
  });
  return done === true;
}

/** When the kill happened: `observedAt`, else (no wall clock in the kernel text) when notify received it. */
function killTimeOf(event: EnrichedOomEvent, now: Date): number {
  const observed = event.observedAt === null ? Number.NaN : Date.parse(event.observedAt);
  return Number.isNaN(observed) ? now.getTime() : observed;
}

/**
 * Scheduled runs that try a digest's chat message, chat being the only channel, before it is given up: a run and
 * Lambda's two retries of it, then the next run and its first retry, under ten minutes rather than the 24 hours
 * the sweep looks back. Each failure is in ChatPublishFailures.
 */
export const DIGEST_CHAT_RUNS = 5;

interface DeliveryPlan {
  /** The alert topic took the message on an earlier attempt: only its chat copy is owed. */
  published: boolean;
  /** A failed chat message asks for a retry. */
  retryChat: boolean;
}

interface Delivery {
  /** The alert topic has the message, now or from an earlier attempt. */
  published: boolean;
  /** Whether its chat copy was posted; null when there is none to post. */
  posted: boolean | null;
}

/** Sent, or as sent as it will be: the topic took it, and no chat copy is owed that a retry would post. */
function isSettled(delivery: Delivery, plan: DeliveryPlan): boolean {
  return delivery.published && !(delivery.posted === false && plan.retryChat);
}

/**
 * Publishes an alert on the topic, then its copy on the chat topic. A chat failure is reported, not retried: a
 * re-run would send the e-mail and the SMS again. Where chat is the only channel nothing would be sent twice,
 * so the alert is not sent until its chat message is, and the failure asks for a retry (`retryChat`).
 */
async function deliver(
  report: NotifyReport,
  failure: Pick<NotifyFailure, 'step' | 'subject'>,
  format: () => AlertMessage,
  deps: NotifyDeps,
  plan: DeliveryPlan,
): Promise<Delivery> {
  const message = await attemptValue(report, { ...failure, retry: true }, async () => {
    const formatted = format();
    if (!plan.published) await deps.alerts.publish(formatted);
    return formatted;
  });
  const chat = deps.chat;
  if (message === null) return { published: false, posted: null };
  if (!chat) return { published: true, posted: null };
  const posted = await attempt(
    report,
    { step: 'chat', subject: failure.subject, retry: plan.retryChat },
    () => chat.publish(message.chat),
  );
  return { published: true, posted };
}

/** A single alert: chat-only, its chat message is retried by Lambda's two retries, then the notify DLQ. */
function alertPlan(deps: NotifyDeps): DeliveryPlan {
  return { published: false, retryChat: deps.chatIsOnlyChannel === true };
}

/**
 * Records a container's limit hit and returns its hits in the 24 h up to this one, for the right-sizing hint; null
 * when the kill is not a container's own limit hit, or the hits could not be kept (the alert goes without them).
 */
async function recordContainerKill(
  event: EnrichedOomEvent,
  deps: NotifyDeps,
  now: Date,
  report: NotifyReport,
): Promise<ContainerKill[] | null> {
  const key = containerKeyOf(event);
  const store = deps.containerKills;
  if (key === null || !store) return null;
  const atMs = killTimeOf(event, now);
  const kills = await attemptValue(report, { step: 'right-sizing', subject: event.id, retry: false }, () =>
    store.recordKill(key, containerKillOf(event, atMs), now),
  );
  return kills === null ? null : killsInDayBefore(kills, atMs);
}

/** The storm decision for a kill; when the storm state fails, the kill alerts on its own. */
async function decideKill(
  event: EnrichedOomEvent,
  deps: NotifyDeps,
  now: Date,
  report: NotifyReport,
): Promise<KillDecision> {
  const kill = { group: stormGroupOf(event), eventId: event.id, atMs: killTimeOf(event, now) };
  const decision = await attemptValue(report, { step: 'storm-state', subject: event.id, retry: false }, () =>
    deps.storms.recordKill(kill, now, deps.windowMinutes),
  );
  return decision ?? { kind: 'alert', window: null, seenBefore: false };
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
    // Each kill's own clock reading: its window is filed under the due bucket of this time, which must not be
    // one the scheduled run has already passed while earlier events of the batch were handled.
    const receivedAt = deps.now();
    const containerKills = await recordContainerKill(event, deps, receivedAt, report);
    const decision = await decideKill(event, deps, receivedAt, report);
    if (decision.kind === 'alert') {
      const plan = alertPlan(deps);
      const delivery = await deliver(
        report,
        { step: 'alert', subject: event.id },
        () => formatAlert(event, { ...alertContext(deps), containerKills }),
        deps,
        plan,
      );
      const window = decision.window;
      if (isSettled(delivery, plan) && window !== null) {
        await attempt(report, { step: 'alert-mark', subject: event.id, retry: false }, () =>
          deps.storms.markAlertSent(window, receivedAt),
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
  await deliver(
    report,
    { step: 'alert', subject: 'unreadable event' },
    () => formatUnreadableAlert(raw, problem, deps.alertSettings?.smsFor),
    deps,
    alertPlan(deps),
  );
  return report;
}

/** The limit hits of a storm's container in the 24 h up to its last kill, for the digest; null when not known. */
async function digestContainerKills(
  digest: StormDigest,
  deps: NotifyDeps,
  report: NotifyReport,
): Promise<ContainerKill[] | null> {
  const key = containerKeyOfGroup(digest.group);
  const store = deps.containerKills;
  if (key === null || !store) return null;
  try {
    return killsInDayBefore(await store.recentKills(key), Date.parse(digest.lastKillAt));
  } catch (error) {
    report.failures.push({ step: 'right-sizing', subject: key, error: namedErrorText(error), retry: false });
    return null;
  }
}

/**
 * A digest, chat-only: a run after the alert topic took it posts only its chat copy, and the last of
 * DIGEST_CHAT_RUNS gives the chat copy up rather than retrying for the 24 hours the sweep looks back.
 */
function digestPlan(progress: DigestProgress, deps: NotifyDeps): DeliveryPlan {
  const chatRunsLeft = DIGEST_CHAT_RUNS - progress.chatAttempts - 1;
  return {
    published: progress.publishedAt !== null,
    retryChat: deps.chatIsOnlyChannel === true && chatRunsLeft > 0,
  };
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
        const containerKills = await digestContainerKills(claim.digest, deps, report);
        const plan = digestPlan(claim.progress, deps);
        const delivery = await deliver(
          report,
          { step: 'digest', subject: window.groupKey },
          () => formatDigest(claim.digest, { ...alertContext(deps), containerKills }),
          deps,
          plan,
        );
        if (isSettled(delivery, plan)) {
          if (delivery.posted === false && deps.chatIsOnlyChannel === true) {
            report.failures.push({
              step: 'digest',
              subject: window.groupKey,
              error: `chat message not posted in ${DIGEST_CHAT_RUNS} runs: given up (ChatPublishFailures counts each)`,
              retry: false,
            });
          } else {
            report.digestsSent += 1;
          }
          // Sent is sent: if marking fails, the cursor still moves on, so it is not sent twice.
          await attempt(report, { step: 'digest', subject: window.groupKey, retry: false }, () =>
            storms.markDigestSent(window, now),
          );
        } else {
          outstanding.add(bucket);
          // Unreleased, the claim goes stale and a later run takes it over (publishing it again, chat-only).
          await attempt(report, { step: 'digest', subject: window.groupKey, retry: false }, () =>
            storms.releaseDigest(window, claim.claimedAt, delivery.published ? now : undefined),
          );
        }
      }
    }
    const through = sweepCursorAfter(buckets, outstanding);
    if (through !== null) await storms.advanceSweepCursor(through);
  });
  return report;
}
