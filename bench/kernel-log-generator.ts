/**
 * A large, realistic, reproducible kernel log for the benchmark: a node's ordinary kernel chatter (network,
 * systemd, ext4/xfs, audit, hung-task warnings with their own call traces) with OOM reports of every format
 * the parser reads, in every envelope it reads. The same seed gives the same bytes.
 *
 * Report formats, as the kernels print them (mm/oom_kill.c, mm/memcontrol.c of each release):
 * - 6.x memcg on cgroup v2 (AL2023, systemd driver, containerd), container or pod limit;
 * - 6.x memcg with memory.oom.group: the group line, then a kill line per task of the group;
 * - 5.x memcg on cgroup v1 (AL2, cgroupfs driver): the one-line `oom-kill:` summary;
 * - 4.x legacy: `<comm> cpuset=… mems_allowed=`, `Task in X killed as a result of limit of Y`, inline stats,
 *   `Kill process … or sacrifice child` then `Killed process`;
 * - 3.10 (RHEL 7, docker): the kernel picks a parent and kills its child instead;
 * - system OOM (5.x, `global_oom`, Mem-Info dump, `Out of memory: Killed process`);
 * - storms: `callbacks suppressed`, then kill lines with no header (the kernel rate-limits the header only).
 * Envelopes, one per segment of the file: dmesg, dmesg -T, journalctl (with userland lines between),
 * raw /dev/kmsg, Fluent Bit kmsg JSON records, Container Insights journald JSON records.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** What the generator wrote, to check the parser against. */
export interface GeneratedLog {
  bytes: number;
  lines: number;
  /** Kills written (a memory.oom.group kill once): one event each is what a parser that misses nothing reports. */
  kills: number;
  reports: Record<ReportFormat, number>;
  envelopes: Record<EnvelopeName, number>;
}

export type ReportFormat =
  | '6.x memcg v2'
  | '6.x oom.group'
  | '5.x memcg v1 summary'
  | '4.x legacy Task in'
  | '3.10 sacrifice child'
  | 'system OOM'
  | 'storm (headerless kills)';

export type EnvelopeName =
  'dmesg' | 'dmesg -T' | 'journalctl' | 'kmsg' | 'Fluent Bit kmsg JSON' | 'Container Insights JSON';

/** mulberry32: small, fast, and the same sequence on every machine. */
class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length)
      out += Math.floor(this.next() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    return out.slice(0, length);
  }

  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

interface Clock {
  /** Seconds since boot of the next line. */
  seconds: number;
  sequence: number;
}

/** One kernel message and the priority kmsg gives it. */
interface Message {
  text: string;
  priority: number;
}

const BOOT_EPOCH_MS = Date.parse('2026-11-20T06:12:41Z');
const NODES = [
  'ip-10-0-1-23.eu-west-1.compute.internal',
  'ip-10-0-2-187.eu-west-1.compute.internal',
  'ip-10-0-3-54.eu-west-1.compute.internal',
];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const COMMS = [
  'java',
  'node',
  'python3',
  'php-fpm',
  'celery',
  'gunicorn',
  'ruby',
  'nginx',
  'envoy',
  'dotnet',
];
// Hostile names the kernel really prints: spaces, brackets, slashes, colons.
const ODD_COMMS = ['Web Content', 'runc:[2:INIT]', 'CPU 11/KVM', 'kworker/u8:2', 'gunicorn: work'];
const INSTANCE_TYPES = ['m6i.xlarge', 'c5.2xlarge', 'r6i.large', 'm5.large', 'c6g.4xlarge'];

const pad2 = (n: number): string => String(n).padStart(2, '0');

function wallTime(seconds: number): Date {
  return new Date(BOOT_EPOCH_MS + seconds * 1000);
}

/** `[ 4194.691334]` */
function dmesgTime(seconds: number): string {
  const whole = Math.floor(seconds);
  const micros = Math.floor((seconds - whole) * 1e6);
  return `[${String(whole).padStart(5)}.${String(micros).padStart(6, '0')}]`;
}

