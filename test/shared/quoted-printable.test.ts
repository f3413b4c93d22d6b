/**
 * Quoted-printable mail as archives keep it (RFC 2045): soft breaks joined, escapes decoded, only in an input
 * that shows the kernel's `=` encoded, and only on lines an encoder wrote. The lines are real, from raw
 * mailing-list mails (corpus 66, 81-84: ../fixtures/kernel-logs/corpus/README.md).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  QP_EVIDENCE_CHARS,
  QuotedPrintableLines,
  showsQuotedPrintable,
} from '../../shared/quoted-printable.ts';
import { joinWrappedLines, parseKernelLog } from '../../shared/kernel-log.ts';
import { assembleReports } from '../../shared/report-assembler.ts';
import { HOSTILE_NAMES } from '../fixtures/hostile-names.ts';

/** A process name (at most 15 characters) made of pieces of encoded kernel text and hostile names. */
function comm(): fc.Arbitrary<string> {
  const parts = ['=3D', 'oom-kill:', 'constraint', 'gfp_mask', ' oom-killer: ', 'CONSTRAINT_', '0x', '='];
  return fc
    .array(fc.oneof(fc.constantFrom(...parts, ...HOSTILE_NAMES), fc.string({ maxLength: 4 })), {
      maxLength: 6,
    })
    .map((pieces) => pieces.join('').slice(0, 15));
}

/** The lines QuotedPrintableLines hands on for `lines` (numbered from 1), with their line numbers. */
function decoded(lines: readonly string[]): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  const reader = new QuotedPrintableLines((text, lineNo) => out.push([text, lineNo]));
  lines.forEach((line, i) => reader.push(line, i + 1));
  reader.release();
  return out;
}

