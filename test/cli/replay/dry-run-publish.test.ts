import { describe, expect, it } from 'vitest';
import { dryRunPublish } from '../../../cli/replay/dry-run-publish.ts';
import type { EnrichedOomEvent } from '../../../shared/oom-event.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';

const T0 = Date.parse('2025-11-20T10:02:11.117Z');

function kill(n: number): EnrichedOomEvent {
  const base = exampleEvent('container-limit');
  return { ...base, id: `kill-${n}`, victim: { ...base.victim, pid: 41872 + n } };
}

const targets = (lines: readonly string[]) => lines.map((l) => (JSON.parse(l) as { target: string }).target);

describe('dryRunPublish', () => {
  it('prints the chat message beside the SNS message it copies: {"target":"chat","message":{…}}', async () => {
    const lines: string[] = [];
    const dryRun = dryRunPublish(
      (line) => lines.push(line),
      30,
      () => T0,
    );
    await dryRun.publish([kill(0)]);
    const sns = JSON.parse(lines[1] as string) as { target: string; subject: string };
    const chat = JSON.parse(lines[2] as string) as {
      target: string;
      message: { version: string; source: string; content: { title: string; textType: string } };
    };
    expect(sns.target).toBe('sns');
    expect(chat).toMatchObject({
      target: 'chat',
      message: {
        version: '1.0',
        source: 'custom',
        content: { textType: 'client-markdown', title: sns.subject },
      },
    });
    expect(Object.keys(chat)).toEqual(['target', 'message']);
  });

  it('prints every bus entry, then the alert of the storm’s first kill; the digest on flush', async () => {
    const lines: string[] = [];
    const dryRun = dryRunPublish(
      (line) => lines.push(line),
      30,
      () => T0,
    );
    expect(await dryRun.publish([kill(0), kill(1), kill(2)])).toEqual([
      { ok: true },
      { ok: true },
      { ok: true },
    ]);
    expect(targets(lines)).toEqual(['eventbridge', 'eventbridge', 'eventbridge', 'sns', 'chat']);
    await dryRun.flushDigests();
    expect(targets(lines)).toEqual([
      'eventbridge',
      'eventbridge',
      'eventbridge',
      'sns',
      'chat',
      'sns',
      'chat',
    ]);
    expect((JSON.parse(lines[5] as string) as { subject: string }).subject).toContain('2 more OOM kills');
  });

  it('fails an event with no bus entry, and notifies the others', async () => {
    const lines: string[] = [];
    const dryRun = dryRunPublish(
      (line) => lines.push(line),
      30,
      () => T0,
    );
    const huge = { ...kill(0), labels: 'x'.repeat(300_000) } as unknown as EnrichedOomEvent;
    const results = await dryRun.publish([huge, kill(1)]);
    expect(results[0]).toMatchObject({ ok: false });
    expect(results[1]).toEqual({ ok: true });
    expect(targets(lines)).toEqual(['eventbridge', 'sns', 'chat']);
  });
});
