/**
 * Each envelope prefix's cheap test against its pattern: wherever the pattern matches, `mayStart` passes the
 * text (it may pass more), and so does mayStartAnyPrefix. A line they wrongly turned away would lose its
 * envelope, and with it its time and host.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LOGREAD,
  mayStartAnyPrefix,
  PREFIXES_BY_FREQUENCY,
  TAG_ONLY,
  TIME_OF_DAY,
} from '../../shared/envelope-prefixes.ts';
import { STAGES } from '../../shared/envelope-stages.ts';
import { blankEntry } from '../../shared/log-record.ts';
import { SEVERITY } from '../../shared/vendor-prefixes.ts';

const SAMPLE_LINES = readdirSync('test/fixtures/kernel-logs', { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.log'))
  .flatMap((name) => readFileSync(join('test/fixtures/kernel-logs', name), 'utf8').split('\n'));

/** How many lines each pattern matched. */
const matchedBy = new Map<RegExp, number>();

function expectPassedWhereMatched(text: string): number {
  let matched = 0;
  for (const prefix of PREFIXES_BY_FREQUENCY) {
    if (!prefix.pattern.test(text)) continue;
    matched++;
    matchedBy.set(prefix.pattern, (matchedBy.get(prefix.pattern) ?? 0) + 1);
    expect({ text, pattern: prefix.pattern.source, passed: prefix.mayStart(text) }).toMatchObject({
      passed: true,
    });
  }
  // What no prefix may start, readLogRecord reads without trying them: it must pass whatever one matches, and
  // whatever a stage takes something off (a tool's source, spaces before a printk time).
  const staged = STAGES.some((stage) => stage(text, blankEntry(text)) !== null);
  if (matched > 0 || staged)
    expect({ text, anyPassed: mayStartAnyPrefix(text) }).toEqual({ text, anyPassed: true });
  return matched;
}