/** `Fri Nov 20 07:21:00 2026`, as `dmesg -T` prints it. */
function ctime(seconds: number): string {
  const d = wallTime(seconds);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** `Nov 20 07:21:00`, as journalctl prints it. */
function journalTime(seconds: number): string {
  const d = wallTime(seconds);
  return `${MONTHS[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

type Envelope = (message: Message, clock: Clock, node: string) => string;

const ENVELOPES: Record<EnvelopeName, Envelope> = {
  dmesg: (m, c) => `${dmesgTime(c.seconds)} ${m.text}`,
  'dmesg -T': (m, c) => `[${ctime(c.seconds)}] ${m.text}`,
  journalctl: (m, c, node) => `${journalTime(c.seconds)} ${node} kernel: ${m.text}`,
  kmsg: (m, c) => `${m.priority},${c.sequence},${Math.floor(c.seconds * 1e6)},-;${m.text}`,
  'Fluent Bit kmsg JSON': (m, c) => {
    const sec = Math.floor(c.seconds);
    return JSON.stringify({
      priority: m.priority,
      sequence: c.sequence,
      sec,
      usec: Math.floor((c.seconds - sec) * 1e6),
      msg: m.text,
    });
  },
  'Container Insights JSON': (m, _c, node) =>
    JSON.stringify({ host: node, ident: 'kernel', message: m.text }),
};

/** Userland lines journald interleaves with the kernel's (journalctl without -k, Container Insights host logs). */
function userlandLine(rng: Random, envelope: EnvelopeName, clock: Clock, node: string): string | null {
  if (envelope !== 'journalctl' && envelope !== 'Container Insights JSON') return null;
  const t = wallTime(clock.seconds).toISOString();
  const [ident, pid, text] = rng.pick<[string, number, () => string]>([
    [
      'kubelet',
      3012,
      () =>
        `I1120 ${t.slice(11, 23)}000    3012 kubelet.go:2421] "SyncLoop (probe)" probe="readiness" status="ready" pod="shop/api-${rng.hex(10)}-${rng.hex(5)}"`,
    ],
    [
      'containerd',
      2811,
      () => `time="${t}" level=info msg="StartContainer for \\"${rng.hex(64)}\\" returns successfully"`,
    ],
    [
      'systemd',
      1,
      () => `run-containerd-runc-k8s.io-${rng.hex(64)}-runc.${rng.hex(6)}.mount: Deactivated successfully.`,
    ],
    [
      'dockerd',
      2733,
      () => `time="${t}" level=warning msg="Your kernel does not support swap limit capabilities"`,
    ],
    [
      'systemd-oomd',
      812,
      () => `Considered ${rng.int(2, 40)} cgroups for killing, top candidates were: none`,
    ],
  ]);
  const message = text();
  if (envelope === 'journalctl') return `${journalTime(clock.seconds)} ${node} ${ident}[${pid}]: ${message}`;
  return JSON.stringify({ host: node, ident, message });
}

function noiseMessages(rng: Random, node: string): Message[] {
  const eni = `eni${rng.hex(11)}`;
  const veth = `veth${rng.hex(8)}`;
  const disk = rng.pick(['nvme0n1p1', 'nvme1n1', 'nvme2n1', 'loop3']);
  const auditTime = `${Math.floor(BOOT_EPOCH_MS / 1000) + rng.int(0, 400000)}.${rng.int(100, 999)}:${rng.int(100, 99999)}`;
  const one = (text: string, priority = 6): Message[] => [{ text, priority }];
  switch (rng.int(0, 15)) {
    case 0:
      return one(`IPv6: ADDRCONF(NETDEV_CHANGE): ${eni}: link becomes ready`);
    case 1:
      return one(`${veth}: renamed from eth0`);
    case 2:
      return one(`cni0: port ${rng.int(1, 40)}(${veth}) entered forwarding state`);
    case 3:
      return one(
        `IPVS: rr: TCP 172.20.${rng.int(0, 255)}.${rng.int(1, 254)}:53 - no destination available`,
        4,
      );
    case 4:
      return one(`nf_conntrack: nf_conntrack: table full, dropping packet`, 4);
    case 5:
      return one(
        `TCP: request_sock_TCP: Possible SYN flooding on port ${rng.int(1024, 65535)}. Sending cookies.  Check SNMP counters.`,
        4,
      );
    case 6:
      return one(
        `systemd[1]: Started cri-containerd-${rng.hex(64)}.scope - libcontainer container ${rng.hex(64)}.`,
      );
    case 7:
      return one(
        `EXT4-fs (${disk}): mounted filesystem ${rng.uuid()} r/w with ordered data mode. Quota mode: none.`,
      );
    case 8:
      return one(`XFS (${disk}): Ending clean mount`);
    case 9:
      return one(
        `audit: type=1400 audit(${auditTime}): apparmor="DENIED" operation="open" class="file" profile="cri-containerd.apparmor.d" name="/proc/sys/kernel/shmmax" pid=${rng.int(1000, 400000)} comm="${rng.pick(COMMS)}" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`,
        5,
      );
    case 10:
      return one(`audit: type=1334 audit(${auditTime}): prog-id=${rng.int(10, 9000)} op=LOAD`, 5);
    case 11:
      return one(
        `audit: type=1130 audit(${auditTime}): pid=1 uid=0 auid=4294967295 ses=4294967295 subj=system_u:system_r:init_t:s0 msg='unit=kubelet comm="systemd" exe="/usr/lib/systemd/systemd" hostname=? addr=? terminal=? res=success'`,
        5,
      );
    case 12:
      return one(
        `overlayfs: upperdir is in-use as upperdir/workdir of another mount, accessing files from both mounts will result in undefined behavior.`,
        4,
      );
    case 13:
      return one(
        `perf: interrupt took too long (${rng.int(2501, 4000)} > 2500), lowering kernel.perf_event_max_sample_rate to 79500`,
      );
    case 14:
      return one(
        `ena 0000:00:0${rng.int(5, 8)}.0 eth${rng.int(1, 3)}: Elastic Network Adapter (ENA) found at mem febf${rng.hex(4)}, mac addr 0a:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)}`,
      );
    default: {
      // A hung-task warning: its own CPU line and call trace, which must not be taken for an OOM report.
      const pid = rng.int(100, 60000);
      return [
        {
          text: `INFO: task kworker/${rng.int(0, 7)}:${rng.int(0, 3)}:${pid} blocked for more than 122 seconds.`,
          priority: 3,
        },
        { text: `      Not tainted 6.1.115-126.197.amzn2023.x86_64 #1`, priority: 3 },
        { text: `"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.`, priority: 3 },
        {
          text: `task:kworker/${rng.int(0, 7)}:1     state:D stack:0     pid:${pid}  ppid:2      flags:0x00004000`,
          priority: 6,
        },
        { text: `Call Trace:`, priority: 4 },
        { text: ` <TASK>`, priority: 4 },
        { text: ` __schedule+0x2a5/0x8a0`, priority: 4 },
        { text: ` schedule+0x5a/0xd0`, priority: 4 },
        { text: ` io_schedule+0x42/0x70`, priority: 4 },
        {
          text: ` ${node.startsWith('ip-10-0-1') ? 'jbd2_journal_commit_transaction' : 'xlog_wait_on_iclog'}+0x1a4/0x1b80`,
          priority: 4,
        },
        { text: ` </TASK>`, priority: 4 },
      ];
    }
  }
}

