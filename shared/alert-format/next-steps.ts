/**
 * What the on-call engineer does next about one kill: the kubectl commands for the pod (or for the node, when
 * no pod is known), the Logs Insights history of the pod or node, the node's kernel log around the kill, the
 * dashboard and the team's runbook. Every channel renders the same steps.
 */
import { dashboardUrl, isRegionName, logsInsightsUrl, type InsightsTimeRange } from '../console-links.ts';
import { displayText, insightsString } from '../format-text.ts';
import { fillQueryParameters, INSIGHTS_QUERIES } from '../insights-queries.ts';
import type { EnrichedOomEvent } from '../oom-event.ts';
import type { AlertContext } from './alert-message.ts';
import { isSystemOom, victimKindOf } from './event-wording.ts';

export type NextStep = { kind: 'command'; command: string } | { kind: 'link'; what: string; url: string };

export interface HistoryQuery {
  /** `this pod`, `this node`. */
  what: string;
  query: string;
}

const HOUR_MS = 3_600_000;
/** The history link opens a day before the kill: the window in which repeated kills of a container matter. */
const HISTORY_BEFORE_MS = 24 * HOUR_MS;
const HISTORY_AFTER_MS = HOUR_MS;
/** The kernel log link: the whole report and what the node printed just before and after it. */
const KERNEL_AROUND_MS = 5 * 60_000;

const POD_HISTORY = INSIGHTS_QUERIES.find((q) => q.name === 'pod-history');
const HISTORY_FIELDS =
  'fields @timestamp, victim.name, victim.pid, impact, memory.usageKb, memory.limitKb, node';

function filterQuery(filter: string): string {
  return [`filter ${filter}`, HISTORY_FIELDS, 'sort @timestamp desc'].join('\n| ');
}

/**
 * The events history of who was killed: the saved `pod-history` query for a pod, else the kills of the same
 * unresolved pod UID, else of the node.
 */
export function historyQuery(event: EnrichedOomEvent): HistoryQuery {
  const k8s = event.kubernetes;
  if (k8s !== null) {
    const filled =
      POD_HISTORY === undefined
        ? null
        : fillQueryParameters(POD_HISTORY, { NAMESPACE: k8s.namespace, POD: k8s.pod });
    const query =
      filled !== null && filled.ok
        ? filled.queryString
        : filterQuery(
            `kubernetes.namespace = ${insightsString(k8s.namespace)} and kubernetes.pod = ${insightsString(k8s.pod)}`,
          );
    return { what: 'this pod', query };
  }
  if (event.pod !== null) {
    return { what: 'this pod', query: filterQuery(`pod.uid = ${insightsString(event.pod.uid)}`) };
  }
  return {
    what: 'this node',
    query: filterQuery(
      `cluster = ${insightsString(event.cluster)} and node = ${insightsString(event.node ?? '')}`,
    ),
  };
}

/**
 * From `startMs` to `endMs`; when either is not a time a Date can hold (unknown, unreadable), the same length
 * of time up to now.
 */
export function timeRange(startMs: number, endMs: number, lastSeconds: number): InsightsTimeRange {
  const start = new Date(startMs);
  const end = new Date(endMs);
  return Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())
    ? { kind: 'relative', lastSeconds }
    : { kind: 'absolute', start, end };
}

function around(event: EnrichedOomEvent, before: number, after: number): InsightsTimeRange {
  const at = event.observedAt === null ? Number.NaN : Date.parse(event.observedAt);
  return timeRange(at - before, at + after, (before + after) / 1000);
}