describe('every envelope prefix', () => {
  it('passes each sample line that its pattern matches', () => {
    let matched = 0;
    for (const line of SAMPLE_LINES) matched += expectPassedWhereMatched(line);
    expect(matched).toBeGreaterThan(500);
  });

  // Syslog-like starts: 1 to 14 characters, spaces, digits, a clock, with odd characters put in.
  const unit = fc.constantFrom(...'Nov20 6:1-T.Zx\t\u00a0\u2003[]<>,;é'.split(''), ' ', ' ', '0', '7', ':');
  const start = fc.oneof(
    fc.string({ unit, maxLength: 30 }),
    // A syslog template of the tag alone, or the time of day and the tag (ninth red team R/01, R/08).
    fc
      .tuple(
        fc.constantFrom('', '19:18:21 ', '9:18:21 ', '19:18:21.123 ', '1:1:1 ', 'x ', '119:18:21 '),
        fc.constantFrom('kernel: ', 'kernel:', 'kernel ', 'Kernel: ', 'kernel[1]: '),
        fc.string({ unit, maxLength: 8 }),
      )
      .map((parts) => parts.join('')),
    // A time of day alone before the message (twenty-first red team N/01), and what only looks like one.
    fc
      .tuple(
        fc.constantFrom('12:00:52', '9:05:00.123', '23:59:60,5', '24:00:00', '00:11:22:33', '1:2:3', ''),
        fc.constantFrom(' ', '  ', '', ' 2026] '),
        fc.string({ unit, maxLength: 8 }),
      )
      .map((parts) => parts.join('')),
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.integer({ min: 0, max: 14 }).chain((n) =>
            fc.string({
              unit: fc.constantFrom(...'NovSat2é\u00a0-'.split('')),
              minLength: n,
              maxLength: n,
            }),
          ),
          fc.constantFrom(' ', '  ', '   ', '\t', ''),
          fc.constantFrom('2', '20', '2026-12-05', '205', 'x'),
          fc.constantFrom(' 06:12:45', ' 16:23:08.123', ' 06:12:45 UTC', ''),
          fc.constantFrom(' host kernel: x', ' kernel: x', ' UTC host kernel: x', ' h a[1]: x', ''),
        )
        .map((parts) => parts.join('')),
    },
    // OpenWrt's and busybox's `logread`: a day and month, the clock and year (or host), the facility and level, the writer.
    fc
      .tuple(
        fc.constantFrom('Fri Aug', 'Thu Jun', 'Sat', 'x y', 'Mon\u00a0Dec', 'Fri  Aug', 'Donnerstag Juni'),
        fc.constantFrom(' ', '  ', ''),
        fc.constantFrom('7', '17', 'x', '123'),
        // busybox syslogd's own file has the host where OpenWrt's has the year.
        fc.constantFrom(
          ' 08:24:06 2026',
          ' 08:24:06',
          ' 08:24:06 26',
          ' 8:24:06 2026',
          ' 08:24:06 vm',
          ' 08:24:06 a b',
        ),
        fc.constantFrom(
          ' kern.err kernel: ',
          ' daemon.info dnsmasq[10310]: ',
          ' local7.debug a:',
          ' kern. kernel: ',
          '',
        ),
        fc.string({ unit, maxLength: 8 }),
      )
      .map((parts) => parts.join('')),
    // Talos's envelope, its node (talosctl -n) a name or an address, the level's width and spaces varied.
    fc
      .tuple(
        fc.constantFrom('', 'talos-cp-1: ', '10.200.70.91: ', 'n: ', 'fd00::1: ', 'x:y: ', ': '),
        fc.constantFrom('kern', 'user', 'local7', 'k', 'kernel'),
        fc.constantFrom(':    info', ':     err', ': warning', ': info', ':       debug', ':info', ' :err'),
        fc.constantFrom(
          ': [2025-06-04T04:51:57.572293906Z]: ',
          ': [2025-06-04T04:51:57+02:00]: ',
          ': [',
          ': [x]: ',
        ),
        fc.string({ unit, maxLength: 8 }),
      )
      .map((parts) => parts.join('')),
    // dmesg's level, and a hypervisor's fields before a dmesg time: lines that start with a letter too.
    fc
      .tuple(
        fc.constantFrom(
          'kern  :warn  : ',
          'user:err: ',
          'local7 :debug: ',
          'kern:',
          'Guest: <6>',
          'vmx ',
          'x',
        ),
        fc.constantFrom('[ 1.5] ', '[39291577.009360] ', '[ 1.] ', '] ', ''),
        fc.string({ unit, maxLength: 12 }),
      )
      .map((parts) => parts.join('')),
    // rsyslog's severity, tag and pid template (23rd red team S/01), and what only looks like it.
    fc
      .tuple(
        fc.constantFrom('warning', 'err', 'info', 'emerg', 'Info', 'x', 'warnings', ''),
        fc.constantFrom('|kernel', '|systemd', '|', ' |kernel', '|a b'),
        fc.constantFrom('[-]', '[1]', '', '[]', '[12345678901]'),
        fc.constantFrom('|', ': ', ''),
        fc.constantFrom('[2919920.414131] ', '[63651.040008s]', ''),
        fc.string({ unit, maxLength: 8 }),
      )
      .map((parts) => parts.join('')),
    // A bracket first: printk times, masked, a caller id, delta, reltime, `-T` dates, ISO stamps, and what only
    // looks like one of them (a task-table row, an index, a frame's address), spaces and masks varied.
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom('[', '[ ', '[  ', '[     '),
          fc.string({ unit: fc.constantFrom(...'0123456789xX*.<>+-TCsDec: ]'.split('')), maxLength: 12 }),
          fc.constantFrom('', ' ', '] ', ']', '][T12] ', '][ C3] ', ' <    0.000015>] ', '] kernel: '),
          fc.constantFrom(
            '',
            'Dec 6 00:12] ',
            '6 Dec 00:12] ',
            '12 Dec 00:12] ',
            '10Dec 00:12] ',
            '02-02 07:09:26] ',
            '.040008s] ',
            '-',
            ' 6 10:00:00 h kernel: ',
            ': kern: err: [2025-06-04T04:51:57Z]: ',
          ),
          fc.string({ unit, maxLength: 10 }),
        )
        .map((parts) => parts.join('')),
    },
    // A `dmesg -T` date that lost its `[` (a paste cut inside the first stamp), in several languages and lengths.
    fc
      .tuple(
        fc.constantFrom('', ' ', '\u00a0'),
        fc.constantFrom(
          'Tue Dec  5',
          'mar. déc.  5',
          'Di Dez  5',
          '火 12月  5',
          'Donnerstag, 5. Dezember',
          'x',
        ),
        fc.constantFrom(' 10:00:00 2026] ', ' 10:00:00 2026]', ' 1:00:00 2026] ', ' 10:00:00] ', ''),
        fc.string({ unit, maxLength: 8 }),
      )
      .map((parts) => parts.join('')),
    // A digit first: a kmsg record, a date, seconds since the epoch, a time of day, a host, a source, a stamp in
    // another language (`12月`), and what only looks like one of them.
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.stringMatching(/^[0-9]{1,12}$/),
          fc.constantFrom('', ',', '-', ':', '.', ' ', '月', 'x', '.5', ',1,2,-;', '-12-05T16:23:08Z '),
          fc.string({ unit: fc.constantFrom(...'0123456789,-:. T+Z]['.split('')), maxLength: 14 }),
          fc.constantFrom(
            '',
            ' kernel: ',
            ' host kernel: ',
            ': [ 12.5] ',
            ' [ 1.5] x',
            ' 6 10:00:00 h kernel: ',
            ' 2026-12-05 16:23:08 UTC h a[1]: x',
            ':00:52 oom',
          ),
          fc.string({ unit, maxLength: 8 }),
        )
        .map((parts) => parts.join('')),
    },
  );

  it('passes every generated line that its pattern matches', () => {
    matchedBy.clear();
    let matched = 0;
    fc.assert(
      fc.property(start, (text) => {
        matched += expectPassedWhereMatched(text);
      }),
      // Enough runs that the rarest pattern (logread's, one generator of many) matches dozens of lines.
      { numRuns: 50000 },
    );
    expect(matched).toBeGreaterThan(200);
    // The syslog-like patterns, whose test looks past the first character, each matched many of them; logread's
    // too.
    const syslogLike = PREFIXES_BY_FREQUENCY.filter((prefix) =>
      /^\^(?:\(\?:<\\d\{1,3\}>\)\?)?(?:\(\?!\S+?\))?\(?\\S\{1,12\}/.test(prefix.pattern.source),
    );
    expect(syslogLike).toHaveLength(5);
    for (const prefix of [...syslogLike, LOGREAD, TAG_ONLY, TIME_OF_DAY, SEVERITY])
      expect(matchedBy.get(prefix.pattern)).toBeGreaterThan(10);
  });
});

