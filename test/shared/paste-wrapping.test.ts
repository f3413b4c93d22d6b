import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseKernelLog } from '../../shared/kernel-log.ts';
import {
  continuedLiteralQuote,
  literalContinuation,
  withoutLiteralClose,
  withoutLiteralRecordEnd,
  withoutPasteWrapping,
} from '../../shared/paste-wrapping.ts';

const SYSLOG = 'Jan 14 18:01:55 aks-agentpool-20086390-vmss00003C kernel: [ 1432.394676] ';
const HEADER = 'dotnet invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=1000';

describe('withoutPasteWrapping', () => {
  it('takes off a list mark and inline code around an envelope (red team 4 I/10)', () => {
    expect(withoutPasteWrapping(`\`- ${SYSLOG}${HEADER}\``)).toBe(`${SYSLOG}${HEADER}`);
    // The code fence before the first item took its opening backtick.
    expect(withoutPasteWrapping(`- ${SYSLOG}${HEADER}\``)).toBe(`${SYSLOG}${HEADER}`);
  });

  it('every list mark, inline code alone, several backticks, spaces after the closing one', () => {
    const wrapped = [
      `* ${SYSLOG}${HEADER}`,
      `+ ${SYSLOG}${HEADER}`,
      `1. ${SYSLOG}${HEADER}`,
      `12) \`${SYSLOG}${HEADER}\``,
      `-   \`${SYSLOG}${HEADER}\`  `,
      `\`${SYSLOG}${HEADER}\``,
      `\`\`- ${SYSLOG}${HEADER}\`\``,
      `\`[ 1432.394506]  oom_kill_process+0xe6/0x120\``,
      `- \`6,2697,3812808832,-;${HEADER}\``,
    ];
    expect(wrapped.map(withoutPasteWrapping)).toEqual([
      ...Array<string>(7).fill(`${SYSLOG}${HEADER}`),
      '[ 1432.394506]  oom_kill_process+0xe6/0x120',
      `6,2697,3812808832,-;${HEADER}`,
    ]);
  });

  it('takes the marks off a kernel line that no comm starts, without an envelope (thirty-first red team B/09, B/08)', () => {
    // A Chinese incident report quoting kern.log in inline code; an LKML reply quoting with `| `.
    const summary =
      'oom-kill:constraint=CONSTRAINT_NONE,...,global_oom,task_memcg=/system.slice/trade-fapi-daily.service,task=python,pid=1806845,uid=1000';
    const taskIn =
      'Task in /docker/b20efb83c398d760fbe06639862945731745589e717d9c1fd100e509594aa57b killed as a result of limit of /docker/b20efb83c398d760fbe06639862945731745589e717d9c1fd100e509594aa57b';
    const counter = 'memory: usage 524288kB, limit 524288kB, failcnt 10168';
    const stats = 'Memory cgroup stats for /dirty-test: cache:0KB rss:3528KB';
    const group = 'Tasks in /kubepods.slice/x.scope are going to be killed due to memory.oom.group set';
    expect(withoutPasteWrapping(`\`${summary}\``)).toBe(summary);
    expect(withoutPasteWrapping(`| ${summary}`)).toBe(summary);
    expect(withoutPasteWrapping(`- \`${taskIn}\``)).toBe(taskIn);
    expect(withoutPasteWrapping(`1. ${counter}`)).toBe(counter);
    expect(withoutPasteWrapping(`* ${stats}`)).toBe(stats);
    expect(withoutPasteWrapping(`- ${group}`)).toBe(group);
  });

  it('keeps the marks before what a comm or prose may start with', () => {
    for (const line of [
      '- oom-kill is what happened',
      '`-bash invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0`',
      '- Task in the pod was killed',
    ]) {
      expect(withoutPasteWrapping(line)).toBe(line);
    }
  });

  it('takes off a code fence a page rendered on the line it opens, spaces after it (twenty-eighth red team B/17)', () => {
    const summary = '[Thu Jul 18 15:03:59 2024] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null)';
    expect(withoutPasteWrapping(`\`\`\` ${summary}`)).toBe(summary);
    expect(withoutPasteWrapping(`\` ${SYSLOG}${HEADER}\``)).toBe(`${SYSLOG}${HEADER}`);
    // Before no envelope, as before: the marks stay.
    expect(withoutPasteWrapping(`\`\`\` ${HEADER}`)).toBe(`\`\`\` ${HEADER}`);
  });

  it('leaves prose, kernel text without an envelope and a comm with a backtick or a dash alone', () => {
    const kept = [
      '- see the log below',
      '- 1432 MiB was in use`',
      `- ${HEADER}\``,
      `\`${HEADER}\``,
      '[ 1432.394506] [  20341]     0 20341 43045424  1200428  9850880        0          1000 dotnet`',
      `${SYSLOG}- invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0`,
      '-bash invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      '1.5 Jan 14 18:01:55 host kernel: x',
      '6,2697,3812808832,-;x`',
      '`',
      '',
    ];
    expect(kept.map(withoutPasteWrapping)).toEqual(kept);
  });

  it('takes off a string literal’s quotes around a kmsg record (a Go test’s data, fifth red team K/10)', () => {
    const record =
      '6,23800,6780904484233,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),task=perl,pid=31717,uid=0';
    expect(
      [`"${record}",`, `"${record}"`, `'${record}',`, `"${record}",  `].map(withoutPasteWrapping),
    ).toEqual(Array<string>(4).fill(record));
  });

  it('takes off the quotes of a literal that the line closes, whatever its text (twelfth red team X/10, a Rust test)', () => {
    expect(withoutPasteWrapping('"Killed process 1 (a) total-vm:1kB",')).toBe(
      'Killed process 1 (a) total-vm:1kB',
    );
    expect(withoutPasteWrapping(`'${HEADER}'`)).toBe(HEADER);
    const summary =
      'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/docker/abc123,task=nginx,pid=4242,uid=0';
    expect(withoutPasteWrapping(`"${summary}",`)).toBe(summary);
    // A JSON record in a literal, its quotes escaped.
    expect(withoutPasteWrapping('"{\\"MESSAGE\\":\\"x\\"}",')).toBe('{"MESSAGE":"x"}');
  });

  it('reads a literal a backslash continues on the next line (twelfth red team X/10, a Rust test)', () => {
    const lines = [
      '\t\t\t\t5_500_000,',
      '\t\t\t\t"oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,\\',
      '\t\t\t\t global_oom,task_memcg=/docker/abc123,task=nginx,pid=4242,uid=0",',
      '\t\t\t),',
    ];
    const [kill] = parseKernelLog(lines.join('\n')).events;
    expect(kill).toMatchObject({
      victim: { pid: 4242, name: 'nginx', uid: 0 },
      constraint: 'system',
      cgroup: { task: '/docker/abc123' },
    });
  });

  it('leaves a quote that the line does not close alone', () => {
    const kept = ['"x', '"a" and "b', `'${HEADER}`, '"oom-kill:a,\\"'];
    expect(kept.map(withoutPasteWrapping)).toEqual(kept);
  });

  it('leaves a comm that spells a mark and a short envelope alone: a log without envelopes starts its header with it (a review)', () => {
    const forged = [
      '`[T1]x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      '- [T1] x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      '`[1.1] invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      '"6,1,1,-;x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
    ];
    expect(forged.map(withoutPasteWrapping)).toEqual(forged);
    const kills = (name: string) =>
      [
        `${name} invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0`,
        'Memory cgroup out of memory: Killed process 600 (java) total-vm:6196kB, anon-rss:128kB, file-rss:1408kB, shmem-rss:0kB, UID:101 pgtables:12kB oom_score_adj:-900',
        'python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
        'Memory cgroup out of memory: Killed process 700 (python3) total-vm:6196kB, anon-rss:128kB, file-rss:1408kB, shmem-rss:0kB, UID:101 pgtables:12kB oom_score_adj:-900',
      ].join('\n');
    const events = parseKernelLog(kills('`[T1]x')).events;
    expect(events.map((e) => [e.victim.pid, e.trigger?.name])).toEqual([
      [600, '`[T1]x'],
      [700, 'python3'],
    ]);
  });

  it('takes off the head and quotes of a string literal that source code or a data file assigns (eighth red team Q/04, Q/10)', () => {
    // google/cadvisor, utils/oomparser/oomparser_test.go (a Go const; the stray space is the test's own).
    const cadvisor =
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=ef807430361e6e82b45db92e2e9b6fbec98f419b12c591e655c1a725565e73a8,mems_allowed=0,oom_memcg=/kubepods/burstable/podfbdfe8e3-1c87-4ff2-907 c-b2ec8e25d012,task_memcg=/kubepods/burstable/podfbdfe8e3-1c87-4ff2-907c-b2ec8e25d012/ef807430361e6e82b45db92e2e9b6fbec98f419b12c591e655c1a725565e73a8,task=manager,pid=966,uid=0';
    expect(withoutPasteWrapping(`containerLine       = "${cadvisor}"`)).toBe(cadvisor);
    // A Go test's short variable declaration.
    const summary =
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=9f02d9fa0049eb2655fc83c765f142362b2cb403b57b70ba3185071015ca3b64,mems_allowed=0-1,oom_memcg=/kubepods/burstable/podd11ab7b0-d6db-4a24-a7de-4a2faf1e6980/9f02d9fa0049eb2655fc83c765f142362b2cb403b57b70ba3185071015ca3b64,task_memcg=/kubepods/burstable/podd11ab7b0-d6db-4a24-a7de-4a2faf1e6980/9f02d9fa0049eb2655fc83c765f142362b2cb403b57b70ba3185071015ca3b64,task=prometheus-conf,pid=3401999,uid=0';
    expect(withoutPasteWrapping(`logLine := "${summary}"`)).toBe(summary);
    // Other languages' and formats' heads, closing marks, escapes.
    const assigned = [
      `const line = '${summary}';`,
      `const char *line = "${summary}";`,
      `line = r"${summary}"`,
      `let text = \`${summary}\`,`,
      `message: "${summary}"`,
      `"MESSAGE" : "${summary}",`,
      `"msg": "${summary.replace('task=', 'task=\\"q\\" ')}"`,
    ];
    expect(assigned.map(withoutPasteWrapping)).toEqual([
      ...Array<string>(6).fill(summary),
      summary.replace('task=', 'task="q" '),
    ]);
  });

  it('takes off the head of a literal over several lines that the line opens (twentieth red team K/07, a Go test)', () => {
    const cpu =
      'CPU: 8 UID: 0 PID: 1327866 Comm: polars-0 Tainted: G S                 6.14.2-401.asahi.fc42.aarch64+16k #1';
    // A Go raw string; a JavaScript template literal; a Python block.
    expect(withoutPasteWrapping(`captured := \`${cpu}`)).toBe(cpu);
    expect(withoutPasteWrapping(`const dump = \`${cpu}`)).toBe(cpu);
    expect(withoutPasteWrapping(`LOG = """${cpu}`)).toBe(cpu);
    expect(withoutPasteWrapping(`log = '''${cpu}`)).toBe(cpu);
    // Closed later on the line, or nothing after the head: no block it opens.
    const kept = [`x := \`${cpu}\` + y`, `x = """${cpu}""" % y`, 'captured := `', `x = "${cpu}`];
    expect(kept.map(withoutPasteWrapping)).toEqual(kept);
  });

  it('takes off the head of a shell variable’s quoted literal over several lines (twenty-second red team Q/05, a shell test)', () => {
    const kill =
      '2026-08-05T04:12:08-05:00 mandark kernel: Out of memory: Killed process 3209820 (chrome) total-vm:1518601884kB, anon-rss:37840kB, file-rss:0kB, shmem-rss:1996kB, UID:1000 pgtables:2408kB oom_score_adj:300';
    expect(withoutPasteWrapping(`OOMREAL='${kill}`)).toBe(kill);
    expect(withoutPasteWrapping(`export OOM_LOG="${kill}`)).toBe(kill);
    expect(withoutPasteWrapping(`local x='${kill}`)).toBe(kill);
    expect(withoutPasteWrapping(`declare -r LOG="${kill}`)).toBe(kill);
    const second =
      "2026-08-05T15:28:01-05:00 mandark kernel: Out of memory: Killed process 4049379 (python3) total-vm:2548304kB, anon-rss:2530376kB, file-rss:384kB, shmem-rss:0kB, UID:1000 pgtables:5036kB oom_score_adj:200'";
    expect(
      parseKernelLog(`OOMREAL='${kill}\n${second}`).events.map((e) => [e.victim.pid, e.node, e.observedAt]),
    ).toEqual([
      [3209820, 'mandark', '2026-08-05T09:12:08.000Z'],
      [4049379, 'mandark', '2026-08-05T20:28:01.000Z'],
    ]);
    // A quote that closes on the line (its text after it too), or a head with nothing after it: no literal it opens.
    const kept = ["X='", "OOMREAL = 'a b", "x='a' b='c"];
    expect(kept.map(withoutPasteWrapping)).toEqual(kept);
    // One closed on the line is read up to its close, when a record starts after its quote (seventy-third red team B/06).
    expect([`X='${kill}' # note`, `X="${kill}" && y`].map(withoutPasteWrapping)).toEqual([kill, kill]);
  });

  it('takes off a literal’s prefix, a call’s head or a command before the quote an envelope follows (seventy-third red team B/06)', () => {
    // A Python unittest of a switch log analyser (corpus 321): an f-string; the red team's probes with the other
    // envelopes the reader knows; a Go test's call (seventy-second red team B/14).
    const kill = 'Out of memory: Killed process 900 (switchd)';
    const records = [
      `{stamp} leaf01 kernel: ${kill}`,
      `2026-01-01T12:00:00+00:00 leaf01 kernel: ${kill}`,
      `Jan  1 12:00:00 leaf01 kernel: ${kill}`,
      `2026-01-01 12:00:00 leaf01 kernel: ${kill}`,
      `Sat 2026-12-05 16:23:08 UTC leaf01 kernel: ${kill}`,
      `<4>2026-01-01T12:00:00+00:00 leaf01 kernel: ${kill}`,
      `6,23800,6780904484233,-;${kill}`,
      `[ 4194.691334] ${kill}`,
    ];
    const openings = [
      'f"',
      'b"',
      'r"',
      'u"',
      'F"',
      'rb"',
      "f'",
      'L"',
      'u8"',
      '$"',
      '@"',
      'r#"',
      'fmt.Sprintf("',
      'cont("',
      'log.info(f"',
      'format!(r"',
      'echo "',
      'x = f"',
      'line := fmt.Sprintf("',
      '("',
      '[f"',
      '+ "',
    ];
    // The literal's text, up to its close: a record's end (`\\n`) before a close that ends the line is the joiner's
    // to take off (withoutLiteralRecordEnd); before one that code follows, it comes off here.
    for (const record of records) {
      for (const opening of openings) {
        const quote = opening.at(-1) as string;
        for (const close of [
          `\\n${quote}`,
          `\\n${quote})`,
          `\\n${quote}, ts)`,
          `${quote}, ts)`,
          `${quote},`,
          '',
        ]) {
          const line = `${opening}${record}${close}`;
          const joinerEnd = close === `\\n${quote}` || close === `\\n${quote})`;
          // An assigned literal that the line closes has its escapes read (withoutAssignedLiteral), as before.
          const end = opening.startsWith('x = ') ? '\n' : '\\n';
          expect(withoutPasteWrapping(line), line).toBe(joinerEnd ? `${record}${end}` : record);
        }
      }
    }
    const cpu =
      '2026-09-19T17:27:56.876995+00:00 web-1 kernel: CPU: 1 UID: 1000 PID: 3964373 Comm: V8Worker Tainted: G        W          6.14.0-37-generic #37-Ubuntu';
    expect(withoutPasteWrapping(`cont("${cpu}", "2026-09-19T17:27:56.876995Z"),`)).toBe(cpu);
  });

  it('leaves code before a quote alone where no envelope follows it, or one no longer than a comm', () => {
    const kept = [
      'foo("x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0")',
      'f"6,1,1,-;x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      'print(f"done at {stamp}")',
      'Jan  1 12:00:00 leaf01 app: print("2026-01-01T12:00:00+00:00 leaf01 kernel: x")',
      'self.assertEqual(self.analyzer.categorize_log_line(line), "critical")',
    ];
    expect(kept.map(withoutPasteWrapping)).toEqual(kept);
  });

  it('leaves a literal it cannot see the end of, and kernel lines with quotes, alone', () => {
    const kept = [
      'logLine := "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null)," +',
      'logLine := "oom-kill:constraint=CONSTRAINT_MEMCG,task=a\\"',
      'audit: type=1400 audit(1.2:3): apparmor="DENIED" operation="open" comm="x"',
      'Memory cgroup out of memory: Killed process 1 (a"b) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1kB oom_score_adj:"',
      'x = "',
    ];
    expect(kept.map(withoutPasteWrapping)).toEqual(kept);
  });

  it('takes off a reviewer’s `| ` quote mark before a dmesg time (seventh red team O/03, LKML)', () => {
    const summary =
      '[  599.515700][T23028] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=syz1,mems_allowed=0-1,oom_memcg=/syz1,task_memcg=/syz1,task=syz-executor.1,pid=23028,uid=0';
    expect(withoutPasteWrapping(`| ${summary}`)).toBe(summary);
    expect(withoutPasteWrapping('| not a log line')).toBe('| not a log line');
  });

  it('reads a markdown table row as its cell that holds the kernel text (red team 20 K/05)', () => {
    const row =
      '| 1 | `cc1 invoked oom-killer: gfp_mask=0x140cca(...)` | `dmesg -T` 21:34:05 | ★ **编译器**（`cc1`）申请内存失败而触发 OOM —— 说明是"内存总量不够"，不是某个进程自己崩 |';
    expect(withoutPasteWrapping(row)).toBe('cc1 invoked oom-killer: gfp_mask=0x140cca(...)');
    // A cell's own paste wrapping comes off as a line's would.
    expect(withoutPasteWrapping(`| 1 | \`- ${SYSLOG}${HEADER}\` | x |`)).toBe(`${SYSLOG}${HEADER}`);
    expect(withoutPasteWrapping(`| 1 | ${SYSLOG}${HEADER} |`)).toBe(`${SYSLOG}${HEADER}`);
    const prose =
      '| 7 | `KeyError:` = **0**、`ENGRAM-PAGELESS` = **0** | `grep -ac` | ★ 与我们刚修好的 Engram 缺页路径**完全无关** |';
    expect(withoutPasteWrapping(prose)).toBe(prose);
  });
});

