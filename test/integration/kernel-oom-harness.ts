/**
 * Makes the real kernel kill a process in a pod-shaped memory cgroup and hands back what the kernel printed.
 *
 * Every cgroup is created below the test's own memory cgroup, inside one run directory with a random name,
 * so nothing outside the test can be charged or killed, and concurrent runs do not share a directory.
 * Everything it starts is bounded in time and everything it creates is removed, also on failure.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import { release } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export type CgroupVersion = 'v1' | 'v2';
export type PodLayout = 'cgroupfs-burstable' | 'cgroupfs-guaranteed' | 'systemd-burstable';
export type VictimShape = 'single-process' | 'child-killed-parent-survives';
export type VictimProgram = 'tail' | 'python3';

export interface OomScenario {
  layout: PodLayout;
  shape: VictimShape;
  program: VictimProgram;
  podLimitBytes: number;
  /** A container limit below the pod limit makes the container the cgroup whose limit is hit. */
  containerLimitBytes: number | null;
}

/** A memory cgroup hierarchy we may create cgroups in, rooted at the test's own cgroup. */
export interface CgroupHost {
  version: CgroupVersion;
  /** Where the hierarchy is mounted, e.g. /sys/fs/cgroup/memory. */
  mountPoint: string;
  /** Our own cgroup as the kernel prints it (relative to the hierarchy root), e.g. /process_api/8254…. */
  ownPath: string;
}

export type HostProbe = { host: CgroupHost } | { skip: string };

export interface OomRun {
  kernelRelease: string;
  podUid: string;
  qos: 'burstable' | 'guaranteed';
  containerId: string;
  /**
   * Paths as `oom_memcg=` / `task_memcg=` print them, seen from our cgroup namespace: inside a cgroup namespace
   * the kernel prints a longer path that ends with these.
   */
  podCgroup: string;
  containerCgroup: string;
  /** The process the kernel should kill. */
  victimPid: number;
  /** The parent that should survive, in the child-killed-parent-survives shape. */
  parentPid: number | null;
  parentExitCode: number | null;
  /** What the surviving parent said about its child (`child-exit 137` after SIGKILL). */
  parentReport: string;
  /**
   * The kernel prints the report header (with the `oom-kill:` cgroup line) for at most 10 reports in 5 s, and
   * the `Killed process` line always. When more kills ran on this machine just before, only the kill line is left.
   */
  reportHeaderRateLimited: boolean;
  /** `dmesg` output after our marker line. */
  dmesgText: string;
  /**
   * The same records in dmesg's other formats (DMESG_FORMATS), each after our marker; a format this machine's
   * dmesg does not know is left out.
   */
  dmesgFormats: Partial<Record<DmesgFormat, string>>;
  /** Raw /dev/kmsg records after our marker record. */
  kmsgText: string;
}

/**
 * util-linux dmesg's other ways to print the log (dmesg(1)), which people paste as often as the plain one: the
 * wall clock, ISO times, the time between records, the minute and the time between, no time, the facility and
 * level, JSON.
 */
export const DMESG_FORMATS = {
  ctime: ['-T'],
  iso: ['--time-format=iso'],
  delta: ['--time-format=delta'],
  'time-and-delta': ['-d'],
  reltime: ['--time-format=reltime'],
  notime: ['--time-format=notime'],
  decode: ['-x'],
  json: ['--json'],
} as const satisfies Record<string, readonly string[]>;
export type DmesgFormat = keyof typeof DMESG_FORMATS;

const VICTIM_TIME_LIMIT_MS = 15_000;
const LEFTOVER_DRAIN_LIMIT_MS = 5_000;
/** Python fills each chunk so the pages are really touched (bytes(n) would map untouched zero pages). */
const PYTHON_ALLOCATOR = 'a = []\nwhile True:\n    a.append(b"x" * (1 << 20))\n';

