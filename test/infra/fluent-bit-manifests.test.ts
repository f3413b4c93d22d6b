import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  FLUENT_BIT_DESTINATION_CONFIG_MAP,
  FLUENT_BIT_NAMESPACE,
  FLUENT_BIT_SERVICE_ACCOUNT,
  fluentBitManifestText,
  fluentBitObjects,
  type KubernetesObject,
} from '../../infra/fluent-bit-manifests.ts';
import { readLogRecord } from '../../shared/log-record.ts';
import { nodeFromStreamName } from '../../shared/stream-name.ts';
import { FORWARDED_TERMS } from '../../shared/subscription-pattern.ts';

const destination = { region: 'eu-west-1', logGroupName: '/eks-oom-alerts/demo/kernel' };

type Container = {
  image: string;
  command: string[];
  env: { name: string; valueFrom: Record<string, Record<string, string>> }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
  securityContext: Record<string, unknown>;
  ports?: unknown[];
  livenessProbe?: unknown;
  readinessProbe?: unknown;
};
type PodSpec = {
  serviceAccountName: string;
  priorityClassName: string;
  tolerations: unknown[];
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: { matchExpressions: unknown[] }[];
      };
    };
  };
  containers: Container[];
  volumes: { name: string; hostPath?: { path: string; type?: string } }[];
};
type Pipeline = {
  service: Record<string, unknown>;
  pipeline: {
    inputs: Record<string, unknown>[];
    filters?: Record<string, unknown>[];
    outputs: Record<string, unknown>[];
  };
};

