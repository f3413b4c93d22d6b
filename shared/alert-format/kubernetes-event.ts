/**
 * The Kubernetes Event on the pod: what `kubectl describe pod` shows for a child process killed in a container
 * that kept running, a kill Kubernetes itself never reports. Its `note` is at most 1 kB (the API server
 * counts bytes), so it is printable ASCII cut to that length.
 */
import { asciiLine, truncateText } from '../format-text.ts';
import type { EnrichedOomEvent } from '../oom-event.ts';
import { limitSentence, victimWithIds } from './event-wording.ts';

/** events.k8s.io/v1 `note`: "at most 1kB". */
export const KUBERNETES_EVENT_NOTE_MAX = 1024;

/** Only this impact gets an Event: the kubelet already records a container it restarted after an OOM kill. */
export function wantsKubernetesEvent(event: EnrichedOomEvent): boolean {
  return event.impact === 'process-killed-container-running' && event.kubernetes !== null;
}

export function kubernetesEventNote(event: EnrichedOomEvent): string {
  const container = event.kubernetes?.container ?? null;
  const where = container === null ? 'in the pod' : `in container ${container}`;
  const text =
    `Out of memory: the kernel killed process ${victimWithIds(event)} ${where}, which kept running. ` +
    `${limitSentence(event)} eks-oom-alerts event ${event.id}.`;
  return truncateText(asciiLine(text), KUBERNETES_EVENT_NOTE_MAX);
}
