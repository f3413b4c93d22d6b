/**
 * What the stack costs a month before any OOM kill, read from the synthesized template at list prices:
 * $1 a KMS key, $3 a dashboard, $0.10 a metric an alarm watches (each metric of its metric math counted, a
 * Metrics Insights query as the one metric it matches). Free tiers are not counted.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { type ContextKey, readAppConfig } from '../../infra/app-config.ts';
import { OomAlertsStack } from '../../infra/stack.ts';
import { ENV, removeOutdirs, tempOutdir } from './stack-fixture.ts';

afterAll(removeOutdirs);

const PRICE = { key: 1, dashboard: 3, alarmMetric: 0.1 } as const;

type AlarmProperties = { MetricName?: string; Metrics?: { MetricStat?: unknown; Expression?: unknown }[] };

/** The metrics one alarm is billed for. */
function alarmMetrics(alarm: AlarmProperties): number {
  if (alarm.MetricName !== undefined) return 1;
  return (alarm.Metrics ?? []).filter(
    (metric) => metric.MetricStat !== undefined || JSON.stringify(metric.Expression ?? '').includes('SELECT'),
  ).length;
}

function fixedCost(template: Template) {
  const count = (type: string) => Object.keys(template.findResources(type)).length;
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as {
    Properties: AlarmProperties;
  }[];
  const metrics = alarms.reduce((sum, alarm) => sum + alarmMetrics(alarm.Properties), 0);
  const keys = count('AWS::KMS::Key');
  const dashboards = count('AWS::CloudWatch::Dashboard');
  const usd = keys * PRICE.key + dashboards * PRICE.dashboard + metrics * PRICE.alarmMetric;
  return { keys, dashboards, metrics, usd: Math.round(usd * 100) / 100 };
}

function standaloneTemplate(context: Partial<Record<ContextKey, string>>): Template {
  const result = readAppConfig((key) => context[key]);
  if (!result.ok) throw new Error(result.errors.join('; '));
  const app = new App({ outdir: tempOutdir(), context: { 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack(
    new OomAlertsStack(app, 'EksOomAlerts-demo', { config: result.config, env: ENV }),
  );
}

describe('fixed monthly cost of the standalone stack', () => {
  it('npx cdk synth -c clusterName=demo -c alertEmail=ops@example.com: no key, no dashboard, eighteen alarm metrics, $1.80', () => {
    expect(fixedCost(standaloneTemplate({ clusterName: 'demo', alertEmail: 'ops@example.com' }))).toEqual({
      keys: 0,
      dashboards: 0,
      metrics: 18,
      usd: 1.8,
    });
  });

  it('existing mode costs the same', () => {
    expect(
      fixedCost(
        standaloneTemplate({
          clusterName: 'demo',
          logGroupMode: 'existing',
          existingLogGroupName: '/aws/containerinsights/demo/host',
        }),
      ),
    ).toEqual({ keys: 0, dashboards: 0, metrics: 18, usd: 1.8 });
  });

  it('-c alertPhone=…: the SMS spend alarm adds $0.10', () => {
    expect(
      fixedCost(standaloneTemplate({ clusterName: 'demo', alertPhone: '+4915112345678' })),
    ).toMatchObject({
      metrics: 19,
      usd: 1.9,
    });
  });

  it('-c pagerDutyRoutingKeySecretName=… without alertEmail: the alarm on the alarm pages PagerDuty refused adds $0.10', () => {
    const pagerDuty = { clusterName: 'demo', pagerDutyRoutingKeySecretName: 'pagerduty/oom' };
    expect(fixedCost(standaloneTemplate(pagerDuty))).toMatchObject({ metrics: 19, usd: 1.9 });
    expect(fixedCost(standaloneTemplate({ ...pagerDuty, alertEmail: 'ops@example.com' }))).toMatchObject({
      metrics: 18,
      usd: 1.8,
    });
  });

  it('-c dashboard=true adds the dashboard; -c encryptionKeyArn=… uses that key and creates none', () => {
    expect(fixedCost(standaloneTemplate({ clusterName: 'demo', dashboard: 'true' }))).toMatchObject({
      dashboards: 1,
      usd: 4.8,
    });
    expect(
      fixedCost(
        standaloneTemplate({
          clusterName: 'demo',
          encryptionKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        }),
      ),
    ).toMatchObject({ keys: 0, usd: 1.8 });
  });
});
