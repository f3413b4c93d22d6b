import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthOomAlerts } from './stack-fixture.ts';

// The one test file that runs esbuild for real (locally, never Docker): once, for all three functions.
let bundles: { dir: string; code: string; files: string[] }[];

beforeAll(() => {
  const { outdir } = synthOomAlerts({ clusterName: 'demo' }, { bundle: true });
  bundles = readdirSync(outdir)
    .filter((entry) => entry.startsWith('asset.'))
    .map((entry) => {
      const dir = join(outdir, entry);
      return { dir, files: readdirSync(dir).sort(), code: readFileSync(join(dir, 'index.mjs'), 'utf8') };
    });
});

describe('function bundles', () => {
  it('are three ES modules with their source maps', () => {
    expect(bundles).toHaveLength(3);
    for (const bundle of bundles) expect(bundle.files).toEqual(['index.mjs', 'index.mjs.map']);
  });

  it('start with the createRequire banner, for CommonJS dependencies that call require()', () => {
    for (const bundle of bundles) {
      expect(
        bundle.code.startsWith(
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        ),
      ).toBe(true);
    }
  });

  it('carry the AWS SDK inside instead of importing the runtime copy', () => {
    for (const bundle of bundles) expect(bundle.code).not.toMatch(/from\s*["']@aws-sdk\//);
  });
});
