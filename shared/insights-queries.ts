/**
 * The saved CloudWatch Logs Insights queries over the events log group: one JSON line per EnrichedOomEvent,
 * written by functions/notify, so Insights sees the event's own field names (`kubernetes.namespace`,
 * `victim.name`, `memory.limitKb` …). The CDK stack saves these strings as QueryDefinitions and the `query`
 * command runs the same strings, so the console and the terminal always agree.
 */

/** A value the user fills in before running the query, written in the query as a quoted placeholder. */
export interface QueryParameter {
  /** Text in the query string that the value replaces, e.g. `NAMESPACE`. */
  readonly placeholder: string;
  readonly description: string;
}

export interface InsightsQuery {
  /** Stable kebab-case key: the saved query is `eks-oom-alerts/<cluster>/<name>`; the CLI takes it as argument. */
  readonly name: string;
  readonly description: string;
  readonly queryString: string;
  /** Empty for queries that run as they are. */
  readonly parameters: readonly QueryParameter[];
}

export const INSIGHTS_QUERIES: readonly InsightsQuery[] = [
  {
    name: 'kills-by-namespace',
    description: 'OOM kills per namespace; kills outside any pod count under "(not a pod)".',
    queryString: [
      'fields coalesce(kubernetes.namespace, "(not a pod)") as namespace',
      'stats count(*) as kills by namespace',
      'sort kills desc',
    ].join('\n| '),
    parameters: [],
  },
  {
    name: 'top-workloads',
    description: 'The 20 workloads killed most often, with the largest memory limit seen at the kill.',
    queryString: [
      'filter ispresent(kubernetes.workload.name)',
      'stats count(*) as kills, max(memory.limitKb) as limitKb by kubernetes.namespace, kubernetes.workload.kind, kubernetes.workload.name',
      'sort kills desc',
      'limit 20',
    ].join('\n| '),
    parameters: [],
  },
  {
    name: 'child-process-kills',
    description:
      'Kills of a child process while the container kept running: invisible to kube-state-metrics and kubectl.',
    queryString: [
      'filter impact = "process-killed-container-running"',
      'fields @timestamp, kubernetes.namespace, kubernetes.pod, kubernetes.container, victim.name, victim.pid, memory.limitKb',
      'sort @timestamp desc',
    ].join('\n| '),
    parameters: [],
  },
  {
    name: 'system-ooms-by-node',
    description: 'Node-wide (system) OOM kills per node: the node ran out of memory, not a container limit.',
    queryString: [
      'filter constraint = "system"',
      'stats count(*) as kills, latest(victim.name) as lastVictim, latest(kubernetes.pod) as lastPod by node',
      'sort kills desc',
    ].join('\n| '),
    parameters: [],
  },
  {
    name: 'pod-history',
    description: "One pod's OOM kills, newest first. Replace NAMESPACE and POD.",
    queryString: [
      'filter kubernetes.namespace = "NAMESPACE" and kubernetes.pod = "POD"',
      'fields @timestamp, kubernetes.container, victim.name, victim.pid, impact, memory.usageKb, memory.limitKb, kubernetes.restartCount',
      'sort @timestamp desc',
    ].join('\n| '),
    parameters: [
      { placeholder: 'NAMESPACE', description: 'Kubernetes namespace of the pod' },
      { placeholder: 'POD', description: 'Pod name' },
    ],
  },
  {
    name: 'unattributed-kills',
    description:
      'Kills the enricher could not tie to a pod (EKS API unavailable or pod gone), with the reason.',
    queryString: [
      'filter enrichment.status = "unavailable" or enrichment.status = "not-found"',
      'fields @timestamp, node, victim.name, victim.pid, pod.uid, enrichment.status, enrichment.detail',
      'sort @timestamp desc',
    ].join('\n| '),
    parameters: [],
  },
];

// Kubernetes names (RFC 1123 labels and subdomains) cannot break out of the query's quoted string.
const KUBERNETES_NAME = /^[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?$/;

export type FilledQuery = { ok: true; queryString: string } | { ok: false; error: string };

/** Puts the user's values in place of a query's placeholders; every parameter needs a valid Kubernetes name. */
export function fillQueryParameters(
  query: InsightsQuery,
  values: Readonly<Record<string, string>>,
): FilledQuery {
  let queryString = query.queryString;
  for (const { placeholder, description } of query.parameters) {
    const value = values[placeholder];
    if (value === undefined)
      return { ok: false, error: `${query.name} needs ${placeholder} (${description})` };
    if (!KUBERNETES_NAME.test(value)) {
      return {
        ok: false,
        error: `${placeholder} "${value}" is not a Kubernetes name (lowercase letters, digits, - and .)`,
      };
    }
    queryString = queryString.replaceAll(`"${placeholder}"`, `"${value}"`);
  }
  return { ok: true, queryString };
}
