import { readFileSync } from 'node:fs';
import { App, Duration, Stack, aws_kms as kms } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OomAlerts, type OomAlertsProps } from '../../infra/oom-alerts.ts';
import { SMS_FILTER, type SmsFor } from '../../shared/alert-format/sms-policy.ts';
import { INSIGHTS_QUERIES } from '../../shared/insights-queries.ts';
import { METRICS, METRIC_NAMESPACE, METRIC_SERVICES } from '../../shared/metric-names.ts';
import { ENV as RUNTIME_ENV } from '../../shared/runtime-config.ts';
import { STATE_TABLE } from '../../shared/state-table-keys.ts';
import { KERNEL_OOM_FILTER_PATTERN } from '../../shared/subscription-pattern.ts';
import { ENV, removeOutdirs, synthOomAlerts, tempOutdir } from './stack-fixture.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

let template: Template;
let outdir: string;
let kubernetesManifestFile: string | undefined;

beforeAll(() => {
  const synth = synthOomAlerts({
    clusterName: 'demo',
    alertEmails: ['ops@example.com', 'sre@example.com'],
    alertPhoneNumbers: ['+4915112345678'],
  });
  template = synth.template;
  outdir = synth.outdir;
  kubernetesManifestFile = synth.alerts.kubernetesManifestFile;
});
afterAll(removeOutdirs);

function resourcesOfType(type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

function logicalIdOf(type: string, properties: Record<string, unknown>): string {
  const ids = Object.keys(template.findResources(type, { Properties: Match.objectLike(properties) }));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

/** The logical id of the one resource of `type` whose construct id is `OomAlerts<name>`. */
function idOf(type: string, name: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) =>
    new RegExp(`^OomAlerts${name}[0-9A-F]{8}$`).test(id),
  );
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

function functionNamed(name: 'Parse' | 'Enrich' | 'Notify' | 'Watch'): [string, Resource] {
  const found = resourcesOfType('AWS::Lambda::Function').find(([id]) =>
    id.startsWith(`OomAlerts${name}Function`),
  );
  if (!found) throw new Error(`no ${name} function`);
  return found;
}

function environmentOf(name: 'Parse' | 'Enrich' | 'Notify' | 'Watch'): Record<string, unknown> {
  const [, fn] = functionNamed(name);
  return (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

describe('kernel log source (ship mode)', () => {
  it('creates the kernel log group with the retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/eks-oom-alerts/demo/kernel',
      RetentionInDays: 30,
    });
  });

  it('subscribes parse to the kernel log group with the OOM term pattern', () => {
    const [parseId] = functionNamed('Parse');
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: {
        Ref: logicalIdOf('AWS::Logs::LogGroup', { LogGroupName: '/eks-oom-alerts/demo/kernel' }),
      },
      FilterPattern: KERNEL_OOM_FILTER_PATTERN,
      DestinationArn: { 'Fn::GetAtt': [parseId, 'Arn'] },
    });
  });

  it('gives Fluent Bit an EKS Pod Identity role that can only write the kernel group', () => {
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      ClusterName: 'demo',
      Namespace: 'eks-oom-alerts',
      ServiceAccount: 'fluent-bit-kernel',
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: idOf('AWS::IAM::Role', 'FluentBitRole') }],
      PolicyDocument: {
        Statement: [
          {
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [idOf('AWS::Logs::LogGroup', 'KernelLogGroup'), 'Arn'] },
          },
        ],
      },
    });
  });

  it('lets only that service account of this cluster, in this account, assume the role (no aws:SourceArn)', () => {
    const role = template.findResources('AWS::IAM::Role')[
      idOf('AWS::IAM::Role', 'FluentBitRole')
    ] as Resource;
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Condition: {
            StringEquals: {
              'aws:SourceAccount': '123456789012',
              'aws:RequestTag/eks-cluster-arn': {
                'Fn::Join': [
                  '',
                  ['arn:', { Ref: 'AWS::Partition' }, ':eks:eu-west-1:123456789012:cluster/demo'],
                ],
              },
              'aws:RequestTag/kubernetes-namespace': 'eks-oom-alerts',
              'aws:RequestTag/kubernetes-service-account': 'fluent-bit-kernel',
            },
          },
        },
      ],
    });
  });

  it('writes the reader RBAC and the Fluent Bit manifest with this region and group, and outputs the kubectl command', () => {
    expect(kubernetesManifestFile).toBe(`${outdir}/Alerts.kubernetes.yaml`);
    const documents = parseAllDocuments(readFileSync(kubernetesManifestFile as string, 'utf8')).map(
      (document) => document.toJSON() as { kind: string; metadata: { name: string } },
    );
    expect(documents.slice(0, 3).map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'ClusterRole/eks-oom-alerts-reader',
      'ClusterRoleBinding/eks-oom-alerts-reader',
      'Namespace/eks-oom-alerts',
    ]);
    expect(documents).toContainEqual(
      expect.objectContaining({
        kind: 'ConfigMap',
        data: { region: 'eu-west-1', logGroupName: '/eks-oom-alerts/demo/kernel' },
      }),
    );
    const outputs = Object.values(template.findOutputs('*')) as { Value: string }[];
    expect(outputs.map((output) => output.Value)).toContainEqual(
      expect.stringMatching(/^kubectl apply -f .*Alerts\.kubernetes\.yaml$/),
    );
  });
});

