import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'reaped'>[] = [
  {
    source: 'test/fixtures/kernel-logs/journalctl-4.18-el8-truncated.log',
    line: 'oom_reaper: reaped process 1735923 (systembusin), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
    expected: { pid: 1735923, name: 'systembusin' },
  },
];

describeRealLines('reaped', LINES);
