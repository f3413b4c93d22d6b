/**
 * Kernels of the 2.6.3x to 4.x era: after its kill line, the kernel kills every other process that shares the
 * victim's memory (vfork children, `clone(CLONE_VM)` without `CLONE_THREAD`), each with `Kill process N (comm)
 * sharing same memory`. Each is killed by the same invocation as the victim: a co-victim, not a choice of victim.
 */
import { pidAndComm } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';
import { SHARING_TAIL } from './sacrifice.ts';

export interface SharedMemoryKillLine {
  kind: 'shared-memory-kill';
  pid: number;
  name: string;
}

const PREFIX = 'Kill process ';

export const sharedMemoryKillLine: Recognizer<SharedMemoryKillLine> = {
  name: 'shared-memory-kill',
  marker: PREFIX,
  read(text) {
    const at = text.indexOf(PREFIX);
    if (at < 0) return null;
    const parsed = pidAndComm(text.slice(at + PREFIX.length), [`)${SHARING_TAIL}`]);
    if (parsed === null || !parsed.tail.startsWith(SHARING_TAIL)) return null;
    return { kind: 'shared-memory-kill', pid: parsed.pid, name: parsed.name };
  },
};
