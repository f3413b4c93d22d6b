/**
 * The real kernel kills a process in a pod-shaped memory cgroup below this test's own cgroup, and the kernel's
 * own report must come out of the parser as the kill we caused. Skips, saying why, where the machine does not
 * allow it. `CAPTURE_REAL_KERNEL_FIXTURES=1` also stores each capture in test/fixtures/real-kernel/.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  pythonAvailable,
  probeCgroupHost,
  readKmsgRecords,
  runOomScenario,
  writeCaptureFixtures,
  writeKmsgContinuationFixture,
  type CgroupVersion,
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
  const title =
    `real kernel OOM kill in a pod-shaped cgroup, cgroup ${version}` + (skip ? ` (skipped: ${skip})` : '');

  describe.skipIf(skip !== null)(title, () => {
    for (const { title: caseTitle, scenario, keepRawKmsg } of CASES) {
      const needsMissingPython = scenario.program === 'python3' && !hasPython;
      it.skipIf(needsMissingPython)(
        caseTitle + (needsMissingPython ? ' (skipped: no python3)' : ''),
        async () => {
          if (!('host' in probe)) throw new Error('unreachable: the describe is skipped');
          const run = await runOomScenario(probe.host, scenario);
          if (CAPTURE) {
            writeCaptureFixtures(FIXTURE_DIR, version, scenario, run, keepRawKmsg);
            if (keepRawKmsg) writeKmsgContinuationFixture(FIXTURE_DIR, readKmsgRecords(), run.kernelRelease);
          }

          expect(run.dmesgText).toContain(`Killed process ${run.victimPid} (${scenario.program})`);
          if (scenario.shape === 'child-killed-parent-survives') {
            expect(run.parentPid).not.toBe(run.victimPid);
            expect(run.parentExitCode).toBe(0);
            expect(run.parentReport).toContain('child-exit 137');
          }
        },
      );
    }
  });
}
