import { Duration, aws_logs as logs } from 'aws-cdk-lib';
import type { ChatChannels } from './chat-channels.ts';
import type { KernelLogSource } from './oom-alerts.ts';
import { runbookTemplateProblems } from '../shared/alert-format/next-steps.ts';
import { isSmsFor, SMS_FOR_VALUES, type SmsFor } from '../shared/alert-format/sms-policy.ts';
import { MAX_WINDOW_MINUTES } from '../shared/storm-window.ts';

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
  'fluentBitImage',
  'encryptionKeyArn',
  'dashboard',
  'silentNodeMinutes',
  'smsSpendAlarmUsd',
  'region',
  'slackWorkspaceId',
  'slackChannelId',
  'teamsTenantId',
  'teamsTeamId',
  'teamsChannelId',
  'pagerDutyRoutingKeySecretName',
  'kubernetesEvents',
  'runbookUrl',
  'smsFor',
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
  readonly fluentBitImage: string | undefined;
  readonly encryptionKeyArn: string | undefined;
  readonly dashboard: boolean;
  readonly silentNodeAfter: Duration | undefined;
  readonly smsSpendAlarmUsd: number | undefined;
  /** Context `region`; otherwise the region comes from the environment (regionOf). */
  readonly region: string | undefined;
  readonly chatChannels: ChatChannels | undefined;
  /** A Secrets Manager secret (name or ARN) whose value is the PagerDuty routing key. */
  readonly pagerDutyRoutingKeySecretName: string | undefined;
  readonly kubernetesEvents: boolean;
  /** A link template for every alert: `{cluster}`, `{namespace}`, `{workload}`, `{container}`. */
  readonly runbookUrl: string | undefined;
  readonly smsFor: SmsFor | undefined;
}

export type AppConfigResult = { ok: true; config: AppConfig } | { ok: false; errors: string[] };

const E164 = /^\+[1-9]\d{6,14}$/;
// Dot-separated domain labels that exclude the dot: no overlapping repetition, linear time.
const EMAIL = /^[^\s@,]+@[^\s@,.]+(?:\.[^\s@,.]+)+$/;
// A key, not an alias: log groups take only a key ARN.
const KMS_KEY_ARN = /^arn:aws[a-z-]{0,20}:kms:[a-z0-9-]{1,30}:\d{12}:key\/[A-Za-z0-9-]{1,100}$/;
// An image reference has no spaces; the rest is the registry's business.
const IMAGE = /^[^\s]{1,500}$/;
const USD = /^\d{1,4}(?:\.\d{1,2})?$/;
// EKS: "The name can contain only alphanumeric characters (case-sensitive), hyphens, and underscores. It must
// start with an alphanumeric character and can't be longer than 100 characters."
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+){1,2}-\d{1,2}$/;
// AWS Chatbot's own patterns (API reference): Slack IDs, Teams IDs, and a Teams channel ID as its link encodes it.
const SLACK_WORKSPACE_ID = /^[0-9A-Z]{1,255}$/;
const SLACK_CHANNEL_ID = /^[A-Za-z0-9]{1,255}$/;
const UUID = /^[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}$/;
const TEAMS_CHANNEL_ID = /^[\w=+/.,-]{0,200}%3[aA][\w=+/.,-]{0,200}%40[\w=+/.,-]{0,200}$/;
// A secret's name (letters, digits, /_+=.@-) or its ARN.
const SECRET_ID = /^[A-Za-z0-9/_+=.@:-]{1,2048}$/;
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

/**
 * The context keys given that this app does not read, each as a problem: a misspelt key (`alertEmails`, a
 * construct prop's name; `alert-email`) would otherwise be ignored without a word. A plain word is this app's to
 * judge; a key with `-` or `_` only when it is spelt like one of its keys (CDK keeps such keys of its own:
 * `cli-telemetry`, `acknowledged-issue-numbers`), and one with `:` or `@` never (`aws:cdk:…`, `@aws-cdk/…`, lookups).
 */
export function unknownContextKeyProblems(keys: readonly string[]): string[] {
  const known = new Set<string>(CONTEXT_KEYS);
  return keys.flatMap((key) => {
    if (known.has(key) || !/^[A-Za-z][\w-]*$/.test(key)) return [];
    const near = CONTEXT_KEYS.find((candidate) => looseKey(candidate) === looseKey(key));
    if (near === undefined && /[-_]/.test(key)) return [];
    const meant = near === undefined ? '' : `: did you mean ${near}?`;
    return [`unknown context key ${key}${meant} (the keys: docs/deploy.md, "Configuration")`];
  });
}