/** Directory names from the kubepods root down to the container, as kubelet and containerd name them. */
export function podCgroupDirs(layout: PodLayout, podUid: string, containerId: string): string[] {
  switch (layout) {
    case 'cgroupfs-burstable':
      return ['kubepods', 'burstable', `pod${podUid}`, containerId];
    case 'cgroupfs-guaranteed':
      return ['kubepods', `pod${podUid}`, containerId];
    case 'systemd-burstable':
      return [
        'kubepods.slice',
        'kubepods-burstable.slice',
        `kubepods-burstable-pod${podUid.replaceAll('-', '_')}.slice`,
        `cri-containerd-${containerId}.scope`,
      ];
  }
}

export function qosOfLayout(layout: PodLayout): 'burstable' | 'guaranteed' {
  return layout === 'cgroupfs-guaranteed' ? 'guaranteed' : 'burstable';
}

/** Our cgroup in the given hierarchy, from /proc/self/cgroup text (`4:memory:/a/b` for v1, `0::/a/b` for v2). */
export function ownCgroupPath(procSelfCgroup: string, version: CgroupVersion): string | null {
  for (const line of procSelfCgroup.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const hierarchyId = line.slice(0, first);
    const controllers = line.slice(first + 1, second);
    const matches =
      version === 'v2'
        ? hierarchyId === '0' && controllers === ''
        : controllers.split(',').includes('memory');
    if (matches) return line.slice(second + 1);
  }
  return null;
}

/** Mount point of the v1 memory hierarchy or of cgroup2, from /proc/self/mountinfo text. */
export function cgroupMountPoint(mountinfo: string, version: CgroupVersion): string | null {
  for (const line of mountinfo.split('\n')) {
    const separator = line.indexOf(' - ');
    if (separator < 0) continue;
    const [fsType, , superOptions = ''] = line.slice(separator + 3).split(' ');
    const mountPoint = line.split(' ')[4];
    if (mountPoint === undefined) continue;
    if (version === 'v2' && fsType === 'cgroup2') return mountPoint;
    if (version === 'v1' && fsType === 'cgroup' && superOptions.split(',').includes('memory'))
      return mountPoint;
  }
  return null;
}

/** The text after the line that holds the marker, or null when the marker is not there. */
export function textAfterMarker(text: string, marker: string): string | null {
  const lines = text.split('\n');
  const at = lines.findIndex((line) => line.includes(marker));
  return at < 0 ? null : lines.slice(at + 1).join('\n');
}

/** Whether the `oom-kill:` line naming this victim is in the text (6.x: `…,task=tail,pid=5741,uid=0`). */
export function cgroupLineSeen(text: string, victimPid: number): boolean {
  return text.split('\n').some((line) => line.includes('oom-kill:') && line.includes(`,pid=${victimPid},`));
}

/** Finds out whether this machine lets us create memory cgroups and read the kernel log; says why not if not. */
export async function probeCgroupHost(version: CgroupVersion): Promise<HostProbe> {
  if (process.getuid?.() !== 0) return { skip: 'not root: creating memory cgroups needs root' };
  const mountPoint = cgroupMountPoint(readTextOrEmpty('/proc/self/mountinfo'), version);
  const ownPath = ownCgroupPath(readTextOrEmpty('/proc/self/cgroup'), version);
  if (mountPoint === null || ownPath === null) {
    return { skip: `no cgroup ${version} memory hierarchy mounted, or we are not in one` };
  }
  const ownDir = path.join(mountPoint, ownPath);
  if (version === 'v2') {
    const v2Problem = v2MemoryProblem(ownDir);
    if (v2Problem !== null) return { skip: v2Problem };
  } else if (!fs.existsSync(path.join(ownDir, 'memory.limit_in_bytes'))) {
    return { skip: `no memory controller files in ${ownDir}` };
  }
  const probeDir = path.join(ownDir, `probe-${randomBytes(4).toString('hex')}`);
  try {
    fs.mkdirSync(probeDir);
    fs.rmdirSync(probeDir);
  } catch (error) {
    return { skip: `cannot create a cgroup under our own (${ownDir}): ${String(error)}` };
  }
  const logProblem = await kernelLogReadProblem();
  if (logProblem !== null) return { skip: logProblem };
  return { host: { version, mountPoint, ownPath } };
}

