import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'already-exiting'>[] = [
  {
    source: 'kernel format: mm/oom_kill.c __oom_kill_process (4.19+)',
    line: 'Memory cgroup out of memory: OOM victim 4242 (php-fpm) is already exiting. Skip killing the task',
    expected: { pid: 4242, name: 'php-fpm' },
  },
];

describeRealLines('already-exiting', LINES);
