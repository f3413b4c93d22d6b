/**
 * `replay --dry-run` groups storms by each kill's own time: a recording of kills spread over hours alerts once
 * per window, however fast it is replayed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replayCommand } from '../../../cli/replay/replay-command.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';
import { memoryIo } from '../in-memory-io.ts';

interface PutLogEventsBody {
  logGroupName: string;
  logStreamName: string;
  logEvents: Array<{ timestamp: number; message: string }>;
}

interface KmsgRecord {
  sequence: number;
  sec: number;
  usec: number;
  msg: string;
}

const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
const VICTIM_PID = 2874;

/** The kernel records of the first kill a real Fluent Bit 5.1 sent (pid 2874, 3467 s after boot). */
function firstKillRecords(): Array<{ timestamp: number; record: KmsgRecord }> {
  const [body] = readFileSync(
    new URL('../../fixtures/fluent-bit/putlogevents.jsonl', import.meta.url),
    'utf8',
  )
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as PutLogEventsBody);
  return body!.logEvents
    .map((e) => ({ timestamp: e.timestamp, record: JSON.parse(e.message) as KmsgRecord }))
    .filter(({ record }) => record.sec === 3467);
}

/** The same kill `minutes` later, as another process: a recording of a pod killed again and again. */
function killAfter(minutes: number, n: number): PutLogEventsBody {
  const shift = minutes * 60;
  return {
    logGroupName: '/eks-oom-alerts/prod-eu/kernel',
    logStreamName: `${NODE}.kernel`,
    logEvents: firstKillRecords().map(({ timestamp, record }) => ({
      timestamp: timestamp + shift * 1000,
      message: JSON.stringify({
        ...record,
        sequence: record.sequence + n * 1000,
        sec: record.sec + shift,
        msg: record.msg.replaceAll(`${VICTIM_PID}`, `${VICTIM_PID + n}`),
      }),
    })),
  };
}

const resolved = exampleEvent('container-limit');
const connectCluster = async () => ({
  ok: true as const,
  cluster: 'prod-eu',
  server: 'https://prod-eu.example',
  resolver: {
    resolve: async () => ({
      kubernetes: resolved.kubernetes,
      impact: resolved.impact,
      enrichment: resolved.enrichment,
    }),
  },
});

type SnsLine = { target: 'sns'; subject: string; message: { default: string; email: string; sms: string } };

async function replaySubjects(minutes: readonly number[]) {
  const recording = minutes.map((m, n) => JSON.stringify(killAfter(m, n))).join('\n');
  const memory = memoryIo({ files: { 'recording.jsonl': recording }, connectCluster });
  const code = await replayCommand.run(
    ['--dry-run', '--kubeconfig', 'kubeconfig.yaml', '--window', '10', 'recording.jsonl'],
    memory.io,
  );
  const sns = memory.stdout.text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { target: string })
    .filter((line): line is SnsLine => line.target === 'sns');
  return { code, sns, stderr: memory.stderr.text };
}

describe('eks-oom-alerts replay --dry-run --window 10: storm windows follow the kills’ own times', () => {
  it('four kills 45 min apart, replayed at once: four alerts, no digest', async () => {
    const { code, sns, stderr } = await replaySubjects([0, 45, 90, 135]);
    expect(code).toBe(0);
    expect(stderr).toContain('4 kills parsed, 4 would be delivered');
    expect(sns.map((l) => l.subject)).toEqual(
      Array.from({ length: 4 }, () => 'OOM: prod/checkout-api (api) 64Mi pod limit on ip-10-0-1-23'),
    );
  });

  it('kills spread over hours: one alert per window, a digest for each window with later kills', async () => {
    const { code, sns } = await replaySubjects([0, 1, 2, 45, 180, 184]);
    expect(code).toBe(0);
    expect(sns.map((l) => l.subject)).toEqual([
      'OOM: prod/checkout-api (api) 64Mi pod limit on ip-10-0-1-23',
      'OOM: prod/checkout-api (api) 64Mi pod limit on ip-10-0-1-23',
      'OOM: prod/checkout-api (api) 64Mi pod limit on ip-10-0-1-23',
      'OOM storm: 2 more OOM kills of prod/checkout-api (api) in 2 min',
      'OOM storm: 1 more OOM kill of prod/checkout-api (api) in 4 min',
    ]);
    expect(sns[3]!.message.email).toContain('  First kill:  2026-11-22 14:41:50 UTC (alerted on its own)');
    expect(sns[3]!.message.email).toContain('  Last kill:   2026-11-22 14:43:50 UTC');
    expect(sns[4]!.message.sms).toBe(
      'OOM prod-eu: 1 more OOM kill of prod/checkout-api (api) in 4 min, 17:41Z-17:45Z',
    );
  });
});
