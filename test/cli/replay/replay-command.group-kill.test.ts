/**
 * Issue 10, done when: a generated group kill of 3,000 members, given to `replay --dry-run` as the
 * PutLogEvents bodies Fluent Bit would send, is one EventBridge entry that counts every member.
 */
import { describe, expect, it } from 'vitest';
import { replayCommand } from '../../../cli/replay/replay-command.ts';
import type { EnrichedOomEvent } from '../../../shared/oom-event.ts';
import {
  GROUP_CGROUP,
  GROUP_FIRST_PID,
  GROUP_NODE,
  groupKillBodies,
  type PutLogEventsBody,
} from '../../fixtures/group-kill-report.ts';
import { memoryIo } from '../in-memory-io.ts';

type BusLine = { target: 'eventbridge'; entry: { Source: string; DetailType: string; Detail: string } };

async function replayDryRun(bodies: readonly PutLogEventsBody[]) {
  const memory = memoryIo({ files: { 'group.jsonl': bodies.map((b) => JSON.stringify(b)).join('\n') } });
  const code = await replayCommand.run(['--dry-run', '--cluster', 'prod-eu', 'group.jsonl'], memory.io);
  const lines = memory.stdout.text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { target: string });
  const entries = lines.filter((l): l is BusLine => l.target === 'eventbridge');
  return { code, entries, alerts: lines.filter((l) => l.target === 'sns') };
}

function expectTheWholeGroup(entry: BusLine['entry']): void {
  const detail = JSON.parse(entry.Detail) as EnrichedOomEvent;
  expect(detail).toMatchObject({
    node: GROUP_NODE,
    victim: { pid: GROUP_FIRST_PID, name: 'php-fpm', anonRssKb: 720_000 },
    cgroup: { oom: GROUP_CGROUP, task: GROUP_CGROUP },
    constraint: 'memcg',
    limitScope: 'container',
    coVictimCount: 2999,
  });
  expect(detail.coVictims.map((v) => v.pid)).toEqual(
    Array.from({ length: 100 }, (_, i) => GROUP_FIRST_PID + 1 + i),
  );
}

describe('eks-oom-alerts replay --dry-run, a memory.oom.group kill of 3,000 processes', () => {
  it('replay --dry-run --cluster prod-eu group.jsonl (one PutLogEvents body of text records): one entry', async () => {
    const bodies = groupKillBodies(3000, 'text');
    expect(bodies).toHaveLength(1);
    const { code, entries, alerts } = await replayDryRun(bodies);
    expect(code).toBe(0);
    expect(entries).toHaveLength(1);
    expectTheWholeGroup(entries[0]!.entry);
    expect(alerts).toHaveLength(1);
  });

  it('replay --dry-run --cluster prod-eu group.jsonl (whole kmsg records, two bodies): one entry', async () => {
    // Over PutLogEvents' 1,048,576 bytes a call, Fluent Bit sends the report in two bodies.
    const bodies = groupKillBodies(3000, 'kmsg-json');
    expect(bodies).toHaveLength(2);
    const { code, entries, alerts } = await replayDryRun(bodies);
    expect(code).toBe(0);
    expect(entries).toHaveLength(1);
    expectTheWholeGroup(entries[0]!.entry);
    expect(alerts).toHaveLength(1);
  });
});
