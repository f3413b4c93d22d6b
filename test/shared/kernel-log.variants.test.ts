/**
 * Generalisation of the issue 10 classes: OOM reports built from the kernel's own printk format strings
 * (mm/oom_kill.c dump_header/dump_tasks/oom_kill_process/__oom_kill_process/oom_reaper, mm/memcontrol.c
 * mem_cgroup_print_oom_info/_context/_meminfo, lib/dump_stack.c) of each kernel line, not edited corpus lines,
 * then carried in each envelope and paste people use. Each row names the format's source and kernel version
 * and lists the contract fields its text determines (toMatchObject), and the number of events.
 */
import { describe, expect, it } from 'vitest';
import { parseKernelLog } from '../../shared/kernel-log.ts';
import { HOSTILE_NAMES } from '../fixtures/hostile-names.ts';

type Version = '3.10' | '4.4' | '4.9' | '4.14' | '4.19' | '5.4' | '5.10' | '5.15' | '6.1' | '6.6' | '6.8';
const PRE_419: readonly Version[] = ['3.10', '4.4', '4.9', '4.14'];

interface Layout {
  name: string;
  /** The victim's memory cgroup and the cgroup whose limit was hit. */
  task: string;
  oom: string;
  expect: Record<string, unknown>;
}

const UID = '4f6c1d2e-8a9b-4c3d-9e8f-0a1b2c3d4e5f';
const UID_ = UID.replaceAll('-', '_');
const CID = 'a3c9e1f0b2d4c6e8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3';

const container = (runtime: string | null, id = CID) => ({ container: { id, runtime } });

const LAYOUTS: readonly Layout[] = [
  {
    name: 'kubepods cgroupfs burstable, container limit',
    task: `/kubepods/burstable/pod${UID}/${CID}`,
    oom: `/kubepods/burstable/pod${UID}/${CID}`,
    expect: { limitScope: 'container', pod: { uid: UID, qos: 'burstable' }, ...container(null) },
  },
  {
    name: 'kubepods cgroupfs guaranteed, pod limit',
    task: `/kubepods/pod${UID}/${CID}`,
    oom: `/kubepods/pod${UID}`,
    expect: { limitScope: 'pod', pod: { uid: UID, qos: 'guaranteed' }, ...container(null) },
  },
  {
    name: 'kubepods systemd containerd burstable',
    task: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/cri-containerd-${CID}.scope`,
    oom: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/cri-containerd-${CID}.scope`,
    expect: { limitScope: 'container', pod: { uid: UID, qos: 'burstable' }, ...container('containerd') },
  },
  {
    name: 'kubepods systemd cri-o besteffort, kubepods limit',
    task: `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID_}.slice/crio-${CID}.scope`,
    oom: `/kubepods.slice`,
    expect: { limitScope: 'kubepods', pod: { uid: UID, qos: 'besteffort' }, ...container('crio') },
  },
  {
    name: 'kubepods systemd dockershim guaranteed',
    task: `/kubepods.slice/kubepods-pod${UID_}.slice/docker-${CID}.scope`,
    oom: `/kubepods.slice/kubepods-pod${UID_}.slice/docker-${CID}.scope`,
    expect: { limitScope: 'container', pod: { uid: UID, qos: 'guaranteed' }, ...container('docker') },
  },
  {
    name: 'kubepods cgroupfs cri-o burstable, qos limit',
    task: `/kubepods/burstable/pod${UID}/crio-${CID}`,
    oom: `/kubepods/burstable`,
    expect: { limitScope: 'qos', pod: { uid: UID, qos: 'burstable' }, ...container('crio') },
  },
  {
    name: 'docker v1 cgroupfs',
    task: `/docker/${CID}`,
    oom: `/docker/${CID}`,
    expect: { limitScope: 'container', pod: null, ...container('docker') },
  },
  {
    name: 'docker systemd scope (v1 and v2)',
    task: `/system.slice/docker-${CID}.scope`,
    oom: `/system.slice/docker-${CID}.scope`,
    expect: { limitScope: 'container', pod: null, ...container('docker') },
  },
  {
    name: 'podman rootful libpod scope',
    task: `/machine.slice/libpod-${CID}.scope`,
    oom: `/machine.slice/libpod-${CID}.scope`,
    expect: { limitScope: 'container', pod: null, ...container(null) },
  },
  {
    name: 'podman cgroupfs libpod_parent',
    task: `/libpod_parent/libpod-${CID}`,
    oom: `/libpod_parent/libpod-${CID}`,
    expect: { limitScope: 'container', pod: null, ...container(null) },
  },
  {
    name: 'podman rootless libpod scope with /container',
    task: `/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${CID}.scope/container`,
    oom: `/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${CID}.scope`,
    expect: { limitScope: 'container', pod: null, ...container(null) },
  },
];

