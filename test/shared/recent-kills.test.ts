import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecentKill } from '../../shared/assembler-state.ts';
import { withinSeconds } from '../../shared/open-report.ts';
import { nthId, RecentKills, stampedAt } from '../../shared/recent-kills.ts';

describe('RecentKills', () => {
  it('knows an id while any kept kill has it, duplicates counted', () => {
    const a = { id: 'a', pid: 7, name: 'x', time: 1 };
    const coVictim = { id: '', pid: 7, name: 'y', time: 1 };
    const list = [a, coVictim];
    const recent = new RecentKills(list, 2);
    expect([recent.hasId('a'), recent.hasId(''), recent.hasId('b')]).toEqual([true, true, false]);
    recent.add([{ id: '', pid: 8, name: 'z', time: 2 }]);
    expect([recent.hasId('a'), recent.hasId('')]).toEqual([false, true]);
    recent.add([{ id: 'b', pid: null, name: null, time: null }]);
    expect([recent.hasId(''), recent.hasId('b')]).toEqual([true, true]);
    recent.add([{ id: 'c', pid: null, name: null, time: null }]);
    expect([recent.hasId(''), recent.hasId('b'), recent.hasId('c')]).toEqual([false, true, true]);
  });

  it('finds a kept kill by pid and comm near a time, an unknown time being near any', () => {
    const list = [
      { id: 'a', pid: 7, name: 'x', time: 100 },
      { id: 'b', pid: 7, name: null, time: null },
    ];
    const recent = new RecentKills(list, 3);
    expect([
      recent.hasVictim(7, 'x', 102, 2),
      recent.hasVictim(7, 'x', 103, 2),
      recent.hasVictim(7, 'x', null, 2),
      recent.hasVictim(7, 'y', 100, 2),
      recent.hasVictim(8, 'x', 100, 2),
      recent.hasVictim(7, null, 5000, 2),
      recent.hasVictim(7, '', 5000, 2),
    ]).toEqual([true, true, true, true, false, true, true]);
    // Kill b's comm (a kill line cut inside it) and time are unknown: it is near any of pid 7. Without it:
    const named = new RecentKills([{ id: 'a', pid: 7, name: 'x', time: 100 }], 3);
    expect([
      named.hasVictim(7, 'x', 103, 2),
      named.hasVictim(7, 'y', 100, 2),
      named.hasVictim(7, null, 101, 2),
      named.hasVictim(7, '', 100, 2),
    ]).toEqual([false, false, true, false]);
  });

  it('finds a kill among later ones whose times step back (a log read twice), until the step leaves', () => {
    const kill = (id: string, time: number | null) => ({ id, pid: 7, name: 'x', time });
    const list = [kill('a', 100), kill('b', 5000), kill('c', 3)];
    const recent = new RecentKills(list, 3);
    expect([recent.hasVictim(7, 'x', 101, 2), recent.hasVictim(7, 'x', 4, 2)]).toEqual([true, true]);
    recent.add([kill('d', 6000), kill('e', 7000)]);
    expect([recent.hasVictim(7, 'x', 101, 2), recent.hasVictim(7, 'x', 4, 2)]).toEqual([false, true]);
    recent.add([kill('f', 8000)]);
    expect([recent.hasVictim(7, 'x', 4, 2), recent.hasVictim(7, 'x', 6001, 2)]).toEqual([false, true]);
    recent.add([kill('g', null), kill('h', 9000), kill('i', 9500)]);
    expect(recent.hasVictim(7, 'x', 1, 2)).toBe(true);
  });

  it('takes a time on the other clock for an unknown one, for the kill sent last: one kill quoted as dmesg and as syslog printed it', () => {
    const wall = 1_782_364_960.5;
    const dmesg = new RecentKills([], 3);
    dmesg.add([{ id: 'a', pid: 7, name: 'x', time: 500_082.9 }]);
    expect([
      dmesg.hasVictim(7, 'x', wall, 2),
      dmesg.hasVictim(7, 'x', 500_090, 2),
      dmesg.hasVictim(7, 'y', wall, 2),
    ]).toEqual([true, false, false]);
    // Kills of one pid on both clocks: a search from the newest cannot stop at the first one too old.
    const both = new RecentKills([], 4);
    both.add([
      { id: 'a', pid: 7, name: 'x', time: 10 },
      { id: 'b', pid: 7, name: 'x', time: wall },
      { id: 'c', pid: 7, name: 'x', time: wall + 50 },
    ]);
    // c, sent last, is on the other clock than 100; a, on the other clock than wall + 100, was not sent last.
    expect([both.hasVictim(7, 'x', 100, 2), both.hasVictim(7, 'x', wall + 100, 2)]).toEqual([true, false]);
    both.add([{ id: 'd', pid: 7, name: 'x', time: 12 }]);
    expect([both.hasVictim(7, 'x', wall + 100, 2), both.hasVictim(7, 'x', 1000, 2)]).toEqual([true, false]);
  });

  it('a kill on the other clock, not the one sent last, is the same only when the new one shows a figure of its own alike', () => {
    // A review: a fragment without figures, months later on the wall clock, is no copy of an older kill.
    const wall = 1_782_364_960.5;
    // gfp mask, trigger pid, memory usage, limit, failcnt, total-vm, anon-rss, pgtables, uid, oom_score_adj.
    const kept = {
      id: 'a',
      pid: 7,
      name: 'x',
      time: 301,
      evidence: ['0xcc0(GFP_KERNEL)', 7, 65536, 65536, 98, 75160, 65152, 184, 0, 0],
      rank: 600,
    };
    const later = { id: 'z', pid: 9, name: 'y', time: 900 };
    const stored = new RecentKills([kept, later], 3);
    const none = [null, null, null, null, null, null, null, null, null, null];
    const shared = ['0xcc0(GFP_KERNEL)', 7, 65536, 65536, null, null, null, null, 0, 0];
    const own = [null, null, null, null, null, 75160, null, null, null, null];
    const victim = { pid: 7, name: 'x', time: wall };
    expect([
      stored.hasVictim(7, 'x', wall, 2),
      stored.match('b', victim, 2, none).copy,
      stored.match('b', victim, 2, shared).copy,
      stored.match('b', victim, 2, own).copy,
    ]).toEqual([false, null, null, kept]);
    // Sent last, a stored state's kill is a copy's as in one call: a batch end between changes nothing.
    expect(new RecentKills([kept], 3).match('b', victim, 2, none).copy).toBe(kept);
  });

  it('lets the oldest kills go beyond the number kept, and leaves the list holding the kept ones', () => {
    const list = [{ id: 'a', pid: 7, name: 'x', time: 1 }];
    const recent = new RecentKills(list, 2);
    recent.add([
      { id: 'b', pid: 7, name: 'x', time: 50 },
      { id: 'c', pid: 9, name: 'x', time: 1 },
    ]);
    expect([recent.hasVictim(7, 'x', 1, 2), recent.hasVictim(7, 'x', 50, 2)]).toEqual([false, true]);
    recent.settle();
    expect(list.map((k) => k.id)).toEqual(['b', 'c']);
  });
});

