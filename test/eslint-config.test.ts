import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

/** The import-boundary messages ESLint gives one line of source placed at `filePath`. */
async function boundaryErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = value;\n`, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the import rule of the layers (eslint.config.js)', () => {
  it.each([
    ['shared/kernel-log.ts', "import { value } from '../adapters/retry.ts';", 'only functions/ and cli/'],
    ['shared/kernel-log.ts', "import { value } from '@aws-sdk/client-sns';", 'no AWS'],
    ['shared/kernel-log.ts', "import { value } from '@kubernetes/client-node';", 'no AWS, Kubernetes'],
    ['adapters/retry.ts', "import { value } from '../functions/enrich/handler.ts';", 'entry points'],
    ['adapters/retry.ts', "import { value } from '../cli/main.ts';", 'nothing imports it'],
    [
      'functions/parse/handler.ts',
      "import { value } from '../enrich/handler.ts';",
      'may not import functions/enrich',
    ],
    [
      'functions/notify/handler.ts',
      "import { value } from '../../infra/stack.ts';",
      'nothing imports infra/',
    ],
    ['cli/main.ts', "import { value } from '../functions/enrich/handler.ts';", 'entry points'],
    [
      'cli/scan/scan-command.ts',
      "import { value } from '../../functions/notify/handler.ts';",
      'entry points',
    ],
    [
      'cli/query/query-command.ts',
      "import { value } from '../backfill/backfill-command.ts';",
      'may not import cli/backfill',
    ],
    ['infra/stack.ts', "import { value } from '../adapters/retry.ts';", 'only functions/ and cli/'],
  ])('%s: %s is refused', async (filePath, source, reason) => {
    const errors = await boundaryErrors(filePath, source);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(reason);
  });

  it.each([
    ['adapters/retry.ts', "import { value } from '../shared/kernel-log.ts';"],
    ['functions/enrich/handler.ts', "import { value } from '../../adapters/enrich/enrich-stage.ts';"],
    ['functions/enrich/handler.ts', "import { value } from './enrich-telemetry.ts';"],
    ['cli/scan/scan-command.ts', "import { value } from '../../adapters/kubernetes/pod-resolver.ts';"],
    ['cli/scan/scan-command.ts', "import { value } from '../command.ts';"],
    ['infra/stack.ts', "import { value } from '../shared/metric-names.ts';"],
  ])('%s: %s is allowed', async (filePath, source) => {
    expect(await boundaryErrors(filePath, source)).toEqual([]);
  });
});
