/**
 * The SMS: one GSM 7-bit segment of at most 160 septets: who, what the kill did, which limit, where and when.
 */
import { formatKb, formatShortTime } from '../format-figures.ts';
import { displayText, smsText } from '../format-text.ts';
import type { EnrichedOomEvent, Impact } from '../oom-event.ts';
import {
  isSystemOom,
  limitFigure,
  limitToken,
  shortNodeName,
  victimKindOf,
  victimLabel,
  victimName,
  victimProcess,
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

/** `process node killed`, `process node killed with 312 more` (memory.oom.group), `php-fpm killed`. */
function killedShort(event: EnrichedOomEvent, who: string): string {
  const more = Math.max(event.coVictimCount, event.coVictims.length);
  return `${who} killed${more === 0 ? '' : ` with ${more} more`}`;
}

/** Who, and what the kill did to them: `prod/web (php): container restarted. process node killed`. */
function leadShort(event: EnrichedOomEvent): string {
  if (victimKindOf(event) === 'host-process') return killedShort(event, victimLabel(event));
  const who = victimLabel(event);
  if (event.impact === 'process-killed-container-running') {
    return `${who}: child process ${killedShort(event, victimName(event))}, container kept running`;
  }
  return `${who}: ${IMPACT_SHORT[event.impact]}. ${killedShort(event, victimProcess(event))}`;
}

/**
 * `OOM <pod>: <impact>. process <comm> killed, <usage> of <limit>, <node>, <cluster> <time>`: the pod and the impact
 * first, so that a cut to one segment loses the cluster and the time, not who was hit and how.
 */
export function alertSms(event: EnrichedOomEvent): string {
  const time = formatShortTime(event.observedAt);
  const when = `${displayText(event.cluster)}${time === null ? '' : ` ${time}`}`;
  const node = shortNodeName(event);
  return smsText(
    isSystemOom(event)
      ? `Node OOM ${leadShort(event)}, ${node} out of memory, ${when}`
      : `OOM ${leadShort(event)}, ${usageAgainstLimit(event)}, ${node}, ${when}`,
  );
}
