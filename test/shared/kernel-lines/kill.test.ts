import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKernelLine } from '../../../shared/kernel-line.ts';
import { keyValues, keyValuesByToken } from '../../../shared/kernel-lines/kill.ts';
import { nearText } from './near-text.ts';
import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'kill'>[] = [
  {
    source: 'test/fixtures/kernel-logs/kernel-6.18-cgroupv1-memcg.dmesg.log',
    line: 'Memory cgroup out of memory: Killed process 2874 (python3) total-vm:75160kB, anon-rss:65152kB, file-rss:6648kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0',
    expected: {
      message: 'Memory cgroup out of memory',
      pid: 2874,
      name: 'python3',
      fields: {
        'total-vm': 75160,
        'anon-rss': 65152,
        'file-rss': 6648,
        'shmem-rss': 0,
        UID: 0,
        pgtables: 184,
        oom_score_adj: 0,
      },
    },
  },
  {
    source: 'kubernetes/kubernetes#50632 (`, UID N,` spelling)',
    line: 'Killed process 799153 (node), UID 1000, total-vm:606096kB, anon-rss:68308kB, file-rss:13648kB, shmem-rss:0kB',
    expected: {
      message: null,
      pid: 799153,
      name: 'node',
      fields: { UID: 1000, 'total-vm': 606096, 'anon-rss': 68308, 'file-rss': 13648, 'shmem-rss': 0 },
    },
  },
  {
    source: 'docker/for-linux#1001 (a comm in parentheses)',
    line: 'Out of memory: Killed process 15925 ((resolved)) total-vm:168424kB, anon-rss:4064kB, file-rss:3584kB, shmem-rss:0kB',
    expected: { message: 'Out of memory', pid: 15925, name: '(resolved)' },
  },
  {
    source: 'cri-o/cri-o#1975 (a comm with brackets and colons)',
    line: 'Killed process 387951 (runc:[2:INIT]) total-vm:477124kB, anon-rss:3000kB, file-rss:3896kB, shmem-rss:0kB',
    expected: { pid: 387951, name: 'runc:[2:INIT]' },
  },
  {
    source: '0jc1/py-autovod#7 (pasted with thousands separators: unreadable figures stay unknown)',
    line: 'Out of memory: Killed process 7899 (python) total-vm:26,184,840kB, anon-rss:153,700,88kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:38964kB oom_score_adj:0',
    expected: {
      pid: 7899,
      name: 'python',
      fields: { 'file-rss': 0, 'shmem-rss': 0, UID: 0, pgtables: 38964, oom_score_adj: 0 },
    },
  },
];

describeRealLines('kill', LINES);

describe('kill: a comm that looks like the fields around it', () => {
  it('keeps a comm that looks like the fields after it', () => {
    const result = parseKernelLine(
      'Killed process 7 (a) total-vm:1) total-vm:10kB, anon-rss:2kB, file-rss:3kB, shmem-rss:0kB',
    );
    expect(result).toEqual({
      kind: 'line',
      line: expect.objectContaining({
        pid: 7,
        name: 'a) total-vm:1',
        fields: expect.objectContaining({ 'total-vm': 10, 'anon-rss': 2 }),
      }),
    });
  });
});

describe('kill: the values of the usual layout, read by one match', () => {
  const tails = LINES.map((l) => l.line.slice(l.line.lastIndexOf(')') + 1));

  it('give the fields, in their order, that reading token by token gives', () => {
    const inserts = [' ', ',', ', ', ':', '-', '0', '9', 'kB', 'UID', ' UID:1', 'x'];
    fc.assert(
      fc.property(nearText(tails, inserts), fc.boolean(), (tail, truncated) => {
        const fields = keyValues(tail, truncated);
        expect(Object.entries(fields)).toEqual(Object.entries(keyValuesByToken(tail, truncated)));
      }),
      { numRuns: 3000 },
    );
  });
});
