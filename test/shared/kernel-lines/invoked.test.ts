import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldsByPart, invokedLine, isWritersText } from '../../../shared/kernel-lines/invoked.ts';
import { parseKernelLog } from '../../../shared/kernel-log.ts';
import { nearText } from './near-text.ts';
import { describeRealLines, type RealLine } from './real-lines.ts';

const LINES: RealLine<'invoked'>[] = [
  {
    source: 'test/fixtures/kernel-logs/kernel-6.18-cgroupv1-memcg.dmesg.log',
    line: 'python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
    expected: { name: 'python3', gfpMask: '0xcc0(GFP_KERNEL)', order: 0, oomScoreAdj: 0 },
  },
  {
    source: 'test/fixtures/kernel-logs/journalctl-4.18-el8-truncated.log',
    line: 'systembus invoked oom-killer: gfp_mask=0x6000c0(GFP_KERNEL), nodemask=(null), order=0, oom_score_adj=994',
    expected: { name: 'systembus', gfpMask: '0x6000c0(GFP_KERNEL)', order: 0, oomScoreAdj: 994 },
  },
  {
    source: 'kubernetes/kubernetes#56891 (3.10)',
    line: 'java invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=-998',
    expected: { name: 'java', gfpMask: '0xd0', order: 0, oomScoreAdj: -998 },
  },
  {
    source:
      'a blog on an ARC runner, `dmesg -T`: the author put `...` in place of fields (fifth red team K/03)',
    line: 'python invoked oom-killer: ... oom_score_adj=944',
    expected: { name: 'python', gfpMask: null, order: null, oomScoreAdj: 944 },
  },
  {
    // The space after the colon lost in an author's copy (linux-mm, Sha Zhengju, 2012: 42nd red team C/13).
    source:
      'linux-mm, "[PATCH V5] memcg, oom: provide more precise dump info while memcg oom happening", 2012 (3.7)',
    line: 'mal-80 invoked oom-killer:gfp_mask=0xd0, order=0, oom_score_adj=0',
    expected: { name: 'mal-80', gfpMask: '0xd0', order: 0, oomScoreAdj: 0 },
  },
  {
    // Cut by its author before the colon, in a rig's crash notes (41st red team B/16): the trigger's name alone.
    source: 'GPU rig notes quoting kern.log (index file 60841941892)',
    line: 'python invoked oom-killer',
    expected: { name: 'python', gfpMask: null, order: null, oomScoreAdj: null },
  },
  {
    // An author elided the flags (Korean load-test notes: 43rd red team B/07): the hex is the kernel's.
    source: 'Korean load-test notes, dmesg -T (index file 57148952922)',
    line: 'python3.12 invoked oom-killer: gfp_mask=0x140cca(...), oom_score_adj=0',
    expected: { name: 'python3.12', gfpMask: '0x140cca', order: null, oomScoreAdj: 0 },
  },
  {
    // The whole mask elided, in a Rust parser's doc comment (43rd red team B/11): no mask.
    source: 'a Rust parser source comment (index file 56835287640)',
    line: 'stress invoked oom-killer: gfp_mask=0x..., order=0, oom_score_adj=0',
    expected: { name: 'stress', gfpMask: null, order: 0, oomScoreAdj: 0 },
  },
  {
    // A header cut inside its flags, as quoted in a linux-mm reply (48th red team B/07): the hex alone is sure.
    source: 'linux-mm, reply on the alloc_tag patch (index file 35770539505)',
    line: 'sh invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|_0',
    expected: { name: 'sh', gfpMask: '0x140dca', order: null, oomScoreAdj: null },
  },
  {
    // The same cut with the rest of the fields after it (a wrap's join): still the hex alone.
    source: 'the line above, with the fields a kernel prints after the mask',
    line: 'sh invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_CO, order=0, oom_score_adj=0',
    expected: { name: 'sh', gfpMask: '0x140dca', order: 0, oomScoreAdj: 0 },
  },
  {
    // 2.6.24 printed a comm of blanks (`Pid: 6575, comm:    Not tainted` below it): the line starts at `invoked`
    // once its blanks are off (fifty-fifth red team A/12). No name, the fields all the same.
    source: 'Ubuntu Forums, 2008, 2.6.24-19-generic syslog (index file 57108007962)',
    line: '   invoked oom-killer: gfp_mask=0x40d0, order=1, oomkilladj=0',
    expected: { name: null, gfpMask: '0x40d0', order: 1, oomScoreAdj: null },
  },
  {
    // Full-width commas from a Chinese PDF (fifty-seventh red team A/10).
    source: 'Alibaba Cloud, "ECS运维指南之Linux系统诊断", text from the PDF (index file 14043220984)',
    line: 'nginx invoked oom-killer: gfp_mask=0x200da，order=0，oom_score_adj=0',
    expected: { name: 'nginx', gfpMask: '0x200da', order: 0, oomScoreAdj: 0 },
  },
];

