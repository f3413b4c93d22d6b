/**
 * Assembles the ~80 lines of a kernel OOM report, line by line, into OomEvents: a small explicit state machine
 * whose whole state is a plain JSON value, so that a caller can carry it between batches (a CloudWatch
 * subscription may split one report across two Lambda invocations) and store it between processes.
 *
 * States: no report open → report open (header or body lines seen) → kill seen → closed. A report closes on
 * the next header, on a body line after its kill, on a kill line after its kill (storms: the kernel
 * rate-limits headers but not kill lines) unless memory.oom.group is killing a group, on a gap in time, or at
 * the end of input. At the end of a batch, a report that has its kill is sent and stays open.
 *
 * Event building (report-event.ts) turns each report into its one event; a report whose kill line never came
 * gives the kill its other lines name (implied-kill.ts), and one that names none is drift.
 */
import {
  type AssemblerState,
  copyOfState,
  emptyAssemblerState,
  type RecentInvoker,
  type RecentKill,
} from './assembler-state.ts';
import { addCoVictim, groupHoldsVictim, joinsGroup, repeatsGroupLine } from './group-kill.ts';
import { impliedKill, reapsItsVictim } from './implied-kill.ts';
import type { KernelLine } from './kernel-line.ts';
import { parseKernelLine, UNREAD_OOM_TEXT } from './kernel-line.ts';
import type { ReapedExit } from './kernel-lines/reaped.ts';
import { isSentenceLikeHeader } from './kernel-lines/invoked.ts';
import {
  type InvokerTaken,
  limitPathOf,
  reapsSameMemory,
  reportOfHeader,
  takeCounter,
  takeFrame,
  takeLostHeader,
  takeStats,
  takeInvoker,
  takeSummary,
  takeTaskIn,
  unseenKill,
} from './report-lines.ts';
import type { LogEntry } from './log-record.ts';
import { choiceApartFromKill, holdsGluedSyslogRecord, splitGluedRecords } from './glued-records.ts';
import type { OomEvent } from './oom-event.ts';
import type { KillRecord, OpenReport } from './open-report.ts';
import { copyRank, keptRss, killEvidence, RecentKills, stampedAt, withKeptFigures } from './recent-kills.ts';
import { stampsApart } from './stamp-clock.ts';
import {
  addTask,
  ATTRIBUTION_WINDOW_SECONDS,
  addRef,
  killTime,
  lineTimeOf,
  keepsLine,
  MAX_LINE_CHARS,
  newReport,
  takesLateSummary,
  takesLateTaskIn,
  taskRowOf,
  timeOf,
  wallSeconds,
  withinSeconds,
  lastLineTime,
} from './open-report.ts';
import type { EventContext } from './report-event.ts';
import { buildEvent } from './report-event.ts';

export { ASSEMBLER_STATE_VERSION, type AssemblerState, emptyAssemblerState } from './assembler-state.ts';

/**
 * Lines of one report are printed within milliseconds, or, on a slow console that the kernel writes each line to
 * before the next (a serial console, a big task table), a few milliseconds apart: a gap this large after the
 * report's last line means the open report was cut off.
 */
const REPORT_SPAN_SECONDS = 10;
/**
 * The span for stamps as printed (apartFromReport): a syslog daemon stamps a line as it reads it, and one held back by
 * the memory pressure the OOM itself is under may read a report's lines seconds apart; a header that never reached its
 * kill is hours or days before the next kill.
 */
const STAMP_SPAN_SECONDS = 60;

/**
 * Whether a line comes more than a report's span after the open report's last line: by their clocks, or, for a line
 * with none, by the stamps as printed (stamp-clock.ts): a stamp with no zone or year is all a syslog file or `dmesg -T`
 * gives. Not by the stamp of a call-trace frame (report context), which, as the report's stamp, counts only where it
 * has a clock: `scan` sets aside a frame with no clock unread.
 */
function apartFromReport(open: OpenReport, entry: LogEntry, time: number | null, line: KernelLine): boolean {
  if (!withinSeconds(lastLineTime(open), time, REPORT_SPAN_SECONDS)) return true;
  return (
    time === null && line.kind !== 'context' && stampsApart(open.lastStamp, entry.stamp, STAMP_SPAN_SECONDS)
  );
}

