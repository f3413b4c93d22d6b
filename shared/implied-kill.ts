/**
 * The kill a report names when its kill line never came: lost, or cut off by the paste or the grep that gave
 * the text. People paste one line of a report as often as all of it, and every line that names a victim is a
 * kill; each gives an incomplete event with what it tells. A header alone names nobody: it gives none.
 */
import { holdsPlaceholder } from './kernel-lines/placeholder.ts';
import { reportSummaryNamesPid, type KillRecord, type OpenReport } from './open-report.ts';

/**
 * In order of what the line tells: the summary's victim (4.19+: pid, comm and cgroup), the kernel's selection
 * (`Kill process A … or sacrifice child`: A's pid and comm, though the kernel may then have killed a child of
 * A, and the event says so by being incomplete with that line in its lines), or the victim's cgroup alone
 * (`Task in X killed as a result of limit of Y`, or a summary cut after `task_memcg=`, before the victim's pid and
 * comm: from 4.19 the kernel prints the summary only for the victim it is about to kill, after it found it not
 * exiting). None when the kernel said the victim was already exiting.
 */
export function impliedKill(report: OpenReport): KillRecord | null {
  const summaryPid = report.summaryPid;
  if (summaryPid !== null && report.exitingPids.includes(summaryPid)) return null;
  const unseen = { message: null, fields: {}, killLineSeen: false };
  if (summaryPid !== null && report.summaryTask !== null) {
    return { ...unseen, pid: summaryPid, name: report.summaryTask, ...report.cgroupLineTime };
  }
  const selection = report.selection;
  if (selection !== null && (selection.pid === null || !report.exitingPids.includes(selection.pid))) {
    return { ...selection, fields: {}, killLineSeen: false };
  }
  if (report.taskInSeen) return { ...unseen, pid: null, name: null, ...report.cgroupLineTime };
  // A summary cut before its victim's pid: a victim found exiting after it is the one it named (4.19+ prints
  // `already exiting` after the summary when the victim's memory is gone). A whole tail whose pid is no number
  // (`pid={}`: a program's template) is no kernel's line, nor is a cut one whose values are not the kernel's.
  if (report.summaryTask === null && report.exitingPids.length === 0 && cutSummaryIsKernels(report))
    return { ...unseen, pid: null, name: null, ...report.cgroupLineTime };
  return null;
}

/**
 * Whether the report's summary, cut before its victim, is as a kernel prints it: its task_memcg a path (the
 * kernel's start with `/`), and no placeholder in its values (a doc's `task_memcg=<memcg>`, the kernel's own
 * format `oom_memcg=%s`, a program's `{pod}`).
 */
function cutSummaryIsKernels(report: OpenReport): boolean {
  const task = report.taskMemcg;
  // Empty: the cut came right after `task_memcg=`.
  if (task === null || (task !== '' && !task.startsWith('/'))) return false;
  const values = [report.constraint, report.oomMemcg, task, report.invokerCpuset];
  return !values.some((value) => value !== null && holdsPlaceholder(value));
}

/**
 * Whether a reaper line is the only trace of the kill of a report whose kill line was lost: the report has no kill
 * yet, names no other victim, did not find it already exiting, and either its summary names this pid and comm or
 * its task table lists them (the reaper line comes after the table, where the kill line would have). One
 * invocation kills one process (a group's members follow a kill line), so that is its kill; a pid the report does
 * not list was killed by another, earlier invocation.
 */
export function reapsItsVictim(report: OpenReport, pid: number, name: string): boolean {
  if (report.kill !== null || report.exitingPids.includes(pid)) return false;
  if (report.summaryPid !== null)
    return reportSummaryNamesPid(report, pid, name) && report.summaryTask === name;
  const selection = report.selection;
  // A choice whose pid an author masked is told by its comm alone.
  if (selection?.pid === null) return selection.name === name;
  if (selection !== null && selection.pid !== pid) return false;
  return report.tablePids.some(([listed, comm]) => listed === pid && comm === name);
}
