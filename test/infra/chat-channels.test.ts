import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { METRICS, METRIC_NAMESPACE, METRIC_SERVICES } from '../../shared/metric-names.ts';
import { ENV as RUNTIME_ENV } from '../../shared/runtime-config.ts';
import { removeOutdirs, synthOomAlerts } from './stack-fixture.ts';

afterAll(removeOutdirs);

type Resource = { Type: string; Properties: Record<string, unknown> };

const SLACK = { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' };
const TEAMS = {
  tenantId: '11111111-2222-3333-4444-555555555555',
  teamId: '66666666-7777-8888-9999-000000000000',
  channelId: '19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2',
};

describe('Slack and Microsoft Teams through AWS Chatbot (chatChannels)', () => {
  it('a synth with a Slack channel holds the channel configuration on the chat topic, which notify publishes to', () => {
    // With an e-mail recipient the alarms go by e-mail, and the channel reads the chat topic only
    // (test/infra/alarm-routing.test.ts: without one, the alarm topic as well).
    const { template } = synthOomAlerts({
      clusterName: 'demo',
      alertEmails: ['ops@example.com'],
      chatChannels: { slack: SLACK },
    });
    const topics = Object.keys(template.findResources('AWS::SNS::Topic')).filter((id) =>
      id.startsWith('OomAlertsChatTopic'),
    );
    expect(topics).toHaveLength(1);
    const chatTopic = { Ref: topics[0] };
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      ConfigurationName: 'eks-oom-alerts-demo-slack',
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0123ABCD',
      SnsTopicArns: [chatTopic],
      LoggingLevel: 'ERROR',
      GuardrailPolicies: [{ Ref: Match.stringLikeRegexp('^OomAlertsChatGuardrail') }],
    });
    // Narrow: the guardrail denies every action, so nothing runs from the channel.
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] },
    });
    const [, notify] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('OomAlertsNotifyFunction'),
    ) as [string, Resource];
    const variables = (notify.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables[RUNTIME_ENV.chatTopicArn]).toEqual(chatTopic);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^OomAlertsNotifyRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'sns:Publish', Effect: 'Allow', Resource: chatTopic }),
        ]),
      },
    });
    template.resourceCountIs('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', 0);
  });

  it('a Teams channel gets its configuration with a role of its own and the same guardrail', () => {
    const { template } = synthOomAlerts({
      clusterName: 'demo',
      alertEmails: ['ops@example.com'],
      chatChannels: { teams: TEAMS },
    });
    template.hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', {
      ConfigurationName: 'eks-oom-alerts-demo-teams',
      TeamsTenantId: TEAMS.tenantId,
      TeamId: TEAMS.teamId,
      TeamsChannelId: TEAMS.channelId,
      IamRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OomAlertsChatTeamsRole'), 'Arn'] },
      SnsTopicArns: [{ Ref: Match.stringLikeRegexp('^OomAlertsChatTopic') }],
      GuardrailPolicies: [{ Ref: Match.stringLikeRegexp('^OomAlertsChatGuardrail') }],
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'chatbot.amazonaws.com' } })],
      },
    });
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
  });

  it('chat the only channel: notify is told so (a failed chat message is then retried); not with e-mail or SMS', () => {
    const variablesOf = (template: ReturnType<typeof synthOomAlerts>['template']) => {
      const [, notify] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) =>
        id.startsWith('OomAlertsNotifyFunction'),
      ) as [string, Resource];
      return (notify.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    };
    const chatOnly = synthOomAlerts({ clusterName: 'demo', chatChannels: { slack: SLACK } }).template;
    expect(variablesOf(chatOnly)[RUNTIME_ENV.chatIsOnlyChannel]).toBe('true');
    for (const recipients of [
      { alertEmails: ['ops@example.com'] },
      { alertPhoneNumbers: ['+4915112345678'] },
    ]) {
      const { template } = synthOomAlerts({
        clusterName: 'demo',
        chatChannels: { slack: SLACK },
        ...recipients,
      });
      expect(variablesOf(template)).not.toHaveProperty(RUNTIME_ENV.chatIsOnlyChannel);
    }
  });

  it("alarms on chat messages notify could not publish, and on the chat topic's failed deliveries to Chatbot", () => {
    const { template } = synthOomAlerts({ clusterName: 'demo', chatChannels: { slack: SLACK } });
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')) as [string, Resource][];
    const named = (prefix: string) => alarms.filter(([id]) => id.startsWith(`OomAlerts${prefix}`));
    expect(named('ChatPublishFailures').map(([, a]) => a.Properties)).toEqual([
      expect.objectContaining({
        Namespace: METRIC_NAMESPACE,
        MetricName: METRICS.chatPublishFailures,
        Dimensions: [
          { Name: 'cluster', Value: 'demo' },
          { Name: 'service', Value: METRIC_SERVICES.notify },
        ],
        Threshold: 1,
      }),
    ]);
    const chatTopic = Object.keys(template.findResources('AWS::SNS::Topic')).find((id) =>
      id.startsWith('OomAlertsChatTopic'),
    );
    expect(named('ChatDeliveryFailures').map(([, a]) => a.Properties)).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/SNS',
        MetricName: 'NumberOfNotificationsFailed',
        Dimensions: [{ Name: 'TopicName', Value: { 'Fn::GetAtt': [chatTopic, 'TopicName'] } }],
        Threshold: 1,
        // For an HTTPS subscriber (Chatbot) the metric counts every failed attempt, the retries SNS makes too.
        AlarmDescription: expect.stringMatching(
          /^SNS delivery attempts to AWS Chatbot failed.*every failed attempt, retries included.*Chatbot's own log/,
        ),
      }),
    ]);
    const withoutChat = synthOomAlerts({ clusterName: 'demo' }).template;
    const ids = Object.keys(withoutChat.findResources('AWS::CloudWatch::Alarm'));
    expect(ids.filter((id) => id.startsWith('OomAlertsChat'))).toEqual([]);
  });

  it('without chatChannels: no chat topic, no Chatbot, no chat variable for notify', () => {
    const { template, alerts } = synthOomAlerts({ clusterName: 'demo' });
    expect(alerts.chatTopic).toBeUndefined();
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    expect(JSON.stringify(template.toJSON())).not.toContain(RUNTIME_ENV.chatTopicArn);
  });
});
