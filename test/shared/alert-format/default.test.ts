import { describe, expect, it } from 'vitest';
import { alertDefault } from '../../../shared/alert-format/default.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';
import { cgroupOnlyKill, selectionOnlyKill } from '../../fixtures/enriched/partial-kills.ts';

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

describe('alertDefault: processes killed because they shared the victim’s memory (corpus 87)', () => {
  it('says why they died with it', () => {
    const base = exampleEvent('container-limit');
    const event = {
      ...base,
      lines: [...base.lines, 'Kill process 4803 (fool-sysrq-f) sharing same memory'],
      coVictims: [{ pid: 4803, name: 'fool-sysrq-f', anonRssKb: null }],
      coVictimCount: 1,
    };
    expect(alertDefault(event, 'subject')).toContain('1 more process killed with it (sharing its memory).');
  });
});

describe('alertDefault: a kill the kernel told only in part (parsed from the corpus)', () => {
  it('says, after the subject, what is not known of the process', () => {
    expect(alertDefault(selectionOnlyKill(), 'subject').split('\n')[1]).toBe(
      'The kernel chose java (pid 27281) but its "Killed process" line was not seen. When the chosen process has ' +
        'a child to sacrifice, the kernel kills the child instead: the process killed may have been a child of ' +
        'java (pid 27281).',
    );
    expect(alertDefault(cgroupOnlyKill(), 'subject').split('\n')[1]).toBe(
      'Which process was killed is not known: the kernel lines seen name only its cgroup.',
    );
  });
});
