import { describe, expect, it } from 'vitest';
import { alertDefault } from '../../../shared/alert-format/default.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';

describe('alertDefault', () => {
  it('child-process kill: says the container kept running', () => {
    expect(alertDefault(exampleEvent('child-process'), 'subject')).toContain(
      'Child process killed, container kept running.',
    );
  });
});
