import { describe, expect, it } from 'vitest';
import { RecentKillCounts } from '../../shared/recent-kills.ts';

describe('RecentKillCounts', () => {
  it('knows an id or a pid while any kill in the list has it, duplicates counted', () => {
    const a = { id: 'a', pid: 7, name: 'x', time: 1 };
    const coVictim = { id: '', pid: 7, name: 'y', time: 1 };
    const counts = new RecentKillCounts([a, coVictim]);
    expect([counts.hasId('a'), counts.hasId(''), counts.hasPid(7), counts.hasPid(8)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    counts.remove(a);
    expect([counts.hasId('a'), counts.hasPid(7)]).toEqual([false, true]);
    counts.remove(coVictim);
    expect([counts.hasId(''), counts.hasPid(7)]).toEqual([false, false]);
    counts.add({ id: 'b', pid: null, name: null, time: null });
    expect([counts.hasId('b'), counts.hasPid(7)]).toEqual([true, false]);
  });
});
