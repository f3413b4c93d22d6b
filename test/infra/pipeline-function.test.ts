import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeOutdirs, synthOomAlerts } from './stack-fixture.ts';

// The one test file that runs esbuild for real (locally, never Docker): once, for all four functions.
let bundles: { dir: string; code: string; files: string[] }[];

beforeAll(() => {
  const { outdir } = synthOomAlerts({ clusterName: 'demo' }, { bundle: true });
  bundles = readdirSync(outdir)
    .filter((entry) => entry.startsWith('asset.'))
    .map((entry) => {
      const dir = join(outdir, entry);
      return { dir, files: readdirSync(dir).sort(), code: readFileSync(join(dir, 'index.js'), 'utf8') };
    });
});
afterAll(removeOutdirs);

describe('function bundles', () => {
  it('are four CommonJS files with their source maps', () => {
    expect(bundles).toHaveLength(4);
    for (const bundle of bundles) expect(bundle.files).toEqual(['index.js', 'index.js.map']);
  });

  it('require only the SDK clients from the runtime, and bundle every other package', () => {
    for (const bundle of bundles) {
      expect(bundle.code).not.toMatch(/^import\s/m);
      // Not `[require("…")]`: the SDK's message that names the CRT signer package.
      const required = [...bundle.code.matchAll(/(?<!\[)\brequire\(\s*["']([^"']+)["']\s*\)/g)].map(
        (m) => m[1] as string,
      );
      // ws (client-node's index, in the watch bundle) tries its optional native helpers and goes on without.
      const optional = ['bufferutil', 'utf-8-validate'];
      // undici's plain llhttp build, required only where WebAssembly SIMD fails (never on Graviton): left out.
      const simdFallback = (name: string) => name.endsWith('/node_modules/undici/lib/llhttp/llhttp-wasm.js');
      const packages = required.filter(
        (name) =>
          !name.startsWith('node:') &&
          !builtinModules.includes(name) &&
          !optional.includes(name) &&
          !simdFallback(name),
      );
      expect(packages.length).toBeGreaterThan(0);
      for (const name of packages) expect(name).toMatch(/^@aws-sdk\/client-[a-z0-9-]+$/);
    }
  });
});
