import { describe, expect, it } from 'vitest';
import { parseKernelLog } from '../../shared/kernel-log.ts';
import { readLogRecord, skimLogRecord, type LogEntry } from '../../shared/log-record.ts';
import { choiceApartFromKill, splitGluedRecords } from '../../shared/glued-records.ts';

const KILL =
  'Memory cgroup out of memory: Killed process 61746 (nginx) total-vm:10668kB, anon-rss:892kB, file-rss:12kB, shmem-rss:0kB, UID:0 pgtables:56kB oom_score_adj:999';

describe('readLogRecord removes every envelope people really have', () => {
  it('raw /dev/kmsg record (samples/seed-kmsg-raw-fragments.log)', () => {
    expect(readLogRecord(`3,13796,359453210036,-;${KILL}`)).toMatchObject({
      text: KILL,
      kernelTime: 359453.210036,
      sequence: 13796,
    });
  });

  it('reads the host after a facility and severity that a template printed before it (66th red team B/13)', () => {
    const line =
      '2019-12-13T04:23:58.358162+01:00 kern.err bgo-compute-06 kernel: Out of memory: Kill process 40223 (qemu-kvm) score 126 or sacrifice child';
    expect(readLogRecord(line)).toMatchObject({
      host: 'bgo-compute-06',
      wallTime: '2019-12-13T03:23:58.358Z',
      fromKernel: true,
      text: 'Out of memory: Kill process 40223 (qemu-kvm) score 126 or sacrifice child',
    });
    expect(readLogRecord('Dec 13 04:23:58 local3.info web-1 kernel: Out of memory')?.host).toBe('web-1');
    // A host that looks like neither stays the host (busybox prints the host first: `vm kern.err kernel:`).
    expect(readLogRecord('Dec  6 01:59:29 vm kern.err kernel: Out of memory')?.host).toBe('vm');
  });

  it("takes a /dev/kmsg record under another facility than the kernel's for another writer's (65th red team A/14)", () => {
    // Priority 11: facility 1 (user), level 3; a Rust agent's test writes it. The kernel's own records are 0 to 7.
    expect(readLogRecord('11,1,2,-;Out of memory: Killed process 1 (fake) total-vm:1kB')).toMatchObject({
      text: 'Out of memory: Killed process 1 (fake) total-vm:1kB',
      fromKernel: false,
    });
    expect(readLogRecord('3,1,2,-;Out of memory: Killed process 1 (fake) total-vm:1kB')?.fromKernel).toBe(
      true,
    );
    expect(parseKernelLog('11,1,2,-;Out of memory: Killed process 1 (fake) total-vm:1kB').events).toEqual([]);
  });

  it('skips kmsg dictionary continuation lines', () => {
    expect(readLogRecord(' SUBSYSTEM=memory')).toBeNull();
    expect(readLogRecord(' DEVICE=+cgroup:kubepods')).toBeNull();
  });

  it('dmesg time, printk caller id and level prefix (dmesg -x)', () => {
    expect(readLogRecord(`[ 3467.508244] ${KILL}`)).toMatchObject({ text: KILL, kernelTime: 3467.508244 });
    expect(readLogRecord(`[ 3467.508244] [T9185] ${KILL}`)).toMatchObject({
      text: KILL,
      kernelTime: 3467.508244,
    });
    expect(readLogRecord(`[ 3467.508244][ T9185] ${KILL}`)).toMatchObject({
      text: KILL,
      kernelTime: 3467.508244,
    });
    expect(readLogRecord(`kern  :err   : [ 3467.508244] ${KILL}`)).toMatchObject({
      text: KILL,
      kernelTime: 3467.508244,
    });
    expect(readLogRecord(`<3>[ 3467.508244] ${KILL}`)).toMatchObject({ text: KILL, kernelTime: 3467.508244 });
  });

  it("dmesg's relative times: -d, --time-format=delta, -e / -H / --time-format=reltime (util-linux 2.38.1)", () => {
    // Lines of this machine's own kernel log, a kill the real-kernel test caused, in each of dmesg's formats.
    const kill =
      'Memory cgroup out of memory: Killed process 19231 (tail) total-vm:68148kB, anon-rss:65280kB, file-rss:1680kB, shmem-rss:0kB, UID:0 pgtables:176kB oom_score_adj:0';
    expect(readLogRecord(`[31400.746127 <    0.000015>] ${kill}`)).toMatchObject({
      text: kill,
      kernelTime: 31400.746127,
      enveloped: true,
    });
    for (const line of [`[<    0.000015>] ${kill}`, `[  +0.000015] ${kill}`]) {
      expect(readLogRecord(line)).toMatchObject({
        text: kill,
        kernelTime: null,
        stamp: null,
        enveloped: true,
      });
    }
    // reltime's minute, where it changes: strftime's `%b%e %H:%M` (`Dec10` from the 10th on), or translated.
    expect(readLogRecord('[Dec 6 00:12] real-kernel-test-marker 32fa39df')).toMatchObject({
      text: 'real-kernel-test-marker 32fa39df',
      stamp: 'Dec 6 00:12',
    });
    expect(readLogRecord(`[Dec10 00:12] ${kill}`)).toMatchObject({ text: kill, stamp: 'Dec10 00:12' });
    expect(readLogRecord(`[10 déc. 00:12] ${kill}`)).toMatchObject({ text: kill, stamp: '10 déc. 00:12' });
    expect(readLogRecord('[Dec 5 23:19]  handle_mm_fault+0xd3/0x340')).toMatchObject({
      text: ' handle_mm_fault+0xd3/0x340',
    });
    // Brackets that are no time stay text: a task row, a trace address, a comm with a colon.
    expect(readLogRecord('[  19231]     0 19231    17037    16740 tail')?.text).toBe(
      '[  19231]     0 19231    17037    16740 tail',
    );
    expect(readLogRecord('[kworker/10:12] x')?.text).toBe('[kworker/10:12] x');
  });

  it("a collector's bracketed ISO date and time before each line (corpus 201, mesos/kibana#13)", () => {
    expect(
      readLogRecord('[2016-02-02 07:09:26]  memory: usage 1048576kB, limit 1048576kB, failcnt 78'),
    ).toMatchObject({
      text: ' memory: usage 1048576kB, limit 1048576kB, failcnt 78',
      stamp: '2016-02-02 07:09:26',
      enveloped: true,
    });
    expect(readLogRecord('[2026-12-06T01:56:40.123+00:00] x')).toMatchObject({
      text: 'x',
      stamp: '2026-12-06T01:56:40.123+00:00',
    });
  });

  it('the kernel’s own time after a capture tool’s or a collector’s stamp (thirty-third red teams, Qubes console logs)', () => {
    const header = 'java invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0';
    for (const [stamp, printed] of [
      ['[2025-06-04 17:51:20] ', '2025-06-04 17:51:20'],
      ['[2024-01-01T12:00:00.123Z] ', '2024-01-01T12:00:00.123Z'],
      ['[Mon Jan  1 12:34:56 2024] ', 'Mon Jan  1 12:34:56 2024'],
      ['[2016-02-02 07:09:26]  ', '2016-02-02 07:09:26'],
    ] as const) {
      expect(readLogRecord(`${stamp}[   21.646907] ${header}`)).toMatchObject({
        text: header,
        stamp: printed,
        kernelTime: 21.646907,
      });
      // A task row after the stamp is the message, not a time (after the stamp's pattern's one space).
      const row = '[  2874]     0  2874    18790 python3';
      expect(readLogRecord(`${stamp}${row}`)).toMatchObject({
        text: stamp.endsWith('  ') ? ` ${row}` : row,
        kernelTime: null,
      });
    }
  });

  it('no host where a syslog template put the severity (ChromeOS’s /var/log/messages)', () => {
    expect(
      readLogRecord(
        `2021-04-24T18:03:53.804300Z WARNING kernel: [  516.870000] Out of memory: Killed process 1 (a)`,
      ),
    ).toMatchObject({ text: 'Out of memory: Killed process 1 (a)', host: null, kernelTime: 516.87 });
    expect(readLogRecord('2021-04-24T18:03:53.804300Z ERR kernel: x')).toMatchObject({
      host: null,
      fromKernel: true,
    });
    expect(readLogRecord('2021-04-24T18:03:53.804300Z Err-01 kernel: x')).toMatchObject({ host: 'Err-01' });
  });

  it("a tool's source before an envelope: grep's file and line number, pdsh's host, a syslog priority", () => {
    const syslog = '2026-12-06T01:56:03.590750+00:00 vm kernel: [39249.327015] ' + KILL;
    for (const prefix of [
      'varlog/syslog:',
      '/var/log/messages-20261206:',
      'syslog.1:13:',
      '13:',
      '13-',
      'localhost: ',
      '<3>',
    ]) {
      expect(readLogRecord(prefix + syslog)).toMatchObject({
        text: KILL,
        host: 'vm',
        wallTime: '2026-12-06T01:56:03.590Z',
        kernelTime: 39249.327015,
        enveloped: true,
      });
    }
    // A comm after a bare word and the tag or a journal field alone stays whole (a review); after pdsh's host, a
    // line number or a file's name, the tag alone is an envelope (journalctl --no-hostname through grep or pdsh).
    for (const text of ['h:kernel: invoked oom-killer: x', 'a:MESSAGE=b invoked oom-killer: x']) {
      expect(readLogRecord(text)?.text).toBe(text);
    }
    for (const source of ['ip-10-0-1-23: ', '13:', 'kern.log:13:', '/var/log/kern.log:', 'node1: ']) {
      expect(readLogRecord(`${source}kernel: postgres invoked oom-killer: x`)?.text).toBe(
        'postgres invoked oom-killer: x',
      );
    }
    // grep's context lines (`-A`, `-C`): a `-` for the `:`, a file's name that holds one of its own; and a source
    // that a syslog month would take in (`13:Jan`) comes off first (a second review).
    for (const source of ['syslog-', 'kern-1.log-13-', '13-', '13:', 'syslog:', '<4>', 'ip-10-0-1-23: <4>']) {
      expect(readLogRecord(`${source}Dec  6 01:56:03 vm kernel: ${KILL}`)).toMatchObject({
        text: KILL,
        stamp: 'Dec  6 01:56:03',
        host: 'vm',
      });
    }
    // Kernel text that starts as a source would, with no envelope after it, stays text.
    for (const text of [
      'oom_reaper: reaped process 2874 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
      'CPU: 1 UID: 0 PID: 17694 Comm: tail Not tainted 6.18.44-fc-v1252 #1 PREEMPT(none)',
      'memory: usage 65536kB, limit 65536kB, failcnt 79',
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0',
      '<4>x',
    ]) {
      expect(readLogRecord(text)).toMatchObject({ text, enveloped: false });
    }
  });

  it("syslog-ng's JSON: its MESSAGE may hold a dmesg time, which comes off (a review)", () => {
    expect(
      readLogRecord(
        JSON.stringify({
          PROGRAM: 'kernel',
          MESSAGE: `[39249.326779] ${KILL}`,
          ISODATE: '2026-12-06T01:30:24+00:00',
          HOST: 'vm',
        }),
      ),
    ).toMatchObject({
      text: KILL,
      kernelTime: 39249.326779,
      wallTime: '2026-12-06T01:30:24.000Z',
      host: 'vm',
    });
  });

  it('dmesg -T in English and other languages keeps the stamp as printed', () => {
    expect(readLogRecord(`[Thu Dec  7 00:05:15 2017] ${KILL}`)).toMatchObject({
      text: KILL,
      stamp: 'Thu Dec  7 00:05:15 2017',
    });
    expect(readLogRecord(`[Do Dez  7 00:05:15 2017] ${KILL}`)).toMatchObject({
      text: KILL,
      stamp: 'Do Dez  7 00:05:15 2017',
    });
  });

  it('a `dmesg -T` stamp whose `[` the copy lost, at the start of a paste (red team B/15, G/03)', () => {
    const lost = [
      ' 四 4月 17 22:43:41 2025] prometheus invoked oom-killer: gfp_mask=0x6000c0(GFP_KERNEL), nodemask=(null), order=0, oom_score_adj=961',
      'Thu May 23 18:40:42 2024] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-73a14efa3e7cd8784be29370e24d1a606722dfcfef7f6d738b91c1d161aa0843.scope,mems_allowed=0-1,oom_memcg=/kubepods.slice/kubepods-pode18246de_2b68_4d3b_8d67_a9857d24c513.slice,task_memcg=/kubepods.slice/kubepods-pode18246de_2b68_4d3b_8d67_a9857d24c513.slice/cri-containerd-73a14efa3e7cd8784be29370e24d1a606722dfcfef7f6d738b91c1d161aa0843.scope,task=br,pid=76630,uid=0',
    ];
    expect(lost.map((line) => [readLogRecord(line)?.stamp, readLogRecord(line)?.text.slice(0, 28)])).toEqual([
      ['四 4月 17 22:43:41 2025', 'prometheus invoked oom-kille'],
      ['Thu May 23 18:40:42 2024', 'oom-kill:constraint=CONSTRAI'],
    ]);
    expect(lost.map((line) => skimLogRecord(line)?.enveloped)).toEqual([true, true]);
    // Prose with a clock time and a bracket is no stamp: the time must end in its year.
    expect(readLogRecord('at 10:00:00] the node rebooted')?.stamp).toBeNull();
  });

  it('keeps task-table brackets and trace addresses, which are not stamps', () => {
    expect(readLogRecord('[ 12.5] [   2874]     0  2874    18790 python3')?.text).toBe(
      '[   2874]     0  2874    18790 python3',
    );
    expect(readLogRecord('[<ffffffffa25c2974>] pagefault_out_of_memory+0x14/0x90')?.text).toBe(
      '[<ffffffffa25c2974>] pagefault_out_of_memory+0x14/0x90',
    );
  });

  it('journalctl/syslog with localized month, and the pager cut', () => {
    const entry = readLogRecord(
      '7月 12 12:11:16 k8s-node-04 kernel: Task in /kubepods.slice/kubepods-burstable.slice/x>',
    );
    expect(entry).toMatchObject({
      host: 'k8s-node-04',
      stamp: '7月 12 12:11:16',
      fromKernel: true,
      truncated: true,
    });
    expect(
      readLogRecord(
        'апр 28 02:19:34 PC kernel: Out of memory: Kill process 28367 (python3) score 714 or sacrifice child',
      ),
    ).toMatchObject({
      host: 'PC',
      fromKernel: true,
    });
  });

  it('RFC 5424 syslog, dmesg --time-format iso, and journalctl short-full, short-monotonic, --no-hostname', () => {
    expect(
      readLogRecord(`<4>1 2026-12-05T16:23:08.123456+00:00 ip-10-0-1-23 kernel - - - ${KILL}`),
    ).toMatchObject({
      text: KILL,
      wallTime: '2026-12-05T16:23:08.123Z',
      host: 'ip-10-0-1-23',
      fromKernel: true,
    });
    expect(readLogRecord(`<30>1 2026-12-05T16:23:08Z h systemd 1 - [x@1 a="b"] ${KILL}`)).toMatchObject({
      text: KILL,
      fromKernel: false,
    });
    expect(readLogRecord(`2026-12-05T16:23:08,123456+00:00 ${KILL}`)).toMatchObject({
      text: KILL,
      wallTime: '2026-12-05T16:23:08.123Z',
    });
    expect(readLogRecord(`Sat 2026-12-05 16:23:08 UTC ip-10-0-1-23 kernel: ${KILL}`)).toMatchObject({
      text: KILL,
      wallTime: '2026-12-05T16:23:08.000Z',
      host: 'ip-10-0-1-23',
    });
    expect(readLogRecord(`[ 4194.100000] ip-10-0-1-23 kernel: ${KILL}`)).toMatchObject({
      text: KILL,
      kernelTime: 4194.1,
      host: 'ip-10-0-1-23',
    });
    expect(readLogRecord(`Dec 05 16:23:08 kernel: ${KILL}`)).toMatchObject({
      text: KILL,
      stamp: 'Dec 05 16:23:08',
      host: null,
      fromKernel: true,
    });
  });

  it('journalctl -o short-unix: seconds since the epoch, the host and the writer (fifth red team)', () => {
    const header =
      'chrome-headless invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=300';
    expect(readLogRecord(`1787068905.416344 precision kernel: ${header}`)).toMatchObject({
      text: header,
      wallTime: '2026-08-18T16:01:45.416Z',
      host: 'precision',
      fromKernel: true,
    });
    expect(
      readLogRecord(
        '1787068979.289100 precision systemd[4106]: run-p2684493-i11077323.scope: Consumed 1min 32.072s CPU time.',
      ),
    ).toMatchObject({ host: 'precision', fromKernel: false });
    expect(readLogRecord(`1787068905.416344 kernel: ${header}`)).toMatchObject({ text: header, host: null });
  });

  it('OpenWrt logread: the date with its year, the facility and level, the writer (sixth red team L/08)', () => {
    const kill =
      'Out of memory: Killed process 3370 (smbd) total-vm:2888kB, anon-rss:152kB, file-rss:0kB, shmem-rss:144kB, UID:0 pgtables:44kB oom_score_adj:0';
    expect(readLogRecord(`Thu Jun 17 23:28:05 2021 kern.err kernel: [   58.430534] ${kill}`)).toMatchObject({
      text: kill,
      kernelTime: 58.430534,
      stamp: 'Thu Jun 17 23:28:05 2021',
      enveloped: true,
      fromKernel: true,
    });
    expect(
      readLogRecord('Thu Jun 17 23:28:11 2021 daemon.info dnsmasq[10310]: Connected to system UBus'),
    ).toMatchObject({ text: 'Connected to system UBus', enveloped: true, fromKernel: false });
  });

  it('RFC 3339 syslog whose stamp lost its fraction and zone: a stamp, no wall clock (sixth red team M/03)', () => {
    expect(
      readLogRecord('2026-03-22T15:00:03 mini-might kernel: oom-kill:constraint=CONSTRAINT_MEMCG'),
    ).toMatchObject({
      text: 'oom-kill:constraint=CONSTRAINT_MEMCG',
      stamp: '2026-03-22T15:00:03',
      wallTime: null,
      host: 'mini-might',
      fromKernel: true,
    });
  });

  it('a `| ` quote mark inside an e-mail quote (red team G/17, LKML)', () => {
    const line =
      '> | oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,task=systemd-logind,pid=1713,uid=0';
    expect(readLogRecord(line)?.text).toBe(
      'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,task=systemd-logind,pid=1713,uid=0',
    );
    // Not a pipe that is text: the quote mark is one after `>`, then a space.
    expect(readLogRecord('|x| Killed process 1 (a)')?.text).toBe('|x| Killed process 1 (a)');
  });

  it('a syslog host an author hid (`**`, `...`) names no node (red team G/04, A/14)', () => {
    const hidden = [
      'Feb 03 19:57:08 ** kernel: virt-launcher invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=986',
      '> Aug 30 06:58:55.050705 ... kernel: oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null)',
    ];
    expect(hidden.map((line) => [readLogRecord(line)?.host, readLogRecord(line)?.fromKernel])).toEqual([
      [null, true],
      [null, true],
    ]);
    const named = 'May 19 18:14:43 aks-np0cas-14924781-vmss000008 kernel: [  139.201482] Out of memory';
    expect(readLogRecord(named)?.host).toBe('aks-np0cas-14924781-vmss000008');
    // Hosts as relays and addresses print them are hosts (syslog-ng chain-hostnames, an IPv4-mapped address).
    for (const host of ['web01/loghost', '::ffff:10.0.0.5', 'node-1@cluster', '[10.0.0.5]'])
      expect(readLogRecord(`Mar  1 12:00:00 ${host} kernel: Out of memory`)?.host, host).toBe(host);
    expect(readLogRecord('Mar  1 12:00:00 <hostname> kernel: Out of memory')?.host).toBeNull();
  });

  it("a syslog host an author masked with x's or wrote as `hostname` names no node (red team 61 A/09)", () => {
    const masked = [
      'Aug 30 01:35:08 xxxxx kernel: [7189052.424065] Killed process 18540 (mysqld) total-vm:7721568kB, anon-rss:6141916kB, file-rss:0kB, shmem-rss:0kB',
      'Nov 27 01:26:57 hostname kernel: Out of memory',
      'Mar  1 12:00:00 XXX kernel: Out of memory',
      'Mar  1 12:00:00 x.x.x.x kernel: Out of memory',
      '2024-07-12T12:11:16.123456+08:00 xxx-xxx kernel: Out of memory',
    ];
    expect(masked.map((line) => [readLogRecord(line)?.host, readLogRecord(line)?.fromKernel])).toEqual(
      masked.map(() => [null, true]),
    );
    // A name with x's among other letters, or two x's, is a host.
    for (const host of ['xenial', 'box-x1', 'xx', 'hostname01', 'x1.x2'])
      expect(readLogRecord(`Mar  1 12:00:00 ${host} kernel: Out of memory`)?.host, host).toBe(host);
  });

  it('marks lines of other programs as not from the kernel', () => {
    const entry = readLogRecord(
      '7月 12 12:11:16 k8s-node-04 systemd[1]: docker-052d.scope: A process of this unit has been killed by the OOM killer.',
    );
    expect(entry).toMatchObject({ fromKernel: false, host: 'k8s-node-04' });
  });

  it('RFC 3339 syslog with a dmesg time inside', () => {
    expect(
      readLogRecord(`2024-07-12T12:11:16.123456+08:00 ip-10-0-1-23 kernel: [ 3467.508244] ${KILL}`),
    ).toMatchObject({
      text: KILL,
      wallTime: '2024-07-12T04:11:16.123Z',
      kernelTime: 3467.508244,
      host: 'ip-10-0-1-23',
    });
  });

  it('a dmesg time whose brackets markdown escaped, a book converted from PDF (71st red team A/08)', () => {
    const header =
      '\\[ 5.168012\\] oom invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0';
    expect(readLogRecord(header)).toMatchObject({
      text: 'oom invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0',
      kernelTime: 5.168012,
    });
    const report = parseKernelLog(
      [
        header,
        '\\[ 5.168206\\] Out of memory: Killed process 246 (oom) total-vm:134220092kB, anon-rss:7965416kB, file-rss:4kB, shmem-rss:0kB, UID:1000 pgtables:15632kB oom_score_adj:0',
      ].join('\n'),
    );
    expect(report.events.map((e) => [e.trigger?.name, e.trigger?.order, e.victim.pid, e.kernelTime])).toEqual(
      [['oom', 0, 246, 5.168206]],
    );
    // `dmesg -T`'s date so escaped, and a comm's escaped mark with it; a regex's escaped time (`\\.`) is no envelope.
    expect(
      readLogRecord('\\[Tue Dec  3 10:00:00 2024\\] Out of memory: Killed process 1 (a\\_b)'),
    ).toMatchObject({
      text: 'Out of memory: Killed process 1 (a_b)',
      stamp: 'Tue Dec  3 10:00:00 2024',
    });
    expect(readLogRecord('\\[ 5\\.168012\\] oom invoked oom-killer')).toMatchObject({
      kernelTime: null,
      enveloped: false,
    });
  });

  it('a hypervisor log prefix before the dmesg time (vmware/photon#1535)', () => {
    expect(
      readLogRecord(
        '2023-12-04T10:49:30.127Z In(05) vcpu-5 - Guest: <6>[39291577.009363] Tasks state (memory values in pages):',
      ),
    ).toMatchObject({ text: 'Tasks state (memory values in pages):', kernelTime: 39291577.009363 });
  });

  it('a listener’s label before each kernel syslog record it received, a dmesg time after it (68th red team A/05)', () => {
    // PirateBox-Dev/openwrt-piratebox-feed#10: a LEDE router's remote syslog as a listener printed it.
    expect(
      readLogRecord(
        'Received message  <3>Jun  8 11:15:26 LEDE kernel: [  350.072170] Killed process 2588 (opkg) total-vm:1620kB, anon-rss:584kB, file-rss:0kB',
      ),
    ).toMatchObject({
      text: 'Killed process 2588 (opkg) total-vm:1620kB, anon-rss:584kB, file-rss:0kB',
      kernelTime: 350.07217,
      stamp: 'Jun  8 11:15:26',
      host: 'LEDE',
      fromKernel: true,
    });
    // Another writer's record there names no host of the kernel's; fields with no record name none.
    expect(
      readLogRecord(
        'Received message  <3>Jun  8 11:15:26 LEDE dnsmasq: [  350.072170] Killed process 2588 (opkg)',
      ),
    ).toMatchObject({ stamp: null, host: null, kernelTime: 350.07217 });
    expect(readLogRecord('root@LEDE:~# [  350.072170] Killed process 2588 (opkg)')).toMatchObject({
      stamp: null,
      host: null,
    });
  });

  it('`fly logs`: the time, the machine, its region and level before the dmesg time (thirty-seventh red team A/01, A/12)', () => {
    // remix-run/indie-stack#200 (no zone, a space before the dmesg time) and phoenixframework/flame#63 (`Z`, none).
    expect(
      readLogRecord(
        '2023-03-31T16:36:00.514 app[9185900a4e3978] lhr [info] [    5.916011] Out of memory: Killed process 597 (node) total-vm:11112664kB, anon-rss:108160kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1160kB oom_score_adj:0',
      ),
    ).toMatchObject({
      text: 'Out of memory: Killed process 597 (node) total-vm:11112664kB, anon-rss:108160kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1160kB oom_score_adj:0',
      kernelTime: 5.916011,
      stamp: '2023-03-31T16:36:00.514',
      wallTime: null,
      host: null,
    });
    expect(
      readLogRecord(
        '2024-10-07T11:37:16Z app[2865134a394268] cdg [info][  258.930660] Out of memory: Killed process 476 (beam.smp) total-vm:38749148kB, anon-rss:32433276kB, file-rss:4kB, shmem-rss:135308kB, UID:65534 pgtables:66284kB oom_score_adj:0',
      ),
    ).toMatchObject({ kernelTime: 258.93066, wallTime: '2024-10-07T11:37:16.000Z', host: null });
    // flyctl before Machines: the instance's 8 hex digits alone (the third review of the rule).
    expect(
      readLogRecord(
        '2021-06-10T13:08:09.474Z 6b7b7c3f lhr [info][   12.345678] Out of memory: Killed process 512 (node) total-vm:1024kB, anon-rss:512kB, file-rss:0kB, shmem-rss:0kB',
      ),
    ).toMatchObject({
      text: expect.stringMatching(/^Out of memory: Killed process 512/),
      kernelTime: 12.345678,
    });
    // An app's own line under the same prefix: its text, no dmesg time.
    expect(
      readLogRecord(
        '2024-10-07T11:36:40Z app[908055ec2195e8] cdg [info]11:36:40.554 [info] Membrane pipeline success',
      ),
    ).toMatchObject({ text: '11:36:40.554 [info] Membrane pipeline success', kernelTime: null });
  });

  it('the Talos kernel log: talosctl dmesg with and without its -n node prefix (siderolabs/talos#11148)', () => {
    const counter = 'memory: usage 4194304kB, limit 4194304kB, failcnt 2084326';
    const kill =
      'Out of memory: Killed process 2735 (kube-apiserver) total-vm:3112352kB, anon-rss:1505564kB, file-rss:104kB, shmem-rss:0kB, UID:65534 pgtables:3800kB oom_score_adj:827';
    const lines: [string, string, string | null][] = [
      [
        `10.200.70.91: kern:    info: [2025-06-04T04:51:57.572293906Z]: ${counter}`,
        counter,
        '2025-06-04T04:51:57.572Z',
      ],
      [
        `172.25.100.11: kern:     err: [2025-04-22T10:37:36.727637155Z]: ${kill}`,
        kill,
        '2025-04-22T10:37:36.727Z',
      ],
      // Without -n, a hostname as node, `warning` filling the width, a zone other than Z, no fraction.
      [`kern:     err: [2025-04-22T10:37:36.727637155Z]: ${kill}`, kill, '2025-04-22T10:37:36.727Z'],
      [`talos-cp-1: kern: warning: [2025-04-22T12:37:36+02:00]: ${kill}`, kill, '2025-04-22T10:37:36.000Z'],
      // A message in a collector's `log` field (a file of talosctl output tailed as-is).
      [
        JSON.stringify({ log: `kern:    info: [2025-06-04T04:51:57.572293906Z]: ${counter}` }),
        counter,
        '2025-06-04T04:51:57.572Z',
      ],
    ];
    for (const [raw, text, wallTime] of lines) {
      // The -n prefix is the address talosctl was given, not the node's name: no host.
      expect(readLogRecord(raw)).toMatchObject({
        text,
        wallTime,
        host: null,
        kernelTime: null,
        enveloped: true,
        fromKernel: true,
      });
      expect(skimLogRecord(raw)).toMatchObject({ enveloped: true });
    }
    // Messages userspace wrote to /dev/kmsg have another facility (LOG_USER): not the kernel's.
    expect(
      readLogRecord(
        '172.25.100.11: user: warning: [2025-04-22T10:37:36.7Z]: [talos] Killed process 2735 (x)',
      ),
    ).toMatchObject({ text: '[talos] Killed process 2735 (x)', fromKernel: false });
    // A time without its zone is not this envelope, nor is a comm that looks like a node.
    expect(readLogRecord(`kern:    info: [2025-06-04T04:51:57.572293906]: ${counter}`)?.wallTime).toBeNull();
  });

  it("the vmware.log time stays the hypervisor's, not the guest line's wall clock (vmware/photon#1535)", () => {
    expect(
      readLogRecord(
        '2023-12-04T10:49:30.125Z In(05) vcpu-5 - Guest: <3>[39290745.072599] Killed process 2625 (node) total-vm:22355612kB, anon-rss:517580kB, file-rss:34160kB, shmem-rss:0kB',
      ),
    ).toMatchObject({ wallTime: null, kernelTime: 39290745.072599, host: null });
  });

  it('Fluent Bit kmsg record, whole (samples/fluent-bit-5.1 /fluentbit/oom-whole)', () => {
    const record = JSON.stringify({ priority: 3, sequence: 506, sec: 4194, usec: 691334, msg: KILL });
    expect(readLogRecord(record)).toMatchObject({
      text: KILL,
      kernelTime: 4194.691334,
      sequence: 506,
      fromKernel: true,
    });
  });

  it('kmsg record whose msg carries dictionary lines', () => {
    const record = JSON.stringify({
      priority: 3,
      sequence: 7,
      sec: 1,
      usec: 0,
      msg: `${KILL}\n SUBSYSTEM=memory`,
    });
    expect(readLogRecord(record)?.text).toBe(KILL);
  });

  it('systemd journal record with MESSAGE, monotonic and realtime stamps', () => {
    const record = JSON.stringify({
      MESSAGE: KILL,
      _TRANSPORT: 'kernel',
      _HOSTNAME: 'ip-10-0-1-23.ec2.internal',
      _SOURCE_MONOTONIC_TIMESTAMP: '4194691334',
      __REALTIME_TIMESTAMP: '1795359237691000',
    });
    expect(readLogRecord(record)).toMatchObject({
      text: KILL,
      kernelTime: 4194.691334,
      host: 'ip-10-0-1-23.ec2.internal',
      wallTime: new Date(1795359237691).toISOString(),
      fromKernel: true,
    });
  });

  it('Container Insights host record, kernel and not kernel', () => {
    expect(
      readLogRecord(JSON.stringify({ host: 'ip-10-0-1-23', ident: 'kernel', message: KILL })),
    ).toMatchObject({
      text: KILL,
      host: 'ip-10-0-1-23',
      fromKernel: true,
    });
    expect(
      readLogRecord(JSON.stringify({ host: 'ip-10-0-1-23', ident: 'kubelet', message: 'OOM' }))?.fromKernel,
    ).toBe(false);
  });

  it('e-mail quoting, CRLF, a BOM and colour codes', () => {
    expect(readLogRecord(`> > [ 3467.508244] ${KILL}\r`)).toMatchObject({
      text: KILL,
      kernelTime: 3467.508244,
    });
    expect(readLogRecord(`\ufeff\u001b[31m[ 3467.508244] ${KILL}\u001b[0m`)?.text).toBe(KILL);
  });

  it('syslog lines pasted as markdown list items in inline code (red team 4 I/10, corpus 85)', () => {
    const host = 'aks-agentpool-20086390-vmss00003C';
    const lines = [
      // The first item, whose opening backtick the blog's code fence took.
      '- Jan 14 18:01:55 aks-agentpool-20086390-vmss00003C kernel: [ 1432.394489] dotnet invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=1000`',
      '`- Jan 14 18:01:55 aks-agentpool-20086390-vmss00003C kernel: [ 1432.394506]  oom_kill_process+0xe6/0x120`',
      '`- Jan 14 18:01:55 aks-agentpool-20086390-vmss00003C kernel: [ 1432.394676] Memory cgroup out of memory: Killed process 20341 (dotnet) total-vm:172181696kB, anon-rss:4776416kB, file-rss:25296kB, shmem-rss:0kB, UID:0 pgtables:9620kB oom_score_adj:1000`',
      '`- Jan 14 18:02:17 aks-agentpool-20086390-vmss00003C kubelet[3044]: I0114 18:02:17.686538    3044 kuberuntime_container.go:661] "Killing container with a grace period override" pod="alloc-tests/alloc-mem-leak"`',
    ];
    expect(lines.map((line) => readLogRecord(line))).toMatchObject([
      {
        text: 'dotnet invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=1000',
        host,
        stamp: 'Jan 14 18:01:55',
        kernelTime: 1432.394489,
        enveloped: true,
      },
      { text: ' oom_kill_process+0xe6/0x120', host, kernelTime: 1432.394506 },
      {
        text: 'Memory cgroup out of memory: Killed process 20341 (dotnet) total-vm:172181696kB, anon-rss:4776416kB, file-rss:25296kB, shmem-rss:0kB, UID:0 pgtables:9620kB oom_score_adj:1000',
        host,
        fromKernel: true,
      },
      { host, fromKernel: false },
    ]);
    expect(lines.map((line) => skimLogRecord(line)?.enveloped)).toEqual([true, true, true, true]);
  });

  it('plain text passes through; a JSON that is not a record is text', () => {
    expect(readLogRecord(KILL)).toMatchObject({ text: KILL, enveloped: false, kernelTime: null });
    expect(readLogRecord('{not json}')?.text).toBe('{not json}');
    expect(readLogRecord('')).toBeNull();
  });

  it('does not take </TASK> for a pager cut', () => {
    expect(readLogRecord('[ 3467.508137]  </TASK>')?.truncated).toBe(false);
  });

  it('a page’s closing tags after a figure end the line, not a pager’s cut (seventy-fifth red team B/02, B/03; corpus 329, 330)', () => {
    // An HTML copy of a Q&A page and a course's page: the block opened with `<pre><code>` or `<div>` lines above.
    const kill = 'Killed process 23636 (osm2pgsql) total-vm:75687764kB, anon-rss:60639884kB, file-rss:0kB';
    const rest = '               shmem-rss:0kB, UID:0 pgtables:1092kB oom_score_adj:0';
    const timed = `[22651.345303] ${kill}`;
    expect(readLogRecord(`${kill}</code></pre>`)).toMatchObject({ text: kill, truncated: false });
    expect(readLogRecord(`${rest}</div>`)).toMatchObject({ text: rest.trim(), truncated: false });
    expect(readLogRecord(`${timed}</PRE>  `)).toMatchObject({
      text: kill,
      truncated: false,
      kernelTime: 22651.345303,
    });
    expect(readLogRecord(`Jun  4 07:41:59 plumbr kernel: ${timed}</span></p>`)).toMatchObject({
      text: kill,
      truncated: false,
      host: 'plumbr',
    });
    expect(readLogRecord(`${timed}<br />`)).toMatchObject({ text: kill, truncated: false });
    // A task row ends in its comm, which may be anything; a pager's cut mark is no tag.
    const row = '[ 5046]     0  5046   316916    75022   700416        0             0 </b>';
    expect(readLogRecord(row)?.text).toBe(row);
    expect(readLogRecord(`${kill.slice(0, -3)}>`)).toMatchObject({ truncated: true });
  });

  it('a paste indented as a whole: dmesg -x -T in a blog, syslog in course notes (corpus 29, 24)', () => {
    expect(
      readLogRecord(
        '    kern  :warn  : [Thu Aug 17 17:29:27 2023] xray invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=-997',
      ),
    ).toMatchObject({
      text: 'xray invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=-997',
      stamp: 'Thu Aug 17 17:29:27 2023',
      enveloped: true,
    });
    expect(
      readLogRecord(
        '        May 25 13:25:03 centos kernel: Out of memory: Kill process 19384 (firefox) score 71 or sacrifice child',
      ),
    ).toMatchObject({
      text: 'Out of memory: Kill process 19384 (firefox) score 71 or sacrifice child',
      host: 'centos',
      stamp: 'May 25 13:25:03',
    });
    expect(readLogRecord(`  >  [ 3467.508244] ${KILL}`)).toMatchObject({
      text: KILL,
      kernelTime: 3467.508244,
    });
  });

  it('a journald record keeps a comm with a newline whole; a kmsg record ends at its dictionary', () => {
    // prctl(PR_SET_NAME) can put a newline in a comm; kmsg escapes it as \x0a, journald turns it back.
    const renamed = KILL.replace('(nginx)', '(evil\nname)');
    expect(readLogRecord(JSON.stringify({ MESSAGE: renamed, _TRANSPORT: 'kernel' }))?.text).toBe(renamed);
    expect(readLogRecord(JSON.stringify({ host: 'n', ident: 'kernel', message: renamed }))?.text).toBe(
      renamed,
    );
    expect(
      readLogRecord(
        JSON.stringify({ priority: 3, sequence: 9, sec: 1, usec: 0, msg: `${KILL}\n SUBSYSTEM=memory` }),
      )?.text,
    ).toBe(KILL);
  });
});

