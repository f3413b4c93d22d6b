/**
 * One measurement of the parser on the benchmark's log, for bench/run.ts: `node bench/parser-stages.ts NAME`
 * prints `{"ms":…,"cpuMs":…,"value":…}`. Each runs in a fresh process, so that none runs on code another
 * measurement shaped (the JIT) or in a heap another one filled. What is timed follows one warm-up pass over
 * the first 4 MiB (or 30,000 lines), so that the figures are of optimised code, as in a long scan.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { OOM_TEXT_MARKS } from '../cli/scan/chunk-marks.ts';
import { KernelLogScanner } from '../cli/scan/kernel-log-scanner.ts';
import { mayBeOomText, parseKernelLine } from '../shared/kernel-line.ts';
import { joinWrappedLines, parseKernelLog } from '../shared/kernel-log.ts';
import type { ReadOptions } from '../shared/line-prefilter.ts';
import { SET_ASIDE } from '../shared/line-prefilter.ts';
import type { LogEntry, RecordSkim } from '../shared/log-record.ts';
import { readLogRecord, skimLogRecord } from '../shared/log-record.ts';

export const LOG = '.bench/kernel-100mib.log';
const MIB = 1024 * 1024;
const WARM_UP_LINES = 30_000;

export interface Measured {
  ms: number;
  /** User + system CPU time of this process while it ran (garbage collection and compiler threads included). */
  cpuMs: number;
  value: unknown;
}

function timed(fn: () => unknown): Measured {
  const start = performance.now();
  const startCpu = process.cpuUsage();
  const value = fn();
  const cpu = process.cpuUsage(startCpu);
  return { value, ms: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Reads the log in 1 MiB chunks, as `scan` does; hands each decoded chunk on, up to `limit` bytes. */
function eachChunk(take: (bytes: Uint8Array) => void, limit = Infinity): void {
  const fd = openSync(LOG, 'r');
  const chunk = Buffer.allocUnsafe(MIB);
  let read = 0;
  try {
    for (let n = readSync(fd, chunk); n > 0 && read < limit; n = readSync(fd, chunk)) {
      take(chunk.subarray(0, n));
      read += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** What any reader that looks at every line pays: read, decode and split in 1 MiB chunks, one search per line. */
function floorPass(limit?: number): number {
  const decoder = new TextDecoder('utf-8');
  let partial = '';
  let found = 0;
  eachChunk((bytes) => {
    const pieces = decoder.decode(bytes, { stream: true }).split('\n');
    pieces[0] = partial + (pieces[0] as string);
    partial = pieces.pop() as string;
    for (const line of pieces) if (mayBeOomText(line)) found++;
  }, limit);
  return found;
}

/**
 * What the scanner's in-place reader cannot do without: read in 1 MiB chunks, decode 64 KiB at a time, search
 * each slice once for OOM text, and find each line's end.
 */
function inPlaceFloorPass(limit?: number): number {
  const decoder = new TextDecoder('utf-8');
  let found = 0;
  eachChunk((bytes) => {
    for (let at = 0; at < bytes.length; at += 1 << 16) {
      const text = decoder.decode(bytes.subarray(at, at + (1 << 16)), { stream: true });
      OOM_TEXT_MARKS.lastIndex = 0;
      while (OOM_TEXT_MARKS.test(text)) found++;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', end + 1)) found++;
    }
  }, limit);
  return found;
}

function scanKills(options: ReadOptions, limit?: number): number {
  const scanner = new KernelLogScanner({ node: null, source: { file: LOG } }, options);
  let kills = 0;
  eachChunk((bytes) => {
    kills += scanner.push(bytes).kills.length;
  }, limit);
  return kills + scanner.end().kills.length;
}

function parseLog(options: ReadOptions): Measured {
  const text = readFileSync(LOG, 'utf8');
  parseKernelLog(text.slice(0, 4 * MIB), {}, options);
  return timed(() => {
    const parsed = parseKernelLog(text, { file: LOG }, options);
    return {
      events: parsed.events.length,
      incomplete: parsed.events.filter((e) => !e.complete).length,
      drift: parsed.drift.length,
    };
  });
}

function logLines(): string[] {
  return readFileSync(LOG, 'utf8').split('\n');
}

/** Times `stage` over every item, after a warm-up over the first ones; the value is how many it said yes to. */
function overAll<T>(items: readonly T[], stage: (item: T) => boolean): Measured {
  for (const item of items.slice(0, WARM_UP_LINES)) stage(item);
  return timed(() => {
    let yes = 0;
    for (const item of items) if (stage(item)) yes++;
    return yes;
  });
}

function recognized(entry: LogEntry | null, prefilter: boolean): boolean {
  return entry !== null && parseKernelLine(entry.text, entry.truncated, { prefilter }).kind !== 'not-oom';
}

const MEASURES: Record<string, () => Measured> = {
  floor: () => {
    floorPass(4 * MIB);
    return timed(() => floorPass());
  },
  'floor-in-place': () => {
    inPlaceFloorPass(4 * MIB);
    return timed(() => inPlaceFloorPass());
  },
  parse: () => parseLog({}),
  'parse-plain': () => parseLog({ prefilter: false }),
  scan: () => {
    scanKills({}, 4 * MIB);
    return timed(() => scanKills({}));
  },
  'scan-plain': () => {
    scanKills({ prefilter: false }, 4 * MIB);
    return timed(() => scanKills({ prefilter: false }));
  },
  split: () => {
    const text = readFileSync(LOG, 'utf8');
    return timed(() => text.split('\n').length);
  },
  'read-log-record': () => overAll(logLines(), (line) => readLogRecord(line) !== null),
  'skim-log-record': () => overAll(logLines(), (line) => skimLogRecord(line) !== null),
  'may-be-oom-text': () => {
    const skims = logLines().map(skimLogRecord);
    return overAll(skims, (skim: RecordSkim | null) => skim !== null && mayBeOomText(skim.holder));
  },
  'parse-kernel-line': () => {
    const entries = logLines().map(readLogRecord);
    return overAll(entries, (entry) => recognized(entry, true));
  },
  'parse-kernel-line-plain': () => {
    const entries = logLines().map(readLogRecord);
    return overAll(entries, (entry) => recognized(entry, false));
  },
  'set-aside': () => {
    const records = joinWrappedLines(logLines(), { prefilter: true });
    const setAside = records.filter((r) => r.entry === SET_ASIDE).length;
    return { ms: 0, cpuMs: 0, value: { records: records.length, setAside } };
  },
};

export const MEASURE_NAMES = Object.keys(MEASURES);

const name = process.argv[2];
if (name !== undefined && import.meta.filename === process.argv[1]) {
  const measure = MEASURES[name];
  if (measure === undefined) throw new Error(`no measure ${name}; one of ${MEASURE_NAMES.join(', ')}`);
  process.stdout.write(`${JSON.stringify(measure())}\n`);
}