/** A key compared without case, `-`, `_` and a plural s: `alertEmails`, `AlertEmail`, `alert-email` are `alertEmail`. */
const looseKey = (key: string): string => key.toLowerCase().replace(/[-_]/g, '').replace(/s$/, '');

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
  } else {
    for (const key of ['existingLogGroupName', 'existingSubscriptionFilters'] as const) {
      if (text(context(key)) !== undefined)
        errors.push(`${key} needs logGroupMode=existing (ship mode makes its own group)`);
    }
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
  // notify refuses a longer window (adapters/notify/notify-config.ts).
  if (typeof groupingMinutes === 'number' && groupingMinutes > MAX_WINDOW_MINUTES) {
    errors.push(`groupingWindowMinutes must be at most ${MAX_WINDOW_MINUTES} (one day)`);
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

  const fluentBitImage = text(context('fluentBitImage'));
  if (fluentBitImage !== undefined && !IMAGE.test(fluentBitImage)) {
    errors.push('fluentBitImage must be an image reference without spaces, e.g. <registry>/fluent-bit:5.1.2');
  }
  const encryptionKeyArn = text(context('encryptionKeyArn'));
  if (encryptionKeyArn !== undefined && !KMS_KEY_ARN.test(encryptionKeyArn)) {
    errors.push(
      `encryptionKeyArn must be the ARN of a KMS key (arn:aws:kms:<region>:<account>:key/<id>), not "${encryptionKeyArn}"`,
    );
  }
  const dashboard = text(context('dashboard')) ?? 'false';
  if (dashboard !== 'true' && dashboard !== 'false') errors.push('dashboard must be true or false');
  const silentMinutes = wholeNumber(context('silentNodeMinutes'));
  if (
    silentMinutes === 'invalid' ||
    (silentMinutes !== undefined && (silentMinutes < 10 || silentMinutes > 1440))
  ) {
    errors.push('silentNodeMinutes must be a whole number of minutes from 10 to 1440');
  }
  const smsSpend = text(context('smsSpendAlarmUsd'));
  if (smsSpend !== undefined && !USD.test(smsSpend)) {
    errors.push('smsSpendAlarmUsd must be an amount of US dollars, e.g. 0.8 or 25');
  }

  if (clusterName !== undefined && !EKS_CLUSTER_NAME.test(clusterName)) {
    errors.push(
      `clusterName "${clusterName}" is not an EKS cluster name: letters, digits, - and _, starting with a letter or digit, at most 100`,
    );
  }
  const region = text(context('region'));
  if (region !== undefined && !REGION.test(region))
    errors.push(`region "${region}" is not an AWS region such as eu-west-1`);
  const chatChannels = readChatChannels(context, errors);
  const pagerDutyRoutingKeySecretName = text(context('pagerDutyRoutingKeySecretName'));
  if (pagerDutyRoutingKeySecretName !== undefined && !SECRET_ID.test(pagerDutyRoutingKeySecretName)) {
    errors.push('pagerDutyRoutingKeySecretName must be the name or ARN of a Secrets Manager secret');
  }
  const kubernetesEvents = text(context('kubernetesEvents')) ?? 'false';
  if (kubernetesEvents !== 'true' && kubernetesEvents !== 'false')
    errors.push('kubernetesEvents must be true or false');
  const runbookUrl = text(context('runbookUrl'));
  for (const problem of runbookUrl === undefined ? [] : runbookTemplateProblems(runbookUrl)) {
    errors.push(`runbookUrl ${problem}`);
  }
  const smsFor = text(context('smsFor'));
  if (smsFor !== undefined && !isSmsFor(smsFor)) {
    errors.push(
      `smsFor must be ${SMS_FOR_VALUES.map((value) => `"${value}"`).join(' or ')}, not "${smsFor}"`,
    );
  }

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
      fluentBitImage,
      encryptionKeyArn,
      dashboard: dashboard === 'true',
      silentNodeAfter: typeof silentMinutes === 'number' ? Duration.minutes(silentMinutes) : undefined,
      smsSpendAlarmUsd: smsSpend === undefined ? undefined : Number(smsSpend),
      region,
      chatChannels,
      pagerDutyRoutingKeySecretName,
      kubernetesEvents: kubernetesEvents === 'true',
      runbookUrl,
      smsFor: smsFor !== undefined && isSmsFor(smsFor) ? smsFor : undefined,
    },
  };
}

