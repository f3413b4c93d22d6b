import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { OomAlerts, type OomAlertsProps } from '../../infra/oom-alerts.ts';

export const ENV = { account: '123456789012', region: 'eu-west-1' } as const;

const outdirs: string[] = [];

/** A cloud assembly folder in the system temp folder, until the test file calls `removeOutdirs` (afterAll). */
export function tempOutdir(prefix = 'oom-alerts-'): string {
  const outdir = mkdtempSync(join(tmpdir(), prefix));
  outdirs.push(outdir);
  return outdir;
}

export function removeOutdirs(): void {
  for (const outdir of outdirs.splice(0)) rmSync(outdir, { recursive: true, force: true });
}

/**
 * One stack holding one OomAlerts. `bundle: false` skips esbuild (CDK's own switch, the one `cdk deploy
 * --exclusively` uses), so template tests stay fast; the bundling test turns it on.
 */
export function synthOomAlerts(props: OomAlertsProps, options: { bundle?: boolean } = {}) {
  const outdir = tempOutdir();
  const context = options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] };
  const app = new App({ outdir, context });
  const stack = new Stack(app, 'Alerts', { env: ENV });
  const alerts = new OomAlerts(stack, 'OomAlerts', props);
  const template = Template.fromStack(stack);
  return { app, stack, alerts, template, outdir };
}