describe('functions', () => {
  it('are four nodejs24.x functions on arm64', () => {
    template.resourceCountIs('AWS::Lambda::Function', 4);
    for (const [, fn] of resourcesOfType('AWS::Lambda::Function')) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
    }
  });

  it('each logs to /eks-oom-alerts/<cluster>/functions/<name>, beside the kernel and events groups', () => {
    for (const name of ['Parse', 'Enrich', 'Notify', 'Watch'] as const) {
      const [, fn] = functionNamed(name);
      expect(fn.Properties.LoggingConfig).toEqual({
        LogGroup: { Ref: idOf('AWS::Logs::LogGroup', `${name}LogGroup`) },
      });
      expect(
        template.toJSON().Resources[idOf('AWS::Logs::LogGroup', `${name}LogGroup`)].Properties,
      ).toMatchObject({
        LogGroupName: `/eks-oom-alerts/demo/functions/${name.toLowerCase()}`,
        RetentionInDays: 30,
      });
    }
  });

  it('parse knows the queue, the delay and the state table', () => {
    expect(environmentOf('Parse')).toMatchObject({
      [RUNTIME_ENV.clusterName]: 'demo',
      [RUNTIME_ENV.eventsQueueUrl]: { Ref: idOf('AWS::SQS::Queue', 'EventsQueue') },
      [RUNTIME_ENV.enrichDelaySeconds]: '0',
      [RUNTIME_ENV.stateTableName]: { Ref: idOf('AWS::DynamoDB::Table', 'StateTable') },
      POWERTOOLS_SERVICE_NAME: METRIC_SERVICES.parse,
      POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
    });
  });

  it('enrich knows the bus and the kernel log group', () => {
    expect(environmentOf('Enrich')).toMatchObject({
      [RUNTIME_ENV.eventBusName]: { Ref: idOf('AWS::Events::EventBus', 'EventBus') },
      [RUNTIME_ENV.kernelLogGroupName]: { Ref: idOf('AWS::Logs::LogGroup', 'KernelLogGroup') },
    });
  });

  it('notify knows the topic, the grouping window and the events log group', () => {
    expect(environmentOf('Notify')).toMatchObject({
      [RUNTIME_ENV.topicArn]: { Ref: idOf('AWS::SNS::Topic', 'AlertTopic') },
      [RUNTIME_ENV.groupingWindowMinutes]: '10',
      [RUNTIME_ENV.eventsLogGroupName]: { Ref: idOf('AWS::Logs::LogGroup', 'EventsLogGroup') },
    });
  });

  it("notify knows the kernel log group for the node's kernel-stream link, and sends every alert by SMS", () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [RUNTIME_ENV.topicArn]: { Ref: idOf('AWS::SNS::Topic', 'AlertTopic') },
          [RUNTIME_ENV.kernelLogGroupName]: { Ref: idOf('AWS::Logs::LogGroup', 'KernelLogGroup') },
          [RUNTIME_ENV.smsFor]: 'all',
        }),
      },
    });
  });

  it('without a dashboard or a runbook, notify links neither', () => {
    expect(environmentOf('Notify')).not.toHaveProperty(RUNTIME_ENV.dashboardName);
    expect(environmentOf('Notify')).not.toHaveProperty(RUNTIME_ENV.runbookUrl);
  });

  it('watch knows the cluster, the kernel log group and its windows', () => {
    expect(environmentOf('Watch')).toMatchObject({
      [RUNTIME_ENV.clusterName]: 'demo',
      [RUNTIME_ENV.kernelLogGroupName]: { Ref: idOf('AWS::Logs::LogGroup', 'KernelLogGroup') },
      [RUNTIME_ENV.silentNodeMinutes]: '30',
      [RUNTIME_ENV.nodeGraceMinutes]: '10',
      POWERTOOLS_SERVICE_NAME: METRIC_SERVICES.watch,
    });
  });

  it('enrich reads the events queue in batches, at most five at once, and reports partial failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionNamed('Enrich')[0] },
      EventSourceArn: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', 'EventsQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('parse sends what fails after the asynchronous retries to its dead-letter queue', () => {
    const [, parse] = functionNamed('Parse');
    expect(parse.Properties.DeadLetterConfig).toEqual({
      TargetArn: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', 'ParseDeadLetterQueue'), 'Arn'] },
    });
  });
});

