/**
 * Where alerts go: the SNS topic, or, in a dry run, one JSON line per would-be publish.
 */
import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertMessage } from '../../shared/alert-format/alert-message.ts';
import { SMS_FILTER } from '../../shared/alert-format/sms-policy.ts';

export interface AlertSink {
  publish(message: AlertMessage): Promise<void>;
}

/** `send` or `skip`: what the SMS subscriptions' filter policy reads (shared/alert-format/sms-policy.ts). */
function smsAttribute(message: AlertMessage): string {
  return message.sendSms ? SMS_FILTER.send : SMS_FILTER.skip;
}

/**
 * One publish, a text per protocol: e-mail gets the report, SMS the short line, the rest `default`. The `sms`
 * attribute tells the SMS subscriptions, whose filter policy lets only `send` through, whether this one is theirs.
 */
function snsPublishInput(topicArn: string, message: AlertMessage): PublishCommandInput {
  return {
    TopicArn: topicArn,
    Subject: message.subject,
    MessageStructure: 'json',
    Message: JSON.stringify({ default: message.default, email: message.email, sms: message.sms }),
    MessageAttributes: { [SMS_FILTER.attribute]: { DataType: 'String', StringValue: smsAttribute(message) } },
  };
}

/** Publishes each alert to the SNS topic. */
export function snsAlertSink(sns: SNSClient, topicArn: string): AlertSink {
  return {
    async publish(message) {
      await sns.send(new PublishCommand(snsPublishInput(topicArn, message)));
    },
  };
}

/** `{"target":"sns","subject":…,"message":{"default":…,"email":…,"sms":…}}`, the `replay --dry-run` line. */
function dryRunSnsLine(message: AlertMessage): string {
  return JSON.stringify({
    target: 'sns',
    subject: message.subject,
    message: { default: message.default, email: message.email, sms: message.sms },
  });
}

/** Sends nothing: hands each would-be publish, as a dry-run line, to `writeLine`. */
export function dryRunAlertSink(writeLine: (line: string) => void): AlertSink {
  return {
    async publish(message) {
      writeLine(dryRunSnsLine(message));
    },
  };
}