/**
 * Whether a line is report context (a call-trace frame, Mem-Info, the task table's title or heading) printed on another
 * clock than the open report's: a printk time more than a report's span before the report's last line. A kernel's
 * printk clock never runs back, so the line is another boot's or another node's and tells nothing of the open report:
 * it neither joins nor closes it. An author pasted an older report's title and heading between a header and its kill
 * (`[2862128.625072] gjs invoked oom-killer: …`, `[2721289.221086] Tasks state (memory values in pages):`, …,
 * `[2862128.625582] Out of memory: Killed process 3362372 (rust-analyzer) …`), as a query interleaving nodes' logs
 * would. Any other line of another clock still closes the open report (apartFromReport), as it may begin one of its
 * own; so does context a gap after it, which a cut-off report is known by.
 */
function isOtherClockContext(open: OpenReport, entry: LogEntry, line: KernelLine): boolean {
  if (line.kind !== 'context' && line.kind !== 'task-header') return false;
  const last = lastLineTime(open);
  return entry.kernelTime !== null && last !== null && entry.kernelTime < last - REPORT_SPAN_SECONDS;
}

/**
 * Whether a line with no clock comes more than STAMP_SPAN_SECONDS by its stamp after the CPU line held for a report
 * whose header was lost (takeLostHeader), as apartFromReport tells it of an open report: a kill a day later takes no
 * invoker from it. Not a frame, which `scan` may set aside unread, nor another CPU line, which takes its place.
 */
function apartFromInvoker(
  invoker: RecentInvoker,
  entry: LogEntry,
  time: number | null,
  line: KernelLine,
): boolean {
  if (time !== null || line.kind === 'context' || line.kind === 'cpu') return false;
  return stampsApart(invoker.stamp, entry.stamp, STAMP_SPAN_SECONDS);
}

/** The same pid and comm killed again this soon is the same kill printed twice (the group re-kills its victim). */
export const DUPLICATE_KILL_SECONDS = 2;
// A report printed again (kmsg replay) is known by its id; a group adds its listed co-victims.
const RECENT_KILLS_KEPT = 256;
const RECENT_TABLES_KEPT = 4;

/** What the caller knows of the stream: node, source, boot time. The events of its reports carry it. */
export type AssemblerContext = EventContext;

export interface InputLine {
  entry: LogEntry;
  /** CloudWatch event id, or 1-based line number in a file. */
  ref: string | number;
}

export interface DriftLine {
  /** The line's text, cut after DRIFT_TEXT_CHARS. */
  text: string;
  reason: string;
  ref: string | number;
}

/**
 * The most of a line a drift line shows: four of the longest lines the kernel prints. A longer one (binary input, a
 * log with no newlines) is no kernel line, and the operator reading it needs its start, not megabytes.
 */
const DRIFT_TEXT_CHARS = 4096;

const HEADER_FRAGMENT = 'OOM report header without its comm or a time: the rest of a wrapped line';

/**
 * A header with neither its comm nor a time or stamp of its own (`invoked oom-killer: …` alone): the rest of one that
 * a wrap cut after its comm, whose head the paste's other lines did not let join. As a report's first line it would
 * lend its fields to whatever kill comes next, however much later. (2.6.24's header of a blank comm has its time.)
 */
function isHeaderFragment(line: KernelLine, time: number | null, entry: LogEntry): boolean {
  return line.kind === 'invoked' && line.name === null && time === null && entry.stamp === null;
}

/** The text as a drift line shows it: cut after DRIFT_TEXT_CHARS, saying how much more there was. */
function driftText(text: string): string {
  if (text.length <= DRIFT_TEXT_CHARS) return text;
  return `${text.slice(0, DRIFT_TEXT_CHARS)}… (${text.length - DRIFT_TEXT_CHARS} more characters)`;
}

export interface AssemblyResult {
  events: OomEvent[];
  drift: DriftLine[];
  state: AssemblerState;
}

export interface AssembleOptions {
  /**
   * True when no more lines will come (a file read to its end): a report still waiting for its kill line is
   * closed rather than kept. False for a stream (a Lambda batch, `--follow`): it is kept in the state.
   */
  final: boolean;
}

/** Mutable working set of one `assembleReports` call. */
class Assembly {
  readonly events: OomEvent[] = [];
  readonly drift: DriftLine[] = [];
  readonly state: AssemblerState;
  readonly context: AssemblerContext;
  /** Pids of the open report's group members: each is counted once. */
  private members = new Set<number>();
  /** Every process killed in this call, by pid: a reaper line for one confirms its kill (a group has thousands). */
  private readonly killed = new Map<number, { name: string | null; time: number | null }>();
  /** state.recentKills, indexed when first needed. */
  private recentKills: RecentKills | null = null;

