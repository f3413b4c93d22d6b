import { SecretValue } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { PAGERDUTY_ENQUEUE_URL, PAGERDUTY_SEVERITY } from '../../infra/pagerduty-route.ts';
import type { Impact } from '../../shared/oom-event.ts';
import { removeOutdirs, synthOomAlerts } from './stack-fixture.ts';

afterAll(removeOutdirs);

type Target = {
  Arn: unknown;
  InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string };
  DeadLetterConfig: unknown;
};
type RuleProperties = {
  EventBusName?: unknown;
  EventPattern: { source: string[]; detail: { impact: Impact[] } };
  Targets: Target[];
};

describe('PagerDuty (pagerDutyRoutingKeySecretName)', () => {
  const { template } = synthOomAlerts({
    clusterName: 'demo',
    pagerDutyRoutingKey: SecretValue.secretsManager('pagerduty/oom-routing-key'),
  });

  it('connects with the routing key as a secret body parameter, resolved from Secrets Manager at deploy time', () => {
    const resolved = '{{resolve:secretsmanager:pagerduty/oom-routing-key:SecretString:::}}';
    template.hasResourceProperties('AWS::Events::Connection', {
      AuthorizationType: 'API_KEY',
      AuthParameters: {
        ApiKeyAuthParameters: { ApiKeyName: 'X-Routing-Key', ApiKeyValue: resolved },
        InvocationHttpParameters: {
          BodyParameters: [{ Key: 'routing_key', Value: resolved, IsValueSecret: true }],
        },
      },
    });
    template.hasResourceProperties('AWS::Events::ApiDestination', {
      InvocationEndpoint: PAGERDUTY_ENQUEUE_URL,
      HttpMethod: 'POST',
      InvocationRateLimitPerSecond: 2,
    });
  });

  it('sends every impact (one rule per severity; the rules cover each once), with the severity that follows it, through an input transformer', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule'))
      .map((rule) => (rule as { Properties: RuleProperties }).Properties)
      // The rules on the pipeline's bus; the alarms' rules are on the default bus (test/infra/alarm-routing.test.ts).
      .filter(
        (rule) => JSON.stringify(rule.Targets).includes('event_action') && rule.EventBusName !== undefined,
      );
    const severityOf = new Map<Impact, string>();
    for (const rule of rules) {
      expect(rule.EventPattern.source).toEqual(['eks-oom-alerts']);
      const [target] = rule.Targets;
      // A raw placeholder (a JSON value of its own) becomes a string, so that the template parses.
      const body = JSON.parse(
        target!.InputTransformer.InputTemplate.replace(/:<([\w-]+)>/g, (_, name: string) => `:"<${name}>"`),
      ) as { event_action: string; dedup_key: string; payload: Record<string, string> };
      expect(body.event_action).toBe('trigger');
      expect(target!.InputTransformer.InputPathsMap[body.dedup_key.slice(1, -1)]).toBe('$.detail.id');
      const paths = target!.InputTransformer.InputPathsMap;
      expect(paths[body.payload.custom_details!.slice(1, -1)]).toBe('$.detail');
      expect(paths[body.payload.timestamp!.slice(1, -1)]).toBe('$.time');
      expect(body.payload.summary).toMatch(/^OOM kill of process <[\w-]+> \(<[\w-]+>\) in /);
      expect(body.payload.source).toBe('<detail-cluster>/<detail-node>');
      expect(target!.DeadLetterConfig).toBeDefined();
      for (const impact of rule.EventPattern.detail.impact) severityOf.set(impact, body.payload.severity!);
    }
    expect(Object.fromEntries(severityOf)).toEqual(PAGERDUTY_SEVERITY);
    expect(Object.fromEntries(severityOf)).toEqual({
      'host-process': 'critical',
      'container-restarted': 'error',
      'pod-deleted': 'error',
      unknown: 'error',
      'process-killed-container-running': 'warning',
    });
  });

  it('is opt-in: no connection without a routing key', () => {
    synthOomAlerts({ clusterName: 'demo' }).template.resourceCountIs('AWS::Events::Connection', 0);
  });
});
