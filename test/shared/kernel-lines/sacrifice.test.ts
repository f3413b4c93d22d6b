import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'sacrifice'>[] = [
  {
    source: 'kubernetes/kubernetes#56891 (3.10)',
    line: 'Memory cgroup out of memory: Kill process 24572 (java) score 0 or sacrifice child',
    expected: { message: 'Memory cgroup out of memory', pid: 24572, name: 'java', score: 0 },
  },
  {
    source:
      'a Chinese blog, `dmesg -T -d`: the author put a path where the comm was, longer than any comm (red team G/16)',
    line: 'Out of memory: Kill process 21797 (/path/to/command) score 394 or sacrifice child',
    expected: { message: 'Out of memory', pid: 21797, name: null, score: 394 },
  },
];

describeRealLines('sacrifice', LINES);
