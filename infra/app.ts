import { App } from 'aws-cdk-lib';
import { readAppConfig } from './app-config.ts';
import { OomAlertsStack } from './stack.ts';

const app = new App();
const result = readAppConfig((key) => app.node.tryGetContext(key));
if (!result.ok) {
  throw new Error(`eks-oom-alerts configuration:\n  - ${result.errors.join('\n  - ')}`);
}
new OomAlertsStack(app, `EksOomAlerts-${result.config.clusterName}`, {
  config: result.config,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: `eks-oom-alerts for EKS cluster ${result.config.clusterName}: kernel OOM kills → alerts`,
});
app.synth();