describe('showsQuotedPrintable', () => {
  it("is false for the evidence on another writer's line, however often, and true for it on the kernel's after", () => {
    // A program may write `constraint=3D` to syslog; a line holding it a thousand times is read once.
    const other = `Dec  6 01:56:03 node app[12]: ${'oom-kill:constraint=3DX '.repeat(1000)}`;
    const kernel = 'Dec  6 01:56:04 node kernel: oom-kill:constraint=3DCONSTRAINT_MEMCG,nodemask=3D(null)';
    expect(showsQuotedPrintable(other)).toBe(false);
    expect(showsQuotedPrintable(`${other}\n${other}`)).toBe(false);
    expect(showsQuotedPrintable(`${other}\n${kernel}`)).toBe(true);
    expect(showsQuotedPrintable(`${kernel}\n${other}`)).toBe(true);
  });

  it("is true for an input that shows the summary's or the header's first `=` encoded", () => {
    expect(
      showsQuotedPrintable('> [7516987.984221] oom-kill:constraint=3DCONSTRAINT_MEMCG,nodemask=3D(null)='),
    ).toBe(true);
    expect(
      showsQuotedPrintable('> [ 1172.339920] systemd invoked oom-killer: gfp_mask=3D0xcc0(GFP_KERNEL),'),
    ).toBe(true);
  });

  it('is true for a kill line figure that ends a line with its space encoded (sixtieth red team A/12, jailhouse-dev)', () => {
    // A mail of 2021 that quotes console kill lines alone: no `=3D` of the kernel's, each wrap's space `=20`.
    const lines = [
      '> > [   27.841660] Out of memory: Killed process 161 (systemd-udevd)=20',
      '> > total-vm:12276kB, anon-rss:556kB, file-rss:0kB, shmem-rss:0kB, UID:0=20',
      '> > pgtables:64kB oom_score_adj:0=20',
    ];
    expect(showsQuotedPrintable(lines.join('\n'))).toBe(true);
    expect(parseKernelLog(lines.join('\n')).events).toMatchObject([
      { victim: { pid: 161, name: 'systemd-udevd', uid: 0, pgtablesKb: 64, oomScoreAdj: 0 } },
    ]);
    // Not a figure's end: another writer's `=20`, and a setting.
    expect(
      showsQuotedPrintable('> > please update microcode to version: 0xb2 (or later)=20\ntimeout=20'),
    ).toBe(false);
    expect(showsQuotedPrintable('Dec  6 01:56:03 node app[12]: used 512kB=20')).toBe(false);
  });

  it('is true for a header a mail client wrapped after its colon before encoding it (nineteenth red team G/09)', () => {
    // An LKFT report (next-20250303, kselftest cgroup), raw quoted-printable.
    const lines = [
      '[  270.699078] test_memcontrol invoked oom-killer:',
      'gfp_mask=3D0xcc0(GFP_KERNEL), order=3D0, oom_score_adj=3D0',
    ];
    expect(showsQuotedPrintable(lines.join('\n'))).toBe(true);
    const [event] = parseKernelLog(
      [
        ...lines,
        '[ 270.729527] Memory cgroup out of memory: Killed process 946',
        '(test_memcontrol) total-vm:104840kB, anon-rss:30596kB,',
      ].join('\n'),
    ).events;
    expect(event?.trigger).toMatchObject({
      name: 'test_memcontrol',
      gfpMask: '0xcc0(GFP_KERNEL)',
      order: 0,
      oomScoreAdj: 0,
    });
    // Not encoded: a node's log whose header an author wrapped so.
    expect(showsQuotedPrintable('[ 1.0] a invoked oom-killer:\ngfp_mask=0xcc0(GFP_KERNEL), order=0')).toBe(
      false,
    );
  });

  it('is true where a mail client wrapped after a hyphen or a colon before encoding (fortieth red team B/01, linux-mm 2019)', () => {
    // Evolution's raw quoted-printable: the syslog host pushed both past its wrap column.
    const summary = [
      'Sep=C2=A0=C2=A05 12:00:52 hp-xl420gen9-01 kernel: oom-',
      'kill:constraint=3DCONSTRAINT_NONE,nodemask=3D(null),cpuset=3D/,mems_allow=',
      'ed=3D0-',
      '1,global_oom,task_memcg=3D/user.slice,task=3Doom01,pid=3D25507,uid=3D0',
    ];
    const header = [
      'Sep=C2=A0=C2=A05 12:00:52 hp-xl420gen9-01 kernel: irqbalance invoked oom-=',
      'killer:',
      'gfp_mask=3D0x100cca(GFP_HIGHUSER_MOVABLE), order=3D0, oom_score_adj=3D0',
    ];
    expect(showsQuotedPrintable(summary.join('\n'))).toBe(true);
    expect(showsQuotedPrintable(header.join('\n'))).toBe(true);
    const kill = [
      'Sep=C2=A0=C2=A05 12:00:52 hp-xl420gen9-01 kernel: Out of memory: Killed p=',
      'rocess 25507',
      '(oom01) total-vm:6324780kB, anon-rss:5647168kB, file-rss:0kB, shmem-rss:0=',
      'kB,',
      'UID:0 pgtables:11395072kB oom_score_adj:0',
    ];
    const [event, ...rest] = parseKernelLog([...summary, ...kill].join('\n')).events;
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      node: 'hp-xl420gen9-01',
      constraint: 'system',
      cgroup: { task: '/user.slice' },
      victim: { pid: 25507, name: 'oom01', anonRssKb: 5647168, shmemRssKb: 0, oomScoreAdj: 0 },
      complete: true,
    });
    // Not encoded, the same wraps say nothing.
    expect(showsQuotedPrintable('[ 1.0] oom-\nkill:constraint=CONSTRAINT_NONE,nodemask=(null)')).toBe(false);
  });

  it("is true for lines soft-broken in a row at an encoder's width (seventy-sixth red team A/07, jailhouse-dev HTML)", () => {
    // The text/html part of a Google Groups mail of 2021: console lines glued in `<div>`s, cut at 76 columns,
    // no `=` of the kernel's encoded (another program's `ret=3D-22`); breaks in the prefix, the pid, a figure.
    const lines = [
      'qemux86-64 login: =',
      '[&nbsp; &nbsp;27.731494] virtio_gpu virtio0: [drm] *ERROR* fbdev: Failed to=',
      ' setup generic emulation (ret=3D-22)</div><div>[&nbsp; &nbsp;27.841660] Out=',
      ' of memory: Killed process 161 (systemd-udevd) total-vm:12276kB, anon-rss:5=',
      '56kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:64kB oom_score_adj:0</div=',
      '><div><br></div><div>qemux86-64 login:&nbsp;</div><div>qemux86-64 login:&nb=',
      'sp;</div><div>qemux86-64 login: root</div><div><br></div><div>^C^C^C^C^C</d=',
      'iv><div><br></div><div>[&nbsp; 236.927354] Out of memory: Killed process 16=',
      '7 ((agetty)) total-vm:8260kB, anon-rss:1488kB, file-rss:0kB, shmem-rss:0kB,=',
      ' UID:0 pgtables:48kB oom_score_adj:0</div><div>[&nbsp; 437.781132] Out of m=',
      'emory: Killed process 166 (systemd-udevd) total-vm:13548kB, anon-rss:1500kB=',
      ', file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:64kB oom_score_adj:0</div><di=',
      'v>QEMU 4.2.0 monitor - type',
    ];
    expect(showsQuotedPrintable(lines.join('\n'))).toBe(true);
    expect(showsQuotedPrintable(lines.join('\r\n'))).toBe(true);
    expect(
      parseKernelLog(lines.join('\n')).events.map((e) => [
        e.victim.pid,
        e.victim.name,
        e.constraint,
        e.victim.anonRssKb,
        e.victim.oomScoreAdj,
      ]),
    ).toEqual([
      [161, 'systemd-udevd', 'system', 556, 0],
      [167, '(agetty)', 'system', 1488, 0],
      [166, 'systemd-udevd', 'system', 1500, 0],
    ]);
    // Two such lines in a row are not enough; nor lines cut short of the width, however many.
    expect(showsQuotedPrintable(lines.slice(0, 3).join('\n'))).toBe(false);
    expect(showsQuotedPrintable(lines.map((line) => line.slice(8)).join('\n'))).toBe(false);
  });

  it('is true for a MIME part header that names quoted-printable (seventy-sixth red team A/08)', () => {
    const part = [
      '------=_Part_1523_883706918.1624631885616',
      'Content-Type: text/html; charset="UTF-8"',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '<div>[&nbsp; 236.927354] Out of memory: Killed process 16=',
      '7 ((agetty)) total-vm:8260kB, anon-rss:1488kB, file-rss:0kB, shmem-rss:0kB,=',
      ' UID:0 pgtables:48kB oom_score_adj:0</div>',
    ];
    expect(showsQuotedPrintable(part.join('\n'))).toBe(true);
    expect(
      showsQuotedPrintable(part.join('\n').replace('Content-Transfer-Encoding', 'content-transfer-encoding')),
    ).toBe(true);
    expect(parseKernelLog(part.join('\n')).events.map((e) => [e.victim.pid, e.victim.pgtablesKb])).toEqual([
      [167, 48],
    ]);
    // Not a header of the text's own: on a log record, after other text, or another encoding.
    for (const line of [
      'Jan 14 18:01:50 ip-10-0-1-5 postfix/cleanup[812]: Content-Transfer-Encoding: quoted-printable',
      '[ 12.000000] Content-Transfer-Encoding: quoted-printable',
      'X-Note: Content-Transfer-Encoding: quoted-printable',
      'Content-Transfer-Encoding: base64',
    ]) {
      expect(showsQuotedPrintable([line, ...part.slice(4)].join('\n'))).toBe(false);
    }
  });

  it('is false for lines that end in `=` as a node log or a paste holds them', () => {
    const b64 = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=';
    const cases = [
      // Settings with empty values, in a row.
      ['HTTP_PROXY=', 'HTTPS_PROXY=', 'NO_PROXY=', 'AWS_REGION='],
      // Base64 at 76 columns: only its last line may end in `=`.
      [`${'QUJD'.repeat(19)}`, `${'QUJD'.repeat(19)}`, `${'QUJD'.repeat(9)}${b64}`],
      // Another writer's records at that width, each ending in padding.
      Array.from(
        { length: 4 },
        (_, i) => `Jan 14 18:01:5${i} ip-10-0-1-5 app[900]: key ${b64.slice(0, 24 + i)}=`,
      ),
      // The kernel's records of that width, each on its own.
      Array.from({ length: 4 }, (_, i) => `[ 12.00000${i}] audit: ${'x'.repeat(44)} subj=a key=`),
    ];
    for (const lines of cases) expect(showsQuotedPrintable(lines.join('\n'))).toBe(false);
  });

  it('is false for what a node log holds: the same text not encoded, numbers after `=`, a cut line', () => {
    const nodeLog = [
      '[ 71.736596] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0-1,oom_memcg=/mglru,task_memcg=/mglru,task=test.sh,pid=7215,uid=0',
      '[ 1172.339920] systemd invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=100',
      'audit: type=1400 audit(1700000000.123:45): apparmor="DENIED" pid=3D uid=1000',
      'kubelet[1234]: token=eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ==',
      '[ 12.000000] cut after its =',
    ].join('\n');
    expect(showsQuotedPrintable(nodeLog)).toBe(false);
  });

  it("is false when only another program's line shows it: any program may write it to syslog (a review)", () => {
    const syslog = [
      'Jan 14 18:01:50 ip-10-0-1-5 alertmailer[812]: sent body: oom-kill:constraint=3DCONSTRAINT_MEMCG',
      'Jan 14 18:01:55 ip-10-0-1-5 app[900]: token rotated, new key tail ZGVmZ2hpams=',
      'Jan 14 18:01:55 ip-10-0-1-5 kernel: Memory cgroup out of memory: Killed process 4242 (java) total-vm:1234kB, anon-rss:1000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:100kB oom_score_adj:999',
    ].join('\n');
    expect(showsQuotedPrintable(syslog)).toBe(false);
    expect(parseKernelLog(syslog).events.map((e) => e.victim.pid)).toEqual([4242]);
    expect(showsQuotedPrintable(syslog.replace('alertmailer[812]', 'kernel'))).toBe(true);
  });

  it('looks only at the first QP_EVIDENCE_CHARS characters, as every reader does', () => {
    const late = `${'x'.repeat(QP_EVIDENCE_CHARS - 10)}oom-kill:constraint=3DCONSTRAINT_MEMCG`;
    expect(showsQuotedPrintable(late)).toBe(false);
    expect(showsQuotedPrintable(late.slice(20))).toBe(true);
  });

  // A process may be named anything of 15 characters; on a node, no name makes a log look encoded.
  // A task row ends in its process's name, which may end in `=` at any width (a dmesg without times: no envelope).
  it('is never true for task rows whatever their processes are named (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(comm(), fc.nat(99999), fc.nat(9999999)), { minLength: 3, maxLength: 8 }),
        fc.boolean(),
        (rows, stamped) => {
          const log = rows
            .map(([name, pid, rss], i) => {
              const row = `[${String(pid).padStart(7)}]     0 ${String(pid).padStart(7)} ${String(rss).padStart(8)}     1234    45056        0             0 ${name}=`;
              return stamped ? `[ 5120.10${String(i).padStart(4, '0')}] ${row}` : row;
            })
            .join('\n');
          expect(showsQuotedPrintable(log)).toBe(false);
        },
      ),
    );
  });

  it('is never true for a node log whatever its processes are named (fast-check)', () => {
    const report = (name: string, pid: number): string[] => [
      `[ 5120.104001] ${name} invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=984`,
      `[ 5120.104019] CPU: 1 UID: 0 PID: ${pid} Comm: ${name} Not tainted 6.1.115 #1`,
      `[ 5120.104305] [   ${pid}]     0  ${pid}      620      263    45056        0           984 ${name}`,
      `[ 5120.104313] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a,task=${name},pid=${pid},uid=0`,
      `[ 5120.104330] Memory cgroup out of memory: Killed process ${pid} (${name}) total-vm:280004kB, anon-rss:259368kB, file-rss:196kB, shmem-rss:0kB, UID:0 pgtables:568kB oom_score_adj:984`,
      `[ 5120.118002] oom_reaper: reaped process ${pid} (${name}), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB`,
    ];
    fc.assert(
      fc.property(fc.array(fc.tuple(comm(), fc.nat(99999)), { maxLength: 4 }), (kills) => {
        const log = kills.flatMap(([name, pid]) => report(name, pid)).join('\n');
        expect(showsQuotedPrintable(log)).toBe(false);
      }),
    );
  });
});

