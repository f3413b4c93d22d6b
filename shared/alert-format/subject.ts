/**
 * The e-mail subject: printable ASCII, one line, at most 99 characters. Node OOMs say so first.
 */
import { subjectText } from '../format-text.ts';
import type { EnrichedOomEvent } from '../oom-event.ts';
import {
  hostProcessLabel,
  isSystemOom,
  limitToken,
  podLabel,
  shortNodeName,
  shortUid,
  UNKNOWN,
  victimKindOf,
  victimName,
} from './event-wording.ts';

export function alertSubject(event: EnrichedOomEvent): string {
  const proc = victimName(event);
  const node = shortNodeName(event);
  const k8s = event.kubernetes;
  const kind = victimKindOf(event);
  if (isSystemOom(event)) {
    const whom = {
      'pod-process': k8s === null ? proc : `${proc} in ${podLabel(k8s)}`,
      'host-process': hostProcessLabel(event),
      'unresolved-pod': `${proc} in pod ${shortUid(event.pod?.uid ?? UNKNOWN)} (unresolved)`,
      unattributed: proc,
    }[kind];
    return subjectText(`Node OOM on ${node}: killed ${whom}`);
  }
  const limit = limitToken(event);
  switch (kind) {
    case 'pod-process':
      if (k8s === null) break;
      return subjectText(
        event.impact === 'process-killed-container-running'
          ? `OOM: ${proc} child in ${podLabel(k8s)} ${limit} on ${node}`
          : `OOM: ${podLabel(k8s)} ${limit} on ${node}`,
      );
    case 'host-process':
      return subjectText(`OOM: ${hostProcessLabel(event)} ${limit} on ${node}`);
    case 'unresolved-pod':
      return subjectText(
        `OOM: ${proc} in pod ${shortUid(event.pod?.uid ?? UNKNOWN)} (unresolved) ${limit} on ${node}`,
      );
    case 'unattributed':
      break;
  }
  return subjectText(`OOM: ${proc} on ${node} (pod unknown)`);
}
