import { describe, expect, it } from 'vitest';
import { bootTimeFromStat, bootTimeFromUptime, localBootTimeMs } from '../../../cli/scan/boot-time.ts';
import { memoryIo } from '../in-memory-io.ts';

describe('boot time', () => {
  it('is now minus /proc/uptime', () => {
    expect(bootTimeFromUptime('1329.48 2406.84\n', 1_795_433_755_480)).toBe(1_795_432_426_000);
    expect(bootTimeFromUptime('garbage', 1_000)).toBeNull();
  });

  it('is the btime line of /proc/stat', () => {
    expect(bootTimeFromStat('cpu  10 0 5\nintr 1 2\nbtime 1795432426\nprocesses 812\n')).toBe(
      1_795_432_426_000,
    );
    expect(bootTimeFromStat('cpu  10 0 5\n')).toBeNull();
  });

  it('prefers /proc/uptime, falls back to /proc/stat, else is unknown', async () => {
    const both = memoryIo({ files: { '/proc/uptime': '100.5 1.0', '/proc/stat': 'btime 5\n' } });
    expect(await localBootTimeMs(both.io.fs, 200_000)).toBe(99_500);
    const statOnly = memoryIo({ files: { '/proc/stat': 'btime 5\n' } });
    expect(await localBootTimeMs(statOnly.io.fs, 200_000)).toBe(5_000);
    expect(await localBootTimeMs(memoryIo().io.fs, 200_000)).toBeNull();
  });
});