interface Victim {
  pid: number;
  comm: string;
  uid: number;
  adj: number;
  rssPages: number;
}

function victimOf(rng: Random): Victim {
  return {
    pid: rng.int(3000, 4_000_000),
    comm: rng.chance(0.08) ? rng.pick(ODD_COMMS) : rng.pick(COMMS),
    uid: rng.pick([0, 1000, 65534, 101]),
    adj: rng.pick([-997, 984, 999, 1000, 936]),
    rssPages: rng.int(16_000, 900_000),
  };
}

function killFields(v: Victim, withUid: boolean): string {
  const anon = v.rssPages * 4;
  const base = `total-vm:${anon + 200_000}kB, anon-rss:${anon}kB, file-rss:${rng4(v.pid)}kB, shmem-rss:0kB`;
  return withUid
    ? `${base}, UID:${v.uid} pgtables:${Math.floor(anon / 400) + 64}kB oom_score_adj:${v.adj}`
    : base;
}

/** A stable small figure from a pid, so file-rss varies without another draw. */
function rng4(pid: number): number {
  return (pid % 97) * 4 + 96;
}

function callTrace(kernel: 'v6' | 'v5' | 'v4' | 'v310' | 'global'): string[] {
  switch (kernel) {
    case 'v6':
      return [
        'Call Trace:',
        ' <TASK>',
        ' dump_stack_lvl+0x34/0x48',
        ' dump_header+0x4a/0x201',
        ' oom_kill_process.cold+0xb/0x10',
        ' out_of_memory+0xed/0x2e0',
        ' mem_cgroup_out_of_memory+0x136/0x150',
        ' try_charge_memcg+0x7e5/0x880',
        ' charge_memcg+0x35/0xe0',
        ' __mem_cgroup_charge+0x29/0x80',
        ' do_anonymous_page+0x108/0x3e0',
        ' __handle_mm_fault+0x2e0/0x6a0',
        ' handle_mm_fault+0xdb/0x2d0',
        ' do_user_addr_fault+0x1c0/0x6a0',
        ' exc_page_fault+0x72/0x170',
        ' asm_exc_page_fault+0x22/0x30',
      ];
    case 'v5':
    case 'global':
      return [
        'Call Trace:',
        ' dump_stack+0x57/0x70',
        ' dump_header+0x4a/0x1f0',
        ' oom_kill_process.cold+0xb/0x10',
        ' out_of_memory+0x1bd/0x4e0',
        kernel === 'global'
          ? ' __alloc_pages_slowpath.constprop.0+0xbd1/0xcb0'
          : ' mem_cgroup_out_of_memory+0xe4/0x100',
        kernel === 'global' ? ' __alloc_pages_nodemask+0x2de/0x310' : ' try_charge+0x708/0x760',
        ' pagecache_get_page+0xd6/0x3d0',
        ' filemap_fault+0x6a8/0xa50',
        ' __do_fault+0x38/0xb0',
        ' handle_mm_fault+0x1186/0x16d0',
        ' do_user_addr_fault+0x1b8/0x3f0',
        ' exc_page_fault+0x68/0x130',
        ' ? asm_exc_page_fault+0x8/0x30',
        ' asm_exc_page_fault+0x1e/0x30',
      ];
    case 'v4':
      return [
        'Call Trace:',
        ' dump_stack+0x5c/0x82',
        ' dump_header+0x94/0x229',
        ' oom_kill_process+0x213/0x410',
        ' out_of_memory+0x2af/0x4d0',
        ' mem_cgroup_out_of_memory+0x49/0x80',
        ' mem_cgroup_oom_synchronize+0x2ed/0x330',
        ' ? mem_cgroup_css_online+0x30/0x30',
        ' pagefault_out_of_memory+0x32/0x77',
        ' __do_page_fault+0x4b4/0x4c0',
        ' ? page_fault+0x2f/0x50',
        ' page_fault+0x45/0x50',
      ];
    case 'v310':
      return [
        'Call Trace:',
        ' [<ffffffff9c781340>] dump_stack+0x19/0x1b',
        ' [<ffffffff9c77bc60>] dump_header+0x90/0x229',
        ' [<ffffffff9c1c2a66>] oom_kill_process+0x266/0x3c0',
        ' [<ffffffff9c242a36>] mem_cgroup_oom_synchronize+0x546/0x570',
        ' [<ffffffff9c1c3400>] pagefault_out_of_memory+0x14/0x90',
        ' [<ffffffff9c779b73>] mm_fault_error+0x6a/0x157',
        ' [<ffffffff9c78e8e1>] __do_page_fault+0x491/0x500',
        ' [<ffffffff9c78e985>] do_page_fault+0x35/0x90',
        ' [<ffffffff9c78a778>] page_fault+0x28/0x30',
      ];
  }
}