  constructor(state: AssemblerState, context: AssemblerContext) {
    if (state.lastReap?.time == null) state.lastReap = null; // Without a time, no nearness to a later call's.
    this.state = state;
    this.context = context;
  }

  close(): void {
    const report = this.state.open;
    this.state.open = null;
    if (report === null) return;
    const kill = report.kill ?? impliedKill(report);
    if (kill !== null) this.send(report, kill);
    else if (
      report.exitingPids.length === 0 &&
      report.lines.length > 0 &&
      (report.rowLines ?? 0) < report.changes
    ) {
      // Only a victim already exiting explains a report without a kill; else its kill line was lost. Task rows
      // alone are a piece of a table a paste cut out, no report.
      const ref = report.refs[0] as string | number;
      this.drift.push({
        text: driftText(report.lines[0] as string),
        reason: 'OOM report without a kill line',
        ref,
      });
    }
    const oom = limitPathOf(report);
    if (oom !== null && report.tablePids.length > 0) {
      this.state.recentTables.push({
        oomMemcg: oom,
        constraint: report.constraint,
        time: report.time,
        pids: report.tablePids.map(([pid, name]) => [pid, name]),
      });
      this.state.recentTables.splice(0, Math.max(0, this.state.recentTables.length - RECENT_TABLES_KEPT));
    }
  }

  /**
   * Sends a report's event, unless it was sent and nothing joined the report since. A report sent at a batch end
   * stays open for the lines of it the next batch may bring (its memory.oom.group members, a late `Task in`): if
   * some do, its event is sent again, same id, with more of the kill seen.
   */
  send(report: OpenReport, kill: KillRecord): void {
    if (report.sentAt === report.changes) return;
    const event = buildEvent(report, kill, this.state.recentTables, this.context);
    const ownReport = report.trigger !== null || report.selection !== null;
    report.sentId = this.emit(event, stampedAt(kill), report.sentId, ownReport) ?? report.sentId;
    report.sentAt = report.changes;
  }

  /**
   * Sends an event, unless it is a copy of a kill already sent (a report printed twice: journalctl pager, kmsg
   * replay; a line quoted before its report) that shows no more of it. A copy that shows more goes again under
   * the id the kill went under, in place of that event when this call holds it. `sentId`: the id its report went
   * under at an earlier batch end; `stamp`: the kill line's stamp where it had no clock (stampedAt). Returns the id
   * sent under, or null when not sent.
   */
  emit(
    event: OomEvent,
    stamp: string | undefined,
    sentId: string | null = null,
    ownReport = false,
  ): string | null {
    const recent = this.recent();
    const time = event.kernelTime ?? (event.observedAt === null ? null : wallSeconds(event.observedAt));
    const { pid, name } = event.victim;
    const evidence = killEvidence(event);
    const rank = copyRank(event);
    let id = sentId;
    let copy = false;
    if (id === null) {
      const victim = { pid, name, time, stamp };
      const match = recent.match(event.id, victim, DUPLICATE_KILL_SECONDS, evidence, ownReport);
      if (match.copy !== null && rank <= recent.rankOf(match.copy.id)) return null;
      copy = match.copy !== null;
      id = match.copy === null ? match.id : match.copy.id;
    }
    // It goes with the victim's figures that only the copies of its kill sent before showed (none for a new kill).
    const sent = withKeptFigures(id === event.id ? event : { ...event, id }, recent.copiesOf(id));
    const kill: RecentKill = { id, pid, name, time, evidence, rank };
    const rss = keptRss(sent);
    if (rss !== null) kill.rss = rss;
    if (stamp !== undefined) kill.stamp = stamp;
    const added = [kill];
    // A group's members are killed too: a reaper line for one, in a later batch, confirms a kill already sent.
    if (sentId === null)
      for (const other of event.coVictims) added.push({ id: '', pid: other.pid, name: other.name, time });
    recent.add(added);
    // A copy that shows more of a kill this call sent replaces that event, where its own report closed.
    const earlier = copy ? this.events.findLastIndex((e) => e.id === id) : -1;
    if (earlier >= 0) this.events.splice(earlier, 1);
    this.events.push(sent);
    return id;
  }

