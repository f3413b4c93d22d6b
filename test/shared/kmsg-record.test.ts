/**
 * flatKmsgRecord against what it stands for: JSON.parse of the line. Whatever it reads, JSON.parse reads the
 * same; it may say null of anything. And readLogRecord, which takes its fast path through it, reads a record
 * as it reads the same record written so that the fast path is not taken.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flatKmsgMessageStart, flatKmsgRecord } from '../../shared/kmsg-record.ts';
import { readLogRecord } from '../../shared/log-record.ts';
import { bodiesOfGroup, WHOLE_RECORD_GROUP } from '../fixtures/subscription/subscription-payloads.ts';

const SAMPLE_RECORDS = bodiesOfGroup(WHOLE_RECORD_GROUP).flatMap((body) =>
  body.logEvents.map((event) => event.message),
);

function parsed(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return 'refused';
  }
}

function expectAsJsonParse(line: string): void {
  const flat = flatKmsgRecord(line);
  if (flat === null) return;
  const json = parsed(line);
  expect({ line, flat }).toEqual({ line, flat: json });
  expect(Object.keys(flat)).toEqual(Object.keys(json as object));
}

/** The same record as JSON, with a space after its brace: the fast path does not take it. */
const withoutFastPath = (line: string): string => line.replace(/^\{/, '{ ');

/** Of a line the fast path takes: of any other, readLogRecord reads the line as it is either way. */
function expectReadAsWithoutFastPath(line: string): void {
  if (flatKmsgRecord(line) === null) return;
  expect({ line, entry: readLogRecord(line) }).toEqual({ line, entry: readLogRecord(withoutFastPath(line)) });
}

describe('flatKmsgRecord', () => {
  it('reads every record of the real Fluent Bit sample as JSON.parse does, escaped messages included', () => {
    expect(SAMPLE_RECORDS.length).toBeGreaterThan(400);
    for (const line of SAMPLE_RECORDS) {
      expect(flatKmsgRecord(line)).not.toBeNull();
      expectAsJsonParse(line);
    }
    expect(SAMPLE_RECORDS.filter((line) => line.includes('\\')).length).toBeGreaterThan(10);
  });

  it.each([
    ['{"priority":6,"sequence":1,"sec":2,"usec":3,"msg":"x"}', { priority: 6, sequence: 1, sec: 2, usec: 3 }],
    ['{"priority":0,"sequence":0,"sec":0,"usec":0,"msg":""}', { priority: 0, sequence: 0, sec: 0, usec: 0 }],
    [
      '{"priority":6,"sequence":999999999999999,"sec":2,"usec":3,"msg":"a \\"b\\" \\\\x09\\u00e9\\n SUBSYSTEM=x"}',
      { sequence: 999999999999999, msg: 'a "b" \\x09é\n SUBSYSTEM=x' },
    ],
  ])('reads %s', (line, fields) => {
    expect(flatKmsgRecord(line)).toMatchObject(fields);
    expectAsJsonParse(line);
  });

  it.each([
    // JSON.parse reads these otherwise, refuses them, or its reading is not told digit by digit.
    '{"priority":6,"sequence":01,"sec":2,"usec":3,"msg":"x"}',
    '{"priority":6,"sequence":1234567890123456,"sec":2,"usec":3,"msg":"x"}',
    '{"priority":6,"sequence":1.5,"sec":2,"usec":3,"msg":"x"}',
    '{"priority":6,"sequence":-1,"sec":2,"usec":3,"msg":"x"}',
    '{"priority":6,"sequence":1,"sec":2,"usec":3,"msg":"x","msg":"y"}',
    '{"priority":6,"sequence":1,"sec":2,"usec":3,"msg":"a\tb"}',
    '{"priority":6,"sequence":1,"sec":2,"usec":3,"msg":"a\\qb"}',
    '{"priority":6,"sequence":1,"sec":2,"usec":3,"msg":"x"} ',
    '{"priority":6,"sequence":1,"sec":2,"usec":3,"msg":"x"',
    '{"priority":6,"sequence":1,"sec":2,"usec":3,"msg":"}',
    '{"priority":6, "sequence":1,"sec":2,"usec":3,"msg":"x"}',
    '{"sequence":1,"priority":6,"sec":2,"usec":3,"msg":"x"}',
  ])('says null of %s', (line) => {
    expect(flatKmsgRecord(line)).toBeNull();
  });

  const integer = fc.oneof(
    { weight: 12, arbitrary: fc.nat().map(String) },
    { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 17n }).map(String) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '0',
        '00',
        '01',
        '-1',
        '-0',
        '1.5',
        '1e3',
        '1E+2',
        '',
        ' 1',
        '999999999999999',
      ),
    },
  );
  const messageText = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.string({ unit: fc.constantFrom(...'oom kill]9 é\u2028'.split('')), maxLength: 30 }),
    },
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 10 }),
    fc.string({ unit: 'binary', maxLength: 10 }),
    {
      weight: 2,
      arbitrary: fc
        .array(
          fc.constantFrom(
            ...'aZ ]9{},:'.split(''),
            '\t',
            '\u001b',
            '\\',
            '\\n',
            '\\"',
            '\\\\',
            '\\u0041',
            '\\ud800',
            '\\x',
            '"',
          ),
          { maxLength: 12 },
        )
        .map((parts) => parts.join('')),
    },
  );
  const key = (name: string): fc.Arbitrary<string> =>
    fc.oneof(
      { weight: 8, arbitrary: fc.constant(`"${name}":`) },
      { weight: 1, arbitrary: fc.constantFrom(`"${name}" :`, `"${name}x":`, `"${name.slice(1)}":`, '') },
    );
  const end = fc.oneof(
    { weight: 8, arbitrary: fc.constant('"}') },
    { weight: 1, arbitrary: fc.constantFrom('"} ', '"}}', '","x":1}', '"', '', '}', '"}\r', '" }') },
  );
  const record = fc
    .tuple(
      key('priority'),
      integer,
      key('sequence'),
      integer,
      key('sec'),
      integer,
      key('usec'),
      integer,
      key('msg'),
      messageText,
      end,
    )
    .map(
      ([pk, p, qk, q, sk, s, uk, u, mk, text, close]) =>
        `{${pk}${p},${qk}${q},${sk}${s},${uk}${u},${mk}"${text}${close}`,
    );

  it('reads only what JSON.parse reads, and that as JSON.parse does', () => {
    const told = { read: 0, null: 0, escaped: 0 };
    fc.assert(
      fc.property(record, (line) => {
        const flat = flatKmsgRecord(line);
        if (flat === null) told.null++;
        else told.read++;
        if (flat !== null && line.includes('\\')) told.escaped++;
        expectAsJsonParse(line);
      }),
      { numRuns: 20000 },
    );
    // The generator reaches each way through.
    expect(told.read).toBeGreaterThan(1000);
    expect(told.null).toBeGreaterThan(1000);
    expect(told.escaped).toBeGreaterThan(100);
  });

  it('is read exactly where flatKmsgMessageStart says so, its message the decoding of the text from there', () => {
    const expectStartAgrees = (line: string) => {
      const flat = flatKmsgRecord(line);
      const start = flatKmsgMessageStart(line);
      if (flat === null) expect({ line, start }).toEqual({ line, start: -1 });
      else expect({ line, msg: JSON.parse(`"${line.slice(start, -2)}"`) }).toEqual({ line, msg: flat.msg });
    };
    for (const line of SAMPLE_RECORDS) expectStartAgrees(line);
    fc.assert(fc.property(record, expectStartAgrees), { numRuns: 20000 });
  });

  it('gives readLogRecord what it reads of the same record without the fast path', () => {
    for (const line of SAMPLE_RECORDS) expectReadAsWithoutFastPath(line);
    fc.assert(
      fc.property(record, (line) => {
        expectReadAsWithoutFastPath(line);
      }),
      { numRuns: 5000 },
    );
  });
});
