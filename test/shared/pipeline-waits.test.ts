import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PIPELINE_WAITS } from '../../shared/pipeline-waits.ts';

describe('PIPELINE_WAITS', () => {
  it('is the flush every Fluent Bit pipeline of the manifests uses', () => {
    const configMap = parse(readFileSync('infra/fluent-bit/config.yaml', 'utf8')) as {
      data: Record<string, string>;
    };
    const pipelines = Object.values(configMap.data).map(
      (text) => parse(text) as { service: { flush: number } },
    );
    expect(pipelines.length).toBeGreaterThan(0);
    for (const pipeline of pipelines) expect(pipeline.service.flush).toBe(PIPELINE_WAITS.shipFlushSeconds);
  });
});