  /**
   * The open report for a line that names the victim's cgroup, or a fresh one: a report has one such line,
   * so a second means the header of the next report was rate-limited away (or lines were pasted alone).
   */
  reportForCgroupLine(time: number | null): OpenReport {
    const open = this.state.open;
    if (open !== null && (open.taskMemcg !== null || open.summaryPid !== null || open.oomMemcg !== null))
      this.close();
    return this.reportForBody(time, 'header-body');
  }

  /**
   * The open report, or a fresh one when none is open or the open one already ended in a kill. A fresh report
   * takes the invoker of a CPU line just before it (its header line was lost) as `takes` says.
   */
  reportForBody(time: number | null, takes: InvokerTaken = 'after-oom-path'): OpenReport {
    const open = this.state.open;
    if (open !== null && open.kill === null) return open;
    this.close();
    const report = newReport(time);
    takeLostHeader(report, this.state.invoker, takes, REPORT_SPAN_SECONDS);
    this.state.open = report;
    return report;
  }

  accept(input: InputLine): void {
    const { entry } = input; // Another writer's line is read only for a kernel syslog record glued on.
    if (!entry.fromKernel && !holdsGluedSyslogRecord(entry.text)) return;
    for (const piece of splitGluedRecords(entry)) if (piece.fromKernel) this.acceptEntry(piece, input.ref);
  }

  acceptEntry(entry: LogEntry, ref: string | number): void {
    const result = parseKernelLine(entry.text, entry.truncated);
    const pieces = result.kind === 'line' && result.line.kind === 'kill' ? choiceApartFromKill(entry) : null;
    if (pieces !== null && pieces.length > 1) return pieces.forEach((piece) => this.acceptEntry(piece, ref));
    if (result.kind === 'not-oom') return;
    if (result.kind === 'unrecognised') {
      this.drift.push({ text: driftText(entry.text), reason: result.reason, ref });
      return;
    }
    const line = result.line;
    const time = timeOf(entry);
    if (isHeaderFragment(line, time, entry)) {
      this.drift.push({ text: driftText(entry.text), reason: HEADER_FRAGMENT, ref });
      return;
    }
    // Behind the kernel's envelope a cut header's spaced name is a comm (`C2 CompilerThre`, a JVM thread).
    if (isSentenceLikeHeader(line, entry.enveloped)) {
      this.drift.push({ text: driftText(entry.text), reason: UNREAD_OOM_TEXT, ref });
      return;
    }
    const open = this.state.open;
    if (open !== null && isOtherClockContext(open, entry, line)) return;
    if (open !== null && apartFromReport(open, entry, time, line)) this.close();
    if (this.state.invoker !== null && apartFromInvoker(this.state.invoker, entry, time, line))
      this.state.invoker = null;
    const report = this.apply(line, entry, time);
    if (line.kind !== 'cpu' && line.kind !== 'context') this.state.invoker = null;
    if (report !== null && line.kind !== 'context') {
      report.changes++;
      if (time !== null) report.lastLineTime = time;
      if (entry.stamp !== null) report.lastStamp = entry.stamp;
      if (keepsLine(report, line.kind === 'task-row'))
        report.lines.push(entry.text.trim().slice(0, MAX_LINE_CHARS));
      addRef(report, ref);
      if (report !== this.state.open && report.kill?.killLineSeen === false) this.emitDetached(report);
    }
  }