describe('RecentKills.match: the kill a new one is a copy of', () => {
  // gfp mask, trigger pid, memory usage, limit, failcnt, total-vm, anon-rss, pgtables, uid, oom_score_adj.
  const FIRST_BOOT = ['0x6200ca', 2746, 524288, 524288, 158965, 536704, 521176, null, null, null];
  const SECOND_BOOT = ['0x600040', 2746, 524288, 524288, 7221, 536704, 518264, null, null, null];
  const FRAGMENT = [null, null, null, null, null, 536704, 521176, null, null, null];
  const leaker = { pid: 2746, name: 'leaker', time: null };

  it('is the kill with its id or its pid and comm near its time, unless what both show differs', () => {
    const first = { id: 'a', ...leaker, evidence: FIRST_BOOT, rank: 600 };
    const recent = new RecentKills([first], 8);
    expect(recent.match('a', leaker, 2, FIRST_BOOT)).toEqual({ copy: first, id: null });
    expect(recent.match('b', leaker, 2, FRAGMENT)).toEqual({ copy: first, id: null });
    expect(recent.match('a', leaker, 2, SECOND_BOOT)).toEqual({ copy: null, id: nthId('a', 1) });
    expect(recent.match('b', { ...leaker, pid: 9 }, 2, FIRST_BOOT)).toEqual({ copy: null, id: 'b' });
  });

  it('finds a kill sent under a derived id, and gives the next free one', () => {
    const second = { id: nthId('a', 1), ...leaker, evidence: SECOND_BOOT, rank: 600 };
    const third = [...SECOND_BOOT.slice(0, 4), 9, ...SECOND_BOOT.slice(5)];
    const recent = new RecentKills([{ id: 'a', ...leaker, evidence: FIRST_BOOT, rank: 600 }, second], 8);
    expect(recent.match('a', { pid: null, name: null, time: null }, 2, SECOND_BOOT).copy).toBe(second);
    expect(recent.match('a', leaker, 2, third)).toEqual({ copy: null, id: nthId('a', 2) });
    expect(new Set([nthId('a', 0), nthId('a', 1), nthId('a', 2)]).size).toBe(3);
  });

  it('is a kill with no clock under the same stamp and host whatever the figures; another stamp needs them alike', () => {
    const stamp = stampedAt({
      kernelTime: null,
      wallTime: null,
      stamp: 'Jun 29 15:39:16',
      host: 'server-03',
    });
    const first = { id: 'a', ...leaker, stamp, evidence: FIRST_BOOT, rank: 600 };
    const recent = new RecentKills([first], 8);
    expect(recent.match('b', { ...leaker, stamp }, 2, SECOND_BOOT)).toEqual({ copy: first, id: null });
    expect(recent.match('a', { ...leaker, stamp }, 2, SECOND_BOOT)).toEqual({ copy: first, id: null });
    for (const other of [
      { kernelTime: null, wallTime: null, stamp: 'Jun 29 15:39:17', host: 'server-03' },
      { kernelTime: null, wallTime: null, stamp: 'Jun 29 15:39:16', host: 'server-04' },
      { kernelTime: null, wallTime: null, stamp: 'Jun 29 15:39:16', host: null },
    ])
      expect(recent.match('b', { ...leaker, stamp: stampedAt(other) }, 2, SECOND_BOOT).copy).toBeNull();
    expect(recent.match('b', leaker, 2, SECOND_BOOT).copy).toBeNull();
    // A stamp beside a clock is no place in time of its own: the clock is the kill's time.
    expect(
      stampedAt({ kernelTime: 5.5, wallTime: null, stamp: 'Jun 29 15:39:16', host: 'h' }),
    ).toBeUndefined();
    expect(
      stampedAt({ kernelTime: null, wallTime: '2026-12-07T00:00:00Z', stamp: null, host: 'h' }),
    ).toBeUndefined();
  });

  it('a kill kept before evidence and rank were (a stored state) matches as before, and is never outranked', () => {
    const stored = { id: 'a', pid: 2746, name: 'leaker', time: 5 };
    const recent = new RecentKills([stored], 8);
    expect(recent.match('b', { ...leaker, time: 6 }, 2, SECOND_BOOT).copy).toBe(stored);
    expect(recent.rankOf('a')).toBe(Number.POSITIVE_INFINITY);
    recent.add([
      { id: 'c', ...leaker, evidence: FRAGMENT, rank: 1 },
      { id: 'c', ...leaker, rank: 700 },
    ]);
    expect([recent.rankOf('c'), recent.rankOf('d')]).toEqual([700, Number.NEGATIVE_INFINITY]);
  });
});

