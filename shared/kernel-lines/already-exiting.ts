/**
 * 4.19+: `<message>: OOM victim N (comm) is already exiting. Skip killing the task`. Not a kill.
 */
import { pidAndComm } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';

export interface AlreadyExitingLine {
  kind: 'already-exiting';
  pid: number;
  name: string;
}

export const alreadyExitingLine: Recognizer<AlreadyExitingLine> = {
  name: 'already-exiting',
  marker: 'OOM victim ',
  read(text) {
    const at = text.indexOf('OOM victim ');
    if (at < 0) return null;
    const parsed = pidAndComm(text.slice(at + 'OOM victim '.length), [') is already exiting']);
    return parsed === null ? null : { kind: 'already-exiting', pid: parsed.pid, name: parsed.name };
  },
};
