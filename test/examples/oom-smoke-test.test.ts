import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const [namespace, pod] = parseAllDocuments(readFileSync('examples/oom-smoke-test.yaml', 'utf8')).map(
  (document) => document.toJSON() as Record<string, unknown>,
);

type Container = {
  command: string[];
  resources: { limits: Record<string, string> };
  securityContext: Record<string, unknown>;
};
const spec = (pod as { spec: { restartPolicy: string; containers: Container[] } }).spec;
const container = spec.containers[0] as Container;

/** `256 * 1024 * 1024` in the script: what it allocates, in bytes. */
function bytesAllocated(script: string): number {
  const size = /\((\d+) \* 1024 \* 1024\)/.exec(script);
  return size === null ? 0 : Number(size[1]) * 2 ** 20;
}

describe('examples/oom-smoke-test.yaml', () => {
  it('is a namespace and one pod in it, killed once and not restarted', () => {
    expect(namespace).toMatchObject({ kind: 'Namespace', metadata: { name: 'oom-smoke-test' } });
    expect(pod).toMatchObject({ kind: 'Pod', metadata: { namespace: 'oom-smoke-test' } });
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.containers).toHaveLength(1);
  });

  it('allocates well over its 64Mi limit', () => {
    expect(container.resources.limits.memory).toBe('64Mi');
    expect(bytesAllocated(container.command.at(-1) as string)).toBe(4 * 64 * 2 ** 20);
  });

  it('needs nothing the restricted Pod Security level forbids', () => {
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod).toMatchObject({ spec: { securityContext: { runAsNonRoot: true } } });
  });
});
