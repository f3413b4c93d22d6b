import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'task-row'>[] = [
  {
    source: 'test/fixtures/kernel-logs/kernel-6.18-cgroupv1-memcg.dmesg.log',
    line: '[   2874]     0  2874    18790    17950    16288     1662         0   188416        0             0 python3',
    expected: { pid: 2874, numbers: [0, 2874, 18790, 17950, 16288, 1662, 0, 188416, 0, 0] },
  },
  {
    source: 'vmware/photon#1535 (a comm with a space)',
    line: '[  19331]  1000 19331   226026    29603  1314816        0           999 npm start',
    expected: { pid: 19331, numbers: [1000, 19331, 226026, 29603, 1314816, 0, 999] },
  },
];

describeRealLines('task-row', LINES);
