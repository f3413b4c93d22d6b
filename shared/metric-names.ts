/**
 * CloudWatch metric names, one source for the functions that emit them and the alarms that watch them.
 */
export const METRIC_NAMESPACE = 'EksOomAlerts';

export const METRICS = {
  /** parse: kills turned into OomEvents. */
  killsParsed: 'KillsParsed',
  /** parse: events whose kill line or cgroup line was missing. */
  incompleteReports: 'IncompleteReports',
  /** parse: lines that look like OOM text but no recognizer understood (format drift). */
  unrecognisedOomLines: 'UnrecognisedOomLines',
  /** parse: subscription payloads that could not be decoded. */
  malformedPayloads: 'MalformedPayloads',
  /** enrich: events sent on with enrichment.status = "unavailable". */
  enrichmentUnavailable: 'EnrichmentUnavailable',
  /** enrich: events skipped because their id was already processed. */
  duplicatesSkipped: 'DuplicatesSkipped',
  /**
   * enrich: of those, the ones taken as delivered without a record of it (a `publishing` claim whose lease ran out,
   * a kill dated before claims are kept): each may be a kill that was never alerted.
   */
  unverifiedDuplicates: 'UnverifiedDuplicates',
  /** notify: chat messages (alerts, digests) that could not be published to the chat topic. */
  chatPublishFailures: 'ChatPublishFailures',
  /** notify: OOM kills, by cluster/namespace and by workload. */
  oomKills: 'OomKills',
  /** watch: nodes whose kernel stream went quiet (names in the watch function's log). */
  nodesNotShipping: 'NodesNotShipping',
} as const;

/** Powertools service names of the functions whose metrics the alarms watch. */
export const METRIC_SERVICES = {
  parse: 'eks-oom-alerts-parse',
  enrich: 'eks-oom-alerts-enrich',
  notify: 'eks-oom-alerts-notify',
  watch: 'eks-oom-alerts-watch',
} as const;

/** Every pipeline metric carries the cluster, so two deployments in one account and region keep apart. */
export const CLUSTER_DIMENSION = 'cluster';
