/**
 * One OOM kill as the texts people receive: an e-mail report, an SMS, a default text for any other
 * subscriber, and an e-mail subject. Pure: the notifier decides when to send, this decides what.
 */
import type { EnrichedOomEvent, Impact, KubernetesIdentity } from './oom-event.ts';
import {
  formatKb,
  formatKbOr,
  formatShortTime,
  formatTime,
  isUnlimitedKb,
  percentOf,
  victimRssKb,
} from './format-figures.ts';
import { displayText, insightsString, smsText, subjectText } from './format-text.ts';

/** The texts of one SNS publish with `MessageStructure: "json"`. */
export interface AlertMessage {
  /** E-mail subject: printable ASCII, one line, at most 99 characters. */
  subject: string;
  /** What subscribers of any other protocol receive. */
  default: string;
  email: string;
  /** One GSM 7-bit segment: at most 160 septets. */
  sms: string;
}

export interface AlertContext {
  /** The events log group, named in the Logs Insights query; null when there is none (a dry run). */
  eventsLogGroupName: string | null;
}

/** Who was killed, as far as anyone could tell. */
export type VictimKind = 'pod-process' | 'unresolved-pod' | 'host-process' | 'unattributed';

const UNKNOWN = 'unknown';

export function victimKindOf(event: EnrichedOomEvent): VictimKind {
  if (event.kubernetes !== null) return 'pod-process';
  if (event.impact === 'host-process' || event.enrichment.status === 'not-a-pod') return 'host-process';
  if (event.pod !== null) return 'unresolved-pod';
  return 'unattributed';
}

/** The node itself ran out of memory, rather than a cgroup hitting its limit. */
export function isSystemOom(event: EnrichedOomEvent): boolean {
  return event.constraint === 'system' || event.limitScope === 'node';
}

function processName(event: EnrichedOomEvent): string {
  return event.victim.name === null ? 'unknown process' : displayText(event.victim.name);
}

function nodeName(event: EnrichedOomEvent): string {
  return event.node === null ? 'unknown node' : displayText(event.node);
}

/** `ip-10-0-1-23` of `ip-10-0-1-23.eu-west-1.compute.internal`: enough to find the node, short enough for a subject. */
function shortNodeName(event: EnrichedOomEvent): string {
  return event.node === null ? 'unknown node' : displayText(event.node.split('.')[0] || event.node);
}

/** `prod/checkout-api (api)`: the workload people know, and the container. */
export function podLabel(k8s: KubernetesIdentity): string {
  const base = `${displayText(k8s.namespace)}/${displayText(k8s.workload?.name ?? k8s.pod)}`;
  return k8s.container === null ? base : `${base} (${displayText(k8s.container)})`;
}

function shortUid(uid: string): string {
  return displayText(uid.slice(0, 8));
}

/** The limit the kernel enforced, in the units of a pod spec; the spec's value when the kernel gave none. */
function limitFigure(event: EnrichedOomEvent): string | null {
  const kb = event.memory?.limitKb ?? null;
  if (kb !== null && !isUnlimitedKb(kb)) return formatKb(kb);
  if (event.limitScope === 'container' && event.kubernetes?.memoryLimit)
    return displayText(event.kubernetes.memoryLimit);
  return null;
}

/** `512Mi limit`, `64Mi pod limit`, `burstable QoS limit`: which limit, for a subject or an SMS. */
function limitToken(event: EnrichedOomEvent): string {
  const figure = limitFigure(event);
  const withFigure = (what: string): string => (figure === null ? what : `${figure} ${what}`);
  switch (event.limitScope) {
    case 'container':
      return figure === null ? 'container limit' : `${figure} limit`;
    case 'pod':
      return withFigure('pod limit');
    case 'qos':
      return withFigure(`${event.pod?.qos ?? 'QoS'} QoS limit`);
    case 'kubepods':
      return withFigure('kubepods limit');
    case 'node':
      return 'node memory';
    case 'other':
      return withFigure('cgroup limit');
    case null:
      return withFigure('limit');
  }
}