describe('queues', () => {
  it('are encrypted, four of them: events, its DLQ, parse DLQ, notify DLQ', () => {
    template.resourceCountIs('AWS::SQS::Queue', 4);
    for (const [, queue] of resourcesOfType('AWS::SQS::Queue')) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    }
  });

  it('hands events on at once (enrich waits for the kubelet) and dead-letters them after five receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      DelaySeconds: 0,
      VisibilityTimeout: 360,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', 'EventsDeadLetterQueue'), 'Arn'] },
        maxReceiveCount: 5,
      },
    });
  });
});

describe('state table', () => {
  it('lets each function use only its own item actions, on its own key prefixes', () => {
    const tableArn = { 'Fn::GetAtt': [idOf('AWS::DynamoDB::Table', 'StateTable'), 'Arn'] };
    const expected = {
      ParseRole: [['dynamodb:GetItem', 'dynamodb:PutItem'], ['parse#*']],
      EnrichRole: [
        ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        ['idem#*', 'kill#*'],
      ],
      NotifyRole: [
        ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        ['storm#*', 'sizing#*'],
      ],
    } as const;
    const statementsOnTable = resourcesOfType('AWS::IAM::Policy').flatMap(([, policy]) =>
      (
        policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }
      ).Statement.filter((statement) => JSON.stringify(statement.Resource).includes('StateTable')).map(
        (statement) => ({ roles: policy.Properties.Roles, statement }),
      ),
    );
    expect(statementsOnTable).toHaveLength(3);
    for (const [role, [actions, prefixes]] of Object.entries(expected)) {
      expect(statementsOnTable).toContainEqual({
        roles: [{ Ref: idOf('AWS::IAM::Role', role) }],
        statement: {
          Action: actions,
          Effect: 'Allow',
          Resource: tableArn,
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes } },
        },
      });
    }
  });

  it('has the shared key layout, TTL, on-demand billing and point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: STATE_TABLE.partitionKey, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: STATE_TABLE.partitionKey, AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: STATE_TABLE.ttlAttribute, Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });
});

describe('EventBridge', () => {
  it('has a bus per cluster', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'eks-oom-alerts-demo' });
  });

  it('routes the pipeline events on the bus to notify, with retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: idOf('AWS::Events::EventBus', 'EventBus') },
      EventPattern: { source: ['eks-oom-alerts'] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionNamed('Notify')[0], 'Arn'] },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', 'NotifyDeadLetterQueue'), 'Arn'] },
          },
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
        }),
      ],
    });
  });

  it('wakes notify every 5 minutes to flush storm groups', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionNamed('Notify')[0], 'Arn'] } })],
    });
  });
});