describe('splitGluedRecords', () => {
  const entry = (raw: string): LogEntry => readLogRecord(raw) as LogEntry;

  it('reads each record that a paste glued onto one line (corpus 06)', () => {
    const glued = entry(
      '[193038.106478] memory: usage 524288kB, limit 524288kB, failcnt 77[193038.106480] memory+swap: usage 0kB, limit 9007199254740988kB, failcnt 0[193038.106574] Memory cgroup out of memory: Kill process 27281 (java) score 1027 or sacrifice child[193038.1',
    );
    expect(splitGluedRecords(glued).map((e) => [e.kernelTime, e.text])).toEqual([
      [193038.106478, 'memory: usage 524288kB, limit 524288kB, failcnt 77'],
      [193038.10648, 'memory+swap: usage 0kB, limit 9007199254740988kB, failcnt 0'],
      [
        193038.106574,
        'Memory cgroup out of memory: Kill process 27281 (java) score 1027 or sacrifice child[193038.1',
      ],
    ]);
  });

  it("splits records glued at their priorities whoever wrote the first (rsyslog's forward format; a second review)", () => {
    const records = [
      '<30>2026-12-06T01:56:03.590600+00:00 vm systemd[1]: Started session-5.scope.',
      '<4>2026-12-06T01:56:03.590652+00:00 vm kernel: [31400.746043] python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      `<3>2026-12-06T01:56:03.590800+00:00 vm kernel: [31400.746127] ${KILL}`,
    ];
    expect(
      parseKernelLog(records.join('')).events.map((e) => [e.victim.pid, e.trigger?.name, e.node]),
    ).toEqual([[61746, 'python3', 'vm']]);
  });

  it("reads no kill from another writer's JSON record that quotes a kernel syslog record (a review)", () => {
    const quoted = 'Dec  6 01:59:29 n1 kernel: Memory cgroup out of memory: Killed process 1234 (python3)';
    const record = { host: 'n1', ident: 'fluent-bit', message: `[warn] dropped record: ${quoted}` };
    expect(parseKernelLog(JSON.stringify({ ...record, time: '2026-12-06T01:59:30Z' })).events).toEqual([]);
  });

  it('leaves a record alone when it has no time of its own or no time inside', () => {
    const plain = entry(KILL);
    expect(splitGluedRecords(plain)).toEqual([plain]);
    const timed = entry(`[ 3467.508244] ${KILL}`);
    expect(splitGluedRecords(timed)).toEqual([timed]);
    const row = entry('[ 12.5] [   2874]     0  2874    18790 python3');
    expect(splitGluedRecords(row)).toEqual([row]);
  });

  it('reads each kernel syslog record that a mail client glued onto a syslog line (ninth red team R/06, linux-mm)', () => {
    const glued = entry(
      'Mar 16 21:40:40 t6360003 kernel: Out of memory: kill process 30502 (cc1) score 3672 or a child Mar 16 21:40:40 t6360003 kernel: Killed process 30502 (cc1)',
    );
    expect(splitGluedRecords(glued).map((e) => [e.stamp, e.host, e.text])).toEqual([
      ['Mar 16 21:40:40', 't6360003', 'Out of memory: kill process 30502 (cc1) score 3672 or a child'],
      ['Mar 16 21:40:40', 't6360003', 'Killed process 30502 (cc1)'],
    ]);
    // Not another writer's stamp.
    const other = entry('Mar 16 21:40:40 h kernel: a Mar 16 21:40:40 h sshd[1]: b');
    expect(splitGluedRecords(other)).toEqual([other]);
  });

  it('reads a kernel syslog record apart from the prose before it: a shell prompt and its command (63rd red team A/14)', () => {
    const prompted = entry(
      '$ sudo grep -i kill /var/log/messages* May 10 18:07:27 server1 kernel: Out of memory: Kill process 202647 (program01) score 919 or sacrifice child',
    );
    expect(splitGluedRecords(prompted).map((e) => [e.stamp, e.host, e.text])).toEqual([
      [null, null, '$ sudo grep -i kill /var/log/messages*'],
      [
        'May 10 18:07:27',
        'server1',
        'Out of memory: Kill process 202647 (program01) score 919 or sacrifice child',
      ],
    ]);
    const bare = entry('x Mar 16 21:40:40 t6360003 kernel: Killed process 30502 (cc1)');
    expect(splitGluedRecords(bare).map((e) => e.host)).toEqual([null, 't6360003']);
    // Another writer's record quoted so stays the prose's text.
    const other = entry('x Mar 16 21:40:40 t6360003 sshd[1]: Killed process 30502 (cc1)');
    expect(splitGluedRecords(other)).toEqual([other]);
  });
  it('reads apart untimed kernel messages that a program’s literal joined by `\\n` escapes, the header first (76th red team B/08, B/17)', () => {
    const header = 'worker invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0';
    const kill = 'Out of memory: Killed process 7 (worker) total-vm:100kB, anon-rss:50kB, file-rss:0kB';
    // A Rust doc comment's literal as written (its escape kept), and one a stage decoded (a read newline).
    for (const newline of ['\\n', '\n']) {
      expect(splitGluedRecords(entry(`${header}${newline}${kill}`)).map((e) => e.text)).toEqual([
        header,
        kill,
      ]);
    }
    // A Go constant's lines after a word no recognizer reads: each message apart, with the entry's envelope.
    const go = entry(
      '[5.0] ok\\nx invoked oom-killer: order=0\\noom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/a.service,task=node\\nMemory cgroup out of memory: Killed process 7 (node) total-vm:1kB\\n',
    );
    expect(splitGluedRecords(go).map((e) => [e.kernelTime, e.text])).toEqual([
      [5, 'ok'],
      [5, 'x invoked oom-killer: order=0'],
      [5, 'oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/a.service,task=node'],
      [5, 'Memory cgroup out of memory: Killed process 7 (node) total-vm:1kB\\n'],
    ]);
  });

  it('leaves a backslash and an `n` in a comm or prose, and a single message after one, in its line', () => {
    const kept = [
      // The comm `a\nb`: one kernel message after the escape is no second record.
      'a\\nb invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      'Killed process 7 (a\\nb) total-vm:100kB, anon-rss:50kB, file-rss:0kB',
      'Out of memory: Killed process 7 (a\\nOut of memory: Killed process) total-vm:1kB',
      // Prose with one message after its escapes; an escaped backslash before the `n`, which is no newline.
      'see C:\\nodes\\nOut of memory: Killed process 7 (worker) total-vm:100kB',
      'x invoked oom-killer: order=0\\\\nOut of memory: Killed process 7 (worker) total-vm:100kB',
    ].map(entry);
    expect(kept.map((e) => splitGluedRecords(e))).toEqual(kept.map((e) => [e]));
  });

  it('reads apart a choice of victim and its kill line that a writer joined with a space (eighth red team Q/02)', () => {
    // node-problem-detector's OOMKilling event, as kubesphere/kubeye's README shows it in an event table.
    const npd =
      'Out of memory: Kill process 16711 (stress) score 205 or sacrifice child Killed process 16711 (stress), UID 0, total-vm:826516kB, anon-rss:819296kB, file-rss:0kB, shmem-rss:0kB';
    expect(choiceApartFromKill(entry(npd)).map((e) => e.text)).toEqual([
      'Out of memory: Kill process 16711 (stress) score 205 or sacrifice child',
      'Killed process 16711 (stress), UID 0, total-vm:826516kB, anon-rss:819296kB, file-rss:0kB, shmem-rss:0kB',
    ]);
    expect(parseKernelLog(npd).events[0]).toMatchObject({
      victim: { pid: 16711, name: 'stress', totalVmKb: 826516 },
      constraint: 'system',
      limitScope: 'node',
    });
    // Each kernel's spelling of the choice, and a record with a time of its own.
    const early = 'Out of memory: kill process 2908 (sshd) score 379 or a child Killed process 2909 (sshd)';
    expect(choiceApartFromKill(entry(early)).map((e) => e.text)).toEqual([
      'Out of memory: kill process 2908 (sshd) score 379 or a child',
      'Killed process 2909 (sshd)',
    ]);
    const old = `[ 5.200000] Out of Memory: Kill process 67 (ncks) score 0 and children. Killed process 68 (ncks)`;
    expect(choiceApartFromKill(entry(old)).map((e) => [e.kernelTime, e.text])).toEqual([
      [5.2, 'Out of Memory: Kill process 67 (ncks) score 0 and children.'],
      [5.2, 'Killed process 68 (ncks)'],
    ]);
    // A kill line alone, or prose before one, stays whole.
    const kill = entry(`Memory cgroup out of memory: ${KILL}`);
    expect(choiceApartFromKill(kill)).toEqual([kill]);
    const prose = entry('The log said it would kill a child Killed process 1 (a)');
    expect(choiceApartFromKill(prose)).toEqual([prose]);
  });

  it('reads them apart when the writer joined them with nothing (seventeenth red team D/05, corpus 212)', () => {
    // A GKE event page's copy of node-problem-detector's event, in `kubectl get events`.
    const glued =
      'Memory cgroup out of memory: Kill process 134119 (stress) score 1962 or sacrifice childKilled process 134119 (stress) total-vm:519288kB, anon-rss:508260kB, file-rss:268kB, shmem-rss:0kB';
    expect(choiceApartFromKill(entry(glued)).map((e) => e.text)).toEqual([
      'Memory cgroup out of memory: Kill process 134119 (stress) score 1962 or sacrifice child',
      'Killed process 134119 (stress) total-vm:519288kB, anon-rss:508260kB, file-rss:268kB, shmem-rss:0kB',
    ]);
    expect(parseKernelLog(glued).events[0]).toMatchObject({ victim: { pid: 134119 }, constraint: 'memcg' });
    const prose = entry('It would kill a childKilled process 1 (a)');
    expect(choiceApartFromKill(prose)).toEqual([prose]);
  });

  it('reads apart a run of old kill and choice lines glued with nothing between (fortieth red team B/08, corpus 266)', () => {
    // A 2006 LKML mail quoting a desktop's 2.6.20 log whose newlines were lost.
    const run =
      'Killed process 19271 (trashapplet)Out of memory: kill process 12475 (qemu) score 7899 or a childOut of memory: kill process 12475 (qemu) score 7899 or a childKilled process 12475 (qemu)Killed process 12475 (qemu)';
    expect(choiceApartFromKill(entry(run)).map((e) => e.text)).toEqual([
      'Killed process 19271 (trashapplet)',
      'Out of memory: kill process 12475 (qemu) score 7899 or a child',
      'Out of memory: kill process 12475 (qemu) score 7899 or a child',
      'Killed process 12475 (qemu)',
      'Killed process 12475 (qemu)',
    ]);
    expect(parseKernelLog(run).events.map((e) => [e.victim.pid, e.victim.name, e.constraint])).toEqual([
      [19271, 'trashapplet', null],
      [12475, 'qemu', 'system'],
    ]);
    // Each piece keeps the record's envelope; only the last may be cut short, as the record was.
    const timed = {
      ...entry(`[ 7.100000] Killed process 5 (a)Memory cgroup out of memory: Kill process 6 (b) score 9`),
      truncated: true,
    };
    expect(choiceApartFromKill(timed).map((e) => [e.kernelTime, e.truncated, e.text])).toEqual([
      [7.1, false, 'Killed process 5 (a)'],
      [7.1, true, 'Memory cgroup out of memory: Kill process 6 (b) score 9'],
    ]);
    // Prose that names a kill after a parenthesis and a stop or a space stays whole.
    const prose = entry('It said (see above). Killed process 1 (a) and (then) Killed process 2 (b)');
    expect(choiceApartFromKill(prose)).toEqual([prose]);
  });

  it('reads apart kill lines glued with a printk level between, as 2.4 syslog and a log buffer printed as a string show them (50th red team B/01, B/03, corpus 288-289)', () => {
    // LKML, 2000: a 2.4.0-test10 syslog line that kept the next record's level mark.
    const syslog =
      'Nov  2 06:07:33 tunes kernel: Out of Memory: Killed process 148 (perl).<3>Out of Memory: Killed process 198 (perl).kernel BUG at swap_state.c:60!';
    expect(
      parseKernelLog(syslog).events.map((e) => [e.node, e.victim.pid, e.victim.name, e.constraint]),
    ).toEqual([
      ['tunes', 148, 'perl', 'system'],
      ['tunes', 198, 'perl', 'system'],
    ]);
    // LKML, 2002: kgdb's `p log_buf`, the records joined by `\n` escapes; the string cut inside its last comm.
    const buffer =
      '<wli> $12 = "01 (tiotest).\\n<3>Out of Memory: Killed process 8902 (tiotest).\\n<3>Out of Memory: Killed process 8916 (tiotest).\\n<3>Out of Memory: Killed process 8918 ("...';
    expect(parseKernelLog(buffer).events.map((e) => [e.victim.pid, e.victim.name])).toEqual([
      [8902, 'tiotest'],
      [8916, 'tiotest'],
      [8918, null],
    ]);
    // A level mark without the `)` of a kill line before it, or before other text, starts nothing.
    const mark = entry('Killed process 1 (a) then <3>Out of Memory: Killed process 2 (b)');
    expect(choiceApartFromKill(mark)).toEqual([mark]);
    const other = entry('Killed process 1 (a).<3>kernel BUG at swap_state.c:60!');
    expect(choiceApartFromKill(other)).toEqual([other]);
  });

  it('reads them apart when a page joined them with a run of spaces, the kill line keeping its envelope (thirty-second red team A/02)', () => {
    // A Hugo post of el7 syslog lines whose stamps the author took off (corpus 256): each line `HOST1 kernel: `.
    const choice = 'Out of memory: Kill process 19434 (xxxx) score 31 or sacrifice child';
    const kill = 'Killed process 19434 (xxxx) total-vm:34919552kB, anon-rss:33698680kB, file-rss:38340kB';
    const glued = `HOST1 kernel: ${choice}${' '.repeat(139)}HOST1 kernel: ${kill}`;
    expect(choiceApartFromKill(entry(glued)).map((e) => [e.host, e.text])).toEqual([
      ['HOST1', choice],
      ['HOST1', kill],
    ]);
    expect(parseKernelLog(glued).events[0]).toMatchObject({
      node: 'HOST1',
      victim: { pid: 19434, name: 'xxxx' },
      constraint: 'system',
      limitScope: 'node',
    });
    // Spaces alone between; or the kill line's envelope alone, whose host is the kill line's (a review's probe).
    expect(choiceApartFromKill(entry(`${choice}     ${kill}`)).map((e) => e.text)).toEqual([choice, kill]);
    expect(
      choiceApartFromKill(entry(`${choice}     HOST1 kernel: ${kill}`)).map((e) => [e.host, e.text]),
    ).toEqual([
      [null, choice],
      ['HOST1', kill],
    ]);
    // Text that is no envelope between them keeps the line whole.
    const noted = entry(`${choice}   see: ${kill}`);
    expect(choiceApartFromKill(noted)).toEqual([noted]);
  });

  it('splits records a string joined by newlines, escaped or real, whatever their envelope (twenty-second red team R/14, R/15)', () => {
    // A JS lab's single-quoted `out:` (dmesg -T stamps, `\n` escapes); a JSON value (syslog stamps, read newlines).
    const dmesgT =
      "          out:'[Fri Aug 14 13:22:04 2026] java invoked oom-killer: gfp_mask=0x140dca, order=0, oom_score_adj=0\\n[Fri Aug 14 13:22:04 2026] Out of memory: Killed process 14203 (java) total-vm:5731204kB, anon-rss:3402180kB, file-rss:0kB, shmem-rss:0kB, UID:993 pgtables:7204kB oom_score_adj:0\\n[Fri Aug 14 13:22:04 2026] oom_reaper: reaped process 14203 (java), now anon-rss:0kB',";
    expect(splitGluedRecords(entry(dmesgT)).map((e) => e.text)).toEqual([
      'java invoked oom-killer: gfp_mask=0x140dca, order=0, oom_score_adj=0',
      'Out of memory: Killed process 14203 (java) total-vm:5731204kB, anon-rss:3402180kB, file-rss:0kB, shmem-rss:0kB, UID:993 pgtables:7204kB oom_score_adj:0',
      'oom_reaper: reaped process 14203 (java), now anon-rss:0kB',
    ]);
    expect(
      parseKernelLog(dmesgT).events.map((e) => [e.victim.pid, e.trigger?.name, e.victim.anonRssKb]),
    ).toEqual([[14203, 'java', 3402180]]);
    const syslog =
      '        "output": "Oct 09 10:02:30 rhel-app-07 kernel: java invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0\\nOct 09 10:02:30 rhel-app-07 kernel: Out of memory: Killed process 74410 (java) total-vm:19873412kB, anon-rss:12904388kB, file-rss:0kB, shmem-rss:0kB, UID:985 pgtables:26412kB oom_score_adj:0\\nOct 09 10:02:31 rhel-app-07 kernel: oom_reaper: reaped process 74410 (java), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",';
    expect(splitGluedRecords(entry(syslog)).map((e) => [e.host, e.text.slice(0, 20)])).toEqual([
      ['rhel-app-07', 'java invoked oom-kil'],
      ['rhel-app-07', 'Out of memory: Kille'],
      ['rhel-app-07', 'oom_reaper: reaped p'],
    ]);
    expect(parseKernelLog(syslog).events.map((e) => [e.victim.pid, e.node, e.victim.anonRssKb])).toEqual([
      [74410, 'rhel-app-07', 12904388],
    ]);
    // A newline before text with no envelope, or an escaped backslash and `n`, splits nothing.
    const kept = [entry(`${KILL}\\nsee above`), entry(`${KILL} C:\\\\n[1.000000] x`), entry(`${KILL}\nnext`)];
    expect(kept.map((e) => splitGluedRecords(e))).toEqual(kept.map((e) => [e]));
  });
});