describe('QuotedPrintableLines', () => {
  it('joins a soft break with nothing, the continued line without a quote mark of its own (C/15, 83)', () => {
    expect(
      decoded([
        '> [7516987.983223] memory: usage 16777216kB, limit 16777216kB, failcnt 5284=',
        '3037',
        '> [7516987.983224] memory+swap: usage 16777216kB, limit 9007199254740988kB,=',
        ' failcnt 0',
      ]),
    ).toEqual([
      ['> [7516987.983223] memory: usage 16777216kB, limit 16777216kB, failcnt 52843037', 1],
      ['> [7516987.983224] memory+swap: usage 16777216kB, limit 9007199254740988kB, failcnt 0', 3],
    ]);
  });

  it('decodes a summary soft-broken over six lines, a break just before an `=3D` (83)', () => {
    expect(
      decoded([
        '> [7516987.984221] oom-kill:constraint=3DCONSTRAINT_MEMCG,nodemask=3D(null)=',
        ',cpuset=3D3aa16c9482ae3a6f6b78bda68a55d32c87c99b985e0f11331cddf05af6c4d753,=',
        'mems_allowed=3D0-1,oom_memcg=3D/kubepods/podf1c273d3-9b36-11ea-b3df-246e969=',
        '3c184,task_memcg=3D/kubepods/podf1c273d3-9b36-11ea-b3df-246e9693c184/1f246a=',
        '3eeea8f70bf91141eeaf1805346a666e225f823906485ea0b6c37dfc3d,task=3Dpause,pid=',
        '=3D5740,uid=3D0',
      ]),
    ).toEqual([
      [
        '> [7516987.984221] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=3aa16c9482ae3a6f6b78bda68a55d32c87c99b985e0f11331cddf05af6c4d753,mems_allowed=0-1,oom_memcg=/kubepods/podf1c273d3-9b36-11ea-b3df-246e9693c184,task_memcg=/kubepods/podf1c273d3-9b36-11ea-b3df-246e9693c184/1f246a3eeea8f70bf91141eeaf1805346a666e225f823906485ea0b6c37dfc3d,task=pause,pid=5740,uid=0',
        1,
      ],
    ]);
  });

  it('decodes `=2E` in timestamps and a number split by a soft break (B/08, 81)', () => {
    expect(
      decoded([
        '> >>>>> [121969=2E590000] oom-kill:constraint=3DCONSTRAINT_NONE,nodemask=',
        '=3D(null),cpuset=3D/,mems_allowed=3D0,task=3Ddbus-daemon,pid=3D454,uid=3D10=',
        '1',
        '> >>>>>=20',
        '> >>>>> [121972=2E900000] Out of memory and no killable processes=2E=2E=2E',
      ]),
    ).toEqual([
      [
        '> >>>>> [121969.590000] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,task=dbus-daemon,pid=454,uid=101',
        1,
      ],
      ['> >>>>> ', 4],
      ['> >>>>> [121972.900000] Out of memory and no killable processes...', 5],
    ]);
  });

  it('keeps the space `=20` encodes at a hard line end (H/03, 84)', () => {
    expect(
      decoded(['> 105068kB, anon-rss:9792kB, file-rss:10972kB, shmem-rss:0kB, UID:1000=20', 'pgtables:']),
    ).toEqual([
      ['> 105068kB, anon-rss:9792kB, file-rss:10972kB, shmem-rss:0kB, UID:1000 ', 1],
      ['pgtables:', 2],
    ]);
  });

  it('decodes UTF-8 written as several escapes, also across a soft break, and CRLF lines', () => {
    expect(decoded(['=E4=B8=AD=E6=96=87 ok', 'a =E4=B8=', '=AD b'])).toEqual([
      ['中文 ok', 1],
      ['a 中 b', 2],
    ]);
    expect(decoded(['task=3Dpause,pid=\r', '=3D5740\r'])).toEqual([['task=pause,pid=5740\r', 1]]);
  });

  it('leaves alone the lines an encoder did not write: numbers after `=`, base64, a space inside a line', () => {
    const lines = ['[ 1172.339920] uid=1000 gid=1000', 'pid=4404,uid=0', 'order=2048', 'token==', 'a=3D=x'];
    expect(decoded(lines)).toEqual(lines.map((line, i) => [line, i + 1]));
  });

  it('keeps a final `=` that no encoded line follows', () => {
    expect(decoded(['cut at its =', 'uid=1000'])).toEqual([
      ['cut at its =', 1],
      ['uid=1000', 2],
    ]);
    expect(decoded(['last ='])).toEqual([['last =', 1]]);
  });

  it('decodes bytes that are not UTF-8 as ISO-8859-1 (sixtieth red team A/09, a Gmail mail of 2011 on linux-mm)', () => {
    // Gmail sent `charset=ISO-8859-1`: its no-break spaces are `=A0`, and as UTF-8 the line did not decode at all.
    expect(
      decoded([
        '>> May 26 18:43:00 =A0kernel: [ =A0963.489248] Task in /A killed as a resul=',
        't',
        '>> of limit of /A',
      ]),
    ).toEqual([
      ['>> May 26 18:43:00 \u00a0kernel: [ \u00a0963.489248] Task in /A killed as a result', 1],
      ['>> of limit of /A', 3],
    ]);
    expect(decoded(['bytes =C3=', '=A9=A9 not UTF-8', 'ok=3D=C3'])).toEqual([
      ['bytes \u00c3\u00a9\u00a9 not UTF-8', 1],
      ['ok=\u00c3', 3],
    ]);
  });

  it('takes `=0A` as a line break, with or without a soft break after it (Outlook; twentieth red team I/03)', () => {
    // linux-cifs, "OOM killer triggered by CIFS mount" (2025): every line break of the body is encoded.
    expect(
      decoded([
        '[1527133.672369] test_samba_blfl invoked oom-killer: gfp_mask=3D0x400dc0(GF=',
        'P_KERNEL_ACCOUNT|__GFP_ZERO), order=3D2, oom_score_adj=3D0=0A=',
        '[1527133.672449] Call trace:=0A=',
        '[1527133.672892] [   7991]     0  7991     1045      256    49152        0 =',
        '            0 sh=0A=',
        '=0A=',
        'While the script was running, I monitored the system memory with the free c=',
        'ommand:=0A=',
        'a=0Ab=0A',
        'c',
      ]),
    ).toEqual([
      [
        '[1527133.672369] test_samba_blfl invoked oom-killer: gfp_mask=0x400dc0(GFP_KERNEL_ACCOUNT|__GFP_ZERO), order=2, oom_score_adj=0',
        1,
      ],
      ['[1527133.672449] Call trace:', 3],
      ['[1527133.672892] [   7991]     0  7991     1045      256    49152        0             0 sh', 4],
      ['', 6],
      ['While the script was running, I monitored the system memory with the free command:', 7],
      ['a', 9],
      ['b', 9],
      ['c', 10],
    ]);
  });

  it('takes `=0D=0A` as one line break, also split by a soft break, and a space `=20` before it', () => {
    expect(decoded(['one=0D=0Atwo=20=0D=', '=0Athree=0D=0A=', 'four'])).toEqual([
      ['one', 1],
      ['two ', 1],
      ['three', 2],
      ['four', 3],
    ]);
    // Not a break: a lone CR or LF escape inside a line that is not encoded, or a CR with no LF after it.
    expect(decoded(['uid=0A1 gid=0', 'x=0Dy=3D'])).toEqual([
      ['uid=0A1 gid=0', 1],
      ['x=0Dy=3D', 2],
    ]);
  });

  it('decodes the punctuation encoders escape, `=2D` at the start of a continued line (I/05)', () => {
    // linux-mm, "4.7.0, cp -al causes OOM" (2016).
    expect(
      decoded([
        '[87259.586976] oom_reaper: reaped process 2190 (cp), now anon-rss:0kB, file=',
        '=2Drss:0kB, shmem-rss:0kB',
        '=2D=2D signature=5F=7E',
      ]),
    ).toEqual([
      [
        '[87259.586976] oom_reaper: reaped process 2190 (cp), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
        1,
      ],
      ['-- signature_~', 3],
    ]);
    // Digits only: a number after `=`, never an escape (`oom_score_adj=25` is no `%`, `=40` no `@`).
    expect(decoded(['oom_score_adj=25', 'x=40'])).toEqual([
      ['oom_score_adj=25', 1],
      ['x=40', 2],
    ]);
  });

  it('joins at most 32 lines into one', () => {
    const out = decoded([...Array.from({ length: 40 }, () => 'ab='), 'end']);
    expect(out.map(([, lineNo]) => lineNo)).toEqual([1, 33]);
    expect(out[0]?.[0]).toBe(`${'ab'.repeat(31)}ab=`);
  });
});