interface Proc {
  pid: number;
  comm: string;
  uid: number;
}

interface Report {
  version: Version;
  /** Null: a global OOM. */
  layout: Layout | null;
  trigger: Proc;
  victim: Proc;
  /** memory.oom.group members after the victim (pid, comm). */
  group?: readonly Proc[];
}

const VM = { totalVm: 1048576, anon: 512000, file: 1204, shmem: 8, pgtables: 1100, adj: 985 };
const MEM = { usage: 524288, limit: 524288, failcnt: 4242 };
const UNLIMITED = 9007199254740988;

function gfp(v: Version): string {
  if (v === '3.10') return 'gfp_mask=0xd0, order=0, oom_score_adj=0';
  if (v === '4.4' || v === '4.9') return 'gfp_mask=0x24000c0(GFP_KERNEL), order=0, oom_score_adj=0';
  if (v === '4.14' || v === '4.19' || v === '5.4')
    return 'gfp_mask=0x14000c0(GFP_KERNEL), nodemask=(null), order=0, oom_score_adj=0';
  return 'gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0';
}

function cpuLine(v: Version, p: Proc): string {
  const uname = { '3.10': '3.10.0-1160.el7.x86_64 #1', '6.6': '6.6.44-amzn2023 #1' }[v as string];
  return `CPU: 1 PID: ${p.pid} Comm: ${p.comm} Not tainted ${uname ?? `${v}.0-1 #1`}`;
}

function tableHeader(v: Version): string[] {
  if (v === '3.10') return ['[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name'];
  if (v === '4.4' || v === '4.9' || v === '4.14')
    return ['[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name'];
  const cols =
    v === '6.8'
      ? 'total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name'
      : 'total_vm      rss pgtables_bytes swapents oom_score_adj name';
  return ['Tasks state (memory values in pages):', `[  pid  ]   uid  tgid ${cols}`];
}

const pad = (n: number | string, w: number) => String(n).padStart(w);

function tableRow(v: Version, p: Proc): string {
  const pages = VM.anon / 4;
  if (v === '3.10')
    return `[${pad(p.pid, 5)}] ${pad(p.uid, 5)} ${pad(p.pid, 5)} ${pad(262144, 8)} ${pad(pages, 8)} ${pad(250, 7)} ${pad(0, 8)}         ${pad(VM.adj, 5)} ${p.comm}`;
  if (PRE_419.includes(v))
    return `[${pad(p.pid, 5)}] ${pad(p.uid, 5)} ${pad(p.pid, 5)} ${pad(262144, 8)} ${pad(pages, 8)} ${pad(250, 7)} ${pad(3, 7)} ${pad(0, 8)}         ${pad(VM.adj, 5)} ${p.comm}`;
  const split = v === '6.8' ? ` ${pad(pages, 8)} ${pad(0, 8)} ${pad(0, 8)}` : '';
  return `[${pad(p.pid, 7)}] ${pad(p.uid, 5)} ${pad(p.pid, 5)} ${pad(262144, 8)} ${pad(pages, 8)}${split} ${pad(1126400, 8)} ${pad(0, 8)}         ${pad(VM.adj, 5)} ${p.comm}`;
}

/** `Killed process` as __oom_kill_process prints it in version v. */
function killLine(v: Version, p: Proc, message: string | null): string {
  const base = `Killed process ${p.pid} (${p.comm}) total-vm:${VM.totalVm}kB, anon-rss:${VM.anon}kB, file-rss:${VM.file}kB`;
  if (v === '3.10' || v === '4.4') return base;
  if (PRE_419.includes(v) || v === '4.19') return `${base}, shmem-rss:${VM.shmem}kB`;
  return `${message}: ${base}, shmem-rss:${VM.shmem}kB, UID:${p.uid} pgtables:${VM.pgtables}kB oom_score_adj:${VM.adj}`;
}

