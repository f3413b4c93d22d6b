import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKernelLog } from '../../shared/kernel-log.ts';
import { summaryNamesPid, wallSeconds } from '../../shared/open-report.ts';

describe('task table', () => {
  it('keeps names as printed, spaces and leading digits included', () => {
    const [event] = parseKernelLog(
      [
        '[ 4.0] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
        '[ 4.1] [  19331]  1000 19331   226026    29603  1314816        0           999 npm start',
        '[ 4.2] [  19332]  1000 19332   226026    29000  1314816        0           999 01  x',
        '[ 4.3] Memory cgroup out of memory: Killed process 19331 (npm start) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB',
      ].join('\n'),
    ).events;
    expect(event?.tasks.map((t) => [t.pid, t.name, t.rssKb])).toEqual([
      [19331, 'npm start', 29603 * 4],
      [19332, '01  x', 29000 * 4],
    ]);
  });
});

describe("the victim's uid and oom_score_adj from its task row, when the kill line shows neither (before 5.x)", () => {
  // cloud-on-k8s#1821 (corpus 192), `dmesg -T`: the kill line of 4.x has no `UID:` and no `oom_score_adj:`.
  const table = [
    '[Mon Sep 30 14:28:06 2019] [ pid ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
    '[Mon Sep 30 14:28:06 2019] [1108749]     0 1108749      256        1    32768        0          -998 pause',
    '[Mon Sep 30 14:28:06 2019] [1111060]  1000 1111060     2923      662    73728        0          -998 elasticsearch',
    '[Mon Sep 30 14:28:06 2019] [1111167]  1000 1111167  1011233    10562   393216        0          -998 java',
    '[Mon Sep 30 14:28:06 2019] [1111184]  1000 1111184  1439324  1305755 10616832        0          -998 java',
  ];
  const selection =
    '[Mon Sep 30 14:28:06 2019] Memory cgroup out of memory: Kill process 1111184 (java) score 0 or sacrifice child';
  const kill =
    '[Mon Sep 30 14:28:06 2019] Killed process 1111184 (java) total-vm:5757296kB, anon-rss:5211280kB, file-rss:11740kB, shmem-rss:0kB';

  it('takes them from the row of the pid that died', () => {
    const [event] = parseKernelLog([...table, selection, kill].join('\n')).events;
    expect(event?.victim).toMatchObject({ pid: 1111184, uid: 1000, oomScoreAdj: -998 });
  });

  it('reads the uid by shape when the header was not seen, and from a row beyond the ten kept in `tasks`', () => {
    const filler = Array.from(
      { length: 12 },
      (_, i) =>
        `[Mon Sep 30 14:28:06 2019] [${2000 + i}]     0 ${2000 + i}  2000000  1400000    32768        0             0 big`,
    );
    // A report opened by the lines before the table (here its `Memory cgroup stats`), the header lost.
    const stats =
      '[Mon Sep 30 14:28:06 2019] Memory cgroup stats for /kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e: cache:0KB rss:5211280KB';
    const [event] = parseKernelLog([stats, ...table.slice(1), ...filler, selection, kill].join('\n')).events;
    expect(event?.tasks.some((t) => t.pid === 1111184)).toBe(false);
    expect(event?.victim).toMatchObject({ pid: 1111184, uid: 1000, oomScoreAdj: -998 });
  });

  it('takes no uid from the row of the chosen parent when its child died (3.10 `or sacrifice child`)', () => {
    const child = kill.replace('Killed process 1111184', 'Killed process 1111190');
    const [event] = parseKernelLog([...table, selection, child].join('\n')).events;
    expect(event?.victim).toMatchObject({ pid: 1111190, uid: null, oomScoreAdj: null });
  });

  it("keeps the kill line's own UID over the row's (5.x)", () => {
    const modern = `${kill}, UID:0 pgtables:10368kB oom_score_adj:-998`;
    const [event] = parseKernelLog([...table, selection, modern].join('\n')).events;
    expect(event?.victim).toMatchObject({ pid: 1111184, uid: 0, oomScoreAdj: -998 });
  });
});

