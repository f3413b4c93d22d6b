/**
 * One `scan` run over its inputs, in order: each read into its own KernelLogScanner, its kills placed on the
 * wall clock where this host's boot allows (boot-time.ts), enriched when a cluster was given, and printed. A
 * kill that names no node when the cluster lookup needs one stops the run: the command line was wrong.
 */
import type { ByteReader, CliIo, FileSwitch } from '../command.ts';
import { writeText } from '../command.ts';
import type { KillPrinter } from '../kill-printer.ts';
import type { TableKill } from '../kill-table.ts';
import type { ThisBoot } from './boot-time.ts';
import { localBootTimeMs, placeInThisBoot, readThisBoot } from './boot-time.ts';
import type { ScanCounts, ScanOutput } from './kernel-log-scanner.ts';
import { KernelLogScanner, MAX_LINE_CHARS } from './kernel-log-scanner.ts';
import type { ScanSink } from './read-input.ts';
import { inputParts } from './input-parts.ts';
import { isTwinKill, twinKeyOf, type TwinKey } from './kill-twins.ts';
import { followInput, readFileToEnd, readPipe } from './read-input.ts';
import { errorMessage } from '../../shared/error-text.ts';
import { displayText } from '../../shared/format-text.ts';
import type { DriftLine } from '../../shared/report-assembler.ts';
import type { OomEvent } from '../../shared/oom-event.ts';

export type ScanInput = { name: string; kind: 'file' | 'stdin' | 'follow' };

export type Enrich = (kills: readonly OomEvent[]) => Promise<TableKill[]>;

export interface ScanRunOptions {
  node: string | null;
  /** With `--kubeconfig`; the lookup is by node, so without `--node` a log must name its node. */
  enrich: Enrich | null;
}

/** What `scan` says of an input with lines longer than it reads (binary input, a log with no newlines). */
function cutLinesNotice(name: string, cut: number): string {
  const lines = cut === 1 ? '1 line' : `${cut} lines`;
  return `scan: ${name}: ${lines} longer than ${MAX_LINE_CHARS.toLocaleString('en-US')} characters (not a text log?), each read only to there\n`;
}

/** What `scan --follow` says when the file it follows was rotated or truncated; `firstLine`: the new text's first line. */
function switchNotice(name: string, change: FileSwitch, firstLine: number): string {
  const what =
    change === 'rotated'
      ? 'was rotated (another file has its name now): reading that one'
      : 'was truncated: reading it again';
  return `scan: ${name} ${what} from its start, its line 1 as line ${firstLine}\n`;
}

/** What `scan --follow` says of a report that a rotation or truncation cut off from its kill line. */
function cutReportNotice(name: string, line: DriftLine): string {
  return `scan: ${name}:${line.ref}: an OOM report open when the file was rotated or truncated got no kill line after it: ${displayText(line.text)}\n`;
}

function addCounts(total: ScanCounts, counts: ScanCounts): void {
  total.lines += counts.lines;
  total.cutLines += counts.cutLines;
  total.records += counts.records;
  total.kills += counts.kills;
  total.incomplete += counts.incomplete;
  total.drift += counts.drift;
}

/**
 * Kills counted twice in the scanners' counts: held by an earlier input too (same id: not printed again), or
 * printed again from the same input with more of the kill (`incomplete`: the earlier copies that were).
 */
export interface RepeatedKills {
  kills: number;
  incomplete: number;
}

export class ScanRun {
  readonly total: ScanCounts = { lines: 0, cutLines: 0, records: 0, kills: 0, incomplete: 0, drift: 0 };
  readonly repeated: RepeatedKills = { kills: 0, incomplete: 0 };
  readonly printedAgain: RepeatedKills = { kills: 0, incomplete: 0 };
  inputsRead = 0;
  unread = 0;
  /** The input whose kill named no node, when the lookup needed one. */
  nodeMissingIn: string | null = null;
  private readonly io: CliIo;
  private readonly printer: KillPrinter;
  private readonly options: ScanRunOptions;
  /** Ctrl-C, or a kill that cannot be looked up. */
  private readonly stop = new AbortController();
  private readonly readIo: CliIo;
  private thisBoot: Promise<ThisBoot | null> | null = null;
  /**
   * The kills printed, by id, with the input that printed them and whether that copy was complete: the same
   * boot's `dmesg` and its Fluent Bit records, or a log and its rotated copy, hold the same kills, and each is
   * one kill. An input's own repeats are the assembler's to drop: what it sends again under an id already
   * printed shows more of that kill (a report still open at a batch end, a fragment quoted before its report).
   */
  private readonly printed = new Map<string, { input: string; complete: boolean }>();
  /** The kills printed, by victim pid: another log's copy of one has another id when it shows another clock. */
  private readonly printedByPid = new Map<number, Array<{ input: string; kill: TwinKey }>>();
  /**
   * Whether the run reads more than one log (several inputs, or an archive's files): only then are the kills
   * printed kept by pid. Kept for each of the bench log's 3,664 kills, they held scan's memory 14 MiB higher.
   */
  private severalLogs = false;

