import { describe, expect, it } from 'vitest';
import { parseKernelLine } from '../../../shared/kernel-line.ts';
import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'task-header'>[] = [
  {
    source: 'test/fixtures/kernel-logs/kernel-6.18-cgroupv1-memcg.dmesg.log (6.x layout)',
    line: '[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name',
    expected: {
      columns: [
        'uid',
        'tgid',
        'total_vm',
        'rss',
        'rss_anon',
        'rss_file',
        'rss_shmem',
        'pgtables_bytes',
        'swapents',
        'oom_score_adj',
        'name',
      ],
    },
  },
  {
    source: 'cri-o/cri-o#1975 (4.9 layout)',
    line: '[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name',
    expected: {
      columns: ['uid', 'tgid', 'total_vm', 'rss', 'nr_ptes', 'nr_pmds', 'swapents', 'oom_score_adj', 'name'],
    },
  },
];

describeRealLines('task-header', LINES);

describe('task-header: not a header', () => {
  it('is not read where `tgid` is not a column of its own', () => {
    expect(parseKernelLine('[  pid  ]   uid  xtgid total_vm      rss name')).toEqual({ kind: 'not-oom' });
  });
});