describeRealLines('invoked', LINES);

describe('invoked: the usual layout, read by one match', () => {
  it('gives the fields that reading part by part gives', () => {
    const inserts = [',', '=', ', ', ' ', '-', '9', 'x', ', order=1', 'oom_score_adj=', 'gfp_mask='];
    // The lines that show the fields: a header cut before its colon has none (its own test, below).
    const lines = LINES.map((l) => l.line).filter((l) => l.includes(' invoked oom-killer: '));
    fc.assert(
      fc.property(nearText(lines, inserts), (line) => {
        const at = line.indexOf(' invoked oom-killer');
        const colon = at + ' invoked oom-killer'.length;
        // Cut before the colon (an insert there): the header's own test below.
        fc.pre(at <= 0 || line.charAt(colon) === ':');
        // After the colon, the kernel's space, or none where a copy lost it.
        const fields = line.slice(line.charAt(colon + 1) === ' ' ? colon + 2 : colon + 1);
        // A writer's words after the colon (an insert there) are no header, whichever way its fields are read.
        const plain = at <= 0 || isWritersText(fields) ? null : fieldsByPart(fields);
        expect(invokedLine.read(line, false)).toEqual(
          plain === null ? null : { kind: 'invoked', name: line.slice(0, at), ...plain },
        );
      }),
      { numRuns: 3000 },
    );
  });
});

describe('invoked: a program’s template of the header (twenty-second red team R/01, corpus 229)', () => {
  it.each([
    // A Rust test's `format!` template (R/01): `{flags}` where the kernel prints the flag names.
    'worker invoked oom-killer: gfp_mask=0xcc0({flags}), order=0, oom_score_adj=0',
    // The kernel's own printk format (mm/oom_kill.c, red team R/09).
    '%s invoked oom-killer: gfp_mask=%#x(%pGg), order=%d, oom_score_adj=%d\\n",',
    // A doc's placeholders, a JS template literal's interpolation.
    'java invoked oom-killer: gfp_mask=<gfp>, order=0, oom_score_adj=0',
    'java invoked oom-killer: gfp_mask=${gfp}, order=${order}, oom_score_adj=0',
    'java invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order={}, oom_score_adj=0',
  ])('is no header: %s', (line) => {
    expect(invokedLine.read(line, false)).toBeNull();
  });

  it('reads a real header with unknown bits as before, and one whose flags an author cut as its hex', () => {
    expect(
      invokedLine.read(
        'worker invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO|GFP_VENDOR|0x80000000), order=0, oom_score_adj=0',
        false,
      ),
    ).toMatchObject({
      gfpMask: '0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO|GFP_VENDOR|0x80000000)',
    });
    // The flags an author elided: the hex alone (43rd red team B/07).
    expect(invokedLine.read('cc1 invoked oom-killer: gfp_mask=0x140cca(...)', false)).toMatchObject({
      gfpMask: '0x140cca',
    });
  });
});

describe('invoked: a writer’s text quoting the header, then its own words (twenty-third red team U/11, corpus 239)', () => {
  it.each([
    // A Chinese blog explains the report between its fences (U/11): the header quoted, then prose.
    'kswapd0 invoked oom-killer: 由谁触发的 OOM Killer,',
    // Made-up forms of the class: an English explanation, a number list, a word that only starts like the key.
    'kswapd0 invoked oom-killer: the task that asked for memory',
    'kswapd0 invoked oom-killer: 1. the caller',
    'kswapd0 invoked oom-killer: gfp_mask is the allocation flags',
  ])('is no header: %s', (line) => {
    expect(invokedLine.read(line, false)).toBeNull();
  });

  it('reads a real header cut in its first key, or elided or quoted by a paste, as a header', () => {
    const read = (rest: string) => invokedLine.read(`kswapd0 invoked oom-killer: ${rest}`, false);
    const unknown = { kind: 'invoked', name: 'kswapd0', gfpMask: null, order: null, oomScoreAdj: null };
    expect(read('g')).toEqual(unknown);
    expect(read('gfp_mas')).toEqual(unknown);
    expect(read('gfp_mask=')).toMatchObject({ name: 'kswapd0', order: null, oomScoreAdj: null });
    expect(read('gfp_mask=0xcc0(GFP_KER')).toMatchObject({ gfpMask: '0xcc0', order: null });
    // A paste's marks where the fields were: an author's elision, a split string literal's quote (corpus 129).
    expect(read('... oom_score_adj=944')).toMatchObject({ name: 'kswapd0', oomScoreAdj: 944 });
    expect(read('"')).toEqual(unknown);
    // A cut inside the first key with the mark the cut left (a console's ellipsis, a writer's dots: a review's inputs).
    expect(read('gfp_m…')).toEqual(unknown);
    expect(read('gfp_mask...')).toEqual(unknown);
    // The kernel's next line glued on to a header cut at its colon: a reflow's join (a review's input), 2.6's, 4.x's.
    expect(read('CPU: 3 PID: 41399 Comm: memhog2 Not tainted 5.10.0-182.0.0.95.oe2203sp3.x86_64 #1')).toEqual(
      unknown,
    );
    expect(read('Pid: 4214, comm: kswapd0 Not tainted 2.6.32-431.el6.x86_64 #1')).toEqual(unknown);
    expect(read('kswapd0 cpuset=/ mems_allowed=0')).toEqual(unknown);
    // 2.6.x: `oomkilladj=`; a key first, whichever it is (a 2015 patch printed `order=` first).
    expect(read('gfp_mask=0x201d2, order=0, oomkilladj=0')).toMatchObject({ gfpMask: '0x201d2', order: 0 });
    expect(read('order=0, oom_score_adj=0, gfp_mask=0x24280ca(GFP_HIGHUSER_MOVABLE|GFP_ZERO)')).toMatchObject(
      {
        gfpMask: '0x24280ca(GFP_HIGHUSER_MOVABLE|GFP_ZERO)',
        order: 0,
      },
    );
  });
});