  constructor(io: CliIo, printer: KillPrinter, options: ScanRunOptions) {
    this.io = io;
    this.printer = printer;
    this.options = options;
    this.readIo = { ...io, signal: AbortSignal.any([io.signal, this.stop.signal]) };
  }

  private get needsNode(): boolean {
    return this.options.enrich !== null && this.options.node === null;
  }

  async readAll(inputs: readonly ScanInput[]): Promise<void> {
    this.severalLogs = inputs.length > 1;
    for (const input of inputs) {
      if (this.readIo.signal.aborted) break;
      await this.read(input);
    }
  }

  private async read(input: ScanInput): Promise<void> {
    if (input.kind === 'stdin') {
      const problem = this.io.stdin.unreadable;
      if (problem !== undefined) await this.notRead('-', problem);
      else await this.readParts('-', this.io.stdin.reader, true);
      return;
    }
    const opened = await this.io.fs.open(input.name);
    if (!opened.ok) {
      await this.notRead(input.name, opened.problem);
      return;
    }
    try {
      if (input.kind === 'follow' || opened.device)
        await this.readLive(input.name, opened.reader, opened.device, input.kind === 'follow');
      else await this.readParts(input.name, opened.reader, false);
    } finally {
      await opened.reader.close();
    }
  }

  /** An input that cannot be read at all (missing, a directory, no permission): named, and counted as unread. */
  private async notRead(name: string, problem: string): Promise<void> {
    await writeText(this.io.stderr, `scan: cannot read ${name}: ${problem}\n`);
    this.unread++;
  }

  /** A followed file or a kmsg device: read as text, to its end or (`follow`) as it grows. */
  private async readLive(name: string, reader: ByteReader, device: boolean, follow: boolean): Promise<void> {
    if (device && this.needsNode) {
      // kmsg records never name a node: say so now rather than at the first kill, hours into a follow.
      this.nodeMissing(name);
      return;
    }
    // The kmsg device read on the node is this boot's: its kernel times go on the wall clock.
    const bootTimeMs = device ? await localBootTimeMs(this.io.fs, this.io.now()) : null;
    const scanner = new KernelLogScanner({ node: this.options.node, source: { file: name }, bootTimeMs });
    const sink = this.sink(name, device);
    const switched = (change: FileSwitch): Promise<void> =>
      writeText(this.io.stderr, switchNotice(name, change, scanner.counts.lines + 1));
    await this.readSafely(name, scanner, sink, () =>
      follow
        ? followInput(reader, scanner, sink, this.readIo, switched)
        : readFileToEnd(reader, scanner, sink, this.readIo.signal),
    );
    await this.counted(name, scanner);
  }

  /**
   * An input read to its end (a pipe: as it comes), each log it holds (input-parts.ts: itself, a gzip stream's
   * content, an archive's files) scanned on its own; what it cannot be read as is said, and counts as unread.
   */
  private async readParts(name: string, reader: ByteReader, pipe: boolean): Promise<void> {
    try {
      for await (const part of inputParts(name, reader, { pipe, signal: this.readIo.signal })) {
        if (part.refused !== undefined) {
          await this.notRead(part.name, part.refused);
          continue;
        }
        if (part.name !== name) this.severalLogs = true;
        const scanner = new KernelLogScanner({ node: this.options.node, source: { file: part.name } });
        const shown = part.name === '-' ? 'stdin' : part.name;
        const sink = this.sink(shown, false);
        // Every part of a pipe is read as a pipe is: an archive's file too waits on the pipe, and Ctrl-C ends it.
        await this.readSafely(part.name, scanner, sink, () =>
          pipe
            ? readPipe(part.reader, scanner, sink, this.readIo)
            : readFileToEnd(part.reader, scanner, sink, this.readIo.signal),
        );
        await this.counted(shown, scanner);
        // Ctrl-C: the part being read ends there (each reader stops at the signal); no other is begun.
        if (this.readIo.signal.aborted) break;
      }
    } catch (error) {
      // The input's format failed part way (an archive cut short): the parts read still count, and it was not read.
      await writeText(this.io.stderr, `scan: error reading ${name}: ${errorMessage(error)}\n`);
      this.unread++;
    }
  }

