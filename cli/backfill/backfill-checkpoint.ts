/**
 * Where a backfill stands, saved after each page so that Ctrl-C (or a lost connection) costs nothing: the
 * range, the next page's token, each stream's assembler state (a report cut across two pages goes on where
 * it stopped) and the counts. Written atomically, so a crash mid-write leaves the previous checkpoint whole.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { AssemblerState } from '../../shared/report-assembler.ts';
import { errorMessage } from '../../shared/error-text.ts';

export const DEFAULT_CHECKPOINT_FILE = '.eks-oom-alerts-backfill.json';

/** What makes two runs the same backfill: a re-run with these resumes. */
export interface BackfillScope {
  logGroup: string;
  streamPrefix: string | null;
  filterPattern: string;
  /** `--since` and `--until` as typed: `--since 7d` run again later is still the same backfill. */
  since: string;
  until: string | null;
}

export interface BackfillCheckpoint extends BackfillScope {
  version: 1;
  /** The range fixed by the first run, epoch ms. */
  startMs: number;
  endMs: number;
  /** The token of the next page; null before the first page and after the last. */
  nextToken: string | null;
  finished: boolean;
  /** Assembler state per log stream. */
  streams: Record<string, AssemblerState>;
  scanned: number;
  kills: number;
  /** Timestamp of the newest event read: how far through the range the backfill is. */
  coveredToMs: number | null;
}

export function sameScope(a: BackfillScope, b: BackfillScope): boolean {
  return (
    a.logGroup === b.logGroup &&
    a.streamPrefix === b.streamPrefix &&
    a.filterPattern === b.filterPattern &&
    a.since === b.since &&
    a.until === b.until
  );
}

export function freshCheckpoint(scope: BackfillScope, startMs: number, endMs: number): BackfillCheckpoint {
  return {
    version: 1,
    ...scope,
    startMs,
    endMs,
    nextToken: null,
    finished: false,
    streams: {},
    scanned: 0,
    kills: 0,
    coveredToMs: null,
  };
}

export type CheckpointLoad =
  | { kind: 'none' }
  | { kind: 'found'; checkpoint: BackfillCheckpoint }
  | { kind: 'unreadable'; problem: string };

export interface CheckpointStore {
  load(path: string): Promise<CheckpointLoad>;
  /** Replaces the file whole or not at all; throws when it cannot be written (the run must stop). */
  save(path: string, checkpoint: BackfillCheckpoint): Promise<void>;
}

function isCheckpoint(value: unknown): value is BackfillCheckpoint {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Partial<BackfillCheckpoint>;
  return (
    c.version === 1 &&
    typeof c.logGroup === 'string' &&
    typeof c.since === 'string' &&
    typeof c.filterPattern === 'string' &&
    typeof c.startMs === 'number' &&
    typeof c.endMs === 'number' &&
    typeof c.finished === 'boolean' &&
    typeof c.streams === 'object' &&
    c.streams !== null &&
    typeof c.scanned === 'number' &&
    typeof c.kills === 'number'
  );
}

/** Reads a checkpoint's text; anything that is not one is a problem to show, never a crash. */
export function readCheckpoint(text: string): CheckpointLoad {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      kind: 'unreadable',
      problem: `not JSON (${errorMessage(error)})`,
    };
  }
  return isCheckpoint(value)
    ? { kind: 'found', checkpoint: value }
    : { kind: 'unreadable', problem: 'not a backfill checkpoint of this version' };
}

/** Why a checkpoint could not be written, as a person reads it: `no such directory`, `permission denied`. */
export function checkpointWriteProblem(error: unknown): string {
  switch ((error as NodeJS.ErrnoException | null)?.code) {
    case 'ENOENT':
      return 'no such directory';
    case 'ENOTDIR':
      return 'a part of its path is not a directory';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    default:
      return errorMessage(error);
  }
}

/** The checkpoint as a file: written to a temporary name beside it, then renamed over it. */
export const fileCheckpointStore: CheckpointStore = {
  async load(path) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      // Nothing there (ENOTDIR: a part of the path is a file): the first save says why it cannot be written.
      const { code } = error as NodeJS.ErrnoException;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'none' };
      return { kind: 'unreadable', problem: errorMessage(error) };
    }
    return readCheckpoint(text);
  },
  async save(path, checkpoint) {
    const temporary = `${path}.${randomUUID()}.tmp`;
    try {
      await writeFile(temporary, `${JSON.stringify(checkpoint)}\n`, 'utf8');
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  },
};
