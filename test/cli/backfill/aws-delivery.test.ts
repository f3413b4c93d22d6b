import { describe, expect, it } from 'vitest';
import { notifyTargetOf, type StackTarget } from '../../../cli/backfill/aws-delivery.ts';

const names: StackTarget = {
  region: 'eu-west-1',
  cluster: 'demo',
  stateTable: 'EksOomAlerts-demo-StateTable1A2B',
  topicArn: 'arn:aws:sns:eu-west-1:123456789012:demo-Alert',
  eventsLogGroup: '/eks-oom-alerts/demo/events',
};

describe('notifyTargetOf (backfill --deliver)', () => {
  it("alerts with the stack's storm window, SMS policy and runbook link when its outputs gave them", () => {
    const runbookUrl = 'https://wiki.example.com/oom/{namespace}/{workload}';
    expect(notifyTargetOf({ ...names, windowMinutes: 30, smsFor: 'restarts-and-node', runbookUrl })).toEqual({
      region: 'eu-west-1',
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:demo-Alert',
      stateTableName: 'EksOomAlerts-demo-StateTable1A2B',
      eventsLogGroupName: '/eks-oom-alerts/demo/events',
      windowMinutes: 30,
      chatTopicArn: null,
      smsFor: 'restarts-and-node',
      runbookUrl,
    });
  });

  it('without them (named by flags, or a stack from before they were outputs): the defaults', () => {
    expect(notifyTargetOf(names)).toEqual({
      region: 'eu-west-1',
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:demo-Alert',
      stateTableName: 'EksOomAlerts-demo-StateTable1A2B',
      eventsLogGroupName: '/eks-oom-alerts/demo/events',
      windowMinutes: 10,
      chatTopicArn: null,
    });
  });
});
