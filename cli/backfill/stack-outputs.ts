/**
 * `backfill --deliver --stack NAME`: the names of the deployed stack's topic, bus, state table and events log
 * group, and its chat topic when it has one, from its outputs (CloudFormation DescribeStacks), instead of one
 * flag each.
 */
import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { awsErrorText } from '../../adapters/aws-errors.ts';
import { OPTIONAL_STACK_OUTPUTS, STACK_OUTPUTS, type StackOutputKey } from '../../shared/stack-outputs.ts';

/** Every output the CLI needs, and the chat topic when the stack has one. */
export type StackOutputValues = Record<StackOutputKey, string> & { chatTopicArn: string | null };

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
  const chatTopicArn = byKey.get(OPTIONAL_STACK_OUTPUTS.chatTopicArn);
  return {
    ok: true,
    outputs: { ...(values as Record<StackOutputKey, string>), chatTopicArn: chatTopicArn ?? null },
  };
}