describe('readLogRecord: syslog templates without a date, a host or a tag (ninth red team R/01, R/05, R/08)', () => {
  it('the tag alone, or the time of day and the tag: the time kept as the stamp', () => {
    // linux-mm, 2013 (a KVM host's /var/log/kern/<date>).
    expect(
      readLogRecord(
        '19:18:21 kernel: CPU: 8 PID: 11072 Comm: qemu-system-x86 Tainted: G    B        3.11.2-elastic #2',
      ),
    ).toMatchObject({
      text: 'CPU: 8 PID: 11072 Comm: qemu-system-x86 Tainted: G    B        3.11.2-elastic #2',
      stamp: '19:18:21',
      host: null,
      enveloped: true,
    });
    // Red Hat solution 32603 (RHEL 5).
    expect(readLogRecord('kernel: Out of memory: Killed process 7919, UID 504 oracle')).toMatchObject({
      text: 'Out of memory: Killed process 7919, UID 504 oracle',
      stamp: null,
      enveloped: true,
    });
  });

  it('the host and the tag, after a time of day or alone: the host is the node (thirty-second red team A/02, A/13)', () => {
    // A Linode guide (corpus 257); a Hugo post whose author took the stamps off (corpus 256); an AL2 paste whose first
    // line lost its month and day (thirty-first red team A/14).
    expect(
      readLogRecord(
        'localhost kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0',
      ),
    ).toMatchObject({
      text: 'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0',
      host: 'localhost',
    });
    expect(
      readLogRecord('HOST1 kernel: prometheus invoked oom-killer: gfp_mask=0x0, order=0, oom_score_adj=0'),
    ).toMatchObject({
      text: 'prometheus invoked oom-killer: gfp_mask=0x0, order=0, oom_score_adj=0',
      host: 'HOST1',
    });
    expect(
      readLogRecord(
        '10:44:23 ip-10-0-3-115 kernel: sshd invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE)',
      ),
    ).toMatchObject({ stamp: '10:44:23', host: 'ip-10-0-3-115', enveloped: true });
    expect(readLogRecord('10.0.3.54 kernel: Out of memory: Killed process 1 (a)')).toMatchObject({
      text: 'Out of memory: Killed process 1 (a)',
      host: '10.0.3.54',
    });
    // A host that starts with digits and holds a letter (forty-sixth red team A/05: a chia plotter's `990x`).
    expect(
      readLogRecord(
        '990x kernel: [ 5835.426265] Out of memory: Killed process 12657 (chia_plot)  file-rss:0kB',
      ),
    ).toMatchObject({
      host: '990x',
      kernelTime: 5835.426265,
      text: expect.stringMatching(/^Out of memory: /),
    });
    expect(readLogRecord('4TELLT132 kernel: Mem-Info:')).toMatchObject({
      text: 'Mem-Info:',
      host: '4TELLT132',
    });
    // Any message, OOM text or not: in a paste of such lines, one that is no OOM text is no wrapped rest.
    expect(readLogRecord('HOST1 kernel: Mem-Info:')).toMatchObject({ text: 'Mem-Info:', host: 'HOST1' });
    // Digits alone are a wrap's rest of a stamp (`Jan 9 00:42:4` + `8 kernel: …`), not a host; a word and `kernel:`
    // elsewhere in a line are text, and so is a word of prose before it (a version, `the kernel:`); and a line that
    // holds a whole stamp further on starts with the rest of one a wrap cut (a page that lost its newlines).
    for (const text of [
      '8 kernel: Out of memory in UB 191: x',
      'the Linux kernel: Out of memory: x',
      'Linux kernel: 5.15.0-1034-aws',
      'the kernel: Out of memory: Killed process 1234 (java)',
      'Guest kernel: 6.1.0',
      'Ubuntu kernel: 5.15.0-1034-aws',
      '12:00:52 Bottlerocket kernel: v6.1.102 ',
      'server-05.bj kernel: memory: usage 524288kB, limit 524288kB, failcnt 8430 Apr 09 16:00:14 cdp-test-server-05.bj kernel: Memory cgroup stats for /docker/3aafdee2b919',
    ]) {
      expect(readLogRecord(text)).toMatchObject({ text, host: null, enveloped: false });
    }
  });

  it('the host and the tag after a template’s placeholder for the stamp: the host is the node, no time (seventy-third red team B/06)', () => {
    // A Python unittest of a switch log analyser (corpus 321): the record an f-string builds.
    expect(
      readLogRecord('            f"{stamp} leaf01 kernel: Out of memory: Killed process 900 (switchd)\\n"'),
    ).toMatchObject({
      text: 'Out of memory: Killed process 900 (switchd)\\n',
      host: 'leaf01',
      stamp: null,
      wallTime: null,
      enveloped: true,
    });
    // Other templates' placeholders: JavaScript's, Ruby's, Go's and Jinja's, printf's, Python logging's, a shell
    // variable, a command's output, a document's.
    for (const placeholder of [
      '${ts}',
      '#{time}',
      '{{ .Timestamp }}',
      '{now:%b %d %H:%M:%S}',
      '{}',
      '{0}',
      '%s',
      '%-15s',
      '%(asctime)s',
      '$TS',
      '$(date -Is)',
      '<timestamp>',
    ]) {
      expect(
        readLogRecord(`${placeholder} leaf01 kernel: Out of memory: Killed process 900 (switchd)`),
        placeholder,
      ).toMatchObject({ text: 'Out of memory: Killed process 900 (switchd)', host: 'leaf01', stamp: null });
    }
    // The stamp in a real one (the red team's probes): the time and the host, whatever opens the literal.
    for (const opening of ['f"', 'b"', 'r"', 'u"', 'F"', 'fmt.Sprintf("'])
      expect(
        readLogRecord(
          `${opening}2026-01-01T12:00:00+00:00 leaf01 kernel: Out of memory: Killed process 900 (switchd)\\n"`,
        ),
        opening,
      ).toMatchObject({ host: 'leaf01', wallTime: '2026-01-01T12:00:00.000Z' });
    // After a placeholder as before any stamp, a word of prose or a version is no host.
    for (const text of ['{stamp} the kernel: Out of memory: x', '${ts} Linux kernel: 5.15.0-1034-aws'])
      expect(readLogRecord(text)).toMatchObject({ text, host: null, enveloped: false });
  });

  it('a template’s placeholder where the syslog host stands names no node', () => {
    for (const host of ['{host}', '${HOSTNAME}', '%s', '$HOST', '{{.node}}', '#{host}'])
      expect(readLogRecord(`Jan  1 12:00:00 ${host} kernel: Out of memory`)?.host, host).toBeNull();
    expect(
      readLogRecord('2026-01-01T12:00:00+00:00 {host} kernel: Out of memory: Killed process 900 (switchd)'),
    ).toMatchObject({ host: null, wallTime: '2026-01-01T12:00:00.000Z', fromKernel: true });
  });

  it('reads a syslog tag an author retyped as the kernel’s (thirty-second red team A/19)', () => {
    // A Chinese note (corpus 258): `grep "Out of memory" /var/log/messages`, the tag typed `Kernel:`.
    const lines = [
      'Jul 30 15:39:07 localhost Kernel: Out of memory: Kill process 23817 (java) score 473 or sacrifice child',
      'Jul 30 15:39:07 localhost Kernel: Killed process 23817 (java) total-vm:8162620kB, anon-rss:3341684kB, file-rss:0kB, shmem-rss:0kB',
    ];
    expect(readLogRecord(lines[1] as string)).toMatchObject({ host: 'localhost', fromKernel: true });
    expect(parseKernelLog(lines.join('\n')).events).toMatchObject([
      { node: 'localhost', victim: { pid: 23817, name: 'java' }, constraint: 'system' },
    ]);
    expect(readLogRecord('Jul 30 15:39:07 localhost kernels: x')).toMatchObject({ fromKernel: false });
  });

  it('the stamp and the host without a tag: the host is the node', () => {
    // LKML, 2007 (syslog-ng without the program).
    expect(readLogRecord('Sep 13 15:31:25 escabot Killed process 5771 (mysqld)')).toMatchObject({
      text: 'Killed process 5771 (mysqld)',
      stamp: 'Sep 13 15:31:25',
      host: 'escabot',
      enveloped: true,
    });
    expect(readLogRecord('Sep 13 15:31:25 escabot [<c0149ea8>] out_of_memory+0x158/0x1b0')).toMatchObject({
      text: '[<c0149ea8>] out_of_memory+0x158/0x1b0',
      host: 'escabot',
    });
  });

  it('leaves a `dmesg -T` date that lost its `[`, and a hypervisor’s fields, to their own patterns (a review)', () => {
    expect(readLogRecord('ep 12 08:44:22 2026] Memory cgroup out of memory: x')).toMatchObject({
      text: 'Memory cgroup out of memory: x',
      stamp: 'ep 12 08:44:22 2026',
      host: null,
    });
    expect(
      readLogRecord('Mar 16 21:40:41 hv01 vcpu-5 - Guest: <6>[39291577.009360] Out of memory: x'),
    ).toMatchObject({ text: 'Out of memory: x', kernelTime: 39291577.00936, host: null });
  });

  it('reads a priority before a syslog line without a tag (a review)', () => {
    expect(
      readLogRecord('<4>Mar  2 10:11:12 node-7 Memory cgroup out of memory: Killed process 4242 (worker)'),
    ).toMatchObject({
      text: 'Memory cgroup out of memory: Killed process 4242 (worker)',
      stamp: 'Mar  2 10:11:12',
      host: 'node-7',
      enveloped: true,
    });
  });

  it('leaves a tagged line to its own pattern, and kernel text that starts like a time alone', () => {
    expect(readLogRecord(`Sep 13 15:31:25 escabot kernel: ${KILL}`)).toMatchObject({
      text: KILL,
      fromKernel: true,
    });
    expect(readLogRecord('Sep 13 15:31:25 escabot sshd[12]: x')).toMatchObject({
      text: 'x',
      fromKernel: false,
    });
    expect(readLogRecord('Node 0 DMA: 1*4kB (U) 0*8kB = 4kB')).toMatchObject({ enveloped: false });
    expect(readLogRecord('kernelx: y')).toMatchObject({ text: 'kernelx: y', enveloped: false });
  });
});