function registers(rng: Random): string[] {
  const r = (): string => `0000${rng.hex(12)}`;
  return [
    `RIP: 0033:0x7f${rng.hex(10)}`,
    `Code: ${Array.from({ length: 64 }, () => rng.hex(2)).join(' ')}`,
    `RSP: 002b:00007ffd${rng.hex(8)} EFLAGS: 00010206`,
    `RAX: ${r()} RBX: ${r()} RCX: ${r()}`,
    `RDX: ${r()} RSI: ${r()} RDI: ${r()}`,
    `RBP: ${r()} R08: ${r()} R09: ${r()}`,
    `R10: ${r()} R11: ${r()} R12: ${r()}`,
    `R13: ${r()} R14: ${r()} R15: ${r()}`,
  ];
}

const V2_STATS = [
  'anon',
  'file',
  'kernel',
  'kernel_stack',
  'pagetables',
  'sec_pagetables',
  'percpu',
  'sock',
  'vmalloc',
  'shmem',
  'zswap',
  'zswapped',
  'file_mapped',
  'file_dirty',
  'file_writeback',
  'swapcached',
  'anon_thp',
  'file_thp',
  'shmem_thp',
  'inactive_anon',
  'active_anon',
  'inactive_file',
  'active_file',
  'unevictable',
  'slab_reclaimable',
  'slab_unreclaimable',
  'slab',
  'workingset_refault_anon',
  'workingset_refault_file',
  'workingset_activate_anon',
  'workingset_activate_file',
  'workingset_restore_anon',
  'workingset_restore_file',
  'workingset_nodereclaim',
  'pgscan',
  'pgsteal',
  'pgfault',
  'pgmajfault',
  'pgrefill',
  'pgactivate',
  'pgdeactivate',
  'thp_fault_alloc',
];
const V1_STATS = [
  'cache',
  'rss',
  'rss_huge',
  'shmem',
  'mapped_file',
  'dirty',
  'writeback',
  'swap',
  'pgpgin',
  'pgpgout',
  'pgfault',
  'pgmajfault',
  'inactive_anon',
  'active_anon',
  'inactive_file',
  'active_file',
  'unevictable',
  'hierarchical_memory_limit',
  'hierarchical_memsw_limit',
  'total_cache',
  'total_rss',
  'total_rss_huge',
  'total_shmem',
  'total_mapped_file',
  'total_dirty',
  'total_writeback',
  'total_swap',
  'total_pgpgin',
  'total_pgpgout',
  'total_pgfault',
  'total_pgmajfault',
  'total_inactive_anon',
  'total_active_anon',
  'total_inactive_file',
  'total_active_file',
  'total_unevictable',
];

function taskRows(rng: Random, victims: readonly Victim[], layout: 'modern' | 'legacy' | 'v310'): string[] {
  const header =
    layout === 'modern'
      ? '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name'
      : layout === 'legacy'
        ? '[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name'
        : '[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name';
  const pause: Victim = {
    pid: victims[0] === undefined ? 1 : victims[0].pid - rng.int(5, 40),
    comm: 'pause',
    uid: 65535,
    adj: -998,
    rssPages: 1,
  };
  const rows = [pause, ...victims].map((v) => {
    const pid = layout === 'modern' ? `[${String(v.pid).padStart(7)}]` : `[${String(v.pid).padStart(5)}]`;
    const vm = String(v.rssPages + 50_000).padStart(8);
    const rss = String(v.rssPages).padStart(8);
    const middle =
      layout === 'modern'
        ? `${String(v.rssPages * 9).padStart(14)}        0`
        : layout === 'legacy'
          ? `${String(Math.floor(v.rssPages / 512) + 4).padStart(7)}       3        0`
          : `${String(Math.floor(v.rssPages / 512) + 4).padStart(7)}        0`;
    return `${pid} ${String(v.uid).padStart(5)} ${String(v.pid).padStart(5)} ${vm} ${rss} ${middle} ${String(v.adj).padStart(13)} ${v.comm}`;
  });
  return ['Tasks state (memory values in pages):', header, ...rows];
}

