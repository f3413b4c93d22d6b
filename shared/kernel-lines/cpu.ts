/**
 * dump_stack header naming the invoking task, every kernel:
 * `CPU: 0 [UID: 0 ]PID: 2874 Comm: python3 [Kdump: loaded ]Not tainted …` (`UID:` since 6.x; `Kdump: loaded`
 * when a crash kernel is loaded, as on RHEL); before 3.10, x86's own `Pid: 6344, comm: sh Not tainted 3.2.32 #1`.
 */
import { commEnd } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';

export interface CpuLine {
  kind: 'cpu';
  pid: number;
  name: string;
}

const CPU_LINE = /^CPU: \d+ (?:UID: \d+ )?PID: (\d+) Comm: /;
const PID_LINE = /^Pid: (\d+), comm: /;

/**
 * A call-trace frame of the OOM killer's own path, the callers of dump_header (which prints the CPU line): the
 * dump it is in is an OOM report's, so the CPU line before it names the report's invoker. Each name holds `oom`
 * or `memory`, so scan's fast path never takes such a frame for its time alone (frameTimeAt, its only OOM text
 * `+0x`). `pagefault_out_of_memory` and `__oom_kill_process` print no dump of their own.
 */
const OOM_PATH_FRAME = /\b(?:oom_kill_process|(?:mem_cgroup_|__)?out_of_memory)\b/;

/** Whether a call-trace frame (report context) names the OOM killer's path (OOM_PATH_FRAME). */
export function namesOomPath(frame: string): boolean {
  return OOM_PATH_FRAME.test(frame);
}

export const cpuLine: Recognizer<CpuLine> = {
  name: 'cpu',
  marker: 'omm: ',
  starts: ['CPU: ', 'Pid: '],
  read(text) {
    const m = CPU_LINE.exec(text) ?? PID_LINE.exec(text);
    if (m === null) return null;
    const rest = text.slice(m[0].length);
    const end = commEnd(rest, 0, [' Kdump: loaded ', ' Not tainted', ' Tainted: ']);
    return { kind: 'cpu', pid: Number(m[1]), name: end < 0 ? rest : rest.slice(0, end) };
  },
};
