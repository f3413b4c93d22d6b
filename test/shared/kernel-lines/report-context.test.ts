import { describe, expect, it } from 'vitest';
import { parseKernelLine } from '../../../shared/kernel-line.ts';
import { mayBeOomLine } from '../../../shared/log-event-lines.ts';
import { describeRealLines, type RealLine } from './real-lines.ts';

/** `line` is report context with the prefilter, and `plain` (the line again, unless given) without it. */
function expectContext(line: string, plain = line): void {
  expect(parseKernelLine(line)).toEqual(CONTEXT);
  expect(parseKernelLine(plain, false, { prefilter: false })).toEqual(CONTEXT);
}
const CONTEXT = { kind: 'line', line: { kind: 'context' } };

const LINES: RealLine<'context'>[] = [
  {
    source:
      'test/fixtures/kernel-logs/kernel-6.18-cgroupv1-memcg.dmesg.log (call-trace frame naming an oom function)',
    line: ' oom_kill_process.cold+0x8/0x8a',
    expected: {},
  },
  {
    source: 'linux-test-project/ltp#1080 (3.10 frame with address)',
    line: '[<ffffffffa25c2974>] pagefault_out_of_memory+0x14/0x90',
    expected: {},
  },
  {
    source: 'LKML linux-mm "oom-killer", ARM32 4.14 Android (corpus 49, where the mail wrapped it, joined)',
    line: '[<c034a094>] (oom_kill_process) from [<c034af24>] (out_of_memory+0x140/0x368)',
    expected: {},
  },
  {
    source: 'opencontainers/runc#5264 (arm64 7.0 frame with the unwind source)',
    line: ' show_stack+0x24/0x50 (C)',
    expected: {},
  },
  {
    // sysklogd's klogd wrote each `[<addr>]` as the symbol it looked up, a module's name before it where it found
    // one (often wrongly: `sg:`, `ipv6:`): 2.6.24 syslog on Ubuntu Forums, 2008 (fifty-fifth red team A/12).
    source: 'Ubuntu Forums, 2008, 2.6.24-19-generic syslog through klogd (index file 57108007962)',
    line: ' [oom_kill_process+0x10a/0x120] oom_kill_process+0x10a/0x120',
    expected: {},
  },
  {
    source: 'the same report, a frame klogd gave a module',
    line: ' [sg:__alloc_pages+0x36c/0x3a0] __alloc_pages+0x36c/0x3a0',
    expected: {},
  },
];

describeRealLines('context', LINES);

describe('context: call-trace frames of other unwinders', () => {
  it.each([
    [
      'ARM32 before 4.x, both ends with offsets (a quoted 2.6 log, index file 17103095986)',
      '[<c006b9ec>] (oom_kill_process+0x0/0x1cc) from [<c006bf44>] (out_of_memory+0x1b8/0x200)',
    ],
    [
      'ARM32 4.14 Android, the first address lost (index file 30523089836)',
      '(dump_header) from [<c027cfe4>] (oom_kill_process+0xc0/0x5c4)',
    ],
    [
      'ARM32 5.x+ without addresses (kernel format: arch/arm/kernel/traps.c)',
      'oom_kill_process from out_of_memory+0x140/0x368',
    ],
    [
      'ARM32, a module (kernel format: %ps and %pS of a module symbol)',
      '[<bf0012a4>] (foo_oom [foo]) from [<bf001400>] (bar+0x10/0x20 [foo])',
    ],
    [
      'arm64 6.13+, the unwind source (as opencontainers/runc#5264 prints it)',
      'oom_kill_process+0x298/0x348 (C)',
    ],
    [
      'powerpc (kernel format: arch/powerpc/kernel/process.c)',
      '[c00000000fe0fa50] [c000000000a9c3a4] oom_kill_process+0xe8/0x138 (unreliable)',
    ],
  ])('is report context: %s', (_source, line) => {
    expectContext(line, ` ${line}`);
  });

  it('is not a frame when the text around it is not one', () => {
    expect(parseKernelLine('the oom_kill_process from out_of_memory+0x140/0x368 path')).toEqual({
      kind: 'unrecognised',
      reason: expect.any(String),
    });
  });
});

