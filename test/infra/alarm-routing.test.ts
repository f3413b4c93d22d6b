/**
 * Who hears the pipeline's own alarms. E-mail recipients get them on the alarm topic; without one, the alarms go
 * to every channel the stack has: the SMS numbers, the chat channels, PagerDuty. Synth warns when none gets them.
 */
import { SecretValue } from 'aws-cdk-lib';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import type { OomAlertsProps } from '../../infra/oom-alerts.ts';
import { removeOutdirs, synthOomAlerts } from './stack-fixture.ts';

afterAll(removeOutdirs);

type Resource = { Type: string; Properties: Record<string, unknown> };

const SLACK = { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' };
const TEAMS = {
  tenantId: '11111111-2222-3333-4444-555555555555',
  teamId: '66666666-7777-8888-9999-000000000000',
  channelId: '19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2',
};
const PHONE = '+4915112345678';
const ROUTING_KEY = SecretValue.secretsManager('pagerduty/oom-routing-key');

function synth(props: Omit<OomAlertsProps, 'clusterName'>) {
  const { template, stack } = synthOomAlerts({ clusterName: 'demo', ...props });
  const topicId = (name: string) =>
    Object.keys(template.findResources('AWS::SNS::Topic')).find((id) =>
      new RegExp(`^OomAlerts${name}[0-9A-F]{8}$`).test(id),
    );
  const alarmTopic = { Ref: topicId('AlarmTopic') };
  const chatTopic = { Ref: topicId('ChatTopic') };
  const alarmSubscriptions = Object.values(
    template.findResources('AWS::SNS::Subscription', { Properties: { TopicArn: alarmTopic } }),
  ).map((s) => (s as Resource).Properties);
  const warnings = Annotations.fromStack(stack)
    .findWarning('*', Match.anyValue())
    .map((w) => String(w.entry.data));
  return { template, alarmTopic, chatTopic, alarmSubscriptions, warnings };
}

/** The rules on the default bus that send this stack's alarm state changes to PagerDuty. */
function alarmRulesToPagerDuty(template: Template) {
  return Object.values(template.findResources('AWS::Events::Rule'))
    .map((rule) => (rule as Resource).Properties)
    .filter((rule) => JSON.stringify(rule.EventPattern ?? '').includes('aws.cloudwatch'));
}

describe('the alarms reach whoever gets the alerts', () => {
  it('with e-mail: the addresses get the alarms, and no other channel does', () => {
    const { template, alarmSubscriptions, chatTopic } = synth({
      alertEmails: ['ops@example.com'],
      alertPhoneNumbers: [PHONE],
      chatChannels: { slack: SLACK },
      pagerDutyRoutingKey: ROUTING_KEY,
    });
    expect(alarmSubscriptions).toEqual([
      expect.objectContaining({ Protocol: 'email', Endpoint: 'ops@example.com' }),
    ]);
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', { SnsTopicArns: [chatTopic] });
    expect(alarmRulesToPagerDuty(template)).toEqual([]);
  });

  it('SMS only: each number gets the alarms too, unfiltered', () => {
    const { alarmSubscriptions, warnings } = synth({ alertPhoneNumbers: [PHONE, '+4915187654321'] });
    expect(alarmSubscriptions).toEqual([
      { Protocol: 'sms', Endpoint: PHONE, TopicArn: expect.anything() },
      { Protocol: 'sms', Endpoint: '+4915187654321', TopicArn: expect.anything() },
    ]);
    expect(warnings).toEqual([]);
  });

  it('chat only: the Slack and Teams channels read the alarm topic as well (Chatbot formats CloudWatch alarms)', () => {
    const { template, alarmTopic, chatTopic, alarmSubscriptions, warnings } = synth({
      chatChannels: { slack: SLACK, teams: TEAMS },
    });
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SnsTopicArns: [chatTopic, alarmTopic],
    });
    template.hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', {
      SnsTopicArns: [chatTopic, alarmTopic],
    });
    expect(alarmSubscriptions).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it("PagerDuty only: each of this stack's alarms triggers an incident when it goes to ALARM, and resolves it on OK", () => {
    const { template, warnings } = synth({ pagerDutyRoutingKey: ROUTING_KEY });
    const rules = alarmRulesToPagerDuty(template);
    expect(rules.map((rule) => rule.EventPattern)).toEqual([
      {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { alarmName: [{ prefix: 'eks-oom-alerts/demo/' }], state: { value: ['ALARM'] } },
      },
      {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { alarmName: [{ prefix: 'eks-oom-alerts/demo/' }], state: { value: ['OK'] } },
      },
    ]);
    const destinations = Object.keys(template.findResources('AWS::Events::ApiDestination'));
    expect(destinations).toHaveLength(1);
    const bodies = rules.map((rule) => {
      const [target] = rule.Targets as {
        Arn: unknown;
        DeadLetterConfig: unknown;
        InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string };
      }[];
      expect(target?.Arn).toEqual({ 'Fn::GetAtt': [destinations[0], 'Arn'] });
      expect(target?.DeadLetterConfig).toBeDefined();
      const { InputPathsMap: paths, InputTemplate: text } = target!.InputTransformer;
      const body = JSON.parse(text.replace(/:<([\w-]+)>/g, (_, name: string) => `:"<${name}>"`)) as {
        event_action: string;
        dedup_key: string;
        payload?: Record<string, string>;
      };
      // One incident per alarm: its next ALARM after an OK opens a new one, so each new dead letter pages again.
      expect(paths[body.dedup_key.slice(1, -1)]).toBe('$.detail.alarmName');
      return body;
    });
    expect(bodies.map((body) => body.event_action)).toEqual(['trigger', 'resolve']);
    expect(bodies[0]?.payload).toMatchObject({ severity: 'error' });
    expect(bodies[0]?.payload?.summary).toMatch(/^eks-oom-alerts pipeline alarm <[\w-]+>/);
    expect(warnings).toEqual([]);
  });

  it('PagerDuty only: no alarm that watches a queue the alarm rules dead-letter into is one those rules forward', () => {
    const { template, alarmTopic } = synth({ pagerDutyRoutingKey: ROUTING_KEY });
    const rules = alarmRulesToPagerDuty(template);
    const prefixes = rules.map(
      (rule) =>
        (rule.EventPattern as { detail: { alarmName: { prefix: string }[] } }).detail.alarmName[0]?.prefix,
    );
    expect(new Set(prefixes)).toEqual(new Set(['eks-oom-alerts/demo/']));
    const queues = new Set(
      rules.flatMap((rule) =>
        (rule.Targets as { DeadLetterConfig: { Arn: { 'Fn::GetAtt': [string, string] } } }[]).map(
          (target) => target.DeadLetterConfig.Arn['Fn::GetAtt'][0],
        ),
      ),
    );
    expect(queues.size).toBe(1);
    const watching = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .map((alarm) => (alarm as Resource).Properties)
      .filter((alarm) => [...queues].some((queue) => JSON.stringify(alarm).includes(`"${queue}"`)));
    // The queue is alarmed (to the alarm topic: SMS and chat), under a name the rules do not match.
    expect(watching.map((alarm) => [alarm.AlarmName, alarm.AlarmActions])).toEqual([
      ['eks-oom-alerts-unpaged/demo/PagerDutyAlarmDeadLetters', [alarmTopic]],
    ]);
    for (const alarm of watching) expect(String(alarm.AlarmName).startsWith(prefixes[0]!)).toBe(false);
  });

  it('PagerDuty only: an alarm state change is given up after an hour, a kill after 24 hours', () => {
    const { template } = synth({ pagerDutyRoutingKey: ROUTING_KEY });
    const policies = Object.values(template.findResources('AWS::Events::Rule'))
      .map((rule) => (rule as Resource).Properties)
      .filter((rule) => JSON.stringify(rule.Targets ?? '').includes('event_action'))
      .map((rule) => [
        JSON.stringify(rule.EventPattern).includes('aws.cloudwatch') ? 'alarm' : 'kill',
        (rule.Targets as { RetryPolicy: unknown }[])[0]?.RetryPolicy,
      ]);
    expect(policies).toEqual(
      expect.arrayContaining([
        ['alarm', { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 185 }],
        ['kill', { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 }],
      ]),
    );
    expect(new Set(policies.map(([kind, policy]) => `${String(kind)} ${JSON.stringify(policy)}`)).size).toBe(
      2,
    );
  });

  it("names every alarm eks-oom-alerts/<cluster>/<alarm>, the prefix PagerDuty's rules match", () => {
    const { template } = synth({ alertEmails: ['ops@example.com'] });
    const names = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).map(([id, alarm]) => [
      id,
      (alarm as Resource).Properties.AlarmName,
    ]);
    expect(names.length).toBeGreaterThan(10);
    for (const [id, name] of names) {
      expect(name).toMatch(/^eks-oom-alerts\/demo\/[A-Za-z]+$/);
      expect(id).toMatch(new RegExp(`^OomAlerts${String(name).split('/')[2]}[0-9A-F]{8}$`));
    }
  });

  it('notifies the alarm topic on ALARM only: a return to OK is sent to no one (docs/deploy.md says so)', () => {
    const { template, alarmTopic } = synth({ alertPhoneNumbers: [PHONE], pagerDutyRoutingKey: ROUTING_KEY });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => (alarm as Resource).Properties,
    );
    expect(alarms.length).toBeGreaterThan(10);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([alarmTopic]);
      expect(alarm.OKActions).toBeUndefined();
    }
  });

  it('no channel at all: synth warns that neither the alerts nor the alarms reach anyone', () => {
    const { warnings } = synth({});
    expect(warnings).toEqual([
      expect.stringMatching(
        /^No alert e-mail, phone number, chat channel or PagerDuty key: .*the pipeline's own alarms .* reach no one/,
      ),
    ]);
    expect(warnings[0]).toContain('AlarmTopicArn');
  });
});
