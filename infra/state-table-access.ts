import { Validations, aws_iam as iam, type aws_dynamodb as dynamodb } from 'aws-cdk-lib';
import { STATE_KEY_PREFIX } from '../shared/state-table-keys.ts';

/** What a function may do on the state table: the item actions its store sends, on the key prefixes it owns. */
export interface StateTableAccess {
  readonly actions: readonly string[];
  readonly prefixes: readonly string[];
}

/**
 * Each store's commands (adapters/state/, functions/parse/assembler-state-store.ts) and prefixes
 * (shared/state-table-keys.ts). No Query, Scan or batch action: every item is read and written by its key.
 */
export const STATE_TABLE_ACCESS = {
  parse: {
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    prefixes: [STATE_KEY_PREFIX.assemblerState],
  },
  enrich: {
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    prefixes: [STATE_KEY_PREFIX.eventClaim, STATE_KEY_PREFIX.killClaim],
  },
  notify: {
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    prefixes: [STATE_KEY_PREFIX.storm, STATE_KEY_PREFIX.containerKills],
  },
} as const satisfies Record<string, StateTableAccess>;

/**
 * The actions on the table, allowed only for partition keys that start with one of the prefixes
 * (`dynamodb:LeadingKeys`). ForAllValues holds for a request without keys too, which is why no Scan is granted.
 * With the organization's key, the role may also use it for the table.
 */
export function grantStateTable(table: dynamodb.ITable, role: iam.IRole, access: StateTableAccess): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [...access.actions],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': access.prefixes.map((prefix) => `${prefix}*`) },
      },
    }),
  );
  const key = table.encryptionKey;
  if (key === undefined) return;
  key.grantEncryptDecrypt(role);
  Validations.of(role).acknowledge(
    ...['kms:GenerateDataKey*', 'kms:ReEncrypt*'].map((action) => ({
      id: `AwsSolutions::AwsSolutions-IAM5[Action::${action}]`,
      reason:
        "A table under a customer managed key: the action set of aws-cdk-lib's table grants, on that one key only.",
    })),
  );
}
