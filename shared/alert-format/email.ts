/**
 * The e-mail report: what was killed, the impact, the limit, the top tasks, co-victims, the next steps (commands
 * and console links), a Logs Insights query for the history, and the kernel's own lines when nobody could say
 * which pod it was.
 */
import {
  formatDuration,
  formatKb,
  formatKbOr,
  formatTime,
  percentOf,
  victimRssKb,
} from '../format-figures.ts';
import { KILL_TO_EXIT_TOLERANCE_MS } from '../kubernetes-identity.ts';
import { rightSizingHint } from '../right-sizing.ts';
import { displayText } from '../format-text.ts';
import type { EnrichedOomEvent } from '../oom-event.ts';
import type { AlertContext } from './alert-message.ts';
import {
  coVictimsSentence,
  enrichmentNote,
  hostProcessLabel,
  impactParagraph,
  isSystemOom,
  limitSentence,
  nodeName,
  podLabel,
  UNKNOWN,
  victimCaveat,
  victimKindOf,
  victimProcess,
  victimWithIds,
} from './event-wording.ts';
import { historyQuery, nextSteps } from './next-steps.ts';

function row(label: string, value: string): string {
  return `  ${`${label}:`.padEnd(15)}${value}`;
}

function rssLine(event: EnrichedOomEvent): string {
  const v = event.victim;
  const total = victimRssKb(v);
  if (total === null) return 'not printed by the kernel';
  return `${formatKb(total)} (anon ${formatKbOr(v.anonRssKb)}, file ${formatKbOr(v.fileRssKb)}, shmem ${formatKbOr(v.shmemRssKb)})`;
}

function whatSection(event: EnrichedOomEvent): string[] {
  const lines = ['What was killed', row('Process', victimWithIds(event, true))];
  lines.push(row('RSS', rssLine(event)));
  const k8s = event.kubernetes;
  if (k8s !== null) {
    lines.push(row('Namespace', displayText(k8s.namespace)));
    lines.push(
      row(
        'Pod',
        `${displayText(k8s.pod)}${event.pod === null ? '' : ` (uid ${displayText(event.pod.uid)})`}`,
      ),
    );
    if (k8s.container !== null) {
      const type =
        k8s.containerType === null || k8s.containerType === 'regular'
          ? ''
          : ` (${k8s.containerType} container)`;
      lines.push(row('Container', `${displayText(k8s.container)}${type}`));
    }
    if (k8s.image !== null) lines.push(row('Image', displayText(k8s.image)));
    lines.push(
      row(
        'Workload',
        k8s.workload === null
          ? 'none (bare pod)'
          : `${displayText(k8s.workload.kind)} ${displayText(k8s.workload.name)}`,
      ),
    );
  } else if (event.pod !== null) {
    lines.push(row('Pod', `uid ${displayText(event.pod.uid)} (not resolved)`));
    if (event.container !== null) lines.push(row('Container', `id ${displayText(event.container.id)}`));
  } else if (victimKindOf(event) === 'host-process') {
    lines.push(row('Pod', 'none: a process on the node itself'));
  } else {
    lines.push(row('Pod', 'unknown: the kernel lines that name the cgroup were not seen'));
  }
  lines.push(row('Node', `${nodeName(event)} (cluster ${displayText(event.cluster)})`));
  const kernelTime = event.kernelTime === null ? '' : ` (${event.kernelTime.toFixed(1)} s after boot)`;
  lines.push(row('Time', `${formatTime(event.observedAt)}${kernelTime}`));
  return lines;
}

