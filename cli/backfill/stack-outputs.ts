/**
 * `backfill --deliver --stack NAME`: the names of the deployed stack's topic, bus, state table and events log
 * group, its chat topic when it has one, and what notify alerts with (storm window, SMS policy, runbook link),
 * from its outputs (CloudFormation DescribeStacks), instead of one flag each.
 */
import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { awsErrorText } from '../../adapters/aws-errors.ts';
import { isSmsFor, SMS_FOR_VALUES, type SmsFor } from '../../shared/alert-format/sms-policy.ts';
import { OPTIONAL_STACK_OUTPUTS, STACK_OUTPUTS, type StackOutputKey } from '../../shared/stack-outputs.ts';
import { MAX_WINDOW_MINUTES } from '../../shared/storm-window.ts';

/**
 * Every output the CLI needs, and those a stack may lack: the chat topic (no chat channel), the runbook link (none
 * set), notify's window and SMS policy (a stack deployed before they were outputs: null, the defaults then).
 */
export type StackOutputValues = Record<StackOutputKey, string> & {
  chatTopicArn: string | null;
  groupingWindowMinutes: number | null;
  smsFor: SmsFor | null;
  runbookUrl: string | null;
};

export type StackOutputsResult = { ok: true; outputs: StackOutputValues } | { ok: false; problem: string };

export async function readStackOutputs(
  client: CloudFormationClient,
  stackName: string,
): Promise<StackOutputsResult> {
  let outputs;
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = Stacks?.[0]?.Outputs ?? [];
  } catch (error) {
    return { ok: false, problem: `cannot describe stack ${stackName}: ${awsErrorText(error)}` };
  }
  const byKey = new Map(outputs.map((output) => [output.OutputKey, output.OutputValue]));
  const values: Partial<StackOutputValues> = {};
  const missing: string[] = [];
  for (const [key, outputKey] of Object.entries(STACK_OUTPUTS) as Array<[StackOutputKey, string]>) {
    const value = byKey.get(outputKey);
    if (value === undefined || value === '') missing.push(outputKey);
    else values[key] = value;
  }
  if (missing.length > 0) {
    return {
      ok: false,
      problem: `stack ${stackName} has no output ${missing.join(', ')}: deploy this version of eks-oom-alerts, or name them with --state-table, --topic-arn and --events-log-group`,
    };
  }
  const windowText = byKey.get(OPTIONAL_STACK_OUTPUTS.groupingWindowMinutes);
  const groupingWindowMinutes = windowText === undefined ? null : Number(windowText);
  if (
    groupingWindowMinutes !== null &&
    !(
      Number.isInteger(groupingWindowMinutes) &&
      groupingWindowMinutes >= 1 &&
      groupingWindowMinutes <= MAX_WINDOW_MINUTES
    )
  ) {
    return {
      ok: false,
      problem: `stack ${stackName}'s output GroupingWindowMinutes is not a number of minutes: "${windowText}"`,
    };
  }
  const smsFor = byKey.get(OPTIONAL_STACK_OUTPUTS.smsFor);
  if (smsFor !== undefined && !isSmsFor(smsFor)) {
    return {
      ok: false,
      problem: `stack ${stackName}'s output SmsFor is not ${SMS_FOR_VALUES.join(' or ')}: "${smsFor}"`,
    };
  }
  return {
    ok: true,
    outputs: {
      ...(values as Record<StackOutputKey, string>),
      chatTopicArn: byKey.get(OPTIONAL_STACK_OUTPUTS.chatTopicArn) ?? null,
      groupingWindowMinutes,
      smsFor: smsFor ?? null,
      runbookUrl: byKey.get(OPTIONAL_STACK_OUTPUTS.runbookUrl) ?? null,
    },
  };
}
