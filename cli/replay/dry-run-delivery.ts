/**
 * `replay --dry-run`: what would be sent, printed instead of sent. Each enriched event prints the
 * EventBridge entry the enrich function would put on the bus, then goes through the notifier's own
 * `deliver` with in-memory storm state, whose SNS publishes print too. Nothing leaves the process.
 */
import type { Deliver, DeliveryResult } from '../../adapters/enrich/enrich-events.ts';
import { DryRunAlertSink } from '../../adapters/sinks/alert-sink.ts';
import { deliver, sendDueDigests, type DeliveryDeps } from '../../adapters/notify/deliver.ts';
import { MemoryStormStore } from '../../adapters/state/memory-storm-store.ts';
import { buildBusEntry } from '../../shared/event-bus-entry.ts';

/** The bus name only labels the entry; a dry run has no bus. */
const DRY_RUN_BUS = 'dry-run';

/** `{"target":"eventbridge","entry":{Source, DetailType, Detail}}`. */
export function dryRunBusLine(entry: { Source: string; DetailType: string; Detail: string }): string {
  return JSON.stringify({
    target: 'eventbridge',
    entry: { Source: entry.Source, DetailType: entry.DetailType, Detail: entry.Detail },
  });
}

export interface DryRun {
  deliver: Deliver;
  /** The digests of every storm window the run opened, as the scheduled run would send them. */
  flushDigests(): Promise<void>;
}

export function dryRunDelivery(
  writeLine: (line: string) => void,
  windowMinutes: number,
  now: () => number,
): DryRun {
  const notify: DeliveryDeps = {
    alerts: new DryRunAlertSink(writeLine),
    history: { write: async () => undefined },
    storms: new MemoryStormStore(),
    metrics: { countKill: () => undefined },
    windowMinutes,
    eventsLogGroupName: null,
    now: () => new Date(now()),
  };
  return {
    async deliver(events) {
      const results: DeliveryResult[] = events.map((event) => {
        const built = buildBusEntry(event, DRY_RUN_BUS);
        if (!built.ok) return { ok: false, reason: built.reason };
        writeLine(dryRunBusLine(built.entry));
        return { ok: true };
      });
      const report = await deliver(
        events.filter((_, i) => results[i]?.ok === true),
        notify,
      );
      return results.map((result, i) => {
        const failure = report.failures.find((f) => f.retry && f.subject === events[i]?.id);
        return failure === undefined ? result : { ok: false, reason: `${failure.step}: ${failure.error}` };
      });
    },
    async flushDigests() {
      // Every window the run opened has closed by then.
      const later = now() + (windowMinutes + 10) * 60_000;
      await sendDueDigests({ ...notify, now: () => new Date(later) });
    },
  };
}
