import { describe, expect, it } from 'vitest';
import {
  displayWidth,
  FOLLOW_WIDTHS,
  fitNodeCell,
  formatKillTable,
  killRow,
  killTime,
  streamedKillRow,
  tableHeader,
  tableLine,
} from '../../cli/kill-table.ts';
import type { EnrichedOomEvent, OomEvent } from '../../shared/oom-event.ts';
import { corpusKill } from '../fixtures/enriched/partial-kills.ts';

/** A system OOM as 5.x prints it: `global_oom`, the victim a host process, no cgroup limit. */
const SYSTEM_OOM: OomEvent = {
  schemaVersion: 1,
  id: '5d41402abc4b2a76b9719d911017c592',
  node: 'ip-10-0-3-17.eu-west-1.compute.internal',
  observedAt: '2026-11-23T09:14:07.250Z',
  kernelTime: 81234.5,
  constraint: 'system',
  limitScope: 'node',
  victim: {
    pid: 2211,
    name: 'java',
    uid: 0,
    totalVmKb: 9_437_184,
    anonRssKb: 7_340_032,
    fileRssKb: 1024,
    shmemRssKb: 0,
    pgtablesKb: 15_000,
    oomScoreAdj: 0,
  },
  trigger: null,
  cgroup: { oom: null, task: '/system.slice/jenkins.service' },
  pod: null,
  container: null,
  memory: null,
  tasks: [],
  coVictims: [],
  coVictimCount: 0,
  complete: true,
  source: { file: 'node.log', lines: [10, 11] },
  lines: [],
};

describe('kill table', () => {
  it('shows the time in one format: UTC ISO-8601 when the wall clock is known, else +seconds since boot', () => {
    expect(killTime(SYSTEM_OOM)).toBe('2026-11-23T09:14:07Z');
    expect(killTime({ ...SYSTEM_OOM, observedAt: null })).toBe('+81234.5');
    expect(killTime({ ...SYSTEM_OOM, observedAt: null, kernelTime: 3.25 })).toBe('+3.3');
    expect(killTime({ ...SYSTEM_OOM, observedAt: null, kernelTime: null })).toBe('?');
  });

  it('shows a system OOM of a host process: host, no container, no cgroup limit, node', () => {
    expect(killRow(SYSTEM_OOM)).toEqual([
      '2026-11-23T09:14:07Z',
      'ip-10-0-3-17.eu-west-1.compute.internal',
      'host',
      '-',
      'java (2211)',
      '7Gi/-',
      'node',
    ]);
  });

  it('says ? for what the kernel text did not show (a lone kill line in a storm)', () => {
    const lone: OomEvent = {
      ...SYSTEM_OOM,
      constraint: null,
      limitScope: null,
      cgroup: { oom: null, task: null },
      victim: { ...SYSTEM_OOM.victim, anonRssKb: null, fileRssKb: null, shmemRssKb: null },
      complete: false,
    };
    expect(killRow(lone).slice(2)).toEqual(['?', '-', 'java (2211)', '?/?', '?']);
  });

  it("says the process is unknown for a kill known only by its cgroup (a lone `Task in`), and 'or a child' for one known only by the kernel's choice", () => {
    expect(killRow(corpusKill('28-k8s-pause-pod-limit-task-in-no-kill-line.log'))).toEqual([
      '?',
      'ip-10-0-1-23.eu-west-1.compute.internal',
      '392bf93e-1fcf-11ea-9b5b-3cfdfe576498',
      '27edbc0dd4ec',
      'unknown',
      '?/200Mi',
      'pod',
    ]);
    expect(killRow(corpusKill('06-tomcat-dmesg-glued-one-line.log'))[4]).toBe('java (27281) or a child');
  });

  it('says unlimited for a cgroup that printed no limit', () => {
    const unlimited: OomEvent = {
      ...SYSTEM_OOM,
      limitScope: 'kubepods',
      memory: { usageKb: 4_000_000, limitKb: null, failcnt: 0, swapUsageKb: null, swapLimitKb: null },
    };
    expect(killRow(unlimited)[5]).toBe('7Gi/unlimited');
  });

  it('cannot be broken by a process name with control characters', () => {
    const hostile = { ...SYSTEM_OOM, victim: { ...SYSTEM_OOM.victim, name: 'x\u001b[2J\ny' } };
    expect(killRow(hostile)[4]).toBe('x\\x1b[2J\\x0ay (2211)');
  });

  it('names namespace/pod and container and gives the impact when enriched, and why not when it could not', () => {
    const enriched: EnrichedOomEvent = {
      ...SYSTEM_OOM,
      cluster: 'prod',
      kubernetes: {
        namespace: 'batch',
        pod: 'report-29123-abcde',
        container: 'report',
        containerType: 'regular',
        workload: { kind: 'CronJob', name: 'report' },
        qosClass: 'Burstable',
        image: null,
        labels: {},
        memoryRequest: null,
        memoryLimit: '8Gi',
        restartCount: 0,
        lastTermination: null,
      },
      impact: 'container-restarted',
      enrichment: { status: 'resolved', detail: null },
    };
    expect(killRow(enriched).slice(2)).toEqual([
      'batch/report-29123-abcde',
      'report',
      'java (2211)',
      '7Gi/-',
      'node',
      'container-restarted',
    ]);
    const unavailable: EnrichedOomEvent = {
      ...enriched,
      kubernetes: null,
      impact: 'unknown',
      enrichment: { status: 'unavailable', detail: 'API timed out' },
    };
    expect(killRow(unavailable)[7]).toBe('unknown (unavailable)');
  });

  it('pads columns by terminal width, wide characters counting two', () => {
    expect(displayWidth('ノード-04')).toBe(9);
    const table = formatKillTable([{ ...SYSTEM_OOM, node: 'ノード-04', observedAt: null }], false);
    expect(table.split('\n')).toEqual([
      'TIME      NODE       NAMESPACE/POD  CONTAINER  PROCESS      USAGE/LIMIT  LIMIT HIT',
      '+81234.5  ノード-04  host           -          java (2211)  7Gi/-        node',
      '',
    ]);
  });
});