interface PodPlace {
  uid: string;
  qos: 'burstable' | 'besteffort' | 'guaranteed';
  container: string;
}

function podPlace(rng: Random): PodPlace {
  return {
    uid: rng.uuid(),
    qos: rng.pick(['burstable', 'besteffort', 'guaranteed'] as const),
    container: rng.hex(64),
  };
}

/** systemd driver paths: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_>.slice/<scope>` */
function systemdPaths(p: PodPlace, scopePrefix: string): { pod: string; container: string } {
  const uid = p.uid.replaceAll('-', '_');
  const pod =
    p.qos === 'guaranteed'
      ? `/kubepods.slice/kubepods-pod${uid}.slice`
      : `/kubepods.slice/kubepods-${p.qos}.slice/kubepods-${p.qos}-pod${uid}.slice`;
  return { pod, container: `${pod}/${scopePrefix}-${p.container}.scope` };
}

/** cgroupfs driver paths: `/kubepods/burstable/pod<uid>/<container id>` */
function cgroupfsPaths(p: PodPlace): { pod: string; container: string } {
  const pod = p.qos === 'guaranteed' ? `/kubepods/pod${p.uid}` : `/kubepods/${p.qos}/pod${p.uid}`;
  return { pod, container: `${pod}/${p.container}` };
}

interface Report {
  messages: Message[];
  kills: number;
}

const warn = (text: string): Message => ({ text, priority: 4 });
const info = (text: string): Message => ({ text, priority: 6 });
const err = (text: string): Message => ({ text, priority: 3 });

function memcgV2Report(rng: Random, group: boolean): Report {
  const place = podPlace(rng);
  const paths = systemdPaths(place, 'cri-containerd');
  const victims = Array.from({ length: group ? rng.int(2, 5) : rng.int(1, 3) }, () => victimOf(rng));
  const victim = victims[victims.length - 1] as Victim;
  const podLimit = rng.chance(0.3);
  const oom = podLimit ? paths.pod : paths.container;
  const limitKb = rng.pick([131072, 262144, 524288, 1048576, 2097152]);
  const messages: Message[] = [
    warn(
      `${victim.comm} invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=${victim.adj}`,
    ),
    warn(
      `CPU: ${rng.int(0, 7)} PID: ${victim.pid} Comm: ${victim.comm} Not tainted 6.1.115-126.197.amzn2023.x86_64 #1`,
    ),
    warn(`Hardware name: Amazon EC2 ${rng.pick(INSTANCE_TYPES)}/, BIOS 1.0 10/16/2017`),
    ...callTrace('v6').map(warn),
    ...registers(rng).map(warn),
    warn(' </TASK>'),
    info(`memory: usage ${limitKb}kB, limit ${limitKb}kB, failcnt ${rng.int(1, 5000)}`),
    info('swap: usage 0kB, limit 0kB, failcnt 0'),
    info(`Memory cgroup stats for ${oom}:`),
    ...V2_STATS.map((name) =>
      info(`${name} ${name === 'anon' ? limitKb * 1024 - rng.int(0, 90000) : rng.int(0, 3_000_000)}`),
    ),
    ...taskRows(rng, victims, 'modern').map(info),
    info(
      `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-${place.container}.scope,mems_allowed=0,oom_memcg=${oom},task_memcg=${paths.container},task=${victim.comm},pid=${victim.pid},uid=${victim.uid}`,
    ),
    err(
      `Memory cgroup out of memory: Killed process ${victim.pid} (${victim.comm}) ${killFields(victim, true)}`,
    ),
  ];
  if (group) {
    messages.push(info(`Tasks in ${paths.container} are going to be killed due to memory.oom.group set`));
    for (const other of victims.slice(0, -1)) {
      messages.push(
        err(
          `Memory cgroup out of memory: Killed process ${other.pid} (${other.comm}) ${killFields(other, true)}`,
        ),
      );
    }
  }
  messages.push(
    info(
      `oom_reaper: reaped process ${victim.pid} (${victim.comm}), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB`,
    ),
  );
  // A group kill is one invocation, so one event however many it kills (coVictims).
  return { messages, kills: 1 };
}