describe('readLogRecord: a monotonic time or a time of day alone before the message (twenty-first red team L/03, N/01)', () => {
  // journalctl -o short-monotonic --no-hostname (a Python fixture's journal_oom.log, corpus 224).
  const monotonic = [
    '[ 1420.105100] kernel: sysadmin-worker invoked oom-killer: gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0',
    '[ 1420.105115] kernel: CPU: 3 PID: 8410 Comm: sysadmin-worker Not tainted 6.8.0-sysadmin #1',
    '[ 1420.105135] kernel:  oom_kill_process+0x102/0x240',
    '[ 1420.105160] kernel: [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
    '[ 1420.105180] kernel: [   8410]  1001  8410   240000    35000      1843200        0             0 sysadmin-worker',
    '[ 1420.105190] kernel: [   8492]  1001  8492  1048576   917504      8388608        0             0 python3',
    '[ 1420.105210] kernel: Out of memory: Killed process 8492 (python3) total-vm:4194304kB, anon-rss:3670016kB, file-rss:2048kB, shmem-rss:0kB, UID:1001 pgtables:8192kB oom_score_adj:0',
    '[ 1420.105220] kernel: oom_reaper: reaped process 8492 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
  ];

  it('journalctl -o short-monotonic --no-hostname: the boot time, then `kernel:` with no host', () => {
    expect(readLogRecord(monotonic[0] as string)).toMatchObject({
      text: 'sysadmin-worker invoked oom-killer: gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0',
      kernelTime: 1420.1051,
      host: null,
      fromKernel: true,
      enveloped: true,
    });
    expect(readLogRecord(monotonic[2] as string)).toMatchObject({ text: ' oom_kill_process+0x102/0x240' });
    expect(readLogRecord(monotonic[3] as string)).toMatchObject({
      text: '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
    });
    // With the host, as before.
    expect(readLogRecord('[ 1420.105100] node-1 kernel: x')).toMatchObject({ text: 'x', host: 'node-1' });
  });

  it('--no-hostname with -o short-full and -o short-unix: `kernel:` is the writer, never a host', () => {
    const cpu = 'CPU: 3 PID: 8410 Comm: sysadmin-worker Not tainted 6.8.0-sysadmin #1';
    expect(readLogRecord(`Sat 2026-12-05 16:23:08 UTC kernel: ${cpu}`)).toMatchObject({
      text: cpu,
      wallTime: '2026-12-05T16:23:08.000Z',
      host: null,
      fromKernel: true,
    });
    expect(readLogRecord(`Sat 2026-12-05 16:23:08 UTC kernel: ${KILL}`)).toMatchObject({ text: KILL });
    expect(readLogRecord(`1787068905.416344 kernel: ${cpu}`)).toMatchObject({
      text: cpu,
      host: null,
      fromKernel: true,
    });
    expect(readLogRecord('1787068905.416344 systemd[1]: Started x')).toMatchObject({ fromKernel: false });
    expect(readLogRecord(`Sat 2026-12-05 16:23:08 UTC kernel kernel: ${cpu}`)).toMatchObject({
      text: cpu,
      host: 'kernel',
    });
  });

  it('reads the trigger, its pid and the task rows of such a report', () => {
    const { events, drift } = parseKernelLog(monotonic.join('\n'));
    expect(drift).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      trigger: { name: 'sysadmin-worker', pid: 8410 },
      victim: { pid: 8492, name: 'python3', uid: 1001 },
      kernelTime: 1420.10521,
      tasks: [
        { pid: 8492, name: 'python3' },
        { pid: 8410, name: 'sysadmin-worker' },
      ],
    });
  });

  // linux-mm, Qian Cai, 2019-09-06 (corpus 227): `> > ` quoted lines whose only envelope is the time of day.
  const clocked = [
    '> > 12:00:52 oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/user.slice,task=oom01,pid=25507,uid=0',
    '> > 12:00:52 irqbalance invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0',
    '> > 12:00:53 [  25391]     0 25391     2184        0    65536       32             0 oom01',
    '> > 12:00:53 oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/system.slice/tuned.service,task=tuned,pid=2629,uid=0',
    '> > 12:00:54 oom_reaper: reaped process 2629 (tuned), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
  ];

  it('a time of day alone: the message follows it; the time is kept as the stamp, no clock', () => {
    expect(readLogRecord(clocked[0] as string)).toMatchObject({
      text: 'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/user.slice,task=oom01,pid=25507,uid=0',
      stamp: '12:00:52',
      kernelTime: null,
      wallTime: null,
      host: null,
      enveloped: true,
    });
    expect(readLogRecord(clocked[1] as string)).toMatchObject({
      text: 'irqbalance invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0',
    });
    expect(readLogRecord(clocked[2] as string)).toMatchObject({
      text: '[  25391]     0 25391     2184        0    65536       32             0 oom01',
      stamp: '12:00:53',
    });
    expect(readLogRecord('08:15:02.123456 Out of memory: x')).toMatchObject({
      text: 'Out of memory: x',
      stamp: '08:15:02.123456',
    });
  });

  it('reads the summaries, the header and the reaper of such lines', () => {
    const { events, drift } = parseKernelLog(clocked.join('\n'));
    expect(drift).toEqual([]);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ victim: { pid: 25507, name: 'oom01' }, constraint: 'system' });
    expect(events[1]).toMatchObject({
      victim: { pid: 2629, name: 'tuned' },
      trigger: { name: 'irqbalance' },
      cgroup: { task: '/system.slice/tuned.service' },
    });
  });

  it('takes no time of day for an envelope where it is no time or no message follows it', () => {
    for (const text of [
      'at 12:00:52 the node invoked oom-killer: x',
      '12:00:52oom-kill:constraint=CONSTRAINT_NONE,task=a,pid=1,uid=0',
      '00:11:22:33:44:55 Out of memory: x',
      '25:61:99 Out of memory: x',
      '123:00:52 Out of memory: x',
      '00:05: ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A',
    ]) {
      expect(readLogRecord(text)).toMatchObject({ text, enveloped: false, stamp: null });
    }
    // A `dmesg -T` date that a copy cut inside its time: its year and `]` are no message.
    expect(readLogRecord('08:44:22 2026] Memory cgroup out of memory: x')).toMatchObject({ stamp: null });
    // The rest of a syslog stamp whose date a mail's reflow left on the line above (corpus 142) is a time of day and
    // a host before the tag: HOST_TAG's, not a time of day alone.
    expect(readLogRecord('> 21:40:40 t6360003 kernel: Call Trace:')).toMatchObject({
      text: 'Call Trace:',
      stamp: '21:40:40',
      host: 't6360003',
    });
  });

  it('is no envelope before a program’s own text: kernel lines pasted below it are not its wrapped rest', () => {
    const kill = (pid: number) =>
      `Memory cgroup out of memory: Killed process ${pid} (java) total-vm:1000kB, anon-rss:500kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0`;
    const notes = [
      '12:00:52 deploy started',
      '12:00:53 pods crashing, here is dmesg:',
      kill(4242),
      kill(4343),
    ];
    const sar = [
      '$ sar -r 1 3',
      '12:00:01 AM kbmemfree   kbavail kbmemused  %memused kbbuffers  kbcached  kbcommit   %commit  kbactive   kbinact   kbdirty',
      '12:00:02 AM    123456    234567   7890123     98.45      1234     23456   9876543    120.00   6543210    123456        12',
      kill(4242),
    ];
    for (const [lines, pids] of [
      [notes, [4242, 4343]],
      [sar, [4242]],
    ] as const) {
      for (const prefilter of [true, false]) {
        const { events } = parseKernelLog(lines.join('\n'), {}, { prefilter });
        expect(events.map((e) => e.victim.pid)).toEqual(pids);
      }
    }
    expect(readLogRecord('12:00:52 deploy started')).toMatchObject({ enveloped: false, stamp: null });
  });
});