describe('streamed kill rows (scan --follow, backfill): fixed columns', () => {
  const NODE_WIDTH = FOLLOW_WIDTHS[1] ?? 0;

  it('show an EC2 node by the first label of its name, as the alerts do', () => {
    expect(fitNodeCell('ip-10-0-1-23.eu-west-1.compute.internal', NODE_WIDTH)).toBe('ip-10-0-1-23');
    expect(fitNodeCell('ip-10-100-200-250.ap-southeast-2.compute.internal', NODE_WIDTH)).toBe(
      'ip-10-100-200-250',
    );
    expect(fitNodeCell('ip-10-0-1-23.ec2.internal', NODE_WIDTH)).toBe('ip-10-0-1-23');
    expect(fitNodeCell('i-0123456789abcdef0.us-gov-west-1.compute.internal', NODE_WIDTH)).toBe(
      'i-0123456789abcdef0',
    );
  });

  it('keep other names that fit, and cut a longer one in the middle to the column', () => {
    expect(fitNodeCell('k8s-node-04', NODE_WIDTH)).toBe('k8s-node-04');
    expect(fitNodeCell('-', NODE_WIDTH)).toBe('-');
    expect(fitNodeCell('10.0.1.23', NODE_WIDTH)).toBe('10.0.1.23');
    const cut = fitNodeCell('aks-nodepool1-12345678-vmss000000', NODE_WIDTH);
    expect(cut).toBe('aks-nodep…vmss000000');
    expect(cut).toHaveLength(NODE_WIDTH);
  });

  it('stay under the header for a real EKS node name; the table of a whole file keeps it whole', () => {
    const kill = { ...SYSTEM_OOM, node: 'ip-10-0-3-17.eu-west-1.compute.internal' };
    const header = tableLine(tableHeader(false), FOLLOW_WIDTHS);
    const row = tableLine(streamedKillRow(kill), FOLLOW_WIDTHS);
    for (const title of ['NAMESPACE/POD', 'CONTAINER', 'PROCESS', 'USAGE/LIMIT', 'LIMIT HIT']) {
      const at = header.indexOf(title);
      expect(row.slice(at - 2, at + 1), title).toMatch(/^ {2}\S$/);
    }
    expect(streamedKillRow(kill)[1]).toBe('ip-10-0-3-17');
    expect(killRow(kill)[1]).toBe('ip-10-0-3-17.eu-west-1.compute.internal');
  });
});
