import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAlert } from '../../../shared/alert-format/format-alert.ts';
import { gsm7Length } from '../../../shared/format-text.ts';
import { arbitraryEvent, PRINTABLE_ASCII } from '../../fixtures/enriched/arbitrary-event.ts';

describe('alert texts over generated events', () => {
  it('subject: printable ASCII, one line, not empty, under 100 characters', () => {
    fc.assert(
      fc.property(arbitraryEvent, (e) => {
        const { subject } = formatAlert(e, { eventsLogGroupName: null });
        expect(subject.length).toBeGreaterThan(0);
        expect(subject.length).toBeLessThanOrEqual(99);
        expect(subject).toMatch(PRINTABLE_ASCII);
        expect(subject).toMatch(/^[A-Za-z0-9]/);
      }),
      { numRuns: 2000 },
    );
  });

  it('sms: printable ASCII in one GSM 7-bit segment of 160', () => {
    fc.assert(
      fc.property(arbitraryEvent, (e) => {
        const { sms } = formatAlert(e, { eventsLogGroupName: null });
        expect(sms).toMatch(PRINTABLE_ASCII);
        expect(sms).not.toContain('`');
        expect(sms.length).toBeLessThanOrEqual(160);
        expect(gsm7Length(sms)).toBeLessThanOrEqual(160);
      }),
      { numRuns: 2000 },
    );
  });

  it('email and default: no raw control character except the line breaks the report itself makes', () => {
    fc.assert(
      fc.property(arbitraryEvent, (e) => {
        const alert = formatAlert(e, { eventsLogGroupName: null });
        expect(alert.email).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
        expect(alert.default).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      }),
      { numRuns: 500 },
    );
  });
});
