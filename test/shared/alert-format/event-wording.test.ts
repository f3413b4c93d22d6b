import { describe, expect, it } from 'vitest';
import { victimKindOf } from '../../../shared/alert-format/event-wording.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';

describe('victimKindOf', () => {
  it('an unenriched pod kill is an unresolved pod', () => {
    expect(victimKindOf(exampleEvent('unenriched'))).toBe('unresolved-pod');
  });
});
