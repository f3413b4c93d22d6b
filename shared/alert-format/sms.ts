/**
 * The SMS: one GSM 7-bit segment of at most 160 septets, so who, which limit, what it did, where and when.
 */
import { formatKb, formatShortTime } from '../format-figures.ts';
import { displayText, smsText } from '../format-text.ts';
import type { EnrichedOomEvent, Impact } from '../oom-event.ts';
import {
  isSystemOom,
  limitFigure,
  limitToken,
  podLabel,
  processName,
  shortNodeName,
  shortUid,
  UNKNOWN,
  victimKindOf,
} from './event-wording.ts';

const IMPACT_SHORT: Record<Impact, string> = {
  'container-restarted': 'container restarted',
  'process-killed-container-running': 'child process killed, container kept running',
  'pod-deleted': 'pod deleted',
  'host-process': 'host process killed',
  unknown: 'impact unknown',
};

/** `64Mi of 64Mi pod limit`: usage against the limit, as far as the kernel showed them. */
function usageAgainstLimit(event: EnrichedOomEvent): string {
  const usage = event.memory?.usageKb ?? null;
  const limit = limitToken(event);
  if (usage === null) return limit;
  return limitFigure(event) === null ? `${formatKb(usage)} used, ${limit}` : `${formatKb(usage)} of ${limit}`;
}

/** Who was killed, for an SMS: the workload and container, the unresolved pod, or the host. */
function whoShort(event: EnrichedOomEvent): string {
  const k8s = event.kubernetes;
  switch (victimKindOf(event)) {
    case 'pod-process':
      return k8s === null ? processName(event) : podLabel(k8s);
    case 'host-process':
      return `host process ${processName(event)}`;
    case 'unresolved-pod':
      return `pod ${shortUid(event.pod?.uid ?? UNKNOWN)} (unresolved)`;
    case 'unattributed':
      return `${processName(event)} (pod unknown)`;
  }
}

export function alertSms(event: EnrichedOomEvent): string {
  const kind = victimKindOf(event);
  const who = whoShort(event);
  const named = kind === 'host-process' || kind === 'unattributed';
  const child = event.impact === 'process-killed-container-running';
  const parts = isSystemOom(event)
    ? [
        `Node OOM ${displayText(event.cluster)} ${shortNodeName(event)}: killed ${named ? who : `${processName(event)} in ${who}`}`,
        kind === 'host-process' ? null : IMPACT_SHORT[event.impact],
      ]
    : [
        `OOM ${displayText(event.cluster)} ${who}: ${named ? 'killed' : `${child ? 'child process' : 'process'} ${processName(event)} killed`}`,
        usageAgainstLimit(event),
        kind === 'host-process' ? null : child ? 'container kept running' : IMPACT_SHORT[event.impact],
        `on ${shortNodeName(event)}`,
      ];
  const time = formatShortTime(event.observedAt);
  const text = parts.filter((p): p is string => p !== null).join(', ');
  return smsText(time === null ? text : `${text} ${time}`);
}
