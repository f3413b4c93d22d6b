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
export function snsPublishInput(topicArn: string, message: AlertMessage): PublishCommandInput {
  return {
    TopicArn: topicArn,
    Subject: message.subject,
    MessageStructure: 'json',
    Message: JSON.stringify({ default: message.default, email: message.email, sms: message.sms }),
    MessageAttributes: { [SMS_FILTER.attribute]: { DataType: 'String', StringValue: smsAttribute(message) } },
  };
}

export class SnsAlertSink implements AlertSink {
  readonly #sns: SNSClient;
  readonly #topicArn: string;

  constructor(sns: SNSClient, topicArn: string) {
    this.#sns = sns;
    this.#topicArn = topicArn;
  }

  async publish(message: AlertMessage): Promise<void> {
    await this.#sns.send(new PublishCommand(snsPublishInput(this.#topicArn, message)));
  }
}

/** `{"target":"sns","subject":…,"message":{"default":…,"email":…,"sms":…}}`, the `replay --dry-run` line. */
export function dryRunSnsLine(message: AlertMessage): string {
  return JSON.stringify({
    target: 'sns',
    subject: message.subject,
    message: { default: message.default, email: message.email, sms: message.sms },
  });
}

/** Sends nothing: hands each would-be publish, as a dry-run line, to `writeLine`. */
export class DryRunAlertSink implements AlertSink {
  readonly #writeLine: (line: string) => void;

  constructor(writeLine: (line: string) => void) {
    this.#writeLine = writeLine;
  }

  async publish(message: AlertMessage): Promise<void> {
    this.#writeLine(dryRunSnsLine(message));
  }
}
