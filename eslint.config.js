import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers (docs/architecture.md): shared/ ← adapters/ ← functions/<fn>/ and cli/<command>/. Each imports only
// downward; nothing imports infra/ but test/ and bench/. A wrong import fails `npm test`, not a review.
const LAMBDAS = ['parse', 'enrich', 'notify', 'watch'];
const COMMANDS = ['scan', 'replay', 'backfill', 'query'];

const forbid = (regex, message) => ({ regex, message });
const NO_INFRA = forbid('(^|/)infra/', 'nothing imports infra/ but test/ and bench/');
const NO_CLI = forbid('(^|/)cli/', 'cli/ is an entry point: nothing imports it');
const NO_FUNCTIONS = forbid(
  '(^|/)functions/',
  'functions/ holds entry points: import the layer below instead',
);
const NO_ADAPTERS = forbid(
  '(^|/)adapters/',
  'only functions/ and cli/ import the AWS and Kubernetes adapters',
);
const NO_CLIENTS = forbid(
  '^@(aws-sdk|smithy|kubernetes|aws-lambda-powertools|middy)/',
  'shared/ is pure: no AWS, Kubernetes or Lambda runtime client',
);

/** Restricts the import patterns of one folder. */
const layer = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

/** Another sibling folder of the same floor: `../other/…` or `…/functions/other/…`. */
const siblings = (floor, own, names) =>
  names
    .filter((name) => name !== own)
    .map((name) =>
      forbid(`^\\.\\./${name}/|(^|/)${floor}/${name}/`, `${floor}/${own} may not import ${floor}/${name}`),
    );

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdk.out/', 'bench/out/', '.bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  layer(['shared/**/*.ts'], [NO_ADAPTERS, NO_FUNCTIONS, NO_CLI, NO_INFRA, NO_CLIENTS]),
  layer(['adapters/**/*.ts'], [NO_FUNCTIONS, NO_CLI, NO_INFRA]),
  ...LAMBDAS.map((name) =>
    layer([`functions/${name}/**/*.ts`], [NO_CLI, NO_INFRA, ...siblings('functions', name, LAMBDAS)]),
  ),
  layer(['cli/*.ts'], [NO_FUNCTIONS, NO_INFRA]),
  ...COMMANDS.map((name) =>
    layer([`cli/${name}/**/*.ts`], [NO_FUNCTIONS, NO_INFRA, ...siblings('cli', name, COMMANDS)]),
  ),
  layer(['infra/**/*.ts'], [NO_ADAPTERS, NO_FUNCTIONS, NO_CLI]),
);
