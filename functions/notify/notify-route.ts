/**
 * What one invocation of notify is for, and whether it must fail so that Lambda runs it again.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import type { EnrichedOomEvent } from '../../shared/oom-event.ts';
import type { NotifyReport } from '../../adapters/notify/notify-kills.ts';
import { readEnrichedEvent } from './read-event.ts';

export type NotifyRoute =
  /** The 5-minute schedule: send the digests of closed storm windows. */
  | { kind: 'digests' }
  | { kind: 'kill'; event: EnrichedOomEvent }
  /** A detail that is not an EnrichedOomEvent still stands for a kill: it alerts with what arrived. */
  | { kind: 'unreadable'; detail: unknown; problem: string };

/** The 5-minute schedule's event, as EventBridge Scheduler-less rules send it. */
export function isScheduledTick(event: EventBridgeEvent<string, unknown>): boolean {
  return event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event';
}

export function routeOf(event: EventBridgeEvent<string, unknown>): NotifyRoute {
  if (isScheduledTick(event)) return { kind: 'digests' };
  const read = readEnrichedEvent(event.detail);
  return read.ok
    ? { kind: 'kill', event: read.event }
    : { kind: 'unreadable', detail: event.detail, problem: read.problem };
}

/**
 * Why the invocation must fail, or null. Failing makes Lambda retry it; the storm store makes the retry send
 * only what is missing, so only the failures that a retry would complete count.
 */
export function retryReason(report: NotifyReport): string | null {
  const retry = report.failures.filter((f) => f.retry);
  if (retry.length === 0) return null;
  return `delivery incomplete: ${retry.map((f) => `${f.step} (${f.subject})`).join(', ')}`;
}
