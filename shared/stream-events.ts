/**
 * The stream step: one CloudWatch log stream's events into OomEvents. The stream's name says which node wrote
 * the lines (shared/stream-name.ts), each log event becomes an input line (shared/log-event-lines.ts), and the
 * assembler runs them on the state that the stream's previous events left. The parse function, replay,
 * backfill and the report-context re-read all take this one step, so a kill reads the same on every path.
 */
import { linesFromLogEvents, type StreamLogEvent } from './log-event-lines.ts';
import {
  assembleReports,
  type AssembleOptions,
  type AssemblerState,
  type AssemblyResult,
} from './report-assembler.ts';
import { nodeFromStreamName, streamCarriesKernelLog } from './stream-name.ts';

/** A stream that can carry kernel lines, with what its name says. Made by `kernelStreamOf` only. */
export interface KernelStream {
  readonly logGroup: string;
  readonly logStream: string;
  /** The node the name carries; null when the name has no known shape. */
  readonly node: string | null;
}

/**
 * The stream as the stream step reads it, or null for a stream whose lines are never kernel messages (the
 * auth log). Callers ask before their I/O: the parse function loads no state for such a stream.
 */
export function kernelStreamOf(logGroup: string, logStream: string): KernelStream | null {
  if (!streamCarriesKernelLog(logStream)) return null;
  return { logGroup, logStream, node: nodeFromStreamName(logStream) };
}

/**
 * Assembles the next events of a stream. Pass the returned state with the stream's following events (a
 * subscription may split one report across two deliveries), and `final: true` when no more will come.
 */
export function oomEventsFromStream(
  stream: KernelStream,
  events: readonly StreamLogEvent[],
  state: AssemblerState | null,
  options: AssembleOptions,
): AssemblyResult {
  // A name of no known shape is taken for the node's own name: lines without a host of their own take it.
  const hostFallback = stream.node === null ? stream.logStream : null;
  const context = { node: stream.node, source: { logGroup: stream.logGroup, logStream: stream.logStream } };
  return assembleReports(linesFromLogEvents(events, hostFallback), state, context, options);
}