describe('a log record over adjacent string literals of a program (seventh red team N/02, N/07)', () => {
  const DQ = 0x22;
  // Yelp paasta_tools, tests/test_oom_logger.py: a pytest fixture's list of records.
  const PAASTA = [
    '        "1720128512 dev37-devc [ 7195.442797] python3 invoked oom-killer: "',
    '        "gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=999\\n",',
  ];

  it('tells a literal that goes on in the next line, and its quote', () => {
    expect(continuedLiteralQuote(PAASTA[0] as string)).toBe(DQ);
    expect(continuedLiteralQuote(`_REAL = ("[Sat Sep 12 08:44:22 2026] oom-kill:a,"`)).toBe(DQ);
    expect(continuedLiteralQuote(`    'oom-kill:constraint=CONSTRAINT_MEMCG,' +`)).toBe(0x27);
    expect(continuedLiteralQuote(`String line = "oom-kill:a" +`)).toBe(DQ);
  });

  it('tells no literal that ends its value, its record, or its text, and no log line', () => {
    const ended = [
      PAASTA[1] as string,
      '    "9c36374e.scope,task=psi-agent,pid=2439793,uid=0\\n"',
      '        "some random line1\\n",',
      '    "a")',
      '    "a\\"',
      '    """',
      '    x = "',
      '"',
      'Jan 14 18:01:55 host kernel: audit: apparmor="DENIED" comm="x"',
      '[ 12.5] foo="bar"',
      'no quote at all',
    ];
    expect(ended.map(continuedLiteralQuote)).toEqual(Array<number>(ended.length).fill(-1));
  });

  it('reads the next piece’s text, without its quotes, closing marks and record end', () => {
    expect(literalContinuation(PAASTA[1] as string, DQ)).toBe(
      'gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=999',
    );
    expect(literalContinuation('    "mems_allowed=0,global_oom,task_memcg=/system.slice/docker-"', DQ)).toBe(
      'mems_allowed=0,global_oom,task_memcg=/system.slice/docker-',
    );
    expect(literalContinuation('        + "task=x,pid=1,uid=0");', DQ)).toBe('task=x,pid=1,uid=0');
    expect(literalContinuation("    'x'", DQ)).toBeNull();
    expect(literalContinuation('    x = 1', DQ)).toBeNull();
    expect(literalContinuation('    "unclosed', DQ)).toBeNull();
  });

  it('takes the first piece’s closing quote off its text when a stage left it', () => {
    expect(withoutLiteralClose('python3 invoked oom-killer: "', DQ)).toBe('python3 invoked oom-killer: ');
    expect(withoutLiteralClose('oom-kill:a," +', DQ)).toBe('oom-kill:a,');
    expect(withoutLiteralClose('oom-kill:a,', DQ)).toBe('oom-kill:a,');
  });

  it('gives the records whole to the parser', () => {
    const header = ['    return [', '        "some random line1\\n",', ...PAASTA, '    ]'];
    const [invoked] = parseKernelLog(
      [
        ...header.slice(0, 4),
        '        "1720128512 dev37-devc [ 7195.442928] oom-kill:constraint=CONSTRAINT_MEMCG,"',
        '        "mems_allowed=0,task_memcg=/a,task=python3,pid=485850,uid=33\\n",',
        '    ]',
      ].join('\n'),
    ).events;
    expect(invoked?.trigger).toMatchObject({
      name: 'python3',
      gfpMask: '0xcc0(GFP_KERNEL)',
      oomScoreAdj: 999,
    });
    expect(invoked?.victim).toMatchObject({ pid: 485850, name: 'python3', uid: 33 });
    const summary = [
      '_REAL_OOM_LINES = (',
      '    "[Sat Sep 12 08:44:22 2026] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=docker-"',
      '    "9c36374e8d75e9428a6006bb7a5dc4cb698e0f87cf7d4a1794d411d381ab1cc0.scope,mems_allowed=0,oom_memcg=/system.slice/"',
      '    "docker-9c36374e8d75e9428a6006bb7a5dc4cb698e0f87cf7d4a1794d411d381ab1cc0.scope,task_memcg=/system.slice/docker-"',
      '    "9c36374e8d75e9428a6006bb7a5dc4cb698e0f87cf7d4a1794d411d381ab1cc0.scope,task=psi-agent,pid=2439793,uid=0\\n"',
      ')',
    ];
    const [kill] = parseKernelLog(summary.join('\n')).events;
    expect(kill?.victim).toMatchObject({ pid: 2439793, name: 'psi-agent', uid: 0 });
    expect(kill?.container?.id).toBe('9c36374e8d75e9428a6006bb7a5dc4cb698e0f87cf7d4a1794d411d381ab1cc0');
  });
});

