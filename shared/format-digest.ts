/**
 * The digest of a storm window: the kills that were counted instead of alerted one by one.
 */
import type { AlertContext, AlertMessage } from './alert-format/alert-message.ts';
import { chatDigest } from './alert-format/chat.ts';
import { DEFAULT_SMS_FOR, otherAlertGoesBySms } from './alert-format/sms-policy.ts';
import { formatDuration, formatShortTime, formatTime } from './format-figures.ts';
import { limitHitsHint } from './right-sizing.ts';
import { displayText, insightsString, smsText, subjectText } from './format-text.ts';
import { stormGroupLabel, type StormDigest, type StormGroup } from './storm-window.ts';

/** `14 more OOM kills of prod/checkout-api (api) in 14 min`: the kills' own times, not the window's length. */
function stormSentence(digest: StormDigest): string {
  const later = digest.kills - 1;
  const span = Date.parse(digest.lastKillAt) - Date.parse(digest.firstKillAt);
  return `${later} more OOM kill${later === 1 ? '' : 's'} of ${displayText(stormGroupLabel(digest.group))} in ${formatDuration(span)}`;
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

/** Whether the earliest kill is the one that opened the window, and so was alerted on its own. */
function firstWasAlerted(digest: StormDigest): boolean {
  return Date.parse(digest.firstKillAt) === digest.openedAt;
}

/** The container's limit hits of the day and a limit to try, when the storm is about a container that kept hitting it. */
function rightSizingLines(context: AlertContext): string[] {
  const hint = limitHitsHint(context.containerKills ?? [], "the storm's last kill");
  return hint.length === 0 ? [] : ['Right-sizing', ...hint.map((line) => `  ${line}`), ''];
}

export function formatDigest(digest: StormDigest, context: AlertContext): AlertMessage {
  const sentence = stormSentence(digest);
  const first = formatTime(digest.firstKillAt);
  const last = formatTime(digest.lastKillAt);
  const cluster = displayText(digest.group.cluster);
  const logGroup =
    context.eventsLogGroupName === null ? 'the events log group' : `log group ${context.eventsLogGroupName}`;
  const alerted = firstWasAlerted(digest)
    ? 'alerted on its own'
    : `the kill at ${formatTime(new Date(digest.openedAt).toISOString())} was alerted on its own`;
  const historyQuery = [
    'fields @timestamp, kubernetes.pod, victim.name, impact, memory.usageKb, memory.limitKb, node',
    `filter ${groupFilter(digest.group)}`,
    'sort @timestamp desc',
  ].join('\n| ');
  const email = [
    `${sentence}, from ${first} to ${last}.`,
    '',
    `  Cluster:     ${cluster}`,
    `  First kill:  ${first} (${alerted})`,
    `  Last kill:   ${last} (event ${displayText(digest.lastEventId)})`,
    `  Kills:       ${digest.kills}. One was alerted on its own; the other ${digest.kills - 1} are counted here.`,
    `  Window:      ${formatTime(new Date(digest.openedAt).toISOString())} to ${formatTime(new Date(digest.closesAt).toISOString())}, by the kills' own times`,
    '',
    ...rightSizingLines(context),
    `Every kill is in the events history (CloudWatch Logs Insights, ${logGroup}; set the time range to the window):`,
    ...historyQuery.split('\n').map((line) => `  ${line}`),
    '',
  ].join('\n');
  const times = [formatShortTime(digest.firstKillAt), formatShortTime(digest.lastKillAt)];
  const subject = subjectText(`OOM storm: ${sentence}`);
  const text = `${sentence} (cluster ${cluster}), from ${first} to ${last}.`;
  return {
    subject,
    default: text,
    email,
    sms: smsText(`OOM ${cluster}: ${sentence}${times.includes(null) ? '' : `, ${times.join('-')}`}`),
    sendSms: otherAlertGoesBySms(context.smsFor ?? DEFAULT_SMS_FOR),
    chat: chatDigest(digest, { subject, text, historyQuery }, context),
  };
}
