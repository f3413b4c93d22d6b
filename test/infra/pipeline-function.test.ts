import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeOutdirs, synthOomAlerts } from './stack-fixture.ts';

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
afterAll(removeOutdirs);

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

  it('import only the SDK clients from the runtime, and bundle every other package', () => {
    for (const bundle of bundles) {
      const imported = [...bundle.code.matchAll(/import\s*[\w*{}\s,$]*from\s*["']([^"']+)["']/g)].map(
        (m) => m[1] as string,
      );
      const packages = imported.filter((name) => !name.startsWith('node:') && !builtinModules.includes(name));
      expect(packages.length).toBeGreaterThan(0);
      for (const name of packages) expect(name).toMatch(/^@aws-sdk\/client-[a-z0-9-]+$/);
    }
  });
});
