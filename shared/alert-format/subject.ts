/**
 * The e-mail subject: printable ASCII, one line, at most 99 characters. Node OOMs say so first.
 */
import { subjectText } from '../format-text.ts';
import type { EnrichedOomEvent } from '../oom-event.ts';
import {
  isSystemOom,
  limitToken,
  shortNodeName,
  victimKindOf,
  victimLabel,
  victimName,
  victimProcess,
} from './event-wording.ts';

/** The process is named `process node`, `child process node`: a comm such as `node` is not the node. */
export function alertSubject(event: EnrichedOomEvent): string {
  const proc = victimProcess(event);
  const node = shortNodeName(event);
  const who = victimLabel(event);
  const kind = victimKindOf(event);
  if (isSystemOom(event)) {
    const whom = {
      'pod-process': `${proc} in ${who}`,
      'host-process': who,
      'unresolved-pod': `${proc} in ${who}`,
      unattributed: proc,
    }[kind];
    return subjectText(`Node OOM on ${node}: killed ${whom}`);
  }
  const limit = limitToken(event);
  switch (kind) {
    case 'pod-process':
      return subjectText(
        event.impact === 'process-killed-container-running'
          ? `OOM: child process ${victimName(event)} in ${who} ${limit} on ${node}`
          : `OOM: ${who} ${limit} on ${node}`,
      );
    case 'host-process':
      return subjectText(`OOM: ${who} ${limit} on ${node}`);
    case 'unresolved-pod':
      return subjectText(`OOM: ${proc} in ${who} ${limit} on ${node}`);
    case 'unattributed':
      return subjectText(`OOM: ${proc} on ${node} (pod unknown)`);
  }
}
