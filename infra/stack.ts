import { Stack, type StackProps, aws_ec2 as ec2, aws_lambda as lambda } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
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
    });
  }
}
