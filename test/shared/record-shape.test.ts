/**
 * lineShapeAt against what it stands for: skimLogRecord on the line cut out. Whatever it says of a line, in
 * whatever text around it, the skim says the same: `enveloped` is a record with an envelope, `no-record` no
 * record. It may say `unknown` of anything. Lines of every envelope, near misses of each pattern's limits, and
 * JSON records valid and not. frameTimeAt and otherWriterAt against readLogRecord and parseKernelLine, the same
 * way: what they tell is what the assembler would take of the line read in full.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAY_BE_RECOGNIZED, parseKernelLine } from '../../shared/kernel-line.ts';
import { ENVELOPE_PATTERNS, readLogRecord, skimLogRecord } from '../../shared/log-record.ts';
import { splitGluedRecords } from '../../shared/glued-records.ts';
import { timeOf } from '../../shared/open-report.ts';
import type { LineShape } from '../../shared/record-shape.ts';
import { frameTimeAt, IN_PLACE_PATTERNS, lineShapeAt, otherWriterAt } from '../../shared/record-shape.ts';

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
    // `aws logs tail` (test/fixtures/cloudwatch-cli): a record after the time and stream, whose escapes the line
    // may hide text behind; the RFC 3339 pattern would take its first words for a host and a tag.
    ['2026-11-22T14:41:50.508000+00:00 ip-10-0-1-23.kernel {"priority":3,"msg":"a b: c"}', 'unknown'],
    ['2026-11-22T14:41:50 {"msg":"a b: c"}', 'unknown'],
    // A message that may be a record is read twice (a review): `{"log":"{\"a\":1}"}` has none.
    ['{"log":"{\\"a\\":1}"}', 'unknown'],
    ['  [ 1.5] x', 'unknown'],
    ['\ufeff[ 1.5] x', 'unknown'],
    ['{"msg":"a\\nb"}', 'unknown'],
    ['{"msg": "x"}', 'unknown'],
    ['{"m\\u0073g":"x"}', 'unknown'],
    ['{"msg":{"a":1}}', 'unknown'],
    // No message key, OOM text in another string or in a key: the skim reads it (twenty-first red team M/05).
    ['{"textPayload":"Out of memory: Killed process 1 (a)","host":"n1"}', 'unknown'],
    ['{"host":"n1","ident":"kernel","oom_kill":3}', 'unknown'],
    ['{"host":"n1","ident":"kernel","count":3}', 'no-record'],
    ['no envelope at all', 'unknown'],
    // A line comment's mark: a syslog-like start, but the skim reads what follows the mark (fast-check found it).
    ['//  27 21:17:17.86 a aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: ', 'unknown'],
    ['# Nov 21 05:28:49 ip-10-0-1-23 kernel: x', 'unknown'],
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
  /** As pasted from a rendered page: a markdown list item, inline code (paste-wrapping.ts). */
  const markdown = (arbitrary: fc.Arbitrary<string>): fc.Arbitrary<string> =>
    fc
      .tuple(fc.constantFrom('`', '- ', '`- ', '12. ', '* ', '``'), arbitrary, fc.constantFrom('', '`', '` '))
      .map(([open, a, close]) => `${open}${a}${close}`);

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
    // Vendors' (vendor-prefixes.ts): Android's stamp in seconds and printing context, rsyslog's severity template.
    fc.constantFrom(
      '[63651.040008s] ',
      '[63651.040008s][pid:2912,cpu3,sh]',
      '[ 5.1s] (0)[1:swapper/0]',
      '[3701:11_see]',
      'warning|kernel[-]|',
      'warning|kernel[-]|[2919920.414131] ',
      'err|systemd[1]|',
      'warning|kernel:|',
    ),
    // Talos (`talosctl dmesg`), with and without the node talosctl names.
    fc
      .tuple(
        fc.constantFrom('', '10.200.70.91: ', 'talos-cp-1: ', 'fd00::1: ', 'a b: '),
        fc.constantFrom(
          'kern:    info: ',
          'kern:     err: ',
          'user: warning: ',
          'kern: info: ',
          'kern:info: ',
        ),
        fc.constantFrom('2025-06-04T04:51:57.572293906Z', '2025-06-04T04:51:57+02:00', '2025-06-04T04:51:57'),
      )
      .map(([node, level, time]) => `${node}${level}[${time}]: `),
    fc.string({ maxLength: 20 }),
  );

  const jsonValue = fc.oneof(
    fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
    fc.constantFrom('"a\\"b"', '"\\\\"', '"\\/"', '"\\n"', '"\\u0041"', '"\\x"', '"a\tb"', '"\u0001"', '"\\'),
    fc.constantFrom('0', '-0', '12', '01', '1.', '1.5', '-1.5e+3', '1e', '1E5', '-', '.5', '2e-', '7x'),
    fc.constantFrom('true', 'false', 'null', 'tru', 'nul', '{}', '[]', '{"a":1}', '[1]', ''),
    fc.constantFrom('"Killed process 1 (a)"', '"oom\\"', '{"a":"kill"}', '["memory"]'),
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
    'oom_kill',
    'textPayload',
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
      markdown(fc.tuple(prefix, fc.string({ maxLength: 30 })).map(([p, body]) => p + body)),
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

  /**
   * What the assembler takes of the record of `raw`, a line whose only OOM text is `+0x`: the time of a
   * call-trace frame (report context), null when it takes nothing, `more` when it reads more (glued records).
   */
  function assemblerTakes(raw: string): number | null | 'more' {
    const entry = readLogRecord(raw);
    if (entry === null || !entry.fromKernel) return null;
    if (splitGluedRecords(entry).length > 1) return 'more';
    const result = parseKernelLine(entry.text, entry.truncated);
    if (result.kind === 'not-oom') return null;
    return result.kind === 'line' && result.line.kind === 'context' ? timeOf(entry) : 'more';
  }

  const frame = fc.constantFrom(
    ' dump_stack+0x57/0x70',
    '  __schedule+0x2a5/0x8a0',
    ' [<ffffffff9c781340>] dump_stack+0x19/0x1b',
    '[<ffffffff9c781340>] dump_stack+0x19/0x1b',
    ' ? schedule_timeout+0x11/0x20',
    'xfs_buf_read_map+0x4a/0x1f0 [xfs]',
    ' nvme_poll+0x1/0x2 [nvme:core]',
    ' ext4_map+0x1/0x2 [ 12.345678] ',
    ' ext4_map+0x1/0x2 [ 12.345678] dump_stack+0x1/0x2',
    ' a +0x b',
    ' +0x',
    'frame+0x0/0x0 ',
    // A reflow's blanks inside a frame (41st red team B/02): a frame still, read again with one space.
    'xfs_buf_read_map+0x4a/0x1f0  [xfs]',
    ' dump_stack+0x57/0x70\t(U)',
  );
  /** Envelopes that give a time and that do not, as a node's log has them and as no log should. */
  const frameEnvelope = fc.oneof(
    fc.constantFrom(
      '[ 3467.508223] ',
      '[ 3467.508223]',
      '[99999999999999999999999999.5] ',
      '[Fri Nov 20 20:28:55 2026] ',
      'Nov 21 04:02:30 ip-10-0-1-23.eu-west-1.compute.internal kernel: ',
      'Nov 21 04:02:30 ip-10-0-1-23 kernel: [ 3467.508223] ',
      'Nov 21 04:02:30 kernel: ',
      '4,32873,11681907409,-;',
      '4,32873,11681907409,-;[ 12.5] ',
      '4,32873,11681907409,c:1;',
      '6,1,99999999999999999999999999,-;',
      '2026-11-21T04:02:30.123+00:00 ip-10-0-1-23 kernel: ',
      '[ 12.5] ip-10-0-1-23 kernel: ',
      '[ 12.5 ] ip-10-0-1-23 kernel: ',
      '[ 12.5 < 0.000100 >] ip-10-0-1-23 kernel: ',
      '[ 12.5 <0.000100>] ',
      '[63651.040008s] ',
      '[63651.040008s][pid:2912,cpu3,sh]',
      'Sat 2026-12-05 16:23:08 UTC ip-10-0-1-23 kernel: ',
      '2026-12-05T16:23:08,123456+00:00 ',
      'Guest: <6>[39291577.009360] ',
      '<6>[ 12.5] ',
      'kern  :warn  : [ 12.5] ',
      '[ 12.5] [T12] ',
      '[T12] ',
    ),
  );
  const frameEnvelopes = fc.oneof({ weight: 1, arbitrary: prefix }, { weight: 3, arbitrary: frameEnvelope });
  const frameJson = fc
    .tuple(
      fc.constantFrom(
        '"host":"ip-10-0-3-54","ident":"kernel",',
        '"host":"ip-10-0-3-54","ident":"systemd",',
        '"priority":4,"sequence":457499,"sec":173571,"usec":216307,',
        '"sec":-1,',
        '"time":"2026-11-20T06:12:45Z",',
        '"_SOURCE_MONOTONIC_TIMESTAMP":"173571216307","_TRANSPORT":"kernel",',
        '"__REALTIME_TIMESTAMP":"1763620000123456",',
        '"@timestamp":"x",',
        '',
      ),
      fc.constantFrom('msg', 'message', 'MESSAGE', 'log'),
      fc.oneof(frameEnvelopes, fc.constant('')),
      frame,
    )
    .map(([fields, key, head, message]) => `{${fields}"${key}":${JSON.stringify(head + message)}}`);

  it('frameTimeAt: what the assembler takes of a frame line, or nothing told', () => {
    const told: Record<string, number> = {};
    const frameLine = fc
      .oneof(
        { weight: 3, arbitrary: fc.tuple(frameEnvelopes, frame).map(([head, message]) => head + message) },
        fc.tuple(maybe(frameEnvelopes), frame).map(([head, message]) => head + message),
        fc.tuple(frameEnvelopes, maybe(frame)).map(([head, message]) => head + message),
        markdown(fc.tuple(frameEnvelopes, frame).map(([head, message]) => head + message)),
        { weight: 2, arbitrary: frameJson },
        maybe(frameJson),
      )
      .map((l) => l.replace(/[\n\u001b]/g, ''));
    fc.assert(
      fc.property(frameLine, fc.boolean(), (raw, cr) => {
        const text = `x\n${raw}${cr ? '\r' : ''}\n[ 1.0] after`;
        const end = 2 + raw.length + (cr ? 1 : 0);
        // As `scan` asks it: of an enveloped line whose only OOM text is `+0x`.
        if (lineShapeAt(text, 2, end) !== 'enveloped' || MAY_BE_RECOGNIZED.test(raw)) return;
        const time = frameTimeAt(text, 2, end);
        const key = time === undefined ? 'untold' : time === null ? 'nothing' : 'time';
        told[key] = (told[key] ?? 0) + 1;
        if (time !== undefined) expect({ raw, time }).toEqual({ raw, time: assemblerTakes(raw) });
      }),
      { numRuns: 20000 },
    );
    expect(Object.keys(told).sort()).toEqual(['nothing', 'time', 'untold']);
    // The generator reaches every answer, each many times.
    expect(Object.values(told).every((n) => n > 500)).toBe(true);
  });

  it('frameTimeAt: leaves a kmsg record whose message starts with a printk time to readLogRecord (a property run)', () => {
    const raw = '4,32873,11681907409,-; [ 12.5]  dump_stack+0x57/0x70';
    const text = `x\n${raw}\n[ 1.0] after`;
    expect(assemblerTakes(raw)).toBe(12.5);
    expect(frameTimeAt(text, 2, 2 + raw.length)).toBeUndefined();
    // A frame with its address in brackets is still told in place.
    const framed = '4,32873,11681907409,-; [<ffffffff9c781340>] dump_stack+0x19/0x1b';
    expect(frameTimeAt(`x\n${framed}\n`, 2, 2 + framed.length)).toBe(11681.907409);
  });

  it("otherWriterAt: another writer's syslog line, as readLogRecord tells it", () => {
    const told: Record<string, number> = {};
    const writer = fc.constantFrom(
      'kernel',
      'kernel',
      'systemd-oomd[812]',
      'systemd-oomd',
      'kernelx',
      'Kernel',
    );
    const syslogLine = fc
      .tuple(
        fc.constantFrom(
          'Nov 21 04:02:30',
          'Nov  1 04:02:30.123456',
          'Nov 21 04:02:30.1234567890',
          'Sat 2026',
        ),
        fc.constantFrom('ip-10-0-1-23', 'kernel:', 'kernel', 'UTC ip-10-0-1-23', ''),
        writer,
        fc.constantFrom(': ', ':', ' ', ': [ 12.5] ', ': <6>[ 12.5] '),
        fc.constantFrom('Considered 13 cgroups for killing', 'Killed process 1 (x)', ''),
      )
      .map(([stamp, host, ident, colon, message]) => `${stamp} ${host} ${ident}${colon}${message}`);
    const writerLine = fc
      .oneof(
        { weight: 6, arbitrary: syslogLine },
        maybe(syslogLine),
        markdown(syslogLine),
        fc.tuple(prefix, fc.string({ maxLength: 20 })).map(([p, body]) => p + body),
        // Lines a syslog pattern also reads, whose envelope is another: kmsg, RFC 5424, JSON, dmesg.
        fc
          .tuple(fc.constantFrom('6,1,2,-;x', '<4>1', '{"msg":"x', '[x', '[ 1.5]'), writer)
          .map(([head, ident]) =>
            head.startsWith('{')
              ? `${head} 21 04:02:30 kernel ${ident}: y","sec":1}`
              : `${head} 21 04:02:30 kernel ${ident}: y -`,
          ),
        fc
          .tuple(fc.constantFrom('Sat 2026-12-05 16:23:08 UTC ', '2026-11-20T06:12:45Z '), syslogLine)
          .map(([head, l]) => head + l),
      )
      .map((l) => l.replace(/[\n\u001b]/g, ''));
    fc.assert(
      fc.property(writerLine, fc.boolean(), (raw, cr) => {
        const text = `x\n${raw}${cr ? '\r' : ''}\n[ 1.0] after`;
        const end = 2 + raw.length + (cr ? 1 : 0);
        if (lineShapeAt(text, 2, end) !== 'enveloped') return;
        const other = otherWriterAt(text, 2, end);
        told[String(other)] = (told[String(other)] ?? 0) + 1;
        if (other)
          expect({ raw, fromKernel: readLogRecord(raw)?.fromKernel }).toEqual({ raw, fromKernel: false });
      }),
      { numRuns: 10000 },
    );
    // The generator reaches both answers, each many times.
    expect(Object.values(told).every((n) => n > 500)).toBe(true);
  });
});
