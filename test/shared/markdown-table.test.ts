import { describe, expect, it } from 'vitest';
import { parseKernelLog } from '../../shared/kernel-log.ts';
import { kernelTextCell } from '../../shared/markdown-table.ts';

// Real rows: Chinese run notes "080 — 宿主 OOM 会伪装成代码挂了" (red team 20 K/05), and
// https://github.com/newrelic/helm-charts/issues/1500 (corpus 198).
const HEADER_ROW =
  '| 1 | `cc1 invoked oom-killer: gfp_mask=0x140cca(...)` | `dmesg -T` 21:34:05 | ★ **编译器**（`cc1`）申请内存失败而触发 OOM —— 说明是"内存总量不够"，不是某个进程自己崩 |';
const KILL_ROW =
  '| 3 | `Killed process 3917368 (VLLM::Worker_TP) total-vm:9737715264kB, **anon-rss:59118944kB (≈56.4 GiB)**` | `dmesg -T` | 单个 worker 的常驻 |';
const NEWRELIC_ROW =
  '|2024-10-08 05:11:23\t|Memory cgroup out of memory: Killed process 1360652 (flb-pipeline) total-vm:1307336kB, anon-rss:259736kB, file-rss:19648kB, shmem-rss:0kB, UID:0 pgtables:1104kB oom_score_adj:996|';

describe('kernelTextCell', () => {
  it('reads the cell that holds the kernel text, its inline code off (red team 20 K/05)', () => {
    expect(kernelTextCell(HEADER_ROW)).toBe('cc1 invoked oom-killer: gfp_mask=0x140cca(...)');
    expect(kernelTextCell(KILL_ROW)).toBe(
      'Killed process 3917368 (VLLM::Worker_TP) total-vm:9737715264kB, **anon-rss:59118944kB (≈56.4 GiB)**',
    );
  });

  it('reads a cell without inline code, its closing pipe glued to the last value (corpus 198)', () => {
    expect(kernelTextCell(NEWRELIC_ROW)).toBe(
      'Memory cgroup out of memory: Killed process 1360652 (flb-pipeline) total-vm:1307336kB, anon-rss:259736kB, file-rss:19648kB, shmem-rss:0kB, UID:0 pgtables:1104kB oom_score_adj:996',
    );
  });

  it('prefers the cell in inline code to a prose cell before it that mentions OOM', () => {
    const row = '| OOM kill | `Killed process 3917368 (VLLM::Worker_TP) total-vm:9737715264kB` |';
    expect(kernelTextCell(row)).toBe('Killed process 3917368 (VLLM::Worker_TP) total-vm:9737715264kB');
  });

  it('prefers a cell a recognizer reads to a cell before it that only mentions OOM (review 22 m1, m2)', () => {
    const kill =
      'Memory cgroup out of memory: Killed process 4242 (java) total-vm:1000kB, anon-rss:500kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0';
    expect(kernelTextCell(`| web-1 | OOMKilled | ${kill} |`)).toBe(kill);
    expect(kernelTextCell(`| 10:05 | 512Mi (memory) | ${kill} |`)).toBe(kill);
    // In inline code, or behind a dmesg time: still the kernel's cell.
    expect(kernelTextCell(`| \`OOMKilled\` | ${kill} |`)).toBe(kill);
    expect(kernelTextCell(`| OOMKilled | [ 4194.691334] ${kill} |`)).toBe(`[ 4194.691334] ${kill}`);
    // A cell no recognizer reads is taken only when none is read.
    expect(kernelTextCell(`| ${kill} | OOMKilled |`)).toBe(kill);
    expect(kernelTextCell('| web-1 | OOMKilled | 512Mi (memory) |')).toBe('OOMKilled');
  });

  it('gives the kills of a table whose rows name OOM before the kernel cell (review 22 m1)', () => {
    const kill = (pid: number) =>
      `Memory cgroup out of memory: Killed process ${pid} (java) total-vm:1000kB, anon-rss:500kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0`;
    const table = [
      '| pod | reason | kernel line |',
      '|-----|--------|-------------|',
      `| web-1 | OOMKilled | ${kill(4242)} |`,
      `| web-2 | OOMKilled | ${kill(4343)} |`,
    ].join('\n');
    const { events, drift } = parseKernelLog(table);
    expect(events.map((e) => [e.victim.pid, e.victim.name, e.constraint])).toEqual([
      [4242, 'java', 'memcg'],
      [4343, 'java', 'memcg'],
    ]);
    expect(drift).toEqual([]);
  });

  it('keeps a pipe inside inline code or escaped (`\\|`) in its cell', () => {
    const header =
      'xfsaild/dm-1 invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0';
    expect(kernelTextCell(`| 1 | \`${header}\` | dmesg |`)).toBe(header);
    expect(kernelTextCell(`| 1 | ${header.replace('|', '\\|')} | dmesg |`)).toBe(header);
  });

  it('gives nothing for a row without OOM text, a separator row, or a line that is no row', () => {
    const none = [
      '| 4 | `Worker proc VllmWorker-5 died unexpectedly (exit code: None), shutting down executor` | `serve.log:3029` 13:33:58 | ★ **无栈** ⇒ 被外部杀掉（若真是代码缺陷，这里会有 Traceback） |',
      '|---|---|---|---|',
      '| # | 读数 | 出处 | 说明 |',
      // A reviewer's `| ` quote of a kernel line with a pipe in it: no row, it does not end with one.
      '| [  599.51] x invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), order=0, oom_score_adj=0',
      '| not a log line',
    ];
    expect(none.map(kernelTextCell)).toEqual(none.map(() => null));
  });

  it('reads a prose cell that mentions OOM as it is: text no recognizer reads (red team 20 K/06)', () => {
    expect(
      kernelTextCell('| Jul 16 15:48:55 | 120685 | `xindex_a_all-remote_r1` | OOM during `start training` |'),
    ).toBe('OOM during `start training`');
  });
});

describe('a prose cell that reads as a cut header with a spaced name (a review of the 68th round)', () => {
  it('is not the row’s kernel text: the kill cell after it is', () => {
    const table = [
      '| time | what happened | kernel line |',
      '| --- | --- | --- |',
      '| 10:00 | the app invoked oom-killer | Out of memory: Killed process 4242 (java) total-vm:1000kB, anon-rss:500kB, file-rss:0kB, shmem-rss:0kB |',
    ].join('\n');
    expect(parseKernelLog(table).events.map((e) => [e.victim.pid, e.victim.name, e.constraint])).toEqual([
      [4242, 'java', 'system'],
    ]);
    // Behind a dmesg time it is the kernel's header, and the row's kernel text.
    expect(kernelTextCell('| 1 | [ 12.345678] C2 CompilerThre invoked oom-killer | note |')).toBe(
      '[ 12.345678] C2 CompilerThre invoked oom-killer',
    );
  });
});
