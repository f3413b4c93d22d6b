/**
 * The digest of a storm window: the kills that were counted instead of alerted one by one.
 */
import type { AlertContext, AlertMessage } from './alert-format/alert-message.ts';
import { formatShortTime, formatTime } from './format-figures.ts';
import { displayText, insightsString, smsText, subjectText } from './format-text.ts';
import { stormGroupLabel, type StormDigest, type StormGroup } from './storm-window.ts';

function minutesOf(digest: StormDigest): number {
  return Math.round((digest.closesAt - digest.openedAt) / 60_000);
}

/** `14 more OOM kills of prod/checkout-api (api) in 30 min`. */
function stormSentence(digest: StormDigest): string {
  const later = digest.kills - 1;
  return `${later} more OOM kill${later === 1 ? '' : 's'} of ${displayText(stormGroupLabel(digest.group))} in ${minutesOf(digest)} min`;
}

/** Logs Insights filter that lists every kill of the group. */
function groupFilter(group: StormGroup): string {
  const cluster = `cluster = ${insightsString(group.cluster)}`;
  switch (group.scope) {
    case 'workload': {
      const workload =
        group.workload === null
          ? []
          : group.workload.kind === 'Pod'
            ? [`kubernetes.pod = ${insightsString(group.workload.name)}`]
            : [`kubernetes.workload.name = ${insightsString(group.workload.name)}`];
      const container =
        group.container === null ? [] : [`kubernetes.container = ${insightsString(group.container)}`];
      return [
        cluster,
        `kubernetes.namespace = ${insightsString(group.namespace ?? '')}`,
        ...workload,
        ...container,
      ].join(' and ');
    }
    case 'pod':
      return `${cluster} and pod.uid = ${insightsString(group.podUid ?? '')}`;
    case 'node':
      return `${cluster} and node = ${insightsString(group.node ?? '')}`;
  }
}

export function formatDigest(digest: StormDigest, context: AlertContext): AlertMessage {
  const sentence = stormSentence(digest);
  const last = formatTime(digest.lastKillAt);
  const cluster = displayText(digest.group.cluster);
  const logGroup =
    context.eventsLogGroupName === null ? 'the events log group' : `log group ${context.eventsLogGroupName}`;
  const email = [
    `${sentence}, last at ${last}.`,
    '',
    `  Cluster:     ${cluster}`,
    `  Window:      ${formatTime(new Date(digest.openedAt).toISOString())} to ${formatTime(new Date(digest.closesAt).toISOString())}`,
    `  Kills:       ${digest.kills} in the window. The first was alerted on its own; the other ${digest.kills - 1} were counted here.`,
    `  Last kill:   ${last} (event ${displayText(digest.lastEventId)})`,
    '',
    `Every kill is in the events history (CloudWatch Logs Insights, ${logGroup}; set the time range to the window):`,
    '  fields @timestamp, kubernetes.pod, victim.name, impact, memory.usageKb, memory.limitKb, node',
    `  | filter ${groupFilter(digest.group)}`,
    '  | sort @timestamp desc',
    '',
  ].join('\n');
  const shortLast = formatShortTime(digest.lastKillAt);
  return {
    subject: subjectText(`OOM storm: ${sentence}`),
    default: `${sentence} (cluster ${cluster}), last at ${last}.`,
    email,
    sms: smsText(`OOM ${cluster}: ${sentence}${shortLast === null ? '' : `, last at ${shortLast}`}`),
  };
}
