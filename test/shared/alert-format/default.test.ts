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

describe('alertDefault: a memory.oom.group kill', () => {
  it('says how many processes died with the victim, all of them, not only those listed', () => {
    const base = exampleEvent('container-limit');
    const event = {
      ...base,
      coVictims: [{ pid: 41873, name: 'node', anonRssKb: 1024 }],
      coVictimCount: 312,
    };
    expect(alertDefault(event, 'subject')).toContain('312 more processes killed with it (memory.oom.group).');
    expect(alertDefault(base, 'subject')).not.toContain('memory.oom.group');
  });
});
