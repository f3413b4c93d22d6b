import { describe, expect, it } from 'vitest';
import type { KillSighting } from '../../../adapters/state/storm-store.ts';
import {
  digestOf,
  isDigestOwed,
  killStep,
  windowRefsOf,
  type WindowItem,
} from '../../../adapters/state/storm-window-item.ts';
import { stormGroupOf } from '../../../shared/storm-window.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';

const group = stormGroupOf(exampleEvent('container-limit'));
const SLOT = Date.parse('2025-11-20T10:00:00.000Z');
const at = (minute: number) => SLOT + minute * 60_000;
const kill = (eventId: string, minute: number): KillSighting => ({ group, eventId, atMs: at(minute) });
const refs = windowRefsOf(kill('k', 5), 10);

function window(openedMinute: number, fields: Partial<WindowItem> = {}): WindowItem {
  return {
    group,
    openedAt: at(openedMinute),
    closesAt: at(openedMinute + 10),
    kills: 1,
    firstEventId: 'k1',
    lastEventId: 'k1',
    firstKillAt: new Date(at(openedMinute)).toISOString(),
    lastKillAt: new Date(at(openedMinute)).toISOString(),
    latestEventId: 'k1',
    ...fields,
  };
}

describe('windowRefsOf', () => {
  it('names the window of the slot before the kill and of its own slot', () => {
    expect(refs).toEqual({
      previous: { groupKey: group.key, slot: SLOT - 10 * 60_000 },
      current: { groupKey: group.key, slot: SLOT },
    });
  });
});

describe('killStep', () => {
  it('opens the window of its own slot when no window is open at its time', () => {
    expect(killStep(kill('k2', 5), refs, window(-10), undefined)).toEqual({
      kind: 'open',
      ref: refs.current,
    });
  });

  it("counts a new kill in the previous slot's window while that one is still open", () => {
    const previous = window(-3);
    expect(killStep(kill('k2', 5), refs, previous, undefined)).toEqual({
      kind: 'count',
      ref: refs.previous,
      item: previous,
    });
  });

  it('alerts on its own when its slot holds a window closed before it', () => {
    const current = window(0, { closesAt: at(2) });
    expect(killStep(kill('k2', 5), refs, undefined, current)).toEqual({
      kind: 'decided',
      decision: { kind: 'alert', window: null, seenBefore: false },
    });
  });

  it('knows the first kill again: alert while its alert has not gone out, then a repeat', () => {
    expect(killStep(kill('k1', 5), refs, undefined, window(0))).toEqual({
      kind: 'decided',
      decision: { kind: 'alert', window: refs.current, seenBefore: true },
    });
    expect(killStep(kill('k1', 5), refs, undefined, window(0, { alertSentAt: at(1) }))).toEqual({
      kind: 'decided',
      decision: { kind: 'repeat', window: refs.current },
    });
  });

  it('knows the last kill counted again, and lets a kill that comes after the digest was claimed alert alone', () => {
    const counted = window(0, { kills: 2, lastEventId: 'k2' });
    expect(killStep(kill('k2', 5), refs, undefined, counted)).toEqual({
      kind: 'recounted',
      ref: refs.current,
      item: counted,
    });
    expect(killStep(kill('k3', 5), refs, undefined, window(0, { digestClaimedAt: at(11) }))).toEqual({
      kind: 'decided',
      decision: { kind: 'alert', window: null, seenBefore: false },
    });
  });
});

describe('digests', () => {
  it('are owed by a window with later kills until sent', () => {
    expect(isDigestOwed(window(0))).toBe(false);
    expect(isDigestOwed(window(0, { kills: 3 }))).toBe(true);
    expect(isDigestOwed(window(0, { kills: 3, digestSentAt: at(12) }))).toBe(false);
  });

  it("date a window written before kill times were kept from its opening, and name its last kill's event", () => {
    const old = window(0, { kills: 2, lastEventId: 'k2' });
    delete old.firstKillAt;
    delete old.latestEventId;
    expect(digestOf(old)).toMatchObject({
      firstKillAt: '2025-11-20T10:00:00.000Z',
      lastKillAt: '2025-11-20T10:00:00.000Z',
      lastEventId: 'k2',
    });
  });
});