describe('readLogRecord: a line as a web page showed it (eleventh red team V/01, a blog post on GitHub)', () => {
  // The page's source: syslog records as HTML, every space a `&nbsp;`, several records in one line of source.
  const PAGE =
    '<pre class="editor-colors lang-text"><code>&lt;div class="line">&lt;span class="syntax--text syntax--plain">&lt;span class="syntax--meta syntax--paragraph syntax--text">&lt;span>Aug&nbsp;15&nbsp;12:09:03&nbsp;host&nbsp;kernel:&nbsp;[1340695.340552]&nbsp;Memory&nbsp;cgroup&nbsp;out&nbsp;of&nbsp;memory:&nbsp;Kill&nbsp;process&nbsp;22607&nbsp;(stress)&nbsp;score&nbsp;210&nbsp;or&nbsp;sacrifice&nbsp;child&lt;/span>&lt;/span>&lt;/span>&lt;/div>&lt;div class="line">&lt;span class="syntax--text syntax--plain">&lt;span class="syntax--meta syntax--paragraph syntax--text">&lt;span>Aug&nbsp;15&nbsp;12:09:03&nbsp;host&nbsp;kernel:&nbsp;[1340695.340556]&nbsp;Killed&nbsp;process&nbsp;22607&nbsp;(stress)&nbsp;total-vm:8396092kB,&nbsp;anon-rss:363184kB,&nbsp;file-rss:176kB,&nbsp;shmem-rss:0kB&lt;/span>&lt;/span>&lt;/span>&lt;/div></code></pre>';

  it('reads the page’s text: references, markup tags as spaces, the records glued on read apart', () => {
    const entry = readLogRecord(PAGE) as LogEntry;
    expect(entry).toMatchObject({ stamp: 'Aug 15 12:09:03', host: 'host', kernelTime: 1340695.340552 });
    expect(splitGluedRecords(entry).map((e) => [e.kernelTime, e.text.trim()])).toEqual([
      [
        1340695.340552,
        'Memory cgroup out of memory: Kill process 22607 (stress) score 210 or sacrifice child',
      ],
      [
        1340695.340556,
        'Killed process 22607 (stress) total-vm:8396092kB, anon-rss:363184kB, file-rss:176kB, shmem-rss:0kB',
      ],
    ]);
  });

  it('reads no page in kernel text that holds an `&` or a `<`, with nothing else of a page (a review)', () => {
    const kill = 'Out of memory: Killed process 4242 (a&amp;b) total-vm:1kB';
    expect(readLogRecord(kill)?.text).toBe(kill);
    const row = '[  4242]     0  4242     1000      100        0             0 <b>x</b>';
    expect(readLogRecord(row)?.text).toBe(row);
  });

  it('reads a page’s references once: a reference a reference names is text (a review)', () => {
    const nested = `Out&nbsp;of memory &${'amp;'.repeat(2000)}lt; Killed process 1 (x)`;
    expect(readLogRecord(nested)?.text).toBe(`Out of memory &${'amp;'.repeat(1999)}lt; Killed process 1 (x)`);
    expect(skimLogRecord(nested)).toMatchObject({ enveloped: false });
  });

  it('reads no-break spaces as spaces, and leaves a line with an envelope as it is', () => {
    expect(
      readLogRecord('Aug\u00a015\u00a012:09:03\u00a0host\u00a0kernel:\u00a0Killed process 1 (a)'),
    ).toMatchObject({
      text: 'Killed process 1 (a)',
      host: 'host',
    });
    expect(readLogRecord('Aug 15 12:09:03 host kernel: a &amp; b <b>c</b>')?.text).toBe('a &amp; b <b>c</b>');
    expect(readLogRecord('{"msg":"a &lt;b"}')?.text).toBe('a &lt;b');
    expect(skimLogRecord(PAGE)).toMatchObject({ enveloped: true });
  });
});

