import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  hostProcessLabel,
  isSelectionOnlyKill,
  isVictimUnknown,
  victimCaveat,
  victimKindOf,
  victimName,
  victimWithIds,
} from '../../../shared/alert-format/event-wording.ts';
import { parseKernelLog } from '../../../shared/kernel-log.ts';
import type { OomEvent } from '../../../shared/oom-event.ts';
import { exampleEvent } from '../../fixtures/enriched/examples.ts';
import { cgroupOnlyKill, selectionOnlyKill } from '../../fixtures/enriched/partial-kills.ts';

const CORPUS = new URL('../../fixtures/kernel-logs/corpus/', import.meta.url);

/** Every event the parser gives for the real reports of the corpus, with its file. */
function corpusEvents(): { file: string; event: OomEvent }[] {
  return readdirSync(CORPUS)
    .filter((file) => file.endsWith('.log'))
    .sort()
    .flatMap((file) =>
      parseKernelLog(readFileSync(new URL(file, CORPUS), 'utf8'), { file }).events.map((event) => ({
        file,
        event,
      })),
    );
}

const SELECTION = /Kill process \d+ \(.{1,20}\) score \d+ or sacrifice child/;

describe('victimKindOf', () => {
  it('an unenriched pod kill is an unresolved pod', () => {
    expect(victimKindOf(exampleEvent('unenriched'))).toBe('unresolved-pod');
  });
});

describe('isSelectionOnlyKill, on the real reports of the corpus', () => {
  const events = corpusEvents();

  it('holds for the kills known only by `Kill process N (comm) score S or sacrifice child` (06 cut after it, 73, 86, 102, 103, 110, 141, 144, 145, 160, 196, 199, 247, 259, 290, 312, 315, 337)', () => {
    const withSelection = events.filter(({ event }) => event.lines.some((line) => SELECTION.test(line)));
    expect(new Set(withSelection.map(({ file }) => file)).size).toBeGreaterThanOrEqual(15);
    expect(
      events
        .filter(({ event }) => isSelectionOnlyKill(event))
        .map(({ file, event }) => [file, event.victim.pid]),
    ).toEqual([
      ['06-tomcat-dmesg-glued-one-line.log', 27281],
      ['102-python-comments-task-in-and-summary-with-pylint-trailers.log', 8308],
      ['103-python-bytes-literals-task-in-and-summary-with-noqa-trailers.log', 8308],
      ['110-kubernikus-pr321-describe-node-event-placeholder-selection-only.log', 25169],
      ['141-kubedirector-dmesg-fixed-width-wrap-pod-counters-selection-only.log', 62685],
      ['144-lkml-4.9-kills-reaper-then-headers-without-kills-stall-storm-late-selection.log', 16549],
      ['145-lkml-4.9-rc8-headerless-storm-then-prose-with-pr_err-format-strings.log', 7269],
      ['160-zh-dmesg-T-grep-blocks-kmem-memcg-stats-pod-selection-only.log', 789343],
      ['196-ch14399-rfc3339-syslog-table-tail-global-selection-kill-line-cut.log', 19259],
      ['199-pai1682-journal-grep-five-memcg-selection-lines-no-kill-lines.log', 81107],
      ['199-pai1682-journal-grep-five-memcg-selection-lines-no-kill-lines.log', 123853],
      ['199-pai1682-journal-grep-five-memcg-selection-lines-no-kill-lines.log', 127446],
      ['199-pai1682-journal-grep-five-memcg-selection-lines-no-kill-lines.log', 3231],
      ['199-pai1682-journal-grep-five-memcg-selection-lines-no-kill-lines.log', 51419],
      ['247-zh-blog-mirror-markdown-escaped-journal-records-glued-at-a-space.log', 10768],
      ['259-linux-mm-2.6.32-lxc-quoted-syslog-memcg-choice-wrapped-inside-out-of-memory-no-kill.log', 6016],
      ['290-dnanexus-job-log-bare-kernel-lines-monitor-cpu-lines-six-sacrifice-choices.log', 23129],
      ['312-himlar-rst-grep-n-rfc3339-facility-and-severity-before-host-choice-qemu-kvm.log', 40223],
      ['315-ja-blog-shell-prompt-and-grep-glued-before-syslog-choice-line.log', 202647],
      ['337-go-test-regex-cases-same-kill-line-under-both-messages.log', 456],
      ['337-go-test-regex-cases-same-kill-line-under-both-messages.log', 789],
      ['73-zh-dmesg-T-d-selection-comm-hidden-by-author.log', 21797],
      ['86-coreclr-syslog-selection-in-one-line-triple-backticks.log', 31490],
    ]);
  });

  it('holds when the `Killed process` line after a selection is lost, and not with it', () => {
    const [selection, kill] = readFileSync(
      new URL('21-gke-event-memcg-pause-sacrifice.log', CORPUS),
      'utf8',
    ).split('\n') as [string, string];
    const [chosen] = parseKernelLog(selection).events as [OomEvent];
    expect(chosen).toMatchObject({ complete: false, victim: { pid: 605624, name: 'pause' } });
    expect(isSelectionOnlyKill(chosen)).toBe(true);
    const [killed] = parseKernelLog(`${selection}\n${kill}`).events as [OomEvent];
    expect(isSelectionOnlyKill(killed)).toBe(false);
  });
});

