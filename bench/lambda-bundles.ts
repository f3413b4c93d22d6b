/**
 * The Lambda bundles as the construct builds them (infra/lambda-bundling.ts, the options CDK is given): their
 * size, what each package costs in them (esbuild's metafile), and the cold import time of each handler module
 * in a fresh Node process (median of 7, the functions taking turns so that a busy spell touches all alike).
 * Prints figures against the goals; not a test.
 *
 * `node bench/lambda-bundles.ts [--packages N]`: N rows of the per-package table per bundle (default 12).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { LAMBDA_BUNDLING, esbuildOptions } from '../infra/lambda-bundling.ts';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, '.bench', 'bundles');
const RUNS = 7;
const KB = 1024;
const GOALS = {
  parse: { kb: 150, importMs: 60 },
  enrich: { kb: 1536, importMs: 150 },
  notify: { kb: null, importMs: 60 },
} as const satisfies Record<string, { kb: number | null; importMs: number | null }>;

/** Env the handlers read; nothing is sent anywhere: every AWS call is refused at once (a closed port). */
const HANDLER_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_MAX_ATTEMPTS: '1',
  POWERTOOLS_METRICS_NAMESPACE: 'bench',
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

export interface BuiltBundle {
  file: string;
  bytes: number;
  metafile: Metafile;
}

/** One function's bundle, built with the deployed options into `outdir`. */
export async function buildLambdaBundle(name: string, outdir = OUT): Promise<BuiltBundle> {
  mkdirSync(outdir, { recursive: true });
  const file = join(outdir, `${name}.cjs`);
  const result = await build({ ...esbuildOptions(ROOT, name, file), metafile: true, logLevel: 'error' });
  const output = Object.values(result.metafile.outputs)[0];
  return { file, bytes: output?.bytes ?? 0, metafile: result.metafile };
}

/** The package an input file belongs to (`@kubernetes/client-node`, `undici`…), or the project folder. */
function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(input);
  if (match === null) return `(this project) ${input.split('/')[0] ?? input}/`;
  const [, name, rest] = match;
  // client-node's generated code is most of it: its API classes and models apart from the rest.
  const generated =
    name === '@kubernetes/client-node' ? /^dist\/gen\/(apis|models|types)\//.exec(rest ?? '') : null;
  return generated === null ? (name as string) : `${name} ${generated[1]}`;
}

/** Bytes of the output each package accounts for, largest first. */
export function packageCosts(metafile: Metafile): Array<[string, number]> {
  const costs = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      costs.set(name, (costs.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...costs].sort((a, b) => b[1] - a[1]);
}

/**
 * The first event of each function: one that makes the handler load what it defers (its stage, the SDK clients,
 * for enrich the Kubernetes client) and get as far as its first AWS call. parse: a payload that is not one
 * (counted as malformed, nothing sent); enrich: an empty batch; notify: the digest schedule's tick.
 */
const FIRST_EVENTS: Record<string, unknown> = {
  parse: {},
  enrich: { Records: [] },
  notify: { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} },
};

interface ColdStart {
  /** Loading the handler module: what the Lambda runtime does at a cold start's init. */
  importMs: number;
  /** Then the first event, to its end (its AWS calls refused at once): the load a handler defers to it. */
  firstEventMs: number;
}

/**
 * A cold start in a fresh process, measured inside it so process start-up is not counted. The runtime requires
 * a CommonJS handler file (an ES module one it imports), so the probe does too.
 */
function coldStart(file: string, event: unknown): ColdStart {
  const context = `{ functionName: 'bench', memoryLimitInMB: '256', awsRequestId: 'bench',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:bench', getRemainingTimeInMillis: () => 30000 }`;
  const probe = `const t0 = performance.now();
    const { handler } = require(${JSON.stringify(file)});
    const t1 = performance.now();
    const done = () => console.log('COLD ' + JSON.stringify({ importMs: t1 - t0, firstEventMs: performance.now() - t1 }));
    Promise.resolve(handler(${JSON.stringify(event ?? {})}, ${context})).then(done, done);`;
  const run = spawnSync(process.execPath, ['-e', probe], {
    env: { ...process.env, ...HANDLER_ENV },
    encoding: 'utf8',
  });
  const measured = /^COLD (.*)$/m.exec(run.stdout)?.[1];
  if (run.status !== 0 || measured === undefined) throw new Error(`loading ${file} failed: ${run.stderr}`);
  return JSON.parse(measured) as ColdStart;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const verdict = (value: number, goal: number | null, unit: string): string =>
  goal === null ? '' : ` (goal ≤ ${goal} ${unit}: ${value <= goal ? 'met' : 'missed'})`;

function packageRowsArg(): number {
  const at = process.argv.indexOf('--packages');
  return at === -1 ? 12 : Number(process.argv[at + 1]);
}

if (import.meta.main) {
  const names = readdirSync(join(ROOT, 'functions')).filter((name) =>
    existsSync(join(ROOT, 'functions', name, 'handler.ts')),
  );
  const bundles = new Map<string, BuiltBundle>();
  for (const name of names) bundles.set(name, await buildLambdaBundle(name));
  const times = new Map<string, ColdStart[]>(names.map((name) => [name, []]));
  for (let round = 0; round < RUNS; round++) {
    for (const name of names) {
      times.get(name)?.push(coldStart((bundles.get(name) as BuiltBundle).file, FIRST_EVENTS[name]));
    }
  }
  console.log(
    `Lambda bundles (infra/lambda-bundling.ts: esbuild, ${LAMBDA_BUNDLING.format}, minified, external: ${LAMBDA_BUNDLING.external.join(' ')}), Node ${process.version}`,
  );
  console.log(
    `cold import: requiring the handler module in a fresh process; first event: then its first invocation, ` +
      `its AWS calls refused at once (what the handler loads late); medians of ${RUNS}, the functions taking turns`,
  );
  for (const name of names) {
    const { bytes } = bundles.get(name) as BuiltBundle;
    const goal = GOALS[name as keyof typeof GOALS] ?? { kb: null, importMs: null };
    const runs = times.get(name) ?? [];
    const importMs = median(runs.map((r) => r.importMs));
    const firstMs = median(runs.map((r) => r.firstEventMs));
    const kb = bytes / KB;
    console.log(
      `${name.padEnd(7)} bundle ${kb.toFixed(0).padStart(5)} kB${verdict(kb, goal.kb, 'kB')}; ` +
        `cold import ${importMs.toFixed(0)} ms${verdict(importMs, goal.importMs, 'ms')}; first event ${firstMs.toFixed(0)} ms`,
    );
  }
  const rows = packageRowsArg();
  for (const name of names) {
    const { metafile, bytes } = bundles.get(name) as BuiltBundle;
    console.log(`\n${name}: what each package costs in the bundle (esbuild metafile, minified bytes)`);
    for (const [pkg, cost] of packageCosts(metafile).slice(0, rows)) {
      console.log(
        `  ${(cost / KB).toFixed(1).padStart(7)} kB  ${((100 * cost) / bytes).toFixed(0).padStart(3)}%  ${pkg}`,
      );
    }
  }
}
