import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { compactPod } from '../../../adapters/kubernetes/kube-reader.ts';
import { podJson } from '../../fixtures/kubernetes-objects.ts';

describe('compactPod', () => {
  it('keeps of the annotations only a static pod’s hash, which matching reads', () => {
    const annotations = {
      'kubernetes.io/config.hash': '6fb4bd3ae1d2c2a1b0bc3e1b4e3fc8c1',
      'kubernetes.io/config.mirror': '6fb4bd3ae1d2c2a1b0bc3e1b4e3fc8c1',
      'kubectl.kubernetes.io/last-applied-configuration': '{"a":1}',
    };
    const pod = compactPod(podJson({ annotations }) as unknown as V1Pod);
    expect(pod.metadata?.annotations).toEqual({
      'kubernetes.io/config.hash': '6fb4bd3ae1d2c2a1b0bc3e1b4e3fc8c1',
    });
    expect(compactPod(podJson() as unknown as V1Pod).metadata).not.toHaveProperty('annotations');
  });
});