describe('a line comment around a log line (tenth red team U/04, a Go parser’s comments)', () => {
  const SUMMARY =
    'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=payload,mems_allowed=0,oom_memcg=/machine.slice/machine-oom\\\\x2d9706e99d\\\\x2d0658\\\\x2d2cf0\\\\x2d7f06\\\\x2d4c339d36c355.scope,task_memcg=/machine.slice/machine-oom\\\\x2d9706e99d\\\\x2d0658\\\\x2d2cf0\\\\x2d7f06\\\\x2d4c339d36c355.scope/payload,task=bash,pid=980323,uid=0';
  const REAPED = 'oom_reaper: reaped process 2931684 (bash), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB';

  it('takes off `// ` and `# ` (tabs or spaces after them) before any text', () => {
    expect(withoutPasteWrapping(`// ${SUMMARY}`)).toBe(SUMMARY);
    expect(withoutPasteWrapping(`//\t${REAPED}`)).toBe(REAPED);
    expect(withoutPasteWrapping(`# ${REAPED}`)).toBe(REAPED);
    expect(withoutPasteWrapping('# [21013.577527] Task in /kubepods/x')).toBe(
      '[21013.577527] Task in /kubepods/x',
    );
  });

  it('takes off Rust’s doc comment marks `/// ` and `//! ` before a literal it assigns (76th red team B/17)', () => {
    const header = 'worker invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0';
    expect(withoutPasteWrapping(`/// let log = "${header}";`)).toBe(header);
    expect(withoutPasteWrapping(`//! ${header}`)).toBe(header);
    expect(withoutPasteWrapping('////// x')).toBe('////// x');
  });

  it('leaves a `#` or `//` with no space after it alone', () => {
    const kept = [
      '#include <linux/oom.h>',
      '//oom_reaper: x',
      '///oom_reaper: x',
      '### OOM kill Kernel log',
      'a // b',
    ];
    expect(kept.map(withoutPasteWrapping)).toEqual(kept);
  });

  it('gives the parser the summary and the reaper line in comments', () => {
    const { events } = parseKernelLog([`\t\t// ${SUMMARY}`, '', `\t\t// ${REAPED}`].join('\n'));
    // The reaper's kill goes at once; the summary's report stays open until the input ends.
    expect(events.map((e) => [e.victim.pid, e.constraint])).toEqual([
      [2931684, null],
      [980323, 'memcg'],
    ]);
  });
});

