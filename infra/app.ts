/**
 * The standalone app: `npx cdk synth|deploy -c clusterName=… [-c key=value …]`. Every mistake in the context
 * is printed at once, without a stack trace, and the app exits 1; the region and where it came from are
 * printed on every run.
 */
import { App } from 'aws-cdk-lib';
import {
  readAppConfig,
  regionOf,
  stackNameOf,
  synthValidationProblems,
  unknownContextKeyProblems,
} from './app-config.ts';
import { OomAlertsStack } from './stack.ts';

function exitWithProblems(problems: readonly string[]): never {
  process.stderr.write(`eks-oom-alerts configuration:\n${problems.map((p) => `  - ${p}\n`).join('')}`);
  process.exit(1);
}

const app = new App();
const result = readAppConfig((key) => app.node.tryGetContext(key));
const region = regionOf(result.ok ? result.config.region : undefined, process.env);
const problems = [
  ...(result.ok ? [] : result.errors),
  ...(region.ok ? [] : [region.problem]),
  ...unknownContextKeyProblems(Object.keys(app.node.getAllContext() as object)),
];
if (!result.ok || !region.ok || problems.length > 0) exitWithProblems(problems);
const { config } = result;
process.stderr.write(`eks-oom-alerts: region ${region.region} (from ${region.source})\n`);
new OomAlertsStack(app, stackNameOf(config.clusterName), {
  config,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: region.region },
  description: `eks-oom-alerts for EKS cluster ${config.clusterName}: kernel OOM kills → alerts`,
});
try {
  app.synth();
} catch (error) {
  const validation = synthValidationProblems(error);
  if (validation === undefined) throw error;
  exitWithProblems(validation);
}
