import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecentKill } from '../../shared/assembler-state.ts';
import { withinSeconds } from '../../shared/open-report.ts';
import { RecentKills } from '../../shared/recent-kills.ts';

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
    ]).toEqual([true, false, true, false, false, true, false]);
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

describe('RecentKills against a plain list', () => {
  const time = fc.oneof(
    fc.constant(null),
    fc.constant(Number.NaN),
    fc.integer({ min: 0, max: 20 }),
    fc.double({ min: 0, max: 20 }),
  );
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
            (k) => k.pid === s.pid && k.name === s.name && withinSeconds(k.time, s.time, s.seconds),
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
