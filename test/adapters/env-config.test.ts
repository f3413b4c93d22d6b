import { describe, expect, it } from 'vitest';
import { integerInRange, oneOf, optional, readEnvConfig, required } from '../../adapters/env-config.ts';

const settings = {
  queueUrl: required('QUEUE_URL'),
  delaySeconds: integerInRange('DELAY_SECONDS', { min: 0, max: 900, unit: 'seconds', fallback: 30 }),
};

describe('readEnvConfig', () => {
  it('reads each setting by its rule, trimmed', () => {
    expect(readEnvConfig({ QUEUE_URL: ' https://q ', DELAY_SECONDS: '45' }, settings)).toEqual({
      ok: true,
      config: { queueUrl: 'https://q', delaySeconds: 45 },
    });
  });

  it('takes the fallback for a number that is unset or blank', () => {
    expect(readEnvConfig({ QUEUE_URL: 'q' }, settings)).toEqual({
      ok: true,
      config: { queueUrl: 'q', delaySeconds: 30 },
    });
    expect(readEnvConfig({ QUEUE_URL: 'q', DELAY_SECONDS: '  ' }, settings)).toMatchObject({
      config: { delaySeconds: 30 },
    });
  });

  it('lists every problem, in the order of the settings', () => {
    expect(readEnvConfig({ QUEUE_URL: '   ', DELAY_SECONDS: '901' }, settings)).toEqual({
      ok: false,
      problems: [
        'QUEUE_URL is not set',
        'DELAY_SECONDS must be a whole number of seconds from 0 to 900, not "901"',
      ],
    });
  });

  it.each(['-1', '1.5', 'ten', '1e9'])('refuses %s as a whole number in range', (raw) => {
    expect(readEnvConfig({ QUEUE_URL: 'q', DELAY_SECONDS: raw }, settings)).toEqual({
      ok: false,
      problems: [`DELAY_SECONDS must be a whole number of seconds from 0 to 900, not ${JSON.stringify(raw)}`],
    });
  });
});

describe('optional and oneOf', () => {
  const choices = { topic: optional('TOPIC'), mode: oneOf('MODE', ['all', 'some'] as const, 'all') };

  it('read a blank or missing optional setting as null, a missing choice as its fallback', () => {
    expect(readEnvConfig({ TOPIC: ' ' }, choices)).toEqual({
      ok: true,
      config: { topic: null, mode: 'all' },
    });
    expect(readEnvConfig({ TOPIC: 't', MODE: ' some ' }, choices)).toEqual({
      ok: true,
      config: { topic: 't', mode: 'some' },
    });
  });

  it('names the words a choice takes', () => {
    expect(readEnvConfig({ MODE: 'every' }, choices)).toEqual({
      ok: false,
      problems: ['MODE must be one of all, some, not "every"'],
    });
  });
});
