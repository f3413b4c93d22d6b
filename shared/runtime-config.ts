/**
 * Environment variable names that the stack sets and the functions read: one source for both sides.
 */
export const ENV = {
  clusterName: 'CLUSTER_NAME',
  /** DynamoDB table, laid out as shared/state-table-keys.ts says. */
  stateTableName: 'STATE_TABLE_NAME',
  /** parse → enrich queue. */
  eventsQueueUrl: 'EVENTS_QUEUE_URL',
  /** Seconds SQS holds a parsed event, so the kubelet can update pod status first. */
  enrichDelaySeconds: 'ENRICH_DELAY_SECONDS',
  eventBusName: 'EVENT_BUS_NAME',
  topicArn: 'TOPIC_ARN',
  groupingWindowMinutes: 'GROUPING_WINDOW_MINUTES',
  eventsLogGroupName: 'EVENTS_LOG_GROUP_NAME',
  /** enrich reads kernel lines there; notify links the node's kernel log. */
  kernelLogGroupName: 'KERNEL_LOG_GROUP_NAME',
  /** notify: the AWS Chatbot topic for Slack/Teams custom notifications; unset, no chat message is sent. */
  chatTopicArn: 'CHAT_TOPIC_ARN',
  /**
   * notify: `true` when chat is the only channel (no e-mail or SMS subscriber): a failed chat message then fails
   * the invocation, so that Lambda retries it, with nothing to send twice.
   */
  chatIsOnlyChannel: 'CHAT_IS_ONLY_CHANNEL',
  /** notify: the pipeline's CloudWatch dashboard, linked from each alert. */
  dashboardName: 'DASHBOARD_NAME',
  /** notify: context `runbookUrl`, a link template (`{cluster}`, `{namespace}`, `{workload}`, `{container}`). */
  runbookUrl: 'RUNBOOK_URL',
  /** notify: context `smsFor`, `all` or `restarts-and-node` (shared/alert-format/sms-policy.ts). */
  smsFor: 'SMS_FOR',
  /** enrich: `true` adds a Kubernetes Event on the pod of a child process killed in a running container. */
  kubernetesEvents: 'KUBERNETES_EVENTS',
  /** watch: minutes without a kernel line after which a node counts as not shipping. */
  silentNodeMinutes: 'SILENT_NODE_MINUTES',
  /** watch: minutes a new node has to send its first kernel line. */
  nodeGraceMinutes: 'NODE_GRACE_MINUTES',
} as const;
