import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  fileCheckpointStore,
  freshCheckpoint,
  readCheckpoint,
  sameScope,
} from '../../../cli/backfill/backfill-checkpoint.ts';
import { emptyAssemblerState } from '../../../shared/report-assembler.ts';

const scope = {
  logGroup: '/eks-oom-alerts/demo/kernel',
  streamPrefix: null,
  filterPattern: '?"oom-kill:"',
  since: '7d',
  until: null,
};

describe('backfill checkpoint file', () => {
  it('round-trips through an atomic write, leaving no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'checkpoint-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'state.json');
    expect(await fileCheckpointStore.load(path)).toEqual({ kind: 'none' });
    const checkpoint = {
      ...freshCheckpoint(scope, 1, 2),
      nextToken: 'f/3891',
      streams: { 'node.kernel': emptyAssemblerState() },
    };
    await fileCheckpointStore.save(path, checkpoint);
    await fileCheckpointStore.save(path, { ...checkpoint, scanned: 7 });
    expect(await fileCheckpointStore.load(path)).toEqual({
      kind: 'found',
      checkpoint: { ...checkpoint, scanned: 7 },
    });
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('fails the save, leaving the old file, when the folder is gone', async () => {
    const path = join(tmpdir(), 'no-such-folder-for-backfill', 'state.json');
    await expect(fileCheckpointStore.save(path, freshCheckpoint(scope, 1, 2))).rejects.toThrow(/ENOENT/);
  });

  it('reads anything else as unreadable, with the reason', async () => {
    expect(readCheckpoint('{')).toMatchObject({
      kind: 'unreadable',
      problem: expect.stringMatching(/^not JSON/) as string,
    });
    expect(readCheckpoint('{"version":2}')).toEqual({
      kind: 'unreadable',
      problem: 'not a backfill checkpoint of this version',
    });
    const dir = mkdtempSync(join(tmpdir(), 'checkpoint-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'state.json'), '[]');
    expect(await fileCheckpointStore.load(join(dir, 'state.json'))).toMatchObject({ kind: 'unreadable' });
    expect(await fileCheckpointStore.load(dir)).toMatchObject({
      kind: 'unreadable',
      problem: expect.stringMatching(/EISDIR/) as string,
    });
  });

  it('is the same backfill when group, streams, pattern and the range as typed agree', () => {
    expect(sameScope(scope, { ...scope })).toBe(true);
    expect(sameScope(scope, { ...scope, since: '2d' })).toBe(false);
    expect(sameScope(scope, { ...scope, streamPrefix: 'ip-10' })).toBe(false);
    expect(sameScope(scope, { ...scope, filterPattern: '' })).toBe(false);
    expect(sameScope(scope, { ...scope, until: '1h' })).toBe(false);
  });
});