describe('readLogRecord: a JSON record whose text is under no message key it knows (twenty-first red team M/05)', () => {
  const LINE = 'Out of memory: Killed process 12345 (api) total-vm:4kB';
  /** The lines of a record, as the assembler takes them (splitGluedRecords). */
  const linesOf = (raw: string): LogEntry[] => {
    const entry = readLogRecord(raw);
    return entry === null ? [] : splitGluedRecords(entry);
  };
  const textsOf = (raw: string): string[] => linesOf(raw).map((line) => line.text);

  it("reads the kill line of a protocol doc's response, two objects deep, with the record's other OOM text (corpus 226)", () => {
    const raw =
      '{"protocol_version":1,"request_id":"01J3JA2K3T1M02XH0J4P1JZ4Z8","ok":true,"result":{"explain_version":1,"incident":{"incident_id":"incident-8f32c","severity":3,"state":"open","title":"API restart loop","fingerprint":"restartloop+oom+deploy:api","first_seen_utc":"2026-01-16T11:58:01Z","last_updated_utc":"2026-01-16T12:33:47Z","confidence":0.82},"reasoning":{"summary":"After a deploy, the api service entered a restart loop. Journald shows repeated OOMKills shortly after process start.","confidence_assessment":"High confidence: multiple independent OOMKill indicators across journald and kernel messages.","suggested_next_checks":["Check memory limits for api service (cgroup / container)","Inspect recent deploy diff for memory regression","Confirm node memory pressure and other workloads"],"triggering_rules":[{"rule_id":"linux.service.restartloop","title":"Service restart loop","matched":true},{"rule_id":"linux.kernel.oomkill","title":"OOMKill detected","matched":true}]},"evidence":{"timeline":[{"event_id":"01J3JA2YQJ3V2Q4A6J0H2R5D8T","observed_utc":"2026-01-16T12:01:02Z","source":"journald","event_type":"log","payload":{"version":1,"unit":"api.service","priority":3,"message":"Main process exited, code=killed, status=9/KILL"}},{"event_id":"01J3JA3A0Q8X9P6G8G3N8Q7D5M","observed_utc":"2026-01-16T12:01:03Z","source":"dmesg","event_type":"log","payload":{"version":1,"message":"Out of memory: Killed process 12345 (api) total-vm:..."}}]}},"server_version":"0.1.0"}';
    const kill = 'Out of memory: Killed process 12345 (api) total-vm:...';
    // Each string that holds OOM text is a line of its own, in the order of the document.
    expect(textsOf(raw)).toEqual([
      'restartloop+oom+deploy:api',
      'After a deploy, the api service entered a restart loop. Journald shows repeated OOMKills shortly after process start.',
      'High confidence: multiple independent OOMKill indicators across journald and kernel messages.',
      'Check memory limits for api service (cgroup / container)',
      'Inspect recent deploy diff for memory regression',
      'Confirm node memory pressure and other workloads',
      'linux.kernel.oomkill',
      'OOMKill detected',
      'Main process exited, code=killed, status=9/KILL',
      kill,
    ]);
    // `observed_utc` is when a tool saw the line, not the kernel's time: no time.
    expect(linesOf(raw).at(-1)).toMatchObject({
      text: kill,
      wallTime: null,
      kernelTime: null,
      fromKernel: true,
    });
    expect(skimLogRecord(raw)).toMatchObject({ enveloped: true });
    expect(skimLogRecord(raw)?.holder).toContain(kill);
    const { events, drift } = parseKernelLog(raw);
    expect(events).toMatchObject([
      { constraint: 'system', victim: { pid: 12345, name: 'api', totalVmKb: null }, complete: false },
    ]);
    // Another string looks like OOM text that no recognizer reads: the drift says so.
    expect(drift.map((line) => line.text)).toEqual(['restartloop+oom+deploy:api']);
  });

  it.each([
    ['Elasticsearch hit', `{"_index":"logs","_source":{"message":"${LINE}"}}`],
    ['GCP jsonPayload', `{"insertId":"x","jsonPayload":{"MESSAGE":"${LINE}"}}`],
    ['GCP textPayload', `{"textPayload":"${LINE}","host":"n1"}`],
    ['CloudWatch Logs Insights', `{"@message":"${LINE}","host":"n1"}`],
    ['Splunk', `{"_raw":"${LINE}","host":"n1"}`],
    ['Loki line', `{"line":"${LINE}","host":"n1"}`],
    ['Loki streams', `{"stream":{"job":"kernel"},"values":[["1700000000000000000","${LINE}"]]}`],
    ['GELF', `{"version":"1.1","host":"n1","short_message":"${LINE}","level":3}`],
    ['OpenTelemetry', `{"body":"${LINE}","severityText":"ERROR"}`],
    ['a capitalised key', `{"Message":"${LINE}","host":"n1"}`],
    ['a record with a message that is no string', `{"message":{"text":"${LINE}"},"level":3}`],
  ])('reads the line of a %s', (_, raw) => {
    expect(textsOf(raw)).toEqual([LINE]);
    expect(skimLogRecord(raw)).toMatchObject({ enveloped: true });
    expect(parseKernelLog(raw).events).toMatchObject([{ victim: { pid: 12345, name: 'api', totalVmKb: 4 } }]);
  });

  it('takes the time, host and writer from the object that holds the text, as of any record', () => {
    expect(
      linesOf(
        `{"_index":"logs","_source":{"@timestamp":"2026-01-16T12:01:03.250Z","host":"ip-10-0-1-23","ident":"kernel","message":"${LINE}"}}`,
      ),
    ).toMatchObject([
      { text: LINE, wallTime: '2026-01-16T12:01:03.250Z', host: 'ip-10-0-1-23', fromKernel: true },
    ]);
    expect(
      linesOf(`{"textPayload":"${LINE}","timestamp":"2026-01-16T12:01:03Z","resource":{"type":"k8s_node"}}`),
    ).toMatchObject([{ text: LINE, wallTime: '2026-01-16T12:01:03.000Z' }]);
    // Another writer's record quotes the line: not the kernel's.
    expect(linesOf(`{"@message":"${LINE}","ident":"oom-watcher"}`)).toMatchObject([
      { text: LINE, fromKernel: false },
    ]);
    // Its fields are no lines: a host or a writer that names OOM.
    expect(textsOf(`{"_source":{"host":"oom-node-1","message":"${LINE}"}}`)).toEqual([LINE]);
    // A time in an object around it is another's: a tool's, an index's.
    expect(linesOf(`{"@timestamp":"2026-01-16T12:01:03Z","event":{"original":"${LINE}"}}`)).toMatchObject([
      { text: LINE, wallTime: null },
    ]);
  });

  it('reads the envelope a string holds: a syslog line in Splunk’s `_raw`, a dmesg line in a value', () => {
    expect(
      linesOf(`{"_raw":"Jan 16 12:01:03 ip-10-0-1-23 kernel: [ 4194.691334] ${LINE}","sourcetype":"syslog"}`),
    ).toMatchObject([
      { text: LINE, host: 'ip-10-0-1-23', kernelTime: 4194.691334, stamp: 'Jan 16 12:01:03' },
    ]);
    expect(linesOf(`{"line":"[ 4194.691334] ${LINE}"}`)).toMatchObject([
      { text: LINE, kernelTime: 4194.691334 },
    ]);
  });

  it('reads each line of a string that holds several: those with OOM text, in order', () => {
    const raw = JSON.stringify({
      output: `[ 4194.691300] eth0: link up\n[ 4194.691320] ${LINE}\n[ 4194.691330] oom_reaper: reaped process 12345 (api), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB\n`,
    });
    expect(linesOf(raw)).toMatchObject([
      { text: LINE, kernelTime: 4194.69132 },
      { text: 'oom_reaper: reaped process 12345 (api), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB' },
    ]);
    expect(parseKernelLog(raw).events).toHaveLength(1);
  });

  it('reads a record with OOM text in no string as the line it is, so that the drift shows it', () => {
    const raw = '{"oom_kill":3,"pgfault":77}';
    expect(textsOf(raw)).toEqual([raw]);
    expect(skimLogRecord(raw)).toEqual({ enveloped: true, holder: raw });
    expect(parseKernelLog(raw).drift.map((line) => line.text)).toEqual([raw]);
  });

  it('leaves a record with no message key and no OOM text no record, as before', () => {
    expect(readLogRecord('{"host":"n1","ident":"kernel"}')).toBeNull();
    expect(readLogRecord('{"a":{"b":["c","d"]}}')).toBeNull();
    expect(skimLogRecord('{"a":{"b":["c","d"]}}')).toBeNull();
  });

  it('reads a record without a message key inside a record’s message', () => {
    const raw = JSON.stringify({ host: 'n1', log: JSON.stringify({ payload: { message: LINE } }) });
    expect(linesOf(raw)).toMatchObject([{ text: LINE, host: 'n1' }]);
    expect(skimLogRecord(raw)?.holder).toContain(LINE);
  });
});

