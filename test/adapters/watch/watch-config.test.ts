import { describe, expect, it } from 'vitest';
import { readWatchConfig } from '../../../adapters/watch/watch-config.ts';

const BASE = {
  AWS_REGION: 'eu-west-1',
  CLUSTER_NAME: 'prod-eu',
  KERNEL_LOG_GROUP_NAME: '/eks-oom-alerts/prod-eu/kernel',
};

describe('readWatchConfig', () => {
  it('reads the region, the cluster and the kernel group; 30 silent minutes and 10 of grace by default', () => {
    expect(readWatchConfig(BASE)).toEqual({
      ok: true,
      config: {
        region: 'eu-west-1',
        clusterName: 'prod-eu',
        kernelLogGroupName: '/eks-oom-alerts/prod-eu/kernel',
        silentNodeMinutes: 30,
        nodeGraceMinutes: 10,
      },
    });
  });

  it('takes the windows the stack sets', () => {
    expect(readWatchConfig({ ...BASE, SILENT_NODE_MINUTES: '360', NODE_GRACE_MINUTES: '360' })).toMatchObject(
      {
        ok: true,
        config: { silentNodeMinutes: 360, nodeGraceMinutes: 360 },
      },
    );
  });

  it('names every setting that is missing or out of range', () => {
    expect(readWatchConfig({ CLUSTER_NAME: 'prod-eu', SILENT_NODE_MINUTES: '5' })).toEqual({
      ok: false,
      problems: [
        'AWS_REGION is not set',
        'KERNEL_LOG_GROUP_NAME is not set',
        'SILENT_NODE_MINUTES must be a whole number of minutes from 10 to 10080, not "5"',
      ],
    });
  });
});
