/**
 * lineShapeAt against what it stands for: skimLogRecord on the line cut out. Whatever it says of a line, in
 * whatever text around it, the skim says the same: `enveloped` is a record with an envelope, `no-record` no
 * record. It may say `unknown` of anything. Lines of every envelope, near misses of each pattern's limits, and
 * JSON records valid and not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENVELOPE_PATTERNS, skimLogRecord } from '../../shared/log-record.ts';
import type { LineShape } from '../../shared/record-shape.ts';
import { IN_PLACE_PATTERNS, lineShapeAt } from '../../shared/record-shape.ts';

/** The shape of `line` told in place, inside a text with other lines around it. */
function shapeInside(before: string, line: string, after: string): LineShape {
  const text = `${before}${line}\n${after}`;
  return lineShapeAt(text, before.length, before.length + line.length);
}

function expectAgrees(line: string, shape: LineShape): void {
  const skim = skimLogRecord(line);
  if (shape === 'enveloped') expect({ line, skim }).toMatchObject({ skim: { enveloped: true } });
  if (shape === 'no-record') expect({ line, skim }).toEqual({ line, skim: null });
}

describe('the in-place patterns', () => {
  it('are the envelope patterns of log-record.ts, matched where the line starts', () => {
    for (const [name, original] of Object.entries(ENVELOPE_PATTERNS)) {
      const inPlace = IN_PLACE_PATTERNS[name as keyof typeof IN_PLACE_PATTERNS];
      expect(`^${inPlace.source}`).toBe(original.source);
      expect(inPlace.flags).toBe(`${original.flags}y`);
    }
    expect(Object.keys(IN_PLACE_PATTERNS).sort()).toEqual(Object.keys(ENVELOPE_PATTERNS).sort());
  });
});