describe('a block comment’s ` * ` gutter around a report (forty-fifth red team B/07, B/14, B/15; corpus 279, 280)', () => {
  it('takes off `* ` (its indent gone already) as it does `# `, and leaves `**` and `*/` alone', () => {
    expect(withoutPasteWrapping('*   total-vm:95984264kB, anon-rss:52972520kB')).toBe(
      'total-vm:95984264kB, anon-rss:52972520kB',
    );
    const kept = ['**Killed process 1 (a)**', '*/', '*'];
    expect(kept.map(withoutPasteWrapping)).toEqual(kept);
  });

  it('joins a kill line’s figures wrapped to the next gutter line, as behind `# `', () => {
    // A TypeScript module's comment: an engineer quoted the kill of a daemon that loads a whole monitor.
    const lines = [
      ' *   Out of memory: Killed process 2915960 (chifra)',
      ' *   total-vm:95984264kB, anon-rss:52972520kB',
    ];
    const hashed = lines.map((line) => line.replace(' *', '#'));
    for (const text of [lines, hashed].map((ls) => ls.join('\n'))) {
      expect(parseKernelLog(text).events.map((e) => e.victim)).toEqual([
        expect.objectContaining({ pid: 2915960, name: 'chifra', totalVmKb: 95984264, anonRssKb: 52972520 }),
      ]);
    }
  });

  it('reads a header behind the gutter without the gutter in the trigger’s name (B/16)', () => {
    const { events } = parseKernelLog(
      [
        ' * yum invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0',
        ' * Out of memory: Killed process 1621 (yum) total-vm:1243368kB, anon-rss:174200kB, file-rss:0kB, shmem-rss:0kB',
      ].join('\n'),
    );
    expect(events.map((e) => [e.trigger?.name, e.victim.pid])).toEqual([['yum', 1621]]);
  });
});