/**
 * cgroup v2 only gives children a memory controller when our cgroup lists it in cgroup.subtree_control. We do not
 * try to set it: the kernel refuses that while our cgroup holds processes (the no-internal-process rule), and it
 * holds us.
 */
function v2MemoryProblem(ownDir: string): string | null {
  const available = readWords(path.join(ownDir, 'cgroup.controllers'));
  if (!available.includes('memory')) {
    return `cgroup v2 memory controller not available in ${ownDir} (cgroup.controllers: "${available.join(' ')}"; it is bound to the v1 hierarchy on this machine)`;
  }
  const delegated = readWords(path.join(ownDir, 'cgroup.subtree_control'));
  if (!delegated.includes('memory')) {
    return `cgroup v2 memory controller not enabled for children of ${ownDir} (cgroup.subtree_control: "${delegated.join(' ')}"), and our cgroup holds processes so it cannot be enabled`;
  }
  return null;
}

function readWords(file: string): string[] {
  return readTextOrEmpty(file).split(/\s+/).filter(Boolean);
}

/** Missing /proc or cgroup files (not Linux, no such controller) just mean "not here". */
function readTextOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function kernelLogReadProblem(): Promise<string | null> {
  try {
    fs.closeSync(fs.openSync('/dev/kmsg', fs.constants.O_RDWR | fs.constants.O_NONBLOCK));
  } catch (error) {
    return `cannot open /dev/kmsg for reading and writing: ${String(error)}`;
  }
  try {
    await execFileAsync('dmesg', [], { maxBuffer: 64 * 1024 * 1024 });
    return null;
  } catch (error) {
    return `cannot read the kernel log with dmesg: ${String(error)}`;
  }
}

export function pythonAvailable(): boolean {
  return spawnSync('python3', ['-c', 'pass'], { stdio: 'ignore' }).status === 0;
}

/** Runs one scenario end to end; the cgroups it made are gone when the promise settles. */
export async function runOomScenario(host: CgroupHost, scenario: OomScenario): Promise<OomRun> {
  const podUid = randomUUID();
  const containerId = randomBytes(32).toString('hex');
  const runDir = `kernel-test-${randomBytes(4).toString('hex')}`;
  const relativeDirs = [runDir, ...podCgroupDirs(scenario.layout, podUid, containerId)];
  const created: string[] = [];
  try {
    for (let depth = 1; depth <= relativeDirs.length; depth++) {
      const dir = path.join(host.mountPoint, host.ownPath, ...relativeDirs.slice(0, depth));
      fs.mkdirSync(dir);
      created.push(dir);
      if (host.version === 'v2' && depth < relativeDirs.length) {
        fs.writeFileSync(path.join(dir, 'cgroup.subtree_control'), '+memory');
      }
    }
    const containerDir = created.at(-1) as string;
    const podDir = created.at(-2) as string;
    disableSwap(host, podDir);
    setMemoryLimit(host, podDir, scenario.podLimitBytes);
    if (scenario.containerLimitBytes !== null)
      setMemoryLimit(host, containerDir, scenario.containerLimitBytes);

    const marker = `real-kernel-test-marker ${randomUUID()}`;
    writeKernelLogLine(marker);
    const outcome = await runVictim(scenario, containerDir);
    const dmesgText = textAfterMarker(await readDmesg(), marker);
    const kmsgText = textAfterMarker(readKmsgRecords(), marker);
    if (dmesgText === null || kmsgText === null)
      throw new Error(`marker ${marker} not found in the kernel log`);
    const dmesgFormats = await readDmesgFormats(marker);
    const kernelPath = (dir: string) => path.posix.join('/', path.relative(host.mountPoint, dir));
    return {
      kernelRelease: release(),
      podUid,
      qos: qosOfLayout(scenario.layout),
      containerId,
      podCgroup: kernelPath(podDir),
      containerCgroup: kernelPath(containerDir),
      ...outcome,
      reportHeaderRateLimited: !cgroupLineSeen(dmesgText, outcome.victimPid),
      dmesgText,
      dmesgFormats,
      kmsgText,
    };
  } finally {
    await removeCgroups(created);
  }
}

