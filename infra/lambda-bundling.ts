/**
 * How the function bundles are built, in one place: infra/pipeline-function.ts hands these options to CDK's
 * NodejsFunction, bench/lambda-bundles.ts and the bundle test to esbuild itself (`esbuildOptions`), so that
 * what is measured and tested is what is deployed. Plain data, no CDK.
 */
import type { BuildOptions } from 'esbuild';

export interface LambdaBundling {
  format: 'cjs';
  target: string;
  minify: boolean;
  mainFields: string[];
  external: string[];
  define: Record<string, string>;
  /** Import paths replaced by files of this project, relative to the project root (esbuild's working folder). */
  alias: Record<string, string>;
}

export const LAMBDA_BUNDLING: LambdaBundling = {
  // CommonJS, so that a package the runtime provides is required where the code first needs it. ES module
  // output hoists every import of an external package to the top of the file: the SDK clients a handler
  // loads late would load at cold start all the same.
  format: 'cjs',
  target: 'node24',
  minify: true,
  mainFields: ['module', 'main'],
  // The nodejs24.x runtime ships every `@aws-sdk/client-*` package of SDK v3; Node's built-ins are external
  // on platform node. Everything else is bundled: the runtime does not promise the SDK's helper packages
  // (aws-sdk-js-v3#5122: `@aws-sdk/util-retry` was missing).
  //
  // undici compiles llhttp from its WebAssembly SIMD build, and falls back to a plain build (72 kB) where SIMD
  // is missing or turned off (riscv64, older ppc64, UNDICI_NO_WASM_SIMD=1). The functions run on arm64
  // (Graviton), whose V8 always has WebAssembly SIMD: the fallback is left out, and its `require` would throw
  // a module-not-found error if it were ever reached.
  external: ['@aws-sdk/client-*', './node_modules/undici/lib/llhttp/llhttp-wasm.js'],
  // undici's own switch for bundles, the one Node.js builds its fetch with: HTTP/1 is parsed by llhttp only,
  // and the experimental Milo parser (150 kB) stays out.
  define: { esbuildDetection: 'true' },
  // client-node uses undici's fetch and Agent; undici's index loads all of undici. The packages it imports for
  // proxies, auth-provider plugins and kubeconfig files, which a function's kubeconfig never has, are left out.
  alias: {
    undici: './infra/undici-subset.js',
    ...Object.fromEntries(
      ['socks', 'socks-proxy-agent', 'hpagent', 'jsonpath-plus', 'openid-client', 'js-yaml'].map((name) => [
        name,
        './infra/lambda-stand-ins.js',
      ]),
    ),
  },
};

/** The same options for esbuild's own API: the function's handler bundled into `outfile`, as CDK bundles it. */
export function esbuildOptions(projectRoot: string, name: string, outfile: string): BuildOptions {
  const { format, target, minify, mainFields, external, define, alias } = LAMBDA_BUNDLING;
  return {
    absWorkingDir: projectRoot,
    entryPoints: [`functions/${name}/handler.ts`],
    outfile,
    bundle: true,
    platform: 'node',
    ...{ format, target, minify, mainFields, external, define, alias },
  };
}