  /** Applies one recognized line; returns the report it joined, if any. */
  apply(line: KernelLine, entry: LogEntry, time: number | null): OpenReport | null {
    switch (line.kind) {
      case 'invoked':
        this.close();
        this.state.open = reportOfHeader(line, time);
        return this.state.open;
      case 'cpu':
        return takeInvoker(this.state, line.pid, line.name, time, entry.stamp);
      case 'context':
        takeFrame(this.state, entry.text);
        return this.state.open;
      case 'cpuset': {
        // Before 4.19 it comes before the CPU line: one before it is another report's.
        const report = this.reportForBody(time, 'none');
        report.invokerCpuset = line.cpuset;
        return report;
      }
      case 'summary': {
        const open = this.state.open;
        const late = open !== null && takesLateSummary(open, line, lineTimeOf(entry));
        return takeSummary(late ? open : this.reportForCgroupLine(time), line, entry);
      }
      case 'task-in': {
        const open = this.state.open;
        const late = open !== null && takesLateTaskIn(open, line.oom);
        return late ? takeTaskIn(open, line, null) : takeTaskIn(this.reportForCgroupLine(time), line, entry);
      }
      case 'limit-reached': {
        const report = this.reportForCgroupLine(time);
        report.oomMemcg = line.oom;
        return report;
      }
      case 'counter':
        return takeCounter(this.reportForBody(time, 'header-body'), line);
      case 'memcg-stats':
        return takeStats(this.reportForBody(time, 'header-body'), line);
      case 'task-header': {
        const report = this.reportForBody(time, 'header-body');
        report.taskColumns = line.columns;
        return report;
      }
      case 'task-row': {
        // A paste that starts inside the task dump (`dmesg | tail`) has rows before any other line of the report.
        // Rows after a kill are no report's: the kernel prints the table before it (a paste reversed or sorted).
        const open = this.state.open;
        if (open !== null && open.kill !== null) return null;
        const report = open ?? this.reportForBody(time, 'header-body');
        if (open === null) report.tableHeadCut = true;
        report.rowLines = (report.rowLines ?? 0) + 1;
        const row = taskRowOf(line, report.taskColumns);
        if (row !== null) addTask(report, row);
        return report;
      }
      case 'sacrifice': {
        // `Kill process A … or sacrifice child`: A is only the candidate; the next `Killed process B` died.
        if (this.state.open?.selection != null) this.close();
        const report = this.reportForBody(time);
        report.selection = { pid: line.pid, name: line.name, message: line.message, ...lineTimeOf(entry) };
        return report;
      }
      case 'oom-group': {
        const open = this.state.open;
        if (open !== null && repeatsGroupLine(open, line.cgroup, time)) return open;
        if (open !== null && !groupHoldsVictim(open, line.cgroup)) this.close();
        const joins = open !== null && open === this.state.open && open.groupCgroup === null;
        const report = joins ? open : this.reportForBody(time);
        report.groupCgroup = line.cgroup;
        return report;
      }
      case 'kill':
      case 'el6-kill':
      case 'ub-kill':
        return this.addKill({
          pid: line.pid,
          name: line.name,
          message: line.message,
          fields: line.fields,
          // The line's time (lineTimeOf) written out: a spread would copy it through a second object.
          kernelTime: entry.kernelTime,
          wallTime: entry.wallTime,
          stamp: entry.stamp,
          host: entry.host,
          killLineSeen: true,
        });
      case 'shared-memory-kill':
        return this.addSharedMemoryKill(line.pid, line.name, entry);
      case 'already-exiting': {
        const open = this.state.open;
        // Only a victim chosen before any kill matters: it cancels the kill the summary names.
        if (open?.kill === null) open.exitingPids.push(line.pid);
        return open;
      }
      case 'reaped':
        return this.confirmReaped(line, entry);
      case 'ub-exited':
        return this.confirmReaped({ pid: line.pid, name: line.name, left: null }, entry);
      case 'suppressed':
        // The kernel dropped lines here: whatever follows belongs to a later invocation.
        if (this.state.open !== null && this.state.open.kill !== null) this.close();
        return null;
    }
  }

  addKill(record: KillRecord): OpenReport | null {
    const kill = withSummaryPid(this.state.open, record);
    const time = killTime(kill);
    if (kill.pid !== null) this.killed.set(kill.pid, { name: kill.name, time });
    let report = this.state.open;
    if (report !== null && report.kill !== null && joinsGroup(report, kill)) {
      this.addMember(report, kill);
      return report;
    }
    // After a kill, another kill line starts a new (headerless) report.
    if (report === null || report.kill !== null) {
      this.close();
      report = newReport(time);
      takeLostHeader(report, this.state.invoker, 'after-oom-path', REPORT_SPAN_SECONDS);
      this.state.open = report;
    }
    report.kill = kill;
    report.lastKillTime = time;
    if (this.members.size > 0) this.members = new Set();
    return report;
  }

  /**
   * A process killed because it shares the victim's memory: a co-victim of the open report's kill, which the
   * kernel printed just before. Alone (its report's kill line lost), it is the only evidence of a kill.
   */
  addSharedMemoryKill(pid: number, name: string, entry: LogEntry): OpenReport | null {
    const kill = unseenKill(pid, name, entry);
    const open = this.state.open;
    if (open?.kill == null) return this.addKill(kill);
    this.killed.set(pid, { name, time: killTime(kill) });
    this.addMember(open, kill);
    return open;
  }

  /** Adds a co-victim to the report; a report a batch end sent knows its members again by the listed ones. */
  addMember(report: OpenReport, kill: KillRecord): void {
    if (this.members.size === 0) this.members = new Set(report.coVictims.map((c) => c.pid));
    addCoVictim(report, kill, this.members);
  }