/** Reads the limit back: an allocator in a cgroup whose limit did not take would eat the machine. */
function setMemoryLimit(host: CgroupHost, dir: string, bytes: number): void {
  const file = path.join(dir, host.version === 'v1' ? 'memory.limit_in_bytes' : 'memory.max');
  fs.writeFileSync(file, String(bytes));
  const applied = fs.readFileSync(file, 'utf8').trim();
  if (applied !== String(bytes)) throw new Error(`${file} reads ${applied} after writing ${bytes}`);
}

/** Without swap the victim hits the limit at once instead of paging out (CI machines may have swap). */
function disableSwap(host: CgroupHost, podDir: string): void {
  const file = path.join(podDir, host.version === 'v1' ? 'memory.swappiness' : 'memory.swap.max');
  if (fs.existsSync(file)) fs.writeFileSync(file, '0');
}

interface VictimOutcome {
  victimPid: number;
  parentPid: number | null;
  parentExitCode: number | null;
  parentReport: string;
}

function victimArgv(program: VictimProgram): string[] {
  return program === 'tail' ? ['tail', '/dev/zero'] : ['python3', '-c', PYTHON_ALLOCATOR];
}

/**
 * The shell moves itself into the container cgroup before it starts the allocator, so everything the allocator
 * touches is charged there. `$0` is the cgroup.procs file and `$@` the allocator's argv. The background child
 * gets no pipes of ours, so the parent's exit alone ends our wait.
 */
/** The surviving parent's comm. */
export const PARENT_COMM = 'sh';
const SINGLE_PROCESS_SCRIPT = 'echo $$ > "$0" && exec "$@"';
const PARENT_SURVIVES_SCRIPT =
  'echo $$ > "$0" || exit 97; "$@" </dev/null >/dev/null 2>&1 & child=$!; ' +
  'echo "child-pid $child"; wait "$child"; echo "child-exit $?"';

