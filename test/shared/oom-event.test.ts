/**
 * docs/event-schema.json and docs/rules/*.json against the example events: the schema accepts every
 * example (and rejects broken ones), and each example rule matches exactly the events it says it does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parseKernelLog } from '../../shared/kernel-log.ts';
import { detailTypeOf, EVENT_SOURCE, type EnrichedOomEvent } from '../../shared/oom-event.ts';
import { EXAMPLE_KINDS, exampleEvent, type ExampleKind } from '../fixtures/enriched/examples.ts';

// ajv-formats is CommonJS with its function on `default`.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const docs = new URL('../../docs/', import.meta.url);
const readJson = (path: string): unknown => JSON.parse(readFileSync(new URL(path, docs), 'utf8'));

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(readJson('event-schema.json') as object);

describe('the example events', () => {
  it('pod-limit and unenriched carry what the parser reads from the real kernel 6.18 sample', () => {
    const log = readFileSync(
      new URL('../fixtures/kernel-logs/kernel-6.18-cgroupv1-memcg.dmesg.log', import.meta.url),
      'utf8',
    );
    const parsed = parseKernelLog(log).events;
    // What the kernel text decides; id, node, time and source come from where the text was read.
    const fields = [
      'kernelTime',
      'constraint',
      'limitScope',
      'victim',
      'trigger',
      'cgroup',
      'pod',
      'container',
    ] as const;
    const more = ['memory', 'tasks', 'coVictims', 'coVictimCount', 'complete', 'lines'] as const;
    const kernelFacts = (e: object) =>
      Object.fromEntries([...fields, ...more].map((f) => [f, (e as Record<string, unknown>)[f]]));
    expect(parsed.map(kernelFacts)).toEqual(
      [exampleEvent('pod-limit'), exampleEvent('unenriched')].map(kernelFacts),
    );
  });
});

describe('docs/oom-event.md', () => {
  it("is the project's event contract as its shared docs hold it, beside the repo", (context) => {
    const contract = new URL('../../../shared/docs/oom-event.md', import.meta.url);
    if (!existsSync(contract)) {
      context.skip('the shared docs are not beside this checkout (../shared/docs/oom-event.md)');
      return;
    }
    expect(readFileSync(new URL('oom-event.md', docs), 'utf8')).toBe(readFileSync(contract, 'utf8'));
  });
});

describe('docs/event-schema.json', () => {
  it.each(EXAMPLE_KINDS)('accepts the %s example', (kind) => {
    expect(validate(exampleEvent(kind)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('accepts an event from scan (source is a file)', () => {
    expect(validate({ ...exampleEvent('pod-limit'), source: { file: 'dmesg.log', lines: [4, 5, 82] } })).toBe(
      true,
    );
  });

  it.each([
    ['a wrong schema version', { schemaVersion: 2 }, '/schemaVersion'],
    [
      'a pod UID with underscores',
      { pod: { uid: '3962896b_ab69_4572_8f1d_ee756f9f3589', qos: 'burstable' } },
      '/pod/uid',
    ],
    ['an impact outside the list', { impact: 'restarted' }, '/impact'],
    ['a missing cluster', { cluster: undefined }, ''],
    ['a time that is not ISO-8601', { observedAt: 'Thu Nov 20 09:14:27 2025' }, '/observedAt'],
    ['a missing coVictimCount', { coVictimCount: undefined }, ''],
    [
      'more than 100 co-victims',
      { coVictims: Array.from({ length: 101 }, (_, i) => ({ pid: i, name: 'php-fpm', anonRssKb: 1 })) },
      '/coVictims',
    ],
  ])('rejects %s', (_what, change, path) => {
    const broken = JSON.parse(JSON.stringify({ ...exampleEvent('pod-limit'), ...change })) as unknown;
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toContain(path);
  });
});

type Pattern = { [key: string]: Pattern | readonly unknown[] };

/**
 * EventBridge matching for the part of the pattern language the example rules use: nested objects
 * and arrays of exact values (an event array matches when any element does). Anything else in a
 * pattern (prefix, anything-but, numeric …) is refused rather than guessed.
 */
function matches(pattern: Pattern, event: unknown): boolean {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = (event as Record<string, unknown>)[key];
    if (Array.isArray(expected)) {
      for (const value of expected) {
        if (typeof value === 'object' && value !== null)
          throw new Error(`unsupported pattern operator at "${key}"`);
      }
      const values = Array.isArray(actual) ? actual : [actual];
      return actual !== undefined && values.some((v) => expected.includes(v));
    }
    return matches(expected as Pattern, actual);
  });
}

/** What EventBridge matches a rule against: the envelope, with the event as detail. */
function envelopeOf(event: EnrichedOomEvent) {
  return {
    version: '0',
    source: EVENT_SOURCE,
    'detail-type': detailTypeOf(event),
    account: '123456789012',
    region: 'eu-west-1',
    resources: [],
    detail: JSON.parse(JSON.stringify(event)) as unknown,
  };
}

describe('the matcher used here', () => {
  it('follows EventBridge on arrays, missing fields and null', () => {
    expect(matches({ a: ['x'] }, { a: ['y', 'x'] })).toBe(true);
    expect(matches({ a: ['x'] }, {})).toBe(false);
    expect(matches({ a: [null] }, { a: null })).toBe(true);
    expect(matches({ a: { b: ['x'] } }, { a: null })).toBe(false);
    expect(() => matches({ a: [{ prefix: 'x' }] }, { a: 'x' })).toThrow('unsupported pattern operator');
  });
});

describe('docs/rules', () => {
  const cases: [rule: string, matching: ExampleKind[]][] = [
    ['namespace.json', ['container-limit', 'child-process']],
    ['workload.json', ['container-limit']],
    ['child-process-kills.json', ['child-process']],
  ];

  it.each(cases)('%s matches exactly %j', (rule, matching) => {
    const pattern = readJson(`rules/${rule}`) as Pattern;
    const matched = EXAMPLE_KINDS.filter((kind) => matches(pattern, envelopeOf(exampleEvent(kind))));
    expect(matched).toEqual(matching);
  });

  it('the workload rule does not match another workload in the same namespace', () => {
    const pattern = readJson('rules/workload.json') as Pattern;
    const other = exampleEvent('container-limit');
    expect(
      matches(
        pattern,
        envelopeOf({
          ...other,
          kubernetes: { ...other.kubernetes!, workload: { kind: 'Deployment', name: 'cart' } },
        }),
      ),
    ).toBe(false);
  });

  it('every example travels with the detail-type its rules expect', () => {
    expect(EXAMPLE_KINDS.map((kind) => [kind, detailTypeOf(exampleEvent(kind))])).toEqual([
      ['container-limit', 'Pod OOM Killed'],
      ['pod-limit', 'Pod OOM Killed'],
      ['system-oom', 'Pod OOM Killed'],
      ['child-process', 'Pod OOM Killed'],
      ['unenriched', 'Pod OOM Killed'],
      ['host-process', 'Node OOM Kill'],
    ]);
  });
});
