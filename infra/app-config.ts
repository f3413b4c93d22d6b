import { Duration, aws_logs as logs } from 'aws-cdk-lib';
import type { KernelLogSource } from './oom-alerts.ts';

/**
 * The standalone app's settings, read from CDK context (`-c key=value` or cdk.json). Lists are
 * comma-separated strings on the command line, or JSON arrays in cdk.json.
 */
export const CONTEXT_KEYS = [
  'clusterName',
  'alertEmail',
  'alertPhone',
  'logGroupMode',
  'existingLogGroupName',
  'existingSubscriptionFilters',
  'vpcId',
  'subnetIds',
  'clusterSecurityGroupId',
  'retentionDays',
  'groupingWindowMinutes',
  'kubectlRoleArn',
  'kubectlLayerArn',
] as const;

export type ContextKey = (typeof CONTEXT_KEYS)[number];

export interface AppConfig {
  readonly clusterName: string;
  readonly alertEmails: string[];
  readonly alertPhoneNumbers: string[];
  readonly kernelLogs: KernelLogSource;
  readonly network:
    { vpcId: string; subnetIds: string[]; clusterSecurityGroupId: string | undefined } | undefined;
  readonly retention: logs.RetentionDays | undefined;
  readonly groupingWindow: Duration | undefined;
  readonly kubectl: { roleArn: string; layerArn: string } | undefined;
}

export type AppConfigResult = { ok: true; config: AppConfig } | { ok: false; errors: string[] };

const E164 = /^\+[1-9]\d{6,14}$/;
// Dot-separated domain labels that exclude the dot: no overlapping repetition, linear time.
const EMAIL = /^[^\s@,]+@[^\s@,.]+(?:\.[^\s@,.]+)+$/;
const RETENTION_DAYS = new Set<number>(
  Object.values(logs.RetentionDays).filter((value) => typeof value === 'number'),
);

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = String(value).trim();
  return trimmed === '' ? undefined : trimmed;
}

function list(value: unknown): string[] {
  const items = Array.isArray(value) ? value.map(String) : (text(value)?.split(',') ?? []);
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

function wholeNumber(value: unknown): number | undefined | 'invalid' {
  const raw = text(value);
  if (raw === undefined) return undefined;
  return /^\d{1,6}$/.test(raw) ? Number(raw) : 'invalid';
}

/** Every problem at once, so one synth run tells the user everything to fix. */
export function readAppConfig(context: (key: ContextKey) => unknown): AppConfigResult {
  const errors: string[] = [];
  const clusterName = text(context('clusterName'));
  if (clusterName === undefined) {
    errors.push(
      'clusterName is required: npx cdk synth -c clusterName=<your EKS cluster> [-c alertEmail=ops@example.com]',
    );
  }

  const alertEmails = list(context('alertEmail'));
  for (const email of alertEmails.filter((candidate) => !EMAIL.test(candidate))) {
    errors.push(`alertEmail "${email}" is not an e-mail address`);
  }
  const alertPhoneNumbers = list(context('alertPhone'));
  for (const phone of alertPhoneNumbers.filter((candidate) => !E164.test(candidate))) {
    errors.push(`alertPhone "${phone}" is not an E.164 number such as +4915112345678`);
  }

  const mode = text(context('logGroupMode')) ?? 'ship';
  const existingLogGroupName = text(context('existingLogGroupName'));
  const existingFilters = wholeNumber(context('existingSubscriptionFilters'));
  if (existingFilters === 'invalid') errors.push('existingSubscriptionFilters must be a whole number');
  let kernelLogs: KernelLogSource = { mode: 'ship' };
  if (mode === 'existing') {
    if (existingLogGroupName === undefined) {
      errors.push(
        `logGroupMode=existing needs existingLogGroupName, e.g. /aws/containerinsights/${clusterName ?? '<cluster>'}/host`,
      );
    } else {
      kernelLogs = {
        mode: 'existing',
        logGroupName: existingLogGroupName,
        existingSubscriptionFilters: typeof existingFilters === 'number' ? existingFilters : 0,
      };
    }
  } else if (mode !== 'ship') {
    errors.push(`logGroupMode must be "ship" or "existing", not "${mode}"`);
  }

  const vpcId = text(context('vpcId'));
  const subnetIds = list(context('subnetIds'));
  if (vpcId === undefined && subnetIds.length > 0) errors.push('subnetIds needs vpcId');

  const retentionDays = wholeNumber(context('retentionDays'));
  if (retentionDays === 'invalid' || (retentionDays !== undefined && !RETENTION_DAYS.has(retentionDays))) {
    errors.push(
      `retentionDays must be one of CloudWatch Logs' values: ${[...RETENTION_DAYS].sort((a, b) => a - b).join(', ')}`,
    );
  }
  const groupingMinutes = wholeNumber(context('groupingWindowMinutes'));
  if (groupingMinutes === 'invalid' || groupingMinutes === 0) {
    errors.push('groupingWindowMinutes must be a whole number of minutes, at least 1');
  }

  const kubectlRoleArn = text(context('kubectlRoleArn'));
  const kubectlLayerArn = text(context('kubectlLayerArn'));
  if (kubectlRoleArn !== undefined && kubectlLayerArn === undefined) {
    errors.push(
      'kubectlRoleArn needs kubectlLayerArn: the ARN of a published kubectl Lambda layer for your cluster version',
    );
  }
  if (kubectlLayerArn !== undefined && kubectlRoleArn === undefined)
    errors.push('kubectlLayerArn needs kubectlRoleArn');

  if (errors.length > 0 || clusterName === undefined) return { ok: false, errors };
  return {
    ok: true,
    config: {
      clusterName,
      alertEmails,
      alertPhoneNumbers,
      kernelLogs,
      network:
        vpcId === undefined
          ? undefined
          : { vpcId, subnetIds, clusterSecurityGroupId: text(context('clusterSecurityGroupId')) },
      retention: typeof retentionDays === 'number' ? (retentionDays as logs.RetentionDays) : undefined,
      groupingWindow: typeof groupingMinutes === 'number' ? Duration.minutes(groupingMinutes) : undefined,
      kubectl:
        kubectlRoleArn !== undefined && kubectlLayerArn !== undefined
          ? { roleArn: kubectlRoleArn, layerArn: kubectlLayerArn }
          : undefined,
    },
  };
}
