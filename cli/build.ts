/**
 * `npm run build`: bundles cli/bin.ts into dist/eks-oom-alerts.mjs, an executable ES module that imports its
 * packages from node_modules. test/cli/bin.test.ts builds through the same function into a folder of its own.
 */
import { chmodSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Builds the bin into `outdir`, emptied first (chunk names carry hashes), and returns the executable's path. */
export async function buildCli(outdir: string): Promise<string> {
  const dir = resolve(outdir);
  rmSync(dir, { recursive: true, force: true });
  await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: { 'eks-oom-alerts': 'cli/bin.ts' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
  const bin = join(dir, 'eks-oom-alerts.mjs');
  chmodSync(bin, 0o755);
  return bin;
}

if (import.meta.main) await buildCli(join(PROJECT_ROOT, 'dist'));
