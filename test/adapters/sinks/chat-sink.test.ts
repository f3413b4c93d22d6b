import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { dryRunChatSink, snsChatSink } from '../../../adapters/sinks/chat-sink.ts';
import { formatAlert } from '../../../shared/alert-format/format-alert.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';

const CHAT_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:eks-oom-alerts-chat';
const sns = mockClient(SNSClient);

afterEach(() => {
  sns.reset();
});

describe('snsChatSink', () => {
  it('publishes the custom notification as the JSON text of the message, nothing else', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { chat } = formatAlert(exampleEvent('container-limit'), { eventsLogGroupName: null });
    await snsChatSink(new SNSClient({}), CHAT_TOPIC).publish(chat);
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input).toEqual({ TopicArn: CHAT_TOPIC, Message: JSON.stringify(chat) });
    expect(JSON.parse(input.Message!)).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: {
        textType: 'client-markdown',
        title: 'OOM: prod/checkout-api (api) 512Mi limit on ip-10-0-1-23',
      },
    });
  });

  it('lets a publish failure reach the caller', async () => {
    sns.on(PublishCommand).rejects(new Error('KMS.AccessDeniedException'));
    const { chat } = formatAlert(exampleEvent('pod-limit'), { eventsLogGroupName: null });
    await expect(snsChatSink(new SNSClient({}), CHAT_TOPIC).publish(chat)).rejects.toThrow('KMS');
  });
});

describe('dryRunChatSink', () => {
  it('prints {"target":"chat","message":{…}} and sends nothing', async () => {
    const lines: string[] = [];
    const { chat } = formatAlert(exampleEvent('child-process'), { eventsLogGroupName: null });
    await dryRunChatSink((line) => lines.push(line)).publish(chat);
    expect(lines).toEqual([JSON.stringify({ target: 'chat', message: chat })]);
    expect(lines[0]!.startsWith('{"target":"chat","message":{"version":"1.0","source":"custom"')).toBe(true);
    expect(sns.calls()).toHaveLength(0);
  });
});
