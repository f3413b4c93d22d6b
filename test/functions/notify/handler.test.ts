import { CloudWatchLogsClient, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatAlert } from '../../../shared/alert-format/format-alert.ts';
import { historyRecordOf } from '../../../shared/history-record.ts';
import type { EnrichedOomEvent } from '../../../shared/oom-event.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';
import { startLocalDynamo, type LocalDynamo } from '../../integration/local-dynamo.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:eks-oom-alerts';
const LOG_GROUP = '/eks-oom-alerts/prod-eu/events';
const T0 = Date.parse('2025-11-20T10:02:30.000Z');

const sns = mockClient(SNSClient);
const logs = mockClient(CloudWatchLogsClient);
let dynamo: LocalDynamo;
let handler: (event: EventBridgeEvent<string, unknown>, context: Context) => Promise<unknown>;

const context = {
  functionName: 'notify',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:notify',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/notify',
  logStreamName: 's',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

function busEvent(detail: unknown): EventBridgeEvent<string, unknown> {
  return {
    version: '0',
    id: 'e-1',
    'detail-type': 'Pod OOM Killed',
    source: 'eks-oom-alerts',
    account: '123456789012',
    time: new Date(T0).toISOString(),
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

function scheduledTick(): EventBridgeEvent<string, unknown> {
  return { ...busEvent({}), source: 'aws.events', 'detail-type': 'Scheduled Event' };
}

/** Kill n, `minute` minutes after the example kill (storm windows follow the kills' own times). */
function kill(n: number, minute = n): EnrichedOomEvent {
  const base = exampleEvent('container-limit');
  return {
    ...base,
    id: `ip-10-0-1-23/${81234 + n}.0/${41872 + n}/node`,
    observedAt: new Date(Date.parse(base.observedAt!) + minute * 60_000).toISOString(),
  };
}

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  const table = await dynamo.createStateTable('notify-handler');
  vi.stubEnv('TOPIC_ARN', TOPIC);
  vi.stubEnv('STATE_TABLE_NAME', table);
  vi.stubEnv('EVENTS_LOG_GROUP_NAME', LOG_GROUP);
  vi.stubEnv('GROUPING_WINDOW_MINUTES', '30');
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
  vi.useFakeTimers({ toFake: ['Date'], now: T0 });
  ({ handler } = await import('../../../functions/notify/handler.ts'));
});

afterAll(async () => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  await dynamo.close();
});

afterEach(() => {
  sns.reset();
  logs.reset();
});

describe('notify handler', () => {
  it('alerts the first kill of a storm with the exact SNS payload and writes the history line', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    logs.on(PutLogEventsCommand).resolves({});
    const event = kill(0);
    await handler(busEvent(event), context);

    // The region is the one Lambda sets (AWS_REGION): the e-mail's console links open there.
    const alert = formatAlert(event, { eventsLogGroupName: LOG_GROUP, region: 'eu-west-1' });
    expect(alert.email).toContain(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#',
    );
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input)).toEqual([
      {
        TopicArn: TOPIC,
        Subject: 'OOM: prod/checkout-api (api) 512Mi limit on ip-10-0-1-23',
        MessageStructure: 'json',
        Message: JSON.stringify({ default: alert.default, email: alert.email, sms: alert.sms }),
        MessageAttributes: { sms: { DataType: 'String', StringValue: 'send' } },
      },
    ]);
    expect(logs.commandCalls(PutLogEventsCommand).map((c) => c.args[0].input)).toEqual([
      {
        logGroupName: LOG_GROUP,
        logStreamName: '2025-11-20',
        logEvents: [
          {
            timestamp: Date.parse('2025-11-20T10:02:11.117Z'),
            message: JSON.stringify(historyRecordOf(event)),
          },
        ],
      },
    ]);
  });

  it('counts later kills of the storm without alerting', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    logs.on(PutLogEventsCommand).resolves({});
    for (let n = 1; n <= 3; n += 1) {
      vi.setSystemTime(T0 + n * 60_000);
      await handler(busEvent(kill(n)), context);
    }
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(logs.commandCalls(PutLogEventsCommand)).toHaveLength(3);
  });

  it('sends the digest on the scheduled run after the window closed', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    vi.setSystemTime(T0 + 20 * 60_000);
    await handler(scheduledTick(), context);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);

    vi.setSystemTime(T0 + 36 * 60_000);
    await handler(scheduledTick(), context);
    const calls = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      TopicArn: TOPIC,
      Subject: 'OOM storm: 3 more OOM kills of prod/checkout-api (api) in 3 min',
      MessageStructure: 'json',
    });
    expect(JSON.parse(calls[0]!.Message!)).toMatchObject({
      sms: 'OOM prod-eu: 3 more OOM kills of prod/checkout-api (api) in 3 min, 10:02Z-10:05Z',
    });

    await handler(scheduledTick(), context);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('alerts an unreadable event with what arrived, rather than dropping it', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    await handler(busEvent({ id: 'broken' }), context);
    const [call] = sns.commandCalls(PublishCommand);
    expect(call!.args[0].input.Subject).toBe('OOM event could not be read');
    expect(JSON.parse(call!.args[0].input.Message!).email).toContain(
      'field "schemaVersion" is missing or has the wrong type',
    );
    expect(logs.commandCalls(PutLogEventsCommand)).toHaveLength(0);
  });

  it('fails the invocation when SNS fails, so Lambda retries it, and the retry alerts once', async () => {
    vi.setSystemTime(T0 + 60 * 60_000);
    logs.on(PutLogEventsCommand).resolves({});
    sns.on(PublishCommand).rejectsOnce(new Error('SNS throttled')).resolves({ MessageId: 'm' });
    const event = kill(10, 60);
    await expect(handler(busEvent(event), context)).rejects.toThrow(
      `delivery incomplete: alert (${event.id})`,
    );
    await handler(busEvent(event), context);
    await handler(busEvent(event), context);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
    expect(sns.commandCalls(PublishCommand)[1]!.args[0].input.Subject).toBe(
      'OOM: prod/checkout-api (api) 512Mi limit on ip-10-0-1-23',
    );
  });
});