describe('a program literal’s record end (red team 25 X/01, an OCaml test string holding a syslog)', () => {
  const COUNTER = 'memory: usage 131072kB, limit 131072kB, failcnt 704';
  const SYSLOG_HEAD = '     Apr  2 18:05:06 ucuducdc-dev-public-010168000078 kernel: ';

  it('takes the `\\n` escape and what ends the literal there off the text', () => {
    for (const end of ['\\n\\', '\\n"', '\\n",', '\\n" +', '\\r\\n",', "\\n');", '\\n\\  ', '\\n"\r']) {
      expect(withoutLiteralRecordEnd(`${COUNTER}${end}`, `${SYSLOG_HEAD}${COUNTER}${end}`)).toBe(COUNTER);
    }
    // A stage took the literal's quotes off the text already (`"Apr  2 … failcnt 704\n",`).
    expect(withoutLiteralRecordEnd(`${COUNTER}\\n`, `"${SYSLOG_HEAD.trim()}${COUNTER}\\n",`)).toBe(COUNTER);
  });

  it('leaves a `\\n` that ends no literal on the line, an escaped backslash and an `n`, and other ends', () => {
    // A comm may end in the two characters: only a literal's close after them says they are an escape.
    const row = '[16169]     0 16169   133307    35056     107        0             0 filebeat\\n';
    expect(withoutLiteralRecordEnd(row, row)).toBe(row);
    const kept = [
      `${COUNTER}\\\\n\\`,
      `${COUNTER}\\\\n"`,
      `${COUNTER}"`,
      `${COUNTER}\\`,
      `${COUNTER}n\\`,
      COUNTER,
    ];
    for (const text of kept) expect(withoutLiteralRecordEnd(text, text)).toBe(text);
  });
});