const objects = fluentBitObjects(destination);
const named = (kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && (o.metadata as { name: string }).name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const podSpec = (name: string) =>
  (named('DaemonSet', name).spec as { template: { spec: PodSpec } }).template.spec;
const fluentBitConfig = (file: string) =>
  parse((named('ConfigMap', 'fluent-bit-kernel-config').data as Record<string, string>)[file] as string);
const container = (name: string, from: KubernetesObject[] = objects) => {
  const daemonSet = from.find(
    (o) => o.kind === 'DaemonSet' && (o.metadata as { name: string }).name === name,
  ) as { spec: { template: { spec: PodSpec } } };
  return daemonSet.spec.template.spec.containers[0] as Container;
};
const PIPELINE_OF_DAEMON_SET = {
  'fluent-bit-kernel-journald': 'journald.yaml',
  'fluent-bit-kernel-kmsg': 'kmsg.yaml',
} as const;
const DAEMON_SETS = Object.keys(PIPELINE_OF_DAEMON_SET) as (keyof typeof PIPELINE_OF_DAEMON_SET)[];

/** Kubernetes quantities (Mi, Gi) are binary; Fluent Bit's sizes (K, M, G) are decimal. */
const bytes = (quantity: string) => {
  const match = /^(\d+)(Ki|Mi|Gi|K|M|G)?$/.exec(quantity);
  if (!match) throw new Error(`not a size: ${quantity}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, K: 1e3, M: 1e6, G: 1e9 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * unit;
};
// Fluent Bit's docs: a chunk is never much larger than 2 MB. 2 MiB errs high.
const CHUNK_BYTES = 2 * 2 ** 20;

describe('Fluent Bit manifests', () => {
  it('are, in apply order, namespace, service account, config, destination and the two DaemonSets', () => {
    expect(objects.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`)).toEqual([
      `Namespace/${FLUENT_BIT_NAMESPACE}`,
      `ServiceAccount/${FLUENT_BIT_SERVICE_ACCOUNT}`,
      'ConfigMap/fluent-bit-kernel-config',
      `ConfigMap/${FLUENT_BIT_DESTINATION_CONFIG_MAP}`,
      'DaemonSet/fluent-bit-kernel-journald',
      'DaemonSet/fluent-bit-kernel-kmsg',
    ]);
    for (const object of objects.slice(1))
      expect((object.metadata as { namespace: string }).namespace).toBe(FLUENT_BIT_NAMESPACE);
  });

  it('carry the deployment region and log group in the generated ConfigMap', () => {
    expect(named('ConfigMap', FLUENT_BIT_DESTINATION_CONFIG_MAP).data).toEqual({
      region: 'eu-west-1',
      logGroupName: '/eks-oom-alerts/demo/kernel',
    });
  });

  it('label the namespace privileged for Pod Security (hostPath, root, and /dev/kmsg need it)', () => {
    expect(
      (named('Namespace', FLUENT_BIT_NAMESPACE).metadata as { labels: Record<string, string> }).labels,
    ).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/audit': 'privileged',
      'pod-security.kubernetes.io/warn': 'privileged',
    });
  });

  it('need no ClusterRole: kernel messages come from the node', () => {
    expect(objects.filter((o) => String(o.kind).includes('Role'))).toEqual([]);
  });

  describe.each(['fluent-bit-kernel-journald', 'fluent-bit-kernel-kmsg'])('DaemonSet %s', (name) => {
    it('runs on every node, whatever its taints, except Fargate', () => {
      const spec = podSpec(name);
      expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
      expect(
        spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
          ?.matchExpressions,
      ).toContainEqual({
        key: 'eks.amazonaws.com/compute-type',
        operator: 'NotIn',
        values: ['fargate'],
      });
      expect(spec.serviceAccountName).toBe(FLUENT_BIT_SERVICE_ACCOUNT);
      expect(spec.priorityClassName).toBe('system-node-critical');
    });

    it('asks for little and names its stream after the node from the downward API', () => {
      const [container] = podSpec(name).containers as [Container];
      expect(container.resources).toEqual({
        requests: { cpu: '10m', memory: '32Mi' },
        limits: { memory: '128Mi' },
      });
      expect(container.env).toContainEqual({
        name: 'NODE_NAME',
        valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } },
      });
      expect(container.env).toContainEqual({
        name: 'LOG_GROUP_NAME',
        valueFrom: { configMapKeyRef: { name: FLUENT_BIT_DESTINATION_CONFIG_MAP, key: 'logGroupName' } },
      });
      expect(container.env).toContainEqual({
        name: 'AWS_REGION',
        valueFrom: { configMapKeyRef: { name: FLUENT_BIT_DESTINATION_CONFIG_MAP, key: 'region' } },
      });
    });

    it('keeps its cursor and buffer on the node', () => {
      const spec = podSpec(name);
      expect(spec.volumes).toContainEqual({
        name: 'state',
        hostPath: { path: '/var/fluent-bit/eks-oom-alerts', type: 'DirectoryOrCreate' },
      });
    });
  });

  it('mount the persistent and the volatile journal, creating a missing one instead of waiting for it', () => {
    const spec = podSpec('fluent-bit-kernel-journald');
    const journals = ['/var/log/journal', '/run/log/journal'];
    const volumes = spec.volumes.filter((volume) => journals.includes(volume.hostPath?.path ?? ''));
    expect(volumes.map((volume) => volume.hostPath)).toEqual(
      journals.map((path) => ({ path, type: 'DirectoryOrCreate' })),
    );
    for (const volume of volumes) {
      expect((spec.containers[0] as Container).volumeMounts).toContainEqual({
        name: volume.name,
        mountPath: volume.hostPath?.path,
        readOnly: true,
      });
    }
  });

  it('split nodes between journald and kmsg by one label, so no node ships twice', () => {
    const sourceRule = (name: string) =>
      podSpec(
        name,
      ).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]?.matchExpressions.find(
        (expression) => (expression as { key: string }).key === 'eks-oom-alerts/kernel-source',
      );
    expect(sourceRule('fluent-bit-kernel-journald')).toEqual({
      key: 'eks-oom-alerts/kernel-source',
      operator: 'NotIn',
      values: ['kmsg'],
    });
    expect(sourceRule('fluent-bit-kernel-kmsg')).toEqual({
      key: 'eks-oom-alerts/kernel-source',
      operator: 'In',
      values: ['kmsg'],
    });
  });

  it('mount the journal read-only for journald and /dev/kmsg for kmsg', () => {
    const mounts = (name: string) =>
      (podSpec(name).containers[0] as Container).volumeMounts.map((mount) => mount.mountPath);
    expect(mounts('fluent-bit-kernel-journald')).toContain('/var/log/journal');
    expect(mounts('fluent-bit-kernel-kmsg')).toContain('/dev/kmsg');
    expect((podSpec('fluent-bit-kernel-journald').containers[0] as Container).securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });
});