  /**
   * The reaper confirms a kill already seen; alone, it is the only evidence of one (an incomplete event). So does
   * OpenVZ's line for a victim that exited (`ub-exited`), which says nothing of the memory left.
   */
  confirmReaped(line: ReapedExit, entry: LogEntry): OpenReport | null {
    const { pid, name } = line;
    // A confirmation adds nothing to the event, so it is not attached: the event may already have left.
    const open = this.state.open;
    const time = timeOf(entry);
    const sameMemory = reapsSameMemory(this.state.lastReap ?? null, line, time);
    this.state.lastReap = { name, left: line.left, time };
    // The reaper reaps only the victim it was handed, whatever comm a paste shows (cut, or renamed by an author).
    if (open?.kill?.pid === pid) return null;
    // A kill line whose pid an author masked is confirmed by its comm.
    if (open?.kill != null && open.kill.pid === null && open.kill.name === name && open.kill.killLineSeen)
      return null;
    if (open !== null && reapsItsVictim(open, pid, name)) {
      // Its kill line was lost (`callbacks suppressed`): the reaper names it. Earlier victims' come before headers.
      open.kill = unseenKill(pid, name, entry);
      open.lastKillTime = time;
      this.killed.set(pid, { name, time });
      return open;
    }
    const killed = this.killed.get(pid);
    const sameComm = killed !== undefined && (killed.name === name || killed.name === null);
    if (sameComm && withinSeconds(killed.time, time, ATTRIBUTION_WINDOW_SECONDS)) return null;
    const seen = this.recent().hasVictim(pid, name, time, ATTRIBUTION_WINDOW_SECONDS);
    if (seen || open?.coVictims.some((c) => c.pid === pid && c.name === name)) return null;
    // A thread of a victim just reaped, marked a victim as it died (its memory left as its process's was).
    if (sameMemory) return null;
    // A member of a group too large to list, in a batch after the one that killed it.
    if (open !== null && open.coVictimCount > open.coVictims.length) return null;
    // An unmatched reaper line ends a report that already has its kill, as a batch end would.
    if (open !== null && open.kill !== null) this.close();
    // The reaper runs after the kill, possibly while the next report is already open: keep it apart.
    const solo = newReport(time);
    solo.kill = unseenKill(pid, name, entry);
    return solo;
  }

  /** Emits a report that never becomes the open one (a lone reaper line), after its line is recorded. */
  emitDetached(report: OpenReport): void {
    if (report.kill !== null)
      this.emit(
        buildEvent(report, report.kill, this.state.recentTables, this.context),
        stampedAt(report.kill),
      );
  }

  /** A call's end: with input to come, a report with its kill is sent and stays open; else all close. */
  end(final: boolean): void {
    const open = this.state.open;
    if (final) this.close();
    else if (open?.kill != null) this.send(open, open.kill);
    this.recentKills?.settle();
  }

  recent(): RecentKills {
    return (this.recentKills ??= new RecentKills(this.state.recentKills, RECENT_KILLS_KEPT));
  }
}

/**
 * A kill line whose pid an author masked, with the pid the open report's summary gives for the same comm: from
 * 4.19 the kernel prints the summary for the victim it is about to kill, then its kill line. Not after a choice
 * (`Kill process A … or sacrifice child`, to 5.x): the summary names A, and the kernel may have killed a child of
 * the same comm. Else the kill as it is.
 */
function withSummaryPid(open: OpenReport | null, kill: KillRecord): KillRecord {
  if (kill.pid !== null || kill.name === null || open === null || open.kill !== null) return kill;
  if (open.selection !== null) return kill;
  return open.summaryPid !== null && open.summaryTask === kill.name
    ? { ...kill, pid: open.summaryPid }
    : kill;
}

/**
 * Feeds lines of one node's kernel log through the assembler. Pass the returned state to the next call for
 * the same stream; pass `final: true` when the input has ended.
 */
export function assembleReports(
  lines: Iterable<InputLine>,
  state: AssemblerState | null,
  context: AssemblerContext,
  options: AssembleOptions,
): AssemblyResult {
  const assembly = new Assembly(state === null ? emptyAssemblerState() : copyOfState(state), context);
  for (const line of lines) assembly.accept(line);
  assembly.end(options.final);
  return { events: assembly.events, drift: assembly.drift, state: assembly.state };
}