function summaryLine(r: Report): string {
  const memcg = r.layout === null ? 'global_oom' : `oom_memcg=${r.layout.oom}`;
  const constraint = r.layout === null ? 'CONSTRAINT_NONE' : 'CONSTRAINT_MEMCG';
  const task = r.layout === null ? '/user.slice/user-1000.slice/session-3.scope' : r.layout.task;
  return `oom-kill:constraint=${constraint},nodemask=(null),cpuset=/,mems_allowed=0,${memcg},task_memcg=${task},task=${r.victim.comm},pid=${r.victim.pid},uid=${r.victim.uid}`;
}

function memcgLines(r: Report, layout: Layout): string[] {
  const v = r.version;
  const out: string[] = [];
  if (PRE_419.includes(v)) out.push(`Task in ${layout.task} killed as a result of limit of ${layout.oom}`);
  out.push(`memory: usage ${MEM.usage}kB, limit ${MEM.limit}kB, failcnt ${MEM.failcnt}`);
  const v2 = v === '5.15' || v === '6.1' || v === '6.6' || v === '6.8';
  if (v2) out.push(`swap: usage 0kB, limit ${UNLIMITED}kB, failcnt 0`);
  else {
    out.push(`memory+swap: usage ${MEM.usage + 1024}kB, limit ${MEM.limit * 2}kB, failcnt 0`);
    out.push(`kmem: usage 10240kB, limit ${UNLIMITED}kB, failcnt 0`);
  }
  if (v2) out.push(`Memory cgroup stats for ${layout.oom}:`, 'anon 524288000', 'file 1232896');
  else out.push(`Memory cgroup stats for ${layout.oom}: cache:1204KB rss:512000KB rss_huge:0KB`);
  return out;
}

/** A whole report, in the order dump_header and oom_kill_process print it in version v. */
function report(r: Report): string[] {
  const v = r.version;
  const message = r.layout === null ? 'Out of memory' : 'Memory cgroup out of memory';
  const lines = [`${r.trigger.comm} invoked oom-killer: ${gfp(v)}`];
  if (PRE_419.includes(v)) lines.push(`${r.trigger.comm} cpuset=/ mems_allowed=0`);
  lines.push(
    cpuLine(v, r.trigger),
    'Hardware name: Amazon EC2 m5.large/, BIOS 1.0 10/16/2017',
    'Call Trace:',
  );
  lines.push(' dump_stack+0x5c/0x80', ' dump_header+0x4a/0x1e0');
  if (r.layout !== null) lines.push(...memcgLines(r, r.layout));
  else lines.push('Mem-Info:', 'active_anon:1969845 inactive_anon:2062 isolated_anon:0');
  const members = [r.victim, ...(r.group ?? [])];
  lines.push(...tableHeader(v), ...members.map((p) => tableRow(v, p)));
  if (!PRE_419.includes(v)) lines.push(summaryLine(r));
  if (PRE_419.includes(v) || v === '4.19')
    lines.push(`${message}: Kill process ${r.victim.pid} (${r.victim.comm}) score 999 or sacrifice child`);
  lines.push(killLine(v, r.victim, message));
  if (r.group !== undefined && r.layout !== null) {
    lines.push(`Tasks in ${r.layout.oom} are going to be killed due to memory.oom.group set`);
    for (const p of members) lines.push(killLine(v, p, message));
  }
  if (v !== '3.10' && v !== '4.4' && r.group === undefined)
    lines.push(
      `oom_reaper: reaped process ${r.victim.pid} (${r.victim.comm}), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB`,
    );
  return lines;
}

function expected(r: Report): Record<string, unknown> {
  const v = r.version;
  const modern = !PRE_419.includes(v) && v !== '4.19';
  const victim: Record<string, unknown> = {
    pid: r.victim.pid,
    name: r.victim.comm,
    totalVmKb: VM.totalVm,
    anonRssKb: VM.anon,
    fileRssKb: VM.file,
  };
  if (v !== '3.10' && v !== '4.4') victim.shmemRssKb = VM.shmem;
  if (!PRE_419.includes(v)) victim.uid = r.victim.uid;
  if (modern) Object.assign(victim, { pgtablesKb: VM.pgtables, oomScoreAdj: VM.adj });
  const out: Record<string, unknown> = {
    victim,
    trigger: { name: r.trigger.comm, pid: r.trigger.pid, order: 0 },
    constraint: r.layout === null ? 'system' : 'memcg',
    coVictimCount: r.group?.length ?? 0,
  };
  if (r.layout === null) return { ...out, limitScope: 'node', pod: null, container: null };
  const v2 = v === '5.15' || v === '6.1' || v === '6.6' || v === '6.8';
  return {
    ...out,
    ...r.layout.expect,
    cgroup: { oom: r.layout.oom, task: r.layout.task },
    memory: {
      usageKb: MEM.usage,
      limitKb: MEM.limit,
      failcnt: MEM.failcnt,
      swapUsageKb: v2 ? 0 : 1024,
      swapLimitKb: v2 ? null : MEM.limit,
    },
    complete: true,
  };
}

