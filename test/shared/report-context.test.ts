import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLogRecord } from '../../shared/log-record.ts';
import type { OomEvent } from '../../shared/oom-event.ts';
import { assembleReports } from '../../shared/report-assembler.ts';
import { mergeReportContext } from '../../shared/report-context.ts';
import { FORWARDED_TERMS } from '../../shared/subscription-pattern.ts';
import { GROUP_FIRST_PID, groupKillMessages } from '../fixtures/group-kill-report.ts';

interface PutLogEventsBody {
  logGroupName: string;
  logEvents: Array<{ timestamp: number; message: string }>;
}

// The live 78-line report that a real Fluent Bit 5.1 sent (whole kmsg records).
const bodies = readFileSync(join(import.meta.dirname, '../fixtures/fluent-bit/putlogevents.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as PutLogEventsBody);
const liveReport = bodies.filter((b) => b.logGroupName === '/fluentbit/oom-whole')[1]?.logEvents ?? [];

function assemble(messages: Array<{ timestamp: number; message: string }>): OomEvent[] {
  const lines = messages.flatMap((m, i) => {
    const entry = readLogRecord(m.message);
    return entry === null
      ? []
      : [
          {
            entry: { ...entry, wallTime: entry.wallTime ?? new Date(m.timestamp).toISOString() },
            ref: String(i),
          },
        ];
  });
  return assembleReports(
    lines,
    null,
    { node: 'node-kernel', source: { logGroup: '/fluentbit/oom-whole', logStream: 'node-kernel' } },
    { final: true },
  ).events;
}

const forwarded = liveReport.filter((e) => FORWARDED_TERMS.some((term) => e.message.includes(term)));

describe('report context', () => {
  it('the subscription pattern forwards the fact lines of the real 78-line report, not its trace or table', () => {
    expect(liveReport).toHaveLength(78);
    expect(forwarded.map((e) => (JSON.parse(e.message) as { msg: string }).msg.slice(0, 24))).toEqual([
      'python3 invoked oom-kill',
      'memory: usage 65536kB, l',
      'memory+swap: usage 65536',
      'Memory cgroup stats for ',
      'oom-kill:constraint=CONS',
      'Memory cgroup out of mem',
    ]);
  });

  it('fills the task table and the invoker pid from the fetched lines, keeping the event id and its own facts', () => {
    const [partial] = assemble(forwarded);
    expect(partial).toMatchObject({ complete: true, tasks: [], trigger: { name: 'python3', pid: null } });
    const { event, filled } = mergeReportContext(partial as OomEvent, assemble(liveReport));
    expect(filled).toEqual(['trigger.pid', 'tasks']);
    expect(event).toMatchObject({
      id: partial?.id,
      victim: partial?.victim,
      pod: { uid: '11111111-2222-3333-4444-555555555555' },
      memory: { usageKb: 65536, limitKb: 65536 },
      trigger: { pid: 17777 },
      tasks: [{ pid: 17777, name: 'python3', rssKb: 17956 * 4, oomScoreAdj: 0 }],
    });
    expect(event.lines.length).toBeGreaterThan(partial?.lines.length ?? 0);
  });

  it('completes a kill line that arrived alone (header rate-limited or not forwarded)', () => {
    const killOnly = forwarded.filter((e) => e.message.includes('Killed process'));
    const [alone] = assemble(killOnly);
    expect(alone).toMatchObject({ complete: false, pod: null, memory: null });
    const { event, filled } = mergeReportContext(alone as OomEvent, assemble(liveReport));
    expect(event).toMatchObject({
      complete: true,
      constraint: 'memcg',
      limitScope: 'pod',
      pod: { uid: '11111111-2222-3333-4444-555555555555', qos: 'burstable' },
      container: { id: 'abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789' },
      memory: { limitKb: 65536 },
    });
    expect(filled).toEqual(
      expect.arrayContaining(['pod', 'container', 'memory', 'cgroup.oom', 'cgroup.task', 'tasks']),
    );
  });

  it('never overwrites what the kernel line said, and ignores other kills in the window', () => {
    const [alone] = assemble(forwarded.filter((e) => e.message.includes('Killed process')));
    const doctored = { ...(alone as OomEvent), victim: { ...(alone as OomEvent).victim, anonRssKb: 1 } };
    const context = assemble(liveReport);
    expect(mergeReportContext(doctored, context).event.victim.anonRssKb).toBe(1);
    const otherPid = { ...doctored, victim: { ...doctored.victim, pid: 1 } };
    expect(mergeReportContext(otherPid, context)).toEqual({ event: otherPid, filled: [] });
  });

  describe('a memory.oom.group kill split across two subscription deliveries', () => {
    // The kernel's text of a 300-process group kill, every line ingested at the same millisecond.
    const messages = groupKillMessages(300).map((message) => ({
      timestamp: Date.parse('2025-11-20T10:02:11.117Z'),
      message,
    }));
    const firstMemberLine = messages.findIndex((m) =>
      m.message.includes(`Killed process ${GROUP_FIRST_PID + 1} `),
    );
    // The first delivery ends after the 20th other member's kill line: the event parse sends at its end.
    const firstDelivery = messages
      .slice(0, firstMemberLine + 20)
      .filter((m) => FORWARDED_TERMS.some((term) => m.message.includes(term)));

    it('takes the whole group from the fetched lines when they list more of it than the event', () => {
      const [partial] = assemble(firstDelivery);
      expect(partial).toMatchObject({ coVictimCount: 20, tasks: [] });
      const { event, filled } = mergeReportContext(partial as OomEvent, assemble(messages));
      expect(filled).toEqual(['trigger.pid', 'tasks', 'coVictims']);
      expect(event.coVictimCount).toBe(299);
      expect(event.coVictims).toHaveLength(100);
      expect(event.coVictims.map((v) => v.pid)).toEqual(
        Array.from({ length: 100 }, (_, i) => GROUP_FIRST_PID + 1 + i),
      );
      expect(event.id).toBe(partial?.id);
    });

    it('takes the fetched list when the event carries only part of it (cut to fit a message)', () => {
      const [whole] = assemble(messages.filter((m) => FORWARDED_TERMS.some((t) => m.message.includes(t))));
      const cut = { ...(whole as OomEvent), coVictims: (whole as OomEvent).coVictims.slice(0, 5) };
      const { event, filled } = mergeReportContext(cut, [whole as OomEvent]);
      expect(filled).toContain('coVictims');
      expect(event.coVictims).toHaveLength(100);
      expect(event.coVictimCount).toBe(299);
    });

    it("keeps the event's own group when the fetched lines hold less of it", () => {
      const [whole] = assemble(messages.filter((m) => FORWARDED_TERMS.some((t) => m.message.includes(t))));
      const [partial] = assemble(firstDelivery);
      expect(whole?.coVictimCount).toBe(299);
      const { event, filled } = mergeReportContext(whole as OomEvent, [partial as OomEvent]);
      expect(filled).not.toContain('coVictims');
      expect(event.coVictimCount).toBe(299);
    });
  });
});
