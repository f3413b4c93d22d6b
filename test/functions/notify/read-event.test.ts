import { describe, expect, it } from 'vitest';
import { readEnrichedEvent } from '../../../functions/notify/read-event.ts';
import { EXAMPLE_KINDS, exampleEvent } from '../../fixtures/enriched/examples.ts';

describe('readEnrichedEvent', () => {
  it.each(EXAMPLE_KINDS)('accepts the %s example as it is', (kind) => {
    const event = exampleEvent(kind);
    expect(readEnrichedEvent(event)).toEqual({ ok: true, event });
  });

  it('names the first field that is wrong', () => {
    const event = exampleEvent('container-limit');
    expect(readEnrichedEvent('OOM')).toEqual({ ok: false, problem: 'the event detail is not an object' });
    expect(readEnrichedEvent({ ...event, schemaVersion: 2 })).toEqual({
      ok: false,
      problem: 'field "schemaVersion" is missing or has the wrong type for an EnrichedOomEvent',
    });
    expect(readEnrichedEvent({ ...event, victim: { ...event.victim, pid: '41872' } })).toEqual({
      ok: false,
      problem: 'field "victim.pid" is missing or has the wrong type for an EnrichedOomEvent',
    });
    const withoutTasks: Record<string, unknown> = { ...event };
    delete withoutTasks.tasks;
    expect(readEnrichedEvent(withoutTasks)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('"tasks"'),
    });
    expect(
      readEnrichedEvent({ ...event, kubernetes: { ...event.kubernetes, namespace: null } }),
    ).toMatchObject({
      ok: false,
      problem: expect.stringContaining('"kubernetes.namespace"'),
    });
    expect(readEnrichedEvent({ ...event, impact: 'oops' })).toMatchObject({ ok: false });
  });
});
