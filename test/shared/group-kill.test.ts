import { describe, expect, it } from 'vitest';
import { groupHoldsVictim } from '../../shared/group-kill.ts';
import { newReport } from '../../shared/open-report.ts';
import type { OpenReport } from '../../shared/open-report.ts';

const POD =
  '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-poda9d4b3f1_0189_4f5e_a8ee_94f0a3f53ab0.slice';
const CONTAINER = `${POD}/cri-containerd-4d2af8acef61505159dd1fb6e232eacd1b724e1d629f043fcaa47809544f6d92.scope`;

/** A report that has read a summary naming the victim's cgroup, and no kill line yet. */
function summaryOnly(taskMemcg: string, truncated = false): OpenReport {
  return { ...newReport(null), taskMemcg, taskMemcgTruncated: truncated, summaryPid: 728241 };
}

describe('groupHoldsVictim', () => {
  it('holds the victim in its own cgroup or any above it', () => {
    for (const group of [CONTAINER, POD, '/kubepods.slice', '/'])
      expect(groupHoldsVictim(summaryOnly(CONTAINER), group), group).toBe(true);
  });

  it('does not hold it in a sibling, nor in a path that only begins the same', () => {
    const other = POD.replace('poda9d4b3f1', 'podc9658b52');
    expect(groupHoldsVictim(summaryOnly(CONTAINER), `${other}/cri-containerd-6793e00d.scope`)).toBe(false);
    expect(groupHoldsVictim(summaryOnly(CONTAINER), `${CONTAINER.slice(0, -10)}`)).toBe(false);
  });

  it('holds it when nothing says otherwise: no summary path, a cut one, or a kill line already read', () => {
    const other = '/kubepods.slice/kubepods-besteffort.slice';
    expect(groupHoldsVictim({ ...newReport(null) }, other)).toBe(true);
    expect(groupHoldsVictim(summaryOnly(CONTAINER.slice(0, 60), true), other)).toBe(true);
    const killed = summaryOnly(CONTAINER);
    killed.kill = {
      pid: 728241,
      name: 'stress-ng-vm',
      message: null,
      fields: {},
      killLineSeen: true,
    } as OpenReport['kill'];
    expect(groupHoldsVictim(killed, other)).toBe(true);
  });
});
