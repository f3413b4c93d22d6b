/**
 * The real kernel kills a process in a pod-shaped memory cgroup below this test's own cgroup, and the kernel's
 * own report must come out of the parser as the kill we caused. Skips, saying why, where the machine does not
 * allow it. `CAPTURE_REAL_KERNEL_FIXTURES=1` also stores each capture in test/fixtures/real-kernel/, and the
 * stored captures are parsed on every machine.
 */
import * as fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKernelLog } from '../../shared/kernel-log.ts';
import {
  cgroupMountPoint,
  DMESG_FORMATS,
  expectedKill,
  ownCgroupPath,
  PARENT_COMM,
  pythonAvailable,
  probeCgroupHost,
  readKmsgRecords,
  runOomScenario,
  writeCaptureFixtures,
  writeKmsgContinuationFixture,
  type CgroupVersion,
  type ExpectedKill,
  type OomScenario,
} from './kernel-oom-harness.ts';

const MiB = 1024 * 1024;
const FIXTURE_DIR = path.join(import.meta.dirname, '../fixtures/real-kernel');
const CAPTURE = process.env.CAPTURE_REAL_KERNEL_FIXTURES === '1';

interface KillCase {
  title: string;
  scenario: OomScenario;
  /** Keep the raw /dev/kmsg records of this case as a fixture too. */
  keepRawKmsg: boolean;
}

const CASES: KillCase[] = [
  {
    title: 'cgroupfs burstable pod, single-process container (tail) killed at the pod limit',
    scenario: {
      layout: 'cgroupfs-burstable',
      shape: 'single-process',
      program: 'tail',
      podLimitBytes: 64 * MiB,
      containerLimitBytes: null,
    },
    keepRawKmsg: false,
  },
  {
    title:
      'cgroupfs guaranteed pod, single-process container (python3) killed at its tighter container limit',
    scenario: {
      layout: 'cgroupfs-guaranteed',
      shape: 'single-process',
      program: 'python3',
      podLimitBytes: 64 * MiB,
      containerLimitBytes: 48 * MiB,
    },
    keepRawKmsg: false,
  },
  {
    title: 'systemd burstable pod, child (tail) killed at the pod limit while its parent sh survives',
    scenario: {
      layout: 'systemd-burstable',
      shape: 'child-killed-parent-survives',
      program: 'tail',
      podLimitBytes: 64 * MiB,
      containerLimitBytes: null,
    },
    keepRawKmsg: true,
  },
];

const hasPython = pythonAvailable();

for (const version of ['v1', 'v2'] satisfies CgroupVersion[]) {
  const probe = await probeCgroupHost(version);
  const skip = 'skip' in probe ? probe.skip : null;
  if (skip !== null) console.warn(`real-kernel OOM test, cgroup ${version}, skipped: ${skip}`);
  const suffix = skip === null ? '' : ` (skipped: ${skip})`;

  describe.skipIf(skip !== null)(
    `real kernel OOM kill in a pod-shaped cgroup, cgroup ${version}${suffix}`,
    () => {
      for (const { title, scenario, keepRawKmsg } of CASES) {
        const noPython = scenario.program === 'python3' && !hasPython;
        it.skipIf(noPython)(title + (noPython ? ' (skipped: no python3 on PATH)' : ''), async () => {
          if (!('host' in probe)) throw new Error('unreachable: the describe is skipped');
          const run = await runOomScenario(probe.host, scenario);
          if (CAPTURE) {
            writeCaptureFixtures(FIXTURE_DIR, version, scenario, run, keepRawKmsg);
            if (keepRawKmsg) writeKmsgContinuationFixture(FIXTURE_DIR, readKmsgRecords(), run.kernelRelease);
          }

          if (scenario.shape === 'child-killed-parent-survives') {
            expect(run.parentPid).not.toBe(run.victimPid);
            expect(run.parentExitCode).toBe(0);
            expect(run.parentReport).toContain('child-exit 137');
          }
          const expected = expectedKill(scenario, run);
          if (run.reportHeaderRateLimited) {
            console.warn(
              `${title}: the kernel rate-limited this report's header (over 10 reports in 5 s on this ` +
                'machine); only the kill line could be checked',
            );
            expectHeaderlessKillOf(run.dmesgText, expected);
            expectHeaderlessKillOf(run.kmsgText, expected);
            return;
          }
          // Inside a cgroup namespace the kernel prints longer paths than we see; other runs may share the log.
          const live = { exactPaths: false, othersMayShareLog: true };
          expectOneKillOf(run.dmesgText, expected, { form: 'dmesg', ...live });
          expectOneKillOf(run.kmsgText, expected, { form: 'kmsg', ...live });
          const missing = Object.keys(DMESG_FORMATS).filter((format) => !(format in run.dmesgFormats));
          if (missing.length > 0) console.warn(`${title}: this dmesg does not print ${missing.join(', ')}`);
          for (const [format, text] of Object.entries(run.dmesgFormats)) {
            expectOneKillOf(text, expected, { form: `dmesg-${format}`, ...live });
          }
        });
      }
    },
  );
}