describe('invoked: a wrap inside a key, joined with a space (twenty-fifth red team Y/05)', () => {
  it('reads any key split anywhere as the whole header gives it', () => {
    const line =
      'stress invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0';
    const whole = invokedLine.read(line, false);
    expect(whole).toMatchObject({ gfpMask: '0x100cca(GFP_HIGHUSER_MOVABLE)', order: 0, oomScoreAdj: 0 });
    for (const key of ['gfp_mask', 'order', 'oom_score_adj']) {
      const at = line.indexOf(`${key}=`);
      for (let split = 1; split < key.length; split += 1) {
        const wrapped = `${line.slice(0, at + split)} ${line.slice(at + split)}`;
        expect([wrapped, invokedLine.read(wrapped, false)]).toEqual([wrapped, whole]);
      }
    }
  });

  it('joins only two words that make a key', () => {
    expect(
      invokedLine.read('stress invoked oom-killer: gfp_mask=0x100cca, or der=0, oom_score _adj=0', false),
    ).toMatchObject({ gfpMask: '0x100cca', order: 0, oomScoreAdj: 0 });
    expect(
      invokedLine.read('stress invoked oom-killer: gfp_mask=0x100cca, x order=0, oom sc=1', false),
    ).toMatchObject({
      order: 0,
      oomScoreAdj: null,
    });
  });
});

describe('invoked: a header cut before its colon (41st red team B/16)', () => {
  it('names the trigger when one word and at most an ellipsis are around the words', () => {
    for (const line of [
      'python invoked oom-killer',
      'python invoked oom-killer ...',
      'python invoked oom-killer…',
    ])
      expect(invokedLine.read(line, false)).toEqual({
        kind: 'invoked',
        name: 'python',
        gfpMask: null,
        order: null,
        oomScoreAdj: null,
      });
  });

  it('leaves a writer’s sentence alone: a name of several words, or words after', () => {
    expect(invokedLine.read('invoked oom-killer', false)).toBeNull();
    expect(invokedLine.read('invoked oom-killer: the kernel’s header', false)).toBeNull();
    expect(invokedLine.read('python invoked oom-killer and died', false)).toBeNull();
    expect(invokedLine.read('python invoked oom-killers', false)).toBeNull();
    // Longer than a comm: no comm.
    expect(invokedLine.read('The kernel then quickly invoked oom-killer', false)).toBeNull();
  });

  it('reads a name of several words a comm long, for the assembler to take behind an envelope alone (68th red team B/07)', () => {
    expect(invokedLine.read('C2 CompilerThre invoked oom-killer', false)).toEqual({
      kind: 'invoked',
      name: 'C2 CompilerThre',
      gfpMask: null,
      order: null,
      oomScoreAdj: null,
      spacedCutName: true,
    });
    const paste = [
      '[Wed May 13 07:50:23 2026] C2 CompilerThre invoked oom-killer',
      '[Wed May 13 07:50:23 2026] Memory cgroup out of memory: Killed process 343178 (java) total-vm:2838732kB, anon-rss:322964kB, file-rss:21808kB, UID:1001 pgtables:952kB oom_score_adj:0',
    ].join('\n');
    const read = parseKernelLog(paste);
    expect(read.events.map((e) => e.trigger?.name)).toEqual(['C2 CompilerThre']);
    expect(read.drift).toEqual([]);
    // Without an envelope it is a writer's sentence: drift, and no trigger.
    const prose = parseKernelLog(paste.replaceAll('[Wed May 13 07:50:23 2026] ', ''));
    expect(prose.events.map((e) => e.trigger)).toEqual([null]);
    expect(prose.drift.map((d) => d.text)).toEqual(['C2 CompilerThre invoked oom-killer']);
  });
});