describe('a paste that starts inside the task table, its header and the lines before it cut (thirty-second red team)', () => {
  it('reads the rows before the kill line: the victim’s uid and oom_score_adj from its row (B/08, LEDE)', () => {
    // A syslog receiver's lines of an OpenWrt router (the receiver's prefix cut here), the kill line without a UID.
    const stamp = 'Jun  8 11:15:26 LEDE kernel:';
    const [event] = parseKernelLog(
      [
        `${stamp} [  350.039206] [  983]     0   983      427      147       4       0        0             0 opkg `,
        `${stamp} [  350.047702] [ 1059]   453  1059      263       17       3       0        0             0 dnsmasq `,
        `${stamp} [  350.056470] [ 2588]     0  2588      405      146       4       0        0             0 opkg `,
        `${stamp} [  350.064961] Out of memory: Kill process 983 (opkg) score 20 or sacrifice child `,
        `${stamp} [  350.072170] Killed process 2588 (opkg) total-vm:1620kB, anon-rss:584kB, file-rss:0kB `,
      ].join('\n'),
    ).events;
    expect(event).toMatchObject({
      node: 'LEDE',
      victim: { pid: 2588, name: 'opkg', uid: 0, oomScoreAdj: 0 },
    });
    expect(event?.tasks.map((t) => t.pid)).toEqual([983, 2588, 1059]);
  });

  it('reads them before a summary whose kill line was cut (B/15), and before a reaper line alone (A/10)', () => {
    // A game server's dmesg (Jamesits/docker-dst-server#47); notes on an Alibaba Cloud Linux 4.19 node.
    const [summarised] = parseKernelLog(
      [
        '[  870.644185] [   3232]     0  3232    32494    17544   286720        0             0 apt-check',
        '[  870.644189] [   3240]     0  3240     2371      778    57344        0             0 htop',
        '[  870.644190] [   2866]  1000  2866   900000   400000  4000000        0             0 dontstarve_dedi',
        '[  870.644191] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/docker/c8d1828156e3ad2f5d4b1991005b075e5ec8e61c1947b3cb4940202b4d4887b7,task=dontstarve_dedi,pid=2866,uid=1000',
      ].join('\n'),
    ).events;
    expect(summarised?.tasks.map((t) => t.pid)).toEqual([2866, 3232, 3240]);
    const [reaped] = parseKernelLog(
      [
        '[15975.012058] [ 209756]     0 209756 11111138  6623232 59961344        0           984 ffmpeg',
        '[15975.012060] [ 211576]     0 211576     2927       80    61440        0           992 run_logtail.sh',
        '[15975.722451] oom_reaper: reaped process 209756 (ffmpeg), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
      ].join('\n'),
    ).events;
    expect(reaped).toMatchObject({ victim: { pid: 209756, name: 'ffmpeg', uid: 0, oomScoreAdj: 984 } });
  });

  it('reads no rows after a kill, nor calls them a report without a kill: a paste in reverse (`journalctl -r`)', () => {
    const { events, drift } = parseKernelLog(
      [
        'Jan 09 14:15:16 kernel: Out of memory: Killed process 569725 (uvicorn) total-vm:44099472kB, anon-rss:19645212kB, file-rss:200140kB, shmem-rss:16384kB, UID:1000 pgtables:41196kB oom_score_adj:0',
        'Jan 09 14:15:16 kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=user.slice,mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice/session-1.scope,task=uvicorn,pid=569725,uid=1000',
        'Jan 09 14:15:16 kernel: [ 569725]  1000 569725 11024868  4965434 42184704     1332             0 uvicorn',
      ].join('\n'),
    );
    expect(events).toMatchObject([
      {
        victim: { pid: 569725 },
        cgroup: { task: '/user.slice/user-1000.slice/session-1.scope' },
        complete: true,
      },
    ]);
    expect(drift).toEqual([]);
    // Rows alone, a table's piece a paste cut out, are no report without a kill either, read or not (2.6.32's six
    // numbers are not read by shape).
    for (const rows of [
      ['[ 1.0] [  200]    33   200    10000     4000      20        0           500 httpd'],
      [
        '[ 1268]     0  1268    15341      180   0     -17 sshd',
        '[ 1532]    27  1532   410347   398810   1       0 mysqld',
      ],
    ])
      expect(parseKernelLog(rows.join('\n')).drift).toEqual([]);
  });

  it('keeps a memory.oom.group kill one event when the paste starts inside its table (a review)', () => {
    // The table's head is cut: its rows are not known to be all the group's members.
    const scope =
      '/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-poda5d8fdd1_1369_469e_8a7d_2c1047529435.slice/cri-containerd-9192cb33.scope';
    const { events } = parseKernelLog(
      [
        '[  139.201462] [   6331]     0  6331  1393044    20814   417792        0           984 ig',
        `[  139.201465] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-9192cb33.scope,mems_allowed=0,oom_memcg=/kubepods.slice,task_memcg=${scope},task=bash,pid=7788,uid=0`,
        '[  139.201482] Memory cgroup out of memory: Killed process 7788 (bash) total-vm:7169492kB, anon-rss:7165824kB, file-rss:956kB, shmem-rss:0kB, UID:0 pgtables:14076kB oom_score_adj:1000',
        `[  139.208991] Tasks in ${scope} are going to be killed due to memory.oom.group set`,
        '[  139.209001] Memory cgroup out of memory: Killed process 7620 (nginx) total-vm:11464kB, anon-rss:1156kB, file-rss:3900kB, shmem-rss:0kB, UID:0 pgtables:60kB oom_score_adj:1000',
        '[  139.217970] Memory cgroup out of memory: Killed process 7656 (nginx) total-vm:11928kB, anon-rss:1572kB, file-rss:616kB, shmem-rss:0kB, UID:101 pgtables:60kB oom_score_adj:1000',
      ].join('\n'),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ victim: { pid: 7788 }, coVictimCount: 2, complete: true });
    expect(events[0]?.coVictims.map((c) => c.pid)).toEqual([7620, 7656]);
  });

  it('keeps a table whole whose header line alone was cut: another pod’s kill 0.3 s later is no group member (a review)', () => {
    const pod = (uid: string) =>
      `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid}.slice`;
    const first = `${pod('aaaaaaaa_1111_2222_3333_444444444444')}/cri-containerd-9192cb33.scope`;
    const second = `${pod('bbbbbbbb_1111_2222_3333_444444444444')}/cri-containerd-77aa11bb.scope`;
    const { events } = parseKernelLog(
      [
        '[  139.201253] bash invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=1000',
        '[  139.201462] [   7788]     0  7788  1792373  1791456 14413824        0          1000 bash',
        '[  139.201463] [   7620]     0  7620     2866      264    61440        0          1000 nginx',
        `[  139.201465] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-9192cb33.scope,mems_allowed=0,oom_memcg=${first},task_memcg=${first},task=bash,pid=7788,uid=0`,
        '[  139.201482] Memory cgroup out of memory: Killed process 7788 (bash) total-vm:7169492kB, anon-rss:7165824kB, file-rss:956kB, shmem-rss:0kB, UID:0 pgtables:14076kB oom_score_adj:1000',
        `[  139.208991] Tasks in ${first} are going to be killed due to memory.oom.group set`,
        '[  139.209001] Memory cgroup out of memory: Killed process 7620 (nginx) total-vm:11464kB, anon-rss:1156kB, file-rss:3900kB, shmem-rss:0kB, UID:0 pgtables:60kB oom_score_adj:1000',
        '[  139.509001] Memory cgroup out of memory: Killed process 9911 (java) total-vm:2911928kB, anon-rss:1048572kB, file-rss:616kB, shmem-rss:0kB, UID:1001 pgtables:2400kB oom_score_adj:-997',
        `[  139.509010] Tasks in ${second} are going to be killed due to memory.oom.group set`,
      ].join('\n'),
    );
    expect(events.map((e) => [e.victim.pid, e.coVictims.map((c) => c.pid)])).toEqual([
      [7788, [7620]],
      [9911, []],
    ]);
  });

  it('reads no row by shape whose last number may be another column: 2.6.32’s oom_adj, a name a wrap took', () => {
    // 2.6.32 to 2.6.35: `[ pid ]   uid  tgid total_vm      rss cpu oom_adj name`; the oom_adj is no oom_score_adj.
    const [early] = parseKernelLog(
      [
        '[ 9.1] [ 2317]   500  2317   245634   170352   1     -17 java',
        '[ 9.2] Out of memory: kill process 2317 (java) score 8401 or a child',
        '[ 9.3] Killed process 2317 (java)',
      ].join('\n'),
    ).events;
    expect(early).toMatchObject({ victim: { pid: 2317, uid: null, oomScoreAdj: null }, tasks: [] });
    // A terminal's wrap at 80 columns moved the oom_score_adj and the name to the next line (linux-mm, 2017, 4.x's
    // eight numbers): joined, the row is whole; with that line lost, its last number is swapents, and `0` no name.
    const row = '[  237.867488] [ 4775]  1000  4775  4195473   860912    1814      19        0   ';
    const rest = [
      '[  237.869991] Out of memory: Kill process 4775 (a.out) score 924 or sacrifice child',
      '[  240.940617] Killed process 4775 (a.out) total-vm:16781892kB, anon-rss:88kB, file-rss:0kB, shmem-rss:3443560kB',
    ];
    const [joined] = parseKernelLog([row, '          0 a.out', ...rest].join('\n')).events;
    expect(joined).toMatchObject({ victim: { pid: 4775, uid: 1000, oomScoreAdj: 0 } });
    const [cut] = parseKernelLog([row, ...rest].join('\n')).events;
    expect(cut).toMatchObject({ victim: { pid: 4775, uid: null, oomScoreAdj: null }, tasks: [] });
  });
});

