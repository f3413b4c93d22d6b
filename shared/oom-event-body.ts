/**
 * An OomEvent's JSON back into an OomEvent: an SQS message body, or the copy a claim holds
 * (adapters/state/claim-store.ts). This project wrote it, so a body that does not fit is a bug or a foreign
 * message: it is named precisely, and enrich fails its record, to land in the DLQ rather than vanish.
 */
import { SCHEMA_VERSION } from './oom-event.ts';
import type { OomEvent } from './oom-event.ts';
import { errorMessage } from './error-text.ts';

export type BodyRead = { ok: true; event: OomEvent } | { ok: false; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringOrNull = (v: unknown): boolean => v === null || typeof v === 'string';

/** The first field the enricher relies on that is missing or of the wrong type, or null. */
function contractBreach(e: Record<string, unknown>): string | null {
  if (e['schemaVersion'] !== SCHEMA_VERSION)
    return `schemaVersion is ${JSON.stringify(e['schemaVersion'])}, not ${SCHEMA_VERSION}`;
  if (typeof e['id'] !== 'string' || e['id'] === '') return 'id is not a non-empty string';
  if (!isStringOrNull(e['node'])) return 'node is not a string or null';
  if (!isStringOrNull(e['observedAt'])) return 'observedAt is not a string or null';
  const victim = e['victim'];
  if (!isObject(victim)) return 'victim is not an object';
  if (victim['pid'] !== null && typeof victim['pid'] !== 'number')
    return 'victim.pid is not a number or null';
  if (!isStringOrNull(victim['name'])) return 'victim.name is not a string or null';
  const cgroup = e['cgroup'];
  if (!isObject(cgroup) || !isStringOrNull(cgroup['task']) || !isStringOrNull(cgroup['oom']))
    return 'cgroup is not {oom, task}';
  const pod = e['pod'];
  if (pod !== null && !(isObject(pod) && typeof pod['uid'] === 'string')) return 'pod is not null or {uid}';
  const container = e['container'];
  if (container !== null && !(isObject(container) && typeof container['id'] === 'string'))
    return 'container is not null or {id}';
  if (!Array.isArray(e['lines'])) return 'lines is not an array';
  if (!Array.isArray(e['tasks'])) return 'tasks is not an array';
  return null;
}

export function readOomEventBody(body: string): BodyRead {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    return {
      ok: false,
      reason: `body is not JSON: ${errorMessage(error)}`,
    };
  }
  if (!isObject(parsed)) return { ok: false, reason: 'body is not a JSON object' };
  const breach = contractBreach(parsed);
  return breach === null
    ? { ok: true, event: parsed as unknown as OomEvent }
    : { ok: false, reason: `body is not an OomEvent: ${breach}` };
}