/** The keys of one chat channel: each one set, or none (`undefined`); a key left out of a set is an error. */
function channelKeys<K extends ContextKey>(
  context: (key: ContextKey) => unknown,
  keys: readonly K[],
  errors: string[],
): Record<K, string> | undefined {
  const values = keys.map((key) => [key, text(context(key))] as const);
  const given = values.filter(([, value]) => value !== undefined);
  if (given.length === 0) return undefined;
  if (given.length < keys.length) {
    const missing = values.filter(([, value]) => value === undefined).map(([key]) => key);
    errors.push(
      `${given.map(([key]) => key).join(' and ')} ${given.length === 1 ? 'needs' : 'need'} ${missing.join(' and ')}`,
    );
    return undefined;
  }
  return Object.fromEntries(values) as Record<K, string>;
}

/** `slackWorkspaceId` + `slackChannelId`, `teamsTenantId` + `teamsTeamId` + `teamsChannelId`: either, both, or none. */
function readChatChannels(context: (key: ContextKey) => unknown, errors: string[]): ChatChannels | undefined {
  const slack = channelKeys(context, ['slackWorkspaceId', 'slackChannelId'], errors);
  const teams = channelKeys(context, ['teamsTenantId', 'teamsTeamId', 'teamsChannelId'], errors);
  const check = (ok: boolean, problem: string): void => {
    if (!ok) errors.push(problem);
  };
  if (slack !== undefined) {
    check(
      SLACK_WORKSPACE_ID.test(slack.slackWorkspaceId),
      'slackWorkspaceId is the workspace ID the AWS Chatbot console shows (T0123ABCD)',
    );
    check(
      SLACK_CHANNEL_ID.test(slack.slackChannelId),
      "slackChannelId is the ID at the end of the channel's link (C0123ABCD)",
    );
  }
  if (teams !== undefined) {
    check(UUID.test(teams.teamsTenantId), 'teamsTenantId is a UUID, as the AWS Chatbot console shows it');
    check(UUID.test(teams.teamsTeamId), 'teamsTeamId is a UUID, as the AWS Chatbot console shows it');
    check(
      TEAMS_CHANNEL_ID.test(teams.teamsChannelId),
      "teamsChannelId is the channel ID as the channel's link encodes it: 19%3a…%40thread.tacv2",
    );
  }
  if (slack === undefined && teams === undefined) return undefined;
  return {
    ...(slack && { slack: { workspaceId: slack.slackWorkspaceId, channelId: slack.slackChannelId } }),
    ...(teams && {
      teams: { tenantId: teams.teamsTenantId, teamId: teams.teamsTeamId, channelId: teams.teamsChannelId },
    }),
  };
}

/**
 * The standalone stack's name: `EksOomAlerts-<cluster>`. A CloudFormation stack name allows letters, digits
 * and `-` only, and an EKS cluster name may hold `_` as well: it becomes `-`.
 */
export function stackNameOf(clusterName: string): string {
  return `EksOomAlerts-${clusterName.replaceAll('_', '-')}`;
}

/** Where the deployment's region came from, for the user to see. */
export type RegionChoice = { ok: true; region: string; source: string } | { ok: false; problem: string };

/**
 * The region to deploy to: context `region`, else the one the CDK CLI hands the app (CDK_DEFAULT_REGION). The
 * CLI takes that from AWS_REGION, AWS_DEFAULT_REGION, the profile or instance metadata, and falls back to
 * us-east-1 without a word when it finds none (aws-cdk's SdkProvider): the source says which it can tell.
 */
export function regionOf(
  contextRegion: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): RegionChoice {
  if (contextRegion !== undefined) return { ok: true, region: contextRegion, source: 'context region' };
  const cdkRegion = env.CDK_DEFAULT_REGION;
  if (cdkRegion === undefined || cdkRegion === '') {
    return { ok: false, problem: 'no region: give -c region=<region>, or set AWS_REGION' };
  }
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION']) {
    if (env[name] === cdkRegion) return { ok: true, region: cdkRegion, source: name };
  }
  return {
    ok: true,
    region: cdkRegion,
    source:
      cdkRegion === 'us-east-1'
        ? "the AWS profile, or the CDK CLI's fallback when no region is set anywhere: give -c region=<region> to be sure"
        : 'the AWS profile or instance metadata',
  };
}

/**
 * The construct's own checks (`node.addValidation`) fail at synth, after the context was read, as one error
 * whose message lists them as `  [path] problem` lines: the problems, for the same list the context's give.
 * Anything else is not a validation failure: undefined.
 */
export function synthValidationProblems(error: unknown): string[] | undefined {
  const message = error instanceof Error ? error.message : undefined;
  const [head, ...rest] = message?.split('\n') ?? [];
  if (head === undefined || !head.startsWith('Validation failed with the following errors:'))
    return undefined;
  return rest.map((line) => line.trim().replace(/^\[[^\]]*\] /, '')).filter((line) => line !== '');
}