// What a node's log holds around `=`: numbers, base64, a cut line, hostile process names, `=3D` where no
// kernel key is. parseKernelLog reads it exactly as it reads lines with no decoding at all.
describe('a node log with `=` in its lines', () => {
  const stamp = (i: number): string => `[ ${(5000 + i * 0.001).toFixed(6)}]`;
  const line = fc.oneof(
    fc
      .tuple(comm(), fc.nat(99999), fc.integer({ min: -1000, max: 1000 }))
      .map(([name, pid, adj]) => [
        `${name} invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=${adj}`,
        `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a,task=${name},pid=${pid},uid=0`,
        `Memory cgroup out of memory: Killed process ${pid} (${name}) total-vm:280004kB, anon-rss:259368kB, file-rss:196kB, shmem-rss:0kB, UID:0 pgtables:568kB oom_score_adj:${adj}`,
      ]),
    fc
      .tuple(fc.nat(99999), fc.nat(99999))
      .map(([pid, uid]) => [`audit: type=1400 pid=${pid} uid=${uid} ses=4294967295 subj==unconfined`]),
    fc.base64String({ minLength: 4, maxLength: 40 }).map((b64) => [`kubelet: token=${b64}`]),
    fc.constantFrom(['cut after its ='], ['x=3Dy =20'], ['size=20'], ['=E4=B8=AD'], ['a=', 'b=3D']),
  );
  it('gives what the lines give undecoded (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (groups) => {
        const text = groups
          .flat()
          .map((l, i) => `${stamp(i)} ${l}`)
          .join('\n');
        const records = joinWrappedLines(text.split('\n'), { prefilter: false });
        const inputs = records.map((r) => ({ entry: r.entry, ref: r.lineNo }));
        const undecoded = assembleReports(
          inputs,
          null,
          { node: null, source: { file: 'x' }, bootTimeMs: null },
          {
            final: true,
          },
        );
        const parsed = parseKernelLog(text, { file: 'x' });
        expect(parsed.events).toEqual(undecoded.events);
        expect(parsed.drift).toEqual(undecoded.drift);
      }),
    );
  });
});
