import {
  Validations,
  aws_chatbot as chatbot,
  aws_iam as iam,
  type aws_kms as kms,
  aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** A Slack channel of a workspace authorised once in the AWS Chatbot console. */
export interface SlackChannel {
  /** The workspace ID the console shows after the one-time authorisation (`T0123ABCD`). */
  readonly workspaceId: string;
  /** The 9-character ID at the end of the channel's URL (`C0123ABCD`). */
  readonly channelId: string;
}

/** A Microsoft Teams channel of a team authorised once in the AWS Chatbot console. */
export interface TeamsChannel {
  readonly tenantId: string;
  readonly teamId: string;
  /** As the channel's link gives it (`19%3a…%40thread.tacv2`). */
  readonly channelId: string;
}

/**
 * Where the chat messages go: AWS Chatbot (Amazon Q Developer in chat applications) reads the chat topic and
 * posts each message to these channels.
 */
export interface ChatChannels {
  readonly slack?: SlackChannel;
  readonly teams?: TeamsChannel;
}

export interface ChatDeliveryProps {
  readonly clusterName: string;
  readonly channels: ChatChannels;
  /** The organization's key, when one was given; its key policy must let `chatbot.amazonaws.com` decrypt. */
  readonly encryptionKey: kms.IKey | undefined;
  /** A topic of CloudWatch alarm notifications the channels read as well; Chatbot formats those itself. */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * The chat topic and AWS Chatbot's channel configurations on it (and on the alarm topic, when given). notify
 * publishes one message per alert and digest in Chatbot's custom notification format; Chatbot posts it. The
 * channels can only receive: their role has no policy and their guardrail denies every action, so no one runs
 * AWS commands from the channel (Chatbot's own default guardrail would be AdministratorAccess).
 */
export class ChatDelivery extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: ChatDeliveryProps) {
    super(scope, id);
    const { clusterName, channels } = props;
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'EKS OOM alerts (chat)',
      enforceSSL: true,
      ...(props.encryptionKey === undefined ? {} : { masterKey: props.encryptionKey }),
    });
    if (props.encryptionKey === undefined) {
      Validations.of(this.topic).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SNS2',
        reason:
          'AWS Chatbot reads the topic as chatbot.amazonaws.com, which the AWS-managed SNS key cannot grant; an organization key (encryptionKeyArn) encrypts it. The messages say what the e-mail subject says, and TLS is enforced.',
      });
    }
    const guardrail = new iam.ManagedPolicy(this, 'Guardrail', {
      description: `eks-oom-alerts ${clusterName}: chat channels receive alerts and run nothing`,
      statements: [new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['*'], resources: ['*'] })],
    });
    const name = `eks-oom-alerts-${clusterName}`;
    const topics: sns.ITopic[] = [this.topic, ...(props.alarmTopic === undefined ? [] : [props.alarmTopic])];
    if (channels.slack !== undefined) {
      new chatbot.SlackChannelConfiguration(this, 'Slack', {
        slackChannelConfigurationName: `${name}-slack`,
        slackWorkspaceId: channels.slack.workspaceId,
        slackChannelId: channels.slack.channelId,
        notificationTopics: topics,
        guardrailPolicies: [guardrail],
        // Chatbot drops a message it cannot read; ERROR logs why (in us-east-1, /aws/chatbot/<name>).
        loggingLevel: chatbot.LoggingLevel.ERROR,
      });
    }
    if (channels.teams !== undefined) {
      // The Teams configuration has no L2 and does not create its role.
      const role = new iam.Role(this, 'TeamsRole', {
        assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
        description: `eks-oom-alerts ${clusterName}: AWS Chatbot's Teams channel; no permissions`,
      });
      new chatbot.CfnMicrosoftTeamsChannelConfiguration(this, 'Teams', {
        configurationName: `${name}-teams`,
        iamRoleArn: role.roleArn,
        teamsTenantId: channels.teams.tenantId,
        teamId: channels.teams.teamId,
        teamsChannelId: channels.teams.channelId,
        snsTopicArns: topics.map((topic) => topic.topicArn),
        guardrailPolicies: [guardrail.managedPolicyArn],
        loggingLevel: 'ERROR',
      });
    }
  }
}