describe('invoked: what an author or a query kept of the header (72nd red team A/11, B/18)', () => {
  it('reads the fields an author kept after an ellipsis for the colon and the first ones', () => {
    expect(invokedLine.read('node invoked oom-killer ... order=0', false)).toEqual({
      kind: 'invoked',
      name: 'node',
      gfpMask: null,
      order: 0,
      oomScoreAdj: null,
    });
    expect(invokedLine.read('node invoked oom-killer … order=0, oom_score_adj=994', false)).toMatchObject({
      order: 0,
      oomScoreAdj: 994,
    });
    // Words after the ellipsis are a writer's: no header.
    expect(invokedLine.read('node invoked oom-killer ... and then it died', false)).toBeNull();
  });

  it('takes the comm after a label a query put before each record, where the name is longer than a comm', () => {
    const line =
      'ip-10-0-204-71 - kube-state-metr invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=994';
    expect(invokedLine.read(line, false)).toMatchObject({ name: 'kube-state-metr', oomScoreAdj: 994 });
    // A comm as long as a comm may hold the separator itself; an escaped UTF-8 comm is longer and holds none.
    expect(
      invokedLine.read('a - b invoked oom-killer: gfp_mask=0xcc0, order=0, oom_score_adj=0', false),
    ).toMatchObject({
      name: 'a - b',
    });
    expect(
      invokedLine.read(
        '\\xe4\\xb8\\xad\\xe6\\x96\\x87 invoked oom-killer: gfp_mask=0xcc0, order=0, oom_score_adj=0',
        false,
      ),
    ).toMatchObject({ name: '\\xe4\\xb8\\xad\\xe6\\x96\\x87' });
  });

  it('takes the comm after a kernel syslog tag, where the name is longer than a comm (76th red team B/06)', () => {
    // A program's concatenation of the stamp it makes and a literal that holds the record's host and tag (its record
    // end, `\\n' +`, comes off before).
    const line =
      "W.syslogStamp(ago(2400)) + ' ldn-risk-prod04 kernel: mdreplay invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0";
    expect(invokedLine.read(line, false)).toMatchObject({
      name: 'mdreplay',
      gfpMask: '0x201da',
      oomScoreAdj: 0,
    });
    // A comm as long as a comm may hold the tag itself; a name whose last tag a longer text follows is kept.
    expect(
      invokedLine.read('a kernel: b invoked oom-killer: gfp_mask=0xcc0, order=0, oom_score_adj=0', false),
    ).toMatchObject({ name: 'a kernel: b' });
    const long = 'h kernel: \\xe4\\xb8\\xad\\xe6\\x96\\x87';
    expect(
      invokedLine.read(`${long} invoked oom-killer: gfp_mask=0xcc0, order=0, oom_score_adj=0`, false),
    ).toMatchObject({ name: long });
  });
});

describe('invoked: the last field with text glued after its number (77th red team A/15, B/10)', () => {
  it('reads oom_score_adj before a glued record or a literal’s escape, and no other number', () => {
    // Gregg's "60 s" article with its records glued; a Python fixture's header split over two literals.
    const glued =
      '[1880957.563150] perl invoked oom-killer: gfp_mask=0x280da, order=0, oom_score_adj=0[...][1880957.563400] Out of memory: Kill process 18694 (perl) score 246 or sacrifice child';
    const kill =
      '[1880957.563500] Killed process 18694 (perl) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB';
    expect(parseKernelLog(`${glued}\n${kill}`).events[0]?.trigger).toMatchObject({
      name: 'perl',
      oomScoreAdj: 0,
    });
    // The literal's joined header: `… oom_score_adj=0\n,some random line2\n",`.
    expect(fieldsByPart('gfp_mask=0x280da, order=0, oom_score_adj=0[...][1880957.563400]').oomScoreAdj).toBe(
      0,
    );
    expect(fieldsByPart('gfp_mask=0x24000c0, order=0, oom_score_adj=-998\\n,some').oomScoreAdj).toBe(-998);
    expect(fieldsByPart('gfp_mask=0x280da, order=0, oom_score_adj=0<4>').oomScoreAdj).toBe(0);
    // Not a number cut by more digits or letters, nor a sign alone.
    for (const value of ['0x1f', '12abc', '-[', '1.5', '[0]']) {
      expect(fieldsByPart(`gfp_mask=0x280da, order=0, oom_score_adj=${value}`).oomScoreAdj).toBeNull();
    }
  });
});
