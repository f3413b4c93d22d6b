/**
 * Where chat messages go: the chat topic that AWS Chatbot (Amazon Q Developer in chat applications) reads for a
 * Slack or Microsoft Teams channel, or, in a dry run, one JSON line per would-be publish.
 *
 * The SNS message is the custom notification itself, as JSON text, with no `MessageStructure`: Chatbot reads
 * the message body and drops anything that is not an AWS event or a custom notification (raw message delivery
 * must stay off on its subscription).
 */
import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import type { ChatNotification } from '../../shared/alert-format/chat.ts';

export interface ChatSink {
  publish(message: ChatNotification): Promise<void>;
}

function chatPublishInput(topicArn: string, message: ChatNotification): PublishCommandInput {
  return { TopicArn: topicArn, Message: JSON.stringify(message) };
}

/** Publishes each chat message to the chat topic. */
export function snsChatSink(sns: SNSClient, topicArn: string): ChatSink {
  return {
    async publish(message) {
      await sns.send(new PublishCommand(chatPublishInput(topicArn, message)));
    },
  };
}

/** `{"target":"chat","message":{…}}`, the `replay --dry-run` line beside each SNS line. */
function dryRunChatLine(message: ChatNotification): string {
  return JSON.stringify({ target: 'chat', message });
}

/** Sends nothing: hands each would-be chat message, as a dry-run line, to `writeLine`. */
export function dryRunChatSink(writeLine: (line: string) => void): ChatSink {
  return {
    async publish(message) {
      writeLine(dryRunChatLine(message));
    },
  };
}
