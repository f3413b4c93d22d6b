import { describe, expect, it } from 'vitest';
import { parseKernelLine } from '../../../shared/kernel-line.ts';
import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'sacrifice'>[] = [
  {
    source: 'kubernetes/kubernetes#56891 (3.10)',
    line: 'Memory cgroup out of memory: Kill process 24572 (java) score 0 or sacrifice child',
    expected: { message: 'Memory cgroup out of memory', pid: 24572, name: 'java', score: 0 },
  },
  {
    source:
      'a Chinese blog, `dmesg -T -d`: the author put a path where the comm was, longer than any comm (red team G/16)',
    line: 'Out of memory: Kill process 21797 (/path/to/command) score 394 or sacrifice child',
    expected: { message: 'Out of memory', pid: 21797, name: null, score: 394 },
  },
  {
    source:
      'test/fixtures/kernel-logs/corpus/275-zh-notes-indented-beam-smp-pid-masked-xxx-sacrifice-and-kill.log',
    line: 'Out of memory: Kill process xxx (beam.smp) score 727 or sacrifice child',
    expected: { message: 'Out of memory', pid: null, name: 'beam.smp', score: 727 },
  },
  {
    // A full-width parenthesis closing the comm (fifty-seventh red team A/09).
    source: 'a Chinese ops course, text from its PDF (index file 59929484830)',
    line: 'Out of memory: Kill process 2227(dd） score 778 or sacrifice child',
    expected: { message: 'Out of memory', pid: 2227, name: 'dd', score: 778 },
  },
  {
    // The pid masked with an ellipsis and the line cut after the comm (seventy-fourth red team A/09).
    source:
      'test/fixtures/kernel-logs/corpus/327-zh-engineering-record-masked-pids-ellipsis-memcg-choice-and-kill.log',
    line: 'Memory cgroup out of memory: Kill process ... (python)',
    expected: { message: 'Memory cgroup out of memory', pid: null, name: 'python', score: null },
  },
];

describeRealLines('sacrifice', LINES);

describe('sacrifice: a template of the line, its pid and comm masked (corpus 86)', () => {
  it('is no choice', () => {
    const result = parseKernelLine('Out of memory: Kill process **** (****) score **** or sacrifice child');
    expect(result.kind === 'line' && result.line.kind === 'sacrifice').toBe(false);
  });
});

function isChoice(line: string): boolean {
  const result = parseKernelLine(line);
  return result.kind === 'line' && result.line.kind === 'sacrifice';
}

describe('sacrifice: a masked pid and a line cut after the comm (corpus 327)', () => {
  it('is a choice after the kernel’s message, with the masks a kill line takes', () => {
    for (const mask of ['...', '…', 'xxx', 'XXXX', '***']) {
      expect(parseKernelLine(`Out of memory: Kill process ${mask} (python)`)).toEqual({
        kind: 'line',
        line: { kind: 'sacrifice', message: 'Out of memory', pid: null, name: 'python', score: null },
      });
    }
  });

  it('is no choice without the kernel’s message, nor with a placeholder, no pid or a masked comm', () => {
    const notChoices = [
      'Kill process ... (python)',
      'Then I had to Kill process ... (python)',
      'Out of memory: Kill process <pid> (python)',
      'Out of memory: Kill process (python)',
      'Out of memory: Kill process ... (...)',
      'Out of memory: Kill process ... (<comm>)',
      'Out of memory: Kill process ... (%s)',
      // The early spelling asks for its score with a real pid too: prose says `kill process 1234 (java)`.
      'Out of memory: kill process ... (httpd)',
      // A masked score is a template's still.
      'Out of memory: Kill process ... (python) score ... or sacrifice child',
    ];
    expect(notChoices.filter(isChoice)).toEqual([]);
  });
});