describe('lineShapeAt', () => {
  it.each([
    ['[ 3467.508244] eth0: link up', 'enveloped'],
    ['[Fri Nov 20 21:17:17 2026] TCP: request_sock_TCP: Possible SYN flooding', 'enveloped'],
    ['Nov 21 05:28:49 ip-10-0-1-23.eu-west-1.compute.internal kernel: file 260719', 'enveloped'],
    ['Nov 21 05:28:49 ip-10-0-1-23 containerd[812]: level=info', 'enveloped'],
    ['2026-11-21T05:28:49.123456+00:00 ip-10-0-1-23 kernel: x', 'enveloped'],
    ['4,33908,12099434847,-; io_schedule+0x42/0x70', 'enveloped'],
    [
      '{"priority":6,"sequence":460278,"sec":174580,"usec":449518,"msg":"XFS (nvme2n1): Ending clean mount"}',
      'enveloped',
    ],
    [
      '{"host":"ip-10-0-3-54","ident":"kernel","message":"a \\"quoted\\" word, a \\\\ and a \\/"}',
      'enveloped',
    ],
    ['{"host":"ip-10-0-3-54","ident":"kernel"}', 'no-record'],
    ['{"msg":"x","msg":7}', 'no-record'],
    ['{"msg":7,"msg":"x"}', 'enveloped'],
    ['{}', 'no-record'],
    ['kern  :warn  : [ 1.5] x', 'enveloped'],
    ['<6>[ 1.5] x', 'enveloped'],
    ['[T123] x', 'enveloped'],
    // The skim has more to take off, or reads what JSON.parse reads: told by the skim itself.
    ['> [ 1.5] x', 'unknown'],
    ['  [ 1.5] x', 'unknown'],
    ['\ufeff[ 1.5] x', 'unknown'],
    ['{"msg":"a\\nb"}', 'unknown'],
    ['{"msg": "x"}', 'unknown'],
    ['{"m\\u0073g":"x"}', 'unknown'],
    ['{"msg":{"a":1}}', 'unknown'],
    ['no envelope at all', 'unknown'],
    ['', 'unknown'],
  ])('%j is %s', (line, shape) => {
    expect(shapeInside('', line, '')).toBe(shape);
    expect(shapeInside('[ 1.0] before\n', `${line}\r`, '[ 2.0] after')).toBe(shape);
    expectAgrees(line, shape as LineShape);
  });

  /**
   * A field of `units`: mostly of a length the pattern takes, else of a length near 0 or near the pattern's
   * limit, where a test character by character could go wrong.
   */
  const field = (units: string, min: number, limit: number): fc.Arbitrary<string> =>
    fc
      .oneof(
        { weight: 6, arbitrary: fc.integer({ min, max: Math.min(limit, min + 8) }) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 }) },
        { weight: 2, arbitrary: fc.integer({ min: limit - 1, max: limit + 1 }) },
      )
      .chain((n) => fc.string({ unit: fc.constantFrom(...units), minLength: n, maxLength: n }));
  const digits = (min: number, limit: number): fc.Arbitrary<string> => field('0123456789', min, limit);
  const word = (min: number, limit: number): fc.Arbitrary<string> => field('abcXYZ-._/09', min, limit);
  const odd = fc.constantFrom(' ', '\t', ':', '[', ']', '<', '.', ';', ',', '\u00a0', 'é', '\r', '\v', '0');
  const clock = fc.oneof(
    { weight: 6, arbitrary: fc.constant('21:17:17') },
    { weight: 1, arbitrary: fc.tuple(digits(2, 2), digits(2, 2), digits(2, 2)).map((t) => t.join(':')) },
  );
  /** Mostly as it is, else with an odd character put in somewhere. */
  const maybe = (arbitrary: fc.Arbitrary<string>): fc.Arbitrary<string> =>
    fc.tuple(arbitrary, fc.option(odd, { freq: 3 }), fc.nat()).map(([a, x, at]) => {
      if (x === null) return a;
      const cut = at % (a.length + 1);
      return `${a.slice(0, cut)}${x}${a.slice(cut)}`;
    });

  /** Each envelope, its fields of random length around the patterns' limits. */
  const prefix = fc.oneof(
    fc
      .tuple(fc.constantFrom('', ' ', '   '), digits(1, 6), digits(1, 9))
      .map(([pad, s, f]) => `[${pad}${s}.${f}] `),
    fc
      .tuple(word(0, 40), clock, word(0, 20), fc.constantFrom('F', 'F', 'F', '1', ' ', ']', '<', 'é'))
      .map(([head, time, tail, first]) => `[${first}${head}${time.slice(1)}${tail}] `),
    fc
      .tuple(digits(1, 3), digits(1, 6), digits(1, 12), word(0, 16))
      .map(([p, seq, us, flags]) => `${p},${seq},${us},${flags};`),
    fc
      .tuple(word(1, 12), fc.constantFrom(' ', '  ', '   '), digits(1, 2), clock, fc.option(digits(1, 9)))
      .chain(([month, gap, day, time, fraction]) =>
        fc
          .tuple(word(1, 255), word(1, 64), fc.option(digits(1, 10)))
          .map(
            ([host, ident, pid]) =>
              `${month}${gap}${day} ${time}${fraction === null ? '' : `.${fraction}`} ${host} ${ident}${pid === null ? '' : `[${pid}]`}: `,
          ),
      ),
    fc
      .tuple(digits(4, 4), clock, fc.constantFrom('Z', '+00:00', '-0530', '+1'), word(1, 20), word(1, 10))
      .map(([y, time, zone, host, ident]) => `${y}-11-20T${time}${zone} ${host} ${ident}: `),
    fc.constantFrom('kern  :warn  : ', 'user:err: ', '<6>', '<4>[', '[T12] ', '[ C3]', '', 'x: '),
    fc.string({ maxLength: 20 }),
  );

  const jsonValue = fc.oneof(
    fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
    fc.constantFrom('"a\\"b"', '"\\\\"', '"\\/"', '"\\n"', '"\\u0041"', '"\\x"', '"a\tb"', '"\u0001"', '"\\'),
    fc.constantFrom('0', '-0', '12', '01', '1.', '1.5', '-1.5e+3', '1e', '1E5', '-', '.5', '2e-', '7x'),
    fc.constantFrom('true', 'false', 'null', 'tru', 'nul', '{}', '[]', '{"a":1}', '[1]', ''),
  );
  const jsonKey = fc.constantFrom(
    'msg',
    'message',
    'MESSAGE',
    'log',
    'host',
    'sec',
    'm\\u0073g',
    'msg ',
    '',
    'ms"g',
  );
  const json = fc
    .tuple(
      fc.array(fc.tuple(jsonKey, jsonValue, fc.constantFrom(':', ':', ' : ', ': ')), { maxLength: 5 }),
      fc.constantFrom(',', ',', ', '),
      fc.constantFrom('{', '{', ' {'),
      fc.constantFrom('}', '}', '} ', '},', ''),
    )
    .map(
      ([members, comma, open, close]) =>
        `${open}${members.map(([k, v, colon]) => `"${k}"${colon}${v}`).join(comma)}${close}`,
    );

  const line = fc
    .oneof(
      fc.tuple(maybe(prefix), fc.string({ maxLength: 30 })).map(([p, body]) => p + body),
      maybe(json),
      fc.string({ maxLength: 40 }),
    )
    .map((l) => l.replace(/[\n\u001b]/g, ''));

  it('says of every line only what skimLogRecord says of it', () => {
    const told: Record<string, number> = {};
    fc.assert(
      fc.property(line, fc.string({ maxLength: 8 }), fc.boolean(), (raw, after, cr) => {
        const shape = shapeInside('x\n', cr ? `${raw}\r` : raw, after);
        told[shape] = (told[shape] ?? 0) + 1;
        expectAgrees(cr ? `${raw}\r` : raw, shape);
      }),
      { numRuns: 20000 },
    );
    // The generator reaches every answer.
    expect(Object.keys(told).sort()).toEqual(['enveloped', 'no-record', 'unknown']);
  });
});