function memcgV1SummaryReport(rng: Random): Report {
  const place = podPlace(rng);
  const paths = cgroupfsPaths(place);
  const victims = Array.from({ length: rng.int(1, 4) }, () => victimOf(rng));
  const victim = victims[victims.length - 1] as Victim;
  const limitKb = rng.pick([262144, 524288, 1048576]);
  const oom = rng.chance(0.5) ? paths.pod : paths.container;
  return {
    messages: [
      warn(
        `${victim.comm} invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=${victim.adj}`,
      ),
      warn(
        `CPU: ${rng.int(0, 7)} PID: ${victim.pid} Comm: ${victim.comm} Not tainted 5.10.225-213.878.amzn2.x86_64 #1`,
      ),
      warn(`Hardware name: Amazon EC2 ${rng.pick(INSTANCE_TYPES)}/, BIOS 1.0 10/16/2017`),
      ...callTrace('v5').map(warn),
      ...registers(rng).map(warn),
      info(`memory: usage ${limitKb}kB, limit ${limitKb}kB, failcnt ${rng.int(1, 5000)}`),
      info(`memory+swap: usage ${limitKb}kB, limit 9007199254740988kB, failcnt 0`),
      info(`kmem: usage ${rng.int(1000, 9000)}kB, limit 9007199254740988kB, failcnt 0`),
      info(`Memory cgroup stats for ${oom}:`),
      ...V1_STATS.map((name) => info(`${name} ${rng.int(0, 900_000_000)}`)),
      ...taskRows(rng, victims, 'modern').map(info),
      info(
        `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=${place.container},mems_allowed=0,oom_memcg=${oom},task_memcg=${paths.container},task=${victim.comm},pid=${victim.pid},uid=${victim.uid}`,
      ),
      err(
        `Memory cgroup out of memory: Killed process ${victim.pid} (${victim.comm}) ${killFields(victim, true)}`,
      ),
      info(
        `oom_reaper: reaped process ${victim.pid} (${victim.comm}), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB`,
      ),
    ],
    kills: 1,
  };
}

function inlineStats(path: string, rssKb: number): string {
  return `Memory cgroup stats for ${path}: cache:0KB rss:${rssKb}KB rss_huge:0KB shmem:0KB mapped_file:0KB dirty:0KB writeback:0KB swap:0KB inactive_anon:0KB active_anon:${rssKb}KB inactive_file:0KB active_file:0KB unevictable:0KB`;
}

function legacyReport(rng: Random): Report {
  const place = podPlace(rng);
  const paths = cgroupfsPaths(place);
  const victims = Array.from({ length: rng.int(1, 3) }, () => victimOf(rng));
  const victim = victims[victims.length - 1] as Victim;
  const limitKb = rng.pick([131072, 262144, 524288]);
  const podLimit = rng.chance(0.4);
  const oom = podLimit ? paths.pod : paths.container;
  return {
    messages: [
      warn(
        `${victim.comm} invoked oom-killer: gfp_mask=0x14000c0(GFP_KERNEL), nodemask=(null), order=0, oom_score_adj=${victim.adj}`,
      ),
      warn(`${victim.comm} cpuset=${place.container} mems_allowed=0`),
      warn(
        `CPU: ${rng.int(0, 3)} PID: ${victim.pid} Comm: ${victim.comm} Not tainted 4.14.355-275.570.amzn2.x86_64 #1`,
      ),
      warn(`Hardware name: Amazon EC2 ${rng.pick(INSTANCE_TYPES)}/, BIOS 1.0 10/16/2017`),
      ...callTrace('v4').map(warn),
      ...registers(rng).slice(0, 3).map(warn),
      info(`Task in ${paths.container} killed as a result of limit of ${oom}`),
      info(`memory: usage ${limitKb}kB, limit ${limitKb}kB, failcnt ${rng.int(1, 900)}`),
      info(`memory+swap: usage ${limitKb}kB, limit 9007199254740988kB, failcnt 0`),
      info(`kmem: usage ${rng.int(1000, 4000)}kB, limit 9007199254740988kB, failcnt 0`),
      info(inlineStats(oom, limitKb - 2000)),
      ...(podLimit ? [info(inlineStats(paths.container, limitKb - 2400))] : []),
      ...taskRows(rng, victims, 'legacy').slice(1).map(info),
      err(
        `Memory cgroup out of memory: Kill process ${victim.pid} (${victim.comm}) score ${rng.int(900, 2000)} or sacrifice child`,
      ),
      err(`Killed process ${victim.pid} (${victim.comm}) ${killFields(victim, false)}`),
      info(
        `oom_reaper: reaped process ${victim.pid} (${victim.comm}), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB`,
      ),
    ],
    kills: 1,
  };
}

function sacrificeChildReport(rng: Random): Report {
  const place = podPlace(rng);
  const paths = systemdPaths(place, 'docker');
  const parent: Victim = { ...victimOf(rng), comm: 'httpd', rssPages: rng.int(300, 900) };
  const children = Array.from({ length: rng.int(2, 5) }, (_, i) => ({
    ...victimOf(rng),
    pid: parent.pid + i + 1,
    comm: 'httpd',
    uid: 48,
  }));
  const child = children[rng.int(0, children.length - 1)] as Victim;
  const limitKb = 1048576;
  return {
    messages: [
      warn(`${parent.comm} invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=${parent.adj}`),
      warn(`${parent.comm} cpuset=docker-${place.container}.scope mems_allowed=0`),
      warn(
        `CPU: 0 PID: ${parent.pid} Comm: ${parent.comm} Kdump: loaded Tainted: G               ------------ T 3.10.0-1160.el7.x86_64 #1`,
      ),
      warn('Hardware name: Xen HVM domU, BIOS 4.11.amazon 08/24/2006'),
      ...callTrace('v310').map(warn),
      info(`Task in ${paths.container} killed as a result of limit of ${paths.container}`),
      info(`memory: usage ${limitKb}kB, limit ${limitKb}kB, failcnt ${rng.int(1, 9000)}`),
      info(`memory+swap: usage ${limitKb}kB, limit 9007199254740991kB, failcnt 0`),
      info('kmem: usage 0kB, limit 9007199254740991kB, failcnt 0'),
      info(inlineStats(paths.container, limitKb)),
      ...taskRows(rng, [parent, ...children], 'v310')
        .slice(1)
        .map(info),
      err(
        `Memory cgroup out of memory: Kill process ${parent.pid} (${parent.comm}) score ${rng.int(900, 1200)} or sacrifice child`,
      ),
      err(`Killed process ${child.pid} (${child.comm}) ${killFields(child, false)}`),
    ],
    kills: 1,
  };
}

