import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAlert } from '../../shared/alert-format.ts';
import { formatDigest } from '../../shared/format-digest.ts';
import { gsm7Length } from '../../shared/format-text.ts';
import type { EnrichedOomEvent } from '../../shared/oom-event.ts';
import { stormGroupOf } from '../../shared/storm-window.ts';
import { EXAMPLE_KINDS, exampleEvent } from '../fixtures/enriched/examples.ts';

/** Comms the kernel really prints, plus anything at all (a comm is whatever the process set). */
const HOSTILE_NAMES = [
  'CPU 11/KVM',
  'runc:[2:INIT]',
  'Web Content',
  '(sd-pam)',
  'a,b:c',
  'x\ny',
  '\u001b[31m',
  '日本語',
  '🙂',
];
const name = fc.oneof(
  fc.constantFrom(...HOSTILE_NAMES),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
);
const nullableName = fc.option(name, { nil: null });
const kb = fc.option(fc.oneof(fc.nat(), fc.constant(9007199254740988)), { nil: null });

const event: fc.Arbitrary<EnrichedOomEvent> = fc
  .record({
    base: fc.constantFrom(...EXAMPLE_KINDS),
    victimName: nullableName,
    namespace: fc.oneof(name, fc.constant('n'.repeat(63))),
    workload: fc.oneof(name, fc.constant('w'.repeat(253))),
    container: nullableName,
    node: nullableName,
    cluster: name,
    limitKb: kb,
    usageKb: kb,
    limitScope: fc.constantFrom('container', 'pod', 'qos', 'kubepods', 'node', 'other', null),
    constraint: fc.constantFrom('memcg', 'system', null),
    observedAt: fc.option(
      fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.string(),
      ),
      { nil: null },
    ),
    memoryLimit: nullableName,
  })
  .map((g) => {
    const base = exampleEvent(g.base);
    return {
      ...base,
      cluster: g.cluster,
      node: g.node,
      observedAt: g.observedAt,
      constraint: g.constraint,
      limitScope: g.limitScope,
      victim: { ...base.victim, name: g.victimName },
      memory: { usageKb: g.usageKb, limitKb: g.limitKb, failcnt: null, swapUsageKb: null, swapLimitKb: null },
      kubernetes:
        base.kubernetes === null
          ? null
          : {
              ...base.kubernetes,
              namespace: g.namespace,
              container: g.container,
              memoryLimit: g.memoryLimit,
              workload: { kind: 'Deployment', name: g.workload },
            },
    } satisfies EnrichedOomEvent;
  });

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

describe('alert texts over generated events', () => {
  it('subject: printable ASCII, one line, not empty, under 100 characters', () => {
    fc.assert(
      fc.property(event, (e) => {
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
      fc.property(event, (e) => {
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
      fc.property(event, (e) => {
        const alert = formatAlert(e, { eventsLogGroupName: null });
        expect(alert.email).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
        expect(alert.default).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      }),
      { numRuns: 500 },
    );
  });

  it('digest subject and sms keep the same limits', () => {
    fc.assert(
      fc.property(
        event,
        fc.integer({ min: 2, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1440 }),
        (e, kills, minutes) => {
          const digest = formatDigest(
            {
              group: stormGroupOf(e),
              openedAt: 0,
              closesAt: minutes * 60_000,
              kills,
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
