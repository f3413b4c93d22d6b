/**
 * Property tests of the kernel OOM parser on random and mutated input (fast-check).
 *
 * - It never throws, whatever the text: arbitrary strings, arbitrary code points, random bytes read as latin1 and
 *   UTF-8, JSON records with any numbers, and real reports with lines deleted, duplicated, cut and garbled.
 * - It never hangs: inputs are bounded in size here, and regex-safety.test.ts proves every regex linear-time.
 * - What it emits always has the contract's shape (../shared/docs/oom-event.md).
 * - Noise lines between report lines change nothing; a report split across batches, with the state carried as
 *   JSON, gives what one pass gives; the same report fed twice gives its events once.
 * - Hostile process names come back exactly from every line that prints a comm.
 *
 * The real reports are the fixtures in ../fixtures/kernel-logs (see its README for their sources).
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCgroupPath } from '../../shared/cgroup-path.ts';
import { CALLER } from '../../shared/envelope-prefixes.ts';
import type { KernelLine } from '../../shared/kernel-line.ts';
import { parseKernelLine } from '../../shared/kernel-line.ts';
import { joinWrappedLines, parseKernelLog } from '../../shared/kernel-log.ts';
import type { LogEntry } from '../../shared/log-record.ts';
import { blankEntry, readLogRecord } from '../../shared/log-record.ts';
import type { OomEvent } from '../../shared/oom-event.ts';
import type { AssemblerContext, AssemblerState, InputLine } from '../../shared/report-assembler.ts';
import { assembleReports } from '../../shared/report-assembler.ts';
import { HOSTILE_NAMES } from '../fixtures/hostile-names.ts';
import { CONTEXT } from '../../shared/vendor-prefixes.ts';

const KERNEL_LOGS = new URL('../fixtures/kernel-logs/', import.meta.url);
const REAL_KERNEL = new URL('../fixtures/real-kernel/', import.meta.url);

function fixture(folder: URL, name: string): string {
  return readFileSync(new URL(name, folder), 'utf8');
}

function logsIn(folder: URL): Array<{ name: string; text: string }> {
  return readdirSync(folder)
    .filter((name) => name.endsWith('.log'))
    .sort()
    .map((name) => ({ name, text: fixture(folder, name) }));
}

/** Every real kernel log the repository holds. */
const REAL_LOGS = [...logsIn(KERNEL_LOGS), ...logsIn(REAL_KERNEL)];
const DMESG_618 = fixture(KERNEL_LOGS, 'kernel-6.18-cgroupv1-memcg.dmesg.log');
const JOURNAL_418 = fixture(KERNEL_LOGS, 'journalctl-4.18-el8-truncated.log');

function linesOf(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}

/** Lines 4–163 of the 6.18 sample: its two reports, and the noise line between them. */
const REPORTS_618 = linesOf(DMESG_618).slice(3, 163);
const REPORTS_418 = linesOf(JOURNAL_418);

const STREAM: AssemblerContext = {
  node: 'ip-10-0-1-23.eu-west-1.compute.internal',
  source: { logGroup: '/aws/containerinsights/prod/host', logStream: 'ip-10-0-1-23.host.dmesg' },
};

function inputsOf(lines: readonly string[]): InputLine[] {
  return joinWrappedLines(lines).map((r) => ({ entry: r.entry, ref: `event-${r.lineNo}` }));
}

/** What a Lambda does between invocations: the state goes through JSON (DynamoDB) and back. */
function throughJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

// ---------------------------------------------------------------------------------------------------------------
// The contract's shape, checked field by field; a list of violations reads better than a failed deep equal.

const POD_UID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CONTAINER_ID = /^[0-9a-f]{64}$/;
const CONSTRAINTS = ['memcg', 'system', 'cpuset', 'mempolicy'];
const LIMIT_SCOPES = ['container', 'pod', 'qos', 'kubepods', 'node', 'other'];
const QOS_CLASSES = ['guaranteed', 'burstable', 'besteffort'];
const RUNTIMES = ['containerd', 'crio', 'docker'];

