import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'cpu'>[] = [
  {
    source: 'test/fixtures/kernel-logs/kernel-6.18-cgroupv1-memcg.dmesg.log',
    line: 'CPU: 0 UID: 0 PID: 2874 Comm: python3 Not tainted 6.18.44-fc-v657 #1 PREEMPT(none) ',
    expected: { pid: 2874, name: 'python3' },
  },
  {
    source: 'kubernetes/kubernetes#56891 (3.10)',
    line: 'CPU: 9 PID: 14881 Comm: java Tainted: G    B          ------------ T 3.10.0-327.4.5.el7.x86_64 #1',
    expected: { pid: 14881, name: 'java' },
  },
  {
    source:
      'test/fixtures/kernel-logs/corpus/29-dmesg-xT-el9-containerd-guaranteed.log (a crash kernel loaded)',
    line: 'CPU: 1 PID: 1586622 Comm: xray Kdump: loaded Not tainted 5.14.0-333.el9.x86_64 #1',
    expected: { pid: 1586622, name: 'xray' },
  },
];

describeRealLines('cpu', LINES);
