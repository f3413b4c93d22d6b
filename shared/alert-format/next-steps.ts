/**
 * What the on-call engineer does next about one kill: the kubectl commands for the pod (found by its uid when
 * the cluster did not name it) and for the node when the node ran out of memory or no pod is known, the Logs
 * Insights history of the pod or node, the node's kernel log around the kill, the dashboard and the team's
 * runbook. Every channel renders the same steps.
 */
import { dashboardUrl, isRegionName, logsInsightsUrl, type InsightsTimeRange } from '../console-links.ts';
import { displayText, insightsString } from '../format-text.ts';
import { fillQueryParameters, INSIGHTS_QUERIES } from '../insights-queries.ts';
import type { EnrichedOomEvent } from '../oom-event.ts';
import type { AlertContext } from './alert-message.ts';
import { isSystemOom, victimKindOf } from './event-wording.ts';

export type NextStep =
  | { kind: 'command'; command: string }
  | { kind: 'link'; what: string; url: string }
  /** What the commands after it are for, when they do not say it themselves. */
  | { kind: 'note'; text: string };

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

/** The pod the cluster named: described, its previous logs when its container restarted, its use now. */
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

/** The API server keeps events for an hour by default (kube-apiserver `--event-ttl`): they outlive the pod. */
const FIND_POD_BY_UID =
  'Find the pod by its uid while it may still exist, and its events (the API server keeps them about an hour by default):';
const POD_GONE =
  "The pod is gone, so kubectl cannot show it or its logs. Left: its events for about an hour (the API server's " +
  'default), which name the pod and so its workload, whose other pods may still run; its logs only in the ' +
  "cluster's log store, if it ships them.";

function command(text: string): NextStep {
  return { kind: 'command', command: text };
}

/**
 * A pod the cluster could not name is still known by the uid in its cgroup path: found by it while it may
 * still exist (the cluster could not be asked), else (not found) only its events are left.
 */
function unresolvedPodSteps(event: EnrichedOomEvent, uid: string): NextStep[] {
  const events = command(`kubectl get events -A --field-selector ${shellWord(`involvedObject.uid=${uid}`)}`);
  if (event.enrichment.status === 'not-found') return [{ kind: 'note', text: POD_GONE }, events];
  const byUid = `{range .items[?(@.metadata.uid==${JSON.stringify(uid)})]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}`;
  return [
    { kind: 'note', text: FIND_POD_BY_UID },
    command(`kubectl get pods -A -o jsonpath=${shellWord(byUid)}`),
    events,
  ];
}

function podSteps(event: EnrichedOomEvent): NextStep[] {
  if (event.kubernetes !== null) return podCommands(event).map(command);
  if (victimKindOf(event) !== 'unresolved-pod' || event.pod === null) return [];
  return unresolvedPodSteps(event, event.pod.uid);
}

/** Kills no pod explains, and node-wide OOMs, are looked at from the node. */
function looksAtNode(event: EnrichedOomEvent): boolean {
  return victimKindOf(event) !== 'pod-process' || isSystemOom(event);
}

/**
 * The node itself, when it ran out of memory or no pod explains the kill: `describe node` shows its allocatable
 * memory, its MemoryPressure condition and its pods' memory requests and limits; `top node`, its use now.
 */
function nodeCommands(event: EnrichedOomEvent): string[] {
  const kind = victimKindOf(event);
  const nodeWide = isSystemOom(event) || kind === 'host-process' || kind === 'unattributed';
  if (!nodeWide || event.node === null) return [];
  const node = shellWord(event.node);
  return [`kubectl describe node ${node}`, `kubectl top node ${node}`];
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

/** What a runbook template may name; null when the kill does not say. */
export interface RunbookValues {
  cluster: string;
  namespace: string | null;
  workload: string | null;
  container: string | null;
}

const RUNBOOK_PLACEHOLDER = /\{(cluster|namespace|workload|container)\}/g;
/** The text before the first `separator`, and after it (null when there is none). */
function splitAtFirst(text: string, separator: string): [string, string | null] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, null] : [text.slice(0, at), text.slice(at + separator.length)];
}