function systemOomReport(rng: Random): Report {
  const place = podPlace(rng);
  const paths = cgroupfsPaths(place);
  const victims = Array.from({ length: rng.int(3, 8) }, () => victimOf(rng));
  const victim = victims[victims.length - 1] as Victim;
  const trigger = victimOf(rng);
  const inPod = rng.chance(0.7);
  const taskMemcg = inPod ? paths.container : '/system.slice/containerd.service';
  return {
    messages: [
      warn(
        `${trigger.comm} invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=${trigger.adj}`,
      ),
      warn(
        `CPU: ${rng.int(0, 7)} PID: ${trigger.pid} Comm: ${trigger.comm} Not tainted 5.10.225-213.878.amzn2.x86_64 #1`,
      ),
      warn(`Hardware name: Amazon EC2 ${rng.pick(INSTANCE_TYPES)}/, BIOS 1.0 10/16/2017`),
      ...callTrace('global').map(warn),
      ...registers(rng).map(warn),
      info('Mem-Info:'),
      info(`active_anon:${rng.int(1e6, 4e6)} inactive_anon:${rng.int(1e3, 9e4)} isolated_anon:0`),
      info(` active_file:${rng.int(100, 900)} inactive_file:${rng.int(100, 900)} isolated_file:0`),
      info(' unevictable:0 dirty:0 writeback:0'),
      info(` slab_reclaimable:${rng.int(1e4, 3e4)} slab_unreclaimable:${rng.int(2e4, 5e4)}`),
      info(
        ` mapped:${rng.int(1000, 9000)} shmem:${rng.int(1e4, 3e4)} pagetables:${rng.int(1e4, 3e4)} bounce:0`,
      ),
      info(` free:${rng.int(30000, 40000)} free_pcp:${rng.int(0, 900)} free_cma:0`),
      info(
        `Node 0 active_anon:${rng.int(4e6, 16e6)}kB inactive_anon:48176kB active_file:608kB inactive_file:884kB unevictable:0kB isolated(anon):0kB isolated(file):0kB mapped:12048kB dirty:0kB writeback:0kB shmem:56532kB shmem_thp: 0kB shmem_pmdmapped: 0kB anon_thp: 0kB writeback_tmp:0kB kernel_stack:8160kB all_unreclaimable? yes`,
      ),
      info(
        'Node 0 DMA free:15908kB min:32kB low:44kB high:56kB reserved_highatomic:0KB active_anon:0kB inactive_anon:0kB active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB present:15992kB managed:15908kB mlocked:0kB pagetables:0kB bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:0kB',
      ),
      info('lowmem_reserve[]: 0 2943 15776 15776'),
      info(
        'Node 0 DMA: 1*4kB (U) 0*8kB 0*16kB 1*32kB (U) 2*64kB (U) 1*128kB (U) 1*256kB (U) 0*512kB 1*1024kB (U) 1*2048kB (M) 3*4096kB (M) = 15908kB',
      ),
      info('Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB'),
      info(`${rng.int(10000, 20000)} total pagecache pages`),
      info('0 pages in swap cache'),
      info('Swap cache stats: add 0, delete 0, find 0/0'),
      info('Free swap  = 0kB'),
      info('Total swap = 0kB'),
      info(`${rng.int(2e6, 8e6)} pages RAM`),
      info('0 pages HighMem/MovableOnly'),
      info(`${rng.int(50000, 150000)} pages reserved`),
      ...taskRows(rng, victims, 'modern').map(info),
      info(
        `oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=${taskMemcg},task=${victim.comm},pid=${victim.pid},uid=${victim.uid}`,
      ),
      err(`Out of memory: Killed process ${victim.pid} (${victim.comm}) ${killFields(victim, true)}`),
      info(
        `oom_reaper: reaped process ${victim.pid} (${victim.comm}), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB`,
      ),
    ],
    kills: 1,
  };
}

function stormReport(rng: Random): Report {
  const kills = rng.int(5, 40);
  const messages: Message[] = [
    info(`${rng.pick(['oom_kill_process', 'dump_header'])}: ${rng.int(3, 60)} callbacks suppressed`),
  ];
  for (let i = 0; i < kills; i++) {
    const v = victimOf(rng);
    messages.push(
      err(`Memory cgroup out of memory: Killed process ${v.pid} (${v.comm}) ${killFields(v, true)}`),
    );
  }
  return { messages, kills };
}