describe('isSelectionOnlyKill, in the spellings of older kernels', () => {
  it.each([
    'Out of memory: kill process 2908 (sshd) score 379 or a child',
    'Out of Memory: Kill process 679783 (ncks) score 0 and children.',
  ])('holds for %s alone', (line) => {
    const [event] = parseKernelLog(line).events as [OomEvent];
    expect(isSelectionOnlyKill(event)).toBe(true);
  });

  it('does not hold for a process killed because it shared the memory (corpus 87, cut above it)', () => {
    const [event] = parseKernelLog('Kill process 5801 (fool-sysrq-f) sharing same memory').events as [
      OomEvent,
    ];
    expect(event.victim.pid).toBe(5801);
    expect(isSelectionOnlyKill(event)).toBe(false);
  });
});

describe('isSelectionOnlyKill, the pid an author masked (corpus 275)', () => {
  const CHOICE = 'Out of memory: Kill process xxx (beam.smp) score 727 or sacrifice child';

  it('holds for the choice alone, by its comm, and says so without a pid', () => {
    const [event] = parseKernelLog(CHOICE).events as [OomEvent];
    expect(isSelectionOnlyKill(event)).toBe(true);
    const enriched = { ...event, pod: null, enrichment: null } as unknown as Parameters<
      typeof victimCaveat
    >[0];
    expect(victimName(enriched)).toBe('beam.smp or a child of it');
    expect(victimCaveat(enriched)).toBe(
      'The kernel chose beam.smp but its "Killed process" line was not seen. When the chosen process has a ' +
        'child to sacrifice, the kernel kills the child instead: the process killed may have been a child of ' +
        'beam.smp.',
    );
  });

  it('does not hold with the kill line, nor for a choice of another comm', () => {
    const kill = 'Killed process xxx (beam.smp) total-vm:10kB, anon-rss:2kB, file-rss:0kB, shmem-rss:0kB';
    const [killed] = parseKernelLog(`${CHOICE}\n${kill}`).events as [OomEvent];
    expect(isSelectionOnlyKill(killed)).toBe(false);
    const [chosen] = parseKernelLog(CHOICE).events as [OomEvent];
    expect(isSelectionOnlyKill({ ...chosen, victim: { ...chosen.victim, name: 'epmd' } })).toBe(false);
  });
});

