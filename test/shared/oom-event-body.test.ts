import { describe, expect, it } from 'vitest';
import { readOomEventBody } from '../../shared/oom-event-body.ts';
import { oomEvent } from '../fixtures/kubernetes-objects.ts';

describe('readOomEventBody', () => {
  it('reads back what the parser sent', () => {
    const event = oomEvent();
    expect(readOomEventBody(JSON.stringify(event))).toEqual({ ok: true, event });
  });

  it.each([
    ['not json', /^body is not JSON: /],
    ['[1,2]', /^body is not a JSON object$/],
    [
      JSON.stringify({ ...oomEvent(), schemaVersion: 2 }),
      /^body is not an OomEvent: schemaVersion is 2, not 1$/,
    ],
    [JSON.stringify({ ...oomEvent(), id: '' }), /^body is not an OomEvent: id is not a non-empty string$/],
    [
      JSON.stringify({ ...oomEvent(), pod: { qos: null } }),
      /^body is not an OomEvent: pod is not null or \{uid\}$/,
    ],
    [
      JSON.stringify({ ...oomEvent(), container: 'abc' }),
      /^body is not an OomEvent: container is not null or \{id\}$/,
    ],
    [
      JSON.stringify({ ...oomEvent(), victim: { ...oomEvent().victim, pid: '12' } }),
      /^body is not an OomEvent: victim.pid is not a number or null$/,
    ],
    [
      JSON.stringify({ ...oomEvent(), cgroup: null }),
      /^body is not an OomEvent: cgroup is not \{oom, task\}$/,
    ],
    [JSON.stringify({ ...oomEvent(), lines: 'x' }), /^body is not an OomEvent: lines is not an array$/],
  ])('names what is wrong with %s', (body, reason) => {
    const read = readOomEventBody(body);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.reason).toMatch(reason);
  });
});