/** A link as `https://host`, the path, the query and the fragment (each null when absent). */
function linkParts(link: string): {
  origin: string;
  path: string;
  query: string | null;
  fragment: string | null;
} {
  const [beforeFragment, fragment] = splitAtFirst(link, '#');
  const [beforeQuery, query] = splitAtFirst(beforeFragment, '?');
  const schemeEnd = beforeQuery.indexOf('://');
  const pathAt = beforeQuery.indexOf('/', schemeEnd < 0 ? 0 : schemeEnd + 3);
  return pathAt < 0
    ? { origin: beforeQuery, path: '', query, fragment }
    : { origin: beforeQuery.slice(0, pathAt), path: beforeQuery.slice(pathAt), query, fragment };
}

/** Each placeholder filled in, URL-encoded; null when it names a value the kill does not say. */
function fillRunbookPart(part: string, values: RunbookValues): string | null {
  let unknown = false;
  const filled = part.replace(RUNBOOK_PLACEHOLDER, (_, key: keyof RunbookValues) => {
    const value = values[key];
    if (value === null) unknown = true;
    return encodeURIComponent(value ?? '');
  });
  return unknown ? null : filled;
}

/** The path up to the first segment that names what the kill does not say: the most specific page it names. */
function fillRunbookPath(path: string, values: RunbookValues): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    const filled = fillRunbookPart(segment, values);
    if (filled === null) return `${segments.join('/')}/`;
    segments.push(filled);
  }
  return segments.join('/');
}

/**
 * Context `runbookUrl` with `{cluster}`, `{namespace}`, `{workload}` and `{container}` filled in, URL-encoded.
 * What the kill does not say is left out, never filled in empty (`?ns=&w=`): a query parameter or the fragment
 * that names it is dropped and the path ends before the segment that names it. Null when the host names it.
 */
export function runbookUrl(template: string, values: RunbookValues): string | null {
  const { origin, path, query, fragment } = linkParts(template);
  const host = fillRunbookPart(origin, values);
  if (host === null) return null;
  const params = (query ?? '')
    .split('&')
    .filter((param) => param !== '')
    .map((param) => fillRunbookPart(param, values))
    .filter((param) => param !== null);
  const hash = fragment === null ? null : fillRunbookPart(fragment, values);
  return (
    host +
    fillRunbookPath(path, values) +
    (params.length === 0 ? '' : `?${params.join('&')}`) +
    (hash === null ? '' : `#${hash}`)
  );
}

/**
 * What is wrong with a `runbookUrl` template, empty when nothing: checked at synth, and again by notify when it
 * reads its settings (adapters/notify/notify-config.ts), so the two never disagree on a link.
 */
export function runbookTemplateProblems(template: string): string[] {
  const problems: string[] = [];
  const filled =
    runbookUrl(template, { cluster: 'c', namespace: 'n', workload: 'w', container: 'x' }) ?? template;
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
  const url = template === null ? null : runbookUrl(template, values);
  return url === null ? null : { kind: 'link', what: 'Runbook', url };
}

function runbookValues(event: EnrichedOomEvent): RunbookValues {
  const k8s = event.kubernetes;
  return {
    cluster: event.cluster,
    namespace: k8s?.namespace ?? null,
    workload: k8s?.workload?.name ?? k8s?.pod ?? null,
    container: k8s?.container ?? null,
  };
}

/**
 * The steps for one kill, in order: kubectl commands (the pod, or the pods on the node), the history link, the
 * node's kernel log link (kills no pod explains, node-wide OOMs), the dashboard and the runbook.
 */
export function nextSteps(event: EnrichedOomEvent, context: AlertContext): NextStep[] {
  const commands = [...podSteps(event), ...nodeCommands(event).map(command)];
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
