import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTwinKill as isTwinKey, twinKeyOf } from '../../../cli/scan/kill-twins.ts';
import { parseKernelLog } from '../../../shared/kernel-log.ts';
import type { OomEvent } from '../../../shared/oom-event.ts';

const isTwinKill = (a: OomEvent, b: OomEvent): boolean => isTwinKey(twinKeyOf(a), twinKeyOf(b));

/** One real kill of this machine's kernel, as dmesg printed it in three of its formats. */
const REAL = 'test/fixtures/real-kernel/kernel-6.18-cgroupv1-cgroupfs-guaranteed-python3-single-process';
function killIn(format: string): OomEvent {
  const [event] = parseKernelLog(readFileSync(`${REAL}.${format}.log`, 'utf8')).events;
  if (event === undefined) throw new Error(`no kill in ${format}`);
  return event;
}

describe('isTwinKill: one kill in two logs that give it different ids', () => {
  const dmesg = killIn('dmesg');
  const ctime = killIn('dmesg-ctime');
  const iso = killIn('dmesg-iso');

  it('is the kill printed on another clock: seconds since boot, a local time, a wall clock', () => {
    expect(new Set([dmesg.id, ctime.id, iso.id]).size).toBe(3);
    expect([isTwinKill(dmesg, ctime), isTwinKill(dmesg, iso), isTwinKill(ctime, iso)]).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('is not a kill of another node, another time on the same clock, or with a figure printed otherwise', () => {
    expect(isTwinKill({ ...dmesg, node: 'ip-10-0-1-23' }, { ...ctime, node: 'ip-10-0-1-24' })).toBe(false);
    // A second review: another pod's kill of that pid and comm, whose figures happen to be alike.
    const otherPod = { ...ctime.cgroup, task: `${ctime.cgroup.task ?? ''}-other` };
    expect(isTwinKill(dmesg, { ...ctime, cgroup: otherPod })).toBe(false);
    expect(isTwinKill(dmesg, { ...dmesg, id: 'x', kernelTime: (dmesg.kernelTime ?? 0) + 3 })).toBe(false);
    const anon = (dmesg.victim.anonRssKb ?? 0) + 4;
    expect(isTwinKill(dmesg, { ...ctime, victim: { ...ctime.victim, anonRssKb: anon } })).toBe(false);
    expect(isTwinKill(dmesg, { ...ctime, victim: { ...ctime.victim, name: 'python' } })).toBe(false);
  });

  it('asks for two figures printed alike: a pid and a comm alone are no kill of its own', () => {
    const bare = (event: OomEvent, keep: 'totalVmKb' | null): OomEvent => ({
      ...event,
      trigger: null,
      memory: null,
      victim: {
        ...event.victim,
        totalVmKb: keep === 'totalVmKb' ? event.victim.totalVmKb : null,
        anonRssKb: null,
        pgtablesKb: null,
        uid: null,
        oomScoreAdj: null,
      },
    });
    expect(isTwinKill(bare(dmesg, 'totalVmKb'), ctime)).toBe(false);
    expect(isTwinKill(bare(dmesg, null), bare(ctime, null))).toBe(false);
    // A review: the trigger's gfp mask and pid (most memcg kills share the one, the victim is its own trigger) and
    // the cgroup's limit are no figures of the kill's own.
    expect([dmesg.trigger?.gfpMask, dmesg.trigger?.pid, dmesg.memory?.limitKb].every((v) => v != null)).toBe(
      true,
    );
    const shared = (event: OomEvent): OomEvent => ({
      ...bare(event, null),
      trigger: event.trigger,
      memory: event.memory === null ? null : { ...event.memory, failcnt: null },
    });
    expect(isTwinKill(shared(dmesg), shared(ctime))).toBe(false);
    expect(
      isTwinKill(
        {
          ...bare(dmesg, 'totalVmKb'),
          victim: { ...bare(dmesg, 'totalVmKb').victim, anonRssKb: dmesg.victim.anonRssKb },
        },
        ctime,
      ),
    ).toBe(true);
  });
});
