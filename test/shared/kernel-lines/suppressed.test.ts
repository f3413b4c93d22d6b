import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'suppressed'>[] = [
  {
    source: 'kernel format: lib/ratelimit.c ___ratelimit (printk_ratelimited in mm/oom_kill.c)',
    line: 'oom_kill_process: 3 callbacks suppressed',
    expected: { function: 'oom_kill_process', count: 3 },
  },
];

describeRealLines('suppressed', LINES);
