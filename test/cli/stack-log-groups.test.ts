/**
 * The console and the terminal run the same queries: every QueryDefinition the stack saves, run with
 * `query NAME --cluster demo`, sends exactly the saved string to exactly the saved log group.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createQueryCommand } from '../../cli/query/query-command.ts';
import { eventsLogGroupOf, kernelLogGroupOf } from '../../cli/stack-log-groups.ts';
import { OomAlerts } from '../../infra/oom-alerts.ts';
import { memoryIo } from './in-memory-io.ts';

interface QueryDefinitionProps {
  Name: string;
  QueryString: string;
  LogGroupNames: Array<{ Ref: string }>;
}

let definitions: QueryDefinitionProps[];
let logGroupNames: Map<string, string>;

// Made before the first test, not when the file is collected: a run that filters every test out runs no hook.
let outdir = '';
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'query-definitions-'));
  // Synthesized once, without esbuild bundling (CDK's own switch): only the template matters here.
  const app = new App({
    outdir,
    context: { 'aws:cdk:bundling-stacks': [] },
  });
  const stack = new Stack(app, 'Alerts', { env: { account: '123456789012', region: 'eu-west-1' } });
  new OomAlerts(stack, 'OomAlerts', { clusterName: 'demo' });
  const template = Template.fromStack(stack);
  definitions = Object.values(template.findResources('AWS::Logs::QueryDefinition')).map(
    (r) => (r as { Properties: QueryDefinitionProps }).Properties,
  );
  logGroupNames = new Map(
    Object.entries(template.findResources('AWS::Logs::LogGroup')).map(([id, r]) => [
      id,
      (r as { Properties: { LogGroupName?: string } }).Properties.LogGroupName ?? '',
    ]),
  );
});

const logs = mockClient(CloudWatchLogsClient);
afterEach(() => logs.reset());

const FILLED: Record<string, { args: string[]; values: Record<string, string> }> = {
  'pod-history': {
    args: ['--param', 'NAMESPACE=shop', '--param', 'POD=api-7d9f8-x2x4k'],
    values: { NAMESPACE: 'shop', POD: 'api-7d9f8-x2x4k' },
  },
};

describe('saved QueryDefinitions and the query command', () => {
  it('the stack saves one definition per query the command knows, under eks-oom-alerts/<cluster>/<name>', async () => {
    const listed = memoryIo();
    await createQueryCommand({ logsClient: () => new CloudWatchLogsClient({}) }).run(['--list'], listed.io);
    const names = listed.stdout.text
      .split('\n')
      .filter((l) => /^ {2}[a-z]/.test(l))
      .map((l) => l.trim().split(' ')[0]);
    expect(definitions.map((d) => d.Name).sort()).toEqual(
      names.map((n) => `eks-oom-alerts/demo/${n}`).sort(),
    );
  });

  it('the default log groups of --cluster are the ones the stack creates', () => {
    const names = [...logGroupNames.values()];
    expect(names).toContain(eventsLogGroupOf('demo'));
    expect(names).toContain(kernelLogGroupOf('demo'));
  });

  it('query NAME --cluster demo sends each saved query string to the saved log group', async () => {
    expect(definitions.length).toBeGreaterThan(0);
    for (const definition of definitions) {
      logs.reset();
      logs.on(StartQueryCommand).resolves({ queryId: 'q' });
      logs.on(GetQueryResultsCommand).resolves({ status: 'Complete', results: [] });
      const name = definition.Name.replace('eks-oom-alerts/demo/', '');
      const filled = FILLED[name] ?? { args: [], values: {} };
      const run = memoryIo({ sleep: () => Promise.resolve() });

      const code = await createQueryCommand({ logsClient: () => new CloudWatchLogsClient({}) }).run(
        [name, '--cluster', 'demo', ...filled.args],
        run.io,
      );

      expect(code, run.stderr.text).toBe(0);
      let saved = definition.QueryString;
      for (const [placeholder, value] of Object.entries(filled.values))
        saved = saved.replaceAll(`"${placeholder}"`, `"${value}"`);
      const sent = logs.commandCalls(StartQueryCommand).map((c) => c.args[0].input);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.queryString).toBe(saved);
      expect(definition.LogGroupNames).toHaveLength(1);
      expect(sent[0]?.logGroupName).toBe(logGroupNames.get(definition.LogGroupNames[0]?.Ref ?? ''));
    }
  });
});
