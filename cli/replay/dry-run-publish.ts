/**
 * `replay --dry-run`: what would be sent, printed instead of sent. Each enriched event prints the
 * EventBridge entry the enrich function would put on the bus, then goes through the notify step with
 * in-memory storm state, whose SNS publishes print too. Nothing leaves the process.
 */
import type { Publish, PublishResult } from '../../adapters/enrich/enrich-events.ts';
import { sendDueDigests } from '../../adapters/notify/notify-kills.ts';
import { inMemoryNotifyStage, notifyAsPublish } from '../../adapters/notify/notify-stage.ts';
import { buildBusEntry } from '../../shared/event-bus-entry.ts';

/** The bus name only labels the entry; a dry run has no bus. */
const DRY_RUN_BUS = 'dry-run';

/** `{"target":"eventbridge","entry":{Source, DetailType, Detail}}`. */
function dryRunBusLine(entry: { Source: string; DetailType: string; Detail: string }): string {
  return JSON.stringify({
    target: 'eventbridge',
    entry: { Source: entry.Source, DetailType: entry.DetailType, Detail: entry.Detail },
  });
}

export interface DryRun {
  publish: Publish;
  /** The digests of every storm window the run opened, as the scheduled run would send them. */
  flushDigests(): Promise<void>;
}

export function dryRunPublish(
  writeLine: (line: string) => void,
  windowMinutes: number,
  now: () => number,
): DryRun {
  const notify = inMemoryNotifyStage(writeLine, windowMinutes, () => new Date(now()));
  const notifyStep = notifyAsPublish(notify);
  return {
    async publish(events) {
      const onBus: PublishResult[] = events.map((event) => {
        const built = buildBusEntry(event, DRY_RUN_BUS);
        if (!built.ok) return { ok: false, reason: built.reason };
        writeLine(dryRunBusLine(built.entry));
        return { ok: true };
      });
      const notified = await notifyStep(events.filter((_, i) => onBus[i]?.ok === true));
      let next = 0;
      return onBus.map((result) => (result.ok ? (notified[next++] as PublishResult) : result));
    },
    async flushDigests() {
      // Every window the run opened has closed by then.
      const later = now() + (windowMinutes + 10) * 60_000;
      await sendDueDigests({ ...notify, now: () => new Date(later) });
    },
  };
}
