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
  {
    // A u64 counter that wrapped below zero: no number holds it exactly, so it is unknown (seventeenth red team C/03).
    source: 'linux-mm, Bruno Prémont, 2018-02-15 (corpus 214, its quoted-printable soft break joined)',
    line: 'memory: usage 18446744073709537436kB, limit 16777216kB, failcnt 44',
    expected: { counter: 'memory', usageKb: null, limitKb: 16777216, failcnt: 44 },
  },
];

describeRealLines('counter', LINES);