describe('a mail’s wrap at a space inside a line the kernel prints whole, after prose (thirtieth red team A/05)', () => {
  // linux-mm 2011 (corpus 252): prose, then syslog wrapped near 72 columns, more lines without an envelope than with.
  const prose = ['Here is the OOM log:', '', 'real\t0m53.565s', 'user\t0m0.061s', 'sys\t0m4.814s', ''];
  const taskIn = ['May 26 18:43:00  kernel: [  963.489248] Task in /A killed as a result', 'of limit of /A'];
  const counter = [
    'May 26 18:43:00  kernel: [  963.489251] memory: usage 4194304kB, limit',
    '4194304kB, failcnt 26',
  ];

  it('joins the rest of a `Task in` line and of a counter', () => {
    const [event] = parseKernelLog([...prose, ...taskIn, ...counter].join('\n')).events;
    expect(event).toMatchObject({
      constraint: 'memcg',
      cgroup: { oom: '/A', task: '/A' },
      memory: { usageKb: 4194304, limitKb: 4194304, failcnt: 26 },
    });
  });

  it('joins the rest of a choice of victim wrapped before its comm (before 4.19)', () => {
    const choice = [
      '[  963.489248] Memory cgroup out of memory: Kill process 10197',
      '(cc1plus) score 208 or sacrifice child',
    ];
    const [event] = parseKernelLog([...prose, ...choice].join('\n')).events;
    expect(event).toMatchObject({ constraint: 'memcg', victim: { pid: 10197, name: 'cc1plus' } });
  });

  it('joins no line with which the kernel’s line is still not whole, nor one after a whole line', () => {
    expect(parseKernelLog([...prose, taskIn[0], 'of limit of /A, as I said'].join('\n')).events).toEqual([]);
    const whole = 'May 26 18:43:00  kernel: [  963.489248] Task in /A killed as a result of limit of /A';
    const [after] = parseKernelLog([...prose, whole, 'of limit of /B'].join('\n')).events;
    expect(after?.cgroup.oom).toBe('/A');
  });
});

describe('a wrap inside the message before a choice of victim or a kill line (thirty-fourth red team A/01, A/08)', () => {
  // linux-mm, 2011: a 2.6.32 LXC memcg report quoted in a reply, wrapped at 72 columns inside `out of memory`.
  const stamp = '> > > May 30 03:13:08 vicky kernel: [ 1578.117055] ';

  it('joins the rest when with it the line is the choice whole, a space the wrap left at the end or not', () => {
    // The mail's prose: more lines without an envelope than with, so the paste's own wraps are not joined as such.
    const prose = [
      '> > > The problem is related to applying memory limitations within a cgroup.',
      '> > > If the OOM killer kicks in, it gets stuck in a loop where it tries to',
      '> > > kill a process which has an oom_adj of -17. This causes an infinite',
      '> > > loop, which in turn locks up the system.',
      '> > >',
    ];
    for (const [head, rest] of [
      ['Memory cgroup out of', 'memory: kill process 6016 (java) score 0 or a child'],
      ['Memory cgroup out of ', 'memory: kill process 6016 (java) score 0 or a child'],
      ['Memory cgroup', 'out of memory: kill process 6016 (java) score 0 or a child'],
    ]) {
      const lines = [...prose, `${stamp}${head}`, `> > > ${rest}`];
      expect(parseKernelLog(lines.join('\n')).events).toMatchObject([
        { node: 'vicky', kernelTime: 1578.117055, constraint: 'memcg', victim: { pid: 6016, name: 'java' } },
      ]);
    }
  });

  it('and a kill line up to its comm, its values cut again or not (corpus 242, `#` comments)', () => {
    const file = new URL(
      '../fixtures/kernel-logs/corpus/242-md-bash-fence-hash-comment-hand-wrapped-summary-and-memcg-kill-pod-path-split-after-slash.log',
      import.meta.url,
    );
    const { events } = parseKernelLog(readFileSync(file, 'utf8'));
    expect(events).toMatchObject([
      { kernelTime: 1234567.890456, constraint: 'memcg', victim: { pid: 12345, anonRssKb: 524288 } },
    ]);
    expect(events[0]?.lines).toContain(
      'Memory cgroup out of memory: Killed process 12345 (java) total-vm:2097152kB, anon-rss:524288kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:1024kB oom_score_adj:950',
    );
  });

  it('joins no rest that holds a message of its own, nor a head that is no start of one', () => {
    const own = parseKernelLog(
      [
        `${stamp}Memory cgroup out of`,
        '> > > Memory cgroup out of memory: kill process 6016 (java) score 0 or a child',
      ].join('\n'),
    ).events;
    expect(own).toMatchObject([{ constraint: 'memcg', victim: { pid: 6016 } }]);
    const prose = parseKernelLog(
      [
        `${stamp}Memory usage was high, then`,
        '> > > memory: kill process 6016 (java) score 0 or a child',
      ].join('\n'),
    ).events;
    expect(prose[0]?.constraint).toBeNull();
  });
});

