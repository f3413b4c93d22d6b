/**
 * When this machine booted, on the wall clock: kernel times are seconds since boot, and a kill of this host's
 * current boot can be placed on the wall clock (`observedAt`). The kmsg device read on the node is of this
 * boot. A log file or a pipe (`dmesg | eks-oom-alerts scan`) may come from another node or an earlier boot: a
 * kill in it counts as this boot's only when this host's ring buffer still holds its kill line, at the same
 * microsecond since boot and with the same pid. Anything else keeps its seconds since boot.
 */
import { isoFromMs, readLogRecord } from '../../shared/log-record.ts';
import type { OomEvent } from '../../shared/oom-event.ts';
import type { CliFileSystem } from '../command.ts';

/** The kernel's ring buffer, read as records (one per read) until it has nothing more. */
const KMSG_DEVICE = '/dev/kmsg';
/** A bound on the read, so that a device that never runs dry cannot hold the scan; far above what a ring buffer holds. */
const KMSG_MAX_BYTES = 64 << 20;
const KILLED_PID = /Killed process (\d{1,10}) /;

/** `/proc/uptime` (`1329.48 2406.84`): now minus seconds since boot, to the centisecond. */
export function bootTimeFromUptime(uptime: string, nowMs: number): number | null {
  const seconds = Number(uptime.trim().split(/\s+/)[0]);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(nowMs - seconds * 1000) : null;
}

/** The `btime <epoch seconds>` line of `/proc/stat`, to the second. */
export function bootTimeFromStat(stat: string): number | null {
  const match = /^btime (\d{1,12})$/m.exec(stat);
  return match === null ? null : Number(match[1]) * 1000;
}

export async function localBootTimeMs(fs: CliFileSystem, nowMs: number): Promise<number | null> {
  const uptime = await fs.readSmallText('/proc/uptime');
  const fromUptime = uptime === null ? null : bootTimeFromUptime(uptime, nowMs);
  if (fromUptime !== null) return fromUptime;
  const stat = await fs.readSmallText('/proc/stat');
  return stat === null ? null : bootTimeFromStat(stat);
}

/** This boot: its wall-clock start, and the kill lines still in the ring buffer (`<µs since boot>/<pid>`). */
export interface ThisBoot {
  bootTimeMs: number;
  killLines: ReadonlySet<string>;
}

function killLineKey(kernelTime: number, pid: number): string {
  return `${kernelTime.toFixed(6)}/${pid}`;
}

/** The kill lines of one kmsg record (`6,1234,3467508244,-;Memory cgroup out of memory: Killed process 2874 …`). */
function addKillLine(record: string, keys: Set<string>): void {
  const entry = readLogRecord(record);
  if (entry === null || entry.kernelTime === null) return;
  const pid = KILLED_PID.exec(entry.text)?.[1];
  if (pid !== undefined) keys.add(killLineKey(entry.kernelTime, Number(pid)));
}

/** This host's boot and ring buffer, or null when either cannot be read (not root, not Linux, no device). */
export async function readThisBoot(fs: CliFileSystem, nowMs: number): Promise<ThisBoot | null> {
  const bootTimeMs = await localBootTimeMs(fs, nowMs);
  if (bootTimeMs === null) return null;
  const opened = await fs.open(KMSG_DEVICE);
  if (!opened.ok) return null;
  const keys = new Set<string>();
  const decoder = new TextDecoder();
  try {
    let partial = '';
    let total = 0;
    for (let bytes = await opened.reader.read(); bytes.length > 0; bytes = await opened.reader.read()) {
      total += bytes.length;
      const lines = (partial + decoder.decode(bytes, { stream: true })).split('\n');
      partial = lines.pop() as string;
      for (const line of lines) addKillLine(line, keys);
      if (total > KMSG_MAX_BYTES) break;
    }
    addKillLine(partial, keys);
  } catch {
    // A read error leaves the kill lines read so far: a kill not among them keeps its seconds since boot.
  } finally {
    await opened.reader.close();
  }
  return { bootTimeMs, killLines: keys };
}

/** The kill on the wall clock when its kill line is in this boot's ring buffer; otherwise as it is. */
export function placeInThisBoot(event: OomEvent, boot: ThisBoot): OomEvent {
  const { kernelTime } = event;
  const { pid } = event.victim;
  if (event.observedAt !== null || kernelTime === null || pid === null) return event;
  if (!boot.killLines.has(killLineKey(kernelTime, pid))) return event;
  return { ...event, observedAt: isoFromMs(boot.bootTimeMs + kernelTime * 1000) };
}