  /**
   * Reads into the scanner; a read that fails part way (an I/O error, a cut gzip stream): what was read counts, and
   * the input counts as unread too (exit status 1).
   */
  private async readSafely(
    name: string,
    scanner: KernelLogScanner,
    sink: ScanSink,
    read: () => Promise<void>,
  ): Promise<void> {
    try {
      await read();
    } catch (error) {
      await writeText(this.io.stderr, `scan: error reading ${name}: ${errorMessage(error)}\n`);
      await sink(scanner.end());
      // Read only in part: its kills after the failure, if any, are not known.
      this.unread++;
    }
  }

  /** Adds what the input held to the totals; says which of its lines were too long to read whole. */
  private async counted(name: string, scanner: KernelLogScanner): Promise<void> {
    addCounts(this.total, scanner.counts);
    this.inputsRead++;
    const cut = scanner.counts.cutLines;
    if (cut > 0) await writeText(this.io.stderr, cutLinesNotice(name, cut));
  }

  private nodeMissing(input: string): void {
    this.nodeMissingIn = input;
    this.stop.abort();
  }

  /** Where one input's kills go; `onWallClock`: its kernel times are on the wall clock already. */
  private sink(shown: string, onWallClock: boolean): ScanSink {
    return async (output: ScanOutput) => {
      if (this.stop.signal.aborted) return;
      if (this.needsNode && output.kills.some((kill) => kill.node === null)) {
        this.nodeMissing(shown);
        return;
      }
      await this.printer.drift(shown, output.drift);
      for (const line of output.cutBySwitch ?? [])
        await writeText(this.io.stderr, cutReportNotice(shown, line));
      const fresh = this.notPrinted(output.kills, shown);
      const kills = onWallClock ? fresh : await this.onThisBoot(fresh);
      await this.printer.kills(this.options.enrich === null ? kills : await this.options.enrich(kills));
    };
  }

  /** The kills no earlier input held; the others are counted as repeated. */
  private notPrinted(kills: readonly OomEvent[], input: string): OomEvent[] {
    const fresh: OomEvent[] = [];
    for (const kill of kills) {
      const earlier = this.printed.get(kill.id);
      const key = this.severalLogs && kill.victim.pid !== null ? twinKeyOf(kill) : null;
      if (
        (earlier !== undefined && earlier.input !== input) ||
        (earlier === undefined && key !== null && this.inEarlierInput(key, input))
      ) {
        this.repeated.kills++;
        if (!kill.complete) this.repeated.incomplete++;
        continue;
      }
      if (earlier !== undefined) {
        this.printedAgain.kills++;
        if (!earlier.complete) this.printedAgain.incomplete++;
      }
      this.printed.set(kill.id, { input, complete: kill.complete });
      if (key !== null) {
        const same = this.printedByPid.get(key.pid as number);
        if (same === undefined) this.printedByPid.set(key.pid as number, [{ input, kill: key }]);
        else same.push({ input, kill: key });
      }
      fresh.push(kill);
    }
    return fresh;
  }

  /** Whether an earlier input printed this kill under another id: on another clock (kill-twins.ts). */
  private inEarlierInput(key: TwinKey, input: string): boolean {
    const same = this.printedByPid.get(key.pid as number) ?? [];
    return same.some((printed) => printed.input !== input && isTwinKill(printed.kill, key));
  }

  /** Kills of this host's current boot on the wall clock; the ring buffer is read once, when a kill needs it. */
  private async onThisBoot(kills: OomEvent[]): Promise<OomEvent[]> {
    if (!kills.some((kill) => kill.observedAt === null && kill.kernelTime !== null)) return kills;
    const boot = await (this.thisBoot ??= readThisBoot(this.io.fs, this.io.now()));
    return boot === null ? kills : kills.map((kill) => placeInThisBoot(kill, boot));
  }
}