describe('Fluent Bit pipelines', () => {
  it.each(['journald.yaml', 'kmsg.yaml'])(
    '%s sends whole records to one stream per node, never creating the group',
    (file) => {
      const config = fluentBitConfig(file) as { pipeline: { outputs: Record<string, unknown>[] } };
      expect(config.pipeline.outputs).toEqual([
        {
          name: 'cloudwatch_logs',
          match: 'kernel',
          region: '${AWS_REGION}',
          log_group_name: '${LOG_GROUP_NAME}',
          log_stream_name: '${NODE_NAME}.kernel',
          auto_create_group: false,
          retry_limit: 'no_limits',
          'storage.total_limit_size': expect.any(String),
        },
      ]);
    },
  );

  it.each(['journald.yaml', 'kmsg.yaml'])(
    '%s retries a failed send without limit, from a bounded buffer on disk',
    (file) => {
      const config = fluentBitConfig(file) as Pipeline;
      for (const input of config.pipeline.inputs) expect(input['storage.type']).toBe('filesystem');
      for (const output of config.pipeline.outputs) {
        // The bound only applies to chunks of filesystem inputs, hence the check above.
        const limit = bytes(String(output['storage.total_limit_size']));
        expect(limit).toBeGreaterThanOrEqual(50e6);
        expect(limit).toBeLessThanOrEqual(500e6);
      }
      // Unlimited retries back off up to scheduler.cap: a short cap sends soon after an outage ends.
      expect(Number(config.service['scheduler.cap'])).toBeLessThanOrEqual(60);
    },
  );

  it.each(DAEMON_SETS)(
    '%s keeps the chunks in memory, a restart after an outage included, within half its memory limit',
    (name) => {
      const { service } = fluentBitConfig(PIPELINE_OF_DAEMON_SET[name]) as Pipeline;
      const chunksUp = Number(service['storage.max_chunks_up']) * CHUNK_BYTES;
      const backlog = bytes(String(service['storage.backlog.mem_limit']));
      expect(chunksUp + backlog).toBeLessThanOrEqual(
        bytes(container(name).resources.limits.memory as string) / 2,
      );
    },
  );

  it.each(DAEMON_SETS)('%s writes its cursors and buffer only to the state volume on the node', (name) => {
    const config = fluentBitConfig(PIPELINE_OF_DAEMON_SET[name]) as Pipeline;
    const state = container(name).volumeMounts.find((mount) => mount.name === 'state')?.mountPath;
    const written = [
      config.service['storage.path'],
      ...config.pipeline.inputs.map((input) => input.db).filter((db) => db !== undefined),
    ];
    for (const path of written) expect(String(path)).toMatch(new RegExp(`^${state}/`));
  });

  it.each(DAEMON_SETS)('%s serves its health endpoint on loopback only, backing no probe', (name) => {
    const { service } = fluentBitConfig(PIPELINE_OF_DAEMON_SET[name]) as Pipeline;
    expect(service.http_listen).toBe('127.0.0.1');
    // kubelet probes the pod IP, never its loopback; and no port is open to the cluster.
    expect(container(name)).not.toHaveProperty('livenessProbe');
    expect(container(name)).not.toHaveProperty('readinessProbe');
    expect(container(name)).not.toHaveProperty('ports');
  });

  it('journald reads the persistent and the volatile journal, each with its own cursor', () => {
    const { pipeline } = fluentBitConfig('journald.yaml') as Pipeline;
    const journals = pipeline.inputs.filter((input) => input.name === 'systemd');
    expect(journals.map((input) => input.path)).toEqual(['/var/log/journal', '/run/log/journal']);
    for (const input of journals) {
      expect(input).toMatchObject({ tag: 'kernel', systemd_filter: '_TRANSPORT=kernel' });
    }
    expect(new Set(journals.map((input) => input.db)).size).toBe(journals.length);
  });

  it.each(['journald.yaml', 'kmsg.yaml'])(
    '%s writes a heartbeat at start and every 5 minutes, which the parser never takes for a kernel line',
    (file) => {
      const { pipeline } = fluentBitConfig(file) as Pipeline;
      const heartbeats = pipeline.inputs.filter((input) => input.name === 'dummy');
      expect(heartbeats).toEqual([
        expect.objectContaining({ tag: 'kernel', interval_sec: 300, flush_on_startup: true }),
      ]);
      const record = String(heartbeats[0]?.dummy);
      // journald's filter keeps only these keys: the heartbeat must survive it.
      expect(Object.keys(JSON.parse(record) as object)).toEqual(['MESSAGE', 'SYSLOG_IDENTIFIER']);
      expect(readLogRecord(record)).toMatchObject({ fromKernel: false });
      for (const term of FORWARDED_TERMS) expect(record).not.toContain(term);
    },
  );

  it('names streams so that the parser reads the node back', () => {
    const config = fluentBitConfig('journald.yaml') as {
      pipeline: { outputs: { log_stream_name: string }[] };
    };
    const node = 'ip-10-0-1-23.eu-west-1.compute.internal';
    const stream = config.pipeline.outputs[0]?.log_stream_name.replace('${NODE_NAME}', node) as string;
    expect(nodeFromStreamName(stream)).toBe(node);
  });

  it('journald reads kernel transport only, resumes from a cursor DB, and keeps the fields the parser reads', () => {
    const config = fluentBitConfig('journald.yaml') as {
      pipeline: { inputs: Record<string, unknown>[]; filters: Record<string, unknown>[] };
    };
    expect(config.pipeline.inputs[0]).toMatchObject({
      name: 'systemd',
      path: '/var/log/journal',
      systemd_filter: '_TRANSPORT=kernel',
      db: '/var/fluent-bit/eks-oom-alerts/journald.db',
    });
    expect(config.pipeline.filters[0]?.allowlist_key).toEqual(
      expect.arrayContaining(['MESSAGE', '_TRANSPORT', '_SOURCE_MONOTONIC_TIMESTAMP', '_BOOT_ID']),
    );
  });

  it('kmsg reads the kernel ring buffer', () => {
    const config = fluentBitConfig('kmsg.yaml') as { pipeline: { inputs: Record<string, unknown>[] } };
    expect(config.pipeline.inputs[0]).toMatchObject({ name: 'kmsg', tag: 'kernel' });
  });

  it('each DaemonSet starts the pipeline file meant for it', () => {
    expect((podSpec('fluent-bit-kernel-journald').containers[0] as Container).command).toContain(
      '/fluent-bit/etc/kernel/journald.yaml',
    );
    expect((podSpec('fluent-bit-kernel-kmsg').containers[0] as Container).command).toContain(
      '/fluent-bit/etc/kernel/kmsg.yaml',
    );
  });
});