/**
 * What mayStartAnyPrefix turns away, so that readLogRecord tries no stage on it: a whole call-trace frame (which holds
 * only if no stage would take anything off it, whatever its module's brackets hold), a task-table row, an index.
 */
describe('a text no prefix starts', () => {
  const hex = fc.stringMatching(/^[0-9a-f]{1,16}$/);
  const symbol = fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9_.$]{1,24}$/),
    fc.constantFrom('kernel', 'Dec', 'kern', '2026', '1234567890.5', '12', 'MESSAGE', 'err', 'x.cold'),
  );
  const offset = fc.tuple(hex, hex).map(([at, size]) => `+0x${at}/0x${size}`);
  // What a module's brackets may hold as the frame's pattern reads them: anything but `]`.
  const moduleUnit = fc.constantFrom(...'ab_ .:0123456789-[<>|TCkernl,;'.split(''), 'kernel:', ' 12:34:56');
  const module = fc.oneof(
    fc.constant(''),
    fc.constantFrom(' [nf_conntrack]', ' [xfs]', ' [i915]'),
    fc.string({ unit: moduleUnit, maxLength: 14 }).map((inside) => ` [${inside}]`),
  );
  const frame = fc.oneof(
    fc
      .tuple(
        fc.constantFrom('', '[<ffffffff8172d1b9>] ', '[c0000000] [c0000001] '),
        fc.constantFrom('', '? '),
        symbol,
        offset,
        module,
        fc.constantFrom('', ' (O)', ' (E)', ' (unreliable)'),
      )
      .map((parts) => parts.join('')),
    fc
      .tuple(fc.constantFrom('', '[<c05ba42c>] ', '[<c05ba42c>]'), symbol, module, symbol, offset, module)
      .map(([address, caller, callerModule, callee, at, calleeModule]) => {
        return `${address}(${caller}${callerModule}) from [<c00b5e00>] (${callee}${at}${calleeModule})`;
      }),
    fc
      .tuple(symbol, module, symbol, offset, module)
      .map(([caller, callerModule, callee, at, calleeModule]) => {
        return `${caller}${callerModule} from ${callee}${at}${calleeModule}`;
      }),
  );
  const framed = fc
    .tuple(
      fc.constantFrom('', ' ', '  ', '   ', '\t', '\u00a0', ' \t'),
      frame,
      fc.constantFrom('', ' ', '\t'),
    )
    .map((parts) => parts.join(''));

  it('is turned away: frames (unless a bracket in them opens as a printk time), rows, indices', () => {
    for (const text of [
      ' __schedule+0x2a5/0x8a0',
      '__schedule+0x2a5/0x8a0',
      '  ? __pfx_kthread+0x10/0x10',
      '[<ffffffff8172d1b9>] dump_stack+0x64/0x82',
      '[c0000000fb8ffa10] [c000000000b1e4c8] dump_stack+0xb0/0xf4 (unreliable)',
      ' nf_hook_slow+0x40/0xb0 [nf_conntrack]',
      '[<c05ba42c>] (dump_header.isra.8+0x78/0x17c) from [<c00b5e00>] (oom_kill_process+0x6c/0x360)',
      // Not frames, but turned away as well: a task-table row, an index, what follows a word and a colon.
      '[   2874]     0  2874    18790    17950    16288     1662         0             0 python3',
      '[0] 0 1 ',
      '1 UID: 0 PID: 17777 Comm: python3 Not tainted 6.18.44-fc-v657 #1',
    ])
      expect({ text, mayStart: mayStartAnyPrefix(text) }).toEqual({ text, mayStart: false });
    for (const text of [' foo+0x1/0x2 [12.5] (O)', ' foo [ 3.25] from bar+0x1/0x2', '[ 12.5] foo+0x1/0x2'])
      expect({ text, mayStart: mayStartAnyPrefix(text) }).toEqual({ text, mayStart: true });
  });

  it('is, for a whole frame, one that no prefix matches and no stage takes anything off', () => {
    let turnedAway = 0;
    fc.assert(
      fc.property(framed, (text) => {
        expectPassedWhereMatched(text);
        if (mayStartAnyPrefix(text)) return;
        turnedAway++;
        for (const stage of STAGES) {
          const entry = blankEntry(text);
          expect({ text, stage: stage.name, rest: stage(text, entry) }).toEqual({
            text,
            stage: stage.name,
            rest: null,
          });
          expect(entry).toEqual(blankEntry(text));
        }
      }),
      { numRuns: 20000 },
    );
    expect(turnedAway).toBeGreaterThan(10000);
  });
});