/** One sentence on which limit was hit and what it means. */
function limitSentence(event: EnrichedOomEvent): string {
  const figure = limitFigure(event);
  const of = figure === null ? '' : ` (${figure})`;
  switch (event.limitScope) {
    case 'container':
      return `The container's own memory limit${of} was hit.`;
    case 'pod':
      return `The pod's memory limit${of} was hit: the sum of its containers' limits, shared by all of them.`;
    case 'qos':
      return `The ${event.pod?.qos ?? ''} QoS class cgroup limit${of} was hit: all pods of that class on the node share it.`.replace(
        '  ',
        ' ',
      );
    case 'kubepods':
      return `The kubepods cgroup limit${of} was hit: all pods on the node share it (node allocatable).`;
    case 'node':
      return 'The node ran out of memory (system OOM): the kernel chose a victim across the whole node.';
    case 'other':
      return `A cgroup limit${of} was hit on ${event.cgroup.oom === null ? 'a cgroup' : displayText(event.cgroup.oom)}.`;
    case null:
      return isSystemOom(event)
        ? 'The node ran out of memory (system OOM): the kernel chose a victim across the whole node.'
        : `A memory limit${of} was hit; the kernel text did not show which one.`;
  }
}

const IMPACT_SHORT: Record<Impact, string> = {
  'container-restarted': 'container restarted',
  'process-killed-container-running': 'child process killed, container kept running',
  'pod-deleted': 'pod deleted',
  'host-process': 'host process killed',
  unknown: 'impact unknown',
};

function impactParagraph(event: EnrichedOomEvent): string {
  const k8s = event.kubernetes;
  switch (event.impact) {
    case 'container-restarted': {
      const restarts = k8s?.restartCount ?? null;
      const last = k8s?.lastTermination ?? null;
      const facts = [
        restarts === null ? null : `restart count ${restarts}`,
        last === null
          ? null
          : `last termination: ${displayText(last.reason ?? UNKNOWN)}, exit code ${last.exitCode ?? UNKNOWN}, at ${formatTime(last.finishedAt)}`,
      ].filter((f) => f !== null);
      return `The container's main process was killed and the container restarted${facts.length === 0 ? '' : ` (${facts.join('; ')})`}.`;
    }
    case 'process-killed-container-running':
      return (
        'Child process killed, container kept running. Kubernetes does not report this kill: no OOMKilled ' +
        'status, no restart. Whatever that process was doing (a request, a job, a worker) was lost.'
      );
    case 'pod-deleted':
      return 'The pod no longer exists: it was deleted or evicted before it could be looked up.';
    case 'host-process':
      return (
        'A process outside any pod was killed on the node: a system daemon (kubelet, containerd), an agent or a ' +
        'process started by hand. Kubernetes does not report this kill.'
      );
    case 'unknown':
      return 'Whether the container restarted is not known.';
  }
}

function enrichmentNote(event: EnrichedOomEvent): string | null {
  const detail = event.enrichment.detail === null ? '' : ` (${displayText(event.enrichment.detail)})`;
  switch (event.enrichment.status) {
    case 'resolved':
    case 'not-a-pod':
      return null;
    case 'resolved-from-events':
      return `The pod was gone; its identity comes from Kubernetes Events${detail}.`;
    case 'not-found':
      return `The pod was not found in the cluster${detail}. Below is what the kernel reported.`;
    case 'unavailable':
      return `The cluster could not be asked who this pod is${detail}. Below is what the kernel reported.`;
  }
}

export function alertSubject(event: EnrichedOomEvent): string {
  const proc = processName(event);
  const node = shortNodeName(event);
  const k8s = event.kubernetes;
  const kind = victimKindOf(event);
  if (isSystemOom(event)) {
    const whom = {
      'pod-process': k8s === null ? proc : `${proc} in ${podLabel(k8s)}`,
      'host-process': `host process ${proc}`,
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
      return subjectText(`OOM: host process ${proc} ${limit} on ${node}`);
    case 'unresolved-pod':
      return subjectText(
        `OOM: ${proc} in pod ${shortUid(event.pod?.uid ?? UNKNOWN)} (unresolved) ${limit} on ${node}`,
      );
    case 'unattributed':
      break;
  }
  return subjectText(`OOM: ${proc} on ${node} (pod unknown)`);
}

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
  const v = event.victim;
  const ids = [v.pid === null ? null : `pid ${v.pid}`, v.uid === null ? null : `uid ${v.uid}`].filter(
    (x) => x !== null,
  );
  const lines = [
    'What was killed',
    row('Process', `${processName(event)}${ids.length === 0 ? '' : ` (${ids.join(', ')})`}`),
  ];
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
  if (event.coVictims.length === 0) return [];
  return [
    'Also killed by the same OOM (memory.oom.group)',
    ...event.coVictims.map(
      (c) =>
        `  ${displayText(c.name)} (pid ${c.pid})${c.anonRssKb === null ? '' : `, anon RSS ${formatKb(c.anonRssKb)}`}`,
    ),
  ];
}

