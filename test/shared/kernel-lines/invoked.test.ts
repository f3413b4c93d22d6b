import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'invoked'>[] = [
  {
    source: 'test/fixtures/kernel-logs/kernel-6.18-cgroupv1-memcg.dmesg.log',
    line: 'python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
    expected: { name: 'python3', gfpMask: '0xcc0(GFP_KERNEL)', order: 0, oomScoreAdj: 0 },
  },
  {
    source: 'test/fixtures/kernel-logs/journalctl-4.18-el8-truncated.log',
    line: 'systembus invoked oom-killer: gfp_mask=0x6000c0(GFP_KERNEL), nodemask=(null), order=0, oom_score_adj=994',
    expected: { name: 'systembus', gfpMask: '0x6000c0(GFP_KERNEL)', order: 0, oomScoreAdj: 994 },
  },
  {
    source: 'kubernetes/kubernetes#56891 (3.10)',
    line: 'java invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=-998',
    expected: { name: 'java', gfpMask: '0xd0', order: 0, oomScoreAdj: -998 },
  },
];

describeRealLines('invoked', LINES);
