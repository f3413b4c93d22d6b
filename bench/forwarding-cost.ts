/**
 * What the subscription filter forwards of one real OOM report (the live 78-line report a real Fluent Bit 5.1
 * sent), against forwarding every line. Prints figures; not a test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FORWARDED_TERMS } from '../shared/subscription-pattern.ts';

interface Body {
  logGroupName: string;
  logStreamName: string;
  logEvents: Array<{ timestamp: number; message: string }>;
}

const bodies = readFileSync(
  join(import.meta.dirname, '../test/fixtures/fluent-bit/putlogevents.jsonl'),
  'utf8',
)
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Body);

function payloadBytes(body: Body, events: Body['logEvents']): { json: number; gzip: number } {
  const payload = JSON.stringify({
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: body.logGroupName,
    logStream: body.logStreamName,
    subscriptionFilters: ['oom'],
    logEvents: events.map((e, i) => ({
      id: String(i).padStart(56, '0'),
      timestamp: e.timestamp,
      message: e.message,
    })),
  });
  return { json: Buffer.byteLength(payload), gzip: gzipSync(payload).length };
}

console.log(
  'group                 | lines all → forwarded | payload JSON all → forwarded | gzip all → forwarded',
);
for (const body of bodies.slice(2)) {
  const forwarded = body.logEvents.filter((e) => FORWARDED_TERMS.some((term) => e.message.includes(term)));
  const all = payloadBytes(body, body.logEvents);
  const some = payloadBytes(body, forwarded);
  console.log(
    `${body.logGroupName.padEnd(21)} | ${body.logEvents.length} → ${forwarded.length} | ${all.json} B → ${some.json} B | ${all.gzip} B → ${some.gzip} B`,
  );
}