describe('stored real-kernel captures', () => {
  const expectations = fs.readdirSync(FIXTURE_DIR).filter((name) => name.endsWith('.expected.json'));

  it('include a capture of every layout', () => {
    expect(expectations.length).toBeGreaterThanOrEqual(CASES.length);
  });

  for (const expectationFile of expectations) {
    const base = expectationFile.replace(/\.expected\.json$/, '');
    const expected = JSON.parse(
      fs.readFileSync(path.join(FIXTURE_DIR, expectationFile), 'utf8'),
    ) as ExpectedKill;
    const forms = ['dmesg', 'kmsg', ...Object.keys(DMESG_FORMATS).map((format) => `dmesg-${format}`)];
    for (const form of forms) {
      const file = path.join(FIXTURE_DIR, `${base}.${form}.log`);
      if (!fs.existsSync(file)) continue;
      it(`${base}.${form}.log gives exactly the kill that was caused`, () => {
        expectOneKillOf(fs.readFileSync(file, 'utf8'), expected, {
          form,
          exactPaths: true,
          othersMayShareLog: false,
        });
      });
    }
  }

  it('raw kmsg device records with continuation lines give no event and no drift', () => {
    const file = fs
      .readdirSync(FIXTURE_DIR)
      .find((name) => name.endsWith('-device-records-with-continuations.kmsg.log'));
    expect(file).toBeDefined();
    const parsed = parseKernelLog(fs.readFileSync(path.join(FIXTURE_DIR, file as string), 'utf8'));
    expect(parsed.events).toEqual([]);
    expect(parsed.drift).toEqual([]);
  });
});

interface KillCheck {
  /** `dmesg`, `kmsg`, or `dmesg-<format>` (DMESG_FORMATS). */
  form: string;
  /** Stored captures name the exact paths; a live run only knows how they end. */
  exactPaths: boolean;
  /** A live kernel log may hold other runs' kills; a stored capture holds only ours. */
  othersMayShareLog: boolean;
}

function expectOneKillOf(text: string, expected: ExpectedKill, check: KillCheck): void {
  const { events, drift } = parseKernelLog(text, { node: 'real-kernel-test', file: `capture.${check.form}` });
  expect(drift).toEqual([]);
  const kills = events.filter((event) => event.victim.pid === expected.victimPid);
  expect(kills).toHaveLength(1);
  if (!check.othersMayShareLog) expect(events).toHaveLength(1);
  if (expected.parentPid !== null) {
    expect(events.filter((event) => event.victim.pid === expected.parentPid)).toEqual([]);
  }
  const pathOf = (kernelPath: string) =>
    check.exactPaths ? kernelPath : expect.stringMatching(endsWith(kernelPath));
  expect(kills[0]).toMatchObject({
    constraint: 'memcg',
    limitScope: expected.limitScope,
    complete: true,
    victim: { pid: expected.victimPid, name: expected.victimName },
    cgroup: { oom: pathOf(expected.oomCgroup), task: pathOf(expected.taskCgroup) },
    pod: { uid: expected.podUid, qos: expected.qos },
    container: { id: expected.containerId, runtime: expected.containerRuntime },
    memory: { limitKb: expected.limitKb },
  });
  expect(kills[0]?.tasks).toContainEqual(
    expect.objectContaining({ pid: expected.victimPid, name: expected.victimName }),
  );
  if (expected.parentPid !== null) {
    expect(kills[0]?.tasks).toContainEqual(
      expect.objectContaining({ pid: expected.parentPid, name: PARENT_COMM }),
    );
  }
}

/** With the header suppressed the kill line is all there is: an incomplete kill, nothing invented. */
function expectHeaderlessKillOf(text: string, expected: ExpectedKill): void {
  const { events, drift } = parseKernelLog(text, { node: 'real-kernel-test' });
  expect(drift).toEqual([]);
  const kills = events.filter((event) => event.victim.pid === expected.victimPid);
  expect(kills).toHaveLength(1);
  expect(kills[0]).toMatchObject({
    constraint: 'memcg',
    complete: false,
    victim: { pid: expected.victimPid, name: expected.victimName },
    cgroup: { oom: null, task: null },
    pod: null,
    container: null,
  });
}

function endsWith(literal: string): RegExp {
  return new RegExp(`${literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

describe('finding our own memory cgroup', () => {
  const hybrid = '4:memory:/process_api/8254f8c4\n3:cpuset:/\n0::/\n';
  const unifiedOnly = '0::/system.slice/runner-provisioner.service\n';

  it('reads the v1 memory line and the v2 line of /proc/self/cgroup', () => {
    expect(ownCgroupPath(hybrid, 'v1')).toBe('/process_api/8254f8c4');
    expect(ownCgroupPath(hybrid, 'v2')).toBe('/');
    expect(ownCgroupPath(unifiedOnly, 'v2')).toBe('/system.slice/runner-provisioner.service');
    expect(ownCgroupPath(unifiedOnly, 'v1')).toBeNull();
  });

  it('finds the memory hierarchy and cgroup2 in /proc/self/mountinfo', () => {
    const mountinfo = [
      '35 31 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
      '36 31 0:32 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids',
      '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
    ].join('\n');
    expect(cgroupMountPoint(mountinfo, 'v1')).toBe('/sys/fs/cgroup/memory');
    expect(cgroupMountPoint(mountinfo, 'v2')).toBe('/sys/fs/cgroup/unified');
    expect(cgroupMountPoint(mountinfo.split('\n')[1] as string, 'v1')).toBeNull();
  });
});