describe('RecentKills against a plain list', () => {
  // Seconds since boot, and wall clocks (seconds since the epoch): a time on the other clock is near any.
  const WALL = 1_780_000_000;
  const time = fc.oneof(
    fc.constant(null),
    fc.constant(Number.NaN),
    fc.integer({ min: 0, max: 20 }),
    fc.double({ min: 0, max: 20 }),
    fc.integer({ min: WALL, max: WALL + 20 }),
  );
  const onOtherClocks = (a: number | null, b: number | null): boolean =>
    a !== null && b !== null && Number.isFinite(a) && Number.isFinite(b) && a >= WALL !== b >= WALL;
  /** The kill sent last in the plain list, co-victims aside, and whether `k` is it or sent under its id. */
  const sentLast = (list: readonly RecentKill[], k: RecentKill): boolean => {
    const last = list.findLast((kill) => kill.id !== '');
    return last !== undefined && (k === last || (k.id !== '' && k.id === last.id));
  };
  const kill = fc.record({
    id: fc.constantFrom('a', 'b', 'c', ''),
    pid: fc.option(fc.integer({ min: 1, max: 3 })),
    name: fc.option(fc.constantFrom('x', 'y'), { nil: null }),
    time,
  });
  const step = fc.oneof(
    fc.array(kill, { minLength: 1, maxLength: 3 }).map((kills) => ({ add: kills })),
    fc.record({
      pid: fc.integer({ min: 1, max: 3 }),
      name: fc.constantFrom('x', 'y', null),
      time,
      seconds: fc.constantFrom(0, 2, 120),
    }),
  );

  it('answers as a walk over the last kept kills does, and keeps those in the list', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(step, { maxLength: 30 }), (kept, steps) => {
        const list: RecentKill[] = [];
        const plain: RecentKill[] = [];
        const recent = new RecentKills(list, kept);
        for (const s of steps) {
          if ('add' in s) {
            recent.add(s.add);
            plain.push(...s.add);
            plain.splice(0, Math.max(0, plain.length - kept));
            continue;
          }
          const near = plain.some(
            (k) =>
              k.pid === s.pid &&
              (k.name === s.name || k.name === null || s.name === null) &&
              ((onOtherClocks(k.time, s.time) && sentLast(plain, k)) ||
                withinSeconds(k.time, s.time, s.seconds)),
          );
          expect(recent.hasVictim(s.pid, s.name, s.time, s.seconds)).toBe(near);
          for (const id of ['a', 'b', 'c', '']) expect(recent.hasId(id)).toBe(plain.some((k) => k.id === id));
        }
        recent.settle();
        expect(list).toEqual(plain);
      }),
      { numRuns: 2000 },
    );
  });
});
