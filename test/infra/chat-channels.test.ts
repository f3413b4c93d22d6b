import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
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
    const { template } = synthOomAlerts({ clusterName: 'demo', chatChannels: { slack: SLACK } });
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
    const { template } = synthOomAlerts({ clusterName: 'demo', chatChannels: { teams: TEAMS } });
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

  it('without chatChannels: no chat topic, no Chatbot, no chat variable for notify', () => {
    const { template, alerts } = synthOomAlerts({ clusterName: 'demo' });
    expect(alerts.chatTopic).toBeUndefined();
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    expect(JSON.stringify(template.toJSON())).not.toContain(RUNTIME_ENV.chatTopicArn);
  });
});
