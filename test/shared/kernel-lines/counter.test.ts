import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'counter'>[] = [
  {
    source: 'test/fixtures/kernel-logs/kernel-6.18-cgroupv1-memcg.dmesg.log',
    line: 'memory: usage 65536kB, limit 65536kB, failcnt 98',
    expected: { counter: 'memory', usageKb: 65536, limitKb: 65536, failcnt: 98 },
  },
  {
    source: 'test/fixtures/kernel-logs/kernel-6.18-cgroupv1-memcg.dmesg.log',
    line: 'memory+swap: usage 65536kB, limit 9007199254740988kB, failcnt 0',
    expected: { counter: 'memory+swap', usageKb: 65536, limitKb: 9007199254740988, failcnt: 0 },
  },
  {
    source: 'kernel format: mm/memcontrol.c mem_cgroup_print_oom_meminfo (cgroup v2)',
    line: 'swap: usage 0kB, limit 9007199254740988kB, failcnt 0',
    expected: { counter: 'swap', usageKb: 0, limitKb: 9007199254740988, failcnt: 0 },
  },
];

describeRealLines('counter', LINES);
