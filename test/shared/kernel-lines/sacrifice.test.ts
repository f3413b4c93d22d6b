import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'sacrifice'>[] = [
  {
    source: 'kubernetes/kubernetes#56891 (3.10)',
    line: 'Memory cgroup out of memory: Kill process 24572 (java) score 0 or sacrifice child',
    expected: { message: 'Memory cgroup out of memory', pid: 24572, name: 'java', score: 0 },
  },
];

describeRealLines('sacrifice', LINES);