// --- envelopes -------------------------------------------------------------------------------------------

type Envelope = (text: string, i: number) => string;
const secs = (i: number) => (4194.1 + i * 0.000137).toFixed(6).padStart(12);
const ENVELOPES: Record<string, Envelope> = {
  dmesg: (t, i) => `[${secs(i)}] ${t}`,
  'dmesg -T (C locale)': (t) => `[Sat Dec  5 16:23:08 2026] ${t}`,
  'dmesg -T (de_DE)': (t) => `[Sa Dez  5 16:23:08 2026] ${t}`,
  'dmesg -T (fr_FR)': (t) => `[sam. déc.  5 16:23:08 2026] ${t}`,
  'dmesg -x': (t, i) =>
    `kern  :${i % 3 === 0 ? 'warn  ' : i % 3 === 1 ? 'info  ' : 'err   '}: [${secs(i)}] ${t}`,
  'dmesg -x -T': (t) => `kern  :warn  : [Sat Dec  5 16:23:08 2026] ${t}`,
  'journalctl -k': (t) => `Dec 05 16:23:08 ip-10-0-1-23.ec2.internal kernel: ${t}`,
  'journalctl -k -o short-iso': (t) => `2026-12-05T16:23:08+0000 ip-10-0-1-23 kernel: ${t}`,
  'journalctl -k -o short-monotonic': (t, i) => `[${secs(i)}] ip-10-0-1-23 kernel: ${t}`,
  'syslog RFC 3164': (t, i) => `Dec  5 16:23:08 ip-10-0-1-23 kernel: [${secs(i)}] ${t}`,
  'syslog RFC 5424': (t) => `<4>1 2026-12-05T16:23:08.123456+00:00 ip-10-0-1-23 kernel - - - ${t}`,
  'Fluent Bit kmsg JSON': (t, i) =>
    JSON.stringify({ priority: 4, sequence: 9000 + i, sec: 4194, usec: 100000 + i, msg: t }),
  'Fluent Bit systemd JSON': (t) =>
    JSON.stringify({ _HOSTNAME: 'ip-10-0-1-23', SYSLOG_IDENTIFIER: 'kernel', MESSAGE: t }),
};

// --- pastes ----------------------------------------------------------------------------------------------

const PASTES: Record<string, (lines: string[]) => string> = {
  'wrapped at 80 columns': (lines) => lines.flatMap((l) => l.match(/.{1,80}/g) ?? ['']).join('\n'),
  '> quoted': (lines) => lines.map((l) => `> ${l}`).join('\n'),
  'indented 4 spaces': (lines) => lines.map((l) => `    ${l}`).join('\n'),
  CRLF: (lines) => lines.join('\r\n') + '\r\n',
  'glued records': (lines) => lines.join(''),
};

// --- rows ------------------------------------------------------------------------------------------------

interface Row {
  name: string;
  source: string;
  text: string;
  events: Array<Record<string, unknown>>;
}

const SOURCES: Record<Version, string> = {
  '3.10': 'mm/oom_kill.c, mm/memcontrol.c mem_cgroup_print_oom_info, v3.10 (RHEL/CentOS 7)',
  '4.4': 'mm/oom_kill.c, mm/memcontrol.c mem_cgroup_print_oom_info, v4.4',
  '4.9': 'mm/oom_kill.c, mm/memcontrol.c mem_cgroup_print_oom_info, v4.9',
  '4.14': 'mm/oom_kill.c, mm/memcontrol.c mem_cgroup_print_oom_info, v4.14',
  '4.19': 'mm/oom_kill.c dump_oom_summary, mm/memcontrol.c mem_cgroup_print_oom_context, v4.19',
  '5.4': 'mm/oom_kill.c __oom_kill_process, mm/memcontrol.c mem_cgroup_print_oom_meminfo, v5.4',
  '5.10': 'mm/oom_kill.c __oom_kill_process, mm/memcontrol.c mem_cgroup_print_oom_meminfo, v5.10',
  '5.15': 'mm/oom_kill.c, mm/memcontrol.c (cgroup v2 swap line), v5.15',
  '6.1': 'mm/oom_kill.c, mm/memcontrol.c (cgroup v2), v6.1',
  '6.6': 'mm/oom_kill.c, mm/memcontrol.c (cgroup v2), v6.6',
  '6.8': 'mm/oom_kill.c dump_task (rss_anon/rss_file/rss_shmem columns), v6.8',
};
const VERSIONS = Object.keys(SOURCES) as Version[];