function contractViolations(event: OomEvent): string[] {
  const problems: string[] = [];
  const record = (
    path: string,
    value: unknown,
    keys: readonly string[],
  ): value is Record<string, unknown> => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(`${path} is not an object`);
      return false;
    }
    const actual = Object.keys(value).sort();
    if (actual.join() !== [...keys].sort().join()) problems.push(`${path} has keys ${actual.join()}`);
    return true;
  };
  const number = (path: string, value: unknown, nullable: boolean): void => {
    if (value === null && nullable) return;
    if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${path} is ${String(value)}`);
  };
  const string = (path: string, value: unknown, nullable: boolean): void => {
    if (value === null && nullable) return;
    if (typeof value !== 'string') problems.push(`${path} is ${String(value)}`);
  };
  const oneOf = (path: string, value: unknown, allowed: readonly string[]): void => {
    if (value !== null && !allowed.includes(value as string)) problems.push(`${path} is ${String(value)}`);
  };

  const e = event as unknown as Record<string, unknown>;
  record('event', e, [
    'schemaVersion',
    'id',
    'node',
    'observedAt',
    'kernelTime',
    'constraint',
    'limitScope',
    'victim',
    'trigger',
    'cgroup',
    'pod',
    'container',
    'memory',
    'tasks',
    'coVictims',
    'coVictimCount',
    'complete',
    'source',
    'lines',
  ]);
  if (e.schemaVersion !== 1) problems.push(`schemaVersion is ${String(e.schemaVersion)}`);
  if (typeof e.id !== 'string' || e.id.length === 0) problems.push(`id is ${String(e.id)}`);
  string('node', e.node, true);
  string('observedAt', e.observedAt, true);
  if (typeof e.observedAt === 'string' && new Date(e.observedAt).toISOString() !== e.observedAt)
    problems.push(`observedAt ${e.observedAt} is not ISO-8601`);
  number('kernelTime', e.kernelTime, true);
  oneOf('constraint', e.constraint, CONSTRAINTS);
  oneOf('limitScope', e.limitScope, LIMIT_SCOPES);
  const victimNumbers = ['pid', 'uid', 'totalVmKb', 'anonRssKb', 'fileRssKb', 'shmemRssKb', 'pgtablesKb'];
  if (record('victim', e.victim, [...victimNumbers, 'name', 'oomScoreAdj'])) {
    for (const key of [...victimNumbers, 'oomScoreAdj']) number(`victim.${key}`, e.victim[key], true);
    string('victim.name', e.victim.name, true);
  }
  if (
    e.trigger !== null &&
    record('trigger', e.trigger, ['name', 'pid', 'gfpMask', 'order', 'oomScoreAdj'])
  ) {
    string('trigger.name', e.trigger.name, true);
    string('trigger.gfpMask', e.trigger.gfpMask, true);
    for (const key of ['pid', 'order', 'oomScoreAdj']) number(`trigger.${key}`, e.trigger[key], true);
  }
  if (record('cgroup', e.cgroup, ['oom', 'task'])) {
    string('cgroup.oom', e.cgroup.oom, true);
    string('cgroup.task', e.cgroup.task, true);
  }
  if (e.pod !== null && record('pod', e.pod, ['uid', 'qos'])) {
    if (typeof e.pod.uid !== 'string' || !POD_UID.test(e.pod.uid))
      problems.push(`pod.uid is ${String(e.pod.uid)}`);
    oneOf('pod.qos', e.pod.qos, QOS_CLASSES);
  }
  if (e.container !== null && record('container', e.container, ['id', 'runtime'])) {
    if (typeof e.container.id !== 'string' || !CONTAINER_ID.test(e.container.id))
      problems.push(`container.id is ${String(e.container.id)}`);
    oneOf('container.runtime', e.container.runtime, RUNTIMES);
  }
  const memoryKeys = ['usageKb', 'limitKb', 'failcnt', 'swapUsageKb', 'swapLimitKb'];
  if (e.memory !== null && record('memory', e.memory, memoryKeys)) {
    for (const key of memoryKeys) number(`memory.${key}`, e.memory[key], true);
  }
  if (!Array.isArray(e.tasks) || e.tasks.length > 10) problems.push('tasks is not an array of at most 10');
  else
    e.tasks.forEach((task: unknown, i) => {
      if (!record(`tasks[${i}]`, task, ['pid', 'name', 'rssKb', 'oomScoreAdj'])) return;
      for (const key of ['pid', 'rssKb', 'oomScoreAdj']) number(`tasks[${i}].${key}`, task[key], false);
      string(`tasks[${i}].name`, task.name, false);
    });
  if (!Array.isArray(e.coVictims) || e.coVictims.length > 100)
    problems.push('coVictims is not an array of at most 100');
  else
    e.coVictims.forEach((victim: unknown, i) => {
      if (!record(`coVictims[${i}]`, victim, ['pid', 'name', 'anonRssKb'])) return;
      number(`coVictims[${i}].pid`, victim.pid, false);
      string(`coVictims[${i}].name`, victim.name, false);
      number(`coVictims[${i}].anonRssKb`, victim.anonRssKb, true);
    });
  const listed = Array.isArray(e.coVictims) ? e.coVictims.length : 0;
  if (typeof e.coVictimCount !== 'number' || !Number.isInteger(e.coVictimCount) || e.coVictimCount < listed)
    problems.push(`coVictimCount is ${String(e.coVictimCount)} for ${listed} listed`);
  if (typeof e.complete !== 'boolean') problems.push(`complete is ${String(e.complete)}`);
  const source = e.source as Record<string, unknown>;
  if (typeof source === 'object' && source !== null && 'file' in source) {
    if (record('source', source, ['file', 'lines'])) {
      string('source.file', source.file, false);
      if (!Array.isArray(source.lines) || !source.lines.every((n) => Number.isInteger(n)))
        problems.push('source.lines is not an array of line numbers');
    }
  } else if (record('source', source, ['logGroup', 'logStream', 'eventIds'])) {
    string('source.logGroup', source.logGroup, true);
    string('source.logStream', source.logStream, true);
    if (!Array.isArray(source.eventIds) || !source.eventIds.every((id) => typeof id === 'string'))
      problems.push('source.eventIds is not an array of strings');
  }
  if (!Array.isArray(e.lines) || e.lines.length > 40 || !e.lines.every((line) => typeof line === 'string'))
    problems.push('lines is not an array of at most 40 strings');
  return problems;
}

function expectContractShape(events: readonly OomEvent[]): void {
  for (const event of events) {
    // Every field present, of its type, and finite: no undefined, NaN or Infinity, which JSON would drop or null.
    expect(contractViolations(event)).toEqual([]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Generators.

/** Any UTF-16 code unit, lone surrogates included: what a mis-decoded log can hold. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** Text of every kind, bounded so each run stays small. */
const arbitraryText = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: anyCodeUnit, maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
);

/** A real line, whole or as a prefix, with random text glued on: random input that reaches the recognizers. */
const realLine = fc.constantFrom(...REPORTS_618, ...REPORTS_418);
const realishLine = fc.oneof(
  realLine,
  fc
    .tuple(realLine, fc.nat(), arbitraryText)
    .map(([line, cut, tail]) => line.slice(0, cut % (line.length + 1)) + tail),
  fc.tuple(arbitraryText, realLine).map(([head, line]) => head + line),
);

const bootTime = fc.option(fc.integer({ min: 0, max: 4_102_444_800_000 }), { nil: undefined });

type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'duplicate'; at: number }
  | { op: 'truncate'; at: number; keep: number }
  | { op: 'flip'; at: number; column: number; char: string }
  | { op: 'move'; at: number; to: number }
  | { op: 'transplant'; at: number; line: string };

/** Characters that matter to the recognizers, and any other. */
const flipChar = fc.oneof(
  fc.constantFrom(...'()[]<>:,=/ -_.0123456789abcdefABCDEF>\t'.split('')),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat(), keep: fc.nat() }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), column: fc.nat(), char: flipChar }),
  fc.record({ op: fc.constant('move' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({
    op: fc.constant('transplant' as const),
    at: fc.nat(),
    line: fc.constantFrom(...REAL_LOGS.flatMap((log) => linesOf(log.text))),
  }),
);

function mutate(lines: readonly string[], mutations: readonly Mutation[]): string[] {
  const out = [...lines];
  for (const m of mutations) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    const line = out[at] as string;
    switch (m.op) {
      case 'delete':
        out.splice(at, 1);
        break;
      case 'duplicate':
        out.splice(at, 0, line);
        break;
      case 'truncate':
        out[at] = line.slice(0, m.keep % (line.length + 1));
        break;
      case 'flip': {
        const column = m.column % (line.length + 1);
        out[at] = line.slice(0, column) + m.char + line.slice(column + 1);
        break;
      }
      case 'move':
        out.splice(m.to % out.length, 0, ...out.splice(at, 1));
        break;
      case 'transplant':
        out.splice(at, 0, m.line);
        break;
    }
  }
  return out;
}

const mutatedReport = fc
  .tuple(
    fc.constantFrom(REPORTS_618, REPORTS_418, ...REAL_LOGS.map((log) => linesOf(log.text))),
    fc.array(mutation, { minLength: 1, maxLength: 12 }),
  )
  .map(([lines, mutations]) => mutate(lines, mutations));

// ---------------------------------------------------------------------------------------------------------------

describe('the parser never throws', () => {
  it('readLogRecord, on any one line', () => {
    fc.assert(
      fc.property(fc.oneof(arbitraryText, realishLine), (raw) => {
        const entry = readLogRecord(raw);
        if (entry !== null) expect(typeof entry.text).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  it('parseKernelLine, on any text, cut short or not', () => {
    fc.assert(
      fc.property(fc.oneof(arbitraryText, realishLine), fc.boolean(), (text, truncated) => {
        expect(['not-oom', 'unrecognised', 'line']).toContain(parseKernelLine(text, truncated).kind);
      }),
      { numRuns: 500 },
    );
  });

  it('decodeCgroupPath, on any path, and a pod or container it names is well-formed', () => {
    const segment = fc.oneof(
      arbitraryText,
      fc.constantFrom(
        'kubepods',
        'kubepods.slice',
        'kubepods-burstable.slice',
        'besteffort',
        'kubepods-burstable-podf05bdc36_dd14_4537_9b91_57cc07df0932.slice',
        'pod3962896b-ab69-4572-8f1d-ee756f9f3589',
        'podF05BDC36-DD14-4537-9B91-57CC07DF0932',
        'cri-containerd-ec9ee26695deb4cc72bc665efff1cf3a03fdfb12f1303e02fe9252985e084a95.scope',
        'docker-052d52a163eb1ced8ddbd9968b31cb1d1ec74a2b389e18984737c3118f',
        'crio-conmon-1.scope',
        'a2172e8d1101b4393d934a3a3fb902260c945c360ed278bbdef80cb45fbb9419',
      ),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), fc.boolean(), (segments, truncated) => {
        const decoded = decodeCgroupPath(`/${segments.join('/')}`, truncated);
        expect(['container', 'pod', 'qos', 'kubepods', 'other']).toContain(decoded.level);
        if (decoded.pod !== null) expect(decoded.pod.uid).toMatch(POD_UID);
        if (decoded.container !== null) expect(decoded.container.id).toMatch(CONTAINER_ID);
        if (decoded.partialContainerId !== null)
          expect(decoded.partialContainerId).toMatch(/^[0-9a-f]{1,63}$/);
      }),
      { numRuns: 500 },
    );
  });

  it('parseKernelLog, on any text, and every event it emits has the contract shape', () => {
    const text = fc.array(fc.oneof(arbitraryText, realishLine), { maxLength: 40 }).map((l) => l.join('\n'));
    fc.assert(
      fc.property(fc.oneof(arbitraryText, text), bootTime, (log, bootTimeMs) => {
        expectContractShape(parseKernelLog(log, { node: 'node-a', bootTimeMs }).events);
      }),
      { numRuns: 300 },
    );
  });

  it('parseKernelLog, on Fluent Bit and journald JSON records with any field values', () => {
    // Values as JSON text, so that numbers JSON.stringify cannot write (1e400, 70e90 as a number) are in reach.
    const valueText = fc.oneof(
      fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v)),
      fc.stringMatching(/^-?(?:0|[1-9]\d{0,30})(?:\.\d{1,9})?(?:e[+-]?\d{1,3})?$/),
      fc
        .stringMatching(/^-?(?:0|[1-9]\d{0,30})(?:\.\d{1,9})?(?:e[+-]?\d{1,3})?$/)
        .map((n) => JSON.stringify(n)),
      fc.constantFrom('"kernel"', '"systemd"', '"2026-11-23T11:37:15.123Z"'),
    );
    const field = fc.tuple(
      fc.constantFrom(
        'sec',
        'usec',
        'sequence',
        '__REALTIME_TIMESTAMP',
        '_SOURCE_MONOTONIC_TIMESTAMP',
        'time',
        '@timestamp',
        'host',
        'ident',
        '_TRANSPORT',
        'SYSLOG_IDENTIFIER',
      ),
      valueText,
    );
    const record = fc
      .tuple(
        fc.constantFrom('msg', 'message', 'MESSAGE', 'log'),
        fc.oneof(realLine, arbitraryText),
        fc.array(field, { maxLength: 8 }),
      )
      .map(([key, message, fields]) =>
        [
          `{${JSON.stringify(key)}:${JSON.stringify(message)}`,
          ...fields.map(([k, v]) => `${JSON.stringify(k)}:${v}`),
        ]
          .join(',')
          .concat('}'),
      );
    fc.assert(
      fc.property(fc.array(record, { maxLength: 20 }), bootTime, (records, bootTimeMs) => {
        expectContractShape(parseKernelLog(records.join('\n'), { bootTimeMs }).events);
      }),
      { numRuns: 300 },
    );
  });

  it('assembleReports, on log entries with any field values, carrying its state between batches', () => {
    const entry: fc.Arbitrary<LogEntry> = fc.record({
      text: fc.oneof(realLine, realishLine),
      kernelTime: fc.option(fc.double({ noNaN: true }), { nil: null }),
      wallTime: fc.option(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        { nil: null },
      ),
      stamp: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
      host: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
      sequence: fc.option(fc.nat(), { nil: null }),
      truncated: fc.boolean(),
      fromKernel: fc.boolean(),
      enveloped: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(entry, { maxLength: 20 }), { minLength: 1, maxLength: 3 }),
        fc.option(fc.integer({ min: 0, max: 4_102_444_800_000 }), { nil: null }),
        (batches, bootTimeMs) => {
          let state: AssemblerState | null = null;
          batches.forEach((batch, i) => {
            const result = assembleReports(
              batch.map((e, j) => ({ entry: e, ref: `${i}-${j}` })),
              state,
              { ...STREAM, bootTimeMs },
              { final: i === batches.length - 1 },
            );
            expectContractShape(result.events);
            state = throughJson(result.state);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('counterexamples the properties found, kept as regression tests', () => {
  it('a kernel time that is no finite number gives the event no time (seed 738604015, 72,620 runs in)', () => {
    const entry: LogEntry = {
      ...blankEntry(
        'Memory cgroup out of memory: Killed process 1735923 (systembusin) total-vm:1704328kB, anon-rss:1017592kB, file-rss:17492kB, shmem-rss:0kB, UID:0',
      ),
      kernelTime: Number.NEGATIVE_INFINITY,
    };
    const { events } = assembleReports([{ entry, ref: 1 }], null, STREAM, { final: true });
    expect(events).toMatchObject([{ kernelTime: null, victim: { pid: 1735923 } }]);
    // A dmesg time of more digits than a double holds.
    const long = parseKernelLog(
      `[ ${'9'.repeat(400)}.5] Out of memory: Killed process 1 (a) total-vm:1kB`,
    ).events;
    expect(long).toMatchObject([{ kernelTime: null, victim: { pid: 1 } }]);
  });

  it('a journald record whose __REALTIME_TIMESTAMP no Date holds is read', () => {
    expect(readLogRecord('{"MESSAGE":"x","__REALTIME_TIMESTAMP":"70e90"}')).toMatchObject({
      text: 'x',
      wallTime: null,
    });
  });

  it('a kill at a dmesg time no Date holds, with a boot time, is an event', () => {
    const log =
      '[99999999999999.000000] Out of memory: Killed process 1 (x) total-vm:1kB, anon-rss:1kB, file-rss:0kB';
    const { events } = parseKernelLog(log, { bootTimeMs: 0 });
    expect(events).toHaveLength(1);
    expectContractShape(events);
  });

  it('a kill at kernel time -8640000000000.001 s, with a boot time, is an event', () => {
    const entry = readLogRecord(
      '7月 12 12:11:16 k8s-node-04 kernel: Memory cgroup out of memory: Killed process 1735923 (systembusin) total-vm:1704328kB, anon-rss:1017592kB, file-rss:17492kB, shmem-rss:0kB, UID:0',
    ) as LogEntry;
    const { events } = assembleReports(
      [{ entry: { ...entry, kernelTime: -8640000000000.001 }, ref: '0-0' }],
      null,
      { ...STREAM, bootTimeMs: 0 },
      { final: true },
    );
    expect(events).toHaveLength(1);
    expectContractShape(events);
  });

  it('a kmsg record with sec 1e400 gives an event with a finite or null kernelTime', () => {
    const { events } = parseKernelLog(
      '{"msg":"Out of memory: Killed process 1 (x) total-vm:1kB","sec":1e400}',
    );
    expect(events).toHaveLength(1);
    expectContractShape(events);
  });

  it('a kill line and its reaper line in two batches give the event of one pass', () => {
    const inputs = inputsOf(linesOf(fixture(KERNEL_LOGS, 'syslog-system-oom-storm-reaper.log')).slice(0, 2));
    expect(inTwoBatches(inputs, 1).events).toEqual(
      assembleReports(inputs, null, STREAM, { final: true }).events,
    );
  });

  it('a garbled kill line and the same kill printed again, in two batches, give the events of one pass', () => {
    const kill = (comm: string): string =>
      `[ 6690.591403] Killed process 387951 (${comm}) total-vm:477124kB, anon-rss:3000kB, file-rss:3896kB, shmem-rss:0kB`;
    const inputs = inputsOf([kill('\u0000unc:[2:INIT]'), kill('runc:[2:INIT]')]);
    expect(inTwoBatches(inputs, 1).events).toEqual(
      assembleReports(inputs, null, STREAM, { final: true }).events,
    );
  });

  it('a kill line with a garbled name and its reaper line, in two batches, give the events of one pass', () => {
    const inputs = inputsOf([
      'May 15 23:09:30 ubuntu-s-1vcpu-2gb-ams3-01 kernel: [  518.061172] Out of memory: Killed process 15925 (>resolved)) total-vm:168424kB, anon-rss:4064kB, file-rss:3584kB, shmem-rss:0kB',
      'May 15 23:09:30 ubuntu-s-1vcpu-2gb-ams3-01 kernel: [  518.064186] oom_reaper: reaped process 15925 ((resolved)), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
    ]);
    expect(inTwoBatches(inputs, 1).events).toEqual(
      assembleReports(inputs, null, STREAM, { final: true }).events,
    );
  });

  it('a kill line cut inside a number does not report the cut number', () => {
    const line = readLine(
      'Memory cgroup out of memory: Killed process 2874 (python3) total-vm:75160kB, anon-rss:65152kB, file-rss:6648kB, shmem-rss:0kB, UID:0 pgtables:18>',
      true,
    );
    expect(line).toMatchObject({ kind: 'kill', pid: 2874, name: 'python3' });
    expect(line?.kind === 'kill' && line.fields).not.toHaveProperty('pgtables');
  });

  it('a summary line cut inside the uid does not report the cut uid', () => {
    const line = readLine(
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a/b,task=python3,pid=2874,uid=10>',
      true,
    );
    expect(line).toMatchObject({ kind: 'summary', task: 'python3', pid: 2874, uid: null });
  });
});

describe('mutated real reports', () => {
  it('never throw, and every event keeps the contract shape', () => {
    fc.assert(
      fc.property(mutatedReport, bootTime, (lines, bootTimeMs) => {
        expectContractShape(parseKernelLog(lines.join('\n'), { node: 'node-a', bootTimeMs }).events);
      }),
      { numRuns: 400 },
    );
  });

  it('fed twice with the carried state, give their events once', () => {
    fc.assert(
      fc.property(mutatedReport, (lines) => {
        const inputs = inputsOf(lines);
        const first = assembleReports(inputs, null, STREAM, { final: true });
        const again = assembleReports(inputs, throughJson(first.state), STREAM, { final: true });
        expect(again.events.map((e) => e.id)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Noise: lines that are not part of any OOM report, between the lines of one.

/**
 * Characters from which no OOM marker can be spelled: no `o` (oom, out of memory, process, memory, victim),
 * no `:` `=` `[` `<` `>` `;` `+` `/` (every key:value, prefix, table and call-trace marker needs one).
 */
const NOISE_ALPHABET = 'abcdefghijklmnpqrstuvwxyzABCDEFGHIJKLMNPQRSTUVWXYZ0123456789 .,_-()'.split('');

/** Real kernel lines that are not OOM text: the 6.18 sample's neighbours and the Fluent Bit sample's boot log. */
const REAL_NOISE = [
  'tokio-rt-worker (70): drop_caches: 3',
  'EXT4-fs (vda): mounted filesystem 00000000-0000-0000-0000-000000000000 r/w without journal. Quota mode: none.',
  'idle-reclaim (80): drop_caches: 1',
  'x86/split lock detection: #DB: warning on user-space bus_locks',
  'BIOS-e820: [mem 0x0000000000100000-0x00000000bfffffff] usable',
  'NX (Execute Disable) protection: active',
  'APIC: Static calls initialized',
  'kvm-clock: Using msrs 4b564d01 and 4b564d00',
  'clocksource: kvm-clock: mask: 0xffffffffffffffff max_cycles: 0x1cd42e4dffb, max_idle_ns: 881590591483 ns',
  'tsc: Detected 2100.000 MHz processor',
];

/** Whole lines of other writers in the 4.18 journal sample (systemd, dockerd). */
const REAL_JOURNAL_NOISE = REPORTS_418.filter((line) => !line.includes(' kernel: '));

const noiseText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...NOISE_ALPHABET), minLength: 1, maxLength: 80 }),
  fc.constantFrom(...REAL_NOISE),
);

/** The envelope of a line (`[ 3467.507943] `, `7月 12 12:11:16 k8s-node-04 kernel: `), to give noise the same. */
function envelopeOf(raw: string): string {
  const entry = readLogRecord(raw);
  return entry !== null && raw.endsWith(entry.text) ? raw.slice(0, raw.length - entry.text.length) : '';
}

function insertNoise(
  lines: readonly string[],
  insertions: ReadonlyArray<{ at: number; text: string; whole: string | null }>,
): string[] {
  const out = [...lines];
  for (const { at, text, whole } of insertions) {
    const position = at % (out.length + 1);
    const neighbour = out[Math.max(0, position - 1)] ?? '';
    out.splice(position, 0, whole ?? `${envelopeOf(neighbour)}${text}`);
  }
  return out;
}

/** Everything but `source`, whose line numbers move when lines are inserted. */
function withoutSource(events: readonly OomEvent[]): Array<Omit<OomEvent, 'source'>> {
  return events.map(({ source: _source, ...rest }) => rest);
}

describe('noise interleaved with a report', () => {
  it.each([
    ['the 6.18 dmesg reports', REPORTS_618, []],
    ['the 4.18 journal report', REPORTS_418, REAL_JOURNAL_NOISE],
  ] as const)('changes nothing in %s', (_name, report, wholeNoise) => {
    const expected = parseKernelLog(report.join('\n'), { node: 'node-a' });
    expect(expected.events.length).toBeGreaterThan(0);
    const insertion = fc.record({
      at: fc.nat(),
      text: noiseText,
      whole:
        wholeNoise.length > 0 ? fc.option(fc.constantFrom(...wholeNoise), { nil: null }) : fc.constant(null),
    });
    fc.assert(
      fc.property(fc.array(insertion, { minLength: 1, maxLength: 40 }), (insertions) => {
        const noisy = parseKernelLog(insertNoise(report, insertions).join('\n'), { node: 'node-a' });
        expect(withoutSource(noisy.events)).toEqual(withoutSource(expected.events));
        expect(noisy.drift.map((d) => d.text)).toEqual(expected.drift.map((d) => d.text));
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------

/** Feeds the inputs in two batches, the state carried through JSON, as two Lambda invocations would. */
function inTwoBatches(inputs: readonly InputLine[], cut: number): { events: OomEvent[]; drift: unknown[] } {
  const first = assembleReports(inputs.slice(0, cut), null, STREAM, { final: false });
  const second = assembleReports(inputs.slice(cut), throughJson(first.state), STREAM, { final: true });
  return { events: [...first.events, ...second.events], drift: [...first.drift, ...second.drift] };
}

describe('a report split across two batches, the state carried as JSON', () => {
  // Events leave in the order their reports close, and a batch end sends a report that has its kill line
  // (one pass sends it at the next report line, after a lone reaper line's event): order is not compared.
  // SQS does not keep it either. A report sent at a batch end stays open: when the next batch adds to it (a late
  // `Task in` line, memory.oom.group members), its event goes again, same id; the last one sent is what counts.
  const comparable = (events: readonly OomEvent[]): unknown =>
    [...new Map(events.map((e) => [e.id, e])).values()].toSorted((a, b) => a.id.localeCompare(b.id));

  // Every cut point, not a sample of them: the logs are small.
  it.each(REAL_LOGS.map((log) => [log.name, linesOf(log.text)] as const))(
    'gives the events of one pass, wherever the cut: %s',
    (_name, lines) => {
      const inputs = inputsOf(lines);
      const whole = assembleReports(inputs, null, STREAM, { final: true });
      for (let cut = 0; cut <= inputs.length; cut++) {
        const split = inTwoBatches(inputs, cut);
        expect(comparable(split.events), `cut before input ${cut}`).toEqual(comparable(whole.events));
        expect(split.drift, `cut before input ${cut}`).toEqual(whole.drift);
      }
    },
  );

  it('gives one kill, wherever the cut, for a kill quoted on the other clock before its report (a property run found it)', () => {
    // One real kill of this machine's kernel: its summary as `dmesg --time-format=iso` printed it, then its whole
    // report as `dmesg -d` did. Whether the first copy may stand for the second was told by the call: a cut
    // between them gave two events.
    const real = new URL('kernel-6.18-cgroupv1-cgroupfs-guaranteed-python3-single-process', REAL_KERNEL)
      .pathname;
    const summary = linesOf(readFileSync(`${real}.dmesg-iso.log`, 'utf8')).filter((l) =>
      l.includes('oom-kill:'),
    );
    // Quoted twice, as the run had it: the second copy closes the first's report, which is sent alone.
    const lines = [
      ...summary,
      ...summary,
      ...linesOf(readFileSync(`${real}.dmesg-time-and-delta.log`, 'utf8')),
    ];
    const inputs = inputsOf(lines);
    const whole = assembleReports(inputs, null, STREAM, { final: true });
    expect(comparable(whole.events)).toHaveLength(1);
    for (let cut = 0; cut <= inputs.length; cut++) {
      const split = inTwoBatches(inputs, cut);
      expect(comparable(split.events), `cut before input ${cut}`).toEqual(comparable(whole.events));
    }
  });

  it('gives the events of one pass for mutated reports too', () => {
    fc.assert(
      fc.property(mutatedReport, fc.nat(), (lines, at) => {
        const inputs = inputsOf(lines);
        const whole = assembleReports(inputs, null, STREAM, { final: true });
        const split = inTwoBatches(inputs, at % (inputs.length + 1));
        expect(comparable(split.events)).toEqual(comparable(whole.events));
        expect(split.drift).toEqual(whole.drift);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the same report fed twice with the carried state', () => {
  it.each(REAL_LOGS.map((log) => [log.name, linesOf(log.text)] as const))(
    'gives its events once: %s',
    (_name, lines) => {
      const inputs = inputsOf(lines);
      const first = assembleReports(inputs, null, STREAM, { final: true });
      const again = assembleReports(inputs, throughJson(first.state), STREAM, { final: true });

      expect(again.events).toEqual([]);
    },
  );
});

// ---------------------------------------------------------------------------------------------------------------
// Hostile process names through every line that prints a comm.

const POD_618 =
  '/docker/5e1b7b2c9d0f4a6e8c3b1d2f0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2910/kubepods/burstable/pod3962896b-ab69-4572-8f1d-ee756f9f3589';
const CONTAINER_618 = 'a2172e8d1101b4393d934a3a3fb902260c945c360ed278bbdef80cb45fbb9419';

interface CommLine {
  id: string;
  /** Which kernel printed it, and where the real line is. */
  source: string;
  line: (comm: string) => string;
  truncated?: boolean;
  expected: (comm: string) => KernelLine;
}

/** Real lines with their comm replaced; the expected reading is the real line's, with the new name. */
const COMM_LINES: readonly CommLine[] = [
  {
    id: 'invoked-6.18',
    source: 'invoked, 6.18 (kernel-logs/kernel-6.18-cgroupv1-memcg.dmesg.log)',
    line: (comm) => `${comm} invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0`,
    expected: (name) => ({ kind: 'invoked', name, gfpMask: '0xcc0(GFP_KERNEL)', order: 0, oomScoreAdj: 0 }),
  },
  {
    id: 'invoked-4.18',
    source: 'invoked, 4.18 (kernel-logs/journalctl-4.18-el8-truncated.log)',
    line: (comm) =>
      `${comm} invoked oom-killer: gfp_mask=0x6000c0(GFP_KERNEL), nodemask=(null), order=0, oom_score_adj=994`,
    expected: (name) => ({
      kind: 'invoked',
      name,
      gfpMask: '0x6000c0(GFP_KERNEL)',
      order: 0,
      oomScoreAdj: 994,
    }),
  },
  {
    id: 'cpu-6.18',
    source: 'cpu, 6.18',
    line: (comm) => `CPU: 0 UID: 0 PID: 2874 Comm: ${comm} Not tainted 6.18.44-fc-v657 #1 PREEMPT(none) `,
    expected: (name) => ({ kind: 'cpu', pid: 2874, name }),
  },
  {
    id: 'cpu-4.18',
    source: 'cpu, 4.18 tainted',
    line: (comm) =>
      `CPU: 2 PID: 1735957 Comm: ${comm} Tainted: G           OE    --------- -  - 4.18.0-193.14.2.el8_2.x86_64 #1`,
    expected: (name) => ({ kind: 'cpu', pid: 1735957, name }),
  },
  {
    id: 'cpuset-4.18',
    source: 'cpuset, 4.18',
    line: (comm) =>
      `${comm} cpuset=docker-052d52a163eb1ced8ddbd9968b31cb1d1ec74a2b389e18984737c3118fdd7a5e.scope mems_allowed=0`,
    expected: (name) => ({
      kind: 'cpuset',
      name,
      cpuset: 'docker-052d52a163eb1ced8ddbd9968b31cb1d1ec74a2b389e18984737c3118fdd7a5e.scope',
      truncated: false,
    }),
  },
  {
    id: 'summary-6.18',
    source: 'summary task=, 6.18',
    line: (comm) =>
      `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${POD_618},task_memcg=${POD_618}/${CONTAINER_618},task=${comm},pid=2874,uid=0`,
    expected: (task) => ({
      kind: 'summary',
      constraint: 'CONSTRAINT_MEMCG',
      cpuset: '/',
      oomMemcg: POD_618,
      globalOom: false,
      taskMemcg: `${POD_618}/${CONTAINER_618}`,
      taskMemcgTruncated: false,
      task,
      pid: 2874,
      uid: 0,
    }),
  },
  {
    id: 'kill-6.18',
    source: 'kill, 6.18',
    line: (comm) =>
      `Memory cgroup out of memory: Killed process 2874 (${comm}) total-vm:75160kB, anon-rss:65152kB, file-rss:6648kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0`,
    expected: (name) => ({
      kind: 'kill',
      message: 'Memory cgroup out of memory',
      pid: 2874,
      name,
      fields: {
        'total-vm': 75160,
        'anon-rss': 65152,
        'file-rss': 6648,
        'shmem-rss': 0,
        UID: 0,
        pgtables: 184,
        oom_score_adj: 0,
      },
    }),
  },
  {
    id: 'kill-uid-comma',
    source: 'kill, `, UID N,` variant (kernel-logs/syslog-uid-comma-variant-storm.log)',
    line: (comm) =>
      `Killed process 799153 (${comm}), UID 1000, total-vm:606096kB, anon-rss:68308kB, file-rss:13648kB, shmem-rss:0kB`,
    expected: (name) => ({
      kind: 'kill',
      message: null,
      pid: 799153,
      name,
      fields: { UID: 1000, 'total-vm': 606096, 'anon-rss': 68308, 'file-rss': 13648, 'shmem-rss': 0 },
    }),
  },
  {
    id: 'kill-cut-4.18',
    source: 'kill, 4.18, cut by the pager (journalctl lines end in `>` where cut)',
    line: (comm) =>
      `Memory cgroup out of memory: Killed process 1735923 (${comm}) total-vm:1704328kB, anon-rss:1017592kB, file-r>`,
    truncated: true,
    expected: (name) => ({
      kind: 'kill',
      message: 'Memory cgroup out of memory',
      pid: 1735923,
      name,
      fields: { 'total-vm': 1704328, 'anon-rss': 1017592 },
    }),
  },
  {
    id: 'sacrifice-4.9',
    source: 'sacrifice, 4.9 (kernel-logs/dmesg-4.9-crio-runc-init-sacrifice.log)',
    line: (comm) => `Memory cgroup out of memory: Kill process 387941 (${comm}) score 398 or sacrifice child`,
    expected: (name) => ({
      kind: 'sacrifice',
      message: 'Memory cgroup out of memory',
      pid: 387941,
      name,
      score: 398,
    }),
  },
  {
    id: 'already-exiting',
    source:
      'already exiting (mm/oom_kill.c __oom_kill_process: "%s: OOM victim %d (%s) is already exiting. …")',
    line: (comm) =>
      `Memory cgroup out of memory: OOM victim 3804877 (${comm}) is already exiting. Skip killing the task`,
    expected: (name) => ({ kind: 'already-exiting', pid: 3804877, name }),
  },
  {
    id: 'reaped-4.18',
    source: 'reaped, 4.18',
    line: (comm) =>
      `oom_reaper: reaped process 1735923 (${comm}), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB`,
    expected: (name) => ({
      kind: 'reaped',
      pid: 1735923,
      name,
      left: 'anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
    }),
  },
];

/** The two task-table layouts with the real row, its name replaced: the name is read by the assembler. */
const TASK_TABLES = [
  {
    id: 'table-6.18',
    source: 'task table, 6.18',
    header:
      '[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name',
    row: (comm: string) =>
      `[   2874]     0  2874    18790    17950    16288     1662         0   188416        0             0 ${comm}`,
    expected: (name: string) => ({ pid: 2874, name, rssKb: 17950 * 4, oomScoreAdj: 0 }),
  },
  {
    id: 'table-4.18',
    source: 'task table, 4.18',
    header: '[ pid ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
    row: (comm: string) =>
      `[1735923]     0 1735923   426082   258638  2158592        0           994 ${comm}`,
    expected: (name: string) => ({ pid: 1735923, name, rssKb: 258638 * 4, oomScoreAdj: 994 }),
  },
];

function readLine(text: string, truncated: boolean): KernelLine | null {
  const result = parseKernelLine(text, truncated);
  return result.kind === 'line' ? result.line : null;
}

function tableRowName(table: (typeof TASK_TABLES)[number], comm: string): unknown {
  const lines = [
    `[ 10.000001] victim invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0`,
    `[ 10.000002] ${table.header}`,
    `[ 10.000003] ${table.row(comm)}`,
    `[ 10.000004] Out of memory: Killed process 1 (victim) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB`,
  ];
  return parseKernelLog(lines.join('\n')).events[0]?.tasks[0];
}

/** The 6.18 report and the 4.18 one, whose victim's name is replaced wherever it is printed. */
const REPORTS = [
  { id: 'report-6.18', victim: 'python3', printed: REPORTS_618.slice(0, 79).join('\n') },
  { id: 'report-4.18', victim: 'systembusin', printed: REPORTS_418.slice(0, 41).join('\n') },
];

function expectSameReportWithComm(report: (typeof REPORTS)[number], comm: string): void {
  const { victim, printed } = report;
  const renamed = [
    [`(${victim})`, `(${comm})`],
    [`task=${victim},`, `task=${comm},`],
    [` ${victim}\n`, ` ${comm}\n`],
    [`Comm: ${victim} `, `Comm: ${comm} `],
    [`] ${victim} invoked `, `] ${comm} invoked `],
    [`: ${victim} cpuset=`, `: ${comm} cpuset=`],
  ].reduce((text, [from, to]) => text.split(from as string).join(to), printed);
  const [before] = parseKernelLog(printed, { node: 'node-a' }).events;
  const after = parseKernelLog(renamed, { node: 'node-a' }).events;
  if (before === undefined) throw new Error(`${report.id} gives no event`);
  expect(after).toHaveLength(1);
  const [event] = after as [OomEvent];
  expect(event.victim).toEqual({ ...before.victim, name: comm });
  // The 6.18 victim invoked the OOM killer itself; the 4.18 one did not (`systembus` did).
  const trigger = before.trigger && {
    ...before.trigger,
    name: before.trigger.name === victim ? comm : before.trigger.name,
  };
  expect(event.trigger).toEqual(trigger);
  expect(event.tasks).toEqual(before.tasks.map((t) => (t.name === victim ? { ...t, name: comm } : t)));
  expect({ pod: event.pod, container: event.container, memory: event.memory, cgroup: event.cgroup }).toEqual({
    pod: before.pod,
    container: before.container,
    memory: before.memory,
    cgroup: before.cgroup,
  });
  expect(event.complete).toBe(before.complete);
}

/** Every place a comm is read: one recognizer on one real line, a task-table row, a whole report. */
const COMM_CHECKS: ReadonlyArray<{ name: string; check: (comm: string) => void }> = [
  ...COMM_LINES.map((l) => ({
    name: `comes back exactly from the ${l.source} line`,
    check: (comm: string) => expect(readLine(l.line(comm), l.truncated ?? false)).toEqual(l.expected(comm)),
  })),
  ...TASK_TABLES.map((t) => ({
    name: `comes back exactly from a ${t.source} row`,
    check: (comm: string) => expect(tableRowName(t, comm)).toEqual(t.expected(comm)),
  })),
  ...REPORTS.map((r) => ({
    name: `leaves the rest of the ${r.id} unchanged`,
    check: (comm: string) => expectSameReportWithComm(r, comm),
  })),
];

/**
 * A comm that starts as printk's caller id (`[ T1308]`, `[C0]`) or an Android vendor's printing context (`[7:x]`,
 * `(0)[1:sh]`) does: right after a printk time the kernel prints those in that very place, a space before them or
 * not (`[65731.222840] [ T1308] oom-kill:…`, a real linux-mm report), so such a start is read as the envelope's.
 * Only a comm that `invoked oom-killer` follows at once is told apart (the kernel prints no envelope before those
 * words). Left out of the generated names: docs/parser.md lists the ambiguity.
 */
const startsAsPrintkContext = (comm: string): boolean =>
  CALLER.pattern.test(comm) || CONTEXT.pattern.test(comm);

/**
 * Printable ASCII, 1–15 characters, drawn often from the separators OOM lines use; not starting or ending in
 * a space (the parser trims each line, so a task-table row loses a name's trailing spaces).
 */
const generatedComm = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom(...' ()[]:,=-/>0123456789'.split('')),
      fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    ),
    minLength: 1,
    maxLength: 15,
  })
  .filter((comm) => comm.trim() === comm && !startsAsPrintkContext(comm));

