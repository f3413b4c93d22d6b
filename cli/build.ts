/**
 * `npm run build`: bundles cli/bin.ts twice.
 * - dist/eks-oom-alerts.mjs, the package's bin: an executable ES module that imports its packages from
 *   node_modules (`npx eks-oom-alerts` in the repo).
 * - dist/node/eks-oom-alerts.mjs, one file that carries its packages, for a node that has Node.js and nothing
 *   else: copied there and run as `node eks-oom-alerts.mjs scan …` (README, "On a node").
 * test/cli/bin.test.ts builds both through the same functions into folders of its own.
 */
import { chmodSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN_NAME = 'eks-oom-alerts';

const COMMON: BuildOptions = {
  absWorkingDir: PROJECT_ROOT,
  entryPoints: { [BIN_NAME]: 'cli/bin.ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
};

/** Empties `outdir` (chunk names carry hashes), builds into it, and returns the executable's path. */
async function buildInto(outdir: string, options: BuildOptions): Promise<string> {
  const dir = resolve(outdir);
  rmSync(dir, { recursive: true, force: true });
  await build({ ...COMMON, ...options, outdir: dir });
  const bin = join(dir, `${BIN_NAME}.mjs`);
  chmodSync(bin, 0o755);
  return bin;
}

/** The package's bin: its packages stay in node_modules, its commands in chunks loaded when run. */
export function buildCli(outdir: string): Promise<string> {
  return buildInto(outdir, {
    splitting: true,
    target: 'node22',
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: '#!/usr/bin/env node' },
  });
}

/**
 * One file with every package in it. The CommonJS packages it carries call `require` for Node's own modules,
 * which an ES module lacks: the banner makes one. The licences of what it carries go at its end.
 */
export function buildStandaloneCli(outdir: string): Promise<string> {
  return buildInto(outdir, {
    target: 'node20',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'eof',
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
  });
}

if (import.meta.main) {
  await buildCli(join(PROJECT_ROOT, 'dist'));
  await buildStandaloneCli(join(PROJECT_ROOT, 'dist', 'node'));
}
