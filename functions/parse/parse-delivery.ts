/**
 * One subscription delivery, from `awslogs.data` to OomEvents on the enrich queue, with the stream's
 * assembler state carried in the state table.
 *
 * Order matters: events are sent before the new state is saved. A crash between the two leaves the old state,
 * so the retried invocation runs the same lines again and re-sends the same event ids, which enrich dedupes.
 * Saving first would let a crash lose the kills the saved state no longer holds.
 */
import type { OomEvent } from '../../shared/oom-event.ts';
import type { DriftLine, InputLine } from '../../shared/report-assembler.ts';
import { assembleReports } from '../../shared/report-assembler.ts';
import type { AssemblerStateStore } from './assembler-state-store.ts';
import { stateKeyOf } from './assembler-state-store.ts';
import type { EventQueue, MessageBatchClient, SendRetry } from './event-queue.ts';
import { eventMessagesOf, sendOomEvents } from './event-queue.ts';
import { linesFromLogEvents } from '../../shared/log-event-lines.ts';
import { nodeFromStreamName, streamCarriesKernelLog } from '../../shared/stream-name.ts';
import type { SubscriptionDataMessage } from '../../shared/subscription-payload.ts';
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

export type DeliveryOutcome =
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
 * Runs the lines of one stream against its stored state until the new state is saved. Each run's events are
 * sent before its save; a re-run after a conflict sends again only the events whose content changed.
 */
async function parseStreamLines(
  lines: readonly InputLine[],
  stream: StreamRef,
  node: string | null,
  deps: ParseDependencies,
): Promise<DeliveryOutcome> {
  const key = stateKeyOf(stream.logGroup, stream.logStream);
  const context = { node, source: { logGroup: stream.logGroup, logStream: stream.logStream } };
  const sentBodies = new Map<string, string>();
  for (let attempt = 1; attempt <= deps.maxStateAttempts; attempt++) {
    const stored = await deps.stateStore.load(key);
    if (stored.discarded !== null)
      deps.logger.warn('Stored assembler state not used', { key, reason: stored.discarded });
    const result = assembleReports(lines, stored.state, context, { final: false });
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
    for (const message of unsent) sentBodies.set(message.eventId, message.body);
    const saved = await deps.stateStore.save(key, result.state, stored.version);
    if (saved.kind === 'saved') {
      if (saved.trimmed !== 'none')
        deps.logger.warn('Assembler state trimmed to fit the item limit', { key, leftOut: saved.trimmed });
      return {
        kind: 'parsed',
        ...stream,
        node,
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

/** The node a stream's lines belong to, and the host a line without one should take. */
function nodeOfStream(message: SubscriptionDataMessage): {
  node: string | null;
  hostFallback: string | null;
} {
  const node = nodeFromStreamName(message.logStream);
  return node !== null ? { node, hostFallback: null } : { node: null, hostFallback: message.logStream };
}

/** Decodes a subscription delivery and parses it; never throws for bad input, only for AWS calls that failed. */
export async function parseDelivery(event: unknown, deps: ParseDependencies): Promise<DeliveryOutcome> {
  const decoded = decodeSubscriptionEvent(event);
  if (decoded.kind !== 'data') return decoded;
  const message = decoded.message;
  const stream = { logGroup: message.logGroup, logStream: message.logStream };
  if (!streamCarriesKernelLog(message.logStream)) return { kind: 'not-kernel', ...stream };
  const { node, hostFallback } = nodeOfStream(message);
  const lines = linesFromLogEvents(message.logEvents, hostFallback);
  return parseStreamLines(lines, stream, node, deps);
}