describe('sacrifice: a choice cut right after its pid (corpus 328)', () => {
  const choice = (message: string, pid: number | null) => ({
    kind: 'line',
    line: { kind: 'sacrifice', message, pid, name: null, score: null },
  });

  it('is a choice after the kernel’s message, its pid unknown: digits that end the line may be a cut pid', () => {
    // The real line, after an author's label with a full-width colon (seventy-fifth red team A/03).
    expect(parseKernelLine('系统日志：Out of memory: Kill process 12346')).toEqual(
      choice('系统日志：Out of memory', null),
    );
    expect(parseKernelLine('Out of memory: Kill process 12346')).toEqual(choice('Out of memory', null));
    expect(parseKernelLine('Memory cgroup out of memory: Kill process 24572')).toEqual(
      choice('Memory cgroup out of memory', null),
    );
    // The early spellings, which otherwise ask for the score.
    expect(parseKernelLine('Out of memory: kill process 2908')).toEqual(choice('Out of memory', null));
    expect(parseKernelLine('Memory cgroup out of memory: kill process 6593')).toEqual(
      choice('Memory cgroup out of memory', null),
    );
    expect(parseKernelLine('Out of Memory: Kill process 679783')).toEqual(choice('Out of Memory', null));
    // A pager's cut mark after the digits: cut inside them or not, the pid is unknown, as a kill line's is.
    expect(parseKernelLine('Out of memory: Kill process 12346>', true)).toEqual(
      choice('Out of memory', null),
    );
  });

  it('is a choice of its pid when a space or the comm’s parenthesis shows the pid whole, as a cut kill line is', () => {
    expect(parseKernelLine('Out of memory: Kill process 12346 (pyth')).toEqual(
      choice('Out of memory', 12346),
    );
    expect(parseKernelLine('Out of memory: Kill process 12346 ...')).toEqual(choice('Out of memory', 12346));
    expect(parseKernelLine('Memory cgroup out of memory: kill process 6593 (pagete…')).toEqual(
      choice('Memory cgroup out of memory', 6593),
    );
    expect(parseKernelLine('Out of memory: Kill process 12346 (pyth>', true)).toEqual(
      choice('Out of memory', 12346),
    );
  });

  it('is no choice without the kernel’s message, in a template, or with prose after the pid', () => {
    const notChoices = [
      'Kill process 12346',
      'kill process 12346',
      'Then I had to Kill process 12346',
      'You can kill process 12346',
      'Out of memory: Kill process [pid]',
      'Out of memory: Kill process %d',
      'Out of memory: Kill process <pid>',
      'Out of memory: Kill process {pid}',
      'Out of memory: Kill process N',
      'Out of memory: Kill process 12346 to free memory',
      'Out of memory: kill process 12346 by hand',
      'Out of memory: Kill process 12346 and then restart it',
      'Out of memory: Kill process 12346.',
    ];
    expect(notChoices.filter(isChoice)).toEqual([]);
  });
});

const EARLY_LINES: RealLine<'sacrifice'>[] = [
  {
    source:
      'test/fixtures/kernel-logs/corpus/77-lkml-ia64-2.6.25-kill-process-or-a-child-then-child-killed.log (2.6.19–2.6.35 spelling)',
    line: 'Out of memory: kill process 2908 (sshd) score 379 or a child',
    expected: { message: 'Out of memory', pid: 2908, name: 'sshd', score: 379 },
  },
  {
    source:
      'test/fixtures/kernel-logs/corpus/88-lkml-ppc64-2.6.24-first-memory-controller-kill-process-or-a-child.log',
    line: 'Memory cgroup out of memory: kill process 6593 (pagetest) score 1003 or a child',
    expected: { message: 'Memory cgroup out of memory', pid: 6593, name: 'pagetest', score: 1003 },
  },
  {
    source: 'test/fixtures/kernel-logs/corpus/79-lkml-sgi-2.6.1x-syslog-cpuset-kill-message.log (2.6.1x)',
    line: 'Out of Memory: Kill process 679783 (ncks) score 0 and children.',
    expected: { message: 'Out of Memory', pid: 679783, name: 'ncks', score: 0 },
  },
  {
    // A doc's highlight braces kept around the kernel's words (seventy-fourth red team A/07).
    source:
      'test/fixtures/kernel-logs/corpus/326-aws-ec2-troubleshooting-doc-zh-template-braces-around-choice-text.log',
    line: '{{Out of memory: kill process}} 20273 (httpd) score 1285879',
    expected: { message: 'Out of memory', pid: 20273, name: 'httpd', score: 1285879 },
  },
];

describeRealLines('sacrifice', EARLY_LINES);

describe('sacrifice: 2.6.19 on worded choice after `Out of Memory` retyped with a capital M (seventy-eighth red team B/04)', () => {
  // A web app's preset log: the kernel printed `Out of memory` before `… or sacrifice child`, 2.6.1x's fixed
  // `Out of Memory` only before `… and children.`.
  it('names the system OOM after the later wordings, and none after 2.6.1x’s', () => {
    const constraint = (text: string) => {
      const result = parseKernelLine(text);
      return result.kind === 'line' && result.line.kind === 'sacrifice' ? result.line.message : undefined;
    };
    expect(
      constraint(
        '[2026-06-08 20:45:18] INFO  [kernel] Out of Memory: Kill process 18402 (gunicorn-worker) score 950 or sacrifice child',
      ),
    ).toMatch(/Out of memory$/);
    expect(constraint('Out of Memory: Kill process 1 (a) score 9 or a child')).toMatch(/Out of memory$/);
    expect(constraint('Out of Memory: Kill process 2052 (syslogd) score 3 and children.')).toBe(
      'Out of Memory',
    );
  });
});
