import { describe, expect, it } from 'vitest';
import { glueAfter } from '../../shared/line-glue.ts';

describe('glueAfter', () => {
  it('joins a mail wrap with a space, or with nothing after a `/`, a summary’s comma or a space kept', () => {
    expect(glueAfter('Memory cgroup out of memory: Killed process 4242')).toBe(' ');
    expect(glueAfter('oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/kubepods/')).toBe('');
    expect(glueAfter('oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),')).toBe('');
    expect(glueAfter('invoked oom-killer: ')).toBe('');
  });

  it('joins with nothing after a word’s hyphen, where Evolution wraps too (fortieth red team B/01)', () => {
    expect(glueAfter('oom-')).toBe('');
    expect(glueAfter('oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-')).toBe(
      '',
    );
    expect(glueAfter('irqbalance invoked oom-')).toBe('');
    // A dash after a space is no hyphen inside a word.
    expect(glueAfter('the kernel said -')).toBe(' ');
  });
});