describe('the Fluent Bit image', () => {
  it('defaults to one Fluent Bit 5.1 image for both DaemonSets, pinned by digest', () => {
    const images = new Set(DAEMON_SETS.map((name) => container(name).image));
    expect(images.size).toBe(1);
    expect([...images][0]).toMatch(/^cr\.fluentbit\.io\/fluent\/fluent-bit:5\.1\.\d+@sha256:[0-9a-f]{64}$/);
  });

  it('can be set, e.g. to an ECR mirror, in the objects and in the kubectl file alike', () => {
    const mirror = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/fluent-bit:5.1.2';
    const fromText = parseAllDocuments(fluentBitManifestText(destination, mirror)).map(
      (document) => document.toJSON() as KubernetesObject,
    );
    for (const name of DAEMON_SETS) {
      expect(container(name, fluentBitObjects(destination, mirror)).image).toBe(mirror);
      expect(container(name, fromText).image).toBe(mirror);
    }
  });
});

describe('the manifest file for kubectl apply', () => {
  it('parses back to the same objects', () => {
    const documents = parseAllDocuments(fluentBitManifestText(destination));
    expect(documents.flatMap((document) => document.errors)).toEqual([]);
    expect(documents.map((document) => document.toJSON() as KubernetesObject)).toEqual(objects);
  });
});
