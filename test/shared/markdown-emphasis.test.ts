import { describe, expect, it } from 'vitest';
import { withoutFigureEmphasis } from '../../shared/markdown-emphasis.ts';

describe('withoutFigureEmphasis', () => {
  it('takes off `**` around a key:value figure and the note after it (red team 20 K/05)', () => {
    expect(
      withoutFigureEmphasis(
        'Killed process 3917368 (VLLM::Worker_TP) total-vm:9737715264kB, **anon-rss:59118944kB (≈56.4 GiB)**',
      ),
    ).toBe('Killed process 3917368 (VLLM::Worker_TP) total-vm:9737715264kB, anon-rss:59118944kB (≈56.4 GiB)');
  });

  it('takes off `__` and `**` around figures after a space or a comma (`key=value` too)', () => {
    expect(withoutFigureEmphasis('Killed process 1 (a) total-vm:1kB, __anon-rss:2kB__, file-rss:3kB')).toBe(
      'Killed process 1 (a) total-vm:1kB, anon-rss:2kB, file-rss:3kB',
    );
    expect(
      withoutFigureEmphasis('oom-kill:constraint=CONSTRAINT_NONE,**task_memcg=/a/b**,task=x,pid=1,uid=0'),
    ).toBe('oom-kill:constraint=CONSTRAINT_NONE,task_memcg=/a/b,task=x,pid=1,uid=0');
  });

  it('leaves the kernel’s own underscores and stars, and marks around no figure, alone', () => {
    const kept = [
      '** 1108 printk messages dropped ** [ 3325.911451] Out of memory (oom_kill_allocating_task): Kill process 1 (a) score 0 or sacrifice child',
      'x invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0',
      ' __alloc_pages_slowpath.constprop.0+0xa5c/0xd80',
      '**Fri Aug  7 08:24:06 2026 kern.info kernel: [13579.902296] oom-kill:constraint=CONSTRAINT_NONE',
      'Killed process 1 (a) total-vm:1kB, **anon-rss:2kB',
      'Killed process 1 (a) total-vm:1kB, **anon-rss:2kB **',
      'Killed process 1 (a) total-vm:1kB, **anon-rss:2kB**x',
      // A comm is any text: marks inside its parentheses stay.
      'Killed process 1 (**a:1**) total-vm:1kB',
      'Killed process 1 (x **a:1**) total-vm:1kB',
    ];
    expect(kept.map(withoutFigureEmphasis)).toEqual(kept);
  });
});
