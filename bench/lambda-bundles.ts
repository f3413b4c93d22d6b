/**
 * The three Lambda bundles as the construct builds them (same esbuild options as infra/oom-alerts.ts): their
 * size, and the cold import time of each handler module in a fresh Node process (median of several runs).
 * Prints figures; not a test.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, '.bench', 'bundles');
const RUNS = 7;
const GOALS_KB: Record<string, number | null> = { parse: 150, enrich: 1536, notify: null };

/** Env the handlers read at import; nothing is sent anywhere. */
const HANDLER_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: 'AKIDBENCHBENCHBENCH0',
  AWS_SECRET_ACCESS_KEY: 'bench',
  CLUSTER_NAME: 'bench',
  STATE_TABLE_NAME: 'bench',
  EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/bench',
  ENRICH_DELAY_SECONDS: '30',
  EVENT_BUS_NAME: 'bench',
  TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:bench',
  GROUPING_WINDOW_MINUTES: '30',
  EVENTS_LOG_GROUP_NAME: '/bench/events',
  KERNEL_LOG_GROUP_NAME: '/bench/kernel',
};

async function bundle(name: string): Promise<string> {
  const outfile = join(OUT, `${name}.mjs`);
  await build({
    entryPoints: [join(ROOT, 'functions', name, 'handler.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/client-*'],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
  return outfile;
}

/** ms to import the module in a fresh process, measured inside it so process start-up is not counted. */
function coldImportMs(file: string): number {
  const probe = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
    env: { ...process.env, ...HANDLER_ENV },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`importing ${file} failed: ${run.stderr}`);
  return Number(run.stdout.trim());
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

mkdirSync(OUT, { recursive: true });
console.log(
  `Lambda bundles (esbuild, minified, @aws-sdk/client-* from the runtime), Node ${process.version}`,
);
console.log('function | bundle | goal | cold import (median of 7, fresh process)');
for (const name of ['parse', 'enrich', 'notify']) {
  const file = await bundle(name);
  const kb = statSync(file).size / 1024;
  const goal = GOALS_KB[name] ?? null;
  const times = Array.from({ length: RUNS }, () => coldImportMs(file));
  const verdict = goal === null ? '-' : `≤ ${goal} kB ${kb <= goal ? 'met' : 'missed'}`;
  console.log(
    `${name.padEnd(8)} | ${kb.toFixed(0).padStart(5)} kB | ${verdict} | ${median(times).toFixed(0)} ms`,
  );
}