const NAMES = [
  'java',
  'runc:[2:INIT]',
  'kworker/u8:1',
  'Web Content',
  '(sd-pam)',
  'php-fpm: pool w',
  'x,pid=1,uid=0',
];
const proc = (pid: number, comm: string, uid = 1000): Proc => ({ pid, comm, uid });
const dmesg = ENVELOPES['dmesg'] as Envelope;
const enveloped = (lines: string[], env: Envelope) => lines.map((l, i) => env(l, i));

const rows: Row[] = [];

// Every version × every cgroup layout (and a global OOM), dmesg envelope, a hostile victim name in turn.
VERSIONS.forEach((version, vi) => {
  [...LAYOUTS, null].forEach((layout, li) => {
    const r: Report = {
      version,
      layout,
      trigger: proc(2000 + li, NAMES[(vi + li + 1) % NAMES.length] as string),
      victim: proc(31000 + vi * 100 + li, NAMES[(vi + li) % NAMES.length] as string),
    };
    rows.push({
      name: `${version} ${layout?.name ?? 'global OOM'} victim ${r.victim.comm}`,
      source: SOURCES[version],
      text: enveloped(report(r), dmesg).join('\n'),
      events: [expected(r)],
    });
  });
});

// Every envelope around a 3.10 and a 5.10 memcg report.
for (const [envName, env] of Object.entries(ENVELOPES)) {
  for (const version of ['3.10', '5.10'] as const) {
    const r: Report = {
      version,
      layout: LAYOUTS[2] as Layout,
      trigger: proc(777, 'kworker/u8:1', 0),
      victim: proc(4321, 'runc:[2:INIT]', 0),
    };
    rows.push({
      name: `${envName} ${version}`,
      source: SOURCES[version],
      text: enveloped(report(r), env).join('\n'),
      events: [expected(r)],
    });
  }
}

// Every paste of a 4.9 docker and a 6.1 containerd report.
for (const [pasteName, paste] of Object.entries(PASTES)) {
  for (const [version, layout] of [
    ['4.9', LAYOUTS[5]],
    ['6.1', LAYOUTS[2]],
  ] as const) {
    const r: Report = {
      version,
      layout: layout as Layout,
      trigger: proc(99, 'java'),
      victim: proc(5150, 'GC Thread#0'),
    };
    rows.push({
      name: `${pasteName} ${version}`,
      source: SOURCES[version],
      text: paste(enveloped(report(r), dmesg)),
      events: [expected(r)],
    });
  }
}

// One-line grep output: each kill line form alone.
const one = (v: Version, line: string, event: Record<string, unknown>, name: string) =>
  rows.push({
    name: `one line ${v} ${name}`,
    source: SOURCES[v],
    text: dmesg(line, 0),
    events: [{ ...event, complete: false }],
  });
