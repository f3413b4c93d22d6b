/**
 * The vendors' envelope prefixes on real lines; log-record.test.ts reads whole lines with them, and
 * envelope-prefixes.test.ts checks each `mayStart` against its pattern.
 */
import { describe, expect, it } from 'vitest';
import { matchOf } from '../../shared/envelope-prefixes.ts';
import { CONTEXT, SECONDS, SEVERITY } from '../../shared/vendor-prefixes.ts';

function taken(prefix: typeof CONTEXT, text: string): string | null {
  return matchOf(prefix, text)?.[0] ?? null;
}

describe('vendor prefixes', () => {
  it("an Android stamp in seconds (Huawei, linux-mm 2016), not dmesg's own", () => {
    expect(taken(SECONDS, '[63651.040008s][pid:2912,cpu3,sh]sh invoked oom-killer: …')).toBe(
      '[63651.040008s]',
    );
    expect(taken(SECONDS, '[63651.040344s] active_file:26899')).toBe('[63651.040344s] ');
    expect(taken(SECONDS, '[ 3467.508244] Killed process 1 (x)')).toBeNull();
  });

  it('the printing context after a stamp: Huawei, MediaTek, Honor', () => {
    expect(taken(CONTEXT, '[pid:2912,cpu3,sh]CPU: 3 PID: 2912 Comm: sh')).toBe('[pid:2912,cpu3,sh]');
    expect(taken(CONTEXT, ' (0)[1:swapper/0]Invalid sched_group_energy for CPU0')).toBe(' (0)[1:swapper/0]');
    expect(taken(CONTEXT, '[3701:11_see]Out of memory: Killed process 3154 (system_server)')).toBe(
      '[3701:11_see]',
    );
    // Not the task table, a frame, a caller id or a label.
    expect(taken(CONTEXT, '[ pid ]   uid  tgid total_vm      rss')).toBeNull();
    expect(taken(CONTEXT, '[  250]     0   250     1084      249')).toBeNull();
    expect(taken(CONTEXT, '[<ffffffc000088e5c>] dump_backtrace+0x0/0x124')).toBeNull();
    expect(taken(CONTEXT, '[ oom-killer ] Memory cgroup out of memory')).toBeNull();
    // A comm is at most 15 bytes: a longer bracket is no context.
    expect(taken(CONTEXT, '[1:0123456789abcde]x')).toBe('[1:0123456789abcde]');
    expect(taken(CONTEXT, '[1:0123456789abcdef]x')).toBeNull();
  });

  it("rsyslog's severity, tag and pid template (Huawei Cloud EulerOS doc)", () => {
    const m = matchOf(SEVERITY, 'warning|kernel[-]|[2919920.414131] memhog invoked oom-killer: …');
    expect(m?.[0]).toBe('warning|kernel[-]|');
    expect(m?.[1]).toBe('kernel');
    expect(matchOf(SEVERITY, 'err|kernel[-]|[2919920.414272] Memory cgroup out of memory')?.[0]).toBe(
      'err|kernel[-]|',
    );
    expect(matchOf(SEVERITY, 'info|kernel memory: usage 81920kB')).toBeNull();
    expect(matchOf(SEVERITY, 'memory|usage|')).toBeNull();
  });

  it('takes a template line only when its second field is a program with its pid: a host, a facility or a tag says nothing of the writer', () => {
    // Other templates a review made up; each keeps the reading it had before the template was known.
    for (const line of [
      'warning|kernel:|[2919920.414131] memhog invoked oom-killer: …',
      'warning|kern|[2919920.414131] memhog invoked oom-killer: …',
      'warning|node-1|kernel|[2919920.414131] memhog invoked oom-killer: …',
      'warning|ip-10-0-1-5.ec2.internal|[2919920.414131] memhog invoked oom-killer: …',
    ]) {
      expect(matchOf(SEVERITY, line)).toBeNull();
    }
    expect(matchOf(SEVERITY, 'info|systemd[1]|Started Session 4 of user ec2-user.')?.[1]).toBe('systemd');
  });
});
