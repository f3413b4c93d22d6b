/**
 * `npm run build`: bundles cli/bin.ts twice.
 * - dist/eks-oom-alerts.mjs, the package's bin: an executable ES module that imports its packages from
 *   node_modules (`npx eks-oom-alerts` in the repo).
 * - dist/node/, a folder that carries its packages (eks-oom-alerts.mjs and its chunks), for a node that has
 *   Node.js and nothing else: copied there and run as `node eks-oom-alerts.mjs scan …` (README, "On a node").
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
 * One folder with every package in it: its entry and chunks. The CommonJS packages it carries call `require` for
 * Node's own modules, which an ES module lacks: the banner makes one. The licence notices its packages mark to be
 * kept (`/*!`) go at the end of each file.
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
