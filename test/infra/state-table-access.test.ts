import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STATE_TABLE_ACCESS } from '../../infra/state-table-access.ts';
import { STATE_KEY_PREFIX } from '../../shared/state-table-keys.ts';

/** The stores each function writes the table through. */
const STORES = {
  parse: ['functions/parse/assembler-state-store.ts'],
  enrich: ['adapters/state/dynamodb-claim-store.ts'],
  notify: ['adapters/state/dynamo-storm-store.ts', 'adapters/state/dynamo-container-kill-store.ts'],
} as const;

/**
 * `new GetCommand(` (lib-dynamodb) or `new GetItemCommand(` (the plain client) → `dynamodb:GetItem`: the IAM
 * action of each command the stores send.
 */
function actionsSentBy(files: readonly string[]): string[] {
  const commands = new Set(
    files.flatMap((file) =>
      [
        ...readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8').matchAll(/new (\w+)Command\(/g),
      ].map((match) => match[1] as string),
    ),
  );
  return [...commands].map((command) => `dynamodb:${command.replace(/Item$/, '')}Item`).sort();
}

describe('state table access', () => {
  it.each(Object.entries(STORES))('grants %s exactly the actions its stores send (%s)', (fn, files) => {
    expect([...STATE_TABLE_ACCESS[fn as keyof typeof STORES].actions].sort()).toEqual(actionsSentBy(files));
  });

  it('gives every key prefix to exactly one function', () => {
    const granted = Object.values(STATE_TABLE_ACCESS).flatMap((access) => [...access.prefixes]);
    expect(granted.sort()).toEqual(Object.values(STATE_KEY_PREFIX).sort());
  });
});