for (const [i, comm] of NAMES.entries()) {
  const p = proc(6000 + i, comm, 0);
  const fig = { totalVmKb: VM.totalVm, anonRssKb: VM.anon, fileRssKb: VM.file };
  one(
    '3.10',
    killLine('3.10', p, null),
    { victim: { pid: p.pid, name: comm, ...fig } },
    `Killed process ${comm}`,
  );
  one(
    '5.10',
    killLine('5.10', p, 'Memory cgroup out of memory'),
    {
      victim: {
        pid: p.pid,
        name: comm,
        uid: 0,
        ...fig,
        shmemRssKb: VM.shmem,
        pgtablesKb: VM.pgtables,
        oomScoreAdj: VM.adj,
      },
      constraint: 'memcg',
    },
    `memcg Killed process ${comm}`,
  );
  one(
    '6.6',
    killLine('6.6', p, 'Out of memory'),
    {
      victim: { pid: p.pid, name: comm, uid: 0 },
      constraint: 'system',
      limitScope: 'node',
    },
    `global Killed process ${comm}`,
  );
  one(
    '4.14',
    `Out of memory: Kill process ${p.pid} (${comm}) score 912 or sacrifice child`,
    {
      victim: { pid: p.pid, name: comm },
      constraint: 'system',
      limitScope: 'node',
    },
    `global selection ${comm}`,
  );
  one(
    '4.9',
    `Memory cgroup out of memory: Kill process ${p.pid} (${comm}) score 1000 or sacrifice child`,
    {
      victim: { pid: p.pid, name: comm },
      constraint: 'memcg',
    },
    `memcg selection ${comm}`,
  );
}
for (const layout of LAYOUTS) {
  one(
    '4.14',
    `Task in ${layout.task} killed as a result of limit of ${layout.oom}`,
    {
      victim: { pid: null },
      constraint: 'memcg',
      ...layout.expect,
      cgroup: { oom: layout.oom, task: layout.task },
    },
    `Task in ${layout.name}`,
  );
  const r: Report = {
    version: '5.10',
    layout,
    trigger: proc(1, 'x'),
    victim: proc(7123, 'runc:[2:INIT]', 0),
  };
  one(
    '5.10',
    summaryLine(r),
    {
      victim: { pid: 7123, name: 'runc:[2:INIT]', uid: 0 },
      constraint: 'memcg',
      ...layout.expect,
    },
    `summary ${layout.name}`,
  );
}

// Group kills of 2 and 50 members (cgroup v2, memory.oom.group), in two envelopes.
for (const size of [2, 50]) {
  for (const [envName, env] of [
    ['dmesg', dmesg],
    ['journalctl -k', ENVELOPES['journalctl -k'] as Envelope],
  ] as const) {
    const victim = proc(8000, 'php-fpm: pool w', 33);
    const group = Array.from({ length: size - 1 }, (_, i) =>
      proc(8001 + i, i % 2 ? 'php-fpm: pool w' : 'runc:[2:INIT]', 33),
    );
    const r: Report = {
      version: '6.1',
      layout: LAYOUTS[2] as Layout,
      trigger: proc(8001, 'php-fpm: pool w'),
      victim,
      group,
    };
    const event = expected(r);
    event.coVictims = group.slice(0, 100).map((p) => ({ pid: p.pid, name: p.comm, anonRssKb: VM.anon }));
    rows.push({
      name: `group of ${size} (${envName})`,
      source: SOURCES['6.1'],
      text: enveloped(report(r), env).join('\n'),
      events: [event],
    });
  }
}

// Every hostile name as the victim and as the invoker, in a 3.10 (cpuset line, `Task in`) and a 6.6 report.
HOSTILE_NAMES.forEach(({ comm }, i) => {
  for (const version of ['3.10', '6.6'] as const) {
    const r: Report = {
      version,
      layout: LAYOUTS[i % LAYOUTS.length] as Layout,
      trigger: proc(300 + i, comm),
      victim: proc(9100 + i, comm),
    };
    rows.push({
      name: `hostile ${JSON.stringify(comm)} ${version}`,
      source: SOURCES[version],
      text: enveloped(report(r), dmesg).join('\n'),
      events: [expected(r)],
    });
  }
});

// More envelopes people paste: dmesg --time-format iso, journalctl short-full/short-precise/--no-hostname,
// dmesg -T in more locales, Fluent Bit tail and Container Insights records.
const MORE_ENVELOPES: Record<string, Envelope> = {
  'dmesg --time-format iso': (t, i) =>
    `2026-12-05T16:23:08,${String(100000 + i).padStart(6, '0')}+00:00 ${t}`,
  'dmesg -T (ja_JP)': (t) => `[土 12月  5 16:23:08 2026] ${t}`,
  'dmesg -T (ru_RU)': (t) => `[Сб дек  5 16:23:08 2026] ${t}`,
  'journalctl -k -o short-full': (t) => `Sat 2026-12-05 16:23:08 UTC ip-10-0-1-23 kernel: ${t}`,
  'journalctl -k -o short-precise': (t) => `Dec 05 16:23:08.123456 ip-10-0-1-23 kernel: ${t}`,
  'journalctl -k --no-hostname': (t) => `Dec 05 16:23:08 kernel: ${t}`,
  'Fluent Bit tail of /var/log/messages': (t, i) =>
    JSON.stringify({ log: `Dec  5 16:23:08 ip-10-0-1-23 kernel: [${secs(i)}] ${t}` }),
  'Container Insights dataplane': (t) =>
    JSON.stringify({ host: 'ip-10-0-1-23', ident: 'kernel', message: t }),
};
for (const [envName, env] of Object.entries(MORE_ENVELOPES)) {
  for (const version of ['4.14', '6.1'] as const) {
    const r: Report = {
      version,
      layout: LAYOUTS[6] as Layout,
      trigger: proc(777, 'CPU 11/KVM', 0),
      victim: proc(4321, 'npm start', 0),
    };
    rows.push({
      name: `${envName} ${version}`,
      source: SOURCES[version],
      text: enveloped(report(r), env).join('\n'),
      events: [expected(r)],
    });
  }
}

