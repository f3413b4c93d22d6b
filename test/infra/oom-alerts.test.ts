import { readFileSync } from 'node:fs';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSIGHTS_QUERIES } from '../../shared/insights-queries.ts';
import { METRICS, METRIC_NAMESPACE, METRIC_SERVICES } from '../../shared/metric-names.ts';
import { ENV as RUNTIME_ENV } from '../../shared/runtime-config.ts';
import { STATE_TABLE } from '../../shared/state-table-keys.ts';
import { KERNEL_OOM_FILTER_PATTERN } from '../../shared/subscription-pattern.ts';
import { removeOutdirs, synthOomAlerts } from './stack-fixture.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };

let template: Template;
let outdir: string;
let fluentBitManifestFile: string | undefined;

beforeAll(() => {
  const synth = synthOomAlerts({
    clusterName: 'demo',
    alertEmails: ['ops@example.com', 'sre@example.com'],
    alertPhoneNumbers: ['+4915112345678'],
  });
  template = synth.template;
  outdir = synth.outdir;
  fluentBitManifestFile = synth.alerts.fluentBitManifestFile;
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

function functionNamed(name: 'Parse' | 'Enrich' | 'Notify'): [string, Resource] {
  const found = resourcesOfType('AWS::Lambda::Function').find(([id]) =>
    id.startsWith(`OomAlerts${name}Function`),
  );
  if (!found) throw new Error(`no ${name} function`);
  return found;
}

function environmentOf(name: 'Parse' | 'Enrich' | 'Notify'): Record<string, unknown> {
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
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Principal: { Service: 'pods.eks.amazonaws.com' },
          }),
        ],
      },
    });
  });

  it('writes the Fluent Bit manifest with this deployment region and group, and outputs the kubectl command', () => {
    expect(fluentBitManifestFile).toBe(`${outdir}/Alerts.fluent-bit.yaml`);
    const text = readFileSync(fluentBitManifestFile as string, 'utf8');
    expect(text).toContain('region: eu-west-1\n  logGroupName: /eks-oom-alerts/demo/kernel\n');
    const outputs = Object.values(template.findOutputs('*')) as { Value: string }[];
    expect(outputs.map((output) => output.Value)).toContainEqual(
      expect.stringMatching(/^kubectl apply -f .*Alerts\.fluent-bit\.yaml$/),
    );
  });
});

describe('functions', () => {
  it('are three nodejs24.x functions on arm64', () => {
    template.resourceCountIs('AWS::Lambda::Function', 3);
    for (const [, fn] of resourcesOfType('AWS::Lambda::Function')) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
    }
  });

  it('parse knows the queue, the delay and the state table', () => {
    expect(environmentOf('Parse')).toMatchObject({
      [RUNTIME_ENV.clusterName]: 'demo',
      [RUNTIME_ENV.eventsQueueUrl]: { Ref: idOf('AWS::SQS::Queue', 'EventsQueue') },
      [RUNTIME_ENV.enrichDelaySeconds]: '30',
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

  it('enrich reads the events queue in batches and reports partial failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionNamed('Enrich')[0] },
      EventSourceArn: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', 'EventsQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
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

  it('delays events for the kubelet and dead-letters them after five receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      DelaySeconds: 30,
      VisibilityTimeout: 360,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', 'EventsDeadLetterQueue'), 'Arn'] },
        maxReceiveCount: 5,
      },
    });
  });
});

describe('state table', () => {
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
  it('encrypts both topics with the rotating customer key', () => {
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0];
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.resourceCountIs('AWS::SNS::Topic', 2);
    for (const [, topic] of resourcesOfType('AWS::SNS::Topic')) {
      expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    }
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

describe('EKS access for enrich', () => {
  it('creates an access entry for the enrich role with the cluster-wide view policy', () => {
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      ClusterName: 'demo',
      PrincipalArn: { 'Fn::GetAtt': [idOf('AWS::IAM::Role', 'EnrichRole'), 'Arn'] },
      Type: 'STANDARD',
      AccessPolicies: [
        {
          PolicyArn: {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':eks::aws:cluster-access-policy/AmazonEKSViewPolicy'],
            ],
          },
          AccessScope: { Type: 'cluster' },
        },
      ],
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

  it('alarms on errors of each function', () => {
    for (const name of ['Parse', 'Enrich', 'Notify'] as const) {
      expect(alarmNamed(`${name}Errors`)).toMatchObject({
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionNamed(name)[0] } }],
      });
    }
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
    expect(alarms.length).toBe(9);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: idOf('AWS::SNS::Topic', 'AlarmTopic') }]);
    }
  });

  it('builds a dashboard with kills per namespace of this cluster and the saved top-workloads query', () => {
    const [[, dashboard]] = resourcesOfType('AWS::CloudWatch::Dashboard') as [[string, Resource]];
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