function limitSection(event: EnrichedOomEvent): string[] {
  const lines = ['Limit hit', `  ${limitSentence(event)}`];
  const m = event.memory;
  if (m !== null && m.usageKb !== null) {
    const pct = percentOf(m.usageKb, m.limitKb);
    const limit = m.limitKb === null ? UNKNOWN : formatKb(m.limitKb);
    const failcnt = m.failcnt === null ? '' : `, failcnt ${m.failcnt}`;
    lines.push(
      row('Usage', `${formatKb(m.usageKb)} of ${limit}${pct === null ? '' : ` (${pct}%)`}${failcnt}`),
    );
  } else if (!isSystemOom(event)) {
    lines.push(row('Usage', 'not printed by the kernel'));
  }
  if (m !== null && m.swapUsageKb !== null && m.swapUsageKb > 0) {
    lines.push(row('Swap', `${formatKb(m.swapUsageKb)} of ${formatKbOr(m.swapLimitKb)}`));
  }
  const k8s = event.kubernetes;
  if (k8s !== null && (k8s.memoryRequest !== null || k8s.memoryLimit !== null)) {
    lines.push(
      row(
        'Spec',
        `request ${displayText(k8s.memoryRequest ?? 'none')}, limit ${displayText(k8s.memoryLimit ?? 'none')}${k8s.container === null ? '' : ` (container ${displayText(k8s.container)})`}`,
      ),
    );
  }
  if (event.cgroup.oom !== null) lines.push(row('Limit cgroup', displayText(event.cgroup.oom)));
  if (event.cgroup.task !== null && event.cgroup.task !== event.cgroup.oom) {
    lines.push(row('Task cgroup', displayText(event.cgroup.task)));
  }
  const t = event.trigger;
  if (t !== null && t.name !== null && (t.pid !== event.victim.pid || t.name !== event.victim.name)) {
    lines.push(
      row(
        'Triggered by',
        `${displayText(t.name)}${t.pid === null ? '' : ` (pid ${t.pid})`}, which asked for memory`,
      ),
    );
  }
  return lines;
}

function tasksSection(event: EnrichedOomEvent): string[] {
  if (event.tasks.length === 0) return [];
  const lines = [
    'Top tasks by RSS at the time of the kill',
    `  ${'pid'.padEnd(9)}${'rss'.padEnd(10)}${'oom_score_adj'.padEnd(15)}name`,
  ];
  for (const t of event.tasks) {
    lines.push(
      `  ${String(t.pid).padEnd(9)}${formatKb(t.rssKb).padEnd(10)}${String(t.oomScoreAdj).padEnd(15)}${displayText(t.name)}`,
    );
  }
  return lines;
}

function coVictimsSection(event: EnrichedOomEvent): string[] {
  const sentence = coVictimsSentence(event);
  if (sentence === null) return [];
  const unlisted = Math.max(event.coVictimCount, event.coVictims.length) - event.coVictims.length;
  return [
    sentence,
    ...event.coVictims.map(
      (c) =>
        `  ${displayText(c.name)} (pid ${c.pid})${c.anonRssKb === null ? '' : `, anon RSS ${formatKb(c.anonRssKb)}`}`,
    ),
    ...(unlisted === 0 ? [] : [`  ... and ${unlisted} more, not listed`]),
  ];
}

function historySection(event: EnrichedOomEvent, context: AlertContext): string[] {
  const { what, query } = historyQuery(event);
  const group =
    context.eventsLogGroupName === null ? 'the events log group' : `log group ${context.eventsLogGroupName}`;
  return [
    `OOM history of ${what} (CloudWatch Logs Insights, ${group})`,
    ...query.split('\n').map((l) => `  ${l}`),
  ];
}

function rightSizingSection(event: EnrichedOomEvent, context: AlertContext): string[] {
  const hint = rightSizingHint(event, context.containerKills ?? null);
  return hint.length === 0 ? [] : ['Right-sizing', ...hint.map((line) => `  ${line}`)];
}

function nextStepsSection(event: EnrichedOomEvent, context: AlertContext): string[] {
  const lines = nextSteps(event, context).flatMap((step) => {
    switch (step.kind) {
      case 'command':
        return [`  ${step.command}`];
      case 'note':
        return [`  ${step.text}`];
      case 'link':
        return [`  ${step.what}:`, `    ${step.url}`];
    }
  });
  return lines.length === 0 ? [] : ['Next steps', ...lines];
}