describe('hostile process names', () => {
  it('are real comms: 1 to 15 bytes', () => {
    for (const { comm } of HOSTILE_NAMES) {
      expect(Buffer.byteLength(comm), comm).toBeGreaterThanOrEqual(1);
      expect(Buffer.byteLength(comm), comm).toBeLessThanOrEqual(15);
    }
  });

  describe.each(HOSTILE_NAMES.map((h) => [h.comm, h.why] as const))('%s (%s)', (comm) => {
    for (const { name, check } of COMM_CHECKS) it(name, () => check(comm));
  });

  it('generated (printable ASCII, 1–15 characters) come back exactly from every line and report', () => {
    fc.assert(
      fc.property(generatedComm, (comm) => {
        for (const { check } of COMM_CHECKS) check(comm);
      }),
      { numRuns: Number(process.env.COMM_RUNS ?? 300) },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// memory.oom.group kills of any size, and names a journald record carries with a newline (issue 10).

const GROUP_CGROUP =
  '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod6b1f7c2e_0d3a_4e5b_9c8d_7a6f5e4d3c2b.slice/cri-containerd-c0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeecafe.scope';

/**
 * A 6.x group kill as the kernel prints it (corpus 37 is a real one): the summary, the victim's kill line, the
 * group line, then each member's, the victim again among them, as Fluent Bit kmsg records a few µs apart.
 */
function groupKillRecords(members: number, comm: (i: number) => string): string[] {
  const kill = (i: number) =>
    `Memory cgroup out of memory: Killed process ${100_000 + i} (${comm(i)}) total-vm:9000kB, anon-rss:${i + 1}kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:999`;
  const texts = [
    `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${GROUP_CGROUP},task_memcg=${GROUP_CGROUP},task=${comm(0)},pid=100000,uid=0`,
    kill(0),
    `Tasks in ${GROUP_CGROUP} are going to be killed due to memory.oom.group set`,
    ...Array.from({ length: members }, (_, i) => kill(i)),
  ];
  return texts.map((msg, i) => JSON.stringify({ priority: 3, sequence: i, sec: 4194, usec: 10 * i, msg }));
}

describe('memory.oom.group kills up to 5,000 members', () => {
  it('are one event: the first killed is the victim, the first 100 others listed in order, all counted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), (members) => {
        const { events, drift } = parseKernelLog(groupKillRecords(members, () => 'php-fpm').join('\n'));
        expect(drift).toEqual([]);
        expect(events).toHaveLength(1);
        const [event] = events as [OomEvent];
        expectContractShape(events);
        expect(event.victim.pid).toBe(100_000);
        expect(event.coVictimCount).toBe(members - 1);
        expect(event.coVictims.map((c) => c.pid)).toEqual(
          Array.from({ length: Math.min(100, members - 1) }, (_, i) => 100_001 + i),
        );
      }),
      { numRuns: 25 },
    );
  });

  it('cut into two batches anywhere, are one kill: sent again, same id, when the second batch adds members', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.nat(), (members, at) => {
        const inputs = inputsOf(groupKillRecords(members, () => 'celery'));
        const whole = assembleReports(inputs, null, STREAM, { final: true }).events;
        const split = inTwoBatches(inputs, at % (inputs.length + 1));
        expect(new Set(split.events.map((e) => e.id))).toEqual(new Set(whole.map((e) => e.id)));
        expect(split.events.length).toBeLessThanOrEqual(2);
        expect(withoutSource(split.events.slice(-1))).toEqual(withoutSource(whole));
      }),
      { numRuns: 25 },
    );
  });
});

