import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldsByPart, invokedLine } from '../../../shared/kernel-lines/invoked.ts';
import { nearText } from './near-text.ts';
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
  {
    source:
      'a blog on an ARC runner, `dmesg -T`: the author put `...` in place of fields (fifth red team K/03)',
    line: 'python invoked oom-killer: ... oom_score_adj=944',
    expected: { name: 'python', gfpMask: null, order: null, oomScoreAdj: 944 },
  },
];

describeRealLines('invoked', LINES);

describe('invoked: the usual layout, read by one match', () => {
  it('gives the fields that reading part by part gives', () => {
    const inserts = [',', '=', ', ', ' ', '-', '9', 'x', ', order=1', 'oom_score_adj=', 'gfp_mask='];
    const lines = LINES.map((l) => l.line);
    fc.assert(
      fc.property(nearText(lines, inserts), (line) => {
        const at = line.indexOf(' invoked oom-killer: ');
        const plain = at <= 0 ? null : fieldsByPart(line.slice(at + ' invoked oom-killer: '.length));
        expect(invokedLine.read(line, false)).toEqual(
          plain === null ? null : { kind: 'invoked', name: line.slice(0, at), ...plain },
        );
      }),
      { numRuns: 3000 },
    );
  });
});
