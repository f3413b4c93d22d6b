import { describe, expect, it } from 'vitest';
import { glueAfter } from '../../shared/line-glue.ts';
import { parseKernelLog } from '../../shared/kernel-log.ts';

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

describe('a kill message cut before its kill line, below prose (43rd red team A/05, corpus 273)', () => {
  const kill =
    'Killed process 2004 (tailscaled) total-vm:1313600kB, anon-rss:34604kB, file-rss:8kB, shmem-rss:0kB, UID:0 pgtables:292kB oom_score_adj:0';
  it.each([
    ['quoted, the global message', '> [49461.739303] Out of memory: ', `> ${kill}`, 'system'],
    ['bare, the memcg message', '[49461.739303] Memory cgroup out of memory: ', kill, 'memcg'],
  ])('joins the rest however long it is: %s', (_name, head, rest, constraint) => {
    const { events, drift } = parseKernelLog(
      ['I experience that Tailscaled gets killed due to OOM:', '', head, rest, '', 'Any tweaking?'].join(
        '\n',
      ),
    );
    expect(events.map((e) => [e.victim.pid, e.kernelTime, e.constraint])).toEqual([
      [2004, 49461.739303, constraint],
    ]);
    expect(drift.map((d) => d.text)).not.toContain(head.replace(/^> /, '').trim());
  });
});
