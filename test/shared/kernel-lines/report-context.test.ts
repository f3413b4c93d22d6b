import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'context'>[] = [
  {
    source:
      'test/fixtures/kernel-logs/kernel-6.18-cgroupv1-memcg.dmesg.log (call-trace frame naming an oom function)',
    line: ' oom_kill_process.cold+0x8/0x8a',
    expected: {},
  },
  {
    source: 'linux-test-project/ltp#1080 (3.10 frame with address)',
    line: '[<ffffffffa25c2974>] pagefault_out_of_memory+0x14/0x90',
    expected: {},
  },
];

describeRealLines('context', LINES);