const REPORTS: ReadonlyArray<[ReportFormat, number, (rng: Random) => Report]> = [
  ['6.x memcg v2', 30, (rng) => memcgV2Report(rng, false)],
  ['6.x oom.group', 6, (rng) => memcgV2Report(rng, true)],
  ['5.x memcg v1 summary', 24, memcgV1SummaryReport],
  ['4.x legacy Task in', 12, legacyReport],
  ['3.10 sacrifice child', 6, sacrificeChildReport],
  ['system OOM', 8, systemOomReport],
  ['storm (headerless kills)', 6, stormReport],
];

function pickReport(rng: Random): [ReportFormat, (rng: Random) => Report] {
  const total = REPORTS.reduce((sum, [, weight]) => sum + weight, 0);
  let at = rng.next() * total;
  for (const [format, weight, build] of REPORTS) {
    at -= weight;
    if (at < 0) return [format, build];
  }
  const [format, , build] = REPORTS[0] as (typeof REPORTS)[number];
  return [format, build];
}

export interface GenerateOptions {
  seed: number;
  targetBytes: number;
  /** One OOM report per this many noise lines, on average. */
  noisePerReport: number;
  /** Lines per segment (one envelope each), at least and at most; default 20,000 to 60,000. */
  segmentLines?: readonly [number, number];
}

/** The benchmark's log (`npm run bench`): 100 MiB from a fixed seed, one report per ~300 lines of noise. */
export const BENCH_LOG_OPTIONS: GenerateOptions = {
  seed: 20261123,
  targetBytes: 100 * 1024 * 1024,
  noisePerReport: 300,
};

/** Writes the log to `path`; returns what was written. */
export function generateKernelLog(path: string, options: GenerateOptions): GeneratedLog {
  const fd = openSync(path, 'w');
  try {
    return generate(options, (text) => writeSync(fd, text));
  } finally {
    closeSync(fd);
  }
}

/** The log as text, for a small one (tests). */
export function generateKernelLogText(options: GenerateOptions): { text: string; log: GeneratedLog } {
  const pieces: string[] = [];
  const log = generate(options, (text) => pieces.push(text));
  return { text: pieces.join(''), log };
}

/** Generates the log, handing its text to `write` in pieces of about 1 MiB; returns what was written. */
function generate(options: GenerateOptions, write: (text: string) => void): GeneratedLog {
  const rng = new Random(options.seed);
  const [segmentMin, segmentMax] = options.segmentLines ?? [20_000, 60_000];
  const result: GeneratedLog = {
    bytes: 0,
    lines: 0,
    kills: 0,
    reports: Object.fromEntries(REPORTS.map(([format]) => [format, 0])) as Record<ReportFormat, number>,
    envelopes: Object.fromEntries(Object.keys(ENVELOPES).map((name) => [name, 0])) as Record<
      EnvelopeName,
      number
    >,
  };
  const clock: Clock = { seconds: 4.2, sequence: 1200 };
  const envelopeNames = Object.keys(ENVELOPES) as EnvelopeName[];
  let buffer: string[] = [];
  let bufferBytes = 0;
  const flush = (): void => {
    const text = buffer.join('');
    write(text);
    result.bytes += Buffer.byteLength(text);
    buffer = [];
    bufferBytes = 0;
  };
  const emit = (line: string, envelope: EnvelopeName): void => {
    buffer.push(line, '\n');
    bufferBytes += line.length + 1;
    result.lines++;
    result.envelopes[envelope]++;
    if (bufferBytes > 1 << 20) flush();
  };
  while (result.bytes + bufferBytes < options.targetBytes) {
    // A segment: one node's log in one envelope, as a file someone saved or a stream an agent shipped.
    const envelopeName = rng.pick(envelopeNames);
    const envelope = ENVELOPES[envelopeName];
    const node = rng.pick(NODES);
    const segmentLines = rng.int(segmentMin, segmentMax);
    const end = result.lines + segmentLines;
    while (result.lines < end && result.bytes + bufferBytes < options.targetBytes) {
      if (rng.chance(1 / options.noisePerReport)) {
        const [format, build] = pickReport(rng);
        const report = build(rng);
        result.reports[format]++;
        result.kills += report.kills;
        for (const message of report.messages) {
          clock.seconds += rng.int(3, 40) / 1e6;
          clock.sequence++;
          emit(envelope(message, clock, node), envelopeName);
        }
        // Reports seconds apart, as on a real node: each report is its own.
        clock.seconds += rng.int(2, 30);
      } else {
        const userland = rng.chance(0.3) ? userlandLine(rng, envelopeName, clock, node) : null;
        if (userland !== null) {
          emit(userland, envelopeName);
          continue;
        }
        for (const message of noiseMessages(rng, node)) {
          clock.seconds += rng.int(1, 800_000) / 1e6;
          clock.sequence++;
          emit(envelope(message, clock, node), envelopeName);
        }
      }
    }
  }
  flush();
  return result;
}