describe('readLogRecord: vendor context tags after a printk stamp, a severity template before it (23rd red team S/01, U/09)', () => {
  it("rsyslog's `<severity>|<tag>[<pid>]|` template before a dmesg time (Huawei Cloud EulerOS doc)", () => {
    expect(
      readLogRecord(
        'warning|kernel[-]|[2919920.414131] memhog invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      ),
    ).toMatchObject({
      text: 'memhog invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      kernelTime: 2919920.414131,
      fromKernel: true,
      enveloped: true,
    });
    expect(
      readLogRecord('info|kernel[-]|[2919920.414220] memory: usage 81920kB, limit 81920kB, failcnt 30'),
    ).toMatchObject({
      text: 'memory: usage 81920kB, limit 81920kB, failcnt 30',
      kernelTime: 2919920.41422,
    });
    // Another writer's line in the same template is not the kernel's.
    expect(readLogRecord('info|systemd[1]|Started Session 1 of user root.')).toMatchObject({
      text: 'Started Session 1 of user root.',
      fromKernel: false,
    });
    // Prose with a pipe is no template.
    expect(readLogRecord('info|kernel memory: usage 81920kB')).toMatchObject({ enveloped: false });
  });

  it("Huawei's Android stamp in seconds (`[63651.040008s]`) and its context tag `[pid:N,cpuN,comm]` (linux-mm 2016)", () => {
    expect(
      readLogRecord(
        '<4>[63651.040008s][pid:2912,cpu3,sh]sh invoked oom-killer: gfp_mask=0x0, order=0, oom_score_adj=-1000',
      ),
    ).toMatchObject({
      text: 'sh invoked oom-killer: gfp_mask=0x0, order=0, oom_score_adj=-1000',
      kernelTime: 63651.040008,
      enveloped: true,
    });
    expect(
      readLogRecord(
        '<6>[63651.067718s][pid:2912,cpu3,sh][ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name',
      ),
    ).toMatchObject({ text: '[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name' });
    // The continuation lines of a multi-line record carry the stamp alone.
    expect(
      readLogRecord('<4>[63651.040344s] active_file:26899 inactive_file:116289 isolated_file:0'),
    ).toMatchObject({
      text: 'active_file:26899 inactive_file:116289 isolated_file:0',
      kernelTime: 63651.040344,
    });
    expect(readLogRecord('[63651.040344s] free_cma:7724')).toMatchObject({
      text: 'free_cma:7724',
      enveloped: true,
    });
    expect(skimLogRecord('[63651.040344s] free_cma:7724')).toMatchObject({ enveloped: true });
  });

  it('takes a prompt before a printk time and a caller id with no space after it', () => {
    expect(readLogRecord(`root@vm:~# [ 1364.294650][T17314]${KILL}`)).toMatchObject({
      text: KILL,
      kernelTime: 1364.29465,
    });
  });

  it("MediaTek's `(cpu)[pid:comm]` and Honor's `[pid:comm]` after a stamp; a caller id stays handled", () => {
    expect(readLogRecord('[0.012000] (0)[1:swapper/0]CPU0: update cpu_capacity 1024')).toMatchObject({
      text: 'CPU0: update cpu_capacity 1024',
      kernelTime: 0.012,
    });
    expect(readLogRecord(`[  105.253015] [3701:11_see]${KILL}`)).toMatchObject({
      text: KILL,
      kernelTime: 105.253015,
    });
    expect(readLogRecord(`[    1.613938][    T1] ${KILL}`)).toMatchObject({ text: KILL });
  });

  it('leaves a comm shaped as such a context before `invoked oom-killer`: the kernel prints the comm first', () => {
    const header = 'invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0';
    expect(readLogRecord(`[ 3467.507943] [6: ] ${header}`)).toMatchObject({
      text: `[6: ] ${header}`,
      kernelTime: 3467.507943,
    });
    expect(readLogRecord(`[63651.040008s] [3701:11_see] ${header}`)).toMatchObject({
      text: `[3701:11_see] ${header}`,
    });
    // A context before a comm that invoked it is still one.
    expect(readLogRecord(`[ 3467.507943] [3701:11_see]java ${header}`)).toMatchObject({
      text: `java ${header}`,
    });
  });

  it('takes no tag off where no stamp comes before it, nor a label or the task table after a stamp', () => {
    // Honor's tag with no stamp (mm-commits 2023, U/10): the line is read as it is.
    expect(readLogRecord(`[3701:11_see]${KILL}`)).toMatchObject({ text: `[3701:11_see]${KILL}` });
    expect(readLogRecord('[  142.890123] [ oom-killer ] Memory cgroup out of memory')).toMatchObject({
      text: '[ oom-killer ] Memory cgroup out of memory',
    });
    expect(
      readLogRecord(
        '[ 1234.567890] [  250]     0   250     1084      249       4        0         -1000 ueventd',
      ),
    ).toMatchObject({
      text: '[  250]     0   250     1084      249       4        0         -1000 ueventd',
    });
  });
});

describe('the twenty-seventh red team’s envelopes', () => {
  it('reads journalctl’s line whose host field is empty: two spaces before `kernel:` (corpus 245)', () => {
    const header =
      'java invoked oom-killer: gfp_mask=0x14000c0(GFP_KERNEL), nodemask=(null),  order=0, oom_score_adj=0';
    expect(readLogRecord(`Feb 18 17:34:47  kernel: ${header}`)).toMatchObject({
      text: header,
      host: null,
      stamp: 'Feb 18 17:34:47',
      fromKernel: true,
      enveloped: true,
    });
    // Three spaces are no journal line; one is --no-hostname's, as before.
    expect(readLogRecord(`Feb 18 17:34:47   kernel: ${header}`)?.enveloped).toBe(false);
    expect(readLogRecord(`Feb 18 17:34:47 kernel: ${header}`)).toMatchObject({ text: header, host: null });
  });

  it('takes a markdown converter’s escapes off a line that shows them inside a word (`gfp\\_mask`, corpus 247)', () => {
    expect(
      readLogRecord(
        'Apr 09 16:00:14 cdp-test-server-05.bj kernel: java invoked oom-killer: gfp\\_mask=0xd0, order=0, oom\\_score\\_adj=0',
      ),
    ).toMatchObject({
      text: 'java invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0',
      host: 'cdp-test-server-05.bj',
    });
    expect(readLogRecord('\\[ 12.5\\] oom\\_reaper: reaped process 7 (a)')).toMatchObject({
      text: 'oom_reaper: reaped process 7 (a)',
      kernelTime: 12.5,
    });
    // A program's regex escapes `[` and `.`, not `_` inside a word: kept as written.
    const regex = 'r"\\[\\s*(\\d+\\.\\d+)\\] Memory cgroup out of memory: Kill process \\d+"';
    expect(readLogRecord(regex)?.text).toBe(regex);
    // A JSON record's escapes are the record's.
    expect(readLogRecord('{"msg":"a\\"b oom\\\\_x"}')?.text).toBe('a"b oom\\_x');
    // A comm is printed as it is: `a\_b` in a kill line of a plain log is its name (the last review).
    const kill = '[ 12.5] Out of memory: Killed process 2874 (a\\_b) total-vm:1kB, anon-rss:1kB';
    expect(readLogRecord(kill)?.text).toBe(kill.slice(8));
  });

  it('reads apart kernel syslog records a web copy glued with nothing between (twenty-seventh red team A/17)', () => {
    const stats =
      'Sep 13 20:05:55 devops101 kernel: Memory cgroup stats for /docker/9aa5: cache:0KB rss:1045824KB dirty:0KB';
    const choice =
      'Sep 13 20:05:55 devops101 kernel: Memory cgroup out of memory: Kill process 11002 (mem_alloc) score 1001 or sacrifice child';
    const entry = readLogRecord(`${stats}${choice}`) as LogEntry;
    expect(splitGluedRecords(entry).map((piece) => [piece.text, piece.host])).toEqual([
      ['Memory cgroup stats for /docker/9aa5: cache:0KB rss:1045824KB dirty:0KB', 'devops101'],
      [
        'Memory cgroup out of memory: Kill process 11002 (mem_alloc) score 1001 or sacrifice child',
        'devops101',
      ],
    ]);
    // Glued after a space, as a mail client's reflow leaves them, as before.
    expect(splitGluedRecords(readLogRecord(`${stats} ${choice}`) as LogEntry)).toHaveLength(2);
  });

  it('reads apart records glued at journalctl’s no-host stamp and at `dmesg -T`’s (twenty-eighth red team B/07, B/17)', () => {
    const ub = (pid: number) =>
      `Out of memory in UB 191: OOM killed process ${pid} (html2text) score 0 vm:3075332kB`;
    const noHost = readLogRecord(
      `Jan 9 00:42:16 kernel: ${ub(1)} Jan 9 00:42:48 kernel: ${ub(2)}`,
    ) as LogEntry;
    expect(splitGluedRecords(noHost).map((piece) => piece.text.trim())).toEqual([ub(1), ub(2)]);
    const summary = 'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom';
    const kill = 'Out of memory: Killed process 360303 (doris_be) total-vm:213416916kB';
    const wall = readLogRecord(
      `[Thu Jul 18 15:03:59 2024] ${summary} [Thu Jul 18 15:03:59 2024] ${kill}`,
    ) as LogEntry;
    expect(splitGluedRecords(wall).map((piece) => [piece.text.trim(), piece.stamp])).toEqual([
      [summary, 'Thu Jul 18 15:03:59 2024'],
      [kill, 'Thu Jul 18 15:03:59 2024'],
    ]);
    // Another writer's syslog line that quotes a kernel line without a host: its own text, no kernel record.
    const quoted = parseKernelLog(
      'Jul 18 15:04:02 ip-10-0-12-7 oom-alert[2211]: OOM detected on node: Jul 18 15:03:59 kernel: Memory cgroup out of memory: Killed process 4412 (java) total-vm:4817128kB',
    );
    expect(quoted.events).toEqual([]);
    // A dmesg -T stamp quoted inside a record that has a kernel time is no record of this kind: kept.
    const timed = readLogRecord(`[ 12.5] ${summary} [Thu Jul 18 15:03:59 2024] x`) as LogEntry;
    expect(splitGluedRecords(timed)).toHaveLength(1);
  });
});

describe('a record whose field values carry control characters (twenty-ninth red team, fluent-bit#9777)', () => {
  it('reads the writer and the host without them: a kernel record stays the kernel’s', () => {
    const kill = 'Out of memory: Killed process 1185587 (fluent-bit) total-vm:93200544kB';
    const record = JSON.stringify({
      MESSAGE: kill,
      SYSLOG_IDENTIFIER: 'kernel\u0001',
      _HOSTNAME: 'host.example.org\u0002',
    });
    expect(readLogRecord(record)).toMatchObject({ text: kill, host: 'host.example.org', fromKernel: true });
    const other = JSON.stringify({ MESSAGE: kill, SYSLOG_IDENTIFIER: 'systemd\u0001' });
    expect(readLogRecord(other)).toMatchObject({ fromKernel: false });
  });
});

describe('the thirty-eighth red team’s envelopes', () => {
  it('reads the printk time after a syslog tag that two spaces follow (compiler-explorer#219, 3.13, EC2 rsyslog)', () => {
    const entry = readLogRecord(
      'Dec 28 04:51:41 ip-172-30-2-164 kernel:  [304389.834034] clang++ invoked oom-killer: gfp_mask=0x280da, order=0, oom_score_adj=0',
    );
    expect(entry).toMatchObject({
      text: 'clang++ invoked oom-killer: gfp_mask=0x280da, order=0, oom_score_adj=0',
      kernelTime: 304389.834034,
      host: 'ip-172-30-2-164',
      enveloped: true,
    });
    expect(
      readLogRecord(
        'Dec 28 04:51:41 ip-172-30-2-164 kernel:  [304389.834058]  [<ffffffff8172d1b9>] dump_stack+0x64/0x82',
      ),
    ).toMatchObject({ text: ' [<ffffffff8172d1b9>] dump_stack+0x64/0x82', kernelTime: 304389.834058 });
    // At most three: more is the message's own indent.
    expect(readLogRecord('Dec 28 04:51:41 h kernel:     [304389.834034] x')?.kernelTime).toBeNull();
    // A frame of a log without printk times keeps its indent: only a time is looked for after the spaces.
    expect(
      readLogRecord('Dec 28 04:51:41 ip-172-30-2-164 kernel:  [<ffffffff8172d1b9>] dump_stack+0x64/0x82'),
    ).toMatchObject({ text: ' [<ffffffff8172d1b9>] dump_stack+0x64/0x82', kernelTime: null });
  });

  it('takes off a printk time an author masked, its value unknown (velog, a Chinese post: 38th red team B/11, B/12)', () => {
    expect(
      readLogRecord(
        '[52*2*5.*54*91] Out of memory: Killed process 30264 (java) total-vm:2858720kB, anon-rss:255412kB',
      ),
    ).toMatchObject({
      text: 'Out of memory: Killed process 30264 (java) total-vm:2858720kB, anon-rss:255412kB',
      kernelTime: null,
      enveloped: true,
    });
    expect(
      readLogRecord(
        '[xxx.xxxxxx] model-xxx invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      ),
    ).toMatchObject({
      text: 'model-xxx invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
    });
    expect(
      readLogRecord(
        'Mar  8 11:32:12 ip-172-31-10-193 kernel: [52*2*5.*54*35] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null)',
      ),
    ).toMatchObject({
      text: 'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null)',
      host: 'ip-172-31-10-193',
    });
    // printk's fraction has six places: a word in brackets is text.
    expect(readLogRecord('[X.509] Loaded cert')?.text).toBe('[X.509] Loaded cert');
    // An ellipsis marks lines left out, and a comm in brackets is text.
    expect(readLogRecord('[...] Out of memory: Killed process 1 (a)')?.enveloped).toBe(false);
    expect(readLogRecord('[xx] Out of memory: Killed process 1 (a)')?.text).toBe(
      '[xx] Out of memory: Killed process 1 (a)',
    );
  });

  it('reads apart records a web copy glued after a writer’s prose (a Gitea mirror of a systemd commit, 6.17)', () => {
    const prose =
      "This test occasionally fails due to a race where systemd processes kernel's SIGKILL before the OOM notification, so the test service dies with Result=signal instead of the expected Result=oom-kill: ";
    const header = 'kworker/1:0 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=-1, oom_score_adj=0';
    const kill =
      'Out of memory: Killed process 908 (sleep) total-vm:3264kB, anon-rss:256kB, file-rss:1916kB, shmem-rss:0kB, UID:0 pgtables:44kB oom_score_adj:1000';
    const line = `${prose}[ 51.008765] TEST-55-OOMD.sh[906]: + systemd-run --wait --unit oom-kill [ 51.066596] ${header} [ 51.088519] ${kill}`;
    const pieces = splitGluedRecords(readLogRecord(line) as LogEntry);
    expect(pieces.map((piece) => [piece.text.trim(), piece.kernelTime])).toEqual([
      [prose.trim(), null],
      ['TEST-55-OOMD.sh[906]: + systemd-run --wait --unit oom-kill', 51.008765],
      [header, 51.066596],
      [kill, 51.088519],
    ]);
    const { events } = parseKernelLog(line);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kernelTime: 51.088519,
      victim: { pid: 908, name: 'sleep', anonRssKb: 256, oomScoreAdj: 1000 },
      trigger: { name: 'kworker/1:0', order: -1 },
    });
    // Prose that quotes one record is read as before: one piece, its kill found in it.
    expect(splitGluedRecords(readLogRecord(`${prose}[ 51.088519] ${kill}`) as LogEntry)).toHaveLength(1);
  });

  it('reads apart `dmesg -T` records glued after prose (fifty-seventh red team B/12, a digest of bandwhich#284)', () => {
    const prose =
      '  *Symptoms*: I built and ran bandwhich on a few machines. After a while of running, it dies. I see this in my logs  ```bash ';
    const stamp = '[Sat Sep  9 14:11:34 2023] ';
    const row = '[ 910813]     0 910813 25425140  6316768 76255232  3166464           200 bandwhich';
    const summary =
      'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=zerotier-one.service,mems_allowed=0,global_oom,task_memcg=/system.slice/snap.bandwhich.bandwhich-92de3b50-fb9a-430c-9645-eac2cde77fe0.scope,task=bandwhich,pid=910813,uid=0';
    const kill =
      'Out of memory: Killed process 910813 (bandwhich) total-vm:101700560kB, anon-rss:25267072kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:74468kB oom_score_adj:200';
    const line = `${prose}${stamp}${row} ${stamp}${summary} ${stamp}${kill} \`\`\``;
    const pieces = splitGluedRecords(readLogRecord(line) as LogEntry);
    expect(pieces.map((piece) => [piece.text.trim(), piece.stamp])).toEqual([
      [prose.trim(), null],
      [row, 'Sat Sep  9 14:11:34 2023'],
      [summary, 'Sat Sep  9 14:11:34 2023'],
      [`${kill} \`\`\``, 'Sat Sep  9 14:11:34 2023'],
    ]);
    const { events } = parseKernelLog(line);
    expect(events).toMatchObject([
      {
        victim: { pid: 910813, name: 'bandwhich', uid: 0, oomScoreAdj: 200 },
        cgroup: { task: '/system.slice/snap.bandwhich.bandwhich-92de3b50-fb9a-430c-9645-eac2cde77fe0.scope' },
        complete: true,
      },
    ]);
    // Prose that quotes one record is read as before.
    expect(splitGluedRecords(readLogRecord(`${prose}${stamp}${kill}`) as LogEntry)).toHaveLength(1);
  });

  it('reads apart a whole syslog record that prose quotes in inline code (fifty-seventh red team B/03, devnet notes)', () => {
    const summary =
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=2d90ae0dc04950f146d262fd80f1da3b4bbc69cf059b2bb7c66616d35e4d3ffd,mems_allowed=0,oom_memcg=/docker/8b5e1b8686b3a5082ea70faa5809e3053bb1f75077ce19236582b6d67190a48a/kubepods/burstable/podda04e81e-3992-4dd3-aea5-112148b37b9e/2d90ae0dc04950f146d262fd80f1da3b4bbc69cf059b2bb7c66616d35e4d3ffd,task_memcg=/docker/8b5e1b8686b3a5082ea70faa5809e3053bb1f75077ce19236582b6d67190a48a/kubepods/burstable/podda04e81e-3992-4dd3-aea5-112148b37b9e/2d90ae0dc04950f146d262fd80f1da3b4bbc69cf059b2bb7c66616d35e4d3ffd,task=near-sandbox,pid=3723608,uid=0';
    const line = `    * oomkill messages should show up in \`/var/log/messages\`. E.g.: \`Nov 27 01:26:57 hostname kernel: ${summary}\``;
    const { events } = parseKernelLog(line);
    expect(events).toMatchObject([
      {
        node: null, // The author's placeholder for the host (MASKED_HOST).
        constraint: 'memcg',
        limitScope: 'container',
        victim: { pid: 3723608, name: 'near-sandbox', uid: 0 },
        pod: { uid: 'da04e81e-3992-4dd3-aea5-112148b37b9e' },
        container: { id: '2d90ae0dc04950f146d262fd80f1da3b4bbc69cf059b2bb7c66616d35e4d3ffd' },
      },
    ]);
    // A stamp with no host and tag after it is prose's own: `… on Nov 27 01:26:57 the node …` stays one piece.
    const told = readLogRecord('It died on Nov 27 01:26:57 and the kernel: said nothing') as LogEntry;
    expect(splitGluedRecords(told)).toHaveLength(1);
  });

  it('cuts each record glued after prose before the newline escape that ends it (the review of that rule)', () => {
    // More than 120 characters: no hypervisor's fields before a dmesg time (EMBEDDED), but a writer's prose.
    const prose =
      'The node fell over again last night, and this is what the kernel printed just before the restart, as the console showed it to us: ';
    const header = 'stress invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0';
    const counter = 'memory: usage 524288kB, limit 524288kB, failcnt 77';
    const kill = 'Memory cgroup out of memory: Killed process 4242 (stress) total-vm:1000kB, anon-rss:500kB';
    const line = `${prose}[ 100.000000] ${header}\\n[ 100.000001] ${counter}\\n[ 100.000002] ${kill}`;
    const pieces = splitGluedRecords(readLogRecord(line) as LogEntry).map((piece) => piece.text.trim());
    expect(pieces).toEqual([prose.trim(), header, counter, kill]);
    const { events } = parseKernelLog(line);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      trigger: { name: 'stress', oomScoreAdj: 0 },
      memory: { usageKb: 524288, limitKb: 524288, failcnt: 77 },
      victim: { pid: 4242 },
    });
  });

  it('reads apart records glued at masked printk times, and takes spaces off before one (the review of that rule)', () => {
    const taskIn = 'Task in /docker/abc killed as a result of limit of /docker/abc';
    const kill =
      'Memory cgroup out of memory: Killed process 27281 (java) total-vm:4613208kB, anon-rss:520580kB, file-rss:16904kB, shmem-rss:0kB';
    const glued = readLogRecord(`[xxxxxx.xxxxxx] ${taskIn} [xxxxxx.xxxxxx] ${kill}`) as LogEntry;
    expect(splitGluedRecords(glued).map((piece) => piece.text.trim())).toEqual([taskIn, kill]);
    expect(parseKernelLog(glued.text).events).toHaveLength(1);
    expect(parseKernelLog(`[xxxxxx.xxxxxx] ${taskIn} [xxxxxx.xxxxxx] ${kill}`).events[0]).toMatchObject({
      constraint: 'memcg',
      victim: { pid: 27281, name: 'java' },
      cgroup: { oom: '/docker/abc' },
    });
    // A real time glued after a masked one starts a record too (the second review).
    expect(parseKernelLog(`[xxxxxx.xxxxxx] ${taskIn} [ 123.456789] ${kill}`).events[0]?.victim).toMatchObject(
      { pid: 27281, name: 'java' },
    );
    // Records glued at syslog stamps, each with its masked time, are read apart at the stamps (the second review).
    const counter = 'memory: usage 524288kB, limit 524288kB, failcnt 77';
    const summary = 'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0';
    const syslogGlued = readLogRecord(
      `Mar  8 11:32:12 h kernel: [xxxx.xxxxxx] ${counter} Mar  8 11:32:12 h kernel: [xxxx.xxxxxx] ${summary}`,
    ) as LogEntry;
    expect(splitGluedRecords(syslogGlued).map((piece) => [piece.text.trim(), piece.host])).toEqual([
      [counter, 'h'],
      [summary, 'h'],
    ]);
    // A syslog record with no printk time quotes a time as its text: not glued on.
    const quoted = readLogRecord('Dec 28 04:51:41 h kernel: see [12.5] above') as LogEntry;
    expect(splitGluedRecords(quoted)).toHaveLength(1);
    expect(readLogRecord(`Mar  8 11:32:12 h kernel:  [xxxxx.xxxxxx] ${kill}`)?.text).toBe(kill);
  });
});

