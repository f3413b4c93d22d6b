/**
 * memory.oom.group (4.19+): one invocation of the OOM killer kills every process of a cgroup. It prints
 * `Tasks in <cgroup> are going to be killed due to memory.oom.group set`, then a kill line per member, the
 * victim (the process the kernel chose) again among them. The whole invocation is one event: its victim is the
 * first process killed, the others are its co-victims. Cgroup v2 with Kubernetes 1.28+ sets the flag on every
 * container, so groups of hundreds are ordinary: each member costs the same, whatever the group's size.
 */
import { isCgroupOrAncestor } from './cgroup-path.ts';
import type { KillRecord, OpenReport } from './open-report.ts';
import { killTime, MAX_CO_VICTIMS, withinSeconds } from './open-report.ts';

/** The kernel kills the members in one loop: their kill lines follow within microseconds. */
const GROUP_KILL_SECONDS = 1;

/**
 * Whether a kill line after a report's kill is another member of its group: right after the last kill, and
 * listed in the report's task table when the whole table is known (the group lies inside the cgroup whose
 * tasks the table lists). Anything else is a later, headerless kill.
 */
export function joinsGroup(report: OpenReport, kill: KillRecord): boolean {
  if (report.groupCgroup === null) return false;
  if (!withinSeconds(report.lastKillTime, killTime(kill), GROUP_KILL_SECONDS)) return false;
  // A paste's tail of a table (`dmesg | tail`) is not known whole.
  const wholeTable =
    report.tableHeadCut !== true && report.tableRows > 0 && report.tableRows === report.tablePids.length;
  // A pid an author masked: the member is listed by its comm.
  if (kill.pid === null) return !wholeTable || report.tablePids.some(([, name]) => name === kill.name);
  return !wholeTable || report.tablePids.some(([pid]) => pid === kill.pid);
}

/**
 * Adds a member to the report's co-victims: each pid once (`members` holds those counted; the victim is
 * printed again among them), the first MAX_CO_VICTIMS listed, all counted.
 */
export function addCoVictim(report: OpenReport, kill: KillRecord, members: Set<number>): void {
  report.lastKillTime = killTime(kill) ?? report.lastKillTime;
  const pid = kill.pid;
  if (pid === null || pid === report.kill?.pid || members.has(pid)) return;
  members.add(pid);
  report.coVictimCount++;
  if (report.coVictims.length < MAX_CO_VICTIMS) {
    report.coVictims.push({ pid, name: kill.name ?? '', anonRssKb: kill.fields['anon-rss'] ?? null });
  }
}

/**
 * Whether a `memory.oom.group` line may belong to the report. The kernel prints it after its kill line (or the
 * victim found exiting), so a report that has one takes it whatever its summary named (before 5.1 the summary
 * may name the parent of the child that died). A report with neither yet holds it only when it names the
 * victim's memcg or one of its ancestors: a group outside the victim's whole cgroup path is another report's.
 */
export function groupHoldsVictim(report: OpenReport, group: string): boolean {
  if (report.kill !== null || report.exitingPids.length > 0 || report.selection !== null) return true;
  const task = report.taskMemcg;
  if (task === null || report.taskMemcgTruncated) return true;
  return group === '/' || isCgroupOrAncestor(group, task);
}

/**
 * Whether a `memory.oom.group` line is the report's own printed again: the same group, at a time before the
 * report's last kill line. The kernel prints a group's line before its members' kill lines, so an earlier one after
 * them is a paste that repeated the block (a mail that quoted the group and its first members twice): its members
 * are the report's, each counted once.
 */
export function repeatsGroupLine(report: OpenReport, group: string, time: number | null): boolean {
  const last = report.lastKillTime;
  return report.groupCgroup === group && time !== null && last !== null && time < last;
}