describe('isVictimUnknown, on the real reports of the corpus', () => {
  it('holds for the kills known only by a lone `Task in X killed as a result of limit of Y`', () => {
    // And for one known by a summary cut inside task_memcg (twentieth red team J/02), and one by a kill line whose pid
    // and comm an author masked (seventy-fourth red team A/09): below.
    const CUT_SUMMARY = '218-readwise-highlight-tab-list-summary-cut-in-task-memcg-then-link.log';
    const MASKED_KILL = '327-zh-engineering-record-masked-pids-ellipsis-memcg-choice-and-kill.log';
    const unknown = corpusEvents().filter(
      ({ event, file }) => isVictimUnknown(event) && file !== CUT_SUMMARY && file !== MASKED_KILL,
    );
    expect([...new Set(unknown.map(({ file }) => file))]).toEqual([
      '07-paddle-task-in-docker-oneliners.log',
      '08-travis-task-in-docker-terminal-wrap.log',
      '09-mac-hyperkit-log-stream-task-in.log',
      '10-minikube-nested-docker-task-in-oneliner.log',
      '112-lxd6576-dmesg-task-in-lxc-payload-service-memsw-zero-no-kill.log',
      '153-istio42734-syslog-dockershim-systemd-scope-task-in-container-limit.log',
      '154-ecs4508-dmesg-T-ecs-task-container-task-in-no-kill.log',
      '155-nomad4495-syslog-task-in-nomad-alloc-oneliner.log',
      '167-alibaba-alinux-4.19-doc-task-in-limit-of-host-vendor-global-masked-gfp.log',
      '201-mesos-kibana-bracketed-iso-stamp-docker-task-in-counters-no-kill.log',
      '251-gh-paasta-fenced-task-in-wrapped-inside-limit-path-no-envelope.log',
      '252-linux-mm-2.6.39-qp-mail-wrapped-at-spaces-after-prose-task-in-and-counters-no-kill.log',
      '253-linux-mm-3.2-global-kill-then-next-memcg-task-in-and-counters.log',
      '254-gh-etcd-inline-code-task-in-and-counters-closing-backtick-alone.log',
      '268-femiwiki-ko-journal-stamp-colon-no-host-no-tag-arm64-docker-task-in.log',
      '28-k8s-pause-pod-limit-task-in-no-kill-line.log',
      '303-linux-mm-2011-latin1-quoted-printable-no-break-spaces-in-printk-times-memcg-no-kill.log',
      '336-paasta-pytest-fixture-header-split-over-literals-newline-escape-after-last-number.log',
      '40-kata-crio-conmon-pod-limit-task-in.log',
    ]);
    for (const { event } of unknown) {
      // The header, when the paste has it, comes before the `Task in` line.
      const taskIn = event.lines.filter((line) =>
        /^Task in \S+ killed as a result of limit of \S+$/.test(line),
      );
      expect(taskIn).toHaveLength(1);
      expect(event.cgroup.task).not.toBeNull();
    }
  });

  it('holds for a kill known only by a summary cut before its victim’s pid and comm', () => {
    const [cut, ...others] = corpusEvents().filter(({ file }) => file.startsWith('218-'));
    expect(others).toEqual([]);
    expect(cut !== undefined && isVictimUnknown(cut.event)).toBe(true);
    expect(cut?.event.lines).toEqual([expect.stringMatching(/^oom-kill:constraint=.*,task_memcg=\S+\/f /)]);
    expect(cut?.event.cgroup.task).toBeNull();
  });

  it('holds for a kill line whose pid an author masked and whose comm they left out, after a masked choice', () => {
    // The choice names python, but the kernel may have killed a child of it: the kill line's comm would have told.
    const [masked, ...others] = corpusEvents().filter(({ file }) => file.startsWith('327-'));
    expect(others).toEqual([]);
    expect(masked !== undefined && isVictimUnknown(masked.event)).toBe(true);
    expect(masked?.event.lines).toEqual([
      'Memory cgroup out of memory: Kill process ... (python)',
      'Killed process ... total-vm:20941976kB, anon-rss:20586828kB',
    ]);
  });
});

describe('the words for a victim the kernel told only in part', () => {
  it('a kill known only by the selection: the chosen process, or a child of it', () => {
    const event = selectionOnlyKill();
    expect(victimName(event)).toBe('java or a child of it');
    expect(victimWithIds(event, true)).toBe('java (pid 27281, uid 0) or a child of it');
    expect(hostProcessLabel(event)).toBe('host process java or a child of it');
    expect(victimCaveat(event)).toBe(
      'The kernel chose java (pid 27281) but its "Killed process" line was not seen. When the chosen process ' +
        'has a child to sacrifice, the kernel kills the child instead: the process killed may have been a child ' +
        'of java (pid 27281).',
    );
  });

  it('a kill known only by its cgroup: the process is unknown', () => {
    const event = cgroupOnlyKill();
    expect(victimName(event)).toBe('unknown process');
    expect(victimWithIds(event, true)).toBe('unknown process');
    expect(hostProcessLabel(event)).toBe('unknown host process');
    expect(victimCaveat(event)).toBe(
      'Which process was killed is not known: the kernel lines seen name only its cgroup.',
    );
  });

  it('a whole kill: no caveat, the name as printed', () => {
    const event = exampleEvent('container-limit');
    expect(victimCaveat(event)).toBeNull();
    expect(victimWithIds(event)).toBe(`node (pid ${event.victim.pid})`);
  });
});