describe('the forty-first red team’s envelopes', () => {
  it('reads a syslog stamp with no host and no tag before kernel text, an author having cut them (41st red team C/05, corpus 267)', () => {
    // Markdown notes of a MySQL kill: every line `Oct 16 08:16:34 ` and the kernel's text.
    const kill =
      'Out of memory: Killed process 247944 (mysqld) total-vm:1760876kB, anon-rss:344704kB, file-rss:0kB, shmem-rss:0kB, UID:114 pgtables:1056kB oom_score_adj:0';
    expect(readLogRecord(`Oct 16 08:16:34 ${kill}`)).toMatchObject({
      text: kill,
      host: null,
      stamp: 'Oct 16 08:16:34',
      enveloped: true,
    });
    for (const text of [
      'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_m',
      '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
      '[ 247944]   114 247944   440219    86176  1081344        0             0 mysqld',
      'Tasks state (memory values in pages):',
      'mysqld invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0',
      ' dump_stack+0x6d/0x8b',
    ]) {
      expect(readLogRecord(`Oct 16 08:16:34 ${text}`)).toMatchObject({ text, host: null, enveloped: true });
    }
    // A host is still a host: a word with a digit, `-` or `.`, before kernel text; a lowercase word before other text.
    expect(readLogRecord(`Oct 16 08:16:34 db-1 ${kill}`)).toMatchObject({ text: kill, host: 'db-1' });
    expect(readLogRecord('Oct 16 08:16:34 db1 Memory cgroup out of memory: x')).toMatchObject({
      host: 'db1',
    });
    expect(readLogRecord('Oct 16 08:16:34 vm sshd started')).toMatchObject({
      host: 'vm',
      text: 'sshd started',
    });
    // A `dmesg -T` date whose `[` and weekday a copy lost stays one; more than a frame's space is no message.
    expect(readLogRecord(`Jul 18 15:03:59 2024] ${kill}`)).toMatchObject({
      text: kill,
      stamp: 'Jul 18 15:03:59 2024',
    });
    expect(readLogRecord(`Oct 16 08:16:34    ${kill}`)?.enveloped).toBe(false);
  });

  it('reads the whole report of such a paste: summary and kill line hard-wrapped, the task table (corpus 267)', () => {
    const text = [
      'Oct 16 08:16:34 Tasks state (memory values in pages):',
      'Oct 16 08:16:34 [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
      'Oct 16 08:16:34 [ 247944]   114 247944   440219    86176  1081344        0             0 mysqld',
      'Oct 16 08:16:34 oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_m',
      'emcg=/system.slice/mysql.service,task=mysqld,pid=247944,uid=114',
      'Oct 16 08:16:34 Out of memory: Killed process 247944 (mysqld) total-vm:1760876kB, anon-rss:344704kB, file-rss',
      ':0kB, shmem-rss:0kB, UID:114 pgtables:1056kB oom_score_adj:0',
    ].join('\n');
    const { events, drift } = parseKernelLog(text);
    expect(drift).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      node: null,
      constraint: 'system',
      limitScope: 'node',
      victim: { pid: 247944, name: 'mysqld', uid: 114, fileRssKb: 0, pgtablesKb: 1056 },
      cgroup: { task: '/system.slice/mysql.service' },
      tasks: [{ pid: 247944, name: 'mysqld' }],
      complete: true,
    });
  });

  it('reads the printk time after a prompt where the caller id follows it (EulixOS in QEMU: 41st red team A/05)', () => {
    const kill =
      'Out of memory: Killed process 17151 (cc1plus) total-vm:244616kB, anon-rss:194012kB, file-rss:5072kB, shmem-rss:0kB, UID:0 pgtables:472kB oom_score_adj:0';
    expect(readLogRecord(`-> # [ 1364.294650][T17314] ${kill}`)).toMatchObject({
      text: kill,
      kernelTime: 1364.29465,
      enveloped: true,
    });
    expect(readLogRecord(`localhost login: [ 1364.294650][    C3] ${kill}`)).toMatchObject({
      text: kill,
      kernelTime: 1364.29465,
    });
    const header = 'cc1plus invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0';
    expect(parseKernelLog(`root@vm:~# [ 1364.294600][T17314] ${header}`).drift.map((d) => d.text)).toEqual([
      header,
    ]);
    expect(readLogRecord(`root@vm:~# [ 1364.294600][T17314] ${header}`)).toMatchObject({ text: header });
    // A bracket of other text after the time is no caller id: the line stays as it is.
    expect(readLogRecord(`x [ 1364.294650][note] ${kill}`)?.kernelTime).toBeNull();
  });

  it('takes a comm that `invoked oom-killer` follows for no host after an RFC 3339 stamp either', () => {
    const header = 'python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0';
    expect(readLogRecord(`2026-11-22T14:41:50.508000+00:00 ${header}`)).toMatchObject({
      text: header,
      host: null,
      wallTime: '2026-11-22T14:41:50.508Z',
    });
    expect(readLogRecord(`2026-11-22T14:41:50.508000+00:00 node-1 ${header}`)).toMatchObject({
      text: header,
      host: 'node-1',
    });
  });
});

describe('the forty-second red team’s envelopes', () => {
  it('reads a syslog stamp that a colon follows, no host and no tag (Korean-locale journal lines: 42nd red team B/17, corpus 268)', () => {
    const header =
      'php-fpm invoked oom-killer: gfp_mask=0x14200ca(GFP_HIGHUSER_MOVABLE), nodemask=(null),  order=0, oom_score_adj=0';
    expect(readLogRecord(` 4월 25 15:08:38: ${header}`)).toMatchObject({
      text: header,
      stamp: '4월 25 15:08:38',
      host: null,
      enveloped: true,
    });
    // A frame keeps its one space; the English month reads the same.
    expect(readLogRecord(' 4월 25 15:08:38:  dump_backtrace+0x0/0x190')).toMatchObject({
      text: ' dump_backtrace+0x0/0x190',
      enveloped: true,
    });
    expect(readLogRecord(`Apr 25 15:08:38: ${header}`)).toMatchObject({
      text: header,
      stamp: 'Apr 25 15:08:38',
    });
  });

  it('reads Home Assistant’s host-log envelope: date and time with a space between, a zone or none, host and tag (42nd red team B/18, B/20, corpus 269)', () => {
    const kill = 'Out of memory: Killed process 565057 (python3) total-vm:21715204kB, anon-rss:14361676kB';
    expect(readLogRecord(`    2026-09-07 20:58:02 UTC homeassistant kernel: ${kill}`)).toMatchObject({
      text: kill,
      host: 'homeassistant',
      wallTime: '2026-09-07T20:58:02.000Z',
      fromKernel: true,
    });
    const row =
      '[   4346]     0  4346    45848       54       26       28         0   270336    21152           200 piper';
    expect(readLogRecord(`2025-04-22 18:23:14.930 homeassistant kernel: ${row}`)).toMatchObject({
      text: row,
      host: 'homeassistant',
      stamp: '2025-04-22 18:23:14.930',
      wallTime: null,
    });
    // An offset is a wall clock too.
    expect(readLogRecord('2025-04-22 18:23:14,930 +02:00 ha kernel: x')).toMatchObject({
      wallTime: '2025-04-22T16:23:14.930Z',
    });
    // Another writer's line is its own with its pid; words that may be no host and tag stay text (the reviews).
    expect(readLogRecord('2025-04-22 18:23:14 ha systemd[1]: Started x')).toMatchObject({
      host: 'ha',
      fromKernel: false,
      text: 'Started x',
    });
    expect(readLogRecord('2025-04-22 18:23:14 dmesg output: Out of memory: x')?.enveloped).toBe(false);
    // A zone is no host.
    expect(readLogRecord('2025-04-22 18:23:14 UTC kernel: Out of memory: x')).toMatchObject({
      host: null,
      wallTime: '2025-04-22T18:23:14.000Z',
      text: 'Out of memory: x',
    });
  });
});

describe('the forty-third red team’s envelopes', () => {
  it('reads QNAP’s kernel log: date, time and offset, then the record’s priority and dmesg time (43rd red team A/19, corpus 272)', () => {
    const kill =
      'Memory cgroup out of memory: Killed process 28597 (java) total-vm:6989624kB, anon-rss:639268kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:2052kB oom_score_adj:0';
    expect(readLogRecord(`2023-11-22 03:01:56 +01:00 <3> [62902.688067] ${kill}`)).toMatchObject({
      text: kill,
      kernelTime: 62902.688067,
      wallTime: '2023-11-22T02:01:56.000Z',
      host: null,
      fromKernel: true,
    });
    expect(readLogRecord(`2023-11-22 03:01:56 [62902.688067] ${kill}`)).toMatchObject({
      text: kill,
      kernelTime: 62902.688067,
      stamp: '2023-11-22 03:01:56',
    });
    // Without a host and tag, only a priority or a dmesg time may follow: other text is no envelope.
    expect(readLogRecord('2023-11-22 03:01:56 hello world')?.enveloped).toBe(false);
  });
});

describe('pdsh’s host before each line (42nd red team A/12)', () => {
  it('names the node where the envelope after it names none', () => {
    const kill =
      'Out of memory: Killed process 1057 (cfast7_linux_64) total-vm:4711796kB, anon-rss:3741344kB';
    expect(readLogRecord(`w17: [ 4714.953470] ${kill}`)).toMatchObject({
      text: kill,
      host: 'w17',
      kernelTime: 4714.95347,
    });
    expect(readLogRecord(`10.0.0.5: [ 4714.953470] ${kill}`)).toMatchObject({ host: '10.0.0.5' });
    // The envelope's own host wins; grep's file names (no space after the colon, or a log's name) name none.
    expect(readLogRecord(`w17: Dec  6 01:59:29 vm kernel: ${kill}`)).toMatchObject({ host: 'vm' });
    for (const source of [
      '/var/log/kern.log:',
      'kern.log: ',
      'syslog.1: ',
      'messages: ',
      'dmesg.txt: ',
      'stderr: ',
      'console: ',
    ])
      expect([source, readLogRecord(`${source}[ 4714.953470] ${kill}`)?.host]).toEqual([source, null]);
    // The tag alone after the source: the rest, which starts with a letter, is asked for a source of its own, which
    // must not move where this one ends (a review of the envelope gate, 40c9265, found the text cut inside `kernel:`).
    expect(readLogRecord(`w17: kernel: ${kill}`)).toMatchObject({ text: kill, host: 'w17' });
    expect(readLogRecord(`w17: kernel: [ 4714.953470] ${kill}`)).toMatchObject({ text: kill, host: 'w17' });
    for (const source of ['kern.log:', 'kern.log: ', '/var/log/kern.log:', 'syslog:13:', '8239767449: '])
      expect([source, readLogRecord(`${source}kernel: ${kill}`)?.text]).toEqual([source, kill]);
    // A line of sources upon sources (hostile or binary input) is read as before, not a level deeper at each.
    for (const unit of ['kern:', 'kern: '])
      expect(readLogRecord(`${unit.repeat(13_000)}${kill}`)?.text.endsWith(kill)).toBe(true);
    const { events } = parseKernelLog(
      `w17: [ 4714.953470] ${kill}\nw18: [11569.591396] ${kill.replace('1057', '908')}`,
    );
    expect(events.map((e) => [e.node, e.victim.pid])).toEqual([
      ['w17', 1057],
      ['w18', 908],
    ]);
  });
});

describe('the review of the forty-first to forty-third rounds’ envelopes', () => {
  it('keeps a capitalised host before kernel text, and refuses only the words kernel lines start with', () => {
    const header =
      'python invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0';
    expect(readLogRecord(`Oct 16 08:16:34 Tower ${header}`)).toMatchObject({ host: 'Tower', text: header });
    expect(readLogRecord('Oct 16 08:16:34 Tower Out of memory: Killed process 12 (python)')).toMatchObject({
      host: 'Tower',
      text: 'Out of memory: Killed process 12 (python)',
    });
    expect(readLogRecord('Oct 16 08:16:34 Node 0 DMA free:15908kB')).toMatchObject({ host: null });
  });

  it('leaves a syslog or ISO stamp before a printk time and caller id to its own rules (node and clock kept)', () => {
    expect(
      readLogRecord(
        'Oct 16 08:16:34 myhost [  123.456789][ T1234] Out of memory: Killed process 12 (python)',
      ),
    ).toMatchObject({
      host: 'myhost',
      kernelTime: 123.456789,
      text: 'Out of memory: Killed process 12 (python)',
    });
    expect(
      readLogRecord(
        '2025-10-16T08:16:34.123Z [  123.456789][ T1234] Out of memory: Killed process 12 (python)',
      ),
    ).toMatchObject({ wallTime: '2025-10-16T08:16:34.123Z', kernelTime: 123.456789 });
  });

  it('reads apart a record with a host glued onto one whose stamp stands alone', () => {
    const { events } = parseKernelLog(
      'Oct  8 11:12:20 splunkd invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0Oct  8 11:12:20 host1 kernel: Out of memory: Killed process 27364 (java) total-vm:4000kB, anon-rss:2000kB, file-rss:0kB, shmem-rss:0kB',
    );
    expect(events.map((e) => [e.node, e.victim.pid, e.trigger?.name])).toEqual([['host1', 27364, 'splunkd']]);
  });

  it('takes another writer’s tag with its pid and no host for that writer’s', () => {
    expect(readLogRecord('Oct 16 08:16:35 kubelet[800]: I1016 "Got sys oom event"')).toMatchObject({
      fromKernel: false,
      host: null,
      text: 'I1016 "Got sys oom event"',
    });
  });
});

describe('the second review of the forty-first to forty-third rounds’ envelopes', () => {
  it('reads a printk time and caller id after a hypervisor’s fields that start with a stamp', () => {
    const header = 'python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0';
    expect(
      readLogRecord(`2023-12-04T10:49:30.127Z In(05) vcpu-5 - Guest: <6>[ 3467.507943][ T4242] ${header}`),
    ).toMatchObject({ text: header, kernelTime: 3467.507943 });
    expect(readLogRecord('2024-01-01T00:00:00Z serial0: [ 1.000000][ T1] Out of memory: x')).toMatchObject({
      text: 'Out of memory: x',
      kernelTime: 1,
    });
  });

  it('keeps the group line and the victim line after a stamp with no host', () => {
    const group =
      'Tasks in /kubepods/burstable/pod3962896b-ab69-4572-8f1d-ee756f9f3589/abc are going to be killed due to memory.oom.group set';
    expect(readLogRecord(`Oct 16 08:16:34 ${group}`)).toMatchObject({ text: group, host: null });
    const victim = 'OOM victim 3154 (postgres) is already exiting. Skip killing the task';
    expect(readLogRecord(`Oct 16 08:16:34 ${victim}`)).toMatchObject({ text: victim, host: null });
  });

  it('takes no writer’s label in prose for pdsh’s host: a node’s name holds a digit, `-` or `.`', () => {
    for (const label of ['Update', 'Note', 'EDIT', 'pod', 'kmsg', 'A', 'dmesg_output', 'app.log.2024-01-01'])
      expect([label, readLogRecord(`${label}: [ 4714.953470] Out of memory: x`)?.host]).toEqual([
        label,
        null,
      ]);
  });

  it('reads another writer’s line with its pid in Home Assistant’s envelope as that writer’s', () => {
    expect(
      readLogRecord(
        '2025-04-22 18:23:14.930 homeassistant dockerd[123]: Out of memory: Killed process 1 (a)',
      ),
    ).toMatchObject({ fromKernel: false, host: 'homeassistant' });
  });
});
