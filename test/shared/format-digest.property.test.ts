import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDigest } from '../../shared/format-digest.ts';
import { gsm7Length } from '../../shared/format-text.ts';
import { stormGroupOf } from '../../shared/storm-window.ts';
import { arbitraryEvent, PRINTABLE_ASCII } from '../fixtures/enriched/arbitrary-event.ts';

describe('digest texts over generated events', () => {
  it('digest subject and sms keep the same limits', () => {
    fc.assert(
      fc.property(
        arbitraryEvent,
        fc.integer({ min: 2, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1440 }),
        (e, kills, minutes) => {
          const digest = formatDigest(
            {
              group: stormGroupOf(e),
              openedAt: 0,
              closesAt: minutes * 60_000,
              kills,
              firstKillAt: '1970-01-01T00:00:00Z',
              lastKillAt: e.observedAt ?? '1970-01-01T00:00:00Z',
              lastEventId: e.id,
            },
            { eventsLogGroupName: null },
          );
          expect(digest.subject.length).toBeLessThanOrEqual(99);
          expect(digest.subject).toMatch(PRINTABLE_ASCII);
          expect(gsm7Length(digest.sms)).toBeLessThanOrEqual(160);
          expect(digest.sms).toMatch(PRINTABLE_ASCII);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