describe('SNS', () => {
  it('creates no KMS key: alerts under the AWS-managed SNS key, alarms (no kernel data) without SSE', () => {
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.resourceCountIs('AWS::SNS::Topic', 2);
    const topics = Object.fromEntries(
      resourcesOfType('AWS::SNS::Topic').map(([id, topic]) => [
        id.replace(/[0-9A-F]{8}$/, ''),
        topic.Properties,
      ]),
    );
    expect(topics['OomAlertsAlertTopic']?.KmsMasterKeyId).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:eu-west-1:123456789012:alias/aws/sns']],
    });
    expect(topics['OomAlertsAlarmTopic']).toBeUndefined();
  });

  it('subscribes every e-mail address to alerts and to alarms, and the phone to alerts only', () => {
    const subscriptions = resourcesOfType('AWS::SNS::Subscription').map(([, s]) => ({
      protocol: s.Properties.Protocol,
      endpoint: s.Properties.Endpoint,
      topic: (s.Properties.TopicArn as { Ref: string }).Ref.replace(/[0-9A-F]{8}$/, ''),
    }));
    expect(subscriptions).toEqual(
      expect.arrayContaining([
        { protocol: 'email', endpoint: 'ops@example.com', topic: 'OomAlertsAlertTopic' },
        { protocol: 'email', endpoint: 'sre@example.com', topic: 'OomAlertsAlertTopic' },
        { protocol: 'email', endpoint: 'ops@example.com', topic: 'OomAlertsAlarmTopic' },
        { protocol: 'email', endpoint: 'sre@example.com', topic: 'OomAlertsAlarmTopic' },
        { protocol: 'sms', endpoint: '+4915112345678', topic: 'OomAlertsAlertTopic' },
      ]),
    );
    expect(subscriptions).toHaveLength(5);
  });

  it('lets only the alerts marked sms=send through to a phone; e-mail gets every alert', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sms',
      Endpoint: '+4915112345678',
      FilterPolicy: { [SMS_FILTER.attribute]: [SMS_FILTER.send] },
    });
    const emails = resourcesOfType('AWS::SNS::Subscription').filter(
      ([, s]) => s.Properties.Protocol === 'email',
    );
    expect(emails).toHaveLength(4);
    for (const [, subscription] of emails) expect(subscription.Properties).not.toHaveProperty('FilterPolicy');
  });
});

describe('events log group and saved queries', () => {
  it('creates the events log group', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/eks-oom-alerts/demo/events',
      RetentionInDays: 30,
    });
  });

  it('saves every query of shared/insights-queries.ts verbatim against the events log group', () => {
    const eventsGroupId = logicalIdOf('AWS::Logs::LogGroup', { LogGroupName: '/eks-oom-alerts/demo/events' });
    const saved = resourcesOfType('AWS::Logs::QueryDefinition').map(([, q]) => q.Properties);
    expect(saved.length).toBeGreaterThanOrEqual(4);
    expect(saved).toEqual(
      INSIGHTS_QUERIES.map((query) => ({
        Name: `eks-oom-alerts/demo/${query.name}`,
        QueryString: query.queryString,
        LogGroupNames: [{ Ref: eventsGroupId }],
      })),
    );
  });

  it('lets notify write only to the events log group', () => {
    const eventsGroupId = logicalIdOf('AWS::Logs::LogGroup', { LogGroupName: '/eks-oom-alerts/demo/events' });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: idOf('AWS::IAM::Role', 'NotifyRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [eventsGroupId, 'Arn'] },
          },
        ]),
      },
    });
  });
});

describe('EKS access for enrich and watch', () => {
  it('puts the enrich and watch roles in the reader group, with no EKS access policy', () => {
    expect(resourcesOfType('AWS::EKS::AccessEntry').map(([, entry]) => entry.Properties)).toEqual([
      {
        ClusterName: 'demo',
        PrincipalArn: { 'Fn::GetAtt': [idOf('AWS::IAM::Role', 'EnrichRole'), 'Arn'] },
        Type: 'STANDARD',
        KubernetesGroups: ['eks-oom-alerts-readers'],
      },
      {
        ClusterName: 'demo',
        PrincipalArn: { 'Fn::GetAtt': [idOf('AWS::IAM::Role', 'WatchRole'), 'Arn'] },
        Type: 'STANDARD',
        KubernetesGroups: ['eks-oom-alerts-readers'],
      },
    ]);
  });

  it("lets watch describe the cluster and list the kernel group's streams, nothing more", () => {
    const kernelGroup = idOf('AWS::Logs::LogGroup', 'KernelLogGroup');
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: idOf('AWS::IAM::Role', 'WatchRole') }],
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Action: 'eks:DescribeCluster' }),
          Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
          {
            Action: 'logs:DescribeLogStreams',
            Effect: 'Allow',
            Resource: [
              {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':logs:eu-west-1:123456789012:log-group:',
                    { Ref: kernelGroup },
                  ],
                ],
              },
              { 'Fn::GetAtt': [kernelGroup, 'Arn'] },
            ],
          },
          Match.objectLike({ Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'] }),
        ],
      },
    });
  });

  it('runs watch every 5 minutes; what keeps failing goes to the notify dead-letter queue', () => {
    const [watchId] = functionNamed('Watch');
    // Minutes 2, 7, 12…: each check's datapoint lands mid-way in one 5-minute alarm period. A rate rule fires at
    // an offset set at creation; near a period's edge, jitter leaves periods empty and the 3-period alarm silent.
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(2/5 * * * ? *)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [watchId, 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: watchId },
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', 'NotifyDeadLetterQueue'), 'Arn'] },
        },
      },
    });
  });

  it('lets enrich describe that one cluster, put events on the bus and read the kernel log group', () => {
    const granted = [
      {
        Action: 'eks:DescribeCluster',
        Effect: 'Allow',
        Resource: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks:eu-west-1:123456789012:cluster/demo']],
        },
      },
      {
        Action: 'events:PutEvents',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [idOf('AWS::Events::EventBus', 'EventBus'), 'Arn'] },
      },
      {
        Action: 'logs:FilterLogEvents',
        Effect: 'Allow',
        // Only the kernel group, read for report context; nothing else of CloudWatch Logs.
        Resource: [
          {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':logs:eu-west-1:123456789012:log-group:',
                { Ref: idOf('AWS::Logs::LogGroup', 'KernelLogGroup') },
              ],
            ],
          },
          { 'Fn::GetAtt': [idOf('AWS::Logs::LogGroup', 'KernelLogGroup'), 'Arn'] },
        ],
      },
    ];
    for (const statement of granted) {
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: idOf('AWS::IAM::Role', 'EnrichRole') }],
        PolicyDocument: { Statement: Match.arrayWith([statement]) },
      });
    }
  });
});

