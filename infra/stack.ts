import {
  CfnOutput,
  SecretValue,
  Stack,
  type StackProps,
  aws_ec2 as ec2,
  aws_kms as kms,
  aws_lambda as lambda,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { OPTIONAL_STACK_OUTPUTS, STACK_OUTPUTS } from '../shared/stack-outputs.ts';
import type { AppConfig } from './app-config.ts';
import { OomAlerts } from './oom-alerts.ts';

export interface OomAlertsStackProps extends StackProps {
  readonly config: AppConfig;
}

/** The standalone deployment: one OomAlerts for one cluster, with lookups only where the user asked for them. */
export class OomAlertsStack extends Stack {
  readonly alerts: OomAlerts;

  constructor(scope: Construct, id: string, props: OomAlertsStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.alerts = new OomAlerts(this, 'OomAlerts', {
      clusterName: config.clusterName,
      alertEmails: config.alertEmails,
      alertPhoneNumbers: config.alertPhoneNumbers,
      kernelLogs: config.kernelLogs,
      retention: config.retention,
      groupingWindow: config.groupingWindow,
      network: config.network && {
        // The only lookup, and only when a VPC was named: synth stays offline otherwise.
        vpc: ec2.Vpc.fromLookup(this, 'Vpc', { vpcId: config.network.vpcId }),
        subnets:
          config.network.subnetIds.length > 0
            ? {
                subnets: config.network.subnetIds.map((subnetId) =>
                  ec2.Subnet.fromSubnetId(this, subnetId, subnetId),
                ),
              }
            : undefined,
        clusterSecurityGroupId: config.network.clusterSecurityGroupId,
      },
      kubectl: config.kubectl && {
        roleArn: config.kubectl.roleArn,
        layer: lambda.LayerVersion.fromLayerVersionArn(this, 'KubectlLayer', config.kubectl.layerArn),
      },
      fluentBitImage: config.fluentBitImage,
      encryptionKey:
        config.encryptionKeyArn === undefined
          ? undefined
          : kms.Key.fromKeyArn(this, 'EncryptionKey', config.encryptionKeyArn),
      dashboard: config.dashboard,
      silentNodeAfter: config.silentNodeAfter,
      smsSpendAlarmUsd: config.smsSpendAlarmUsd,
      chatChannels: config.chatChannels,
      // A dynamic reference: CloudFormation resolves the secret at deploy time, the template never holds it.
      pagerDutyRoutingKey:
        config.pagerDutyRoutingKeySecretName === undefined
          ? undefined
          : SecretValue.secretsManager(config.pagerDutyRoutingKeySecretName),
      kubernetesEvents: config.kubernetesEvents,
      runbookUrl: config.runbookUrl,
      smsFor: config.smsFor,
    });
    addStackOutputs(this, this.alerts);
  }
}

/** Read by `backfill --deliver --stack NAME`: at stack level an id is the output's name, with no hash; no export. */
function addStackOutputs(stack: Stack, alerts: OomAlerts): void {
  const output = (key: keyof typeof STACK_OUTPUTS, value: string, description: string): void => {
    new CfnOutput(stack, STACK_OUTPUTS[key], { value, description });
  };
  output('alertTopicArn', alerts.alertTopic.topicArn, 'The SNS topic of the OOM alerts');
  output('eventBusName', alerts.eventBus.eventBusName, 'The EventBridge bus of the enriched OOM events');
  output('stateTableName', alerts.stateTable.tableName, 'The DynamoDB table of claims and storm windows');
  output(
    'eventsLogGroupName',
    alerts.eventsLogGroup.logGroupName,
    'One JSON line per OOM event, read by the saved Logs Insights queries',
  );
  new CfnOutput(stack, OPTIONAL_STACK_OUTPUTS.alarmTopicArn, {
    value: alerts.alarmTopic.topicArn,
    description:
      "The SNS topic of the pipeline's own alarms: subscribe to it to hear when OOM kills go unseen",
  });
  const settings = alerts.alertSettings;
  new CfnOutput(stack, OPTIONAL_STACK_OUTPUTS.groupingWindowMinutes, {
    value: String(settings.groupingWindowMinutes),
    description: "notify's storm window in minutes, which backfill --deliver groups with",
  });
  new CfnOutput(stack, OPTIONAL_STACK_OUTPUTS.smsFor, {
    value: settings.smsFor,
    description: 'Which alerts go by SMS as well (all, restarts-and-node)',
  });
  if (settings.runbookUrl !== undefined) {
    new CfnOutput(stack, OPTIONAL_STACK_OUTPUTS.runbookUrl, {
      value: settings.runbookUrl,
      description: "The runbook link template of every alert's next steps",
    });
  }
  if (alerts.chatTopic !== undefined) {
    new CfnOutput(stack, OPTIONAL_STACK_OUTPUTS.chatTopicArn, {
      value: alerts.chatTopic.topicArn,
      description: "AWS Chatbot's topic: a chat message per alert and digest",
    });
  }
}