// Wrapped at 80 columns inside other envelopes, and quoted + indented.
for (const [envName, env] of Object.entries({
  'journalctl -k': ENVELOPES['journalctl -k'],
  'dmesg -x': ENVELOPES['dmesg -x'],
  'syslog RFC 3164': ENVELOPES['syslog RFC 3164'],
})) {
  const r: Report = {
    version: '5.10',
    layout: LAYOUTS[0] as Layout,
    trigger: proc(42, 'java'),
    victim: proc(4242, 'C2 CompilerThre', 0),
  };
  rows.push({
    name: `wrapped at 80 columns ${envName} 5.10`,
    source: SOURCES['5.10'],
    text: (PASTES['wrapped at 80 columns'] as (l: string[]) => string)(enveloped(report(r), env as Envelope)),
    events: [expected(r)],
  });
}
{
  const r: Report = {
    version: '3.10',
    layout: LAYOUTS[3] as Layout,
    trigger: proc(42, 'java'),
    victim: proc(4243, 'Web Content', 0),
  };
  const lines = enveloped(report(r), dmesg).flatMap((l) => l.match(/.{1,72}/g) ?? ['']);
  rows.push({
    name: 'wrapped at 72 columns, quoted and indented 3.10',
    source: SOURCES['3.10'],
    text: lines.map((l) => `  > ${l}`).join('\n'),
    events: [expected(r)],
  });
}

// Vendor and edge forms: RHEL 7's `, UID N,` kill line, 6.10+ `CPU: N UID: N PID:`, a `Kdump: loaded` CPU line,
// oom_kill_allocating_task, and a report whose invoked line is lost (trigger from the CPU line).
{
  const victim = proc(5511, 'mysqld', 27);
  const base = report({
    version: '3.10',
    layout: LAYOUTS[6] as Layout,
    trigger: proc(5511, 'mysqld'),
    victim,
  });
  const kill = `Killed process 5511 (mysqld), UID 27, total-vm:${VM.totalVm}kB, anon-rss:${VM.anon}kB, file-rss:${VM.file}kB, shmem-rss:${VM.shmem}kB`;
  const lines = base.map((l) => (l.startsWith('Killed process') ? kill : l));
  const e = expected({
    version: '3.10',
    layout: LAYOUTS[6] as Layout,
    trigger: proc(5511, 'mysqld'),
    victim,
  });
  rows.push({
    name: 'RHEL 7 kill line with UID',
    source: 'RHEL 7 kernel-3.10.0-957 mm/oom_kill.c',
    text: enveloped(lines, dmesg).join('\n'),
    events: [{ ...e, victim: { ...(e.victim as object), uid: 27, shmemRssKb: VM.shmem } }],
  });
  rows.push({
    name: 'one line RHEL 7 kill line with UID',
    source: 'RHEL 7 kernel-3.10.0-957 mm/oom_kill.c',
    text: dmesg(kill, 0),
    events: [{ victim: { pid: 5511, name: 'mysqld', uid: 27, anonRssKb: VM.anon }, complete: false }],
  });
}
for (const [name, cpu] of [
  ['6.10+ CPU line with UID', 'CPU: 3 UID: 1000 PID: 2001 Comm: a) total-vm:1 Not tainted 6.12.5 #1'],
  [
    'Kdump: loaded CPU line',
    'CPU: 3 PID: 2001 Comm: a) total-vm:1 Kdump: loaded Tainted: G        W  OE  --------- -  - 4.18.0-372.el8.x86_64 #1',
  ],
] as const) {
  const r: Report = {
    version: '6.6',
    layout: LAYOUTS[2] as Layout,
    trigger: proc(2001, 'a) total-vm:1'),
    victim: proc(2002, 'python3', 0),
  };
  const lines = report(r).map((l) => (l.startsWith('CPU: ') ? cpu : l));
  rows.push({
    name,
    source: 'lib/dump_stack.c dump_stack_print_info, v6.10 / RHEL 8',
    text: enveloped(lines, dmesg).join('\n'),
    events: [expected(r)],
  });
  rows.push({
    name: `${name}, invoked line lost`,
    source: 'lib/dump_stack.c dump_stack_print_info, v6.10 / RHEL 8',
    text: enveloped(lines.slice(1), dmesg).join('\n'),
    events: [{ ...expected(r), trigger: { name: 'a) total-vm:1', pid: 2001 } }],
  });
}
{
  const r: Report = {
    version: '4.9',
    layout: null,
    trigger: proc(77, 'stress'),
    victim: proc(77, 'stress', 0),
  };
  const lines = report(r).map((l) =>
    l.replace('Out of memory: Kill', 'Out of memory (oom_kill_allocating_task): Kill'),
  );
  rows.push({
    name: 'oom_kill_allocating_task 4.9',
    source: SOURCES['4.9'],
    text: enveloped(lines, dmesg).join('\n'),
    events: [expected(r)],
  });
}

