/**
 * The outputs of the standalone stack (infra/stack.ts) that tools outside it read, such as
 * `backfill --deliver --stack NAME`: one list of names for the stack that writes them and the CLI that reads
 * them. They are not exported: a stack's outputs are read with DescribeStacks, and an export would tie
 * other stacks to this one.
 */
export const STACK_OUTPUTS = {
  /** The SNS topic of the alerts (e-mail, SMS). */
  alertTopicArn: 'AlertTopicArn',
  /** The EventBridge bus enrich puts each enriched event on. */
  eventBusName: 'EventBusName',
  /** The DynamoDB table of claims and storm windows. */
  stateTableName: 'StateTableName',
  /** The log group of one JSON line per event, read by the saved queries. */
  eventsLogGroupName: 'EventsLogGroupName',
} as const;

export type StackOutputKey = keyof typeof STACK_OUTPUTS;

/** Outputs of the stack only when the feature is on, or only from the version that added them. */
export const OPTIONAL_STACK_OUTPUTS = {
  /** The SNS topic of the pipeline's own alarms, for operators to subscribe to; no command reads it. */
  alarmTopicArn: 'AlarmTopicArn',
  /** With Slack or Teams channels: AWS Chatbot's topic, which notify publishes chat messages to. */
  chatTopicArn: 'ChatTopicArn',
  /** notify's storm window in minutes: backfilled kills are grouped as live ones are. */
  groupingWindowMinutes: 'GroupingWindowMinutes',
  /** notify's `smsFor`: which backfilled alerts go by SMS as well. */
  smsFor: 'SmsFor',
  /** With `runbookUrl`: the link template of every alert's next steps. */
  runbookUrl: 'RunbookUrl',
} as const;
