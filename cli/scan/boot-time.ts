/**
 * When this machine booted, on the wall clock: kmsg times are seconds since boot, and a live `/dev/kmsg`
 * read on the node itself can place them on the wall clock (`observedAt`). A log file may come from another
 * machine or an earlier boot, so only a followed kmsg device uses this.
 */
import type { CliFileSystem } from '../command.ts';

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
