/**
 * One subscription batch (what CloudWatch Logs sends in one invocation), from `awslogs.data` to OomEvents on
 * the enrich queue, with the stream's assembler state carried in the state table.
 *
 * Order matters: events are sent before the new state is saved. A crash between the two leaves the old state,
 * so the retried invocation runs the same lines again and re-sends the same event ids, which enrich dedupes.
 * Saving first would let a crash lose the kills the saved state no longer holds.
 */
import type { OomEvent } from '../../shared/oom-event.ts';
import type { DriftLine } from '../../shared/report-assembler.ts';
import type { AssemblerStateStore } from './assembler-state-store.ts';
import { stateKeyOf } from './assembler-state-store.ts';
import type { EventQueue, MessageBatchClient, SendRetry } from './event-queue.ts';
import { eventMessagesOf, sendOomEvents } from './event-queue.ts';
import type { StreamLogEvent } from '../../shared/log-event-lines.ts';
import { kernelStreamOf, oomEventsFromStream, type KernelStream } from '../../shared/stream-events.ts';
import { decodeSubscriptionEvent } from '../../shared/subscription-payload.ts';

/** Load → assemble → send → save, again from a fresh load each time another invocation saved first. */
export const DEFAULT_STATE_ATTEMPTS = 4;

/** Powertools Logger's calls with structured attributes; a test hands a recorder. */
export interface ParseLog {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

export type StateStore = Pick<AssemblerStateStore, 'load' | 'save'>;

export interface ParseDependencies {
  queueClient: MessageBatchClient;
  queue: EventQueue;
  sendRetry: SendRetry;
  stateStore: StateStore;
  logger: ParseLog;
  maxStateAttempts: number;
}

export interface StreamRef {
  logGroup: string;
  logStream: string;
}

export type BatchOutcome =
  | { kind: 'control' }
  | { kind: 'malformed'; reason: string }
  | ({ kind: 'not-kernel' } & StreamRef)
  | ({
      kind: 'parsed';
      node: string | null;
      events: OomEvent[];
      drift: DriftLine[];
      /** How many times the batch ran before its state was saved (more than 1: another invocation raced). */
      stateAttempts: number;
    } & StreamRef)
  /** Nothing was saved; the invocation must fail so that Lambda runs it again. */
  | ({ kind: 'retry'; reason: string } & StreamRef);

/**
 * Runs the events of one stream against its stored state until the new state is saved. Each run's events are
 * sent before its save; a re-run after a conflict sends again only the events whose content changed.
 */
async function parseStreamEvents(
  kernelStream: KernelStream,
  logEvents: readonly StreamLogEvent[],
  deps: ParseDependencies,
): Promise<BatchOutcome> {
  const stream = { logGroup: kernelStream.logGroup, logStream: kernelStream.logStream };
  const key = stateKeyOf(stream.logGroup, stream.logStream);
  const sentBodies = new Map<string, string>();
  for (let attempt = 1; attempt <= deps.maxStateAttempts; attempt++) {
    const stored = await deps.stateStore.load(key);
    if (stored.discarded !== null)
      deps.logger.warn('Stored assembler state not used', { key, reason: stored.discarded });
    const result = oomEventsFromStream(kernelStream, logEvents, stored.state, { final: false });
    const unsent = eventMessagesOf(result.events).filter((m) => sentBodies.get(m.eventId) !== m.body);
    const sent = await sendOomEvents(deps.queueClient, deps.queue, unsent, deps.sendRetry);
    if (sent.kind === 'failed') {
      const failures = sent.failures.map(
        (f) => `${f.eventId}: ${f.code}${f.message === null ? '' : ` (${f.message})`}`,
      );
      return {
        kind: 'retry',
        ...stream,
        reason: `SQS refused ${failures.length} event(s): ${failures.join('; ')}`,
      };
    }
    for (const message of unsent) {
      sentBodies.set(message.eventId, message.body);
      if (message.trimmed !== null)
        deps.logger.warn('Event shrunk to fit one queue message', {
          eventId: message.eventId,
          leftOut: message.trimmed,
        });
    }
    const saved = await deps.stateStore.save(key, result.state, stored.version);
    if (saved.kind === 'saved') {
      if (saved.trimmed !== 'none')
        deps.logger.warn('Assembler state trimmed to fit the item limit', { key, leftOut: saved.trimmed });
      return {
        kind: 'parsed',
        ...stream,
        node: kernelStream.node,
        events: result.events,
        drift: result.drift,
        stateAttempts: attempt,
      };
    }
    deps.logger.info('Assembler state changed under this invocation; running the batch again', {
      key,
      attempt,
    });
  }
  return {
    kind: 'retry',
    ...stream,
    reason: `the assembler state of ${key} kept changing under this invocation (${deps.maxStateAttempts} attempts)`,
  };
}

/** Decodes a subscription batch and parses it; never throws for bad input, only for AWS calls that failed. */
export async function parseSubscriptionBatch(event: unknown, deps: ParseDependencies): Promise<BatchOutcome> {
  const decoded = decodeSubscriptionEvent(event);
  if (decoded.kind !== 'data') return decoded;
  const { logGroup, logStream, logEvents } = decoded.message;
  const stream = kernelStreamOf(logGroup, logStream);
  if (stream === null) return { kind: 'not-kernel', logGroup, logStream };
  return parseStreamEvents(stream, logEvents, deps);
}
