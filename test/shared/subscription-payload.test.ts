import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  decodeSubscriptionData,
  decodeSubscriptionEvent,
  MAX_GUNZIPPED_BYTES,
} from '../../shared/subscription-payload.ts';
import {
  bodiesOfGroup,
  dataMessage,
  encodeSubscriptionData,
  logEventsOf,
  WHOLE_RECORD_GROUP,
} from '../fixtures/subscription/subscription-payloads.ts';

const gzipBase64 = (text: string): string => gzipSync(Buffer.from(text)).toString('base64');

describe('decodeSubscriptionData', () => {
  it('decodes the real Fluent Bit live report, keeping the 56-digit event ids as strings', () => {
    const body = bodiesOfGroup(WHOLE_RECORD_GROUP)[1]!;
    const message = dataMessage(body.logGroupName, body.logStreamName, logEventsOf(body, 2));
    const decoded = decodeSubscriptionData(encodeSubscriptionData(message));
    expect(decoded.kind).toBe('data');
    if (decoded.kind !== 'data') return;
    expect(decoded.message.logGroup).toBe('/fluentbit/oom-whole');
    expect(decoded.message.logStream).toBe('node-kernel');
    expect(decoded.message.logEvents).toHaveLength(78);
    const first = decoded.message.logEvents[0]!;
    expect(first.id).toBe('00017953592376910000000000000000000000000000000002000000');
    expect(first.timestamp).toBe(1795359237691);
    expect(first.message).toContain(
      '"msg":"python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0"',
    );
  });

  it('acknowledges a CONTROL_MESSAGE', () => {
    const control = {
      messageType: 'CONTROL_MESSAGE',
      owner: 'CloudwatchLogs',
      logGroup: '',
      logStream: '',
      subscriptionFilters: [],
      logEvents: [
        {
          id: '',
          timestamp: 1795359237691,
          message: 'CWL CONTROL MESSAGE: Checking health of destination Lambda.',
        },
      ],
    };
    expect(decodeSubscriptionData(encodeSubscriptionData(control))).toEqual({ kind: 'control' });
  });

  it.each([
    ['bad base64 (characters outside the alphabet)', 'H4sI!!!!', 'bad base64 in awslogs.data'],
    ['bad base64 (length not a multiple of 4)', 'H4sIAAA', 'bad base64 in awslogs.data'],
    ['bad base64 (empty)', '', 'bad base64 in awslogs.data'],
    [
      'base64 of plain JSON, not gzip',
      Buffer.from('{"messageType":"DATA_MESSAGE"}').toString('base64'),
      'not gzip: incorrect header check',
    ],
    ['gzip of text that is not JSON', gzipBase64('Killed process 2874 (python3)'), 'not JSON: '],
    ['JSON that is not an object', gzipBase64('[1,2]'), 'wrong shape: not a JSON object'],
    ['an unknown messageType', gzipBase64('{"messageType":"DATA"}'), 'wrong shape: messageType is "DATA"'],
    [
      'no logGroup',
      gzipBase64('{"messageType":"DATA_MESSAGE","owner":"1"}'),
      'wrong shape: logGroup is not a string',
    ],
  ])('%s → malformed with its reason', (_kind, data, reason) => {
    const decoded = decodeSubscriptionData(data);
    expect(decoded.kind).toBe('malformed');
    if (decoded.kind === 'malformed') expect(decoded.reason.startsWith(reason)).toBe(true);
  });

  it('rejects an event id that arrived as a number (its digits are already lost)', () => {
    const json = `{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s","subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1,"message":"a"},{"id":31953106606966983378809025079804211143289615424298221568,"timestamp":1,"message":"b"}]}`;
    expect(decodeSubscriptionData(gzipBase64(json))).toEqual({
      kind: 'malformed',
      reason: 'wrong shape: logEvents[1] id is number, not a string',
    });
  });

  it.each([
    [
      'subscriptionFilters',
      '"subscriptionFilters":"f","logEvents":[]',
      'wrong shape: subscriptionFilters is not a list of strings',
    ],
    ['logEvents', '"subscriptionFilters":["f"],"logEvents":{}', 'wrong shape: logEvents is not a list'],
    [
      'timestamp',
      '"subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":"x","message":"a"}]',
      'wrong shape: logEvents[0] timestamp is not a number',
    ],
    [
      'message',
      '"subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1}]',
      'wrong shape: logEvents[0] message is not a string',
    ],
    [
      'a log event',
      '"subscriptionFilters":["f"],"logEvents":[null]',
      'wrong shape: logEvents[0] is not an object',
    ],
  ])('names the wrong %s', (_field, fields, reason) => {
    const json = `{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s",${fields}}`;
    expect(decodeSubscriptionData(gzipBase64(json))).toEqual({ kind: 'malformed', reason });
  });
});

describe('decodeSubscriptionData on a gzip bomb', () => {
  const MIB = 1024 * 1024;
  const over = `over ${MAX_GUNZIPPED_BYTES} bytes once gunzipped`;

  it('reports 20 MiB of zeros (20 KiB of gzip) as malformed without decoding it', () => {
    const bomb = gzipSync(Buffer.alloc(20 * MIB));
    expect(bomb.length).toBeLessThan(25_000);
    expect(decodeSubscriptionData(bomb.toString('base64'))).toEqual({
      kind: 'malformed',
      reason: `${over}: a subscription payload is never that big`,
    });
  });

  it('decodes a DATA_MESSAGE of exactly the limit, and refuses one byte more', () => {
    const message = dataMessage('g', 'node.kernel', [
      { id: '1', timestamp: 1, message: 'Killed process 1 (a)' },
    ]);
    const json = JSON.stringify(message);
    const padded = (bytes: number): string => gzipBase64(json + ' '.repeat(bytes - json.length));
    expect(MAX_GUNZIPPED_BYTES).toBe(16 * MIB);
    expect(decodeSubscriptionData(padded(MAX_GUNZIPPED_BYTES))).toEqual({ kind: 'data', message });
    expect(decodeSubscriptionData(padded(MAX_GUNZIPPED_BYTES + 1))).toMatchObject({ kind: 'malformed' });
  });
});

describe('decodeSubscriptionData gunzips into one chunk of the size the gzip trailer states', () => {
  const message = dataMessage('g', 'node.kernel', [
    { id: '1', timestamp: 1, message: 'Killed process 1 (a)' },
  ]);
  const json = JSON.stringify(message);

  it('and still decodes two gzip members, whose trailer states the size of the last one only', () => {
    const members = Buffer.concat([gzipSync(json.slice(0, 40)), gzipSync(json.slice(40))]);
    expect(decodeSubscriptionData(members.toString('base64'))).toEqual({ kind: 'data', message });
  });

  it('and refuses a trailer that states a wrong size', () => {
    const gzip = gzipSync(json);
    gzip.writeUInt32LE(json.length - 1, gzip.length - 4);
    expect(decodeSubscriptionData(gzip.toString('base64'))).toMatchObject({
      kind: 'malformed',
      reason: expect.stringMatching(/^not gzip: /) as unknown,
    });
  });
});

describe('decodeSubscriptionEvent', () => {
  it.each([
    ['no awslogs', {}],
    ['awslogs.data not a string', { awslogs: { data: 42 } }],
    ['not an object', 'awslogs'],
  ])('%s → malformed', (_kind, event) => {
    expect(decodeSubscriptionEvent(event)).toEqual({
      kind: 'malformed',
      reason: 'wrong shape: no awslogs.data string in the event',
    });
  });
});
