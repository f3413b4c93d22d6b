import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { dryRunAlertSink, snsAlertSink } from '../../../adapters/sinks/alert-sink.ts';
import { formatAlert } from '../../../shared/alert-format/format-alert.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:eks-oom-alerts';
const sns = mockClient(SNSClient);

afterEach(() => {
  sns.reset();
});

describe('snsAlertSink', () => {
  it('publishes one message with a text per protocol and the subject', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const alert = formatAlert(exampleEvent('container-limit'), {
      eventsLogGroupName: '/eks-oom-alerts/prod-eu/events',
    });
    await snsAlertSink(new SNSClient({}), TOPIC).publish(alert);

    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input).toEqual({
      TopicArn: TOPIC,
      Subject: 'OOM: prod/checkout-api (api) 512Mi limit on ip-10-0-1-23',
      MessageStructure: 'json',
      Message: JSON.stringify({ default: alert.default, email: alert.email, sms: alert.sms }),
      MessageAttributes: { sms: { DataType: 'String', StringValue: 'send' } },
    });
    const message = JSON.parse(input.Message!) as Record<string, string>;
    expect(Object.keys(message)).toEqual(['default', 'email', 'sms']);
    expect(message.sms).toBe(
      'OOM prod/checkout-api (api): container restarted. process node killed, 512Mi of 512Mi limit, ip-10-0-1-23, prod-eu 10:02Z',
    );
  });

  it("marks an alert that smsFor keeps off SMS, for the SMS subscriptions' filter policy", async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const alert = formatAlert(exampleEvent('child-process'), {
      eventsLogGroupName: null,
      smsFor: 'restarts-and-node',
    });
    await snsAlertSink(new SNSClient({}), TOPIC).publish(alert);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.MessageAttributes).toEqual({ sms: { DataType: 'String', StringValue: 'skip' } });
  });

  it('lets a publish failure reach the caller', async () => {
    sns.on(PublishCommand).rejects(new Error('Throttling'));
    const alert = formatAlert(exampleEvent('pod-limit'), { eventsLogGroupName: null });
    await expect(snsAlertSink(new SNSClient({}), TOPIC).publish(alert)).rejects.toThrow('Throttling');
  });
});

describe('dryRunAlertSink', () => {
  it('prints the replay --dry-run line and sends nothing', async () => {
    const lines: string[] = [];
    const alert = formatAlert(exampleEvent('child-process'), { eventsLogGroupName: null });
    await dryRunAlertSink((line) => lines.push(line)).publish(alert);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      target: 'sns',
      subject: 'OOM: child process php-fpm in prod/web (php) 256Mi limit on ip-10-0-2-7',
      message: { default: alert.default, email: alert.email, sms: alert.sms },
    });
    expect(lines[0]!.startsWith('{"target":"sns","subject":')).toBe(true);
    expect(sns.calls()).toHaveLength(0);
  });
});
