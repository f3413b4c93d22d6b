/**
 * The standalone app run as the CDK CLI runs it: a Node process with the context in CDK_CONTEXT_JSON and the
 * region in CDK_DEFAULT_REGION. Mistakes come out as a list and exit 1, never as a stack trace.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { removeOutdirs, tempOutdir } from './stack-fixture.ts';

afterAll(removeOutdirs);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  outdir: string;
}

async function runApp(context: Record<string, unknown>, env: Record<string, string> = {}): Promise<Run> {
  const outdir = tempOutdir('oom-alerts-app-');
  const childEnv: Record<string, string | undefined> = { ...process.env };
  for (const name of ['CDK_DEFAULT_REGION', 'AWS_REGION', 'AWS_DEFAULT_REGION']) delete childEnv[name];
  const options = {
    encoding: 'utf8' as const,
    env: {
      ...childEnv,
      ...env,
      // Template tests skip esbuild the same way (test/infra/stack-fixture.ts).
      CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context }),
      CDK_OUTDIR: outdir,
    },
  };
  try {
    const done = await promisify(execFile)(process.execPath, ['infra/app.ts'], options);
    return { code: 0, stdout: done.stdout, stderr: done.stderr, outdir };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr, outdir };
  }
}

describe('infra/app.ts', () => {
  it('lists every context mistake and exits 1, without a stack trace', async () => {
    const run = await runApp(
      { alertPhone: '015112345678', logGroupMode: 'foo' },
      { CDK_DEFAULT_REGION: 'eu-west-1' },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'eks-oom-alerts configuration:\n' +
        '  - clusterName is required: npx cdk synth -c clusterName=<your EKS cluster> [-c alertEmail=ops@example.com]\n' +
        '  - alertPhone "015112345678" is not an E.164 number such as +4915112345678\n' +
        '  - logGroupMode must be "ship" or "existing", not "foo"\n',
    );
  });

  it('-c runbookUrl=wiki/{pod} -c smsFor=some: listed, exit 1, no stack trace', async () => {
    const run = await runApp(
      { clusterName: 'demo', runbookUrl: 'wiki/{pod}', smsFor: 'some' },
      { CDK_DEFAULT_REGION: 'eu-west-1' },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'eks-oom-alerts configuration:\n' +
        '  - runbookUrl must be an http:// or https:// link without spaces\n' +
        '  - runbookUrl names {pod}: the placeholders are {cluster}, {namespace}, {workload} and {container}\n' +
        '  - smsFor must be "all" or "restarts-and-node", not "some"\n',
    );
  });

  it("-c alertEmails=… (the construct prop's name): an unknown key, named with the one meant, exit 1", async () => {
    const run = await runApp(
      { clusterName: 'demo', alertEmails: 'ops@example.com' },
      { CDK_DEFAULT_REGION: 'eu-west-1' },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'eks-oom-alerts configuration:\n' +
        '  - unknown context key alertEmails: did you mean alertEmail? (the keys: docs/deploy.md, "Configuration")\n',
    );
  });

  it("a check of the construct's that fails at synth (a third subscription filter) is listed the same way", async () => {
    const run = await runApp(
      {
        clusterName: 'demo',
        logGroupMode: 'existing',
        existingLogGroupName: '/aws/containerinsights/demo/host',
        existingSubscriptionFilters: '2',
      },
      { CDK_DEFAULT_REGION: 'eu-west-1' },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'eks-oom-alerts: region eu-west-1 (from the AWS profile or instance metadata)\n' +
        'eks-oom-alerts configuration:\n' +
        '  - Log group /aws/containerinsights/demo/host would have 3 subscription filters (2 existing, 1 in this app); ' +
        'CloudWatch Logs allows 2. Remove one, or use ship mode, which creates its own group.\n',
    );
  });

  it('with no region anywhere, says so and exits 1', async () => {
    const run = await runApp({ clusterName: 'demo' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'eks-oom-alerts configuration:\n  - no region: give -c region=<region>, or set AWS_REGION\n',
    );
  });

  it('-c clusterName=prod_eu -c region=eu-west-1: synthesizes EksOomAlerts-prod-eu and says where the region came from', async () => {
    const run = await runApp(
      { clusterName: 'prod_eu', region: 'eu-west-1' },
      { CDK_DEFAULT_REGION: 'us-east-1' },
    );
    expect(run.stderr).toBe('eks-oom-alerts: region eu-west-1 (from context region)\n');
    expect(run.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(run.outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; environment?: string }>;
    };
    expect(manifest.artifacts['EksOomAlerts-prod-eu']).toMatchObject({
      type: 'aws:cloudformation:stack',
      environment: 'aws://unknown-account/eu-west-1',
    });
    const kubernetes = readFileSync(join(run.outdir, 'EksOomAlerts-prod-eu.kubernetes.yaml'), 'utf8');
    expect(kubernetes).toContain('region: eu-west-1');
    expect(kubernetes).toContain('logGroupName: /eks-oom-alerts/prod_eu/kernel');
  });
});
