import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inMemoryEnrichStage } from '../../../adapters/enrich/enrich-stage.ts';
import type { PodResolver } from '../../../adapters/kubernetes/pod-resolver.ts';
import { replayCommand } from '../../../cli/replay/replay-command.ts';
import { readReplayInput } from '../../../cli/replay/replay-input.ts';
import { replayBatches } from '../../../cli/replay/replay-pipeline.ts';
import {
  KUBELET_WAIT_MS,
  SHIP_AND_QUEUE_MS,
  publishAfterKillMs,
  waitsMs,
} from '../../../cli/replay/replay-timings.ts';
import { oomEvent } from '../../fixtures/kubernetes-objects.ts';
import { memoryIo } from '../in-memory-io.ts';

const FLUENT_BIT = readFileSync(
  new URL('../../fixtures/fluent-bit/putlogevents.jsonl', import.meta.url),
  'utf8',
);

describe('the latency of a kill, on paper', () => {
  it('is Fluent Bit flush, SQS delay and batch window at their longest, or the kubelet wait when longer', () => {
    expect(SHIP_AND_QUEUE_MS).toBe(10_000);
    expect(KUBELET_WAIT_MS).toBe(12_000);
    expect(waitsMs(oomEvent())).toBe(12_000);
    expect(waitsMs(oomEvent({ container: null }))).toBe(10_000);
    expect(waitsMs(oomEvent({ pod: null, container: null }))).toBe(10_000);
  });

  it('adds the steps as measured', () => {
    expect(publishAfterKillMs(oomEvent(), { parseMs: 3, enrichMs: 250, publishMs: 40 })).toBe(12_293);
  });
});

describe('replayBatches with a clock', () => {
  it('times each kill: the parse step that gave it, its pod lookup, the publish step it went in', async () => {
    const input = readReplayInput(FLUENT_BIT, 'fluent-bit.jsonl', { logGroup: 'kernel', node: 'node' });
    if (!input.ok) throw new Error(input.problem);
    // Each reading of the timing clock is 7 ms after the one before; the stage keeps its own clock.
    let reading = 0;
    const result = await replayBatches(input.batches, {
      stage: {
        ...inMemoryEnrichStage('prod-eu', resolverTaking(), () => Date.parse('2026-11-23T12:00:00Z')),
        // One lookup at a time: concurrent ones would each measure the other's clock readings too.
        concurrency: 1,
      },
      publish: (events) => Promise.resolve(events.map(() => ({ ok: true }) as const)),
      enrichBudgetMs: 60_000,
      clock: () => (reading += 7),
    });
    const published = result.outcomes.filter((o) => o.status === 'published').map((o) => o.eventId);
    expect(published).toHaveLength(2);
    expect(published.map((id) => result.timings?.get(id))).toEqual([
      { parseMs: 7, enrichMs: 7, publishMs: 7 },
      { parseMs: 7, enrichMs: 7, publishMs: 7 },
    ]);
  });
});

/** A resolver that answers at once, reading no clock. */
function resolverTaking(): PodResolver {
  return {
    resolve: () =>
      Promise.resolve({
        kubernetes: null,
        impact: 'unknown',
        enrichment: { status: 'unavailable', detail: 'no cluster in this test' },
      }),
  };
}

describe('eks-oom-alerts replay --timings', () => {
  it('prints a row per delivered kill on stderr, and leaves stdout as it was', async () => {
    const run = async (args: string[]) => {
      const memory = memoryIo({ files: { 'fluent-bit.jsonl': FLUENT_BIT } });
      const code = await replayCommand.run(args, memory.io);
      return { code, stdout: memory.stdout.text, stderr: memory.stderr.text };
    };
    const plain = await run(['--dry-run', '--cluster', 'prod-eu', 'fluent-bit.jsonl']);
    const timed = await run(['--dry-run', '--timings', '--cluster', 'prod-eu', 'fluent-bit.jsonl']);
    expect(timed.code).toBe(0);
    expect(timed.stdout).toBe(plain.stdout);
    // The test's clock stands still: every step measures 0 ms.
    expect(timed.stderr).toBe(
      [
        'replay: kernel line → SNS publish, per kill (steps measured in this run, waits at their longest):',
        'replay:   kill                              parse  enrich  publish  waits   at most',
        'replay:   457fd044f894dd327cd6453408ab3bac  0 ms   0 ms    0 ms     12.0 s  12.0 s',
        'replay:   4c34f53256f5da57cee83043dcdcf8b4  0 ms   0 ms    0 ms     12.0 s  12.0 s',
        "replay: waits: Fluent Bit flush ≤ 5 s, SQS delay 0 s, batch window ≤ 5 s; enrich waits for the kubelet until 12.0 s after the kill at most, alongside them. Not counted: CloudWatch Logs' delivery to parse, EventBridge's to notify, SNS's to the inbox.",
        plain.stderr,
      ].join('\n'),
    );
  });
});
