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
  kernelLogGroupName: 'KERNEL_LOG_GROUP_NAME',
} as const;