describe('a kill line or header whole in its oom_score_adj, the paste mostly enveloped (thirty-seventh red team A/05)', () => {
  // An incident page: `kernel: ` lines, then the author's next sentence on the very next line.
  const kill =
    'kernel: Out of memory: Killed process 14313 (java) total-vm:8392456kB, anon-rss:7891232kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:15432kB oom_score_adj:0';

  it.each([
    ['the author’s next sentence', 'In CloudWatch Logs (if you are forwarding system logs):', 0],
    ['a count after a whole value (`grep -c`): no invented 93614', '14', 936],
    ['a list item', '- After that the pod restarted.', -998],
  ])('takes no rest: %s', (_, next, adjust) => {
    const whole = kill.replace('oom_score_adj:0', `oom_score_adj:${adjust}`);
    const lines = [
      'In system logs (/var/log/messages, journalctl -k):',
      `kernel: ${'x'.repeat(10)} eth0: link up`,
      whole,
      next,
    ];
    const { events } = parseKernelLog(lines.join('\n'));
    expect(events.map((e) => [e.victim.pid, e.victim.oomScoreAdj, e.lines.at(-1)])).toEqual([
      [14313, adjust, whole.slice('kernel: '.length)],
    ]);
  });

  it('and the lines so refused leave the paste’s mail wraps joined after them (the third review)', () => {
    const text = [
      'Feb  9 00:58:01 web01 kernel: java invoked oom-killer:',
      'gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      'Note the order=0 here: not a high-order allocation.',
      'So fragmentation is not the problem.',
      'Feb  9 00:58:01 web01 kernel: Memory cgroup out of memory: Killed',
      'process 16500 (java) total-vm:2438176kB, anon-rss:3200kB,',
      'file-rss:9440kB, shmem-rss:0kB, UID:0 pgtables:200kB oom_score_adj:0',
    ].join('\n');
    for (const options of [{}, { prefilter: false }]) {
      const { events } = parseKernelLog(text, {}, options);
      expect(
        events.map((e) => [e.victim.pid, e.victim.fileRssKb, e.victim.oomScoreAdj, e.trigger?.name]),
      ).toEqual([[16500, 9440, 0, 'java']]);
    }
  });

  it('still joins a terminal’s wrap inside that number, at the widest width', () => {
    const head =
      '[ 8812.004113] Memory cgroup out of memory: Killed process 4412 (otelcol) total-vm:4817128kB, anon-rss:104612kB, file-rss:552kB, shmem-rss:0kB, UID:0 pgtables:254kB oom_score_adj:9';
    const { events } = parseKernelLog(
      [`[ 8812.004100] ${'y'.repeat(head.length - 15)}`, head, '36'].join('\n'),
    );
    expect(events.map((e) => e.victim.oomScoreAdj)).toEqual([936]);
  });
});

describe('a header wrapped between its comm’s `invoked` and `oom-killer:` (fifty-fifth red team B/01, B/05)', () => {
  // LKFT on linux-f2fs-devel, 2020: a mail wrapped at 72 columns, mkfs output before the printk time, fewer lines with
  // an envelope than without (the table rows and the kill line wrapped too).
  const mkfs = [
    'mkfs -t ext4 /dev/disk/by-id/ata-SanDisk_SSD_PLUS_120GB_190703A01414',
    'mke2fs 1.43.8 (1-Jan-2018)',
    'Discarding device blocks:     4096/29306880',
    '2625536/29306880',
    'Creating filesystem with 29306880 4k blocks and 7331840 inodes',
    'Allocating group tables:   0/895                     done',
    'Writing inode tables:   0/895                     done',
  ];
  const header = [
    'Creating journal (131072 blocks): [   31.251333] mkfs.ext4 invoked',
    'oom-killer: gfp_mask=0x101cc0(GFP_USER|__GFP_WRITE), order=0,',
    'oom_score_adj=0',
    '[   31.261172] CPU: 0 PID: 397 Comm: mkfs.ext4 Not tainted',
    '5.7.0-rc6-next-20200518 #1',
  ];
  const kill = [
    '[   31.899397] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),global_oom,task_memcg=/,task=polkitd,pid=268,uid=998',
    '[   31.910012] Out of memory: Killed process 268 (polkitd)',
    'total-vm:72804kB, anon-rss:2948kB, file-rss:7568kB, shmem-rss:0kB,',
    'UID:998 pgtables:80kB oom_score_adj:0',
  ];
  const trigger = {
    name: 'mkfs.ext4',
    pid: 397,
    gfpMask: '0x101cc0(GFP_USER|__GFP_WRITE)',
    order: 0,
    oomScoreAdj: 0,
  };

  it('joins the rest to the comm: the trigger’s fields are read', () => {
    const { events, drift } = parseKernelLog([...mkfs, ...header, ...kill].join('\n'));
    expect(events).toMatchObject([
      { trigger, constraint: 'system', victim: { pid: 268, name: 'polkitd', uid: 998, pgtablesKb: 80 } },
    ]);
    expect(drift).toEqual([]);
  });

  it('so with the head alone on its line, or a space the wrap left after `invoked`', () => {
    for (const head of ['[   31.251333] mkfs.ext4 invoked', '[   31.251333] mkfs.ext4 invoked ']) {
      const { events } = parseKernelLog([...mkfs, head, ...header.slice(1), ...kill].join('\n'));
      expect(events).toMatchObject([{ trigger }]);
    }
  });

  it('joins no rest to prose or a bare line that ends in `invoked`, nor a rest that is no header’s', () => {
    for (const head of [
      'The OOM killer was never invoked',
      'mkfs.ext4 invoked',
      'invoked',
      // A head longer than a comm and ` invoked`.
      '[   31.251333] the mkfs.ext4 job invoked',
    ]) {
      const { events } = parseKernelLog([...mkfs, head, ...header.slice(1), ...kill].join('\n'));
      expect(events[0]?.trigger?.gfpMask ?? null, head).toBeNull();
    }
    const other = parseKernelLog(
      [...mkfs, '[   31.251333] mkfs.ext4 invoked', 'oom-killers: 2', ...header.slice(3), ...kill].join('\n'),
    );
    expect(other.events[0]?.trigger?.gfpMask ?? null).toBeNull();
  });
});

