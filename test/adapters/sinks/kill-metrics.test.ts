import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { killDimensionsOf, PowertoolsKillMetrics } from '../../../adapters/sinks/kill-metrics.ts';
import { METRIC_NAMESPACE } from '../../../shared/metric-names.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('killDimensionsOf', () => {
  it('by cluster+namespace and by cluster+namespace+workload, never a pid or pod name', () => {
    expect(killDimensionsOf(exampleEvent('container-limit'))).toEqual([
      { cluster: 'prod-eu', namespace: 'prod' },
      { cluster: 'prod-eu', namespace: 'prod', workload: 'Deployment/checkout-api' },
    ]);
  });

  it('"unknown" for what is not known; host processes have their own workload value', () => {
    expect(killDimensionsOf(exampleEvent('unenriched'))).toEqual([
      { cluster: 'prod-eu', namespace: 'unknown' },
      { cluster: 'prod-eu', namespace: 'unknown', workload: 'unknown' },
    ]);
    expect(killDimensionsOf(exampleEvent('host-process'))[1]).toEqual({
      cluster: 'prod-eu',
      namespace: 'unknown',
      workload: 'host-process',
    });
    const bare = exampleEvent('container-limit');
    expect(
      killDimensionsOf({ ...bare, kubernetes: { ...bare.kubernetes!, workload: null } })[1].workload,
    ).toBe('unknown');
  });
});

describe('PowertoolsKillMetrics', () => {
  it('writes two EMF records of OomKills=1, one per dimension set, to the function log', () => {
    // POWERTOOLS_DEV (test/setup.ts) turns metrics off unless told otherwise; dev mode writes to console.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    new PowertoolsKillMetrics(new Metrics({ namespace: METRIC_NAMESPACE, serviceName: 'notify' })).countKill(
      exampleEvent('container-limit'),
    );
    const records = log.mock.calls.map((call) => JSON.parse(String(call[0])) as Record<string, unknown>);
    expect(records).toHaveLength(2);
    expect(records.map((r) => (r._aws as { CloudWatchMetrics: unknown[] }).CloudWatchMetrics)).toEqual([
      [
        {
          Namespace: 'EksOomAlerts',
          Dimensions: [['cluster', 'namespace']],
          Metrics: [{ Name: 'OomKills', Unit: 'Count' }],
        },
      ],
      [
        {
          Namespace: 'EksOomAlerts',
          Dimensions: [['cluster', 'namespace', 'workload']],
          Metrics: [{ Name: 'OomKills', Unit: 'Count' }],
        },
      ],
    ]);
    expect(records[1]).toMatchObject({
      cluster: 'prod-eu',
      namespace: 'prod',
      workload: 'Deployment/checkout-api',
      OomKills: 1,
    });
    expect(records[1]).not.toHaveProperty('service');
  });
});
