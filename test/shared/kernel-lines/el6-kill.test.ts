import { describe, expect, it } from 'vitest';
import { parseKernelLine } from '../../../shared/kernel-line.ts';
import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'el6-kill'>[] = [
  {
    source:
      'test/fixtures/kernel-logs/corpus/17-cpanel-el6-killed-uid-before-comm.log (cPanelSSP/SSP#76, 2.6.32 el6)',
    line: 'Killed process 11726, UID 498, (mysqld) total-vm:7823732kB, anon-rss:2539268kB, file-rss:768kB',
    expected: {
      message: null,
      pid: 11726,
      name: 'mysqld',
      fields: { UID: 498, 'total-vm': 7823732, 'anon-rss': 2539268, 'file-rss': 768 },
    },
  },
];

describeRealLines('el6-kill', LINES);

describe('el6-kill: the line its neighbour reads is not its own', () => {
  it('leaves the `(comm), UID N,` spelling to the kill recognizer', () => {
    const result = parseKernelLine(
      'Killed process 18177 (palo_be), UID 0, total-vm:70347780kB, anon-rss:45563572kB, file-rss:0kB, shmem-rss:0kB',
    );
    expect(result).toEqual({ kind: 'line', line: expect.objectContaining({ kind: 'kill', pid: 18177 }) });
  });

  it('keeps a comm that holds `) total-vm:`', () => {
    const result = parseKernelLine(
      'Killed process 7, UID 0, (a) total-vm:1) total-vm:10kB, anon-rss:2kB, file-rss:3kB',
    );
    expect(result).toEqual({
      kind: 'line',
      line: expect.objectContaining({
        kind: 'el6-kill',
        name: 'a) total-vm:1',
        fields: expect.objectContaining({ 'total-vm': 10 }),
      }),
    });
  });
});

describe('el6-kill: the uid’s key retyped in another case (seventy-fourth red team A/04)', () => {
  it('reads `, uid U, (comm)` as the kernel’s line, whole and cut', () => {
    expect(
      parseKernelLine('Killed process 11726, uid 498, (mysqld) total-vm:7823732kB, anon-rss:2539268kB'),
    ).toEqual({
      kind: 'line',
      line: expect.objectContaining({
        kind: 'el6-kill',
        pid: 11726,
        name: 'mysqld',
        fields: { UID: 498, 'total-vm': 7823732, 'anon-rss': 2539268 },
      }),
    });
    for (const line of [
      'Killed process 11726, Uid 498, (mysq',
      'Out of memory: Killed process 11726, uid 498 oracle',
    ])
      expect(parseKernelLine(line), line).toEqual({
        kind: 'line',
        line: expect.objectContaining({ kind: 'el6-kill', pid: 11726, name: null, fields: { UID: 498 } }),
      });
  });
});

describe('el6-kill: a line cut at or inside the comm', () => {
  it.each([
    ['cut inside the comm', 'Killed process 11726, UID 498, (mysq', 498],
    ['cut at the comm', 'Killed process 11726, UID 498, (', 498],
    ['cut after the uid', 'Killed process 11726, UID 498,', 498],
    ['redacted after the uid', 'Killed process 11726, UID 498, ...', 498],
    ['cut inside the uid', 'Killed process 11726, UID 49', undefined],
    ['cut inside `UID`', 'Killed process 11726, UI', undefined],
    ['cut after the pid', 'Out of memory: Killed process 11726,', undefined],
    // Red Hat solution 32603 (RHEL 5 Xen guest; ninth red team R/08): the comm's parentheses lost, a user name
    // in its place. The uid is whole, a space after it.
    ['a name without parentheses', 'Out of memory: Killed process 11726, UID 498 oracle', 498],
  ])('is a kill of the pid, its name unknown: %s', (_case, line, uid) => {
    expect(parseKernelLine(line)).toEqual({
      kind: 'line',
      line: expect.objectContaining({
        kind: 'el6-kill',
        pid: 11726,
        name: null,
        fields: uid === undefined ? {} : { UID: uid },
      }),
    });
  });

  it('does not read the uid a pager cut', () => {
    const result = parseKernelLine('Killed process 11726, UID 49>', true);
    expect(result).toEqual({ kind: 'line', line: expect.objectContaining({ pid: 11726, fields: {} }) });
  });

  it.each([
    ['prose after the pid', 'Killed process 11726, and the node went down'],
    ['a comm longer than a comm', 'Killed process 11726, UID 498, (this is longer than fifteen'],
  ])('is not read as a kill: %s', (_case, line) => {
    expect(parseKernelLine(line)).toEqual({ kind: 'unrecognised', reason: expect.any(String) });
  });
});
