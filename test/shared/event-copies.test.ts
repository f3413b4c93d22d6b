import { describe, expect, it } from 'vitest';
import { killSeenRank, saysMoreThanAlert, showsMoreOfKill } from '../../shared/event-copies.ts';
import { oomEvent } from '../fixtures/kubernetes-objects.ts';

const member = (pid: number) => ({ pid, name: 'php-fpm', anonRssKb: 4_000 });

describe('showsMoreOfKill', () => {
  it('puts more co-victims first, then the cgroup line, then more lines of the report', () => {
    const base = oomEvent({ complete: false });
    const moreMembers = oomEvent({ complete: false, coVictims: [member(2)], coVictimCount: 1 });
    const complete = oomEvent({ complete: true });
    const moreLines = oomEvent({
      complete: false,
      source: { logGroup: 'g', logStream: 's', eventIds: ['1', '2', '3'] },
    });
    const fewerLines = oomEvent({
      complete: false,
      source: { logGroup: 'g', logStream: 's', eventIds: ['1'] },
    });
    expect(showsMoreOfKill(moreMembers, complete)).toBe(true);
    expect(showsMoreOfKill(complete, moreMembers)).toBe(false);
    expect(showsMoreOfKill(complete, base)).toBe(true);
    expect(showsMoreOfKill(moreLines, fewerLines)).toBe(true);
    expect(showsMoreOfKill(fewerLines, moreLines)).toBe(false);
  });

  it('puts the kill line’s figures before more lines of the report, as parse does (a review)', () => {
    const lines = (n: number) => ({
      logGroup: 'g',
      logStream: 's',
      eventIds: Array.from({ length: n }, String),
    });
    const noFigures = {
      totalVmKb: null,
      anonRssKb: null,
      fileRssKb: null,
      shmemRssKb: null,
      pgtablesKb: null,
    };
    const choiceAndTable = oomEvent({ complete: false, source: lines(4) });
    const withoutKillLine = { ...choiceAndTable, victim: { ...choiceAndTable.victim, ...noFigures } };
    const killLine = oomEvent({ complete: false, source: lines(2) });
    expect(showsMoreOfKill(killLine, withoutKillLine)).toBe(true);
    expect(showsMoreOfKill(withoutKillLine, killLine)).toBe(false);
    // Not enough to say more than an alert: that takes co-victims or the cgroup line.
    expect(saysMoreThanAlert(killSeenRank(killLine), killSeenRank(withoutKillLine))).toBe(false);
  });

  it('counts a file source by its line numbers, and equal copies show no more than each other', () => {
    const two = oomEvent({ source: { file: 'dmesg.txt', lines: [3, 4] } });
    const one = oomEvent({ source: { file: 'dmesg.txt', lines: [3] } });
    expect(showsMoreOfKill(two, one)).toBe(true);
    expect(showsMoreOfKill(one, two)).toBe(false);
    expect(showsMoreOfKill(two, { ...two })).toBe(false);
  });

  it('an alert is said more of by more co-victims or the cgroup line, not by more lines', () => {
    const alert = oomEvent({ complete: false, source: { logGroup: 'g', logStream: 's', eventIds: ['1'] } });
    const moreLines = { ...alert, source: { logGroup: 'g', logStream: 's', eventIds: ['1', '2', '3'] } };
    const complete = { ...alert, complete: true };
    const member = { ...alert, coVictims: [{ pid: 2, name: 'php-fpm', anonRssKb: 1 }], coVictimCount: 1 };
    expect(saysMoreThanAlert(killSeenRank(moreLines), killSeenRank(alert))).toBe(false);
    expect(saysMoreThanAlert(killSeenRank(complete), killSeenRank(alert))).toBe(true);
    expect(saysMoreThanAlert(killSeenRank(member), killSeenRank(complete))).toBe(true);
    expect(saysMoreThanAlert(killSeenRank(alert), killSeenRank(member))).toBe(false);
  });
});
