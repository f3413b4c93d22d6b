/**
 * One real OOM kill as each tool prints it (test/fixtures/tool-output: util-linux, rsyslog, systemd, syslog-ng,
 * busybox, grep and pdsh on this machine's own kernel records) gives the kill that dmesg gives.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseKernelLog } from '../../shared/kernel-log.ts';
import { readLogRecord, skimLogRecord } from '../../shared/log-record.ts';
import type { OomEvent } from '../../shared/oom-event.ts';

const FIXTURES = new URL('../fixtures/tool-output/', import.meta.url);

function killsOf(file: string): OomEvent[] {
  const { events, drift } = parseKernelLog(readFileSync(new URL(`${file}.log`, FIXTURES), 'utf8'), { file });
  expect(drift).toEqual([]);
  return events;
}

/** What the kill says that any tool's output tells in full. */
function told(event: OomEvent) {
  const { victim, trigger, constraint, limitScope, cgroup, pod, container, memory, tasks, complete } = event;
  return { victim, trigger, constraint, limitScope, cgroup, pod, container, memory, tasks, complete };
}

interface ToolOutput {
  file: string;
  /** The dmesg output of the same kill. */
  reference: 'dmesg' | 'busybox-dmesg';
  /** The host the tool printed before each line, when it did. */
  node: string | null;
  /** Whether each line carries the kernel's time (not so for the journal's field-per-line formats). */
  kernelTime: boolean;
}

const OUTPUTS: ToolOutput[] = [
  { file: 'rsyslog-forward-format', reference: 'dmesg', node: 'vm', kernelTime: true },
  { file: 'rsyslog-traditional-forward-format', reference: 'dmesg', node: 'vm', kernelTime: true },
  { file: 'journalctl-short-delta', reference: 'dmesg', node: 'vm', kernelTime: true },
  { file: 'journalctl-verbose', reference: 'dmesg', node: null, kernelTime: false },
  { file: 'journalctl-export', reference: 'dmesg', node: null, kernelTime: false },
  { file: 'journalctl-json-sse', reference: 'dmesg', node: 'vm', kernelTime: true },
  { file: 'journalctl-json-seq', reference: 'dmesg', node: 'vm', kernelTime: true },
  { file: 'syslog-ng-format-json', reference: 'dmesg', node: 'vm', kernelTime: false },
  { file: 'busybox-syslogd-logread', reference: 'busybox-dmesg', node: 'vm', kernelTime: true },
  { file: 'grep-syslog-files', reference: 'dmesg', node: 'vm', kernelTime: true },
  { file: 'grep-n-syslog', reference: 'dmesg', node: 'vm', kernelTime: true },
  // A second review: grep's context lines (`file-`) went on as the match line's wrapped rest, and the kill with them.
  { file: 'grep-A-journalctl-short', reference: 'dmesg', node: 'vm', kernelTime: false },
  { file: 'pdsh-cat-syslog', reference: 'dmesg', node: 'vm', kernelTime: true },
];

describe('one real kill as each tool prints it gives the kill dmesg gives (fourteenth red team)', () => {
  it('the references: one complete kill each', () => {
    for (const [file, pid] of [
      ['dmesg', 17694],
      ['busybox-dmesg', 6258],
    ] as const) {
      expect(killsOf(file).map((e) => [e.victim.pid, e.complete, e.pod?.qos, e.memory?.limitKb])).toEqual([
        [pid, true, 'burstable', 65536],
      ]);
    }
  });

  for (const { file, reference, node, kernelTime } of OUTPUTS) {
    it(`${file}.log`, () => {
      const [expected] = killsOf(reference);
      const kills = killsOf(file);
      expect(kills.map(told)).toEqual([told(expected as OomEvent)]);
      expect(kills[0]?.node).toBe(node);
      // No line of the event holds another record glued on (a third review: a CPU line ends in a space).
      for (const line of kills[0]?.lines ?? [])
        expect(line).not.toMatch(/<\d{1,3}>(?:\d{4}-|[A-Z][a-z]{2} )/);
      expect(kills[0]?.kernelTime).toBe(kernelTime ? expected?.kernelTime : null);
    });
  }

  it("skimLogRecord tells each line as readLogRecord reads it (scan's fast path relies on it)", () => {
    for (const { file } of OUTPUTS) {
      for (const line of readFileSync(new URL(`${file}.log`, FIXTURES), 'utf8').split('\n')) {
        const entry = readLogRecord(line);
        const skim = skimLogRecord(line);
        expect(skim === null, `${file}: ${line}`).toBe(entry === null);
        if (skim === null || entry === null) continue;
        expect(skim.enveloped, `${file}: ${line}`).toBe(entry.enveloped);
        expect(skim.holder).toContain(entry.text);
      }
    }
  });
});
