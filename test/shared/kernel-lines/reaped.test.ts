import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'reaped'>[] = [
  {
    source: 'test/fixtures/kernel-logs/journalctl-4.18-el8-truncated.log',
    line: 'oom_reaper: reaped process 1735923 (systembusin), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
    expected: { pid: 1735923, name: 'systembusin' },
  },
  {
    source:
      'linux-mm, "[PATCH 2/2] mm,oom_reaper: Correct MAX_OOM_REAP_RETRIES\'th attempt.", 4.16 (index file 28605955253)',
    line: 'oom_reaper: unable to reap pid:7558 (a.out)',
    expected: { pid: 7558, name: 'a.out' },
  },
  {
    source:
      'test/fixtures/kernel-logs/corpus/227-lkml-qp-time-of-day-prefix-quoted-kill-pid-glued-to-comm.log (linux-mm, Qian Cai, 2019-09-06: the pid glued to its comm, red team 21 N/01)',
    line: 'oom_reaper: reaped process 25507(oom01), now anon-rss:5647452kB, file-rss:0kB, shmem-rss:0kB',
    expected: { pid: 25507, name: 'oom01', left: 'anon-rss:5647452kB, file-rss:0kB, shmem-rss:0kB' },
  },
];

describeRealLines('reaped', LINES);