/** Printable ASCII and newlines, 1–15 characters, not starting or ending in whitespace, at least one newline. */
const commWithNewline = fc
  .string({
    unit: fc.oneof(
      fc.constant('\n'),
      fc.constantFrom(...' ()[]:,=-/>'.split('')),
      fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    ),
    minLength: 1,
    maxLength: 15,
  })
  .filter((comm) => comm.includes('\n') && comm.trim() === comm);

describe('a name that holds a newline, read through journald', () => {
  /** The 6.18 report as journald records: journald turns the kernel's `\x0a` in a comm back into a newline. */
  function journaldReport(comm: string): string {
    return joinWrappedLines(REPORTS_618.slice(0, 79))
      .map(({ entry }) =>
        JSON.stringify({
          // A function, not a string: `$` in a replacement string is a pattern (`$$`, `$&`).
          MESSAGE: entry.text
            .replace('python3 invoked', () => `${comm} invoked`)
            .replace('Comm: python3 ', () => `Comm: ${comm} `)
            .replace('(python3)', () => `(${comm})`)
            .replace('task=python3,', () => `task=${comm},`)
            .replace(/ python3$/, () => ` ${comm}`),
          _TRANSPORT: 'kernel',
          _SOURCE_MONOTONIC_TIMESTAMP: String(Math.round((entry.kernelTime ?? 0) * 1e6)),
        }),
      )
      .join('\n');
  }

  it('comes back whole from every line that prints it, and the report reads as with its own name', () => {
    const [before] = parseKernelLog(journaldReport('python3')).events;
    fc.assert(
      fc.property(commWithNewline, (comm) => {
        const { events, drift } = parseKernelLog(journaldReport(comm));
        expect(drift).toEqual([]);
        expect(events).toHaveLength(1);
        const [event] = events as [OomEvent];
        expect(event.victim).toEqual({ ...before?.victim, name: comm });
        expect(event.trigger?.name).toBe(comm);
        expect(event.tasks[0]?.name).toBe(comm);
        expect(event.pod).toEqual(before?.pod);
      }),
      { numRuns: 200 },
    );
  });
});
