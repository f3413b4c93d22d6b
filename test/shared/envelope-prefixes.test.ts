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
  // What no prefix may start, readLogRecord reads without trying them: it must pass whatever one matches.
  if (matched > 0) expect({ text, anyPassed: mayStartAnyPrefix(text) }).toEqual({ text, anyPassed: true });
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