// One-line forms not above: a reaper line alone, a 4.19 memcg selection + kill pair.
rows.push({
  name: 'one line oom_reaper',
  source: SOURCES['5.10'],
  text: dmesg('oom_reaper: reaped process 3141 (x), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB', 0),
  events: [{ victim: { pid: 3141, name: 'x), now anon-r'.slice(0, 1) }, complete: false }],
});

// Group kills in 4.19 (member lines without the message) and 5.10 (cgroup v1), and storms of separate kills.
for (const version of ['4.19', '5.10'] as const) {
  const victim = proc(8100, 'celery', 0);
  const group = Array.from({ length: 4 }, (_, i) => proc(8101 + i, i % 2 ? 'celery' : '[celeryd: celer', 0));
  const r: Report = { version, layout: LAYOUTS[0] as Layout, trigger: proc(8101, 'celery'), victim, group };
  const event = expected(r);
  event.coVictims = group.map((p) => ({ pid: p.pid, name: p.comm }));
  rows.push({
    name: `group of 5 ${version}`,
    source: SOURCES[version],
    text: enveloped(report(r), dmesg).join('\n'),
    events: [event],
  });
}
for (const version of ['3.10', '4.19', '6.1'] as const) {
  const a: Report = {
    version,
    layout: LAYOUTS[2] as Layout,
    trigger: proc(10, 'java'),
    victim: proc(11, 'java', 0),
  };
  const b: Report = {
    version,
    layout: LAYOUTS[5] as Layout,
    trigger: proc(20, 'node'),
    victim: proc(21, 'node', 0),
  };
  const text = [...report(a), ...report(b)].map((l, i) => dmesg(l, i * 200)).join('\n');
  rows.push({
    name: `two reports back to back ${version}`,
    source: SOURCES[version],
    text,
    events: [expected(a), expected(b)],
  });
}

// A group kill of 50, wrapped at 80 columns, and with CRLF line ends.
for (const pasteName of ['wrapped at 80 columns', 'CRLF'] as const) {
  const victim = proc(8500, 'gitlab-runner', 0);
  const group = Array.from({ length: 49 }, (_, i) => proc(8501 + i, 'bash', 0));
  const r: Report = {
    version: '5.15',
    layout: LAYOUTS[2] as Layout,
    trigger: proc(8501, 'bash'),
    victim,
    group,
  };
  const event = expected(r);
  event.coVictims = group.map((p) => ({ pid: p.pid, name: p.comm, anonRssKb: VM.anon }));
  const paste = PASTES[pasteName] as (l: string[]) => string;
  rows.push({
    name: `group of 50 ${pasteName}`,
    source: SOURCES['5.15'],
    text: paste(enveloped(report(r), dmesg)),
    events: [event],
  });
}

describe('reports built from the kernel format strings (issue 10 generalisation)', () => {
  for (const row of rows) {
    it(`${row.name} [${row.source}]`, () => {
      const { events, drift } = parseKernelLog(row.text, { file: 'variant.log' });
      row.events.forEach((event, i) => expect(events[i], `event ${i}`).toMatchObject(event));
      expect(events).toHaveLength(row.events.length);
      expect(drift).toEqual([]);
    });
  }
});