describe('a task-table row cut short, read by its shape (fifth red team K/01, Ubuntu 6.8 journalctl)', () => {
  it('gives no row when the number read as oom_score_adj cannot be one: another column was the last left', () => {
    const [event] = parseKernelLog(
      [
        'Dec 14 17:13:12 kernel: [  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes sw...',
        'Dec 14 17:13:12 kernel: [ 483880]  1000 483880    73357    14530    12706     1824         0   180224        ...',
        'Dec 14 17:13:12 kernel: Memory cgroup out of memory: Killed process 483880 (python3) total-vm:293428kB, anon-...',
      ].join('\n'),
    ).events;
    expect(event).toMatchObject({ victim: { pid: 483880, oomScoreAdj: null }, tasks: [] });
  });
});

describe('wallSeconds', () => {
  const second = fc.integer({ min: -1e12, max: 4e12 }).map((ms) => new Date(ms).toISOString());
  /** ISO times, then the same with one character changed: bad fields, `T24:00:00.001Z`, other forms. */
  const wallTime = fc.oneof(
    second,
    fc
      .tuple(second, fc.nat(), fc.constantFrom('0', '2', '4', '5', '6', '9', 'Z', '.', ':', '-', ' ', 'x'))
      .map(([text, at, c]) => text.slice(0, at % text.length) + c + text.slice((at % text.length) + 1)),
    fc.constantFrom('2026-01-01T24:00:00.000Z', '2026-01-01T24:00:00.001Z', '2026-02-30T10:00:00.000Z', ''),
  );

  it('reads what Date.parse reads, whichever days and times came before', () => {
    fc.assert(
      fc.property(fc.array(wallTime, { minLength: 1, maxLength: 8 }), (times) => {
        for (const time of times) expect(wallSeconds(time)).toBe(Date.parse(time) / 1000);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('summaryNamesPid (73rd red team A/01)', () => {
  it('is the same pid, whatever the comm', () => {
    expect(summaryNamesPid({ pid: 42, task: 'a', uid: 0 }, 42, 'b')).toBe(true);
    expect(summaryNamesPid({ pid: 42, task: 'a', uid: null }, 42, null)).toBe(true);
  });

  it('is a pid whose digits begin with the summary’s, of the same comm, only where no uid followed its pid', () => {
    expect(summaryNamesPid({ pid: 5673, task: 'python', uid: null }, 567337, 'python')).toBe(true);
    // The kernel printed the uid after it: the pid is whole, and another is another process (a child it killed).
    expect(summaryNamesPid({ pid: 5673, task: 'python', uid: 0 }, 567337, 'python')).toBe(false);
    expect(summaryNamesPid({ pid: 5673, task: 'python', uid: null }, 567337, 'java')).toBe(false);
    expect(summaryNamesPid({ pid: 5673, task: 'python', uid: null }, 567337, null)).toBe(false);
    expect(summaryNamesPid({ pid: 5673, task: 'python', uid: null }, 15673, 'python')).toBe(false);
  });

  it('is no pid where either is unknown', () => {
    expect(summaryNamesPid({ pid: null, task: 'python', uid: null }, 5673, 'python')).toBe(false);
    expect(summaryNamesPid({ pid: 5673, task: 'python', uid: null }, null, 'python')).toBe(false);
  });
});
