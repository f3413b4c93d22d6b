import { describe, expect, it } from 'vitest';
import { readEnrichConfig } from '../../../adapters/enrich/enrich-config.ts';

describe('readEnrichConfig', () => {
  it('reads the region, the cluster, the table and the bus', () => {
    expect(
      readEnrichConfig({
        AWS_REGION: 'eu-west-1',
        CLUSTER_NAME: 'prod-eu',
        STATE_TABLE_NAME: 'state',
        EVENT_BUS_NAME: 'oom-bus',
      }),
    ).toEqual({
      ok: true,
      config: {
        region: 'eu-west-1',
        clusterName: 'prod-eu',
        stateTableName: 'state',
        eventBusName: 'oom-bus',
        kubernetesEvents: 'false',
      },
    });
  });

  it('reads KUBERNETES_EVENTS=true (context kubernetesEvents), and refuses anything but true or false', () => {
    const env = { AWS_REGION: 'eu-west-1', CLUSTER_NAME: 'c', STATE_TABLE_NAME: 't', EVENT_BUS_NAME: 'b' };
    expect(readEnrichConfig({ ...env, KUBERNETES_EVENTS: 'true' })).toMatchObject({
      ok: true,
      config: { kubernetesEvents: 'true' },
    });
    expect(readEnrichConfig({ ...env, KUBERNETES_EVENTS: 'yes' })).toEqual({
      ok: false,
      problems: ['KUBERNETES_EVENTS must be one of true, false, not "yes"'],
    });
  });

  it('names every setting that is missing', () => {
    expect(readEnrichConfig({ CLUSTER_NAME: 'prod-eu', EVENT_BUS_NAME: '' })).toEqual({
      ok: false,
      problems: ['AWS_REGION is not set', 'STATE_TABLE_NAME is not set', 'EVENT_BUS_NAME is not set'],
    });
  });
});
