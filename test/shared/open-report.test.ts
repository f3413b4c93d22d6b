import { describe, expect, it } from 'vitest';
import { parseKernelLog } from '../../shared/kernel-log.ts';

describe('task table', () => {
  it('keeps names as printed, spaces and leading digits included', () => {
    const [event] = parseKernelLog(
      [
        '[ 4.0] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
        '[ 4.1] [  19331]  1000 19331   226026    29603  1314816        0           999 npm start',
        '[ 4.2] [  19332]  1000 19332   226026    29000  1314816        0           999 01  x',
        '[ 4.3] Memory cgroup out of memory: Killed process 19331 (npm start) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB',
      ].join('\n'),
    ).events;
    expect(event?.tasks.map((t) => [t.pid, t.name, t.rssKb])).toEqual([
      [19331, 'npm start', 29603 * 4],
      [19332, '01  x', 29000 * 4],
    ]);
  });
});