/** Logs Insights filter for this kill's history: the pod, the unresolved pod UID, or the node. */
function historyFilter(event: EnrichedOomEvent): { what: string; filter: string } {
  const k8s = event.kubernetes;
  if (k8s !== null) {
    return {
      what: 'this pod',
      filter: `kubernetes.namespace = ${insightsString(k8s.namespace)} and kubernetes.pod = ${insightsString(k8s.pod)}`,
    };
  }
  if (event.pod !== null) return { what: 'this pod', filter: `pod.uid = ${insightsString(event.pod.uid)}` };
  return {
    what: 'this node',
    filter: `cluster = ${insightsString(event.cluster)} and node = ${insightsString(event.node ?? '')}`,
  };
}

function historySection(event: EnrichedOomEvent, context: AlertContext): string[] {
  const { what, filter } = historyFilter(event);
  const group =
    context.eventsLogGroupName === null ? 'the events log group' : `log group ${context.eventsLogGroupName}`;
  return [
    `OOM history of ${what} (CloudWatch Logs Insights, ${group})`,
    '  fields @timestamp, victim.name, impact, memory.usageKb, memory.limitKb, node',
    `  | filter ${filter}`,
    '  | sort @timestamp desc',
    '  | limit 100',
  ];
}

function kernelLinesSection(event: EnrichedOomEvent): string[] {
  if (event.lines.length === 0) return ['What the kernel printed', '  (no lines kept)'];
  return ['What the kernel printed', ...event.lines.map((l) => `  ${displayText(l)}`)];
}

function headline(event: EnrichedOomEvent): string {
  const k8s = event.kubernetes;
  const proc = processName(event);
  const whom = {
    'pod-process': k8s === null ? proc : `${proc} in ${podLabel(k8s)}`,
    'host-process': `host process ${proc}`,
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
  const kind = victimKindOf(event);
  const showKernelLines = kind === 'unresolved-pod' || kind === 'unattributed' || kind === 'host-process';
  const sections: string[][] = [
    [headline(event)],
    ...(note === null ? [] : [[note]]),
    whatSection(event),
    ['Impact', `  ${impactParagraph(event)}`],
    limitSection(event),
    tasksSection(event),
    coVictimsSection(event),
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

function alertDefault(event: EnrichedOomEvent, subject: string): string {
  const note = enrichmentNote(event);
  return [
    subject,
    limitSentence(event),
    impactParagraph(event),
    ...(note === null ? [] : [note]),
    `Event id: ${displayText(event.id)}`,
  ].join('\n');
}

export function formatAlert(event: EnrichedOomEvent, context: AlertContext): AlertMessage {
  const subject = alertSubject(event);
  return {
    subject,
    default: alertDefault(event, subject),
    email: alertEmail(event, context),
    sms: alertSms(event),
  };
}

/**
 * An event that is not an EnrichedOomEvent still means a kill happened somewhere: say so, and show
 * what arrived, rather than drop it.
 */
export function formatUnreadableAlert(raw: unknown, problem: string): AlertMessage {
  const body = truncateJson(raw, 64 * 1024);
  return {
    subject: subjectText('OOM event could not be read'),
    // The body goes in the e-mail only: twice, JSON-escaped, it could pass SNS's 256 KB.
    default: `An OOM event arrived that could not be read: ${displayText(problem)}. The e-mail shows what arrived.`,
    email: `An OOM event arrived that could not be read.\n\nProblem: ${displayText(problem)}\n\nWhat arrived:\n${body}\n`,
    sms: smsText(`OOM event could not be read: ${problem}`),
  };
}

function truncateJson(raw: unknown, max: number): string {
  let text: string;
  try {
    text = JSON.stringify(raw, null, 2) ?? String(raw);
  } catch {
    text = String(raw);
  }
  return text.length <= max ? text : `${text.slice(0, max)}\n... (${text.length - max} more characters)`;
}