async function runVictim(scenario: OomScenario, containerDir: string): Promise<VictimOutcome> {
  const single = scenario.shape === 'single-process';
  const script = single ? SINGLE_PROCESS_SCRIPT : PARENT_SURVIVES_SCRIPT;
  const procsFile = path.join(containerDir, 'cgroup.procs');
  const child = spawn(PARENT_COMM, ['-c', script, procsFile, ...victimArgv(scenario.program)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  let timedOut = false;
  // If the limit did not stop the allocator, stop everything in the container ourselves.
  const bound = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
    killMembers(containerDir);
  }, VICTIM_TIME_LIMIT_MS);
  try {
    const [exitCode, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    const pid = child.pid;
    if (timedOut) throw new Error(`the kernel killed nothing within ${VICTIM_TIME_LIMIT_MS} ms: ${output}`);
    if (pid === undefined) throw new Error(`could not start the victim: ${output}`);
    if (single) {
      if (signal !== 'SIGKILL')
        throw new Error(`victim ended with ${exitCode ?? signal}, not SIGKILL: ${output}`);
      return { victimPid: pid, parentPid: null, parentExitCode: null, parentReport: output.trim() };
    }
    const childPid = /child-pid (\d+)/.exec(output)?.[1];
    if (childPid === undefined) {
      throw new Error(`parent did not report its child (exit ${exitCode ?? signal}): ${output}`);
    }
    return {
      victimPid: Number(childPid),
      parentPid: pid,
      parentExitCode: exitCode,
      parentReport: output.trim(),
    };
  } finally {
    clearTimeout(bound);
  }
}

function writeKernelLogLine(text: string): void {
  fs.writeFileSync('/dev/kmsg', `${text}\n`);
}

async function readDmesg(args: readonly string[] = []): Promise<string> {
  const { stdout } = await execFileAsync('dmesg', args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Each of DMESG_FORMATS after the marker, but those this dmesg refuses (an older util-linux). */
async function readDmesgFormats(marker: string): Promise<Partial<Record<DmesgFormat, string>>> {
  const formats: Partial<Record<DmesgFormat, string>> = {};
  for (const [format, args] of Object.entries(DMESG_FORMATS) as [DmesgFormat, readonly string[]][]) {
    const text = await readDmesg(args).then(
      (out) => textAfterMarker(out, marker),
      () => null,
    );
    if (text !== null) formats[format] = text;
  }
  return formats;
}

/**
 * Every record still in the ring buffer, in the raw `priority,seq,usec,flags;message` form with its
 * ` KEY=value` continuation lines. One read() returns one record; EAGAIN means we reached the end.
 */
export function readKmsgRecords(): string {
  const fd = fs.openSync('/dev/kmsg', fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const buffer = Buffer.alloc(16 * 1024);
  let text = '';
  try {
    for (;;) {
      try {
        const length = fs.readSync(fd, buffer, 0, buffer.length, null);
        text += buffer.toString('utf8', 0, length);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') return text;
        // The ring buffer overwrote records we had not read yet; the next read continues after them.
        if (code !== 'EPIPE') throw error;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Kills whatever is left in our cgroups, waits until they are empty, then removes them deepest first. */
async function removeCgroups(created: string[]): Promise<void> {
  const deepestFirst = [...created].reverse();
  for (const dir of deepestFirst) killMembers(dir);
  const deadline = Date.now() + LEFTOVER_DRAIN_LIMIT_MS;
  while (deepestFirst.some((dir) => memberPids(dir).length > 0) && Date.now() < deadline) {
    await delay(20);
  }
  const failures: string[] = [];
  for (const dir of deepestFirst) {
    try {
      fs.rmdirSync(dir);
    } catch (error) {
      failures.push(`${dir}: ${String(error)}`);
    }
  }
  if (failures.length > 0) throw new Error(`could not remove test cgroups:\n${failures.join('\n')}`);
}

function memberPids(dir: string): number[] {
  return readWords(path.join(dir, 'cgroup.procs')).map(Number);
}

function killMembers(dir: string): void {
  for (const pid of memberPids(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** What a correct parser must report for a run: the figures we set and the ids we chose. */
export interface ExpectedKill {
  victimPid: number;
  victimName: VictimProgram;
  parentPid: number | null;
  podUid: string;
  qos: 'burstable' | 'guaranteed';
  containerId: string;
  containerRuntime: 'containerd' | null;
  limitKb: number;
  limitScope: 'pod' | 'container';
  oomCgroup: string;
  taskCgroup: string;
}

export function expectedKill(scenario: OomScenario, run: OomRun): ExpectedKill {
  const containerLimited = scenario.containerLimitBytes !== null;
  return {
    victimPid: run.victimPid,
    victimName: scenario.program,
    parentPid: run.parentPid,
    podUid: run.podUid,
    qos: run.qos,
    containerId: run.containerId,
    // Only the systemd scope name says which runtime made the container; a bare cgroupfs id does not.
    containerRuntime: scenario.layout === 'systemd-burstable' ? 'containerd' : null,
    limitKb: (scenario.containerLimitBytes ?? scenario.podLimitBytes) / 1024,
    limitScope: containerLimited ? 'container' : 'pod',
    oomCgroup: containerLimited ? run.containerCgroup : run.podCgroup,
    taskCgroup: run.containerCgroup,
  };
}

export function captureBaseName(
  version: CgroupVersion,
  scenario: OomScenario,
  kernelRelease: string,
): string {
  const kernel = kernelRelease.split('.').slice(0, 2).join('.');
  return `kernel-${kernel}-cgroup${version}-${scenario.layout}-${scenario.program}-${scenario.shape}`;
}

/**
 * Stores a run as parser fixtures: the dmesg text (and, if asked, the raw kmsg records), each under one header
 * line saying how it was made, plus the expected kill as JSON. The header avoids words a parser might take for
 * report text.
 */
export function writeCaptureFixtures(
  dir: string,
  version: CgroupVersion,
  scenario: OomScenario,
  run: OomRun,
  withRawKmsg: boolean,
): string[] {
  if (run.reportHeaderRateLimited) {
    throw new Error('the kernel rate-limited the report header of this run; capture again after 5 s');
  }
  const base = path.join(dir, captureBaseName(version, scenario, run.kernelRelease));
  const layout = podCgroupDirs(scenario.layout, '<uid>', '<id>').join('/');
  const limits =
    `pod limit ${scenario.podLimitBytes / 1024} kB, ` +
    (scenario.containerLimitBytes === null
      ? 'no container limit'
      : `container limit ${scenario.containerLimitBytes / 1024} kB`);
  const how =
    `Linux ${run.kernelRelease}, ${new Date().toISOString().slice(0, 10)}, cgroup ${version} memory hierarchy, ` +
    `layout ${scenario.layout} (${layout}) below the test's own cgroup, ${limits}, ` +
    `victim ${scenario.program} (${scenario.shape}). ` +
    'Written by the real-kernel integration test with CAPTURE_REAL_KERNEL_FIXTURES=1.';
  fs.mkdirSync(dir, { recursive: true });
  const written = [`${base}.dmesg.log`, `${base}.expected.json`];
  fs.writeFileSync(
    `${base}.dmesg.log`,
    `# Real capture, dmesg text after a marker line: ${how}\n${run.dmesgText}`,
  );
  fs.writeFileSync(`${base}.expected.json`, `${JSON.stringify(expectedKill(scenario, run), null, 2)}\n`);
  for (const [format, text] of Object.entries(run.dmesgFormats)) {
    const args = DMESG_FORMATS[format as DmesgFormat].join(' ');
    fs.writeFileSync(
      `${base}.dmesg-${format}.log`,
      `# Real capture, \`dmesg ${args}\` after a marker line: ${how}\n${text}`,
    );
    written.push(`${base}.dmesg-${format}.log`);
  }
  if (withRawKmsg) {
    const continuations = run.kmsgText.split('\n').filter((line) => line.startsWith(' ')).length;
    fs.writeFileSync(
      `${base}.kmsg.log`,
      `# Real capture, raw /dev/kmsg records after a marker record (${continuations} continuation lines): ${how}\n${run.kmsgText}`,
    );
    written.push(`${base}.kmsg.log`);
  }
  return written;
}

/**
 * The report records carry no ` KEY=value` continuation lines, but device records do (`SUBSYSTEM=`, `DEVICE=`).
 * Keeps a few real ones so the raw kmsg form is covered with its continuation lines as the kernel wrote them.
 */
export function writeKmsgContinuationFixture(dir: string, kmsgText: string, kernelRelease: string): string {
  const records = kmsgText.split(/\n(?! )/);
  const withContinuations = records.filter((record) => record.includes('\n ')).slice(0, 6);
  const kernel = kernelRelease.split('.').slice(0, 2).join('.');
  const file = path.join(dir, `kernel-${kernel}-device-records-with-continuations.kmsg.log`);
  const header =
    `# Real capture, the first ${withContinuations.length} raw /dev/kmsg records that have continuation lines ` +
    `(boot-time device messages): Linux ${kernelRelease}, ${new Date().toISOString().slice(0, 10)}. ` +
    'Written by the real-kernel integration test with CAPTURE_REAL_KERNEL_FIXTURES=1.';
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, `${header}\n${withContinuations.join('\n')}\n`);
  return file;
}