describe('context: ARM32 frames a wrap cut at ` from` (twentieth red team I/02)', () => {
  // linux-mm, "Re: [HELP] OOM:Page allocation fragment issue" (2011), 2.6.35 ARM, quoted-printable mail: the
  // mail client broke each frame before or after its ` from`, each half on a line of its own.
  it.each([
    [
      'either half: the callee, its ` from` on the line above, or the caller, its ` from` on the line below',
      '[<c0109af0>] (oom_kill_process.clone.0+0x34/0xec)',
    ],
    ['the caller half with its ` from`', '[<c0109af0>] (oom_kill_process.clone.0+0x34/0xec) from'],
    [
      'the caller of 4.x (no offset), cut after the address (corpus 49)',
      '[<c034a094>] (oom_kill_process) from [<c034af24>]',
    ],
    ['the caller of 4.x, cut before ` from`', '[<c034a094>] (oom_kill_process)'],
    ['the callee half after a cut before ` from`', 'from [<c0109af0>] (oom_kill_process.clone.0+0x34/0xec)'],
    [
      'a module (kernel format: %pS of a module symbol)',
      '[<bf0012a4>] (foo_oom_notify+0x10/0x20 [foo]) from',
    ],
  ])('is report context: %s', (_what, line) => {
    expectContext(line, ` ${line}`);
  });

  it('is no more than it was where it names no OOM function, and a half needs its address or its `from`', () => {
    // Not OOM text: as before, with the prefilter and without.
    for (const line of [
      '[<c0109a88>] (dump_header.clone.1+0x50/0x84) from',
      'from [<c0109d04>] (__out_of_memory+0x15c/0x184)',
    ]) {
      expect(parseKernelLine(line)).toEqual({ kind: 'not-oom' });
      expect(parseKernelLine(line, false, { prefilter: false })).toEqual({ kind: 'not-oom' });
    }
    for (const line of [
      '(oom_kill_process+0x424/0x534)',
      '[<c0109af0>] (oom_kill_process) was here',
      'see (oom_kill_process) from [<c034af24>]',
    ]) {
      expect(parseKernelLine(line)).toEqual({ kind: 'unrecognised', reason: expect.any(String) });
    }
  });
});

describe('context: frames that decode_stacktrace.sh symbolized (eleventh red team W/06, LKP 6.17)', () => {
  it.each([
    'dump_header (mm/oom_kill.c:74 mm/oom_kill.c:468) ',
    'oom_kill_process.cold (mm/oom_kill.c:1041) ',
    'out_of_memory (mm/oom_kill.c:1180) ',
    '? oom_killer_disable (mm/oom_kill.c:1113) ',
    '__alloc_pages_may_oom (mm/page_alloc.c:4055) ',
  ])('%j is report context, with the prefilter and without', (line) => {
    expectContext(line);
  });

  it.each([
    '__alloc_pages_slowpath (mm/page_alloc.c:4349) ',
    // `memory` and `kill` alone are no OOM text: the frames of every other trace hold them.
    'handle_mm_fault (mm/memory.c:5000)',
    '__handle_mm_fault mm/memory.c:4512 [inline]',
    '__x64_sys_kill (kernel/signal.c:3200)',
  ])('%j is no context: it names no OOM text, with the prefilter and without (no mark tells it)', (line) => {
    expect(parseKernelLine(line)).toEqual({ kind: 'not-oom' });
    expect(parseKernelLine(line, false, { prefilter: false })).toEqual({ kind: 'not-oom' });
  });

  it('is context where it names the OOM path without `oom`: it tells the CPU line before it', () => {
    const line = '? mem_cgroup_out_of_memory (mm/memcontrol.c:1701)';
    expect(parseKernelLine(line)).toEqual({ kind: 'line', line: { kind: 'context' } });
    expect(mayBeOomLine(line, 0)).toBe(true);
  });
});