/** A word as a POSIX shell reads it: bare when plain, else single-quoted. */
function shellWord(text: string): string {
  const shown = displayText(text);
  return /^[A-Za-z0-9._/=:@%+-]+$/.test(shown) ? shown : `'${shown.replaceAll("'", `'\\''`)}'`;
}

function podCommands(event: EnrichedOomEvent): string[] {
  const k8s = event.kubernetes;
  if (k8s === null) return [];
  const ns = `kubectl -n ${shellWord(k8s.namespace)}`;
  const pod = shellWord(k8s.pod);
  // A deleted pod cannot be described; its events outlive it for about an hour.
  if (event.impact === 'pod-deleted') {
    return [`${ns} get events --field-selector ${shellWord(`involvedObject.name=${k8s.pod}`)}`];
  }
  const container = k8s.container === null ? '' : ` -c ${shellWord(k8s.container)}`;
  return [
    `${ns} describe pod ${pod}`,
    ...(event.impact === 'container-restarted' ? [`${ns} logs ${pod}${container} --previous`] : []),
    `${ns} top pod ${pod}`,
  ];
}

/** Kills no pod explains, and node-wide OOMs, are looked at from the node. */
function looksAtNode(event: EnrichedOomEvent): boolean {
  return victimKindOf(event) !== 'pod-process' || isSystemOom(event);
}

function nodeCommands(event: EnrichedOomEvent): string[] {
  if (!looksAtNode(event) || event.node === null) return [];
  return [`kubectl get pods -A --field-selector ${shellWord(`spec.nodeName=${event.node}`)}`];
}

/** The kernel lines around the kill: the event's own stream, else the node's streams in the kernel group. */
function kernelQuery(
  event: EnrichedOomEvent,
  context: AlertContext,
): { logGroup: string; query: string } | null {
  const source = 'logGroup' in event.source ? event.source : null;
  const ownGroup = source?.logGroup ?? null;
  const ownStream = ownGroup === null ? null : (source?.logStream ?? null);
  const logGroup = ownGroup ?? context.kernelLogGroupName ?? null;
  // The node's streams, when the event does not name its own: they carry the node name (shared/stream-name.ts).
  const streamFilter =
    ownStream !== null
      ? `@logStream = ${insightsString(ownStream)}`
      : event.node === null
        ? null
        : `@logStream like ${insightsString(event.node)}`;
  if (logGroup === null || streamFilter === null) return null;
  return {
    logGroup,
    query: [
      'fields @timestamp, @logStream, @message',
      `filter ${streamFilter}`,
      'sort @timestamp asc',
      'limit 1000',
    ].join('\n| '),
  };
}

/** The region the console links open in, when the stack named a valid one. */
function linkRegion(context: AlertContext): string | null {
  const region = context.region ?? null;
  return region !== null && isRegionName(region) ? region : null;
}

export interface InsightsStep {
  what: string;
  query: string;
  range: InsightsTimeRange;
  /** Default: the events log group. */
  logGroupName?: string;
}

/** A Logs Insights link, when the region and the log group are known. */
export function consoleLinkStep(context: AlertContext, step: InsightsStep): NextStep | null {
  const region = linkRegion(context);
  const logGroup = step.logGroupName ?? context.eventsLogGroupName;
  if (region === null || logGroup === null) return null;
  return {
    kind: 'link',
    what: step.what,
    url: logsInsightsUrl({ region, logGroupNames: [logGroup], query: step.query, range: step.range }),
  };
}

export function dashboardStep(context: AlertContext): NextStep | null {
  const region = linkRegion(context);
  const dashboard = context.dashboardName ?? null;
  if (region === null || dashboard === null) return null;
  return { kind: 'link', what: `Dashboard ${dashboard}`, url: dashboardUrl(region, dashboard) };
}

/** What a runbook template may name; empty when the kill does not say. */
export interface RunbookValues {
  cluster: string;
  namespace: string;
  workload: string;
  container: string;
}

const RUNBOOK_PLACEHOLDER = /\{(cluster|namespace|workload|container)\}/g;

/** Context `runbookUrl` with `{cluster}`, `{namespace}`, `{workload}` and `{container}` filled in, URL-encoded. */
export function runbookUrl(template: string, values: RunbookValues): string {
  return template.replace(RUNBOOK_PLACEHOLDER, (_, key: keyof RunbookValues) =>
    encodeURIComponent(values[key]),
  );
}

/**
 * What is wrong with a `runbookUrl` template, empty when nothing: checked at synth, and again by notify when it
 * reads its settings (adapters/notify/notify-config.ts), so the two never disagree on a link.
 */
export function runbookTemplateProblems(template: string): string[] {
  const problems: string[] = [];
  const filled = runbookUrl(template, { cluster: 'c', namespace: 'n', workload: 'w', container: 'x' });
  if (!/^https?:\/\/\S+$/.test(template) || !URL.canParse(filled)) {
    problems.push('must be an http:// or https:// link without spaces');
  }
  const unknown = [...new Set(filled.match(/\{[^{}\s]{0,40}\}|[{}]/g) ?? [])];
  if (unknown.length > 0) {
    problems.push(
      `names ${unknown.join(', ')}: the placeholders are {cluster}, {namespace}, {workload} and {container}`,
    );
  }
  return problems;
}

export function runbookStep(context: AlertContext, values: RunbookValues): NextStep | null {
  const template = context.runbookUrl ?? null;
  return template === null ? null : { kind: 'link', what: 'Runbook', url: runbookUrl(template, values) };
}

function runbookValues(event: EnrichedOomEvent): RunbookValues {
  const k8s = event.kubernetes;
  return {
    cluster: event.cluster,
    namespace: k8s?.namespace ?? '',
    workload: k8s?.workload?.name ?? k8s?.pod ?? '',
    container: k8s?.container ?? '',
  };
}

/**
 * The steps for one kill, in order: kubectl commands (the pod, or the pods on the node), the history link, the
 * node's kernel log link (kills no pod explains, node-wide OOMs), the dashboard and the runbook.
 */
export function nextSteps(event: EnrichedOomEvent, context: AlertContext): NextStep[] {
  const commands = [...podCommands(event), ...nodeCommands(event)].map((command): NextStep => ({
    kind: 'command',
    command,
  }));
  const history = historyQuery(event);
  const kernel = looksAtNode(event) ? kernelQuery(event, context) : null;
  const links = [
    consoleLinkStep(context, {
      what: `OOM history of ${history.what} in Logs Insights (from 24 h before the kill)`,
      query: history.query,
      range: around(event, HISTORY_BEFORE_MS, HISTORY_AFTER_MS),
    }),
    kernel === null
      ? null
      : consoleLinkStep(context, {
          what: "The node's kernel log around the kill in Logs Insights",
          query: kernel.query,
          range: around(event, KERNEL_AROUND_MS, KERNEL_AROUND_MS),
          logGroupName: kernel.logGroup,
        }),
    dashboardStep(context),
    runbookStep(context, runbookValues(event)),
  ];
  return [...commands, ...links.filter((step) => step !== null)];
}
