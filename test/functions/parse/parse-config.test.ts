import { describe, expect, it } from 'vitest';
import { DEFAULT_ENRICH_DELAY_SECONDS, readParseConfig } from '../../../functions/parse/parse-config.ts';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/eks-oom-alerts-events';

describe('readParseConfig', () => {
  it('reads the queue, the table and the delay', () => {
    expect(
      readParseConfig({ EVENTS_QUEUE_URL: QUEUE_URL, STATE_TABLE_NAME: 'state', ENRICH_DELAY_SECONDS: '45' }),
    ).toEqual({
      ok: true,
      config: { eventsQueueUrl: QUEUE_URL, stateTableName: 'state', enrichDelaySeconds: 45 },
    });
  });

  it('does not delay when no delay is set (enrich waits for the kubelet itself)', () => {
    const result = readParseConfig({ EVENTS_QUEUE_URL: QUEUE_URL, STATE_TABLE_NAME: 'state' });
    expect(result.ok && result.config.enrichDelaySeconds).toBe(0);
    expect(DEFAULT_ENRICH_DELAY_SECONDS).toBe(0);
  });

  it('names every missing or wrong setting', () => {
    expect(readParseConfig({ ENRICH_DELAY_SECONDS: '901' })).toEqual({
      ok: false,
      problems: [
        'EVENTS_QUEUE_URL is not set',
        'STATE_TABLE_NAME is not set',
        'ENRICH_DELAY_SECONDS must be a whole number of seconds from 0 to 900, not "901"',
      ],
    });
    expect(
      readParseConfig({ EVENTS_QUEUE_URL: QUEUE_URL, STATE_TABLE_NAME: 's', ENRICH_DELAY_SECONDS: '1.5' }).ok,
    ).toBe(false);
  });
});
