import { Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** How cdk-nag prints a resolved ARN in a finding id: `{ Ref: X }` becomes `<X>`. */
export function nagText(resolved: unknown): string {
  if (typeof resolved === 'string') return resolved;
  if (typeof resolved === 'object' && resolved !== null) {
    const { Ref: ref, 'Fn::Join': join } = resolved as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
    if (ref !== undefined) return `<${ref}>`;
    if (join !== undefined) return join[1].map(nagText).join(join[0]);
  }
  return JSON.stringify(resolved);
}

// Managed policies aws-cdk-lib's kubectl provider attaches to its two roles.
const KUBECTL_PROVIDER_MANAGED_POLICIES = [
  'arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
  'arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
  'arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly',
  '{"Fn::If":["HandlerHasEcrPublic195AF58A",{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly"]]},{"Ref":"AWS::NoValue"}]}',
];

/** The kubectl provider is aws-cdk-lib's own nested stack: its roles, runtime and policies are not ours to set. */
export function acknowledgeKubectlProvider(provider: Construct): void {
  const reason =
    'Part of the kubectl provider that aws-cdk-lib (aws-eks) builds, with no option to change it:';
  Validations.of(provider).acknowledge(
    ...KUBECTL_PROVIDER_MANAGED_POLICIES.map((policy) => ({
      id: `AwsSolutions::AwsSolutions-IAM4[Policy::${policy}]`,
      reason: `${reason} logs, VPC interfaces and image pulls for its handler.`,
    })),
    {
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::<Handler886CB40B.Arn>:*]',
      reason: `${reason} the provider framework may invoke any version of its own handler.`,
    },
    { id: 'AwsSolutions::AwsSolutions-L1', reason: `${reason} aws-cdk-lib pins the handler runtime.` },
  );
}

/**
 * The alarm topic without the organization's key. CloudWatch alarms cannot publish to a topic under SNS's
 * AWS-managed key, whose key policy cannot grant them; a key of our own costs $1 a month, more than half the
 * fixed cost.
 */
export function acknowledgeUnencryptedAlarmTopic(topic: Construct): void {
  Validations.of(topic).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SNS2',
    reason:
      'Alarm messages carry the alarm name, description and metric figures, never kernel lines or pod names; CloudWatch ' +
      'alarms cannot publish under the AWS-managed SNS key, and a customer key costs $1/month. TLS only (enforceSSL); ' +
      'encrypted with the organization key when encryptionKeyArn is given.',
  });
}
