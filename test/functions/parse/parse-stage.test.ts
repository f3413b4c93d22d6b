import { describe, expect, it } from 'vitest';
import { parseStageFromEnv } from '../../../functions/parse/parse-stage.ts';
import type { ParseLog } from '../../../functions/parse/parse-batch.ts';

const logger: ParseLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('parseStageFromEnv', () => {
  it('sends to the stack’s queue with its delay, and logs through the handler’s logger', () => {
    const deps = parseStageFromEnv(
      {
        EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/oom-events',
        STATE_TABLE_NAME: 'oom-state',
        ENRICH_DELAY_SECONDS: '45',
      },
      logger,
    );
    expect(deps.queue).toEqual({
      url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/oom-events',
      delaySeconds: 45,
    });
    expect(deps.logger).toBe(logger);
    expect(deps.maxStateAttempts).toBe(4);
  });

  it('refuses to start misconfigured, naming every problem', () => {
    expect(() => parseStageFromEnv({ ENRICH_DELAY_SECONDS: '-1' }, logger)).toThrow(
      'parse function misconfigured: EVENTS_QUEUE_URL is not set; STATE_TABLE_NAME is not set; ' +
        'ENRICH_DELAY_SECONDS must be a whole number of seconds from 0 to 900, not "-1"',
    );
  });
});
