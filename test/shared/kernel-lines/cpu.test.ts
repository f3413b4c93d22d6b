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
  {
    // Before 3.10, x86's dump_stack printed its own header (seventeenth red team C/01).
    source:
      'test/fixtures/kernel-logs/corpus/215-linux-mm-3.2-i386-syslog-allocating-task-sacrifice-child-old-pid-comm-line.log',
    line: 'Pid: 6344, comm: sh Not tainted 3.2.32-pk06.11-i386 #1',
    expected: { pid: 6344, name: 'sh' },
  },
  {
    source: 'a CentOS 6 report in a fenced java block (eighteenth red team F/03)',
    line: 'Pid: 3794, comm: java Not tainted 2.6.32-642.11.1.el6.x86_64 #1',
    expected: { pid: 3794, name: 'java' },
  },
];

describeRealLines('cpu', LINES);