function kernelLinesSection(event: EnrichedOomEvent): string[] {
  if (event.lines.length === 0) return ['What the kernel printed', '  (no lines kept)'];
  return ['What the kernel printed', ...event.lines.map((l) => `  ${displayText(l)}`)];
}

/** `OOMKilled, exit code 137, at …: 21 min before this kill, …`: the last exit, and how it lies to the kill. */
function terminationText(
  last: { reason: string | null; exitCode: number | null; finishedAt: string | null },
  observedAt: string | null,
): string {
  const text = `${displayText(last.reason ?? UNKNOWN)}, exit code ${last.exitCode ?? UNKNOWN}, at ${formatTime(last.finishedAt)}`;
  const gap =
    last.finishedAt === null || observedAt === null
      ? NaN
      : Date.parse(observedAt) - Date.parse(last.finishedAt);
  if (Number.isNaN(gap)) return text;
  const side = `${formatDuration(Math.abs(gap))} ${gap >= 0 ? 'before' : 'after'} this kill`;
  return Math.abs(gap) > KILL_TO_EXIT_TOLERANCE_MS && last.reason === 'OOMKilled'
    ? `${text}: ${side}, more than ${KILL_TO_EXIT_TOLERANCE_MS / 1000} s apart, so not taken as its restart`
    : `${text}: ${side}`;
}

/**
 * The container's restart count and last termination whenever the API gave them: the evidence for an impact,
 * or why it is unknown. A restart's impact sentence already carries both.
 */
function restartRows(event: EnrichedOomEvent): string[] {
  const k8s = event.kubernetes;
  if (k8s === null || event.impact === 'container-restarted') return [];
  return [
    ...(k8s.restartCount === null ? [] : [row('Restarts', String(k8s.restartCount))]),
    ...(k8s.lastTermination === null
      ? []
      : [row('Terminated', terminationText(k8s.lastTermination, event.observedAt))]),
  ];
}

function headline(event: EnrichedOomEvent): string {
  const k8s = event.kubernetes;
  const proc = victimProcess(event);
  const whom = {
    'pod-process': k8s === null ? proc : `${proc} in ${podLabel(k8s)}`,
    'host-process': hostProcessLabel(event),
    'unresolved-pod': `${proc} in unresolved pod ${displayText(event.pod?.uid ?? UNKNOWN)}`,
    unattributed: `${proc} (pod unknown)`,
  }[victimKindOf(event)];
  const cluster = `cluster ${displayText(event.cluster)}`;
  return isSystemOom(event)
    ? `Node ${nodeName(event)} (${cluster}) ran out of memory and killed ${whom}`
    : `OOM kill of ${whom} on ${nodeName(event)} (${cluster})`;
}

export function alertEmail(event: EnrichedOomEvent, context: AlertContext): string {
  const note = enrichmentNote(event);
  const caveat = victimCaveat(event);
  const kind = victimKindOf(event);
  const showKernelLines = kind === 'unresolved-pod' || kind === 'unattributed' || kind === 'host-process';
  const sections: string[][] = [
    [headline(event)],
    ...(note === null ? [] : [[note]]),
    ...(caveat === null ? [] : [[caveat]]),
    whatSection(event),
    ['Impact', `  ${impactParagraph(event)}`, ...restartRows(event)],
    limitSection(event),
    tasksSection(event),
    coVictimsSection(event),
    rightSizingSection(event, context),
    nextStepsSection(event, context),
    historySection(event, context),
    ...(showKernelLines ? [kernelLinesSection(event)] : []),
    [
      `Event id: ${displayText(event.id)} (enrichment: ${event.enrichment.status}${event.complete ? '' : '; report incomplete: some kernel lines were missing'})`,
    ],
  ];
  return sections
    .filter((s) => s.length > 0)
    .map((s) => s.join('\n'))
    .join('\n\n')
    .concat('\n');
}