describe('context: frames as syzbot printed them until 2019, the source after the offset (thirty-fifth red team A/01, A/02)', () => {
  it.each([
    // linux-mm, 4.19-rc2 (A/01), and a syzbot report of 4.19-rc7-next (A/02).
    'dump_tasks mm/oom_kill.c:420 [inline]',
    'dump_header+0xf0d/0xf70 mm/oom_kill.c:450',
    'oom_kill_process.cold.28+0x10/0x95a mm/oom_kill.c:953',
    'out_of_memory.cold.30+0xf/0x184 mm/oom_kill.c:1109',
    'mem_cgroup_oom mm/memcontrol.c:1701 [inline]',
  ])('%j is report context, with the prefilter and without', (line) => {
    expectContext(line);
  });

  it.each([
    // No OOM text: set aside as before. Prose that names a file is no frame.
    ['dump_stack+0x1c4/0x2b4 lib/dump_stack.c:113', 'not-oom'],
    ['__dump_stack lib/dump_stack.c:77 [inline]', 'not-oom'],
    ['see the OOM report at mm/oom_kill.c:441', 'unrecognised'],
  ])('%j is %s', (line, kind) => {
    expect(parseKernelLine(line).kind).toBe(kind);
    expect(parseKernelLine(line, false, { prefilter: false }).kind).toBe(kind);
  });
});

describe('context: register lines that name an OOM function (thirtieth red team A/12, linux-mm, POWER7 3.9)', () => {
  // A soft lockup inside oom_kill_process: show_regs and show_stack name it. Before, each line was format drift.
  it.each([
    ['powerpc NIP (real)', 'NIP [c000000000194834] .oom_kill_process+0x224/0x530'],
    ['powerpc LR (real)', 'LR [c000000000194828] .oom_kill_process+0x218/0x530'],
    ['powerpc exception frame (real)', '--- Exception: 901 at .oom_kill_process+0x224/0x530'],
    ['powerpc exception frame’s LR (real, indented)', '    LR = .oom_kill_process+0x218/0x530'],
    // The same places as other architectures print them (show_regs' formats: `RIP: %04x:%pS`, `pc : %pS`,
    // `epc   : %0*lx %pS`, `PC is at %pS`).
    ['x86-64 RIP', 'RIP: 0010:oom_kill_process+0x85/0x2a0'],
    ['arm64 pc', 'pc : oom_kill_process+0x224/0x530'],
    ['arm64 lr', 'lr : oom_kill_process.cold+0x8/0x8a'],
    ['MIPS epc', 'epc   : 80358a5c oom_kill_process+0x70/0x178'],
    ['ARM32 PC', 'PC is at oom_kill_process+0x70/0x178'],
  ])('is report context: %s', (_what, line) => {
    expectContext(line);
  });

  it('is what it was where it names no OOM function, or is not a register line', () => {
    for (const line of [
      'RIP: 0010:__alloc_pages_slowpath+0x85/0x2a0',
      'NIP [c000000000194834] .schedule+0x224/0x530',
    ]) {
      expect(parseKernelLine(line)).toEqual({ kind: 'not-oom' });
      expect(parseKernelLine(line, false, { prefilter: false })).toEqual({ kind: 'not-oom' });
    }
    for (const line of [
      'RIP: 0010:oom_kill_process',
      'the pc : oom_kill_process+0x85/0x2a0',
      'RIP: 0033:0x7f0c oom',
    ]) {
      expect(parseKernelLine(line)).toEqual({ kind: 'unrecognised', reason: expect.any(String) });
    }
  });
});

describe('context: the thirty-eighth red team’s kernel lines', () => {
  it('reads an ARM32 frame printed with no space after each address (USBProxy-legacy#6, BeagleBone 3.12)', () => {
    for (const line of [
      '[<c05ba42c>](dump_header.isra.8+0x78/0x17c) from [<c00b5e00>](oom_kill_process+0x6c/0x360)',
      '[<c00b5e00>](oom_kill_process+0x6c/0x360) from [<c00b6504>](out_of_memory+0x26c/0x29c)',
    ]) {
      expectContext(line);
    }
    // Halves a wrap cut are read so too, where they name an OOM function.
    expectContext('[<c00b5e00>](oom_kill_process+0x6c/0x360) from');
    expectContext('from [<c00b5e00>](oom_kill_process+0x6c/0x360)');
  });

  it('reads a fault that found no OOM kill to wait for as report context (kernelkit/infix#1565, 6.18)', () => {
    expectContext('Huh VM_FAULT_OOM leaked out to the #PF handler. Retrying PF');
    expect(parseKernelLine('Huh, VM_FAULT_OOM leaked? see the handler')).toEqual({
      kind: 'unrecognised',
      reason: expect.any(String),
    });
  });
});