describe('a header wrapped right after its comm (corpus 259: linux-mm 2011, `grep` output quoted twice)', () => {
  const grepped = (time: string, line: string) =>
    `> > ./log/syslog:May 30 07:44:43 vicky kernel: [ ${time}] ${line}`;
  const prose = [
    '> hmm, in short, applications has -17 oom_adj in default with 2.6.32.41 ?',
    '> AFAIK, no kernel has such crazy settings as default..',
    '> > > The problem is related to applying memory limitations within a cgroup.',
    '> > > If the OOM killer kicks in, it gets stuck in a loop where it tries to',
  ];
  const choice = [
    '> > > May 30 03:13:08 vicky kernel: [ 1578.117055] Memory cgroup out of',
    '> > > memory: kill process 6016 (java) score 0 or a child',
  ];

  it('joins the rest to the comm: the header has its name and time, and lends nothing to a later report', () => {
    const lines = [
      ...prose.slice(0, 2),
      grepped('2288.493439', 'redis-server'),
      '> > invoked oom-killer: gfp_mask=0xd0, order=0, oom_adj=-17',
      grepped('2288.493451', ''),
      '> > [<ffffffff810b12b7>] ? oom_kill_process+0x82/0x283',
      ...prose.slice(2),
      ...choice,
    ];
    const { events, drift } = parseKernelLog(lines.join('\n'));
    expect(events).toMatchObject([{ kernelTime: 1578.117055, victim: { pid: 6016 }, trigger: null }]);
    expect(drift).toContainEqual(
      expect.objectContaining({
        text: 'redis-server invoked oom-killer: gfp_mask=0xd0, order=0, oom_adj=-17',
      }),
    );
  });

  it('a comm of a slash or a dash joins with a space; a kernel line of its own, or a longer text, joins none', () => {
    const header = 'invoked oom-killer: gfp_mask=0xd0, order=0';
    const driftAfter = (head: string) =>
      parseKernelLog([...prose.slice(0, 2), grepped('1.0', head), `> > ${header}`].join('\n')).drift.map(
        (d) => d.text,
      );
    for (const comm of ['kworker/u8:2', 'foo-', 'SRT:RcvQ:w1'])
      expect(driftAfter(comm), comm).toContain(`${comm} ${header}`);
    for (const head of ['Call Trace:', '<TASK>', 'a sixteen-letter', '', '65536 pages RAM'])
      expect(driftAfter(head), head).toContain(header);
  });
});

describe('a wrap right before the separator of the next key (fifty-eighth red team B/10, Java notes)', () => {
  // Lines wrapped at 118 columns by the author's editor; a longer line (a markdown link) below them.
  const link =
    '[Difference between Resident Set Size (RSS) and Java total committed memory (NMT) for a JVM running in Docker container](https://stackoverflow.com/questions/38597965/difference-between-resident-set-size-rss-and-java-total-commit)';
  const paste = (summaryRest: string, killRest: string) =>
    [
      'must have some error logs in /var/log/messages file.  ',
      '',
      'kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=java,',
      summaryRest,
      'kernel: Out of memory: Killed process 15304 (java) total-vm:12671008kB, anon-rss:829028kB, file-rss:0kB, shmem-rss:0kB',
      killRest,
      '',
      link,
    ].join('\n');

  it('joins the rest that starts with `, ` or `,` to the kill line or summary it continues', () => {
    for (const [summaryRest, killRest] of [
      ['pid=15304,uid=1000', ', UID:1000 pgtables:1900kB oom_score_adj:0'],
      [',pid=15304,uid=1000', ',UID:1000 pgtables:1900kB oom_score_adj:0'],
    ]) {
      const { events, drift } = parseKernelLog(paste(summaryRest as string, killRest as string));
      expect(events, killRest).toMatchObject([
        {
          victim: { pid: 15304, uid: 1000, pgtablesKb: 1900, oomScoreAdj: 0 },
          cgroup: { task: '/' },
          complete: true,
        },
      ]);
      expect(drift, killRest).toEqual([]);
    }
  });

  it('joins no such rest to a line that already has the key, or to a line that is no kernel line of its kind', () => {
    const whole =
      'kernel: Out of memory: Killed process 15304 (java) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:1kB oom_score_adj:0';
    const [event] = parseKernelLog(
      [whole, ', UID:7 pgtables:9kB oom_score_adj:5', '', link].join('\n'),
    ).events;
    expect(event?.victim).toMatchObject({ uid: 1000, pgtablesKb: 1, oomScoreAdj: 0 });
    const prose = parseKernelLog(
      ['The kernel said so,', ', UID:7 pgtables:9kB oom_score_adj:5', link].join('\n'),
    );
    expect(prose.events).toEqual([]);
  });
});