describe('IAM', () => {
  // Actions AWS only grants on "*": none of ours may need it.
  const statements = () =>
    [...resourcesOfType('AWS::IAM::Policy'), ...resourcesOfType('AWS::IAM::Role')].flatMap(
      ([id, resource]) => {
        const documents =
          resource.Type === 'AWS::IAM::Policy'
            ? [resource.Properties.PolicyDocument]
            : ((resource.Properties.Policies as { PolicyDocument: unknown }[] | undefined) ?? []).map(
                (p) => p.PolicyDocument,
              );
        return documents.flatMap((document) =>
          (document as { Statement: { Resource?: unknown; Action: unknown }[] }).Statement.map(
            (statement) => ({ id, statement }),
          ),
        );
      },
    );

  it('names a resource in every policy statement', () => {
    const all = statements();
    expect(all.length).toBeGreaterThan(10);
    const wildcards = all.filter(({ statement }) =>
      [statement.Resource]
        .flat()
        .some(
          (resource) =>
            typeof resource === 'string' && /(^\*$)|(:\*$)/.test(resource) && !resource.includes('/'),
        ),
    );
    expect(wildcards).toEqual([]);
  });

  it('attaches no AWS managed policy to the function roles', () => {
    for (const [, role] of resourcesOfType('AWS::IAM::Role')) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('alarms and dashboard', () => {
  const alarmNamed = (prefix: string) => {
    const found = resourcesOfType('AWS::CloudWatch::Alarm').filter(([id]) =>
      id.startsWith(`OomAlerts${prefix}`),
    );
    expect(found).toHaveLength(1);
    return (found[0] as [string, Resource])[1].Properties;
  };

  it('alarms on every dead-letter queue holding a message', () => {
    for (const name of ['Events', 'Parse', 'Notify']) {
      expect(alarmNamed(`${name}DeadLetterQueueDepth`)).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', `${name}DeadLetterQueue`), 'QueueName'] },
          },
        ],
      });
    }
  });

  it('alarms on each new dead letter: messages sent to the parse and notify DLQs, by Lambda and EventBridge', () => {
    // A depth alarm stays in ALARM while the first message is kept (14 days): a second loss would change nothing.
    for (const name of ['Parse', 'Notify']) {
      expect(alarmNamed(`${name}NewDeadLetters`)).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'NumberOfMessagesSent',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', `${name}DeadLetterQueue`), 'QueueName'] },
          },
        ],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('alarms on each rise of the events DLQ depth: SQS redrive moves are not counted as messages sent', () => {
    const alarm = alarmNamed('EventsNewDeadLetters');
    expect(alarm).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    const metrics = alarm.Metrics as { Id: string; Expression?: string; MetricStat?: unknown }[];
    const expression = metrics.find((metric) => metric.Expression !== undefined);
    const depth = metrics.find((metric) => metric.MetricStat !== undefined);
    // A gap in the depth carries its last value (no growth); only a queue with no datapoint yet reads as empty.
    expect(expression?.Expression).toBe(`DIFF(FILL(FILL(${depth?.Id}, REPEAT), 0))`);
    expect(depth?.MetricStat).toMatchObject({
      Metric: {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', 'EventsDeadLetterQueue'), 'QueueName'] },
          },
        ],
      },
      Period: 300,
      Stat: 'Maximum',
    });
  });

  it('alarms when the oldest message of the events queue waits twice as long as its five receives may take', () => {
    // No delay, five receives of a 360 s visibility timeout: 30 minutes while enrich still tries; 1 hour is a stall.
    expect(alarmNamed('EventsQueueStalled')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', 'EventsQueue'), 'QueueName'] } },
      ],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 3600,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it("alarms when Lambda cannot hand a failure to parse's DLQ or to notify's and watch's on-failure destination", () => {
    const rules = [
      ['ParseDeadLetterErrors', 'DeadLetterErrors', 'Parse'],
      ['NotifyDestinationDeliveryFailures', 'DestinationDeliveryFailures', 'Notify'],
      ['WatchDestinationDeliveryFailures', 'DestinationDeliveryFailures', 'Watch'],
    ] as const;
    for (const [alarm, metricName, fn] of rules) {
      expect(alarmNamed(alarm)).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: metricName,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionNamed(fn)[0] } }],
        Statistic: 'Sum',
        Threshold: 1,
        TreatMissingData: 'notBreaching',
      });
    }
    const watched = resourcesOfType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties.MetricName);
    expect(watched.filter((name) => name === 'DeadLetterErrors')).toHaveLength(1);
    expect(watched.filter((name) => name === 'DestinationDeliveryFailures')).toHaveLength(2);
  });

  it('leaves Lambda Errors to the dead-letter queues they end in: no alarm of its own', () => {
    const watched = resourcesOfType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties.MetricName);
    expect(watched).not.toContain('Errors');
  });

  it('alarms when the kernel log group goes silent for the silence window, missing data breaching', () => {
    expect(alarmNamed('KernelLogSilent')).toMatchObject({
      Namespace: 'AWS/Logs',
      MetricName: 'IncomingLogEvents',
      Dimensions: [{ Name: 'LogGroupName', Value: { Ref: idOf('AWS::Logs::LogGroup', 'KernelLogGroup') } }],
      Statistic: 'Sum',
      Period: 1800,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it("alarms on the subscription's DeliveryErrors for this group and this filter, whatever else its dimensions", () => {
    expect(alarmNamed('SubscriptionDeliveryErrors')).toMatchObject({
      Metrics: [
        {
          Id: 'expr_1',
          Expression: {
            'Fn::Join': [
              '',
              [
                `SELECT SUM(DeliveryErrors) FROM "AWS/Logs" WHERE LogGroupName = '`,
                { Ref: idOf('AWS::Logs::LogGroup', 'KernelLogGroup') },
                `' AND FilterName = '`,
                { Ref: idOf('AWS::Logs::SubscriptionFilter', 'KernelOomLines') },
                `'`,
              ],
            ],
          },
          Period: 300,
          ReturnData: true,
        },
      ],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('alarms when NodesNotShipping stays above 0 for 15 minutes', () => {
    expect(alarmNamed('NodesNotShipping')).toMatchObject({
      Namespace: METRIC_NAMESPACE,
      MetricName: METRICS.nodesNotShipping,
      Dimensions: [
        { Name: 'cluster', Value: 'demo' },
        { Name: 'service', Value: METRIC_SERVICES.watch },
      ],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      // The metric is only sent when not zero.
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms on malformed subscription payloads', () => {
    expect(alarmNamed('MalformedPayloads')).toMatchObject({
      Namespace: METRIC_NAMESPACE,
      MetricName: METRICS.malformedPayloads,
      Dimensions: [
        { Name: 'cluster', Value: 'demo' },
        { Name: 'service', Value: METRIC_SERVICES.parse },
      ],
      Threshold: 1,
    });
  });

  it('alarms when SNS fails to deliver alerts, and on the SMS spend (a metric with no dimensions)', () => {
    expect(alarmNamed('AlertDeliveryFailures')).toMatchObject({
      Namespace: 'AWS/SNS',
      MetricName: 'NumberOfNotificationsFailed',
      Dimensions: [
        { Name: 'TopicName', Value: { 'Fn::GetAtt': [idOf('AWS::SNS::Topic', 'AlertTopic'), 'TopicName'] } },
      ],
      Statistic: 'Sum',
      TreatMissingData: 'notBreaching',
    });
    const sms = alarmNamed('SmsSpend');
    expect(sms).toMatchObject({
      Namespace: 'AWS/SNS',
      MetricName: 'SMSMonthToDateSpentUSD',
      Statistic: 'Maximum',
      Threshold: 0.8,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(sms).not.toHaveProperty('Dimensions');
  });

  it('alarms on format drift and on enrichment unavailable, per deployment', () => {
    expect(alarmNamed('FormatDrift')).toMatchObject({
      Namespace: METRIC_NAMESPACE,
      MetricName: METRICS.unrecognisedOomLines,
      Dimensions: [
        { Name: 'cluster', Value: 'demo' },
        { Name: 'service', Value: METRIC_SERVICES.parse },
      ],
      Statistic: 'Sum',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(alarmNamed('EnrichmentUnavailable')).toMatchObject({
      Namespace: METRIC_NAMESPACE,
      MetricName: METRICS.enrichmentUnavailable,
      Dimensions: [
        { Name: 'cluster', Value: 'demo' },
        { Name: 'service', Value: METRIC_SERVICES.enrich },
      ],
    });
  });

  it('alarms on a kill enrich skipped without a record of its delivery (a lapsed publishing claim, a replay date)', () => {
    expect(alarmNamed('UnverifiedDuplicates')).toMatchObject({
      Namespace: METRIC_NAMESPACE,
      MetricName: METRICS.unverifiedDuplicates,
      Dimensions: [
        { Name: 'cluster', Value: 'demo' },
        { Name: 'service', Value: METRIC_SERVICES.enrich },
      ],
      Statistic: 'Sum',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it.each(Object.entries(METRIC_SERVICES))(
    'watches the service name that functions/%s/handler.ts gives Powertools Metrics',
    (fn, service) => {
      const handler = readFileSync(new URL(`../../functions/${fn}/handler.ts`, import.meta.url), 'utf8');
      expect(service).toMatch(/^eks-oom-alerts-/);
      expect(handler).toMatch(new RegExp(`METRIC_SERVICES\\.${fn}\\b`));
    },
  );

  it('sends every alarm to the alarm topic', () => {
    const alarms = resourcesOfType('AWS::CloudWatch::Alarm');
    // Eighteen, plus the SMS spend: this stack has a phone number.
    expect(alarms.length).toBe(19);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: idOf('AWS::SNS::Topic', 'AlarmTopic') }]);
    }
  });

  it('builds no dashboard unless asked', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  it('builds a dashboard with kills per namespace of this cluster and the saved top-workloads query', () => {
    const withDashboard = synthOomAlerts({ clusterName: 'demo', dashboard: true }).template;
    const dashboards = Object.values(withDashboard.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
    expect(dashboards).toHaveLength(1);
    const dashboard = dashboards[0] as Resource;
    expect(dashboard.Properties.DashboardName).toBe('eks-oom-alerts-demo');
    // The body is a Fn::Join of JSON text and references; the references become placeholders.
    const [, parts] = (dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'REF')).join('')) as {
      widgets: { type: string; properties: { metrics?: unknown[][]; query?: string } }[];
    };
    const expressions = body.widgets
      .flatMap((widget) => widget.properties.metrics ?? [])
      .map((metric) => JSON.stringify(metric));
    expect(expressions).toContainEqual(
      expect.stringContaining(
        `SEARCH('{${METRIC_NAMESPACE},cluster,namespace} MetricName=\\"${METRICS.oomKills}\\" cluster=\\"demo\\"', 'Sum', 300)`,
      ),
    );
    const topWorkloads = INSIGHTS_QUERIES.find((query) => query.name === 'top-workloads')
      ?.queryString as string;
    const logWidgets = body.widgets
      .filter((widget) => widget.type === 'log')
      .map((widget) => widget.properties.query);
    expect(logWidgets).toContainEqual(expect.stringContaining(topWorkloads.split('\n')[0] as string));
  });
});

describe('notify with a dashboard, a runbook and smsFor=restarts-and-node', () => {
  const runbookUrl = 'https://wiki.example.com/oom/{cluster}/{namespace}/{workload}?container={container}';
  let linked: Template;
  beforeAll(() => {
    linked = synthOomAlerts({
      clusterName: 'demo',
      alertPhoneNumbers: ['+4915112345678', '+14155550100'],
      dashboard: true,
      runbookUrl,
      smsFor: 'restarts-and-node',
    }).template;
  });

  it('links the dashboard by the name it was created with, the runbook template, and says which alerts go by SMS', () => {
    const [dashboard] = Object.values(linked.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
    expect(dashboard?.Properties.DashboardName).toBe('eks-oom-alerts-demo');
    linked.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [RUNTIME_ENV.topicArn]: Match.anyValue(),
          [RUNTIME_ENV.dashboardName]: 'eks-oom-alerts-demo',
          [RUNTIME_ENV.runbookUrl]: runbookUrl,
          [RUNTIME_ENV.smsFor]: 'restarts-and-node',
        }),
      },
    });
  });

  it('filters every SMS subscription on sms=send', () => {
    for (const phone of ['+4915112345678', '+14155550100']) {
      linked.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'sms',
        Endpoint: phone,
        FilterPolicy: { [SMS_FILTER.attribute]: [SMS_FILTER.send] },
      });
    }
  });

  it('refuses a runbook template notify could not use, and an unknown smsFor', () => {
    const build = (props: Partial<OomAlertsProps>) => () =>
      new OomAlerts(new Stack(new App({ outdir: tempOutdir() }), 'Bad', { env: ENV }), 'OomAlerts', {
        clusterName: 'demo',
        ...props,
      });
    expect(build({ runbookUrl: 'wiki.example.com/{pod}' })).toThrow(
      'OomAlerts: runbookUrl must be an http:// or https:// link without spaces; names {pod}: the placeholders are {cluster}, {namespace}, {workload} and {container}.',
    );
    expect(build({ smsFor: 'never' as SmsFor })).toThrow(
      'OomAlerts: smsFor must be all or restarts-and-node.',
    );
  });

  it('refuses a grouping window notify would reject (1 minute to 1 day), so it cannot fail every alert', () => {
    const build = (groupingWindow: Duration) => () =>
      new OomAlerts(new Stack(new App({ outdir: tempOutdir() }), 'Bad', { env: ENV }), 'OomAlerts', {
        clusterName: 'demo',
        groupingWindow,
      });
    expect(build(Duration.minutes(24 * 60 + 1))).toThrow(
      'OomAlerts: groupingWindow must be whole minutes, from 1 minute to 1 day.',
    );
    expect(build(Duration.seconds(30))).toThrow(
      'OomAlerts: groupingWindow must be whole minutes, from 1 minute to 1 day.',
    );
    expect(build(Duration.days(1))).not.toThrow();
  });
});

describe("with the organization's key (encryptionKeyArn)", () => {
  const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  // An imported key is its ARN alone: any scope may hold it.
  const orgKey = kms.Key.fromKeyArn(
    new Stack(new App({ outdir: tempOutdir() }), 'Keys', { env: ENV }),
    'OrgKey',
    KEY_ARN,
  );
  const encrypted = synthOomAlerts({
    clusterName: 'demo',
    alertEmails: ['ops@example.com'],
    encryptionKey: orgKey,
  }).template;

  it('encrypts both topics, every log group and the state table with it, and creates no key', () => {
    encrypted.resourceCountIs('AWS::KMS::Key', 0);
    for (const topic of Object.values(encrypted.findResources('AWS::SNS::Topic')) as Resource[]) {
      expect(topic.Properties.KmsMasterKeyId).toBe(KEY_ARN);
    }
    const groups = Object.values(encrypted.findResources('AWS::Logs::LogGroup')) as Resource[];
    expect(groups.length).toBe(6);
    for (const group of groups) expect(group.Properties.KmsKeyId).toBe(KEY_ARN);
    encrypted.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: KEY_ARN },
    });
  });

  it('lets each function that writes the table use the key', () => {
    for (const role of ['ParseRole', 'EnrichRole', 'NotifyRole']) {
      const roleId = Object.keys(encrypted.findResources('AWS::IAM::Role')).find((id) =>
        id.startsWith(`OomAlerts${role}`),
      );
      encrypted.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: roleId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Action: Match.arrayWith(['kms:Decrypt', 'kms:Encrypt']), Resource: KEY_ARN }),
          ]),
        },
      });
    }
  });
});
