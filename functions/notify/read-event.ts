/**
 * Checks that an EventBridge detail is an EnrichedOomEvent before anything formats it. It checks
 * every field the notifier reads, by type; it does not reshape or fill in anything.
 */
import { SCHEMA_VERSION, type EnrichedOomEvent } from '../../shared/oom-event.ts';

export type ReadEvent = { ok: true; event: EnrichedOomEvent } | { ok: false; problem: string };

type Check = (value: unknown) => boolean;

const isString: Check = (v) => typeof v === 'string';
const isNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isBoolean: Check = (v) => typeof v === 'boolean';
const orNull =
  (check: Check): Check =>
  (v) =>
    v === null || check(v);
const oneOf =
  (...values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type Shape = { readonly [field: string]: Check };

const shaped =
  (shape: Shape): Check =>
  (v) =>
    isRecord(v) && firstMismatch(v, shape) === null;
const arrayOf =
  (check: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(check);

function firstMismatch(value: Record<string, unknown>, shape: Shape): string | null {
  for (const [field, check] of Object.entries(shape)) {
    if (!check(value[field])) return field;
  }
  return null;
}

const VICTIM: Shape = {
  pid: orNull(isNumber),
  name: orNull(isString),
  uid: orNull(isNumber),
  totalVmKb: orNull(isNumber),
  anonRssKb: orNull(isNumber),
  fileRssKb: orNull(isNumber),
  shmemRssKb: orNull(isNumber),
  pgtablesKb: orNull(isNumber),
  oomScoreAdj: orNull(isNumber),
};

const KUBERNETES: Shape = {
  namespace: isString,
  pod: isString,
  container: orNull(isString),
  containerType: orNull(oneOf('regular', 'init', 'ephemeral')),
  workload: orNull(shaped({ kind: isString, name: isString })),
  image: orNull(isString),
  memoryRequest: orNull(isString),
  memoryLimit: orNull(isString),
  restartCount: orNull(isNumber),
  lastTermination: orNull(
    shaped({ reason: orNull(isString), exitCode: orNull(isNumber), finishedAt: orNull(isString) }),
  ),
};

const EVENT: Shape = {
  schemaVersion: (v) => v === SCHEMA_VERSION,
  id: (v) => typeof v === 'string' && v !== '',
  cluster: isString,
  node: orNull(isString),
  observedAt: orNull(isString),
  kernelTime: orNull(isNumber),
  constraint: orNull(oneOf('memcg', 'system', 'cpuset', 'mempolicy')),
  limitScope: orNull(oneOf('container', 'pod', 'qos', 'kubepods', 'node', 'other')),
  victim: shaped(VICTIM),
  trigger: orNull(shaped({ name: orNull(isString), pid: orNull(isNumber) })),
  cgroup: shaped({ oom: orNull(isString), task: orNull(isString) }),
  pod: orNull(shaped({ uid: isString, qos: orNull(oneOf('guaranteed', 'burstable', 'besteffort')) })),
  container: orNull(shaped({ id: isString })),
  memory: orNull(
    shaped({
      usageKb: orNull(isNumber),
      limitKb: orNull(isNumber),
      failcnt: orNull(isNumber),
      swapUsageKb: orNull(isNumber),
      swapLimitKb: orNull(isNumber),
    }),
  ),
  tasks: arrayOf(shaped({ pid: isNumber, name: isString, rssKb: isNumber, oomScoreAdj: isNumber })),
  coVictims: arrayOf(shaped({ pid: isNumber, name: isString, anonRssKb: orNull(isNumber) })),
  complete: isBoolean,
  lines: arrayOf(isString),
  kubernetes: orNull(shaped(KUBERNETES)),
  impact: oneOf(
    'container-restarted',
    'process-killed-container-running',
    'pod-deleted',
    'host-process',
    'unknown',
  ),
  enrichment: shaped({
    status: oneOf('resolved', 'resolved-from-events', 'not-found', 'unavailable', 'not-a-pod'),
    detail: orNull(isString),
  }),
};

const NESTED: Readonly<Record<string, Shape>> = { victim: VICTIM, kubernetes: KUBERNETES };

export function readEnrichedEvent(detail: unknown): ReadEvent {
  if (!isRecord(detail)) return { ok: false, problem: 'the event detail is not an object' };
  const field = firstMismatch(detail, EVENT);
  if (field === null) return { ok: true, event: detail as unknown as EnrichedOomEvent };
  const nested = NESTED[field];
  const inner = nested !== undefined && isRecord(detail[field]) ? firstMismatch(detail[field], nested) : null;
  const path = inner === null ? field : `${field}.${inner}`;
  return { ok: false, problem: `field "${path}" is missing or has the wrong type for an EnrichedOomEvent` };
}
